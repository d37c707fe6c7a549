"""A settlement named with HTML and script, as a committee's file could name it, in Chromium: the
page runs none of it and shows the name as written. Screenshot: test-artifacts/hostile-name-*.png."""

import shutil

import pytest

from lib.i18n import Translator
from lib.store_gpkg import GeoPackageStore
from tests.browser.conftest import settled_map_frame

LACHIN_CITY = "AZ-LAC-lachin-city"
SCRIPTED = "<img src=x onerror=alert(1)><script>alert(1)</script> Ağdam"
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
EN = Translator("en")


@pytest.fixture(scope="module")
def hostile_store(built_store, tmp_path_factory):
    """A copy of the test store in which Lachin city is named by :data:`SCRIPTED` in every language."""
    path = tmp_path_factory.mktemp("hostile") / "great_return.gpkg"
    shutil.copyfile(built_store.path, path)
    store = GeoPackageStore(path)
    settlements = store.read_layer("settlements")
    renamed = settlements[settlements["settlement_id"] == LACHIN_CITY].copy()
    renamed[["name_az", "name_en", "name_ru"]] = SCRIPTED
    store.write_layers({"settlements": renamed}, note="a hostile name", author="test", mode="upsert")
    return path


@pytest.fixture
def hostile_app(start_app, app_env, hostile_store) -> str:
    return start_app(env={**app_env, "GREAT_RETURN_STORE_PATH": str(hostile_store)})


def test_a_name_with_script_runs_nothing_and_is_shown_as_written(hostile_app, offline_page):
    page = offline_page.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(
        f"{hostile_app}/profile?lang=en&districts=AZ-LAC&district=AZ-LAC&settlement={LACHIN_CITY}",
        wait_until="domcontentloaded",
    )
    frame = settled_map_frame(page)
    page.wait_for_function(IDLE)
    main = page.get_by_test_id("stMain")
    assert main.get_by_role("combobox", name=EN("profile.settlement")).input_value() == SCRIPTED
    # the timeline's axis says the name as written
    page.locator(".js-plotly-plot").first.wait_for()
    ticks = page.locator(".js-plotly-plot .ytick text").all_text_contents()
    assert SCRIPTED in ticks, ticks

    # the place search's result button (a Markdown label) for a search that finds it
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("searchbox").press_sequentially("Ağdam", delay=50)
    result = sidebar.get_by_role("button").filter(has_text="onerror")
    result.first.wait_for(timeout=30_000)
    assert SCRIPTED in result.first.inner_text()
    offline_page.screenshot("hostile-name-profile")
    page.wait_for_timeout(1_000)  # time for a late onerror
    for where in (page, frame):
        assert where.locator("img[src='x']").count() == 0
    assert page.get_by_test_id("stException").count() == 0

    # the map of the return areas: the city's label, and its tooltip (HTML we write) opened
    page.goto(f"{hostile_app}/return_areas?lang=en&districts=AZ-LAC", wait_until="domcontentloaded")
    frame = settled_map_frame(page)
    frame.locator(".gr-label").first.wait_for()
    assert SCRIPTED in [text.strip() for text in frame.locator(".gr-label").all_text_contents()]
    tooltip = frame.evaluate(
        """(id) => {
            const map = Object.values(window).find(v => v instanceof L.Map);
            let text = null;
            map.eachLayer(layer => {
                if (layer.feature && layer.feature.properties.settlement_id === id && layer.getTooltip()) {
                    layer.openTooltip();
                    text = layer.getTooltip().getElement().textContent;
                }
            });
            return text;
        }""",
        LACHIN_CITY,
    )
    assert tooltip is not None and tooltip.startswith(SCRIPTED), tooltip
    offline_page.screenshot("hostile-name-return-areas")
    page.wait_for_timeout(1_000)
    assert frame.locator("img[src='x']").count() == 0 and page.locator("img[src='x']").count() == 0
    assert dialogs == []
