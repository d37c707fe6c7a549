"""The PostGIS side of the benchmark: a server, its databases, and the 100x data loaded into one.

Without ``--database-url`` the benchmark starts a throwaway cluster (:mod:`tests.postgis_cluster`,
on 127.0.0.1, in a temporary folder, stopped and removed at the end). With it, the URL names a
server and a user allowed to create databases: the benchmark creates its own databases there
(:data:`PAGES_DATABASE`, :data:`SIZE_DATABASE`; dropped first if a previous run left them) and
drops them at the end. Nothing else on that server is touched.

The data goes in as a user would put it there: ``python -m lib.cli db-init`` then
``python -m lib.cli db-load GPKG`` with ``GREAT_RETURN_DATABASE_URL`` set, in a child process,
timed (wall clock) with its peak memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

from benchmarks.data import PROJECT_ROOT, boundaries_env

PAGES_DATABASE = "great_return_bench"
SIZE_DATABASE = "great_return_bench_size"


@dataclass
class Loaded:
    """The 100x data in a PostGIS database, and what loading it cost."""

    url: str
    init_s: float
    load_s: float
    peak_rss_mb: float
    database_mb: float
    output: str

    def as_json(self) -> dict:
        from sqlalchemy import make_url

        return {
            "url": make_url(self.url).render_as_string(hide_password=True),
            "init_s": round(self.init_s, 1),
            "load_s": round(self.load_s, 1),
            "peak_rss_mb": round(self.peak_rss_mb, 0),
            "database_mb": round(self.database_mb, 1),
            "output_tail": self.output[-1500:],
        }


class PostGISServer:
    """A PostgreSQL server with PostGIS for the benchmark's databases (a context manager).

    Parameters
    ----------
    url : a database on an existing server (the user needs CREATEDB); ``None`` starts a
        throwaway cluster.
    """

    def __init__(self, url: str | None = None, log=print):
        self.given_url = url
        self.log = log
        self.cluster = None
        self.created: list[str] = []

    def __enter__(self) -> PostGISServer:
        from sqlalchemy import make_url

        if self.given_url is None:
            from tests import postgis_cluster

            reason = postgis_cluster.unavailable_reason()
            if reason:
                raise RuntimeError(f"no PostGIS server: {reason}")
            started = time.perf_counter()
            # the watchdog stops the cluster even if this run is killed before it can
            self.cluster = postgis_cluster.start(watch_pid=os.getpid())
            self.admin_url = make_url(self.cluster.url)
            self.log(
                f"  started a throwaway PostGIS cluster on port {self.cluster.port} ({time.perf_counter() - started:.1f} s)"
            )
        else:
            self.admin_url = make_url(self.given_url)
            if self.admin_url.drivername in ("postgresql", "postgres"):
                self.admin_url = self.admin_url.set(drivername="postgresql+psycopg")
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.cluster is None:
                for name in self.created:
                    self.drop(name)
        finally:
            if self.cluster is not None:
                self.cluster.stop()

    def _admin(self):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        # CREATE and DROP DATABASE cannot run inside a transaction
        return create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        """A new database ``name`` (dropped first if it exists), empty or a copy of ``template``; its URL."""
        self.drop(name)
        engine = self._admin()
        with engine.connect() as admin:
            if template:
                # a database is copied only while nobody is connected to it
                admin.exec_driver_sql(
                    f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{template}' "
                    "AND pid <> pg_backend_pid()"
                )
                admin.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            else:
                admin.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine.dispose()
        if name not in self.created:
            self.created.append(name)
        return self.url(name)

    def drop(self, name: str) -> None:
        engine = self._admin()
        with engine.connect() as admin:
            admin.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()

    def database_mb(self, name: str) -> float:
        engine = self._admin()
        with engine.connect() as admin:
            size = admin.exec_driver_sql(f"SELECT pg_database_size('{name}')").scalar_one()
        engine.dispose()
        return size / 1e6


def _cli(command: list[str], url: str) -> tuple[float, float, str]:
    """Run ``python -m lib.cli COMMAND`` against ``url``: (wall seconds, peak RSS MB, output)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "lib.cli", *command],
        cwd=PROJECT_ROOT,
        env={**os.environ, **boundaries_env(), "GREAT_RETURN_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # os.wait4: this child's own peak RSS (ru_maxrss, KiB on Linux)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    output = child.stdout.read()
    child.stdout.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"python -m lib.cli {' '.join(command)} failed (exit {code}):\n{output[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, output


def load(server: PostGISServer, gpkg, name: str = PAGES_DATABASE) -> Loaded:
    """A new database ``name`` holding the GeoPackage's data, put there with ``db-init`` and ``db-load``."""
    url = server.create(name)
    init_s, _, init_out = _cli(["db-init"], url)
    load_s, peak, load_out = _cli(["db-load", str(gpkg)], url)
    return Loaded(url, init_s, load_s, peak, server.database_mb(name), init_out + load_out)
