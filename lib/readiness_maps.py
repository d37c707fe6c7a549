"""The readiness map: every settlement coloured by whether it can take families (pure: folium out).

Settlements are few (43), so their outlines and points go to the browser whole; a point marks
each one at the zoom the map opens at, where a village's outline is a few pixels wide.
"""

from __future__ import annotations

import pandas as pd

import folium
import geopandas as gpd
import shapely

from lib import maps
from lib.i18n import Translator, place_names
from lib.map_elements import Labels, Legend, LegendEntry, StaticGeoJson, features_from
from lib.readiness import STATES
from lib.safe_text import escape_html
from lib.styling import NOT_STARTED, OKABE_ITO, OUTLINE_COLOUR

STATE_COLOURS = {
    "ready": OKABE_ITO["bluish_green"],
    "ready_next_month": OKABE_ITO["sky_blue"],
    "blocked_by_mines": OKABE_ITO["vermillion"],
    "not_ready": NOT_STARTED,
}
POINT_RADIUS_PX = 8


def _tooltips(checklist: pd.DataFrame, names: pd.Series, lacking: pd.Series, t: Translator) -> list[str]:
    return [
        f"<b>{escape_html(str(name))}</b><br>{escape_html(t(f'readiness.state.{state}'))}"
        + (f"<br>{escape_html(str(text))}" if isinstance(text, str) and text else "")
        for name, state, text in zip(names.tolist(), checklist["state"].tolist(), lacking.tolist())
    ]


def readiness_map(
    checklist: pd.DataFrame,
    lacking: pd.Series,
    settlements: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    focus: gpd.GeoDataFrame,
    t: Translator,
    **map_options,
) -> folium.Map:
    """Settlements' outlines and points coloured by state (:data:`STATE_COLOURS`), each with its
    name, state and what it lacks in a tooltip, cities labelled, on the districts as context,
    zoomed to ``focus``; the legend says each state in words with its count.

    Parameters
    ----------
    checklist : lib.readiness.readiness (settlement_id, state).
    lacking : per row of ``checklist``, what it lacks in words (lib.readiness_tables).
    settlements, boundaries : the settlements' points (with kind and names) and outlines.
    map_options : the basemap and pieces (lib.cache.PageContext.map_options).
    """
    fmap = maps.explorer_map({}, [], districts, focus, t, **map_options)
    state = pd.Series(checklist["state"].to_numpy(), index=checklist["settlement_id"].to_numpy())
    names = pd.Series(place_names(settlements, t).to_numpy(), index=settlements["settlement_id"].to_numpy())
    tooltip = pd.Series(
        _tooltips(checklist, checklist["settlement_id"].map(names), lacking, t), index=state.index, dtype="object"
    )
    for frame, style in (
        (boundaries, {"color": OUTLINE_COLOUR, "weight": 1.5, "fillOpacity": 0.55}),
        (settlements, {"color": OUTLINE_COLOUR, "weight": 1, "fill": True, "fillOpacity": 0.95}),
    ):
        shown = frame[frame["settlement_id"].isin(state.index)]
        ids = shown["settlement_id"]
        properties = {
            "settlement_id": ids.tolist(),
            "tooltip": ids.map(tooltip).tolist(),
            "style": [{"fillColor": STATE_COLOURS[s], "radius": POINT_RADIUS_PX} for s in ids.map(state)],
        }
        StaticGeoJson(features_from(properties, shown.geometry.to_numpy()), style).add_to(fmap)
    shown = settlements[settlements["settlement_id"].isin(state.index)]
    labelled = maps.non_overlapping_labels(shown, place_names(shown, t))
    if labelled:
        points = shown.geometry.loc[labelled].to_numpy()
        Labels(
            zip(shapely.get_y(points), shapely.get_x(points)),
            [f'<div class="gr-label">{escape_html(str(names[i]))}</div>' for i in shown.loc[labelled, "settlement_id"]],
            icon_size=(120, 18),
            icon_anchor=(-10, 9),
            class_name="gr-label-icon",
        ).add_to(fmap)
    counts = checklist["state"].value_counts()
    entries = [
        LegendEntry(
            STATE_COLOURS[s],
            "circle",
            t("readiness.legend_entry", state=t(f"readiness.state.{s}"), count=t.number(int(counts.get(s, 0)))),
        )
        for s in STATES
    ]
    Legend(t("readiness.map_legend"), entries).add_to(fmap)
    return fmap
