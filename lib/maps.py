"""Map builders: GeoDataFrames in, ``folium.Map`` out (pure; tested on the rendered Leaflet code).

Maps draw without any CDN (:mod:`lib.map_assets`) and without basemap tiles unless a tile URL is
configured, so they must read well on boundaries alone: districts carry the context, return
areas are filled by economic region, settlements are circles sized by the families returned.
Colours are from the Okabe–Ito palette, which stays distinguishable with colour-blindness.
"""

from __future__ import annotations

import html

import numpy as np

import folium
import geopandas as gpd
from branca.element import MacroElement, Template

from lib.map_assets import offline_map

REGION_COLOURS = {"Karabakh": "#E69F00", "East Zangezur": "#0072B2"}
CONTEXT_COLOUR = "#9E9E9E"
SETTLEMENT_STATUS_COLOURS = {
    "planned": "#BBBBBB",
    "reconstruction": "#F0E442",
    "ready": "#56B4E9",
    "resettling": "#009E73",
    "resettled": "#CC79A7",
}
# Coordinates kept to ~10 m: more digits only make the page heavier.
COORDINATE_DECIMALS = 4


def _rounded(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    out["geometry"] = out.geometry.set_precision(10**-COORDINATE_DECIMALS)
    return out


def _circle_radius(families: np.ndarray) -> np.ndarray:
    """Circle radius in pixels with area proportional to the families returned."""
    return 3 + 0.6 * np.sqrt(families)


def _legend(title: str, entries: list[tuple[str, str, str]]) -> MacroElement:
    """A legend box; ``entries`` are (colour, shape, label) with shape 'box' or 'circle'."""
    rows = "".join(
        f'<div><span style="display:inline-block;width:12px;height:12px;margin-right:6px;'
        f'background:{colour};border:1px solid #555;{"border-radius:50%;" if shape == "circle" else ""}"></span>'
        f"{html.escape(label)}</div>"
        for colour, shape, label in entries
    )
    template = Template(
        "{% macro html(this, kwargs) %}"
        '<div class="gr-legend" style="position:absolute;bottom:24px;left:12px;z-index:9999;background:#fff;'
        'padding:8px 10px;border:1px solid #999;border-radius:4px;font:13px/1.5 sans-serif;">'
        f"<b>{html.escape(title)}</b>{rows}</div>"
        "{% endmacro %}"
    )
    legend = MacroElement()
    legend._template = template
    return legend


def return_areas_map(
    districts: gpd.GeoDataFrame,
    settlements: gpd.GeoDataFrame,
    *,
    tiles_url: str | None = None,
    tiles_attribution: str = "",
) -> folium.Map:
    """The return areas: every district as context, the return-area districts by economic
    region, and settlements as labelled circles with their key figures in a tooltip.

    Parameters
    ----------
    districts : the districts layer (all of them; those with an economic region are highlighted).
    settlements : output of :func:`lib.metrics.settlement_summary`.
    """
    return_areas = districts[districts["economic_region"].notna()]
    minx, miny, maxx, maxy = return_areas.total_bounds
    fmap = offline_map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=8,
        tiles_url=tiles_url,
        tiles_attribution=tiles_attribution,
    )
    context = _rounded(
        districts[districts["economic_region"].isna()][["district_id", "name_en", "name_az", "geometry"]]
    )
    folium.GeoJson(
        context,
        name="Districts",
        style_function=lambda _: {"color": CONTEXT_COLOUR, "weight": 0.8, "fillColor": "#EEEEEE", "fillOpacity": 0.6},
        tooltip=folium.GeoJsonTooltip(["name_az", "name_en"], aliases=["", ""]),
    ).add_to(fmap)
    highlighted = _rounded(return_areas[["district_id", "name_en", "name_az", "economic_region", "geometry"]])
    folium.GeoJson(
        highlighted,
        name="Return areas",
        style_function=lambda feature: {
            "color": REGION_COLOURS[feature["properties"]["economic_region"]],
            "weight": 2,
            "fillColor": REGION_COLOURS[feature["properties"]["economic_region"]],
            "fillOpacity": 0.18,
        },
        tooltip=folium.GeoJsonTooltip(["name_az", "name_en", "economic_region"], aliases=["", "", ""]),
    ).add_to(fmap)

    layer = folium.FeatureGroup(name="Settlements")
    radii = _circle_radius(settlements["families_returned"].to_numpy())
    for row, radius in zip(settlements.itertuples(), radii):
        location_note = (
            "<br><i>Location unknown: drawn near the district seat</i>" if row.coord_quality == "district_seat" else ""
        )
        tooltip = (
            f"<b>{html.escape(row.name_az)}</b> ({html.escape(row.name_en)})<br>"
            f"Status: {html.escape(row.status)}<br>"
            f"Families returned: {row.families_returned:,}<br>"
            f"Persons returned: {row.persons_returned:,}<br>"
            f"Dwelling units completed: {row.units_completed:,} of {row.planned_households:,} planned"
            f"{location_note}"
        )
        folium.CircleMarker(
            location=[round(row.geometry.y, COORDINATE_DECIMALS), round(row.geometry.x, COORDINATE_DECIMALS)],
            radius=float(radius),
            color="#333333",
            weight=1,
            dash_array="3" if row.coord_quality == "district_seat" else None,
            fill=True,
            fill_color=SETTLEMENT_STATUS_COLOURS[row.status],
            fill_opacity=0.9,
            tooltip=folium.Tooltip(tooltip),
        ).add_to(layer)
        if row.kind == "city":
            folium.Marker(
                location=[row.geometry.y, row.geometry.x],
                icon=folium.DivIcon(
                    html=f'<div class="gr-label">{html.escape(row.name_az)}</div>',
                    icon_size=(120, 18),
                    icon_anchor=(-8, 9),
                    class_name="gr-label-icon",
                ),
            ).add_to(layer)
    layer.add_to(fmap)
    fmap.get_root().header.add_child(
        folium.Element(
            "<style>.gr-label{font:600 12px sans-serif;color:#222;white-space:nowrap;"
            "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;pointer-events:none}</style>"
        )
    )
    entries = [(colour, "box", region) for region, colour in REGION_COLOURS.items()]
    entries += [(colour, "circle", f"settlement: {status}") for status, colour in SETTLEMENT_STATUS_COLOURS.items()]
    _legend("Return areas", entries).add_to(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap
