"""Maps reference no CDN: every asset is served by the app (unit level; tests/browser proves it draws)."""

from __future__ import annotations

import mimetypes
import re

import pytest

import branca.colormap as cm
import folium
import folium.plugins
import geopandas as gpd
import streamlit_folium
from shapely.geometry import box

from lib.config import STATIC_DIR
from lib.map_assets import (
    LOCAL_ASSETS,
    STATIC_URL,
    UnknownMapAsset,
    ensure_static_assets,
    offline_map,
)
from tests.map_html import cdn_urls_in

TILES = "https://tiles.example/{z}/{x}/{y}.png?key=k&style=light"


def _districts() -> gpd.GeoDataFrame:
    squares = [box(46 + i / 2, 39, 46.4 + i / 2, 39.4) for i in range(3)]
    return gpd.GeoDataFrame({"name": ["a", "b", "c"], "value": [1.0, 5.0, 9.0]}, geometry=squares, crs="EPSG:4326")


def _add_linear(fmap):
    cm.LinearColormap(["#ffffcc", "#006837"], vmin=0, vmax=10, caption="Linear").add_to(fmap)


def _add_step(fmap):
    cm.StepColormap(["#ffffcc", "#78c679", "#006837"], index=[0, 3, 6, 10], vmin=0, vmax=10, caption="Step").add_to(
        fmap
    )


def _add_choropleth(fmap):
    districts = _districts()
    folium.Choropleth(
        districts, data=districts, columns=["name", "value"], key_on="feature.properties.name", legend_name="Choro"
    ).add_to(fmap)


def _full_map(**kwargs) -> folium.Map:
    """Every kind of layer the dashboard draws."""
    fmap = offline_map([39.2, 46.7], 8, **kwargs)
    folium.GeoJson(_districts(), tooltip=folium.GeoJsonTooltip(["name"])).add_to(fmap)
    folium.CircleMarker([39.2, 46.2], radius=5).add_to(fmap)
    cluster = folium.plugins.MarkerCluster().add_to(fmap)
    folium.Marker([39.3, 46.3]).add_to(cluster)
    folium.CircleMarker([39.3, 46.4], radius=5).add_to(cluster)
    folium.plugins.FastMarkerCluster([[39.1, 46.1], [39.2, 46.4]]).add_to(fmap)
    _add_linear(fmap)
    return fmap


def _links_sent_by_st_folium(fmap, monkeypatch) -> dict:
    """What st_folium hands its browser component (scripts, stylesheets, map code), without Streamlit."""
    sent = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    streamlit_folium.st_folium(fmap, returned_objects=[], key="map")
    return sent


def test_map_with_geojson_markers_clusters_and_legend_references_no_cdn():
    fmap = _full_map()
    html = fmap.get_root().render()
    assert cdn_urls_in(fmap) == []
    for local in ("leaflet/leaflet.js", "leaflet/leaflet.css", "markercluster/leaflet.markercluster.js", "d3/d3.js"):
        assert f'"{STATIC_URL}/{local}"' in html
    assert "bootstrap" not in html and "awesome-markers" not in html


def test_the_check_reports_every_cdn_link_of_a_plain_folium_map():
    fmap = folium.Map(tiles=None)
    cm.LinearColormap(["red", "blue"]).add_to(fmap)
    urls = cdn_urls_in(fmap)
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in urls
    assert "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js" in urls


@pytest.mark.parametrize("add_legend", [_add_linear, _add_step, _add_choropleth], ids=["linear", "step", "choropleth"])
def test_colormap_legend_is_drawn_with_local_d3_and_streamlit_folium_adds_no_cdn_d3(add_legend, monkeypatch):
    fmap = offline_map([39.2, 46.7], 8)
    add_legend(fmap)
    assert cdn_urls_in(fmap) == []
    sent = _links_sent_by_st_folium(fmap, monkeypatch)
    assert sent["js_links"] and all(link.startswith(f"{STATIC_URL}/") for link in sent["js_links"] + sent["css_links"])
    assert f"{STATIC_URL}/d3/d3.js" in sent["js_links"]
    # the legend is still drawn, on the map itself (a Leaflet control cannot live on a layer)
    assert re.search(r"\.legend\.addTo\(map_div\)", sent["script"])
    assert "d3.scale.threshold()" in sent["script"]


def test_streamlit_folium_gets_only_local_links_for_a_map_with_every_layer(monkeypatch):
    sent = _links_sent_by_st_folium(_full_map(), monkeypatch)
    assert sent["js_links"][0] == f"{STATIC_URL}/leaflet/leaflet.js"  # first: everything else needs L
    assert all(link.startswith(f"{STATIC_URL}/") for link in sent["js_links"] + sent["css_links"])
    assert "http" not in sent["header"].replace('http-equiv="content-type"', "")


def test_without_tiles_the_map_has_no_tile_layer_a_max_zoom_and_a_light_background():
    html = offline_map([39.5, 46.5], 8).get_root().render()
    assert "L.tileLayer" not in html
    assert '"maxZoom": 18' in html
    assert "div.leaflet-container{background:#f4f6f8}" in html


def test_default_markers_find_their_images_in_the_apps_leaflet_folder():
    fmap = offline_map([39.5, 46.5], 8)
    folium.Marker([39.5, 46.5]).add_to(fmap)
    html = fmap.get_root().render()
    # set before any marker is drawn, since Leaflet's own guess fails when its CSS arrives late
    assert html.index(f'L.Icon.Default.imagePath = "{STATIC_URL}/leaflet/images/"') < html.index("L.marker(")


def test_tiles_are_drawn_when_a_url_is_given_and_are_its_only_external_url():
    fmap = _full_map(tiles_url=TILES, tiles_attribution='&copy; <a href="https://osm.example/copyright">OSM</a>')
    html = fmap.get_root().render()
    assert "L.tileLayer" in html and "tiles.example" in html
    assert cdn_urls_in(fmap) == []  # tile URL and attribution hyperlink are not assets


def test_a_plugin_without_local_copy_is_refused_by_its_asset_name():
    fmap = offline_map([39.5, 46.5], 8)
    folium.plugins.Fullscreen().add_to(fmap)
    with pytest.raises(UnknownMapAsset, match="Control.Fullscreen"):
        fmap.get_root().render()


def test_folium_icon_is_refused_because_awesome_markers_is_not_local():
    fmap = offline_map([39.5, 46.5], 8)
    folium.Marker([39.5, 46.5], icon=folium.Icon(color="red")).add_to(fmap)
    with pytest.raises(UnknownMapAsset, match="awesome-markers"):
        fmap.get_root().render()


def test_static_assets_hold_every_file_a_map_links_and_what_their_stylesheets_load(tmp_path):
    vendor = ensure_static_assets(tmp_path)
    assert vendor == tmp_path / "vendor"
    for local in filter(None, LOCAL_ASSETS.values()):
        assert (vendor / local).is_file(), local
    assert b"Leaflet 1.9.3" in (vendor / "leaflet" / "leaflet.js").read_bytes()[:200]
    for stylesheet in vendor.rglob("*.css"):
        for relative in re.findall(r"url\(([^)#]+)\)", stylesheet.read_text()):
            assert (stylesheet.parent / relative.strip("'\"")).is_file(), f"{stylesheet.name} loads {relative}"


def test_copying_again_leaves_the_files_untouched(tmp_path):
    vendor = ensure_static_assets(tmp_path)
    before = {path: path.stat().st_mtime_ns for path in vendor.rglob("*")}
    ensure_static_assets(tmp_path)
    assert {path: path.stat().st_mtime_ns for path in vendor.rglob("*")} == before


def test_a_deleted_file_or_a_copy_from_other_package_versions_is_replaced(tmp_path):
    vendor = ensure_static_assets(tmp_path)
    (vendor / "d3" / "d3.js").unlink()
    ensure_static_assets(tmp_path)
    assert (vendor / "d3" / "d3.js").is_file()
    leaflet = vendor / "leaflet" / "leaflet.js"
    leaflet.write_text("old")
    (vendor / ".xstatic-versions").write_text("xstatic.pkg.leaflet 1.0.0\n")
    ensure_static_assets(tmp_path)
    assert b"Leaflet 1.9.3" in leaflet.read_bytes()[:200]
    assert not list(vendor.rglob("*.partial"))


def test_scripts_and_stylesheets_get_types_browsers_accept_under_nosniff(tmp_path):
    ensure_static_assets(tmp_path)
    assert mimetypes.guess_type("leaflet.js")[0] == "text/javascript"
    assert mimetypes.guess_type("leaflet.css")[0] == "text/css"


def test_the_static_folder_is_in_the_repository_and_the_copies_it_receives_are_ignored(tmp_path):
    # Streamlit warns "no static folder found" when the folder is missing at start-up, before
    # app.py creates it; the committed static/.gitignore keeps it in every clone.
    ignore = STATIC_DIR / ".gitignore"
    assert ignore.is_file()
    patterns = [line for line in ignore.read_text().splitlines() if line and not line.startswith("#")]
    vendor = ensure_static_assets(tmp_path)
    assert patterns == [f"/{vendor.relative_to(tmp_path).as_posix()}/"]
