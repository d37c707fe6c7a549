"""The readiness page in Chromium, signed in as leadership, offline: the map of settlements by
state draws, the answer and the list are there, in words of the page's language only."""

import re

import pytest

from lib.i18n import Translator
from lib.readiness import ITEMS, STATES
from tests.browser.conftest import leaflet_paths, map_frame, signed_in_browser

# what a raw field or value looks like on screen: an id with an underscore, or a missing value
RAW = re.compile(r"\b(None|NaT|nan)\b|\b[a-z]+_(expected|met|done|ha|m|homes|month|mines|ready)\b")


@pytest.mark.parametrize(("language", "width", "height"), [("az", 1366, 768), ("ru", 1366, 768), ("en", 1920, 1080)])
def test_the_map_and_the_list_answer_in_the_pages_language(app_url, offline_page, built_store, language, width, height):
    page = offline_page.page
    page.set_viewport_size({"width": width, "height": height})
    signed_in_browser(page, app_url, "rauf")
    page.goto(f"{app_url}/readiness?lang={language}", wait_until="domcontentloaded")
    t = Translator(language)
    page.get_by_role("heading", name=t("readiness.title")).wait_for()
    settlements = len(built_store.read_layer("settlements", columns=["settlement_id"]))
    # every settlement's outline and point on the districts
    drawn = leaflet_paths(map_frame(page), minimum=2 * settlements)
    assert drawn["painted"] > 100
    frame = map_frame(page)
    legend = frame.locator(".gr-legend").inner_text()
    assert all(t(f"readiness.state.{state}") in legend for state in STATES)
    page.get_by_test_id("stTable").first.wait_for()  # the list, read whole
    page.get_by_test_id("stDataFrame").first.wait_for()  # the checklist
    page.locator(".js-plotly-plot").nth(1).wait_for()
    offline_page.screenshot(f"readiness-{language}")
    text = page.get_by_test_id("stMain").inner_text() + legend
    assert not RAW.search(text), RAW.search(text)
    if language != "en":
        english = Translator("en")
        words = [english(f"readiness.state.{s}") for s in STATES] + [english(f"readiness.item.{i}") for i in ITEMS]
        assert not [w for w in words if w in text]
    assert page.get_by_test_id("stException").count() == 0
    assert offline_page.blocked == []
