"""Chart builders: DataFrames in, Plotly figures out (pure; tested on the figure's data).

Colours are Okabe–Ito (colour-blind safe); fonts are large enough for a projector.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.i18n import Translator

BLUE, ORANGE, GREEN, GREY = "#0072B2", "#E69F00", "#009E73", "#777777"
FONT = {"size": 15}


def _layout(figure: go.Figure, height: int = 380) -> go.Figure:
    figure.update_layout(
        height=height,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        plot_bgcolor="white",
        hovermode="x unified",
    )
    figure.update_xaxes(showgrid=False)
    figure.update_yaxes(gridcolor="#e5e5e5", separatethousands=True)
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
    return _layout(figure)


def district_ranking(progress: pd.DataFrame, column: str, names: pd.Series, unit: str, t: Translator) -> go.Figure:
    """Districts ranked by one indicator, best at the top."""
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
    return _layout(figure, height=max(300, 34 * len(ranked) + 80))


STAGES = (
    ("reconstruction_date", "ready_date", "#F0E442", "settlement_status.reconstruction"),
    ("ready_date", "resettling_date", "#56B4E9", "settlement_status.ready"),
    ("resettling_date", None, "#009E73", "settlement_status.resettling"),
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
    figure.update_xaxes(type="date")
    return _layout(figure, height=max(260, 32 * len(ordered) + 100))
