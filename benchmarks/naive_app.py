"""The NAIVE baseline: every housing point and hazard polygon as plain ``folium.GeoJson`` layers.

This is the page one writes first with Folium, and what the dashboard's pages are compared with:
read the GeoPackage on every run (no cache), put each layer on the map whole with folium's
defaults, and show it with ``st_folium(m)``'s defaults. The only departure from plain Folium is
:func:`lib.map_assets.offline_map` instead of ``folium.Map``, so that Leaflet is served by this
app rather than a CDN (the benchmark blocks every request leaving the machine); it changes which
URLs the scripts come from, nothing else.

Run by the benchmark as ``streamlit run <copy of this file>`` with ``GREAT_RETURN_STORE_PATH`` set
to the GeoPackage; the copy lives in ``benchmarks/out/`` so that the ``static/`` folder Streamlit
serves next to it (filled below with Leaflet) stays out of the source tree.
"""

import os
from pathlib import Path

import streamlit as st

import folium
import geopandas as gpd
from streamlit_folium import st_folium

from lib.map_assets import ensure_static_assets, offline_map

st.set_page_config(page_title="Naive Folium baseline", layout="wide")
# Streamlit serves static/ next to the main script at /app/static/; offline_map links Leaflet there.
ensure_static_assets(Path(__file__).resolve().parent / "static")

store_path = os.environ["GREAT_RETURN_STORE_PATH"]
houses = gpd.read_file(store_path, layer="housing")
hazards = gpd.read_file(store_path, layer="hazard_areas")
districts = gpd.read_file(store_path, layer="districts")
return_areas = districts[districts["economic_region"].notna()]

st.title("Naive Folium baseline")
st.caption(f"{len(houses):,} houses and {len(hazards):,} hazard areas, every one on the map.")

minx, miny, maxx, maxy = return_areas.total_bounds
m = offline_map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=8)
# GeoDataFrame.to_json is the usual way in; default=str lets it write the date columns, which
# folium's own conversion of a GeoDataFrame refuses (Timestamps are not JSON serialisable).
# Every column of every feature is kept.
folium.GeoJson(return_areas.to_json(default=str), name="Return-area districts").add_to(m)
folium.GeoJson(hazards.to_json(default=str), name="Hazard areas").add_to(m)
folium.GeoJson(houses.to_json(default=str), name="Housing").add_to(m)
folium.LayerControl().add_to(m)

st_folium(m)
