"""The sidebar's place search in Chromium: a spelling typed, the result picked, the profile of the
place with its map drawn on it. Screenshots: test-artifacts/search-<language>-*.png."""

import pytest

from lib.i18n import Translator
from tests.browser.conftest import leaflet_paths, map_frame, settled_map_frame

SHUSHA = "AZ-SUS-shusha-city"
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


@pytest.mark.parametrize(
    ("language", "typed", "viewport"),
    [("az", "Susa", (1366, 768)), ("ru", "Шуша", (1366, 768)), ("en", "shusha", (1920, 1080))],
)
def test_typing_a_spelling_and_picking_the_result_opens_the_profile_with_the_map_on_it(
    app_url, offline_page, built_store, language, typed, viewport
):
    t = Translator(language)
    settlements = built_store.read_layer("settlements").set_index("settlement_id")
    shusha = settlements.loc[SHUSHA]
    district = built_store.read_layer("districts").set_index("district_id").loc["AZ-SUS"]
    page = offline_page.page
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    # Lachin only: Shusha is not in the district filter, and must be added to it
    page.goto(f"{app_url}/?lang={language}&districts=AZ-LAC", wait_until="domcontentloaded")
    map_frame(page)
    page.wait_for_function(IDLE)
    sidebar = page.get_by_test_id("stSidebar")

    sidebar.get_by_role("searchbox").press_sequentially(typed, delay=50)
    result = sidebar.get_by_role(
        "button", name=t("search.settlement_result", name=shusha[t.name_column], district=district[t.name_column])
    )
    result.wait_for(timeout=30_000)
    offline_page.screenshot(f"search-{language}-results")
    result.click()

    page.wait_for_url(f"**/profile?**district=AZ-SUS&settlement={SHUSHA}**", timeout=60_000)
    page.get_by_role("heading", name=t("profile.title")).wait_for()
    frame = settled_map_frame(page)
    assert leaflet_paths(frame, minimum=20)["painted"] > 1000  # Shusha's outline, houses and assets
    on_shusha = frame.evaluate(
        """([lat, lon]) => {
            const map = Object.values(window).find(v => v instanceof L.Map);
            const bounds = map.getBounds();
            return {contains: bounds.contains([lat, lon]), width: bounds.getEast() - bounds.getWest()};
        }""",
        [shusha.geometry.y, shusha.geometry.x],
    )
    assert on_shusha["contains"] and on_shusha["width"] < 0.2, on_shusha  # the town, not the whole region
    main = page.get_by_test_id("stMain")
    assert main.get_by_role("combobox", name=t("profile.district")).input_value() == district[t.name_column]
    assert main.get_by_role("combobox", name=t("profile.settlement")).input_value() == shusha[t.name_column]
    assert district[t.name_column] in sidebar.get_by_test_id("stMultiSelect").first.inner_text()  # added to the filter
    assert sidebar.get_by_role("searchbox").input_value() == ""
    frame.locator(".leaflet-container").scroll_into_view_if_needed()
    offline_page.screenshot(f"search-{language}-profile")
    assert page.get_by_test_id("stException").count() == 0
    assert offline_page.blocked == []


def test_on_the_profile_a_search_replaces_the_district_and_settlement_shown(app_url, offline_page):
    t = Translator("ru")
    page = offline_page.page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(
        f"{app_url}/profile?lang=ru&districts=AZ-LAC&district=AZ-LAC&settlement=AZ-LAC-zabukh",
        wait_until="domcontentloaded",
    )
    settled_map_frame(page)
    sidebar, main = page.get_by_test_id("stSidebar"), page.get_by_test_id("stMain")
    district, settlement = (
        main.get_by_role("combobox", name=t(f"profile.{kind}")) for kind in ("district", "settlement")
    )
    assert (district.input_value(), settlement.input_value()) == ("Лачин", "Забух")

    for typed, result, shown in [
        ("Agdam", "Агдам · Агдам", ("Агдам", "Агдам")),
        ("Cebrayil", t("search.district_result", name="Джебраил"), ("Джебраил", t("profile.whole_district"))),
    ]:
        sidebar.get_by_role("searchbox").press_sequentially(typed, delay=50)
        sidebar.get_by_role("button", name=result).click()
        page.wait_for_function(
            """(shown) => Object.entries(shown).every(
                   ([label, value]) => document.querySelector(`input[aria-label="${label}"]`)?.value === value)""",
            arg={t("profile.district"): shown[0], t("profile.settlement"): shown[1]},
            timeout=60_000,
        )
        settled_map_frame(page)
        assert (district.input_value(), settlement.input_value()) == shown
    assert page.get_by_test_id("stException").count() == 0
