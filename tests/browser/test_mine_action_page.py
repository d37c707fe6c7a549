"""The mine action page in Chromium, signed in, with every request off this machine blocked: the
map of hazard polygons draws with its legend, and the page shows no raw name, no English word in
Azerbaijani or Russian, and no "None"."""

import re

import pytest

from lib.i18n import Translator
from lib.schema import LAYERS
from tests.browser.conftest import leaflet_paths, settled_map_frame, signed_in_browser

# Words that would mean a raw value reached the screen: schema names and vocabulary as stored,
# message ids, and empty values written out.
RAW = re.compile(r"\b(None|NaN|NaT|nan)\b|mine_action\.|kpi\.|_ha\b|_id\b|in_clearance|\bmre_")
ENGLISH = ("Hazard areas", "Land released", "released", "Settlement", "Houses near", "Mine-risk education")


def _visible_text(page) -> str:
    return page.get_by_test_id("stMain").inner_text()


@pytest.mark.parametrize("language", ["az", "ru"])
def test_the_map_draws_and_the_page_reads_in_the_language(app_url, offline_page, language):
    page = offline_page.page
    page.set_viewport_size({"width": 1366, "height": 768})
    signed_in_browser(page, app_url, "rauf")
    page.goto(f"{app_url}/mine_action?lang={language}", wait_until="domcontentloaded")
    t = Translator(language)
    page.get_by_role("heading", name=t("mine_action.title")).first.wait_for(timeout=60_000)
    frame = settled_map_frame(page)
    drawn = leaflet_paths(frame, minimum=100)
    assert drawn["painted"] > 1000, drawn
    legend = frame.locator(".gr-legend")
    assert legend.is_visible() and t("mine_action.map_legend") in legend.inner_text()
    assert t.term("hazard_status", "suspected") in legend.inner_text()
    page.locator(".js-plotly-plot").nth(3).wait_for()
    text = _visible_text(page)
    assert RAW.findall(text) == []
    assert [word for word in ENGLISH if word in text] == []
    fields = {f.name for spec in LAYERS.values() for f in spec.fields if "_" in f.name}
    assert [name for name in fields if re.search(rf"\b{name}\b", text)] == []
    offline_page.screenshot(f"mine-action-{language}")
    assert offline_page.blocked == []
