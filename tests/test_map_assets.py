"""Maps reference no CDN: every asset is served by the app (unit level; the browser test proves it draws)."""

import pytest

import folium
import folium.plugins
import geopandas as gpd
from shapely.geometry import Polygon

from lib.map_assets import (
    STATIC_URL,
    VENDOR_FILES,
    UnknownMapAsset,
    ensure_static_assets,
    external_asset_links,
    localize_assets,
    offline_map,
)


def _polygons():
    squares = [Polygon([(46 + i, 39), (46.5 + i, 39), (46.5 + i, 39.5), (46 + i, 39.5)]) for i in range(3)]
    return gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=squares, crs="EPSG:4326")


def test_map_with_layers_and_clusters_links_only_local_assets():
    fmap = offline_map([39.5, 46.5], 8)
    folium.GeoJson(_polygons()).add_to(fmap)
    folium.CircleMarker([39.2, 46.2], radius=5).add_to(fmap)
    cluster = folium.plugins.MarkerCluster().add_to(fmap)
    folium.CircleMarker([39.3, 46.3], radius=5).add_to(cluster)
    folium.plugins.FastMarkerCluster([[39.1, 46.1], [39.2, 46.4]]).add_to(fmap)
    html = fmap.get_root().render()
    assert external_asset_links(fmap) == []
    assert f"{STATIC_URL}/leaflet/leaflet.js" in html
    assert f"{STATIC_URL}/markercluster/leaflet.markercluster.js" in html
    assert "bootstrap" not in html


def test_without_tiles_the_map_has_no_tile_layer_and_a_max_zoom_for_clusters():
    html = offline_map([39.5, 46.5], 8).get_root().render()
    assert "L.tileLayer" not in html
    assert '"maxZoom": 18' in html


def test_tiles_are_added_when_configured():
    fmap = offline_map([39.5, 46.5], 8, tiles_url="https://tiles.example/{z}/{x}/{y}.png", tiles_attribution="© X")
    html = fmap.get_root().render()
    assert "L.tileLayer" in html and "https://tiles.example/{z}/{x}/{y}.png" in html
    assert external_asset_links(fmap) == []  # the tile URL is data, not a script or stylesheet


def test_an_asset_without_local_copy_is_refused_by_name():
    fmap = folium.Map(tiles=None)
    folium.plugins.Fullscreen().add_to(fmap)
    with pytest.raises(UnknownMapAsset, match="Control.FullScreen|fullscreen"):
        localize_assets(fmap)


def test_static_assets_are_copied_once_from_the_installed_packages(tmp_path):
    vendor = ensure_static_assets(tmp_path)
    for local in VENDOR_FILES:
        assert (vendor / local).exists(), local
    leaflet = vendor / "leaflet" / "leaflet.js"
    assert b"Leaflet 1.9.3" in leaflet.read_bytes()[:200]
    before = leaflet.stat().st_mtime_ns
    ensure_static_assets(tmp_path)
    assert leaflet.stat().st_mtime_ns == before
