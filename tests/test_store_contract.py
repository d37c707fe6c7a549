"""What every store engine promises, run on each of them (the GeoPackage and PostGIS).

Reads with filters at any version, versions kept and restorable, all-or-nothing writes, the
audit log, and writers at once: one wins, the other is told, nothing is half-written.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from contextlib import contextmanager
from datetime import date

import pandas as pd
import pytest

from geopandas.testing import assert_geodataframe_equal

from lib.as_of import records_as_of
from lib.store import ConflictError, InvalidDataError, SourceFile, StoreBusy
from tests.fixtures import tiny_layers
from tests.store_engines import ENGINES, location, make_store, write_from_process


@pytest.fixture(params=ENGINES)
def empty_store(request, tmp_path):
    return make_store(request.param, request, tmp_path)


@pytest.fixture
def store(empty_store):
    empty_store.write_layers(tiny_layers(), note="first version", author="tester")
    return empty_store


def _same(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal rows (in any order) in the expected frame's columns; the store adds absent optional
    fields, empty."""
    actual = actual[list(expected.columns)]
    # an all-empty column built from None is of no type; the store's has the field's type
    untyped = [c for c in expected.columns if c != "geometry" and expected[c].dtype == object]
    expected = expected.astype({c: actual[c].dtype for c in untyped})
    actual = actual.sort_values(actual.columns[0]).reset_index(drop=True)
    expected = expected.sort_values(expected.columns[0]).reset_index(drop=True)
    if "geometry" in expected:
        assert_geodataframe_equal(actual, expected, check_dtype=False, check_like=True)
    else:
        pd.testing.assert_frame_equal(actual, expected, check_dtype=False, check_like=True)


def _one_more_house(layers: dict, suffix: str = "x") -> pd.DataFrame:
    housing = layers["housing"]
    extra = housing.iloc[[0]].assign(house_id=f"h-{suffix}")
    return pd.concat([housing, extra], ignore_index=True)


# -- reading --------------------------------------------------------------------------------


def test_every_layer_reads_back_as_written(store):
    for name, frame in tiny_layers().items():
        _same(store.read_layer(name), frame)


def test_district_filter_reaches_settlement_level_layers_through_ids(store):
    assert list(store.read_layer("settlements", district_ids=["AZ-ZAN"])["settlement_id"]) == ["AZ-ZAN-b"]
    assert set(store.read_layer("housing", district_ids=["AZ-ZAN"])["settlement_id"]) <= {"AZ-ZAN-b"}
    lachin = store.read_layer("returns", district_ids=["AZ-LAC"])
    assert len(lachin) == (tiny_layers()["returns"]["settlement_id"] == "AZ-LAC-a").sum() > 0
    assert store.read_layer("returns", district_ids=[]).empty


def test_bbox_filter_returns_only_features_that_intersect_it(store):
    found = store.read_layer("settlements", bbox=(46.0, 39.0, 47.0, 40.0))
    assert list(found["settlement_id"]) == ["AZ-LAC-a"]


@pytest.mark.parametrize("day", ["2021-01-01", "2022-01-01", "2023-01-01", "2024-06-30"])
def test_known_on_filter_keeps_the_records_the_as_of_rules_keep(store, day):
    for layer in ("hazard_areas", "housing", "returns", "settlements", "infrastructure"):
        expected = records_as_of(layer, tiny_layers()[layer], day)
        found = store.read_layer(layer, known_on=date.fromisoformat(day))
        id_field = found.columns[0]
        assert sorted(found[id_field]) == sorted(expected[id_field]), (layer, day)


def test_columns_and_no_geometry_read_only_what_is_asked(store):
    frame = store.read_layer("housing", columns=["house_id", "status"], geometry=False)
    assert list(frame.columns) == ["house_id", "status"]
    assert len(frame) == len(tiny_layers()["housing"])


def test_metadata_keeps_what_the_writers_gave_and_names_the_version(store):
    store.write_layers(
        {"targets": tiny_layers()["targets"].iloc[:1]}, note="x", metadata={"sources": [{"layer": "targets"}]}
    )
    meta = store.metadata()
    assert meta["sources"] == [{"layer": "targets"}] and meta["data_version"] == store.data_version() == 2
    assert "sources" not in store.metadata(1)


# -- versions -------------------------------------------------------------------------------


def test_every_write_makes_a_new_version_listed_with_who_why_and_rows_per_layer(store):
    layers = tiny_layers()
    housing = _one_more_house(layers)
    housing.loc[1, "units"] = 99
    after = store.write_layers(
        {"housing": housing, "returns": layers["returns"].iloc[1:]}, note="one house added", author="aysel"
    )
    assert after == 2 and store.data_version() == 2
    latest = store.history().iloc[0]
    assert (latest["version"], latest["created_by"], latest["note"]) == (2, "aysel", "one house added")
    changes = store.changes().set_index(["version", "layer"])
    assert changes.loc[(2, "housing"), ["added", "changed", "removed"]].tolist() == [1, 1, 0]
    assert changes.loc[(2, "returns"), ["added", "changed", "removed"]].tolist() == [0, 0, 1]
    assert "housing +1 ~1 -0" in latest["changes"]
    assert len(store.read_layer("settlements")) == 2  # layers not written are kept


def test_a_write_that_changes_nothing_makes_no_version(store):
    assert store.write_layers({"housing": tiny_layers()["housing"]}, note="same again") == 1
    assert store.data_version() == 1
    assert store.audit_log()["outcome"].iloc[-1] == "unchanged"


def test_upsert_adds_and_replaces_rows_by_id_and_removes_none(store):
    layers = tiny_layers()
    update = _one_more_house(layers).iloc[[0, -1]].assign(units=7)
    store.write_layers({"housing": update}, note="upsert", mode="upsert")
    housing = store.read_layer("housing").set_index("house_id")
    assert len(housing) == len(layers["housing"]) + 1
    assert housing.loc[update["house_id"], "units"].tolist() == [7, 7]


def test_replace_within_some_ids_removes_only_those(store):
    layers = tiny_layers()
    ids = list(layers["housing"]["house_id"])
    store.write_layers({"housing": layers["housing"].iloc[2:]}, note="replace one", removable={"housing": ids[:1]})
    assert sorted(store.read_layer("housing")["house_id"]) == sorted(ids[1:])


def test_an_earlier_version_reads_as_it_was(store):
    layers = tiny_layers()
    store.write_layers({"housing": layers["housing"].iloc[1:]}, note="one removed")
    store.write_layers({"housing": _one_more_house(layers)}, note="back and one more")
    for version, expected in ((1, layers["housing"]), (2, layers["housing"].iloc[1:])):
        _same(store.read_layer("housing", version=version), expected)
    assert (
        len(store.read_layer("housing", version=2, district_ids=["AZ-LAC"]))
        == (layers["housing"].iloc[1:]["settlement_id"] == "AZ-LAC-a").sum()
    )


def test_restore_brings_back_a_version_as_a_new_one_and_keeps_every_other(store):
    layers = tiny_layers()
    store.write_layers({"housing": layers["housing"].iloc[:1]}, note="a write made in error")
    restored = store.restore(1, author="admin")
    assert restored == 3
    _same(store.read_layer("housing"), layers["housing"])
    _same(store.read_layer("housing", version=2), layers["housing"].iloc[:1])  # the error is kept
    latest = store.history().iloc[0]
    assert (latest["action"], latest["restored_from"], latest["created_by"]) == ("restore", 1, "admin")
    assert store.restore(1) == 3  # already as at version 1: no empty version
    assert store.restore(2) == 4  # a restore can itself be undone
    _same(store.read_layer("housing"), layers["housing"].iloc[:1])


def test_restore_brings_back_the_metadata_of_that_version(store):
    store.write_layers({"targets": tiny_layers()["targets"].iloc[:1]}, note="x", metadata={"data_date": "2030-01-01"})
    store.restore(1)
    assert "data_date" not in store.metadata()


def test_unknown_version_is_refused_with_the_versions_there_are(store):
    with pytest.raises(KeyError, match="versions are 1 to 1"):
        store.restore(7)


def test_audit_log_records_who_when_what_file_and_rows(store):
    source = SourceFile("Ağdam evləri.csv", "ab" * 32)
    store.write_layers(
        {"housing": _one_more_house(tiny_layers())}, note="import", author="coordinator", action="import", source=source
    )
    entry = store.audit_log().iloc[-1]
    assert (entry["actor"], entry["action"], entry["outcome"]) == ("coordinator", "import", "written")
    assert (entry["source_file"], entry["source_sha256"]) == (source.name, source.sha256)
    assert (entry["rows_added"], entry["rows_changed"], entry["rows_removed"], entry["version"]) == (1, 0, 0, 2)
    assert entry["logged_at"][:4].isdigit()


# -- all or nothing -------------------------------------------------------------------------


def test_invalid_data_writes_nothing_and_names_the_problem(store):
    bad = tiny_layers()["returns"].copy()
    bad.loc[1, "families"] = -5
    bad.loc[0, "settlement_id"] = "AZ-LAC-atlantis"
    with pytest.raises(InvalidDataError) as raised:
        store.write_layers({"returns": bad}, note="bad import")
    messages = [str(p) for p in raised.value.problems]
    assert any(bad.loc[1, "event_id"] in m and "families" in m for m in messages)
    assert any("unknown settlement 'AZ-LAC-atlantis'" in m for m in messages)
    assert store.data_version() == 1
    _same(store.read_layer("returns"), tiny_layers()["returns"])


def test_a_write_failing_midway_leaves_the_previous_version_whole(store, monkeypatch):
    writing = store._writing

    @contextmanager
    def failing_on_the_second_layer():
        with writing() as writer:
            apply, done = writer.apply, []

            def apply_then_fail(plan, version):
                if done:
                    raise OSError("disk full")
                done.append(plan.layer)
                apply(plan, version)

            writer.apply = apply_then_fail
            yield writer

    monkeypatch.setattr(store, "_writing", failing_on_the_second_layer)
    layers = tiny_layers()
    with pytest.raises(OSError, match="disk full"):
        store.write_layers(
            {"housing": layers["housing"].iloc[:1], "returns": layers["returns"].iloc[:1]}, note="interrupted"
        )
    monkeypatch.undo()
    assert store.data_version() == 1 and len(store.history()) == 1
    _same(store.read_layer("housing"), layers["housing"])
    _same(store.read_layer("returns"), layers["returns"])


# -- writers at once ------------------------------------------------------------------------


def test_a_writer_that_started_from_an_older_version_gets_a_conflict_naming_it(store):
    layers = tiny_layers()
    started_from = store.data_version()
    store.write_layers({"housing": layers["housing"].iloc[1:]}, note="first writer", expected_version=started_from)
    with pytest.raises(ConflictError, match=f"started from version {started_from}") as raised:
        store.write_layers({"housing": _one_more_house(layers)}, note="second writer", expected_version=started_from)
    assert (raised.value.started_from, raised.value.current) == (1, 2)
    _same(store.read_layer("housing"), layers["housing"].iloc[1:])
    assert store.audit_log()["outcome"].iloc[-1] == "refused: conflict"


def test_two_threads_writing_at_once_one_wins_and_the_other_is_told(store):
    layers = tiny_layers()
    frames = {"a": layers["housing"].iloc[1:], "b": _one_more_house(layers)}
    start, outcomes = threading.Barrier(2), {}

    def write(name):
        start.wait()
        try:
            outcomes[name] = store.write_layers({"housing": frames[name]}, note=name, expected_version=1)
        except ConflictError as conflict:
            outcomes[name] = conflict

    threads = [threading.Thread(target=write, args=(name,)) for name in frames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    winners = [name for name, result in outcomes.items() if result == 2]
    losers = [name for name, result in outcomes.items() if isinstance(result, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert store.data_version() == 2
    _same(store.read_layer("housing"), frames[winners[0]])


def test_two_processes_writing_at_once_one_wins_and_the_other_is_told(store):
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(2), spawn.Queue()
    engine, where = location(store)
    writers = [spawn.Process(target=write_from_process, args=(engine, where, name, 1, start, results)) for name in "pq"]
    for writer in writers:
        writer.start()
    outcomes = dict(results.get(timeout=180) for _ in writers)
    for writer in writers:
        writer.join(timeout=60)
    assert sorted(outcomes.values(), key=str) == [2, "conflict"], outcomes
    winner = next(name for name, result in outcomes.items() if result == 2)
    assert f"h-{winner}" in set(store.read_layer("housing")["house_id"])
    assert len(store.read_layer("housing")) == len(tiny_layers()["housing"]) + 1


def test_a_writer_kept_waiting_too_long_is_told_and_writes_nothing(store, monkeypatch):
    monkeypatch.setattr(sys.modules[type(store).__module__], "LOCK_TIMEOUT_S", 1)
    holding, release = threading.Event(), threading.Event()

    def hold_a_write_open():
        with store._writing():
            holding.set()
            release.wait(60)

    other = threading.Thread(target=hold_a_write_open)
    other.start()
    try:
        assert holding.wait(60)
        with pytest.raises(StoreBusy, match="nothing was written"):
            store.write_layers({"housing": tiny_layers()["housing"].iloc[1:]}, note="kept waiting")
    finally:
        release.set()
        other.join(timeout=60)
    assert store.data_version() == 1


def test_a_reader_never_sees_half_a_version(store):
    layers = tiny_layers()
    stop, seen = threading.Event(), []

    def read_until_stopped():
        while not stop.is_set():
            version = store.data_version()
            housing = store.read_layer("housing", version=version, columns=["house_id", "source"], geometry=False)
            returns = store.read_layer("returns", version=version, columns=["event_id", "source"], geometry=False)
            seen.append((version, set(housing["source"]), set(returns["source"])))

    reader = threading.Thread(target=read_until_stopped)
    reader.start()
    try:
        for k in range(2, 6):
            mark = f"written by version {k}"
            store.write_layers(
                {"housing": layers["housing"].assign(source=mark), "returns": layers["returns"].assign(source=mark)},
                note=mark,
            )
    finally:
        stop.set()
        reader.join(timeout=60)
    assert seen
    for version, housing_marks, returns_marks in seen:
        if version > 1:  # both layers from the same write, the one that made the version read
            assert housing_marks == returns_marks == {f"written by version {version}"}


def test_rows_read_back_are_the_rows_written_so_a_same_write_changes_nothing(empty_store):
    from shapely.geometry import MultiPolygon

    layers = tiny_layers()
    districts = layers["districts"].copy()
    districts.loc[1, "geometry"] = MultiPolygon([districts.geometry.iloc[1]])  # a layer of mixed types
    empty_store.write_layers({"districts": districts}, note="mixed")
    back = empty_store.read_layer("districts")
    assert list(back.sort_values("district_id").geom_type) == ["Polygon", "MultiPolygon"]
    assert empty_store.write_layers({"districts": back}, note="read back and written again") == 1
