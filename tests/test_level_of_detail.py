"""Level of detail: layers over the budget become grid cells that still count every feature."""

import numpy as np
import pandas as pd

import geopandas as gpd
from shapely.geometry import Point

from lib.level_of_detail import View, binned, fit_to_budget, simplified
from lib.web_mercator import from_web_mercator, to_pixels, to_web_mercator
from tests.fixtures import square


def _points(count: int, seed: int = 1) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame(
        {"status": rng.choice(["completed", "occupied"], count), "units": rng.integers(1, 5, count)},
        geometry=gpd.points_from_xy(rng.uniform(46.0, 46.5, count), rng.uniform(39.5, 40.0, count)),
        crs="EPSG:4326",
    )


def test_a_layer_within_budget_is_sent_in_detail():
    shown = fit_to_budget(_points(50), view=None, budget=100)
    assert shown.mode == "detail" and len(shown.frame) == 50


def test_a_layer_over_budget_is_binned_and_every_feature_is_counted():
    points = _points(2_000)
    shown = fit_to_budget(points, view=None, weight="units", budget=400)
    assert shown.mode == "binned" and len(shown.frame) <= 400
    assert shown.frame["count"].sum() == 2_000
    assert shown.frame["total"].sum() == points["units"].sum()
    assert set(shown.frame["status"]) <= {"completed", "occupied"}


def test_zooming_in_brings_back_the_detail_inside_the_view():
    points = _points(2_000)
    view = View((46.0, 39.5, 46.05, 39.55), zoom=14)
    shown = fit_to_budget(points, view=view, budget=400)
    assert shown.mode == "detail" and 0 < len(shown.frame) < 400
    assert shown.frame.within(gpd.GeoSeries([square(46.0, 39.5, 0.05)], crs="EPSG:4326").iloc[0]).all()
    assert fit_to_budget(points, View((46.0, 39.5, 46.05, 39.55), zoom=10), budget=400).mode == "binned"


def test_a_zoomed_in_view_may_hold_more_than_a_whole_layer_may():
    points = _points(2_000)
    everything = View((45.9, 39.4, 46.6, 40.1), zoom=13)
    assert fit_to_budget(points, None, budget=1_000, view_budget=3_000).mode == "binned"
    shown = fit_to_budget(points, everything, budget=1_000, view_budget=3_000)
    assert shown.mode == "detail" and len(shown.frame) == 2_000


def test_view_is_read_from_what_the_map_returns():
    state = {"bounds": {"_southWest": {"lat": 39.5, "lng": 46.0}, "_northEast": {"lat": 39.6, "lng": 46.2}}, "zoom": 13}
    view = View.from_map_state(state)
    assert view.bounds == (46.0, 39.5, 46.2, 39.6) and view.zoom == 13
    assert View.from_map_state(None) is None and View.from_map_state({"bounds": {}, "zoom": 3}) is None


def test_simplification_keeps_points_and_lightens_polygons():
    ring = [(46 + 0.01 * np.cos(a), 39 + 0.01 * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 400)]
    from shapely.geometry import Point, Polygon

    frame = gpd.GeoDataFrame({"status": ["a", "b"]}, geometry=[Polygon(ring), Point(46, 39)], crs="EPSG:4326")
    light = simplified(frame, zoom=8)
    assert len(light.geometry[0].exterior.coords) < 50 and light.geometry[1].equals(Point(46, 39))
    assert light.is_valid.all()


def test_binning_an_empty_layer_gives_no_cells():
    empty = gpd.GeoDataFrame({"status": pd.Series([], dtype="str")}, geometry=[], crs="EPSG:4326")
    assert binned(empty, 1000).empty


def test_below_the_detail_zoom_the_view_changes_nothing_sent(demo_layers):
    houses = demo_layers["housing"]
    opened = fit_to_budget(houses, None, "units", budget=400)
    for zoom in (8, 11, 12):
        panned = fit_to_budget(houses, View((46.0, 39.5, 46.5, 39.9), zoom=zoom), "units", budget=400)
        assert panned.mode == opened.mode and panned.frame.equals(opened.frame)


def test_grid_cells_take_the_status_most_of_their_features_have():
    points = gpd.GeoDataFrame(
        {"status": ["occupied", "planned", "planned", "completed"]},
        geometry=[Point(46.0001, 39.5001), Point(46.0002, 39.5002), Point(46.0003, 39.5003), Point(46.3, 39.7)],
        crs="EPSG:4326",
    )
    cells = binned(points, 10_000).sort_values("count", ascending=False)
    assert cells["count"].tolist() == [3, 1]
    assert cells["status"].tolist() == ["planned", "completed"]


def test_web_mercator_formulas_agree_with_pyproj_and_invert():
    from pyproj import Transformer

    lon, lat = np.array([44.5, 46.0, 47.25]), np.array([38.9, 39.6, 40.4])
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(lon, lat)
    ours = to_web_mercator(lon, lat)
    np.testing.assert_allclose(ours, (x, y), atol=1e-6)
    np.testing.assert_allclose(from_web_mercator(*ours), (lon, lat), atol=1e-9)
    # Leaflet's pixels: the world 256 px wide at zoom 0, doubling per zoom, y down from the top
    np.testing.assert_allclose(to_pixels(0.0, 0.0, 0), (128, 128), atol=1e-9)
    px, py = to_pixels(lon, lat, 8)
    world_m = 2 * np.pi * 6_378_137.0
    np.testing.assert_allclose(px, (x + world_m / 2) / world_m * 256 * 2**8, atol=1e-6)
    np.testing.assert_allclose(py, (world_m / 2 - y) / world_m * 256 * 2**8, atol=1e-6)
