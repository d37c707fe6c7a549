"""Charts as PNG and SVG (lib.chart_images) through kaleido and the system's Chromium, never a downloaded one."""

import io
import xml.etree.ElementTree as ElementTree

import plotly.graph_objects as go
import pytest
from PIL import Image

from lib import chart_images
from lib.chart_images import ChartImagesUnavailable, chart_image, chart_images_available
from tests.availability import unavailable


def _figure() -> go.Figure:
    figure = go.Figure(go.Bar(x=["Ağdam", "Şuşa", "Лачин"], y=[210, 416, 831]))
    return figure.update_layout(title="Qayıdan ailələr · Вернувшиеся семьи")


@pytest.fixture
def chromium():
    if not chart_images_available():
        unavailable("Chromium is not installed: apt-get install chromium (or set BROWSER_PATH)")


def test_a_chart_as_png_has_the_size_asked_and_is_not_blank(chromium):
    png = chart_image(_figure(), "png", 1920, 1080)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1920, 1080)
    assert len(image.convert("RGB").getcolors(maxcolors=1_000_000)) > 10


def test_a_chart_as_svg_parses_and_keeps_its_letters(chromium):
    svg = chart_image(_figure(), "svg", 800, 600)
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg") and root.get("width") == "800"
    assert "Лачин" in svg.decode("utf-8") and "Şuşa" in svg.decode("utf-8")


def test_kaleido_is_given_the_system_chromium_and_no_mathjax(monkeypatch, tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(browser))
    calls = []
    monkeypatch.setattr("kaleido.calc_fig_sync", lambda fig, **kwargs: calls.append(kwargs) or b"image")
    assert chart_image(_figure(), "svg", 640, 480) == b"image"
    assert calls[0]["kopts"]["mathjax"] is False and calls[0]["kopts"]["path"] == str(browser)
    assert calls[0]["opts"] == {"format": "svg", "width": 640, "height": 480}


def test_without_chromium_the_export_says_what_is_missing_and_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-browser"))
    assert not chart_images_available()
    with pytest.raises(ChartImagesUnavailable, match="apt-get install chromium"):
        chart_image(_figure(), "png")


def test_chromium_is_found_without_browser_path_where_debian_puts_it(monkeypatch, tmp_path):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    debian = tmp_path / "chromium"
    debian.write_text("#!/bin/sh\n")
    debian.chmod(0o755)
    monkeypatch.setattr(chart_images, "DEBIAN_CHROMIUM", str(debian))
    assert chart_images.chromium_path() == str(debian)


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="'jpg'"):
        chart_image(_figure(), "jpg")
