"""The time-lapse in a real browser, offline: the map draws its districts and settlements on the
blank style, and play, pause and the slider's steps move it from day to day.

It opens the presentation page's time-lapse slide (``/presentation?slide=timelapse``) once that
page is in the app, and until then the time-lapse alone in tests/browser/apps/timelapse_app.py,
built from the same cached figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lib.i18n import Translator
from lib.styling import SETTLEMENT_STATUS_COLOURS
from tests.browser.apps import timelapse_app
from tests.browser.conftest import PROJECT_ROOT

HARNESS = Path(timelapse_app.__file__)
PRESENTATION = PROJECT_ROOT / "pages" / "presentation.py"
SIZES = {"1920x1080": {"width": 1920, "height": 1080}, "1366x768": {"width": 1366, "height": 768}}

# The time-lapse's plot (the one with a map) and its MapLibre map, in the page.
PLOT = "[...document.querySelectorAll('.js-plotly-plot')].find(gd => gd._fullLayout && gd._fullLayout.map)"
MAP_DRAWN = f"""() => {{
    const gd = {PLOT};
    const map = gd && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    return !!map && map.loaded() && map.isStyleLoaded();
}}"""
# What the map shows: its style, and the features MapLibre really rendered on the canvas per kind
# of layer (the districts' outlines from the figure's layers; the settlements' circles).
DRAWN = f"""() => {{
    const gd = {PLOT};
    const map = gd._fullLayout.map._subplot.map;
    const layers = map.getStyle().layers;
    const ids = (prefix, type) => layers.filter(l => l.id.startsWith(prefix) && l.type === type).map(l => l.id);
    return {{
        style: gd._fullLayout.map.style,
        sources: layers.filter(l => l.source).map(l => map.getSource(l.source).type),
        outlines: map.queryRenderedFeatures({{layers: ids('plotly-layout-layer', 'line')}}).length,
        circles: map.queryRenderedFeatures({{layers: ids('plotly-trace-layer', 'circle')}}).length,
        colours: gd._fullData.filter(t => Array.from(t.lat || []).some(v => v !== null && !Number.isNaN(v))).map(t => t.marker.color),
    }};
}}"""
DAY_SHOWN = ".slider-group .slider-label"


def _open(page, base_url: str, language: str) -> str:
    """Open the time-lapse in ``language`` and wait until its map is drawn; its URL."""
    url = (
        f"{base_url}/presentation?slide=timelapse&lang={language}"
        if PRESENTATION.exists()
        else f"{base_url}/?lang={language}"
    )
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function(MAP_DRAWN, timeout=90_000)
    return url


@pytest.fixture
def base_url(request, start_app, app_env):
    """The dashboard when it has the presentation page, else the time-lapse alone, on the tests' data."""
    return request.getfixturevalue("app_url") if PRESENTATION.exists() else start_app(HARNESS, env=app_env)


def _day_shown(page) -> str:
    return page.locator(DAY_SHOWN).first.text_content()


def _wait_for_colours(page, test: str) -> None:
    """Wait until the colours of the traces drawn with points pass ``test`` (JavaScript)."""
    page.wait_for_function(f"() => ({test})(({DRAWN})().colours)", timeout=20_000)


def _click_slider_at(page, share: float) -> None:
    """Click the slider's rail at ``share`` of its length (0 its first step, 1 its last)."""
    rail = page.locator(".slider-rail-touch-rect").first
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    page.mouse.click(box["x"] + 2 + share * (box["width"] - 4), box["y"] + box["height"] / 2)


def test_the_map_draws_district_outlines_and_settlements_offline_on_the_blank_style(
    base_url, offline_page, built_store
):
    page = offline_page.page
    _open(page, base_url, "en")
    drawn = page.evaluate(DRAWN)
    settlements = len(built_store.read_layer("settlements", geometry=False))
    assert drawn["style"] == "white-bg"
    assert set(drawn["sources"]) == {"geojson"}  # no raster or vector tiles
    assert drawn["outlines"] > 0, offline_page.errors
    assert drawn["circles"] == settlements  # the first day: every settlement, planned
    assert drawn["colours"] == [SETTLEMENT_STATUS_COLOURS["planned"]]
    assert offline_page.blocked == []


def test_play_moves_the_days_pause_holds_one_and_the_slider_steps_to_a_day(base_url, offline_page, built_store):
    page = offline_page.page
    _open(page, base_url, "en")
    t = Translator("en")
    steps = page.evaluate(f"() => {PLOT}.layout.sliders[0].steps.map(s => s.label)")
    first = _day_shown(page)
    assert first == steps[0]

    page.locator("g.updatemenu-button").filter(has_text=t("timelapse.play")).click()
    page.wait_for_function(f"() => document.querySelector('{DAY_SHOWN}').textContent !== {first!r}", timeout=20_000)
    page.locator("g.updatemenu-button").filter(has_text=t("timelapse.pause")).click()
    page.wait_for_timeout(1_000)  # a frame being drawn when the click came still lands
    paused = _day_shown(page)
    page.wait_for_timeout(2_000)  # over four frames' time
    assert _day_shown(page) == paused and paused in steps[1:-1]

    _click_slider_at(page, 1.0)
    last_day = t.day(built_store.metadata()["data_date"])
    page.wait_for_function(f"() => document.querySelector('{DAY_SHOWN}').textContent === {last_day!r}")
    # the last day: families returning (the day's label is written before its points are drawn)
    _wait_for_colours(page, f"colours => colours.includes({SETTLEMENT_STATUS_COLOURS['resettling']!r})")
    _click_slider_at(page, 0.0)
    page.wait_for_function(f"() => document.querySelector('{DAY_SHOWN}').textContent === {first!r}")
    _wait_for_colours(page, f"colours => colours.join() === {SETTLEMENT_STATUS_COLOURS['planned']!r}")
    assert offline_page.blocked == []


@pytest.mark.parametrize(
    ("language", "size"), [("az", "1920x1080"), ("ru", "1366x768"), ("en", "1920x1080"), ("en", "1366x768")]
)
def test_screenshots_with_the_words_in_the_language(base_url, offline_page, language, size):
    page = offline_page.page
    page.set_viewport_size(SIZES[size])
    _open(page, base_url, language)
    t = Translator(language)
    _click_slider_at(page, 1.0)  # the data date: every status there is
    page.wait_for_timeout(1_000)
    legend = page.locator(".legend .legendtext").all_text_contents()
    assert t("timelapse.arrived") in legend
    for status in SETTLEMENT_STATUS_COLOURS:
        assert t.term("settlement_status", status).lower() in [entry.lower() for entry in legend]
    assert page.locator("g.updatemenu-button").filter(has_text=t("timelapse.play")).count() == 1
    offline_page.screenshot(f"timelapse-{language}-{size}")
    assert offline_page.blocked == []
