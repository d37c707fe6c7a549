"""Shared fixtures: the real curated records, the demonstration layers built from them, a store.

The district boundaries come the way the app gets them (:func:`lib.boundaries.boundaries_path`):
the local copy named by ``GREAT_RETURN_BOUNDARIES_FILE`` when it is set, else the pinned
geoBoundaries file downloaded once into the user cache folder. When neither works, the tests that
need them are skipped saying what to do, and under ``CI=true`` the run stops with that message
before any test runs. No other test reaches the internet.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.availability import CI, unavailable

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The app under test must never write into the working tree's store.
os.environ.setdefault("GREAT_RETURN_STORE_PATH", str(PROJECT_ROOT / "test-artifacts" / "store" / "great_return.gpkg"))

_BOUNDARIES = pytest.StashKey[Path | str]()  # the file, or why there is none


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

    def open_link(**query):
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=180)
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    yield open_link
    get_settings.cache_clear()
