"""The map of the return conditions index: settlements coloured by severity class (pure; folium out).

Only the 43 settlements are drawn (a circle each), over the chosen districts' outlines and the
other districts as context, so the map stays small at any scale of the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import folium
import geopandas as gpd
import shapely

from lib.i18n import Translator, place_names
from lib.map_elements import Legend, LegendEntry, StaticGeoJson, features_from
from lib.maps import MapPieces, context_layer, frame_map
from lib.safe_text import escape_html
from lib.styling import NO_DATA, OUTLINE_COLOUR, SEVERITY_COLOURS

CIRCLE_RADIUS = 9


def _tooltips(places: pd.DataFrame, names: pd.Series, t: Translator) -> list[str]:
    words = {key: escape_html(t(f"conditions.col.{key}")) for key in ("severity", "score", "services", "safety")}
    severities = {s: escape_html(t.term("conditions.severity", s)) for s in SEVERITY_COLOURS}

    def tooltip(name, severity, score, services, safety, drivers) -> str:
        lines = [
            f"<b>{escape_html(name)}</b>",
            f"{words['severity']}: {severities[severity]}",
            f"{words['score']}: {t.number(score)}",
            f"{words['services']}: {t.number(services)}",
            f"{words['safety']}: {t.number(safety)}",
        ]
        lines += [escape_html(part) for part in (drivers.split("; ") if isinstance(drivers, str) else [])]
        return "<br>".join(lines)

    return [
        tooltip(*row)
        for row in zip(
            names.tolist(),
            places["severity"].tolist(),
            places["score"].tolist(),
            places["services"].tolist(),
            places["safety"].tolist(),
            places["drivers"].tolist(),
        )
    ]


def conditions_map(
    districts: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    district_ids,
    t: Translator,
    *,
    tiles_url: str | None = None,
    tiles_attribution: str = "",
    pieces: MapPieces | None = None,
) -> folium.Map:
    """Settlements as circles coloured by their severity class, their scores and what weighs most
    in the tooltip; the chosen districts outlined, every other district as context.

    Parameters
    ----------
    districts : the districts layer (all of them).
    places : settlements (points, with names) and their index on the day: severity, score,
        services, safety, and ``drivers`` (their top drivers in words, joined by "; "; NaN for none).
    district_ids : the chosen districts (the map is fitted to them).
    """
    chosen = districts["district_id"].isin(list(district_ids)).to_numpy()
    if not chosen.any():
        chosen = districts["economic_region"].notna().to_numpy()
    geometries = districts.geometry.to_numpy()[chosen]
    fmap = frame_map(shapely.total_bounds(geometries), tiles_url, tiles_attribution)
    context_layer(districts, t, pieces=pieces, rows=~chosen).add_to(fmap)
    outlines = {"tooltip": [escape_html(str(n)) for n in place_names(districts, t)[chosen].tolist()]}
    StaticGeoJson(
        features_from(outlines, geometries), {"color": OUTLINE_COLOUR, "weight": 1.5, "fillOpacity": 0.05}
    ).add_to(fmap)
    layer = folium.FeatureGroup(name=t("conditions.map_title"))
    if len(places):
        properties = {
            "settlement_id": places["settlement_id"].tolist(),
            "tooltip": _tooltips(places, place_names(places, t), t),
            "colour": [SEVERITY_COLOURS.get(s, NO_DATA) for s in places["severity"].tolist()],
        }
        StaticGeoJson(
            features_from(properties, places.geometry.to_numpy()),
            {"radius": CIRCLE_RADIUS, "color": OUTLINE_COLOUR, "weight": 1, "fill": True, "fillOpacity": 0.9},
            colour_options=("fillColor",),
        ).add_to(layer)
    layer.add_to(fmap)
    counts = places["severity"].value_counts() if len(places) else pd.Series(dtype="int64")
    entries = [
        LegendEntry(
            colour,
            "circle",
            t("conditions.legend_entry", severity=t.term("conditions.severity", s), count=t.number(counts.get(s, 0))),
        )
        for s, colour in SEVERITY_COLOURS.items()
    ]
    Legend(t("conditions.map_title"), entries).add_to(fmap)
    return fmap


def places_on_map(settlements: gpd.GeoDataFrame, scores: pd.DataFrame, drivers: pd.Series) -> gpd.GeoDataFrame:
    """The settlements (points and names) with their scores and drivers in words
    (lib.return_index.drivers_in_words), for :func:`conditions_map`; settlements without a
    score are left out."""
    places = settlements[["settlement_id", "name_az", "name_en", "name_ru", "geometry"]].merge(
        scores, on="settlement_id"
    )
    return places.assign(drivers=places["settlement_id"].map(drivers).to_numpy(dtype=object, na_value=np.nan))
