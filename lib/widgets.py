"""Streamlit glue that shows things the same way on every page: key-figure cards, and charts that
give way to a sentence when they have nothing to show.

With lib/cache.py (caches) and lib/map_view.py (maps) this is the only module of lib/ that
imports Streamlit; what it shows is worded by the pure functions of lib/presentation.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import streamlit as st

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
