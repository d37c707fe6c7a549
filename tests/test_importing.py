"""The import engine shared by the page and the CLI: preview against a version, commit all or nothing."""

from datetime import date

import pandas as pd
import pytest

from lib.importing import commit_import, prepare_import
from lib.store import ConflictError
from lib.store_gpkg import GeoPackageStore
from tests.fixtures import tiny_layers

TODAY = date(2025, 6, 1)
HEADER = "event_id;date;settlement_id;families;persons\r\n"


def excel_csv(*rows: str) -> bytes:
    """A CSV as Excel on Windows saves it for an Azerbaijani locale: UTF-8 with BOM, ';', CRLF."""
    return ("\ufeff" + HEADER + "".join(f"{row}\r\n" for row in rows)).encode("utf-8")


@pytest.fixture
def store(tmp_path):
    store = GeoPackageStore(tmp_path / "store.gpkg")
    store.write_layers(tiny_layers(), note="first version", author="builder")
    return store


def prepare(store, data, name="convoys.csv", **kwargs):
    return prepare_import(store, kwargs.pop("layer", "returns"), data, name, today=TODAY, **kwargs)


def test_new_convoys_preview_as_added_and_commit_as_one_version_with_the_file_in_the_audit_log(store):
    data = excel_csv("c-1;15.03.2025;AZ-LAC-a;4;15", "c-2;16.03.2025;AZ-ZAN-b;6;21")
    preview = prepare(store, data)
    assert preview.problems == []
    assert preview.counts() == {"added": 2, "changed": 0, "removed": 0}
    assert sorted(preview.added["event_id"]) == ["c-1", "c-2"]
    before = store.data_version()
    version = commit_import(store, preview, author="aysel")
    assert version == before + 1
    returns = store.read_layer("returns").set_index("event_id")
    assert returns.loc["c-1", "families"] == 4 and returns.loc["c-2", "persons"] == 21
    assert returns.loc["c-1", "date"] == pd.Timestamp("2025-03-15")
    # a file without a source column is credited to itself, so the figures stay traceable
    assert returns.loc["c-1", "source"].startswith("convoys.csv")
    entry = store.audit_log().iloc[-1]
    assert (entry["action"], entry["outcome"], entry["actor"]) == ("import", "written", "aysel")
    assert entry["source_file"] == "convoys.csv" and entry["source_sha256"] == preview.file.sha256
    assert (entry["layers"], entry["rows_added"], entry["rows_changed"], entry["rows_removed"]) == ("returns", 2, 0, 0)


def test_restoring_the_version_before_an_import_takes_its_rows_out_again(store):
    before = store.data_version()
    commit_import(store, prepare(store, excel_csv("c-1;15.03.2025;AZ-LAC-a;4;15")))
    store.restore(before)
    assert "c-1" not in set(store.read_layer("returns")["event_id"])


def test_a_changed_record_is_previewed_field_by_field(store):
    preview = prepare(store, excel_csv("e1;01.02.2023;AZ-LAC-a;5;8"))
    assert preview.counts() == {"added": 0, "changed": 1, "removed": 0}
    fields = preview.changed.set_index("field")
    assert fields.loc["families", "before"] == 2 and fields.loc["families", "after"] == 5
    assert "persons" not in fields.index and "date" not in fields.index


def test_a_column_the_file_leaves_out_keeps_its_stored_value(store, tmp_path):
    # the settlement as stored, but the file has no name_ru column (an optional field)
    settlements = store.read_layer("settlements")
    row = settlements[settlements["settlement_id"] == "AZ-LAC-a"].drop(columns=["name_ru"])
    row = row.assign(planned_households=12)
    path = tmp_path / "settlement.geojson"
    row.to_file(path, driver="GeoJSON")
    preview = prepare(store, path.read_bytes(), path.name, layer="settlements")
    assert preview.problems == [], [str(p) for p in preview.problems]
    assert list(preview.changed["field"]) == ["planned_households"]
    commit_import(store, preview)
    assert store.read_layer("settlements").set_index("settlement_id").loc["AZ-LAC-a", "name_ru"] == "А"


def test_replace_within_districts_removes_only_their_records_missing_from_the_file(store):
    preview = prepare(store, excel_csv("c-9;15.03.2025;AZ-LAC-a;4;15"), mode="replace", districts=["AZ-LAC"])
    assert preview.problems == []
    assert preview.counts() == {"added": 1, "changed": 0, "removed": 3}
    commit_import(store, preview)
    assert sorted(store.read_layer("returns")["event_id"]) == ["c-9"]


def test_replace_refuses_a_row_of_a_district_not_being_replaced(store):
    preview = prepare(store, excel_csv("c-9;15.03.2025;AZ-ZAN-b;4;15"), mode="replace", districts=["AZ-LAC"])
    assert [p.code for p in preview.problems] == ["outside_replaced_districts"]
    assert preview.problems[0].row == 2


def test_a_file_with_problems_cannot_be_committed_and_nothing_is_written(store):
    preview = prepare(store, excel_csv("c-1;15.03.2025;AZ-LAC-a;-4;15", "c-2;31.02.2025;AZ-LAC-a;1;3"))
    assert {p.row for p in preview.problems} == {2, 3}
    before = (store.data_version(), len(store.audit_log()))
    with pytest.raises(ValueError):
        commit_import(store, preview)
    assert (store.data_version(), len(store.audit_log())) == before


def test_a_commit_after_another_write_is_refused_and_asks_for_a_new_preview(store):
    preview = prepare(store, excel_csv("c-1;15.03.2025;AZ-LAC-a;4;15"))
    commit_import(store, prepare(store, excel_csv("c-2;15.03.2025;AZ-LAC-a;1;3")))
    with pytest.raises(ConflictError):
        commit_import(store, preview)
    assert "c-1" not in set(store.read_layer("returns")["event_id"])


def test_a_file_already_in_the_store_changes_nothing(store):
    data = excel_csv("c-1;15.03.2025;AZ-LAC-a;4;15")
    commit_import(store, prepare(store, data))
    again = prepare(store, data)
    assert again.changes_nothing and again.is_valid


def _two_layer_geopackage(path, units):
    import geopandas as gpd
    from shapely.geometry import Point

    settlement = gpd.GeoDataFrame(
        {
            "settlement_id": ["AZ-LAC-new"],
            "district_id": ["AZ-LAC"],
            "name_en": ["New"],
            "name_az": ["Yeni kənd"],
            "kind": ["village"],
            "status": ["reconstruction"],
            "planned_households": [40],
            "reconstruction_date": ["2024-05-01"],
            "coord_source": ["survey"],
            "coord_quality": ["source"],
            "source": ["committee"],
        },
        geometry=[Point(46.6, 39.6)],
        crs="EPSG:4326",
    )
    houses = gpd.GeoDataFrame(
        {
            "house_id": ["n1", "n2"],
            "settlement_id": ["AZ-LAC-new", "AZ-LAC-new"],
            "status": ["under_construction", "under_construction"],
            "units": units,
            "under_construction_date": ["2024-06-01", "2024-06-01"],
            "source": ["committee", "committee"],
        },
        geometry=[Point(46.601, 39.601), Point(46.602, 39.602)],
        crs="EPSG:4326",
    )
    settlement.to_file(path, layer="settlements", driver="GPKG")
    houses.to_file(path, layer="housing", driver="GPKG")
    return path.read_bytes()


def test_a_file_of_several_named_layers_is_written_together_as_one_version(store, tmp_path):
    from lib.import_read import read_import
    from lib.importing import commit_imports, layers_named_in, prepare_imports

    data = _two_layer_geopackage(tmp_path / "lachin.gpkg", [1, 4])
    layers = layers_named_in(read_import(data, "lachin.gpkg"))
    assert layers == ["settlements", "housing"]
    previews = prepare_imports(store, layers, data, "lachin.gpkg", today=TODAY)
    # the houses refer to the settlement the same file brings
    assert [p.problems for p in previews] == [[], []]
    before = store.data_version()
    assert commit_imports(store, previews) == before + 1
    assert "AZ-LAC-new" in set(store.read_layer("settlements")["settlement_id"])
    assert {"n1", "n2"} <= set(store.read_layer("housing")["house_id"])
    assert store.audit_log().iloc[-1]["layers"] == "settlements, housing"


def test_one_bad_layer_keeps_every_layer_of_the_file_out(store, tmp_path, capsys):
    from lib.cli import main

    path = tmp_path / "lachin.gpkg"
    _two_layer_geopackage(path, [1, -4])
    before = store.data_version()
    assert main(["import", str(path), "--commit", "--store", str(store.path), "--lang", "en"]) == 1
    assert "Nothing was written." in capsys.readouterr().err
    assert store.data_version() == before
    assert "AZ-LAC-new" not in set(store.read_layer("settlements")["settlement_id"])


def test_a_new_record_whose_status_the_file_does_not_date_is_refused(store, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    house = gpd.GeoDataFrame(
        {"house_id": ["n9"], "settlement_id": ["AZ-LAC-a"], "status": ["completed"], "units": [1], "source": ["x"]},
        geometry=[Point(46.501, 39.501)],
        crs="EPSG:4326",
    )
    path = tmp_path / "house.geojson"
    house.to_file(path, driver="GeoJSON")
    preview = prepare(store, path.read_bytes(), path.name, layer="housing")
    assert [(p.row, p.field) for p in preview.problems] == [(1, "completed_date")]


def test_districts_to_replace_are_codes_in_any_case_and_unknown_ones_are_named(store):
    lower = prepare(store, excel_csv("c-9;15.03.2025;AZ-LAC-a;4;15"), mode="replace", districts=["az-lac"])
    assert lower.problems == [] and lower.districts == ("AZ-LAC",)
    unknown = prepare(store, excel_csv("c-9;15.03.2025;AZ-LAC-a;4;15"), mode="replace", districts=["AZ-LAC", "AZ-XXX"])
    assert [p.code for p in unknown.problems] == ["replace_unknown_district"]
    assert dict(unknown.problems[0].values)["district"] == "AZ-XXX"


@pytest.mark.parametrize("engine", ["geopackage", "postgis"])
def test_an_import_previews_commits_and_restores_alike_on_both_engines(engine, request, tmp_path):
    from tests.store_engines import make_store

    store = make_store(engine, request, tmp_path)
    store.write_layers(tiny_layers(), note="first version", author="builder")
    preview = prepare(store, excel_csv("c-1;15.03.2025;AZ-LAC-a;4;15", "e1;01.02.2023;AZ-LAC-a;5;8"))
    assert preview.counts() == {"added": 1, "changed": 1, "removed": 0}
    assert set(preview.changed["field"]) == {"families", "source"}  # the file is the new source
    version = commit_import(store, preview, author="aysel")
    returns = store.read_layer("returns").set_index("event_id")
    assert (returns.loc["c-1", "families"], returns.loc["e1", "families"]) == (4, 5)
    entry = store.audit_log().iloc[-1]
    assert (entry["source_file"], entry["rows_added"], entry["rows_changed"]) == ("convoys.csv", 1, 1)
    store.restore(version - 1)
    assert "c-1" not in set(store.read_layer("returns")["event_id"])
    if engine == "postgis":
        store.dispose()


def test_a_status_behind_a_dated_later_step_is_refused(store):
    # h1 is occupied (with its occupied date); a file setting it back to completed keeps that date
    data = "\ufeffhouse_id;settlement_id;status;units;lon;lat\r\nh1;AZ-LAC-a;completed;4;46.495;39.495\r\n".encode()
    preview = prepare(store, data, "houses.csv", layer="housing")
    assert [(p.code, p.field) for p in preview.problems] == [
        ("status_behind_dates", "allocated_date"),
        ("status_behind_dates", "occupied_date"),
    ]


def test_a_file_without_coordinates_updates_stored_records_which_keep_their_place(store):
    data = "\ufeffhouse_id;settlement_id;status;units\r\nh1;AZ-LAC-a;occupied;5\r\n".encode()
    preview = prepare(store, data, "houses.csv", layer="housing")
    assert preview.problems == [], [str(p) for p in preview.problems]
    assert set(preview.changed["field"]) == {"units", "source"}  # the geometry is the stored one
    commit_import(store, preview)
    house = store.read_layer("housing").set_index("house_id").loc["h1"]
    assert house["units"] == 5 and (house.geometry.x, house.geometry.y) == (46.495, 39.495)
    # a new house needs its coordinates
    new = "\ufeffhouse_id;settlement_id;status;units\r\nh9;AZ-LAC-a;occupied;5\r\n".encode()
    assert [p.code for p in prepare(store, new, "houses.csv", layer="housing").problems] == ["file_no_coordinates"]
