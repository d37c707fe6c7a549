"""The return conditions page in a real browser, signed in as leadership, offline: the map draws a
circle per settlement, and nothing raw (field names, ids, None) nor English shows in az or ru."""

import re

import pytest

from lib.i18n import Translator
from lib.return_index import INDICATORS, SEVERITIES
from tests.browser.conftest import drawn_features, settled_map_frame, signed_in_browser

# What must never reach a reader: column and indicator names as the code spells them, Python's None.
RAW = re.compile(
    r"\b(None|NaN|nan|settlement_id|district_id|jobs_per_family|score_points|very_high|"
    + "|".join(i.name for i in INDICATORS if "_" in i.name)
    + r")\b"
)
# English words of this page that a translation would leave behind.
ENGLISH = ("Settlement", "Severity", "Safety", "Jobs", "hazard", "homes built", "very high", "Employment")


def _open(offline_page, url: str, language: str):
    page = offline_page.page
    page.goto(f"{url}/return_conditions?lang={language}", wait_until="domcontentloaded")
    frame = settled_map_frame(page)
    page.get_by_text(Translator(language)("employment.heading"), exact=True).first.wait_for(timeout=60_000)
    return page, frame


@pytest.mark.parametrize("language", ["en", "az", "ru"])
def test_the_map_draws_every_settlement_and_nothing_raw_or_english_shows(app_url, offline_page, built_store, language):
    signed_in_browser(offline_page.page, app_url, "rauf")  # leadership reads every record
    page, frame = _open(offline_page, app_url, language)
    settlements = len(built_store.read_layer("settlements", columns=["settlement_id"]))
    counts = drawn_features(frame, minimum=settlements)
    assert counts["paths"] >= settlements
    legend = frame.locator(".gr-legend")
    assert legend.is_visible()
    t = Translator(language)
    for severity in SEVERITIES:
        assert t.term("conditions.severity", severity) in legend.inner_text()
    text = page.get_by_test_id("stMain").inner_text()
    assert not RAW.search(text), RAW.search(text)
    if language != "en":
        assert [word for word in ENGLISH if word in text] == []
    offline_page.screenshot(f"return-conditions-{language}")
    assert offline_page.blocked == [], offline_page.blocked


def test_a_settlement_tooltip_says_its_scales_and_what_weighs_most(app_url, offline_page):
    signed_in_browser(offline_page.page, app_url, "rauf")
    _, frame = _open(offline_page, app_url, "en")
    drawn_features(frame, minimum=43)
    t = Translator("en")
    circles = frame.locator("path.leaflet-interactive[stroke='#333333']")
    circles.last.hover(force=True)
    tooltip = frame.locator(".leaflet-tooltip").filter(has_text=t("conditions.col.safety"))
    tooltip.first.wait_for(timeout=10_000)
    assert t("conditions.col.services") in tooltip.first.inner_text()
