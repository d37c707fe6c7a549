"""Streamlit glue for what pages show besides maps: downloads and the notes on a link.

Like ``lib/cache.py`` (data) and ``lib/map_view.py`` (maps), this is one of the few modules of
lib/ that knows Streamlit; what it shows is built by the pure functions of the other modules.
"""

from __future__ import annotations

import json
from functools import partial

import pandas as pd
import streamlit as st

from lib.exports import CSV, DOWNLOAD_FORMATS, DownloadFormat
from lib.filters import link_warning
from lib.i18n import Translator


def download_button(label: str, frame: pd.DataFrame, layer: str, stem: str, *, key: str, fmt: DownloadFormat = CSV):
    """One download of ``frame`` (one layer's rows), built only when clicked."""
    st.download_button(label, partial(fmt.build, frame, layer), f"{stem}.{fmt.suffix}", fmt.mime, key=key)


def download_buttons(frame: pd.DataFrame, layer: str, stem: str, t: Translator, *, key: str) -> None:
    """A button per download format, side by side."""
    for column, fmt in zip(st.columns(len(DOWNLOAD_FORMATS)), DOWNLOAD_FORMATS):
        with column:
            download_button(t(f"download.{fmt.key}"), frame, layer, stem, key=f"{key}_{fmt.key}", fmt=fmt)


def show_link_notes(notes, t: Translator) -> None:
    """Say which values of the link were changed or ignored (nothing when all were used)."""
    warning = link_warning(notes, t)
    if warning:
        st.warning(warning)


# Streamlit writes "No results" into an empty chooser itself, in English only. Its list is
# marked data-empty, so the text can be replaced by the chosen language's words with CSS.
# (A JSON string literal is a valid CSS string when the text has no backslash or newline.)
_NO_RESULTS_CSS = (
    '[role="listbox"][data-empty="true"] > [role="option"] > span {{ font-size: 0; }}'
    '[role="listbox"][data-empty="true"] > [role="option"] > span::after {{ content: {text}; font-size: 1rem; }}'
)


def words_of_streamlit(t: Translator) -> None:
    """Put the chosen language's words where Streamlit has its own English ones."""
    no_results = json.dumps(t("common.no_results"), ensure_ascii=False)
    st.html(f"<style>{_NO_RESULTS_CSS.format(text=no_results)}</style>")
