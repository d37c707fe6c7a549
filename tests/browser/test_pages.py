"""The dashboard's pages in Chromium, as their users meet them, with every request off this machine blocked."""

import csv
import io

from tests.browser.conftest import (
    choose,
    drawn_features,
    leaflet_paths,
    map_frame,
    settled_map_frame,
    signed_in_browser,
)

LACHIN_CITY = "AZ-LAC-lachin-city"


def test_deep_link_on_a_fresh_server_opens_the_view_it_names(start_app, app_env, offline_page):
    # a server of its own, so this link is the first thing it ever serves
    url = start_app(env={**app_env, "GREAT_RETURN_TEST_INSTANCE": "deep-link"})
    page = offline_page.page
    signed_in_browser(page, url, "aysel")  # the Lachin coordinator, signed in earlier
    page.goto(f"{url}/explorer?lang=en&districts=AZ-LAC", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Map explorer").wait_for()
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Lachin", exact=True).first.wait_for()
    assert sidebar.get_by_text("Aghdam", exact=True).count() == 0
    assert page.get_by_test_id("stException").count() == 0
    assert offline_page.blocked == []


def test_overview_draws_the_progress_map_and_charts(app_url, offline_page, built_store):
    page = offline_page.page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(app_url, wait_until="domcontentloaded")
    frame = map_frame(page)
    districts = len(built_store.read_layer("districts", columns=["district_id"]))
    settlements = len(built_store.read_layer("settlements", columns=["settlement_id"]))
    assert drawn_features(frame, minimum=districts + settlements)["paths"] == districts + settlements
    page.locator(".js-plotly-plot").nth(1).wait_for()
    assert page.locator(".js-plotly-plot").count() >= 2
    assert page.get_by_text("Qayıdan ailələr").first.is_visible()  # Azerbaijani by default
    offline_page.screenshot("overview-az")
    assert offline_page.blocked == []


def test_language_switch_changes_labels_and_the_link_and_survives_a_page_change(app_url, offline_page):
    page = offline_page.page
    signed_in_browser(page, app_url, "rauf")  # leadership: the explorer is among the pages read
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Böyük Qayıdışın gedişi").wait_for()
    choose(
        page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first, page.get_by_role("option", name="English")
    )
    page.get_by_role("heading", name="Progress of the Great Return").wait_for()
    page.wait_for_url("**lang=en**")
    page.get_by_test_id("stSidebarNav").get_by_text("Map explorer").click()
    page.get_by_role("heading", name="Map explorer").wait_for()
    page.wait_for_url("**/explorer?lang=en**")
    assert page.get_by_text("Layers", exact=True).is_visible()


def test_coordinator_opens_her_district_clicks_a_settlement_and_downloads_its_housing(app_url, offline_page):
    page = offline_page.page
    page.set_viewport_size({"width": 1920, "height": 1080})
    signed_in_browser(page, app_url, "aysel")
    page.goto(f"{app_url}/explorer?lang=en&districts=AZ-LAC", wait_until="domcontentloaded")
    frame = settled_map_frame(page)
    assert leaflet_paths(frame, minimum=50)["painted"] > 1000
    click_settlement(page, frame, LACHIN_CITY)
    record = page.get_by_test_id("stDataFrame").first
    offline_page.screenshot("explorer-lachin-record")
    assert record.is_visible()
    with page.expect_download() as download:
        page.get_by_text("Download this settlement's housing").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert rows and {row["settlement_id"] for row in rows} == {LACHIN_CITY}
    assert download.value.suggested_filename.startswith(f"great-return_housing_{LACHIN_CITY}")


def click_settlement(page, frame, settlement_id: str, attempts: int = 3) -> None:
    """Click a settlement's circle on the explorer's map, as a user does: where it is drawn now,
    and once more if the map was drawn again under the pointer (a run that ends just after the
    map settled may redraw it, and the click then reaches the old map)."""
    for attempt in range(attempts):
        point = frame.evaluate(
            """(id) => {
                const map = Object.values(window).find(v => v instanceof L.Map);
                let target = null;
                map.eachLayer(l => { if (l.feature && l.feature.properties.id === id
                                         && l.feature.properties.layer === 'settlements') target = l; });
                return map.latLngToContainerPoint(target.getLatLng());
            }""",
            settlement_id,
        )
        frame.locator(".leaflet-container").click(position={"x": point["x"], "y": point["y"]})
        try:
            page.get_by_text("Download this settlement's housing").wait_for(timeout=20_000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            frame = settled_map_frame(page)


def test_profile_link_opens_the_settlement_with_its_map_and_table(app_url, offline_page):
    page = offline_page.page
    page.goto(
        f"{app_url}/profile?lang=ru&districts=AZ-LAC&district=AZ-LAC&settlement=AZ-LAC-zabukh",
        wait_until="domcontentloaded",
    )
    page.get_by_role("heading", name="Профиль района и населённого пункта").wait_for()
    frame = map_frame(page)
    # the public view: Zabukh's outline and returnees' circle over the districts, no houses or hazards
    drawn = leaflet_paths(frame, minimum=50)
    assert drawn["painted"] > 1000
    assert page.get_by_test_id("stDataFrame").first.is_visible()
    offline_page.screenshot("profile-zabukh-ru")
    assert offline_page.blocked == []
