"""The GeoPackage store: round trip, filters, all-or-nothing writes, metadata and the standard."""

import runpy
import sys

import pandas as pd
import pytest

import geopandas as gpd
import pyogrio
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point, Polygon

from lib.store import InvalidDataError
from lib.store_gpkg import GeoPackageStore
from tests.availability import NO_GDAL_UTILS, require_module


def _districts():
    return gpd.GeoDataFrame(
        {
            "district_id": ["AZ-LAC", "AZ-ZAN"],
            "name_en": ["Lachin", "Zangilan"],
            "name_az": ["Laçın", "Zəngilan"],
            "name_ru": ["Лачин", "Зангилан"],
            "economic_region": ["East Zangezur", "East Zangezur"],
            "source": ["test", "test"],
        },
        geometry=[Polygon([(46, 39), (47, 39), (47, 40), (46, 40)]), Polygon([(47, 39), (48, 39), (48, 40), (47, 40)])],
        crs="EPSG:4326",
    )


def _settlements():
    return gpd.GeoDataFrame(
        {
            "settlement_id": ["AZ-LAC-sus", "AZ-ZAN-aghali"],
            "district_id": ["AZ-LAC", "AZ-ZAN"],
            "name_en": ["Sus", "Aghali"],
            "name_az": ["Sus", "Ağalı"],
            "name_ru": [None, "Агалы"],
            "kind": ["village", "village"],
            "status": ["resettling", "planned"],
            "planned_households": [120, 200],
            "reconstruction_date": pd.to_datetime(["2022-01-01", None]).astype("datetime64[ms]"),
            "ready_date": pd.to_datetime(["2024-03-01", None]).astype("datetime64[ms]"),
            "resettling_date": pd.to_datetime(["2024-05-09", None]).astype("datetime64[ms]"),
            "resettled_date": pd.to_datetime([None, None]).astype("datetime64[ms]"),
            "coord_source": ["wiki", "wiki"],
            "coord_quality": ["source", "geonames"],
            "reported_district": pd.Series([None, None], dtype="str"),
            "source": ["test", "test"],
        },
        geometry=[Point(46.51, 39.63), Point(47.76, 39.18)],
        crs="EPSG:4326",
    )


def _returns():
    return pd.DataFrame(
        {
            "event_id": ["e1", "e2"],
            "date": pd.to_datetime(["2024-05-09", "2024-05-24"]).astype("datetime64[ms]"),
            "settlement_id": ["AZ-LAC-sus", "AZ-LAC-sus"],
            "families": pd.array([20, 39], dtype="Int64"),
            "persons": pd.array([75, 140], dtype="Int64"),
            "source": ["https://a", "https://b"],
        }
    )


@pytest.fixture
def store(tmp_path):
    store = GeoPackageStore(tmp_path / "test.gpkg")
    store.write_layers(
        {"districts": _districts(), "settlements": _settlements(), "returns": _returns()}, note="fixture"
    )
    return store


def test_layers_round_trip_unchanged(store):
    assert_geodataframe_equal(store.read_layer("settlements"), _settlements(), check_dtype=False, check_like=True)
    pd.testing.assert_frame_equal(store.read_layer("returns"), _returns(), check_dtype=False)


def test_district_filter_reaches_settlement_level_layers_through_ids(store):
    assert list(store.read_layer("settlements", district_ids=["AZ-ZAN"])["settlement_id"]) == ["AZ-ZAN-aghali"]
    assert store.read_layer("returns", district_ids=["AZ-ZAN"]).empty
    assert len(store.read_layer("returns", district_ids=["AZ-LAC"])) == 2


def test_bbox_filter_returns_only_features_inside(store):
    found = store.read_layer("settlements", bbox=(46.0, 39.0, 47.0, 40.0))
    assert list(found["settlement_id"]) == ["AZ-LAC-sus"]


def test_every_write_changes_the_data_version_and_is_logged(store):
    before = store.data_version()
    after = store.write_layers({"returns": _returns().iloc[:1]}, note="one convoy corrected")
    assert after != before and store.data_version() == after
    log = store.change_log()
    assert list(log["note"]) == ["fixture", "one convoy corrected"]
    assert log["rows"].iloc[-1] == 1 and log["layers"].iloc[-1] == "returns"
    assert len(store.read_layer("settlements")) == 2  # layers not written are kept


def test_invalid_data_writes_nothing_and_names_the_problem(store):
    before = store.path.read_bytes()
    bad = _returns()
    bad.loc[1, "families"] = -5
    bad.loc[0, "settlement_id"] = "AZ-LAC-atlantis"
    with pytest.raises(InvalidDataError) as raised:
        store.write_layers({"returns": bad}, note="bad import")
    messages = [str(p) for p in raised.value.problems]
    assert any("e2" in m and "families" in m for m in messages)
    assert any("unknown settlement 'AZ-LAC-atlantis'" in m for m in messages)
    assert store.path.read_bytes() == before


def test_failed_write_midway_leaves_previous_data_intact(store, monkeypatch):
    before = store.path.read_bytes()
    real_write = pyogrio.write_dataframe
    calls = []

    def write_then_fail(*args, **kwargs):
        calls.append(kwargs.get("layer"))
        if len(calls) == 2:
            raise OSError("disk full")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        store.write_layers({"returns": _returns(), "settlements": _settlements()}, note="interrupted")
    assert store.path.read_bytes() == before
    assert [p.name for p in store.path.parent.iterdir()] == [store.path.name]  # no temporary file left


def test_metadata_keeps_what_the_writer_gave(store):
    store.write_layers({"returns": _returns()}, note="x", metadata={"sources": [{"layer": "returns"}]})
    meta = store.metadata()
    assert meta["sources"] == [{"layer": "returns"}]
    assert meta["data_version"] == store.data_version()


def test_geopackage_passes_gdal_validator(store, capsys):
    validator = require_module("osgeo_utils.samples.validate_gpkg", NO_GDAL_UTILS)
    sys_argv = sys.argv
    try:
        sys.argv = ["validate_gpkg.py", str(store.path)]
        with pytest.raises(SystemExit) as exited:
            runpy.run_path(validator.__file__, run_name="__main__")
    finally:
        sys.argv = sys_argv
    output = capsys.readouterr()
    assert exited.value.code in (0, None), output.out + output.err
