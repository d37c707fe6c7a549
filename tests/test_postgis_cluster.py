"""The PostGIS test infrastructure: a database per test, the throwaway cluster, skip or fail without one."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from lib.config import PROJECT_ROOT
from tests import postgis_cluster
from tests.availability import unavailable

_seen_databases: list[str] = []


def _engine(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(url, poolclass=NullPool)


def _user_tables(connection) -> list[str]:
    from sqlalchemy import text

    # spatial_ref_sys comes with the postgis extension.
    query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'"
    return list(connection.scalars(text(query)))


def test_a_test_database_has_postgis_and_keeps_geometries_in_wgs84(postgis_url):
    from sqlalchemy import text

    with _engine(postgis_url).begin() as connection:
        assert "POSTGIS=" in connection.scalar(text("SELECT postgis_full_version()"))
        connection.execute(text("CREATE TABLE place (id int PRIMARY KEY, geom geometry(Point, 4326))"))
        connection.execute(text("INSERT INTO place VALUES (1, ST_SetSRID(ST_MakePoint(46.75, 39.76), 4326))"))
        row = connection.execute(text("SELECT ST_AsText(geom), ST_SRID(geom) FROM place")).one()
    assert tuple(row) == ("POINT(46.75 39.76)", 4326)


@pytest.mark.parametrize("turn", ["first", "second"])
def test_each_test_gets_its_own_empty_database(postgis_url, turn):
    """The second turn would find the first turn's table if the two shared a database."""
    from sqlalchemy import text

    with _engine(postgis_url).begin() as connection:
        name = connection.scalar(text("SELECT current_database()"))
        assert _user_tables(connection) == []
        connection.execute(text("CREATE TABLE left_behind (id int)"))
    assert name != postgis_cluster.DATABASE and name not in _seen_databases
    _seen_databases.append(name)


def test_a_test_database_is_dropped_afterwards_even_with_a_session_still_open(postgis_server):
    from sqlalchemy import text

    url = postgis_server.new_database()
    name = url.rsplit("/", 1)[1]
    forgotten = _engine(url).connect()  # a store a test forgot to close
    forgotten.execute(text("SELECT 1"))
    postgis_server.drop_database(url)
    forgotten.invalidate()  # its session was ended by the drop: nothing to roll back
    with _engine(postgis_server.url).connect() as admin:
        left = admin.scalar(text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": name})
    assert left == 0


def test_the_command_line_starts_a_cluster_with_the_standard_library_alone_and_stops_it():
    """``.ci/run`` runs it with the system python3, before the virtual environment exists."""
    reason = postgis_cluster.unavailable_reason()
    if reason:
        unavailable(f"no PostGIS cluster can start here: {reason}")
    from sqlalchemy import text

    directory = Path(tempfile.mkdtemp(prefix="great-return-pg-cli-"))
    command = [sys.executable, "-S", "-m", "tests.postgis_cluster"]  # -S: no site-packages
    try:
        started = subprocess.run(
            [*command, "start", "--dir", str(directory)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
        )
        assert started.returncode == 0, started.stderr
        name, _, value = started.stdout.strip().removeprefix("export ").partition("=")
        assert name == "GREAT_RETURN_TEST_DATABASE_URL"
        url = shlex.split(value)[0]
        with _engine(url).connect() as connection:
            assert connection.scalar(text("SELECT extversion FROM pg_extension WHERE extname = 'postgis'"))
    finally:
        stopped = subprocess.run(
            [*command, "stop", "--dir", str(directory)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
        )
    assert stopped.returncode == 0, stopped.stderr
    assert not directory.exists()


def test_stop_leaves_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(RuntimeError, match="left as it is"):
        postgis_cluster.stop(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_without_postgresql_or_postgis_the_reason_names_the_debian_packages(monkeypatch, tmp_path):
    monkeypatch.setattr(postgis_cluster, "bin_dir", lambda: None)
    assert "apt-get install postgresql-15 postgresql-15-postgis-3" in postgis_cluster.unavailable_reason()
    for name in ("initdb", "pg_ctl", "postgres", "psql", "pg_config"):
        (tmp_path / name).touch()
    monkeypatch.setattr(postgis_cluster, "bin_dir", lambda: tmp_path)
    reason = postgis_cluster.unavailable_reason()
    assert "PostGIS extension is not installed" in reason and "postgresql-15-postgis-3" in reason


# Loaded with -p into a fresh pytest: this machine then looks as if it had no PostgreSQL.
_HIDE_POSTGRESQL = "from tests import postgis_cluster\npostgis_cluster.bin_dir = lambda: None\n"


@pytest.mark.parametrize("ci", [False, True], ids=["locally", "under-ci"])
def test_without_a_server_postgis_tests_skip_saying_why_and_fail_under_ci(tmp_path, ci):
    (tmp_path / "hide_postgresql.py").write_text(_HIDE_POSTGRESQL)
    env = {k: v for k, v in os.environ.items() if k not in {"GREAT_RETURN_TEST_DATABASE_URL", "CI"}}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(PROJECT_ROOT)])
    if ci:
        env["CI"] = "true"
    test = "tests/test_postgis_cluster.py::test_a_test_database_has_postgis_and_keeps_geometries_in_wgs84"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", test, "-q", "-rs", "-p", "hide_postgresql", "-p", "no:cacheprovider"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert "no PostGIS server for the tests" in run.stdout and "postgresql-15-postgis-3" in run.stdout, run.stdout
    if ci:
        assert run.returncode == 1 and "1 error" in run.stdout and "CI=true" in run.stdout, run.stdout
    else:
        assert run.returncode == 0 and "1 skipped" in run.stdout, run.stdout
