"""Charts of the mine action page: DataFrames of :mod:`lib.mine_action` in, Plotly figures out.

Built on the common layout and worded time axes of :mod:`lib.charts`; each returns None when it
has nothing to draw (the page says so in a sentence instead).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.charts import _date_axis, _figure
from lib.hazard_maps import DEVICE_COLOURS, HAZARD_CLASS_COLOURS
from lib.i18n import Translator
from lib.safe_text import escape_html
from lib.schema import DEVICE_CATEGORIES, HAZARD_STATUSES, MRE_AUDIENCES, RELEASE_METHODS
from lib.styling import OKABE_ITO

AUDIENCE_COLOURS = dict(zip(MRE_AUDIENCES, (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["reddish_purple"])))
RELEASED, REMAINING = OKABE_ITO["bluish_green"], OKABE_ITO["vermillion"]
BELOW_AXIS_TITLE = {"orientation": "h", "y": -0.28}  # a legend clear of the x axis's title


def _stacked_bars(parts: dict, rows: list, labels: list[str], columns: tuple[str, str], looks: dict, amount: str):
    """Horizontal bars stacked by part: for each part (``parts``: key → its rows indexed like
    ``rows``), the value ``columns[0]`` of every row (0 when missing) with ``columns[1]`` in its
    hover, named and coloured by ``looks`` (key → (name, colour)); ``amount``: the hover's value."""
    traces = []
    for key, frame in parts.items():
        shown = frame.reindex(rows)
        name, colour = escape_html(looks[key][0]), looks[key][1]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": shown[columns[0]].fillna(0).to_numpy(),
                "customdata": shown[columns[1]].fillna(0).to_numpy(),
                "name": name,
                "marker": {"color": colour},
                "hovertemplate": f"{name}: {amount} (%{{customdata:,}})<extra></extra>",
            }
        )
    return traces


def _places_figure(traces: list, places: int, unit: str, t: Translator) -> go.Figure:
    """Bars of ``places`` (districts) stacked, a row each, the legend below the axis's ``unit``."""
    height = max(300, 34 * places + 90)
    xaxis = {"title": unit}
    legend = {**BELOW_AXIS_TITLE, "y": -90 / height}
    return _figure(traces, t, height=height, xaxis=xaxis, barmode="stack", hovermode="closest", legend=legend)


def _hectares(t: Translator) -> str:
    return "%{x:,.0f} " + escape_html(t("unit.ha"))


def status_by_device(table: pd.DataFrame, t: Translator) -> go.Figure | None:
    """Hectares per status (rows, in lifecycle order) stacked by device category
    (:func:`lib.mine_action.status_by_device`)."""
    if not table["area_ha"].any():
        return None
    by_status = table.set_index("status")
    traces = _stacked_bars(
        {d: by_status[by_status["device_category"] == d] for d in DEVICE_CATEGORIES},
        list(HAZARD_STATUSES),
        [escape_html(t.term("hazard_status", s)) for s in HAZARD_STATUSES],
        ("area_ha", "polygons"),
        {d: (t.term("device_category", d), DEVICE_COLOURS[d]) for d in DEVICE_CATEGORIES},
        _hectares(t),
    )
    return _figure(
        traces,
        t,
        height=360,
        xaxis={"title": t("unit.ha")},
        barmode="stack",
        hovermode="closest",
        legend=BELOW_AXIS_TITLE,
    )


def land_by_district(table: pd.DataFrame, names: pd.Series, t: Translator) -> go.Figure | None:
    """Hectares released and remaining per district, stacked (:func:`lib.mine_action.land_by_district`);
    ``names``: the districts' names in the table's order."""
    if table.empty or not table["area_ha"].any():
        return None
    order = table.index[::-1]  # most remaining on top
    labels = [escape_html(str(n)) for n in names[order]]
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "y": labels,
            "x": table.loc[order, column].to_numpy(),
            "name": t(f"mine_action.{column}"),
            "marker": {"color": colour},
            "hovertemplate": f"{escape_html(t(f'mine_action.{column}'))}: {_hectares(t)}<extra></extra>",
        }
        for column, colour in (("released_ha", RELEASED), ("remaining_ha", REMAINING))
    ]
    return _places_figure(traces, len(table), t("unit.ha"), t)


def released_over_time(over_time: pd.DataFrame, reported: pd.DataFrame, t: Translator) -> go.Figure | None:
    """Cumulative hectares released by method (stacked areas), with the national reports of
    hectares cleared as dots whose hover names the source."""
    if over_time.empty:
        return None
    traces = [
        {
            "type": "scatter",
            "x": over_time["date"].to_numpy(),
            "y": over_time[method].to_numpy(),
            "name": t.term("release_method", method),
            "mode": "lines",
            "stackgroup": "released",
            "line": {"color": HAZARD_CLASS_COLOURS[method], "width": 1},
        }
        for method in RELEASE_METHODS
    ]
    if len(reported):
        traces.append(
            {
                "type": "scatter",
                "x": reported["date"].to_numpy(),
                "y": reported["value"].to_numpy(),
                "name": t("mine_action.reported_cleared"),
                "mode": "markers",
                "marker": {"color": "#000000", "size": 9, "symbol": "diamond"},
                "customdata": [escape_html(s) for s in reported["source"].str.split(" | ", regex=False).str[0]],
                "hovertemplate": "%{y:,.0f} — %{customdata}<extra></extra>",
            }
        )
    dates = pd.concat([over_time["date"], reported["date"]])
    return _figure(traces, t, xaxis=_date_axis(dates.min(), dates.max(), t), yaxis={"title": t("unit.ha")})


def items_found(table: pd.DataFrame, t: Translator) -> go.Figure | None:
    """Items found per main device category of the released polygons (:func:`lib.mine_action.items_found`)."""
    if not table["items_found"].any():
        return None
    bar = {
        "type": "bar",
        "x": [escape_html(t.term("device_category", d)) for d in table["device_category"]],
        "y": table["items_found"].to_numpy(),
        "marker": {"color": [DEVICE_COLOURS[d] for d in table["device_category"]]},
        "text": [t.number(v) for v in table["items_found"]],
        "textposition": "auto",
        "hovertemplate": "%{x}: %{text}<extra></extra>",
    }
    return _figure([bar], t, height=330, yaxis={"title": t("mine_action.items")}, hovermode="closest")


def education_over_time(over_time: pd.DataFrame, t: Translator) -> go.Figure | None:
    """People reached by mine-risk education since the first session, per audience
    (:func:`lib.mine_action.education_over_time`)."""
    if over_time.empty:
        return None
    traces = []
    for audience in MRE_AUDIENCES:
        rows = over_time[over_time["audience"] == audience]
        traces.append(
            {
                "type": "scatter",
                "x": rows["date"].to_numpy(),
                "y": rows["cumulative"].to_numpy(),
                "name": t.term("mre_audience", audience),
                "mode": "lines",
                "stackgroup": "people",
                "line": {"color": AUDIENCE_COLOURS[audience], "width": 1},
            }
        )
    xaxis = _date_axis(over_time["date"].min(), over_time["date"].max(), t)
    return _figure(traces, t, xaxis=xaxis, yaxis={"title": t("unit.persons")})


def education_by_district(table: pd.DataFrame, names: pd.Series, t: Translator) -> go.Figure | None:
    """People reached per district, stacked by audience (:func:`lib.mine_action.education_by_district`);
    ``names``: district names by id."""
    if table.empty:
        return None
    totals = table.groupby("district_id")["people_reached"].sum().sort_values()
    by_district = table.set_index("district_id")
    traces = _stacked_bars(
        {a: by_district[by_district["audience"] == a] for a in MRE_AUDIENCES},
        list(totals.index),
        [escape_html(str(names.get(d, d))) for d in totals.index],
        ("people_reached", "sessions"),
        {a: (t.term("mre_audience", a), AUDIENCE_COLOURS[a]) for a in MRE_AUDIENCES},
        "%{x:,}",
    )
    return _places_figure(traces, len(totals), t("unit.persons"), t)
