"""An offline map in a real browser: every layer draws with all requests off this machine blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.apps import offline_map_app as app
from tests.browser.conftest import drawn_features, map_frame

APP = Path(app.__file__)


@pytest.fixture
def map_page(start_app, offline_page):
    """The test app's map, drawn, in an offline page."""
    offline_page.page.goto(start_app(APP, isolated=True), wait_until="domcontentloaded")
    return offline_page, map_frame(offline_page.page)


def test_polygons_circles_cluster_marker_and_legend_draw_with_no_request_off_this_machine(map_page):
    offline_page, frame = map_page
    counts = drawn_features(frame, paths=app.POLYGONS + app.CIRCLES, clusters=1, markers=app.MARKERS)
    frame.locator(".legend svg").wait_for(timeout=10_000)
    offline_page.screenshot("offline-map")
    assert counts["paths"] == app.POLYGONS + app.CIRCLES, offline_page.errors
    assert frame.locator(f"path.{app.CIRCLE_CLASS}").count() == app.CIRCLES
    assert (counts["clusters"], counts["clustered"], counts["markers"]) == (1, app.CLUSTERED, app.MARKERS)
    assert app.LEGEND_CAPTION in frame.locator(".legend").inner_text()
    assert offline_page.blocked == []


def test_map_assets_come_from_the_app_and_load_completely(map_page):
    offline_page, frame = map_page
    drawn_features(frame, markers=app.MARKERS)
    frame.wait_for_function("() => [...document.querySelectorAll('img.leaflet-marker-icon')].every(i => i.complete)")
    loaded = frame.evaluate(
        """() => ({
            scripts: [...document.scripts].map(s => s.src).filter(Boolean),
            stylesheets: [...document.styleSheets].map(s => s.href).filter(Boolean),
            markerIconWidth: document.querySelector('img.leaflet-marker-icon').naturalWidth,
            background: getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor,
        })"""
    )
    origin = offline_page.page.url.split("/", 3)[:3]
    for url in loaded["scripts"] + loaded["stylesheets"]:
        assert url.split("/", 3)[:3] == origin, url
    assert any(src.endswith("/app/static/vendor/leaflet/leaflet.js") for src in loaded["scripts"]), loaded
    assert any(href.endswith("/app/static/vendor/leaflet/leaflet.css") for href in loaded["stylesheets"]), loaded
    assert loaded["markerIconWidth"] > 0  # Leaflet found its images next to its stylesheet
    assert loaded["background"] == "rgb(244, 246, 248)"  # the plain background, not tiles
    assert frame.evaluate("typeof L.markerClusterGroup === 'function' && typeof d3.scale === 'object'")
    assert offline_page.blocked == []
