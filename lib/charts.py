"""Chart builders: DataFrames in, Plotly figures out (pure; tested on the figure's data).

Colours are those of the maps (:mod:`lib.styling`, Okabe–Ito, colour-blind safe); fonts are
large enough for a projector. Place names and sources are HTML-escaped
(:func:`lib.safe_text.escape_html`): Plotly reads its labels as a little HTML, and shows the
entities as the characters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from babel import Locale

from lib.disclosure import cell_text, column_texts, shown_column
from lib.i18n import Translator
from lib.safe_text import escape_html
from lib.styling import OKABE_ITO, SETTLEMENT_STATUS_COLOURS

BLUE, ORANGE, GREEN = OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"]
FONT = {"size": 15}
MAX_DATE_TICKS = 8
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60)
# Days in hover labels, by d3's format (plotly has no month names but English ones without a
# locale bundle, which a page cannot load offline): digits only, in the order each language reads.
HOVER_DAY = {"az": "%d.%m.%Y", "en": "%Y-%m-%d", "ru": "%d.%m.%Y"}


def date_ticks(start, end, t: Translator) -> tuple[list[pd.Timestamp], list[str]]:
    """Ticks for a time axis from ``start`` to ``end`` worded in the chosen language: at most
    ``MAX_DATE_TICKS`` month starts, a whole number of months apart (years alone once a step is a
    year or more). Plotly words its own ticks in English only."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    months = max(1, (end.year - start.year) * 12 + end.month - start.month)
    step = next((m for m in MONTH_STEPS if months / m < MAX_DATE_TICKS), MONTH_STEPS[-1])
    first = pd.Timestamp(year=start.year, month=1, day=1) if step >= 12 else start.to_period("M").to_timestamp()
    while first < start.to_period("M").to_timestamp():
        first += pd.DateOffset(months=step)
    ticks = list(pd.date_range(first, end, freq=pd.DateOffset(months=step)))
    labels = [str(day.year) if step >= 12 else t.month(day) for day in ticks]
    return ticks, labels


def _date_axis(start, end, t: Translator) -> dict:
    """A time axis worded in the chosen language (:func:`date_ticks`), as layout properties."""
    ticks, labels = date_ticks(start, end, t)
    return {
        "type": "date",
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": labels,
        "hoverformat": HOVER_DAY[t.language],
    }


def _separators(t: Translator) -> str:
    """Plotly's decimal and thousands separators for the language (from Babel's locale data)."""
    symbols = Locale.parse(t.language).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


def _figure(data: list, t: Translator, height: int = 380, xaxis=None, yaxis=None, **layout) -> go.Figure:
    """The figure of ``data`` (traces) in the charts' common layout, with ``xaxis``, ``yaxis``
    and ``layout`` over it.

    Built in one call: each of plotly's ``update_layout`` / ``update_xaxes`` calls validated the
    whole layout again, which made a chart cost several times what its data does."""
    return go.Figure(
        data=data,
        layout={
            "separators": _separators(t),
            "height": height,
            "font": FONT,
            "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
            "legend": {"orientation": "h", "y": -0.15},
            "plot_bgcolor": "white",
            "hovermode": "x unified",
            **layout,
            # whole numbers with the language's separators: plotly's "30k" is an English abbreviation
            "xaxis": {**(xaxis or {}), "showgrid": False, "separatethousands": True, "exponentformat": "none"},
            "yaxis": {**(yaxis or {}), "gridcolor": "#e5e5e5", "separatethousands": True, "exponentformat": "none"},
        },
    )


# The common layout, for the chart modules of each analysis (lib/*_charts.py).
figure = _figure
date_axis = _date_axis


def returns_trajectory(
    series: pd.DataFrame, trajectory: pd.DataFrame | None, reported: pd.DataFrame | None, t: Translator
) -> go.Figure:
    """Cumulative families returned against the target trajectory, with reported totals as dots.

    ``series``: lib.progress.returns_over_time; ``trajectory``: lib.progress.target_trajectory;
    ``reported``: reported figures of families returned for all return areas (date, value, source);
    either may be None (a district has neither).
    """
    families = {
        "type": "scatter",
        "x": series["date"].to_numpy(),
        "y": series["families"].to_numpy(),
        "name": t("chart.families_returned"),
        "mode": "lines",
        "line": {"color": BLUE, "width": 3},
    }
    if shown_column("families") in series.columns:
        # the public series (lib.disclosure): a suppressed point is drawn at 0 and reads "<5"
        families["y"] = series["families"].fillna(0).to_numpy()
        families["customdata"] = column_texts(series, "families", t)
        families["hovertemplate"] = "%{customdata}"
    traces = [families]
    if trajectory is not None and len(trajectory):
        traces.append(
            {
                "type": "scatter",
                "x": trajectory["date"].to_numpy(),
                "y": trajectory["value"].to_numpy(),
                "name": t("chart.target_trajectory"),
                "mode": "lines+markers",
                "line": {"color": ORANGE, "width": 2, "dash": "dash"},
            }
        )
    if reported is not None and len(reported):
        traces.append(_reported_trace(reported, t))
    dates = pd.concat([frame["date"] for frame in (series, trajectory, reported) if frame is not None])
    xaxis = _date_axis(dates.min(), dates.max(), t) if len(dates) else None
    return _figure(traces, t, xaxis=xaxis, yaxis={"title": t("unit.families")})


def _reported_trace(reported: pd.DataFrame, t: Translator) -> dict:
    """Publicly reported totals (date, value, source) as dots, each naming its source on hover."""
    return {
        "type": "scatter",
        "x": reported["date"].to_numpy(),
        "y": reported["value"].to_numpy(),
        "name": t("chart.reported_total"),
        "mode": "markers",
        "marker": {"color": GREEN, "size": 9, "symbol": "diamond"},
        "customdata": [escape_html(s) for s in reported["source"].str.split(" | ", regex=False).str[0]],
        "hovertemplate": "%{y:,.0f} — %{customdata}<extra></extra>",
    }


def measure_over_time(series: pd.DataFrame, reported: pd.DataFrame | None, name: str, unit: str, t: Translator):
    """A cumulative measure over time (date, value: lib.slides.monthly_series) named ``name``,
    with the publicly reported totals of the same measure as dots; ``unit`` titles the axis."""
    line = {
        "type": "scatter",
        "x": series["date"].to_numpy(),
        "y": series["value"].to_numpy(),
        "name": name,
        "mode": "lines",
        "line": {"color": BLUE, "width": 3},
    }
    traces = [line] + ([_reported_trace(reported, t)] if reported is not None and len(reported) else [])
    dates = pd.concat([frame["date"] for frame in (series, reported) if frame is not None])
    return _figure(traces, t, xaxis=_date_axis(dates.min(), dates.max(), t), yaxis={"title": unit})


def district_ranking(
    progress: pd.DataFrame, column: str, names: pd.Series, unit: str, t: Translator
) -> go.Figure | None:
    """Districts ranked by one indicator, best at the top; None when no district has a value
    other than zero (nothing to rank: an early day)."""
    if not (progress[column].fillna(0) != 0).any():
        return None
    # the rows' order of a sort of the whole table by the column (the same sort, ties included)
    order = progress[column].sort_values(ascending=True, na_position="first").index
    values = progress[column][order]
    # in the public view a suppressed count (NaN) has its mark ("<5", lib.disclosure) beside it
    marks = progress[shown_column(column)][order] if shown_column(column) in progress.columns else values * np.nan
    text = [
        (t.number(v, 0 if v >= 100 or float(v).is_integer() else 1) if pd.notna(v) else "–")
        if not isinstance(m, str)
        else cell_text(v, m, t)
        for v, m in zip(values.tolist(), marks.tolist())
    ]
    bar = {
        "type": "bar",
        "x": values.fillna(0).to_numpy(),
        "y": [escape_html(name) for name in names[order]],
        "orientation": "h",
        "marker": {"color": BLUE},
        "text": text,
        "textposition": "auto",
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    return _figure([bar], t, height=max(300, 34 * len(order) + 80), xaxis={"title": unit})


# Each stage in the colour its status has on the maps.
STAGES = (
    (
        "reconstruction_date",
        "ready_date",
        SETTLEMENT_STATUS_COLOURS["reconstruction"],
        "settlement_status.reconstruction",
    ),
    ("ready_date", "resettling_date", SETTLEMENT_STATUS_COLOURS["ready"], "settlement_status.ready"),
    ("resettling_date", None, SETTLEMENT_STATUS_COLOURS["resettling"], "settlement_status.resettling"),
)


def any_stage_reached(settlements: pd.DataFrame, day) -> bool:
    """Whether any settlement had begun a stage of :func:`settlement_timeline` by ``day``."""
    starts = settlements[[start for start, _, _, _ in STAGES]]
    return bool((starts <= pd.Timestamp(day)).to_numpy().any())


def settlement_timeline(settlements: pd.DataFrame, names: pd.Series, day, t: Translator) -> go.Figure:
    """Each settlement's stages (reconstruction, ready, families returning) as bars up to ``day``."""
    day = pd.Timestamp(day)
    # the rows' order of a sort of the table by reconstruction date (the same sort, ties included)
    order = settlements["reconstruction_date"].sort_values(ascending=False, na_position="first").index
    ordered = settlements.loc[order, [start for start, _, _, _ in STAGES]]
    shown_names = np.array([escape_html(name) for name in names[order]], dtype=object)
    last = np.datetime64(day).astype(ordered[STAGES[0][0]].to_numpy().dtype)
    traces = []
    for start_column, end_column, colour, label in STAGES:
        # in numpy: a handful of settlements cost a millisecond per pandas step
        start = ordered[start_column].to_numpy()
        end = ordered[end_column].to_numpy() if end_column else np.full(len(start), last)
        end = np.where(np.isnat(end) | (end > last), last, end)  # not ended yet, or after the day
        shown = ~np.isnat(start) & (start <= last)
        traces.append(
            {
                "type": "bar",
                "y": shown_names[shown],
                "base": start[shown],
                "x": (end[shown] - start[shown]) / np.timedelta64(1, "ms"),
                "orientation": "h",
                "marker": {"color": colour},
                "name": t(label),
                "hovertemplate": "%{y}: %{base|%Y-%m-%d}<extra>" + t(label) + "</extra>",
            }
        )
    starts = ordered[STAGES[0][0]]
    xaxis = _date_axis(starts[starts <= day].min() if (starts <= day).any() else day, day, t)
    return _figure(traces, t, height=max(260, 32 * len(ordered) + 100), xaxis=xaxis, barmode="overlay")


# A chart as an image for a slide deck: room for its axes' labels (the browser's automatic margins
# are not the image's), its title above and a note (date, sources) below.
IMAGE_MARGIN = {"l": 150, "r": 60, "t": 170, "b": 190}


def slide_image(figure: go.Figure, title: str, note: str) -> go.Figure:
    """A copy of ``figure`` to be saved as an image: ``title`` above it and ``note`` under it."""
    image = go.Figure(figure)
    size = (figure.layout.font.size or FONT["size"]) if figure.layout.font else FONT["size"]
    image.update_layout(
        title={"text": escape_html(title), "x": 0.01, "xanchor": "left", "y": 0.97, "font": {"size": size * 1.6}},
        margin=IMAGE_MARGIN,
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    image.update_xaxes(automargin=True)
    image.update_yaxes(automargin=True)
    image.add_annotation(
        text=escape_html(note), xref="paper", yref="paper", x=0, y=-0.22, xanchor="left", yanchor="top",
        showarrow=False, align="left", font={"size": size * 0.75, "color": "#333333"},
    )  # fmt: skip
    return image
