"""What is particular to the GeoPackage engine (the rest: tests/test_store_contract.py): the file
replaced whole, history tables, the unversioned layout migrated, and the standard."""

import runpy
import sqlite3
import sys

import pandas as pd
import pytest

import geopandas as gpd
import pyogrio
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point, Polygon

from lib.store import StoreNotReady
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


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary_file(store):
    before = store.path.stat().st_ino
    store.write_layers({"returns": _returns().iloc[:1]}, note="one convoy corrected")
    assert store.path.stat().st_ino != before  # a new file moved over the old one, never edited in place
    assert sorted(p.name for p in store.path.parent.iterdir()) == [store.path.name, f"{store.path.name}.lock"]


def test_a_write_keeps_the_file_readable_by_whoever_could_read_it(store):
    store.path.chmod(0o644)
    store.write_layers({"returns": _returns().iloc[:1]}, note="one convoy corrected")
    assert store.path.stat().st_mode & 0o777 == 0o644


def test_a_failed_write_leaves_the_file_byte_for_byte(store, monkeypatch):
    before = store.path.read_bytes()
    real_write = pyogrio.write_dataframe

    def fail_on_second(*args, calls=[], **kwargs):  # noqa: B006 (counts calls across this test)
        calls.append(kwargs.get("layer"))
        if len(calls) == 2:
            raise OSError("disk full")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", fail_on_second)
    returns = _returns().assign(persons=1)
    with pytest.raises(OSError, match="disk full"):
        store.write_layers({"returns": returns, "settlements": _settlements().assign(planned_households=1)}, note="x")
    assert store.path.read_bytes() == before


def test_history_keeps_only_the_rows_a_version_ended(store):
    changed = _returns()
    changed.loc[0, "families"] = 21
    store.write_layers({"returns": changed}, note="one convoy corrected")
    with sqlite3.connect(store.path) as connection:
        history = connection.execute("SELECT event_id, valid_from, valid_to FROM returns_history").fetchall()
        current = connection.execute("SELECT count(*) FROM returns").fetchone()[0]
    assert history == [("e1", 1, 2)] and current == 2


def test_a_geopackage_of_the_unversioned_layout_is_kept_as_version_one(tmp_path):
    legacy = tmp_path / "old.gpkg"
    pyogrio.write_dataframe(_districts(), legacy, layer="districts")
    pyogrio.write_dataframe(_settlements(), legacy, layer="settlements")
    meta = pd.DataFrame({"key": ["data_date", "data_version"], "value": ['"2024-06-01"', '"abc"']})
    pyogrio.write_dataframe(meta, legacy, layer="metadata")
    log = pd.DataFrame({"changed_at": ["2024-06-01"], "changed_by": ["me"], "note": ["built"]})
    pyogrio.write_dataframe(log, legacy, layer="change_log")
    store = GeoPackageStore(legacy)
    with pytest.raises(StoreNotReady, match="db-init"):
        store.data_version()
    assert store.migrate() and not store.needs_migration()
    assert store.data_version() == 1 and store.metadata()["data_date"] == "2024-06-01"
    assert "me: built" in store.history().iloc[0]["note"]
    assert_geodataframe_equal(store.read_layer("districts"), _districts(), check_like=True, check_dtype=False)


def test_geopackage_with_versions_and_history_passes_gdal_validator(store, capsys):
    changed = _settlements().assign(planned_households=[1, 2])
    store.write_layers({"settlements": changed, "returns": _returns().iloc[:1]}, note="changes")
    store.restore(1)
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
