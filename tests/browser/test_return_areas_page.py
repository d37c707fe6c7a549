"""The return-areas page in a real browser, with every request off this machine blocked."""

from tests.browser.conftest import drawn_features, map_frame


def test_map_draws_every_district_and_settlement_offline(start_app, offline_page, built_store, settings):
    url = start_app(
        env={
            "GREAT_RETURN_STORE_PATH": str(built_store.path),
            "GREAT_RETURN_BOUNDARIES_FILE": str(settings.boundaries_file),
        }
    )
    page = offline_page.page
    page.goto(url, wait_until="domcontentloaded")
    frame = map_frame(page)
    districts = len(built_store.read_layer("districts", columns=["district_id"]))
    settlements = len(built_store.read_layer("settlements", columns=["settlement_id"]))
    counts = drawn_features(frame, minimum=districts + settlements)
    assert counts["paths"] == districts + settlements
    labels = frame.locator(".gr-label")
    assert labels.count() == 14 and labels.first.is_visible()
    assert frame.locator(".gr-legend").is_visible()
    page.get_by_text("Families returned").first.wait_for()
    offline_page.screenshot("return-areas")
    assert offline_page.blocked == [], offline_page.blocked


def test_settlement_tooltip_shows_its_figures(start_app, offline_page, built_store, settings):
    url = start_app(
        env={
            "GREAT_RETURN_STORE_PATH": str(built_store.path),
            "GREAT_RETURN_BOUNDARIES_FILE": str(settings.boundaries_file),
        }
    )
    page = offline_page.page
    page.goto(url, wait_until="domcontentloaded")
    frame = map_frame(page)
    drawn_features(frame, minimum=100)
    circles = frame.locator("path.leaflet-interactive[stroke='#333333']")
    circles.last.hover(force=True)
    tooltip = frame.locator(".leaflet-tooltip").filter(has_text="Families returned")
    tooltip.first.wait_for(timeout=10_000)
    assert "Persons returned" in tooltip.first.inner_text()
