"""Safety proximity (lib/proximity.py) on hand-made geometries whose answers are known."""

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from pyproj import Geod
from shapely.geometry import Point, Polygon, box

from lib import proximity
from lib.config import METRIC_CRS, STORAGE_CRS

GEOD = Geod(ellps="WGS84")
DAY = pd.Timestamp("2024-06-01")


def square_hazard(lon: float, lat: float, half_m: float = 200.0) -> Polygon:
    """A square polygon of 2 × ``half_m`` metres around (lon, lat), its edges on meridians and parallels."""
    east, _, _ = GEOD.fwd(lon, lat, 90, half_m)
    west, _, _ = GEOD.fwd(lon, lat, 270, half_m)
    _, north, _ = GEOD.fwd(lon, lat, 0, half_m)
    _, south, _ = GEOD.fwd(lon, lat, 180, half_m)
    return box(west, south, east, north)


def hazards(*shapes, suspected="2021-01-01", released=None, **columns) -> gpd.GeoDataFrame:
    n = len(shapes)
    frame = {
        "hazard_id": [f"h{i}" for i in range(n)],
        "area_ha": [1.0] * n,
        "released_ha": [0.0] * n,
        "suspected_date": pd.to_datetime([suspected] * n),
        "released_date": pd.to_datetime([released] * n),
        "status": ["confirmed"] * n,
        "release_method": [None] * n,
        "device_category": ["anti-personnel"] * n,
    }
    for name, values in columns.items():
        frame[name] = values
    return gpd.GeoDataFrame(frame, geometry=list(shapes), crs=STORAGE_CRS)


def random_scene(seed: int, polygons: int, houses: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Hazard squares recorded and released on random days (some never) and houses scattered among them."""
    rng = np.random.default_rng(seed)
    shapes = [square_hazard(46.5 + dx, 39.6 + dy, 150) for dx, dy in rng.uniform(0, 0.03, (polygons, 2))]
    suspected = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 400, polygons), unit="D")
    days = rng.integers(0, 1200, polygons)
    released = [s + pd.Timedelta(days=int(d)) if d < 900 else pd.NaT for s, d in zip(suspected, days)]
    polygons_frame = hazards(*shapes, suspected_date=suspected, released_date=pd.to_datetime(released))
    points = [Point(x, y) for x, y in zip(rng.uniform(46.49, 46.54, houses), rng.uniform(39.59, 39.64, houses))]
    houses_frame = gpd.GeoDataFrame(
        {"house_id": [f"x{i}" for i in range(houses)], "settlement_id": "S1"}, geometry=points, crs=STORAGE_CRS
    )
    return polygons_frame, houses_frame


def houses_east_of(polygon: Polygon, lat: float, gaps_m) -> gpd.GeoDataFrame:
    """Houses due east of the polygon's east edge, ``gaps_m`` metres from it along the ground."""
    east_edge = polygon.bounds[2]
    points = [Point(GEOD.fwd(east_edge, lat, 90, gap)[:2]) for gap in gaps_m]
    return gpd.GeoDataFrame(
        {"house_id": [f"house-{gap}" for gap in gaps_m], "settlement_id": "S1"}, geometry=points, crs=STORAGE_CRS
    )


@pytest.mark.parametrize("lon", [46.5, 47.99], ids=["Lachin's meridian", "by the UTM 38/39 edge"])
def test_a_house_499_m_from_a_hazard_is_near_and_one_501_m_away_is_not(lon):
    lat = 39.6
    polygon = square_hazard(lon, lat)
    found = proximity.hazard_pairs(houses_east_of(polygon, lat, [499, 501]), "house_id", hazards(polygon), 500)
    assert found["house_id"].tolist() == ["house-499"]
    assert found["distance_m"].iloc[0] == pytest.approx(499, abs=1.0)


def test_a_house_exactly_at_the_distance_counts_as_near():
    polygon = box(46.5, 39.6, 46.51, 39.61)
    metric = gpd.GeoSeries([polygon], crs=STORAGE_CRS).to_crs(METRIC_CRS).iloc[0]
    # 500 m east of its easternmost corner in the metric CRS itself (the edges slant away from it)
    corner_x, corner_y = max(metric.exterior.coords, key=lambda xy: xy[0])
    x, y = corner_x + 500.0, corner_y
    house = gpd.GeoDataFrame(
        {"house_id": ["edge"], "settlement_id": ["S1"]}, geometry=[Point(x, y)], crs=METRIC_CRS
    ).to_crs(STORAGE_CRS)
    found = proximity.hazard_pairs(house, "house_id", hazards(polygon), 500.01)
    assert found["house_id"].tolist() == ["edge"]


def test_a_polygon_across_the_utm_38_39_edge_is_measured_as_on_the_ground():
    # 47.9°–48.1° E straddles the zone edge at 48° E; UTM 38 must still give the ground's area
    across = box(47.9, 39.5, 48.1, 39.6)
    ground_m2, _ = GEOD.geometry_area_perimeter(across)
    measured = gpd.GeoSeries([across], crs=STORAGE_CRS).to_crs(METRIC_CRS).area.iloc[0]
    assert measured == pytest.approx(abs(ground_m2), rel=0.002)
    # and a house 499 m east of it, in zone 39, is still near; at 501 m it is not
    polygon = square_hazard(48.0, 39.6)
    found = proximity.hazard_pairs(houses_east_of(polygon, 39.6, [499, 501]), "house_id", hazards(polygon), 500)
    assert found["house_id"].tolist() == ["house-499"]


def test_layers_not_in_storage_crs_are_refused():
    polygon = square_hazard(46.5, 39.6)
    houses = houses_east_of(polygon, 39.6, [100]).to_crs(METRIC_CRS)
    with pytest.raises(ValueError, match="EPSG:4326"):
        proximity.hazard_pairs(houses, "house_id", hazards(polygon), 500)


def test_pairs_carry_the_features_settlement_and_the_polygons_dates():
    polygon = square_hazard(46.5, 39.6)
    houses = houses_east_of(polygon, 39.6, [100]).assign(district_id="AZ-LAC")
    found = proximity.hazard_pairs(houses, "house_id", hazards(polygon, released="2023-05-01"), 500)
    row = found.iloc[0]
    assert (row["settlement_id"], row["district_id"], row["hazard_id"]) == ("S1", "AZ-LAC", "h0")
    assert row["released_date"] == pd.Timestamp("2023-05-01")


def test_a_polygon_counts_on_a_day_only_between_its_record_and_its_release():
    polygon = square_hazard(46.5, 39.6)
    houses = houses_east_of(polygon, 39.6, [100])
    pairs = proximity.hazard_pairs(
        houses, "house_id", hazards(polygon, suspected="2021-03-01", released="2023-05-01"), 500
    )
    assert proximity.unreleased_on(pairs, "2021-02-28").empty  # not recorded yet
    assert len(proximity.unreleased_on(pairs, "2021-03-01")) == 1
    assert len(proximity.unreleased_on(pairs, "2023-04-30")) == 1
    assert proximity.unreleased_on(pairs, "2023-05-01").empty  # released that day


def test_a_house_is_near_while_any_of_its_polygons_is_unreleased():
    lat = 39.6
    first, second, third = square_hazard(46.5, lat), square_hazard(46.5, lat + 0.01), square_hazard(46.5, lat + 0.02)
    # one house within 500 m of all three: the first released before the third was recorded
    released = pd.to_datetime(["2022-01-01", "2022-06-01", None])
    polygons = hazards(
        first,
        second,
        third,
        suspected_date=pd.to_datetime(["2021-01-01", "2021-06-01", "2023-01-01"]),
        released_date=released,
    )
    east = max(p.bounds[2] for p in (first, second, third))
    house = gpd.GeoDataFrame(
        {"house_id": ["x"], "settlement_id": ["S1"]},
        geometry=[Point(GEOD.fwd(east, lat + 0.01, 90, 100)[:2])],
        crs=STORAGE_CRS,
    )
    # the second is within 500 m; make all three near by a wide distance
    periods = proximity.near_intervals(house, "house_id", polygons, 2_000)
    assert periods["near_from"].tolist() == [pd.Timestamp("2021-01-01"), pd.Timestamp("2023-01-01")]
    assert periods["near_until"].iloc[0] == pd.Timestamp("2022-06-01")
    assert pd.isna(periods["near_until"].iloc[1])
    assert periods["hazard_count"].tolist() == [2, 1]
    assert proximity.unreleased_on(periods, "2022-01-15")["house_id"].tolist() == ["x"]  # the second still holds it
    assert proximity.unreleased_on(periods, "2022-09-01").empty
    assert len(proximity.unreleased_on(periods, "2030-01-01")) == 1


def test_near_intervals_agree_with_the_pairs_on_every_day():
    polygons, houses = random_scene(seed=3, polygons=12, houses=30)
    pairs = proximity.hazard_pairs(houses, "house_id", polygons, 500)
    periods = proximity.near_intervals(houses, "house_id", polygons, 500)
    for day in pd.date_range("2020-12-01", "2025-01-01", freq="37D"):
        by_pairs = set(proximity.unreleased_on(pairs, day)["house_id"])
        by_periods = proximity.unreleased_on(periods, day)["house_id"]
        assert by_periods.is_unique
        assert set(by_periods) == by_pairs


def test_near_per_settlement_counts_outline_polygons_houses_and_assets():
    pairs = pd.DataFrame(
        {
            "settlement_id": ["A", "A", "A", "B"],
            "hazard_id": ["h1", "h1", "h2", "h3"],  # h1 near two parts of A's outline
            "area_ha": [10.0, 10.0, 5.0, 2.0],
            "distance_m": [300.0, 450.0, 120.0, 80.0],
            "suspected_date": pd.to_datetime(["2021-01-01"] * 4),
            "released_date": pd.to_datetime([None, None, None, "2022-01-01"]),
        }
    )
    houses = pd.DataFrame(
        {
            "house_id": ["a1", "a2", "c1"],
            "settlement_id": pd.Categorical(["A", "A", "C"]),
            "near_from": pd.to_datetime(["2021-01-01"] * 3),
            "near_until": pd.to_datetime([None, "2022-01-01", None]),
        }
    )
    assets = houses.iloc[:0].rename(columns={"house_id": "asset_id"})
    near = proximity.near_per_settlement(pairs, houses, assets, DAY).set_index("settlement_id")
    assert near.loc["A", ["hazard_count", "houses_near", "assets_near"]].tolist() == [2, 1, 0]
    assert near.loc["A", "hazard_ha"] == 15.0
    assert near.loc["A", "nearest_m"] == 120.0
    assert "B" not in near.index  # its only polygon was released
    assert near.loc["C", ["hazard_count", "houses_near"]].tolist() == [0, 1]
    assert np.isnan(near.loc["C", "nearest_m"])


def test_clearance_priority_ranks_planned_households_times_hectares_near():
    near = pd.DataFrame(
        {
            "settlement_id": ["A", "B", "C", "D"],
            "hazard_count": [2, 1, 3, 0],
            "hazard_ha": [15.0, 100.0, 15.0, 0.0],
            "nearest_m": [120.0, 300.0, 50.0, np.nan],
            "houses_near": [1, 0, 4, 2],
            "assets_near": [0, 0, 0, 0],
        }
    )
    settlements = pd.DataFrame(
        {
            "settlement_id": ["A", "B", "C", "D"],
            "district_id": ["AZ-LAC"] * 4,
            "planned_households": [200, 20, 200, 900],
        }
    )
    ranked = proximity.clearance_priority(near, settlements)
    # A and C tie at 3,000 (200 × 15 ha): the nearer hazard first; B 2,000; D has nothing near
    assert ranked["settlement_id"].tolist() == ["C", "A", "B"]
    assert ranked["score"].tolist() == [3000.0, 3000.0, 2000.0]
    assert ranked["rank"].tolist() == [1, 2, 3]


def test_nothing_near_gives_empty_frames_with_the_columns():
    polygon = square_hazard(46.5, 39.6)
    houses = houses_east_of(polygon, 39.6, [5_000])
    assert proximity.hazard_pairs(houses, "house_id", hazards(polygon), 500).empty
    periods = proximity.near_intervals(houses.iloc[:0], "house_id", hazards(polygon), 500)
    assert list(periods.columns) == [
        "house_id",
        "settlement_id",
        "near_from",
        "near_until",
        "hazard_count",
        "nearest_m",
    ]


def test_near_intervals_are_the_same_whatever_the_block_size(monkeypatch):
    polygons, houses = random_scene(seed=5, polygons=10, houses=40)
    whole = proximity.near_intervals(houses, "house_id", polygons, 500)
    monkeypatch.setattr(proximity, "FEATURES_PER_BLOCK", 7)
    in_blocks = proximity.near_intervals(houses, "house_id", polygons, 500)
    pd.testing.assert_frame_equal(in_blocks, whole)
    assert len(whole) > 7  # more periods than one block holds
