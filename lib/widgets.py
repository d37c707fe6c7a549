"""Streamlit glue that shows things the same way on every page: key-figure cards, charts that give
way to a sentence when they have nothing to show, tables with their downloads, choosers whose
value lives in the link, and the notes on a link.

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

from lib.exports import CSV, DOWNLOAD_FORMATS, DownloadFormat, file_stem
from lib.filters import LinkNote, choice_from_link, choices_from_link, link_warning
from lib.i18n import Translator, place_names
from lib.kpi import Kpi
from lib.presentation import kpi_caption, kpi_delta, kpi_value
from lib.safe_text import escape_markdown
from lib.selection import schema_layer
from lib.styling import STATUS_COLOURS, STATUS_TERMS
from lib.tables import EMPTY, readable_table, record_table


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


def analysis_notes(settlements: pd.DataFrame, t: Translator) -> None:
    """Under an analysis of the settlements: that the records it rests on are demonstration data,
    and which settlements are drawn at their district seat (no coordinates found), whose markers
    overlap others there."""
    st.caption(t("analysis.demo_note"))
    at_seat = settlements[settlements["coord_quality"] == "district_seat"]
    if len(at_seat):
        st.caption(t("map.seat_note", names=", ".join(sorted(place_names(at_seat, t)))))


def reader_table(
    frame: pd.DataFrame, *, key: str | None = None, widths: dict[str, str] | None = None, every_row: bool = False
) -> None:
    """A table across the page's width, without the index, empty cells shown as a dash; ``widths``
    gives columns of text more room ("medium", "large"), and ``every_row`` shows all rows at once
    (for a short list read whole, its long texts wrapped rather than cut) instead of ten and a
    scroll bar."""
    if every_row:
        st.table(frame.astype("object").where(frame.notna(), EMPTY), hide_index=True, border="horizontal")
        return
    config = {column: st.column_config.TextColumn(width=width) for column, width in (widths or {}).items()}
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height="content" if every_row else "auto",
        placeholder=EMPTY,
        key=key,
        column_config=config or None,
    )


def table_or_note(frame: pd.DataFrame, note: str, *, key: str | None = None) -> None:
    """The table (:func:`reader_table`), or ``note`` in its place when it has no row (an empty
    table would show Streamlit's own word, in English whatever the reader's language)."""
    if frame.empty:
        st.info(note)
    else:
        reader_table(frame, key=key)


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


# The file uploader's button and size line (Streamlit words them in English only).
_UPLOADER_CSS = (
    '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}'
    '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after'
    " {{ content: {button}; font-size: 0.875rem; }}"
    '[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}'
    '[data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: {limit}; font-size: 0.875rem; }}'
)


def words_of_streamlit(t: Translator) -> None:
    """Put the chosen language's words where Streamlit has its own English ones."""
    no_results = json.dumps(t("common.no_results"), ensure_ascii=False)
    upload = {
        "button": json.dumps(t("common.upload"), ensure_ascii=False),
        # Streamlit's own limit (server.maxUploadSize, 200 MB by default, as import_max_bytes)
        "limit": json.dumps(
            t("common.upload_limit", size=t.number(st.get_option("server.maxUploadSize"))), ensure_ascii=False
        ),
    }
    st.html(f"<style>{_NO_RESULTS_CSS.format(text=no_results)}{_UPLOADER_CSS.format(**upload)}</style>")


def linked_choice(
    label: str,
    names: dict[str, str],
    param: str,
    *,
    key: str,
    default: str | None = None,
    none_label: str | None = None,
    on_change=None,
) -> tuple[str | None, list[LinkNote]]:
    """A chooser of one of ``names`` (id → name) whose value lives in the link (``?param=id``).

    It opens on the link's value when it is one of ``names``, else on ``default``, else on the
    first; with ``none_label`` nothing may be chosen (shown under that label). Returns the chosen
    id (None for nothing) and the notes on an unusable link value, for :func:`show_link_notes`.
    """
    asked, notes = choice_from_link(st.query_params.to_dict(), param, names)
    options = ([""] if none_label is not None else []) + list(names)
    start = asked or (default if default in options else options[0])
    if key in st.session_state and st.session_state[key] not in options:
        # kept from other options (another district's settlement, a view before signing in)
        del st.session_state[key]
    chosen = st.selectbox(
        label,
        options,
        index=options.index(start),
        format_func=lambda value: names.get(value, none_label),
        key=key,
        on_change=on_change,
    )
    if chosen:
        st.query_params[param] = chosen
    elif param in st.query_params:
        del st.query_params[param]
    return chosen or None, notes


def linked_choices(
    label: str, names: dict[str, str], param: str, t: Translator, *, key: str, default
) -> tuple[list[str], list[LinkNote]]:
    """A chooser of several of ``names`` whose values live in the link (``?param=a,b``); ``default``
    when the link names none. Returns the chosen ids and the notes on unusable link values."""
    asked, notes = choices_from_link(st.query_params.to_dict(), param, names, default)
    chosen = st.multiselect(
        label, list(names), default=asked, format_func=names.get, key=key, placeholder=t("common.choose")
    )
    st.query_params[param] = ",".join(chosen)
    return chosen, notes


def forget_link_param(param: str):
    """A callback that drops ``param`` from the link (e.g. a settlement once its district changes)."""

    def forget() -> None:
        if param in st.query_params:
            del st.query_params[param]

    return forget


def status_choosers(layers: Sequence[str], t: Translator, *, key: str) -> dict[str, list[str]]:
    """For each layer with statuses, the statuses to show (all by default), in a folded box."""
    kept = {}
    with st.expander(t("explorer.statuses")):
        for layer in layers:
            statuses = list(STATUS_COLOURS[layer])
            kept[layer] = st.multiselect(
                t(f"layer.{layer}"),
                statuses,
                default=statuses,
                key=f"{key}_{layer}",
                format_func=lambda status, layer=layer: t.term(STATUS_TERMS[layer], status),
            )
    return kept


def layer_table(frame: pd.DataFrame, layer: str, stem: str, t: Translator, *, key: str, rows: int) -> None:
    """One layer's rows as a sortable table in the reader's words (the first ``rows`` of them) with
    every download format for all of them, or a sentence when there is none."""
    if frame.empty:
        st.info(t("explorer.empty", layer=t(f"layer.{layer}")))
        return
    if len(frame) > rows:
        st.caption(t.plural("explorer.rows_shown", len(frame), shown=t.number(rows)))
    else:
        st.caption(t.plural("explorer.rows", len(frame)))
    reader_table(readable_table(frame.head(rows), schema_layer(layer), t), key=key)
    download_buttons(frame, layer, stem, t, key=f"{key}_download")


def record_panel(record: pd.Series | None, houses: pd.DataFrame | None, as_of, t: Translator) -> None:
    """A clicked record in the reader's words (a hint until something is clicked) and, for a
    settlement, the download of its housing."""
    st.subheader(t("explorer.record"))
    if record is None:
        st.info(t("explorer.click_hint"))
        return
    # a static table wraps long values in a narrow column, where a data grid would cut them off
    # st.table reads every cell as Markdown: record values are the data's own text, shown as written
    shown = record_table(record, t).map(escape_markdown)
    st.table(shown, hide_index=True, hide_header=True, border="horizontal")
    if houses is not None:
        download_button(
            t.plural("explorer.download_settlement_housing", len(houses)),
            houses,
            "housing",
            file_stem("housing", [record["settlement_id"]], as_of),
            key="record_housing",
        )
