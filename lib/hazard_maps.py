"""The mine action map: hazard polygons by status and release method, and what lies within the
safety distance of unreleased ones (pure; GeoDataFrames in, folium layers out).

The base map is the explorer's (:func:`lib.maps.explorer_map`: districts and settlement
outlines); the hazard polygons and the houses and assets near them travel as one feature group
with their legend, each in detail while it fits the feature budget and as grid cells otherwise
(:mod:`lib.level_of_detail`): at 100x the data there are 198,000 polygons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import folium
import geopandas as gpd
import shapely

from lib.i18n import Translator
from lib.level_of_detail import FEATURE_BUDGET, FixedCells, View, day_view
from lib.map_elements import Legend, LegendEntry, StaticGeoJson, features_from
from lib.maps import binned_cells, explorer_map
from lib.mine_action import HAZARD_CLASSES, class_codes, near_on, prepared
from lib.schema import DEVICE_CATEGORIES, RELEASE_METHODS
from lib.selection import map_focus
from lib.styling import CONTEXT_COLOUR, OKABE_ITO, SETTLEMENT_OUTLINE_COLOUR

# Hazardous land in warm colours by how sure and how far along; released land in cool ones by method.
HAZARD_CLASS_COLOURS = {
    "suspected": OKABE_ITO["yellow"],
    "confirmed": OKABE_ITO["vermillion"],
    "in_clearance": OKABE_ITO["reddish_purple"],
    "cancelled": OKABE_ITO["sky_blue"],
    "reduced": OKABE_ITO["blue"],
    "cleared": OKABE_ITO["bluish_green"],
}
DEVICE_COLOURS = dict(
    zip(
        DEVICE_CATEGORIES,
        (OKABE_ITO["vermillion"], OKABE_ITO["orange"], OKABE_ITO["blue"], OKABE_ITO["reddish_purple"]),
    )
)
# Houses and assets within the safety distance, unlike any hazard colour and unlike each other:
# houses as black dots, assets as white dots ringed in black (roads and lines black), each
# (fill, its grid cells' colour when too many to draw) and a legend swatch of the same look.
NEAR_COLOUR = "#000000"
NEAR_LOOKS = {"house": ("#000000", "#000000"), "asset": ("#FFFFFF", "#666666")}


def base_map(outlines: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, chosen, t: Translator, **options) -> folium.Map:
    """The map the layers of :func:`hazard_layers` are drawn on: the explorer's base map
    (:func:`lib.maps.explorer_map`) with the settlements' outlines, zoomed to the ``chosen``
    districts; ``options``: the basemap and the kept pieces (lib.cache.PageContext.map_options)."""
    focus = map_focus(districts, chosen)
    return explorer_map({"settlement_boundaries": outlines}, ["settlement_boundaries"], districts, focus, t, **options)


def class_term(hazard_class: str, t: Translator) -> str:
    """A polygon's class in words: its status, or "released: <method>"."""
    if hazard_class in RELEASE_METHODS:
        return t("mine_action.released_by", method=t.term("release_method", hazard_class))
    return t.term("hazard_status", hazard_class)


def near_features(periods: pd.DataFrame, features: gpd.GeoDataFrame, id_field: str) -> gpd.GeoDataFrame:
    """The features of ``periods`` (lib.proximity.near_intervals: one row per period a feature was
    near unreleased hazardous land) with their geometry, one row per period, so that a day's
    features near are :func:`lib.proximity.unreleased_on` of it."""
    shapes = features[[id_field, "geometry"]].drop_duplicates(id_field)
    joined = periods.merge(shapes, on=id_field, how="inner")
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=features.crs)


def _hazard_features(shown: gpd.GeoDataFrame, t: Translator) -> StaticGeoJson:
    words = {c: class_term(c, t) for c in HAZARD_CLASSES}
    area = t("unit.ha")
    labels = [
        f"{words[c]} · {t.number(a, 1)} {area}" for c, a in zip(shown["status"].tolist(), shown["area_ha"].tolist())
    ]
    properties = {
        "id": shown["hazard_id"].tolist(),
        "label": labels,
        "colour": [HAZARD_CLASS_COLOURS[c] for c in shown["status"].tolist()],
    }
    return StaticGeoJson(
        features_from(properties, shown.geometry.to_numpy()),
        {"weight": 1, "fillOpacity": 0.55},
        colour_options=("color", "fillColor"),
        tooltip_fields=("id", "label"),
    )


def _near_features(shown: gpd.GeoDataFrame, id_field: str, label: str, fill: str, t: Translator) -> StaticGeoJson:
    distances = [t("mine_action.nearest_m", distance=t.number(d)) for d in shown["nearest_m"].tolist()]
    geometries = shown.geometry.to_numpy()
    # points as filled dots; roads and lines as lines (filled, a line would close into a wedge)
    points = shapely.get_type_id(geometries) == shapely.GeometryType.POINT
    styles = {True: {"fill": True}, False: {"fill": False}}
    properties = {
        "id": shown[id_field].tolist(),
        "label": [f"{label} · {d}" for d in distances],
        "style": [styles[bool(p)] for p in points],
    }
    return StaticGeoJson(
        features_from(properties, geometries),
        {"radius": 4, "weight": 2, "color": NEAR_COLOUR, "fillColor": fill, "fillOpacity": 0.9},
        tooltip_fields=("id", "label"),
    )


@dataclass(frozen=True)
class MapLayers:
    """What the mine action map draws of some districts, whatever the day: the hazard polygons
    (``hazards``, row for row with ``table``, their :func:`lib.mine_action.prepared` attributes),
    the houses and assets ever near one (:func:`near_features`) and the grid cells each is counted
    in when too many to send (:class:`lib.level_of_detail.FixedCells`). Built once per data version
    and district selection; a day then only compares dates."""

    hazards: gpd.GeoDataFrame
    table: pd.DataFrame
    houses: gpd.GeoDataFrame
    assets: gpd.GeoDataFrame
    cells: dict[str, FixedCells]

    @classmethod
    def of(cls, hazards: gpd.GeoDataFrame, houses: gpd.GeoDataFrame, assets: gpd.GeoDataFrame) -> MapLayers:
        frames = {
            "hazards": hazards[["hazard_id", "area_ha", "geometry"]].reset_index(drop=True),
            "houses": houses.reset_index(drop=True),
            "assets": assets.reset_index(drop=True),
        }
        cells = {name: FixedCells.of(frame) for name, frame in frames.items()}
        return cls(frames["hazards"], prepared(hazards), frames["houses"], frames["assets"], cells)


def hazard_layers(
    layers: MapLayers, day, distance_m: float, view: View | None, t: Translator, budget: int = FEATURE_BUDGET
) -> folium.FeatureGroup:
    """The hazard polygons on ``day`` coloured by status and release method, the houses and assets
    within ``distance_m`` of an unreleased polygon that day, and their legend.

    Each is sent in detail while it fits ``budget`` (inside the view once zoomed in), else as grid
    cells coloured by the class most of their features have (:func:`lib.level_of_detail.day_view`).
    """
    group = folium.FeatureGroup(name=t("map.legend"))
    entries = [LegendEntry(HAZARD_CLASS_COLOURS[c], "box", class_term(c, t)) for c in HAZARD_CLASSES]
    codes = class_codes(layers.table, day)
    shown = day_view(
        layers.hazards, layers.cells["hazards"], codes >= 0, codes, HAZARD_CLASSES, view, "area_ha", budget
    )
    if shown.mode == "binned":
        binned_cells(shown.frame, HAZARD_CLASS_COLOURS, t).add_to(group)
        entries.append(LegendEntry(CONTEXT_COLOUR, "box", t("map.binned_note", layer=t("layer.hazard_areas"))))
    elif len(shown.frame):
        _hazard_features(shown.frame, t).add_to(group)
    distance = t.number(distance_m)
    for name, id_field, key in (("houses", "house_id", "house"), ("assets", "asset_id", "asset")):
        frame = getattr(layers, name)
        keep = near_on(frame, day)
        if not keep.any():
            continue
        label = t(f"mine_action.near_{key}", distance=distance)
        fill, cell_colour = NEAR_LOOKS[key]
        near = np.zeros(len(frame), dtype="int64")
        shown = day_view(frame, layers.cells[name], keep, near, ("near",), view, None, budget)
        if shown.mode == "binned":
            binned_cells(shown.frame, {"near": cell_colour}, t).add_to(group)
            entries.append(LegendEntry(cell_colour, "box", t("map.binned_note", layer=label)))
        else:
            if len(shown.frame):
                _near_features(shown.frame, id_field, label, fill, t).add_to(group)
            entries.append(LegendEntry(fill, "circle", label))
    entries.append(LegendEntry(SETTLEMENT_OUTLINE_COLOUR, "box", t("layer.settlement_boundaries")))
    Legend(t("mine_action.map_legend"), entries).add_to(group)
    return group
