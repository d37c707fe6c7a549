"""The return-areas page in a real browser, with every request off this machine blocked."""

import pytest

from tests.browser.conftest import drawn_features, map_frame


@pytest.fixture
def opened_page(start_app, offline_page, built_store, settings):
    """The dashboard on the embedded data, opened offline; returns the page and the map's frame."""
    url = start_app(
        env={
            "GREAT_RETURN_STORE_PATH": str(built_store.path),
            "GREAT_RETURN_BOUNDARIES_FILE": str(settings.boundaries_file),
        }
    )
    offline_page.page.goto(f"{url}/return_areas?lang=en", wait_until="domcontentloaded")
    return offline_page, map_frame(offline_page.page)


def test_map_draws_every_district_and_settlement_offline(opened_page, built_store):
    offline_page, frame = opened_page
    districts = len(built_store.read_layer("districts", columns=["district_id"]))
    settlements = len(built_store.read_layer("settlements", columns=["settlement_id"]))
    counts = drawn_features(frame, minimum=districts + settlements)
    assert counts["paths"] == districts + settlements
    labels = frame.locator(".gr-label")
    assert labels.count() >= 8 and labels.first.is_visible()
    assert frame.locator(".gr-legend").is_visible()
    offline_page.page.get_by_text("Families returned").first.wait_for()
    offline_page.screenshot("return-areas")
    assert offline_page.blocked == [], offline_page.blocked


def test_settlement_tooltip_shows_its_figures(opened_page):
    _, frame = opened_page
    drawn_features(frame, minimum=100)
    circles = frame.locator("path.leaflet-interactive[stroke='#333333']")
    circles.last.hover(force=True)
    tooltip = frame.locator(".leaflet-tooltip").filter(has_text="Families returned")
    tooltip.first.wait_for(timeout=10_000)
    assert "Persons returned" in tooltip.first.inner_text()
