"""The import benchmark's generated files look like the committee's: a CSV as Excel saves it, a
GeoJSON of hazard areas inside their districts with every field of the schema; and its report."""

import csv
import io
import json
from datetime import date

import pandas as pd
import pytest

import geopandas as gpd
import shapely

from benchmarks import report
from benchmarks.import_speed import CSV_COLUMNS, convoys_csv, hazard_areas_frame, hazard_geojson
from lib.schema import LAYERS
from tests.fixtures import tiny_layers

DATA_DATE = date(2024, 6, 30)


@pytest.fixture(scope="module")
def layers():
    layers = tiny_layers()
    # a second settlement that has begun resettling, so convoys have a choice
    layers["settlements"].loc[1, "resettling_date"] = pd.Timestamp("2024-03-01")
    return layers


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251"])
def test_convoys_csv_is_as_excel_saves_it_with_real_settlements_and_sensible_dates(layers, encoding):
    data = convoys_csv(layers["settlements"], DATA_DATE, rows=500, seed=3, encoding=encoding)
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data.decode(encoding), newline=""), delimiter=";"))
    assert len(rows) == 500 and tuple(rows[0]) == CSV_COLUMNS
    frame = pd.DataFrame(rows)
    assert frame["event_id"].is_unique
    assert set(frame["settlement_id"]) == {"AZ-LAC-a", "AZ-ZAN-b"}
    days = pd.to_datetime(frame["date"], format="%d.%m.%Y")
    starts = frame["settlement_id"].map(layers["settlements"].set_index("settlement_id")["resettling_date"])
    assert (days >= starts).all() and (days <= pd.Timestamp(DATA_DATE)).all()
    families, persons = frame["families"].astype(int), frame["persons"].astype(int)
    assert (families >= 1).all() and (persons >= 2 * families).all()


def test_convoys_csv_is_the_same_for_the_same_seed(layers):
    first = convoys_csv(layers["settlements"], DATA_DATE, rows=50, seed=7)
    assert first == convoys_csv(layers["settlements"], DATA_DATE, rows=50, seed=7)
    assert first != convoys_csv(layers["settlements"], DATA_DATE, rows=50, seed=8)


def test_hazard_geojson_has_every_schema_field_and_valid_polygons_inside_their_districts(layers):
    frame = hazard_areas_frame(layers["districts"], layers["hazard_areas"], count=300, seed=2)
    collection = json.loads(hazard_geojson(frame))
    assert len(collection["features"]) == 300
    assert set(collection["features"][0]["properties"]) == set(LAYERS["hazard_areas"].field_names)
    read = gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")
    assert read["hazard_id"].is_unique
    assert (read.geom_type == "Polygon").all() and read.is_valid.all()
    districts = layers["districts"].set_index("district_id").geometry
    assert shapely.within(read.geometry.to_numpy(), districts[read["district_id"]].to_numpy()).all()
    measured = read.geometry.to_crs("EPSG:32638").area / 1e4
    assert (abs(read["area_ha"] - measured) <= 0.01).all()
    assert (read["released_ha"] <= read["area_ha"]).all()
    assert set(read["status"]) <= set(LAYERS["hazard_areas"].field("status").allowed)
    released = read["status"] == "released"
    assert read.loc[released, "released_date"].notna().all()
    assert pd.to_datetime(read["suspected_date"], format="%Y-%m-%d").notna().all()


def test_import_speed_report_marks_the_target_met_or_not():
    case = {"layer": "returns", "file": "c.csv", "bytes": 5e6, "rows": 100_000, "read_s": 1.0, "check_s": 2.0,
            "validate_s": 3.0, "preview_s": 4.0, "commit_s": 5.0, "rows_per_s": 25_000, "peak_rss_mb": 900,
            "problems": 0}  # fmt: skip
    slow = {**case, "layer": "hazard_areas", "rows": 10_000, "preview_s": 12.5}
    met = report.import_speed_targets({"target_s": 10, "cases": [case]})[0]
    not_met = report.import_speed_targets({"target_s": 10, "cases": [case, slow]})[0]
    assert met.met is True and not_met.met is False and "12.5 s" in not_met.detail
    table = report.import_speed_table({"cases": [case, {**slow, "failure": "boom", "bytes": 1e6}]})
    assert "| returns | c.csv | 5.0 | 100,000 | 1.00 | 2.00 | 3.00 | 4.00 | 5.00 | 25,000 | 900 | 0 |" in table
    assert "failed: boom" in table
    assert report.import_speed_targets(None)[0].met is None
