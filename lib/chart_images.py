"""Plotly charts as PNG or SVG files, through kaleido and the system's Chromium.

Kaleido draws a figure in a headless Chromium. It must be the one the set-up installed (Debian's
``chromium``, or the browser named by ``BROWSER_PATH``): never one downloaded at run time
(``plotly_get_chrome`` / ``kaleido_get_chrome`` are not called). MathJax is off, so the export page
links nothing from a CDN (a hanging network would stall it); plotly.js comes from the installed
plotly package. Without a Chromium, :class:`ChartImagesUnavailable` says what is missing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import plotly.graph_objects as go

DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FORMATS = ("png", "svg")
TIMEOUT_S = 60


class ChartImagesUnavailable(RuntimeError):
    """Chart images cannot be made here: no Chromium (the message says how to install one)."""


def chromium_path() -> str | None:
    """The Chromium kaleido will drive: ``BROWSER_PATH`` when set, else Debian's, else one on PATH."""
    named = os.environ.get("BROWSER_PATH")
    if named:
        return named if _executable(named) else None
    if _executable(DEBIAN_CHROMIUM):
        return DEBIAN_CHROMIUM
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _executable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def _missing() -> str:
    named = os.environ.get("BROWSER_PATH")
    where = f"BROWSER_PATH={named!r} is not an executable file" if named else "no Chromium was found"
    return (
        f"Chart images (PNG/SVG) need Chromium, and {where}. Install Debian's with `apt-get install chromium` "
        "(or point BROWSER_PATH at a Chrome or Chromium), then try again. Maps and the PDF briefing need no browser."
    )


def chart_images_available() -> bool:
    """Whether :func:`chart_image` can work here (a Chromium is installed), to say so up front."""
    return chromium_path() is not None


def chart_image(fig: go.Figure, fmt: str = "png", width: int = 1920, height: int = 1080) -> bytes:
    """``fig`` as a PNG or SVG of ``width`` x ``height`` (pixels; an SVG's units).

    Raises
    ------
    ChartImagesUnavailable
        When no Chromium is installed (saying how to install one).
    ValueError
        For a format other than png or svg.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart image format {fmt!r}; expected one of {', '.join(FORMATS)}")
    browser = chromium_path()
    if browser is None:
        raise ChartImagesUnavailable(_missing())
    import kaleido
    from choreographer.errors import ChromeNotFoundError

    try:
        return kaleido.calc_fig_sync(
            fig,
            opts={"format": fmt, "width": width, "height": height},
            kopts={"mathjax": False, "path": browser, "timeout": TIMEOUT_S},
        )
    except ChromeNotFoundError as error:  # found, yet it would not start as a browser
        raise ChartImagesUnavailable(f"{_missing()} ({error})") from None
