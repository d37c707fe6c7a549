"""A map with each kind of layer the dashboard draws, for tests/browser/test_offline_map.py only.

Run a copy of it with ``start_app(APP, isolated=True)``: it fills the ``static/`` folder next to
itself, which Streamlit serves. Importing it (for the counts below) draws nothing.
"""

from __future__ import annotations

from pathlib import Path

import branca.colormap as cm
import folium
import folium.plugins
import geopandas as gpd
from shapely.geometry import box

from lib.map_assets import ensure_static_assets, offline_map

COLUMNS, ROWS = 10, 5
POLYGONS = COLUMNS * ROWS
CIRCLES = 5
CLUSTERED = 12  # close together, so one cluster bubble at the start zoom
MARKERS = 1  # a default folium.Marker: its icon image comes from Leaflet's own folder
CIRCLE_CLASS = "test-circle"
LEGEND_CAPTION = "Test value"


def squares() -> gpd.GeoDataFrame:
    """A COLUMNS x ROWS grid of 0.2° squares over 45.5–47.5 E, 39–40 N, valued 0..POLYGONS-1."""
    cells = [(column, row) for row in range(ROWS) for column in range(COLUMNS)]
    return gpd.GeoDataFrame(
        {"value": range(POLYGONS)},
        geometry=[box(45.5 + 0.22 * c, 39.0 + 0.22 * r, 45.7 + 0.22 * c, 39.2 + 0.22 * r) for c, r in cells],
        crs="EPSG:4326",
    )


def build_map() -> folium.Map:
    """The test map: polygons coloured by a legend's scale, circle markers, a cluster, a marker."""
    fmap = offline_map([39.6, 46.9], 8)
    scale = cm.LinearColormap(["#ffffcc", "#41b6c4", "#253494"], vmin=0, vmax=POLYGONS - 1, caption=LEGEND_CAPTION)
    folium.GeoJson(
        squares(),
        style_function=lambda feature: {
            "color": "#555555",
            "weight": 1,
            "fillColor": scale(feature["properties"]["value"]),
            "fillOpacity": 0.7,
        },
    ).add_to(fmap)
    for i in range(CIRCLES):
        folium.CircleMarker(
            [38.8, 45.6 + 0.4 * i], radius=6, color="#333333", fill_color="#E69F00", fill_opacity=0.9,
            class_name=CIRCLE_CLASS,
        ).add_to(fmap)  # fmt: skip
    cluster = folium.plugins.MarkerCluster(name="Cluster").add_to(fmap)
    for i in range(CLUSTERED):
        folium.Marker([39.5 + 0.001 * i, 47.9]).add_to(cluster)
    folium.Marker([40.3, 46.0], tooltip="Marker").add_to(fmap)
    scale.add_to(fmap)
    return fmap


if __name__ == "__main__":  # as Streamlit runs it
    import streamlit as st

    from streamlit_folium import st_folium

    st.set_page_config(page_title="Offline map test", layout="wide")
    ensure_static_assets(Path(__file__).parent / "static")
    st.subheader("Offline map")
    st_folium(build_map(), height=600, use_container_width=True, returned_objects=[], key="offline-map")
