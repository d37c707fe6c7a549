"""What only the PostGIS engine has: its schema and migrations, indexes, filters run by the
database, its row lock between writers, and the ``db-init`` / ``db-load`` commands.

What both engines must do alike is in ``tests/test_store_contract.py``.
"""

from __future__ import annotations

import hashlib
import threading

import pandas as pd
import pytest

from lib import store_postgis
from lib.cli import main as cli
from lib.schema import LAYERS
from lib.store import ConflictError, StoreNotReady
from lib.store_gpkg import GeoPackageStore
from lib.store_postgis import MIGRATIONS, PostGISStore, engine_url
from tests.fixtures import tiny_layers

# How the database reports the types lib/schema.py declares (information_schema.columns.data_type).
SQL_TYPE_NAMES = {"str": "text", "int": "bigint", "float": "double precision", "date": "date", "bool": "boolean"}


@pytest.fixture
def empty_store(postgis_url):
    store = PostGISStore(postgis_url)
    yield store
    store.dispose()


@pytest.fixture
def store(empty_store):
    empty_store.write_layers(tiny_layers(), note="fixture")
    return empty_store


def _sql(store: PostGISStore, statement: str, **params) -> list[tuple]:
    import sqlalchemy as sa

    with store._engine.begin() as connection:
        result = connection.execute(sa.text(statement), params)
        return [tuple(row) for row in result] if result.returns_rows else []


def test_plain_postgresql_url_gets_psycopg_and_the_key_hides_the_password():
    store = PostGISStore("postgresql://coordinator:s3cret@db.example:5432/great_return")
    assert store.url.drivername == "postgresql+psycopg"
    assert store.key == "postgis:postgresql+psycopg://coordinator:***@db.example:5432/great_return"
    assert "s3cret" not in store.key


def test_other_database_urls_are_refused():
    with pytest.raises(ValueError, match="postgresql://"):
        engine_url("sqlite:///great_return.db")


def test_an_empty_database_has_no_version_and_the_first_write_creates_the_schema(empty_store):
    assert empty_store.state().version is None
    assert empty_store.layer_names() == []
    version = empty_store.write_layers({"districts": tiny_layers()["districts"]}, note="first")
    assert version == 1
    assert empty_store.applied_migrations() == [m.number for m in MIGRATIONS]
    assert empty_store.layer_names() == ["districts"]


def test_migrate_applies_each_migration_once_and_records_it(empty_store):
    applied = empty_store.migrate()
    assert [m.number for m in applied] == [m.number for m in MIGRATIONS]
    assert empty_store.migrate() == []
    recorded = _sql(empty_store, "SELECT version, description, applied_at IS NOT NULL FROM store_migrations")
    assert recorded == [(m.number, m.description, True) for m in MIGRATIONS]
    state = empty_store.state()
    assert state.instance and state.version is None


def test_migrations_from_several_processes_at_once_apply_once(postgis_url):
    stores = [PostGISStore(postgis_url) for _ in range(3)]
    results = []
    threads = [threading.Thread(target=lambda s=s: results.append(s.migrate())) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(r) for r in results) == [0, 0, len(MIGRATIONS)]
    assert len(_sql(stores[0], "SELECT key FROM store_info WHERE key = 'instance'")) == 1
    for store in stores:
        store.dispose()


def test_layer_columns_are_typed_as_the_schema_declares(empty_store):
    """A change to lib/schema.py without a migration that follows it fails here."""
    empty_store.migrate()
    for layer, spec in LAYERS.items():
        for table in (layer, f"{layer}_history"):
            columns = dict(
                _sql(
                    empty_store,
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = :t",
                    t=table,
                )
            )
            expected = {f.name: SQL_TYPE_NAMES[f.dtype] for f in spec.fields}
            expected |= {"valid_from": "bigint", "row_hash": "bigint"}
            if spec.has_geometry:
                expected["geom"] = "USER-DEFINED"
            if table.endswith("_history"):
                expected["valid_to"] = "bigint"
            assert columns == expected, table


def test_geometries_have_gist_indexes_and_filtered_ids_btree_indexes(empty_store):
    empty_store.migrate()
    indexes = {
        (table, definition.split(" USING ")[1])
        for table, definition in _sql(empty_store, "SELECT tablename, indexdef FROM pg_indexes")
    }
    assert ("hazard_areas", "gist (geom)") in indexes
    assert ("housing", "gist (geom)") in indexes
    assert ("housing", "btree (house_id)") in indexes
    assert ("housing", "btree (settlement_id)") in indexes
    assert ("hazard_areas", "btree (district_id)") in indexes
    assert ("housing_history", "btree (valid_to)") in indexes
    srid = _sql(empty_store, "SELECT srid, type FROM geometry_columns WHERE f_table_name = 'settlements'")
    assert srid == [(4326, "POINT")]


def _queries(monkeypatch) -> list[tuple[str, int]]:
    """Every read statement with the number of rows the database sent back."""
    sent = []
    copy_out = store_postgis._copy_out

    def recording(connection, query, types):
        table = copy_out(connection, query, types)
        sent.append((query, table.num_rows))
        return table

    monkeypatch.setattr(store_postgis, "_copy_out", recording)
    return sent


def test_district_date_and_box_filters_run_in_the_database(store, monkeypatch):
    sent = _queries(monkeypatch)
    hazards = store.read_layer(
        "hazard_areas", district_ids=["AZ-LAC"], known_on=pd.Timestamp("2021-03-01"), bbox=(46.5, 39.4, 46.515, 39.6)
    )
    assert list(hazards["hazard_id"]) == ["z1"]
    [(query, rows)] = sent
    assert rows == 1  # only the matching row crossed the wire
    assert "district_id IN ('AZ-LAC')" in query
    assert "ST_Intersects(geom, ST_MakeEnvelope(46.5, 39.4, 46.515, 39.6, 4326))" in query
    assert "suspected_date < '2021-03-02'" in query


def test_a_read_of_no_column_still_counts_the_rows(store):
    assert store.read_layer("returns", columns=[], geometry=False).shape == (3, 0)
    assert len(store.read_layer("housing", columns=[])) == 3


def test_the_planner_can_serve_the_filters_from_the_indexes(store):
    import sqlalchemy as sa

    from lib.store import RowFilter

    query = store_postgis._select(
        "hazard_areas", 1, RowFilter(district_ids=("AZ-LAC",), bbox=(46.5, 39.4, 46.6, 39.6)), None, True
    )[0]
    with store._engine.begin() as connection:
        # three rows would be scanned: ask for the plan a large table gets
        connection.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(connection.execute(sa.text(f"EXPLAIN {query}")).scalars())
    assert "hazard_areas_geom_gist" in plan or "hazard_areas_district_id_idx" in plan, plan


def test_a_reader_sees_the_last_version_while_a_write_is_under_way(store):
    from lib.versioning import plan_layer

    before = store.read_layer("returns")
    with pytest.raises(RuntimeError, match="abandoned"), store._writing() as writer:
        returns = tiny_layers()["returns"].assign(families=[9, 9, 9])
        writer.apply(plan_layer("returns", writer.current_keys("returns"), returns), 2)
        pd.testing.assert_frame_equal(store.read_layer("returns"), before)
        pd.testing.assert_frame_equal(store.read_layer("returns", version=1), before)
        raise RuntimeError("abandoned")
    pd.testing.assert_frame_equal(store.read_layer("returns"), before)
    assert _sql(store, "SELECT count(*) FROM returns_history") == [(0,)]


def test_a_failed_write_leaves_nothing_behind(store, monkeypatch):
    def broken(self, record, plans):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_postgis._PostGISWriter, "add_version", broken)
    changed = tiny_layers()["housing"].assign(units=[7, 7, 7])
    with pytest.raises(RuntimeError, match="disk full"):
        store.write_layers({"housing": changed}, note="breaks")
    assert store.data_version() == 1
    assert store.read_layer("housing")["units"].tolist() == [4, 2, 1]
    assert _sql(store, "SELECT count(*) FROM housing_history") == [(0,)]


def test_a_second_writer_waits_for_the_first_and_then_gets_a_conflict(store):
    from lib.versioning import plan_layer

    planning, release = threading.Event(), threading.Event()
    outcome = {}

    def slow_plans(writer):
        planning.set()
        release.wait(10)
        return [plan_layer("returns", writer.current_keys("returns"), tiny_layers()["returns"].head(2))]

    def first():
        outcome["first"] = store._commit(
            slow_plans, note="first", author="a", action="write", metadata=None, expected_version=1
        )

    def second():
        try:
            store.write_layers({"returns": tiny_layers()["returns"].head(1)}, note="second", expected_version=1)
        except ConflictError as conflict:
            outcome["second"] = conflict

    one, two = threading.Thread(target=first), threading.Thread(target=second)
    one.start()
    assert planning.wait(10)
    two.start()
    two.join(0.5)
    assert two.is_alive(), "the second writer waits for the first one's lock"
    release.set()
    one.join()
    two.join()
    assert outcome["first"] == 2
    assert (outcome["second"].started_from, outcome["second"].current) == (1, 2)
    assert list(store.history()["version"]) == [2, 1]
    assert store.audit_log()["outcome"].tolist() == ["written", "written", "refused: conflict"]


def test_state_refuses_an_older_or_a_newer_schema(store):
    _sql(store, "INSERT INTO store_migrations (version, description) VALUES (99, 'from the future')")
    with pytest.raises(StoreNotReady, match="newer"):
        store.state()
    _sql(store, "DELETE FROM store_migrations")
    with pytest.raises(StoreNotReady, match="db-init"):
        store.state()


def test_history_rows_keep_the_rows_a_later_version_ended(store):
    changed = tiny_layers()["hazard_areas"].assign(released_ha=[100.0, 50.0, 0.0])
    store.write_layers({"hazard_areas": changed}, note="z2 released")
    assert _sql(store, "SELECT hazard_id, valid_from, valid_to FROM hazard_areas_history") == [("z2", 1, 2)]
    released = {v: store.read_layer("hazard_areas", version=v).set_index("hazard_id")["released_ha"] for v in (1, 2)}
    assert released[1].sort_index().tolist() == [100.0, 20.0, 0.0]
    assert released[2].sort_index().tolist() == [100.0, 50.0, 0.0]


def _gpkg(tmp_path) -> GeoPackageStore:
    source = GeoPackageStore(tmp_path / "source.gpkg")
    source.write_layers(tiny_layers(), note="built", metadata={"data_date": "2024-06-01", "seed": 1})
    return source


@pytest.fixture
def configured(postgis_url, monkeypatch):
    """The settings name the test database (as GREAT_RETURN_DATABASE_URL does for a user)."""
    from lib.config import get_settings

    monkeypatch.setenv("GREAT_RETURN_DATABASE_URL", postgis_url)
    get_settings.cache_clear()
    yield postgis_url
    get_settings.cache_clear()


def test_db_init_creates_the_schema_then_has_nothing_to_do(configured, capsys):
    assert cli(["db-init"]) == 0
    assert "Applied migration 1" in capsys.readouterr().out
    assert cli(["db-init"]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_db_load_copies_every_layer_as_one_version(tmp_path, configured, capsys):
    source = _gpkg(tmp_path)
    assert cli(["db-load", str(source.path)]) == 0
    assert "as data version 1" in capsys.readouterr().out
    store = PostGISStore(configured)
    try:
        assert store.layer_names() == source.layer_names()
        for layer in source.layer_names():
            pd.testing.assert_frame_equal(store.read_layer(layer), source.read_layer(layer), obj=layer)
        history = store.history()
        assert list(history["action"]) == ["load"]
        assert history["note"][0] == "loaded from source.gpkg"
        assert store.metadata()["data_date"] == "2024-06-01" and store.metadata()["seed"] == 1
        audit = store.audit_log().iloc[-1]
        assert audit["source_file"] == "source.gpkg"
        assert audit["source_sha256"] == hashlib.sha256(source.path.read_bytes()).hexdigest()
        assert audit["rows_added"] == sum(len(f) for f in tiny_layers().values())
    finally:
        store.dispose()


def test_db_load_reads_a_geopackage_of_the_unversioned_layout_without_changing_it(tmp_path, configured, capsys):
    import pyogrio

    legacy = tmp_path / "old.gpkg"
    for name in ("districts", "settlements"):
        pyogrio.write_dataframe(tiny_layers()[name], legacy, layer=name)
    metadata = pd.DataFrame({"key": ["data_date", "data_version"], "value": ['"2024-06-01"', '"abc"']})
    pyogrio.write_dataframe(metadata, legacy, layer="metadata")
    before = legacy.read_bytes()
    assert cli(["db-load", str(legacy)]) == 0
    assert legacy.read_bytes() == before
    store = PostGISStore(configured)
    try:
        assert store.layer_names() == ["districts", "settlements"]
        assert store.metadata()["data_date"] == "2024-06-01"
        assert len(store.read_layer("settlements")) == 2
    finally:
        store.dispose()


def test_db_load_refuses_invalid_data_and_writes_nothing(tmp_path, configured, capsys):
    import pyogrio

    broken = tmp_path / "broken.gpkg"
    settlements = tiny_layers()["settlements"].assign(district_id=["AZ-LAC", "AZ-NOWHERE"])
    pyogrio.write_dataframe(tiny_layers()["districts"], broken, layer="districts")
    pyogrio.write_dataframe(settlements, broken, layer="settlements")
    assert cli(["db-load", str(broken)]) == 3
    assert "AZ-NOWHERE" in capsys.readouterr().err
    store = PostGISStore(configured)
    try:
        assert store.data_version() is None
    finally:
        store.dispose()
