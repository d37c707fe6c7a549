"""Charts of the return conditions page: severity classes over time, jobs by sector, jobs against
families (pure: DataFrames in, Plotly figures out; built on lib/charts.py's common layout)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.charts import BLUE, GREEN, date_axis, figure
from lib.diagnosis import JOBS_PER_FAMILY_MIN
from lib.i18n import Translator
from lib.safe_text import escape_html
from lib.schema import PROJECT_STATUSES
from lib.styling import NOT_STARTED, OKABE_ITO, SEVERITY_COLOURS, STATUS_COLOURS


def severity_over_time(counts: pd.DataFrame, t: Translator) -> go.Figure | None:
    """Settlements per severity class at each month end (lib.return_index.severity_over_time), as
    stacked areas, low at the bottom; None when there is no month yet."""
    if counts.empty:
        return None
    days = counts["day"].to_numpy()
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "stackgroup": "severity",
            "x": days,
            "y": counts[severity].to_numpy(),
            "name": t.term("conditions.severity", severity),
            "line": {"color": colour, "width": 0.5},
            "fillcolor": colour,
            "hovertemplate": f"%{{y}}<extra>{escape_html(t.term('conditions.severity', severity))}</extra>",
        }
        for severity, colour in SEVERITY_COLOURS.items()
    ]
    xaxis = date_axis(counts["day"].min(), counts["day"].max(), t)
    return figure(traces, t, xaxis=xaxis, yaxis={"title": t("conditions.settlements")})


def settlement_drivers(drivers: pd.DataFrame, words: list[str], t: Translator) -> go.Figure | None:
    """What one settlement's overall score is made of: a bar per indicator adding to it, its points
    of the score, coloured by scale, labelled by what the indicator says (``words``, one per row
    of ``drivers``); None when nothing adds to the score."""
    adding = drivers["score_points"].to_numpy() > 0.05
    if not adding.any():
        return None
    shown = drivers[adding].assign(words=np.asarray(words, dtype=object)[adding])
    shown = shown.sort_values("score_points", kind="stable")
    colours = {"services": BLUE, "safety": OKABE_ITO["vermillion"]}
    traces = []
    for scale, colour in colours.items():
        of = shown[shown["scale"] == scale]
        if of.empty:
            continue
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [escape_html(w) for w in of["words"]],
                "x": of["score_points"].round(1).to_numpy(),
                "name": t(f"conditions.col.{scale}"),
                "marker": {"color": colour},
                "hovertemplate": "%{x:.1f}<extra>%{y}</extra>",
            }
        )
    return figure(
        traces,
        t,
        height=max(240, 36 * len(shown) + 110),
        xaxis={"title": t("conditions.points")},
        yaxis={"categoryorder": "array", "categoryarray": [escape_html(w) for w in shown["words"]], "automargin": True},
        hovermode="closest",
    )


def jobs_by_sector(table: pd.DataFrame, t: Translator) -> go.Figure | None:
    """Jobs created per sector on the day, stacked by the projects' status, with the jobs planned
    as a marker; None when no project had begun."""
    if table.empty:
        return None
    sectors = list(dict.fromkeys(table["sector"]))
    names = [escape_html(t.term("sector", s)) for s in sectors]
    traces = []
    for status in PROJECT_STATUSES:
        of = table[table["status"] == status].set_index("sector").reindex(sectors)
        if of["projects"].isna().all():
            continue
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": names,
                "x": of["jobs_created"].fillna(0).to_numpy(),
                "customdata": of["projects"].fillna(0).astype("int64").to_numpy(),
                "name": t.term("project_status", status),
                "marker": {"color": STATUS_COLOURS["employment_projects"].get(status, NOT_STARTED)},
                "hovertemplate": f"{escape_html(t('employment.jobs_created'))}: %{{x:,.0f}}<br>"
                f"{escape_html(t('employment.col.projects'))}: %{{customdata}}"
                f"<extra>{escape_html(t.term('project_status', status))}</extra>",
            }
        )
    planned = table.groupby("sector", sort=False)["jobs_planned"].sum().reindex(sectors)
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "y": names,
            "x": planned.to_numpy(),
            "name": t("employment.jobs_planned"),
            "marker": {"color": OKABE_ITO["vermillion"], "symbol": "line-ns-open", "size": 18, "line": {"width": 3}},
            "hovertemplate": "%{x:,.0f}<extra>" + t("employment.jobs_planned") + "</extra>",
        }
    )
    return figure(
        traces,
        t,
        height=max(260, 48 * len(sectors) + 110),
        xaxis={"title": t("employment.jobs")},
        barmode="stack",
        hovermode="closest",
    )


def jobs_against_families(table: pd.DataFrame, names: pd.Series, t: Translator) -> go.Figure | None:
    """Each settlement with families as a dot (families returned, jobs created), beside the line of
    :data:`JOBS_PER_FAMILY_MIN` jobs per family: dots under it are where returns outpace jobs.
    None when no family has come back yet."""
    shown = table[table["families_returned"] > 0]
    if shown.empty:
        return None
    behind = (shown["jobs_per_family"] < JOBS_PER_FAMILY_MIN).to_numpy()
    families = shown["families_returned"].to_numpy()
    top = float(families.max()) * 1.05
    names_of = [escape_html(str(n)) for n in shown["settlement_id"].map(names).fillna(shown["settlement_id"])]
    hover = (
        "<b>%{text}</b><br>"
        + escape_html(t("col.families_returned"))
        + ": %{x:,.0f}<br>"
        + escape_html(t("employment.jobs_created"))
        + ": %{y:,.0f}<extra></extra>"
    )
    jobs = t.number(JOBS_PER_FAMILY_MIN, 1)
    # one trace per colour, so that the legend says what each colour means
    dots = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": families[chosen],
            "y": shown["jobs_created"].to_numpy()[chosen],
            "text": [name for name, keep in zip(names_of, chosen) if keep],
            "marker": {"color": colour, "size": 11, "line": {"width": 1}},
            "name": t(label, jobs=jobs),
            "hovertemplate": hover,
        }
        for chosen, colour, label in (
            (~behind, GREEN, "employment.dots_enough"),
            (behind, OKABE_ITO["vermillion"], "employment.dots_behind"),
        )
        if chosen.any()
    ]
    line = {
        "type": "scatter",
        "mode": "lines",
        "x": [0, top],
        "y": [0, JOBS_PER_FAMILY_MIN * top],
        "name": t("employment.minimum_line", jobs=t.number(JOBS_PER_FAMILY_MIN, 1)),
        "line": {"color": BLUE, "dash": "dash", "width": 2},
        "hoverinfo": "skip",
    }
    return figure(
        [line, *dots],
        t,
        height=420,
        xaxis={"title": t("col.families_returned")},
        yaxis={"title": t("employment.jobs_created")},
        hovermode="closest",
    )
