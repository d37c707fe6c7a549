"""Chart builders: DataFrames in, Plotly figures out (pure; tested on the figure's data).

Colours are those of the maps (:mod:`lib.styling`, Okabe–Ito, colour-blind safe); fonts are
large enough for a projector.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from babel import Locale

from lib.i18n import Translator
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


def _date_axis(figure: go.Figure, start, end, t: Translator) -> None:
    ticks, labels = date_ticks(start, end, t)
    figure.update_xaxes(
        type="date", tickmode="array", tickvals=ticks, ticktext=labels, hoverformat=HOVER_DAY[t.language]
    )


def _separators(t: Translator) -> str:
    """Plotly's decimal and thousands separators for the language (from Babel's locale data)."""
    symbols = Locale.parse(t.language).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


def _layout(figure: go.Figure, t: Translator, height: int = 380) -> go.Figure:
    figure.update_layout(
        separators=_separators(t),
        height=height,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        plot_bgcolor="white",
        hovermode="x unified",
    )
    # whole numbers with the language's separators: plotly's "30k" is an English abbreviation
    figure.update_xaxes(showgrid=False, separatethousands=True, exponentformat="none")
    figure.update_yaxes(gridcolor="#e5e5e5", separatethousands=True, exponentformat="none")
    return figure


def returns_trajectory(
    series: pd.DataFrame, trajectory: pd.DataFrame | None, reported: pd.DataFrame | None, t: Translator
) -> go.Figure:
    """Cumulative families returned against the target trajectory, with reported totals as dots.

    ``series``: lib.progress.returns_over_time; ``trajectory``: lib.progress.target_trajectory;
    ``reported``: reported figures of families returned for all return areas (date, value, source);
    either may be None (a district has neither).
    """
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=series["date"],
            y=series["families"],
            name=t("chart.families_returned"),
            mode="lines",
            line={"color": BLUE, "width": 3},
        )
    )
    if trajectory is not None and len(trajectory):
        figure.add_trace(
            go.Scatter(
                x=trajectory["date"],
                y=trajectory["value"],
                name=t("chart.target_trajectory"),
                mode="lines+markers",
                line={"color": ORANGE, "width": 2, "dash": "dash"},
            )
        )
    if reported is not None and len(reported):
        figure.add_trace(
            go.Scatter(
                x=reported["date"],
                y=reported["value"],
                name=t("chart.reported_total"),
                mode="markers",
                marker={"color": GREEN, "size": 9, "symbol": "diamond"},
                customdata=reported["source"].str.split(" | ", regex=False).str[0],
                hovertemplate="%{y:,.0f} — %{customdata}<extra></extra>",
            )
        )
    figure.update_yaxes(title=t("unit.families"))
    dates = pd.concat([frame["date"] for frame in (series, trajectory, reported) if frame is not None])
    if len(dates):
        _date_axis(figure, dates.min(), dates.max(), t)
    return _layout(figure, t)


def district_ranking(
    progress: pd.DataFrame, column: str, names: pd.Series, unit: str, t: Translator
) -> go.Figure | None:
    """Districts ranked by one indicator, best at the top; None when no district has a value
    other than zero (nothing to rank: an early day)."""
    if not (progress[column].fillna(0) != 0).any():
        return None
    ranked = progress.assign(name=names).sort_values(column, ascending=True, na_position="first")
    figure = go.Figure(
        go.Bar(
            x=ranked[column].fillna(0),
            y=ranked["name"],
            orientation="h",
            marker_color=BLUE,
            text=[
                t.number(v, 0 if v >= 100 or float(v).is_integer() else 1) if pd.notna(v) else "–"
                for v in ranked[column]
            ],
            textposition="auto",
            hovertemplate="%{y}: %{x:,.1f}<extra></extra>",
        )
    )
    figure.update_xaxes(title=unit)
    figure.update_layout(hovermode="closest")
    return _layout(figure, t, height=max(300, 34 * len(ranked) + 80))


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
    ordered = settlements.assign(name=names).sort_values("reconstruction_date", ascending=False, na_position="first")
    figure = go.Figure()
    for start_column, end_column, colour, label in STAGES:
        start = ordered[start_column]
        end = ordered[end_column].fillna(day) if end_column else pd.Series(day, index=ordered.index)
        end = end.where(end <= day, day)
        shown = start.notna() & (start <= day)
        figure.add_trace(
            go.Bar(
                y=ordered.loc[shown, "name"],
                base=start[shown],
                x=(end[shown] - start[shown]).dt.total_seconds() * 1000,
                orientation="h",
                marker_color=colour,
                name=t(label),
                hovertemplate="%{y}: %{base|%Y-%m-%d}<extra>" + t(label) + "</extra>",
            )
        )
    figure.update_layout(barmode="overlay", hovermode="closest")
    starts = ordered[STAGES[0][0]]
    _date_axis(figure, starts[starts <= day].min() if (starts <= day).any() else day, day, t)
    return _layout(figure, t, height=max(260, 32 * len(ordered) + 100))
