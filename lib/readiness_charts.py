"""The readiness page's charts: the housing pipeline per settlement and the works by category
(pure: DataFrames in, Plotly figures out; colours of the maps' statuses)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from lib.charts import figure
from lib.i18n import Translator
from lib.readiness import PIPELINE_STAGES, STATES
from lib.readiness_maps import STATE_COLOURS
from lib.safe_text import escape_html
from lib.schema import WORK_STATUSES
from lib.styling import STATUS_COLOURS, STATUS_TERMS

BAR_PX = 22  # height of one settlement's bar


def housing_pipeline(pipeline: pd.DataFrame, names: Mapping[str, str], t: Translator) -> go.Figure | None:
    """Dwelling units per settlement stacked by stage (planned → occupied), the settlement with
    most homes at the top; None when there are no houses.

    ``pipeline`` is lib.readiness.housing_pipeline; ``names`` the settlements' names by settlement_id.
    """
    if pipeline.empty or not pipeline[list(PIPELINE_STAGES)].to_numpy().any():
        return None
    order = pipeline.assign(_total=pipeline[list(PIPELINE_STAGES)].sum(axis=1)).sort_values("_total")
    labels = [escape_html(str(names.get(i, i))) for i in order["settlement_id"]]
    bars = [
        {
            "type": "bar",
            "orientation": "h",
            "name": t.term(STATUS_TERMS["housing"], stage),
            "x": order[stage].to_numpy(),
            "y": labels,
            "marker": {"color": STATUS_COLOURS["housing"][stage]},
            "hovertemplate": f"%{{y}}: %{{x}} ({escape_html(t.term(STATUS_TERMS['housing'], stage))})<extra></extra>",
        }
        for stage in PIPELINE_STAGES
    ]
    return figure(
        bars,
        t,
        height=max(300, BAR_PX * len(order) + 120),
        xaxis={"title": t("readiness.pipeline_axis")},
        barmode="stack",
        hovermode="closest",
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "traceorder": "normal"},
    )


def infrastructure_completion(completion: pd.DataFrame, t: Translator) -> go.Figure | None:
    """Assets of each category stacked by status (planned, under construction, completed), with
    the settlements complete and the mean progress in the hover; None when there is no asset.

    ``completion`` is lib.readiness.infrastructure_completion."""
    if not completion["assets"].any():
        return None
    categories = [escape_html(t.term("asset_category", c)) for c in completion["category"]]
    hover = [
        escape_html(
            t(
                "readiness.infrastructure_hover",
                done=t.number(row.settlements_done),
                served=t.number(row.settlements_served),
                progress=t.number(0 if pd.isna(row.progress) else row.progress),
            )
        )
        for row in completion.itertuples()
    ]
    bars = [
        {
            "type": "bar",
            "name": t.term(STATUS_TERMS["infrastructure"], status),
            "x": categories,
            "y": completion[status].to_numpy(),
            "customdata": hover,
            "marker": {"color": STATUS_COLOURS["infrastructure"][status]},
            "hovertemplate": "%{x}: %{y}<br>%{customdata}<extra>"
            + escape_html(t.term(STATUS_TERMS["infrastructure"], status))
            + "</extra>",
        }
        for status in WORK_STATUSES
    ]
    return figure(
        bars,
        t,
        yaxis={"title": t("readiness.assets_axis")},
        barmode="stack",
        hovermode="closest",
        legend={"orientation": "h", "y": -0.15, "traceorder": "normal"},  # in the order works go
    )


def states_by_district(counts: pd.DataFrame, names: Mapping[str, str], t: Translator) -> go.Figure | None:
    """Each district's settlements stacked by state of readiness, the most ready districts at the
    top; None when there is no settlement. ``counts``: one row per district (its id as index),
    one column per state of lib.readiness.STATES (:func:`lib.readiness.states_by_district`)."""
    if counts.empty:
        return None
    order = counts.sort_values(list(STATES), ascending=True).index  # plotly draws the first row lowest
    districts = [escape_html(names.get(d, d)) for d in order]
    bars = [
        {
            "type": "bar",
            "orientation": "h",
            "name": t(f"readiness.state.{state}"),
            "y": districts,
            "x": counts.loc[order, state].to_numpy(),
            "marker": {"color": STATE_COLOURS[state]},
            "hovertemplate": "%{y}: %{x}<extra>" + escape_html(t(f"readiness.state.{state}")) + "</extra>",
        }
        for state in STATES
    ]
    return figure(
        bars,
        t,
        height=max(300, BAR_PX * 2 * len(order) + 100),
        xaxis={"title": t("unit.settlements")},
        yaxis={"dtick": 1},  # every district named, not every other
        barmode="stack",
        hovermode="closest",
        legend={"orientation": "h", "y": -0.15, "traceorder": "normal"},
    )
