"""Map legends in Chromium: they follow the layers switched on and fit a laptop's screen."""

import pytest

from tests.browser.conftest import choose, settled_map_frame, signed_in_browser

LAPTOP = {"width": 1366, "height": 768}
ALL_LAYERS = "settlement_boundaries,returnees,housing,infrastructure,hazard_areas,employment_projects"
LEGEND_LINES = "() => [...document.querySelectorAll('.gr-legend .gr-legend-row')].map(row => row.textContent)"
# The legend's box and the map's, as the browser lays them out.
BOXES = """() => {
    const box = element => { const r = element.getBoundingClientRect(); return {width: r.width, height: r.height}; };
    const legend = document.querySelector('.gr-legend');
    return {map: box(document.querySelector('.leaflet-container')), legend: legend && box(legend)};
}"""


def _legend_after_change(page, expected):
    """The legend's lines once the map shows them as ``expected`` says they must be."""
    frame = settled_map_frame(page)
    frame.wait_for_function(f"() => ({expected})(({LEGEND_LINES})())", timeout=30_000)
    return frame.evaluate(LEGEND_LINES)


def test_explorer_legend_follows_the_layers_switched_off_and_on(app_url, offline_page):
    page = offline_page.page
    page.set_viewport_size(LAPTOP)
    signed_in_browser(page, app_url, "aysel")  # the Lachin coordinator
    page.goto(f"{app_url}/explorer?lang=en&districts=AZ-LAC&layers=returnees,housing", wait_until="domcontentloaded")
    lines = _legend_after_change(page, "lines => lines.some(line => line.startsWith('Housing: '))")
    assert "Housing: occupied" in lines and "Settlement: ready" in lines

    page.get_by_role("button", name="Remove Housing").click()
    lines = _legend_after_change(page, "lines => lines.length && !lines.some(line => line.startsWith('Housing'))")
    assert "Settlement: ready" in lines  # the layer still on keeps its entries

    choose(
        page.get_by_test_id("stMain").get_by_role("combobox", name="Layers"),
        page.get_by_role("option", name="Hazard areas"),
    )
    page.keyboard.press("Escape")
    lines = _legend_after_change(page, "lines => lines.some(line => line.startsWith('Hazard areas: '))")
    assert "Hazard areas: being cleared" in lines and "Hazard areas: released" in lines
    assert not any(line.startswith("Housing") for line in lines)
    offline_page.screenshot("explorer-legend-follows-layers-1366")


@pytest.mark.parametrize(
    "path",
    [f"/explorer?lang=az&districts=AZ-LAC&layers={ALL_LAYERS}", "/?lang=ru", "/profile?lang=az&district=AZ-LAC"],
    ids=["explorer-all-layers", "overview", "profile"],
)
def test_legend_covers_at_most_a_quarter_of_the_map_on_a_laptop(app_url, offline_page, path):
    page = offline_page.page
    page.set_viewport_size(LAPTOP)
    signed_in_browser(page, app_url, "aysel")  # the explorer's records are for the signed-in
    page.goto(f"{app_url}{path}", wait_until="domcontentloaded")
    frame = settled_map_frame(page)
    frame.wait_for_function("() => document.querySelector('.gr-legend[open]')", timeout=30_000)
    boxes = frame.evaluate(BOXES)
    share = boxes["legend"]["width"] * boxes["legend"]["height"] / (boxes["map"]["width"] * boxes["map"]["height"])
    assert share <= 0.25, boxes
    assert boxes["legend"]["height"] > 100  # open, not folded away to pass
    # folded, it is a title only
    frame.locator(".gr-legend summary").click()
    folded = frame.evaluate(BOXES)["legend"]
    assert folded["height"] < 40
