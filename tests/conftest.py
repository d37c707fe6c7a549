"""Shared fixtures: the real curated records, the demonstration layers built from them, a store.

The district boundaries come the way the app gets them (:func:`lib.boundaries.boundaries_path`):
the local copy named by ``GREAT_RETURN_BOUNDARIES_FILE`` when it is set, else the pinned
geoBoundaries file downloaded once into the user cache folder. When neither works, the tests that
need them are skipped saying what to do, and under ``CI=true`` the run stops with that message
before any test runs. No other test reaches the internet.

The PostGIS tests get a database of their own (``postgis_url``) on the server named by
``GREAT_RETURN_TEST_DATABASE_URL`` (``.ci/run`` starts one), else on a throwaway cluster started
here by :mod:`tests.postgis_cluster`; without PostgreSQL and PostGIS they skip saying so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.availability import CI, unavailable

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The app under test must never write into the working tree's store.
os.environ.setdefault("GREAT_RETURN_STORE_PATH", str(PROJECT_ROOT / "test-artifacts" / "store" / "great_return.gpkg"))

# Nor read the operator's accounts: the tests' own, with the actors the tests sign in as (an
# actor put in a session must have an account, or the sign-in box signs it out).
TEST_ACCOUNTS_FILE = PROJECT_ROOT / "test-artifacts" / "accounts" / "accounts.toml"
os.environ.setdefault("GREAT_RETURN_ACCOUNTS_FILE", str(TEST_ACCOUNTS_FILE))
TEST_PASSWORD = "Şəhər-2026-test"
TEST_ACCOUNTS = [  # username, role, districts, display name
    ("rauf", "leadership", (), "Rauf Əliyev"),
    ("lead", "leadership", (), ""),
    ("nigar", "admin", (), "Nigar Hüseynova"),
    ("admin", "admin", (), ""),
    ("aysel", "coordinator", ("AZ-LAC",), "Aysel Məmmədova"),
]

_BOUNDARIES = pytest.StashKey[Path | str]()  # the file, or why there is none


def pytest_sessionstart(session: pytest.Session) -> None:
    """Write the tests' accounts afresh (the file of an earlier run may hold other passwords)."""
    from lib import accounts

    TEST_ACCOUNTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    TEST_ACCOUNTS_FILE.unlink(missing_ok=True)
    for username, role, districts, name in TEST_ACCOUNTS:
        accounts.add(username, TEST_PASSWORD, role, districts, display_name=name, path=TEST_ACCOUNTS_FILE)


def _boundaries(config: pytest.Config) -> Path | str:
    """The boundaries file as the app would obtain it now, or a one-line reason there is none."""
    if _BOUNDARIES not in config.stash:
        from lib.boundaries import BoundariesUnavailable, boundaries_path
        from lib.config import Settings

        app_settings = Settings()
        try:
            config.stash[_BOUNDARIES] = boundaries_path(app_settings)
        except BoundariesUnavailable as problem:
            config.stash[_BOUNDARIES] = (
                f"district boundaries unavailable: {str(problem).splitlines()[0]}\n"
                f"Set GREAT_RETURN_BOUNDARIES_FILE to a local copy of {app_settings.boundaries_url}\n"
                "(or run the tests once with internet: the file is then kept in the cache folder)."
            )
    return config.stash[_BOUNDARIES]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    needing = [item for item in items if "settings" in getattr(item, "fixturenames", ())]
    if not needing:
        return
    boundaries = _boundaries(config)
    if isinstance(boundaries, Path):
        return
    if CI:
        raise pytest.UsageError(f"{boundaries}\n{len(needing)} tests need them, and under CI=true none is skipped.")
    for item in needing:
        item.add_marker(pytest.mark.skip(reason=" ".join(boundaries.splitlines())))


@pytest.fixture(scope="session")
def settings(request, tmp_path_factory):
    """Settings for tests: the boundaries as the app obtains them, a temporary store and cache."""
    from lib.config import Settings

    boundaries = _boundaries(request.config)
    if not isinstance(boundaries, Path):
        unavailable(" ".join(boundaries.splitlines()))
    return Settings(
        boundaries_file=boundaries,
        store_path=tmp_path_factory.mktemp("store") / "great_return.gpkg",
        cache_dir=tmp_path_factory.mktemp("cache"),
    )


@pytest.fixture(scope="session")
def real(settings):
    from lib.build import real_records

    records, _ = real_records(settings)
    return records


@pytest.fixture(scope="session")
def demo_layers(real):
    from lib.demo import build_demo

    return build_demo(real, seed=1, scale=1)


@pytest.fixture(scope="session")
def built_store(settings):
    """The embedded data built exactly as `make run` builds it, in a temporary folder."""
    from lib.build import build_store

    return build_store(settings)


@pytest.fixture
def boundaries_server(settings, tmp_path):
    """A geoBoundaries stand-in on 127.0.0.1 serving the boundaries file: (URL, list of request paths)."""
    import functools
    import shutil
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    folder = tmp_path / "served"
    folder.mkdir()
    name = Path(settings.boundaries_url).name
    shutil.copyfile(settings.boundaries_file, folder / name)
    requests: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{name}", requests
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def monkeypatch_module(built_store, settings):
    """The app's settings pointed at the tests' built store and the boundaries, for a module of
    AppTests (the MonkeyPatch, for more)."""
    from lib.config import get_settings

    patch = pytest.MonkeyPatch()
    patch.setenv("GREAT_RETURN_STORE_PATH", str(built_store.path))
    patch.setenv("GREAT_RETURN_BOUNDARIES_FILE", str(settings.boundaries_file))
    get_settings.cache_clear()
    yield patch
    patch.undo()
    get_settings.cache_clear()


@pytest.fixture
def app_with_router(built_store, settings, monkeypatch):
    """Open the app from a link, running the router (app.py) on every run as a server does.

    A server runs the router on every run once it has called ``st.navigation`` (which sets
    ``PagesManager.uses_pages_directory`` to False). AppTest sets that flag back to None before
    each run, so with a ``pages/`` folder its later runs execute the current page alone, without
    the sidebar the search lives in. AppTest is given a subclass to reset instead.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest, app_test

    from lib.config import get_settings

    monkeypatch.setenv("GREAT_RETURN_STORE_PATH", str(built_store.path))
    monkeypatch.setenv("GREAT_RETURN_BOUNDARIES_FILE", str(settings.boundaries_file))
    monkeypatch.setattr(PagesManager, "uses_pages_directory", False)
    monkeypatch.setattr(app_test, "PagesManager", type("PagesManager", (PagesManager,), {}))
    get_settings.cache_clear()

    def open_link(actor=None, **query):
        """The app opened from a link with ``query``, as ``actor`` (default: leadership, who may
        open every reading page)."""
        from lib.access import LEADERSHIP, Actor

        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=180)
        at.session_state["actor"] = actor or Actor("rauf", LEADERSHIP)
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    yield open_link
    get_settings.cache_clear()


class PostgisServer:
    """A PostgreSQL server with PostGIS, reached as a user allowed to create databases."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine, make_url, text
        from sqlalchemy.pool import NullPool

        from tests.postgis_cluster import TEMPLATE

        self.url = make_url(url)
        if self.url.drivername == "postgresql":
            self.url = self.url.set(drivername="postgresql+psycopg")  # SQLAlchemy's default is psycopg2
        # CREATE and DROP DATABASE cannot run inside a transaction.
        self._engine = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with self._engine.connect() as admin:
            has_template = admin.scalar(text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": TEMPLATE})
            if not has_template:  # a server not started by tests.postgis_cluster
                admin.execute(text(f"CREATE DATABASE {TEMPLATE}"))
                with create_engine(self.url.set(database=TEMPLATE), poolclass=NullPool).begin() as template:
                    template.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))

    def new_database(self) -> str:
        """Create an empty database with PostGIS, a copy of the template; its URL with the password."""
        import uuid

        from sqlalchemy import text

        from tests.postgis_cluster import TEMPLATE

        name = f"test_{uuid.uuid4().hex[:16]}"
        with self._engine.connect() as admin:
            admin.execute(text(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        """Drop a database made by :meth:`new_database`, ending any session still open on it."""
        from sqlalchemy import make_url, text

        name = make_url(url).database
        assert name and name.startswith("test_"), f"not a test database: {name}"
        with self._engine.connect() as admin:
            admin.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def postgis_server():
    """The PostGIS server of this test run: ``GREAT_RETURN_TEST_DATABASE_URL``, else a throwaway cluster.

    Without either the tests that need it skip with the reason (and fail under ``CI=true``).
    """
    from sqlalchemy import make_url
    from sqlalchemy.exc import OperationalError

    from tests import postgis_cluster

    url = os.environ.get("GREAT_RETURN_TEST_DATABASE_URL")
    if url:
        try:
            server = PostgisServer(url)
        except OperationalError as problem:
            failure = f"GREAT_RETURN_TEST_DATABASE_URL: no server answers at {make_url(url)!s}: {problem.orig}"
            server = None
        if server is None:
            pytest.fail(failure, pytrace=False)
        yield server
        return
    reason = postgis_cluster.unavailable_reason()
    if reason:
        unavailable(f"no PostGIS server for the tests: {reason}; or set GREAT_RETURN_TEST_DATABASE_URL")
    cluster = postgis_cluster.start(watch_pid=os.getpid())
    try:
        yield PostgisServer(cluster.url)
    finally:
        cluster.stop()


@pytest.fixture
def postgis_url(postgis_server):
    """The SQLAlchemy URL of a new empty PostGIS database for this test alone, dropped after it."""
    url = postgis_server.new_database()
    yield url
    postgis_server.drop_database(url)
