"""The mine action map: cells fixed once per version count a day's features as binning them anew
would, and the map's layers carry the classes, the features near and the legend."""

import numpy as np
import pandas as pd

import folium
import geopandas as gpd
from shapely.geometry import Point

from lib import hazard_maps
from lib.i18n import Translator
from lib.level_of_detail import FixedCells, View, binned, day_view
from tests.fixtures import square
from tests.test_level_of_detail import _points

EN = Translator("en")


def test_fixed_cells_count_a_days_features_as_binning_them_anew():
    points = _points(3_000)
    cells = FixedCells.of(points, budget=400)
    keep = np.arange(len(points)) % 3 != 0
    codes = (points["status"] == "b").to_numpy().astype("int64")
    counted = cells.counted(keep, codes, ("a", "b"), points["units"].to_numpy(dtype="float64"))
    fresh = binned(points[keep], cells.cell_m, "units")
    assert counted["count"].sum() == keep.sum() == fresh["count"].sum()
    assert counted["total"].sum() == points.loc[keep, "units"].sum()

    def cells_and_counts(frame):
        return sorted(
            zip(frame.geometry.bounds["minx"].round(6), frame.geometry.bounds["miny"].round(6), frame["count"])
        )

    assert cells_and_counts(counted) == cells_and_counts(fresh)


def test_a_day_that_fits_the_budget_is_sent_in_detail_and_one_over_it_in_the_fixed_cells():
    points = _points(3_000)
    cells = FixedCells.of(points, budget=400)
    codes = np.zeros(len(points), dtype="int64")
    few = np.arange(len(points)) < 100
    detail = day_view(points, cells, few, codes, ("a",), None, budget=400)
    assert detail.mode == "detail" and len(detail.frame) == 100 and set(detail.frame["status"]) == {"a"}
    many = day_view(points, cells, np.ones(len(points), dtype=bool), codes, ("a",), None, budget=400)
    assert many.mode == "binned" and many.frame["count"].sum() == 3_000 and many.cell_m == cells.cell_m
    zoomed = day_view(
        points, cells, np.ones(len(points), dtype=bool), codes, ("a",), View((46.0, 39.5, 46.02, 39.52), 15)
    )
    assert zoomed.mode == "detail" and 0 < len(zoomed.frame) < 3_000


def _map_layers() -> hazard_maps.MapLayers:
    day = pd.Timestamp
    hazards = gpd.GeoDataFrame(
        {
            "hazard_id": ["h1", "h2"],
            "district_id": ["AZ-LAC", "AZ-LAC"],
            "device_category": ["UXO", "anti-tank"],
            "release_method": ["reduced", None],
            "area_ha": [4.0, 9.0],
            "released_ha": [4.0, 0.0],
            "items_found": [2, 0],
            "suspected_date": [day("2021-01-01"), day("2021-01-01")],
            "confirmed_date": [day("2021-02-01"), pd.NaT],
            "in_clearance_date": [pd.NaT, pd.NaT],
            "released_date": [day("2022-01-01"), pd.NaT],
        },
        geometry=[square(46.5, 39.6, 0.01), square(46.6, 39.6, 0.01)],
        crs="EPSG:4326",
    )
    houses = gpd.GeoDataFrame(
        {
            "house_id": ["x"],
            "settlement_id": ["AZ-LAC-a"],
            "district_id": ["AZ-LAC"],
            "near_from": [day("2021-01-01")],
            "near_until": [pd.NaT],
            "hazard_count": [1],
            "nearest_m": [120.0],
        },
        geometry=[Point(46.61, 39.61)],
        crs="EPSG:4326",
    )
    assets = houses.rename(columns={"house_id": "asset_id"}).assign(asset_id=["s"], geometry=[Point(46.62, 39.61)])
    return hazard_maps.MapLayers.of(hazards, houses, assets)


def _rendered(day) -> str:
    fmap = folium.Map()
    hazard_maps.hazard_layers(_map_layers(), day, 500, None, EN).add_to(fmap)
    return fmap.get_root().render()


def test_the_map_colours_polygons_by_status_and_release_method_and_marks_houses_near():
    html = _rendered("2023-01-01")
    reduced = EN("mine_action.released_by", method=EN.term("release_method", "reduced"))
    assert f'"label": "{reduced} \u00b7 4.0 ha"' in html or f'"label":"{reduced} · 4.0 ha"' in html
    assert hazard_maps.HAZARD_CLASS_COLOURS["reduced"] in html and hazard_maps.HAZARD_CLASS_COLOURS["suspected"] in html
    assert "House within 500 m of a hazard · 120 m to the nearest hazard polygon" in html
    assert EN("mine_action.map_legend") in html


def test_houses_and_assets_near_have_looks_and_legend_lines_of_their_own():
    html = _rendered("2023-01-01")
    house, asset = (EN(f"mine_action.near_{k}", distance="500") for k in ("house", "asset"))
    assert f"{asset} · 120 m to the nearest hazard polygon" in html
    legend = html.replace("\\u003c", "<").replace("\\u003e", ">").replace('\\"', '"')  # as the legend is sent
    for key, label in (("house", house), ("asset", asset)):
        fill = hazard_maps.NEAR_LOOKS[key][0]
        assert f'<i class="gr-swatch circle" style="background:{fill}"></i>{label}</div>' in legend
    assert '"fillColor": "#FFFFFF"' in html or '"fillColor":"#FFFFFF"' in html
    assert len({looks[0] for looks in hazard_maps.NEAR_LOOKS.values()}) == 2


def test_before_a_polygon_is_recorded_it_is_not_drawn():
    html = _rendered("2020-12-01")
    assert '"h1"' not in html and '"x"' not in html
    assert "House within" not in html  # nor in the legend
