"""Streamlit glue that shows things the same way on every page: key-figure cards, charts that give
way to a sentence when they have nothing to show, downloads, and the notes on a link.

With lib/cache.py (caches) and lib/map_view.py (maps) this is the only module of lib/ that
imports Streamlit; what it shows is built and worded by the pure functions of the other modules.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib.exports import CSV, DOWNLOAD_FORMATS, DownloadFormat
from lib.filters import link_warning
from lib.i18n import Translator
from lib.kpi import Kpi
from lib.presentation import kpi_caption, kpi_delta, kpi_value


def kpi_cards(kpis: Sequence[Kpi], t: Translator, per_row: int = 4) -> None:
    """Each figure as a card (label, value, change since the comparison date, which the page's
    subtitle names) with its caption (base, basis, latest reported value), ``per_row`` to a row."""
    for first in range(0, len(kpis), per_row):
        for column, kpi in zip(st.columns(per_row), kpis[first : first + per_row]):
            delta, sign = kpi_delta(kpi, t) or (None, 0)
            column.metric(
                t(f"kpi.{kpi.key}"),
                kpi_value(kpi, t),
                delta,
                # Streamlit reads a fall from a leading hyphen; the sign shown is a true minus
                delta_color={1: "green", 0: "gray", -1: "red"}[sign],
                delta_arrow={1: "up", 0: "off", -1: "down"}[sign],
            )
            column.caption(kpi_caption(kpi, t))


def chart_or_note(figure: go.Figure | None, note: str, *, key: str) -> None:
    """The chart across the page's width, or ``note`` in its place when there is nothing to draw."""
    if figure is None:
        st.info(note)
    else:
        st.plotly_chart(figure, width="stretch", key=key)


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
