"""Browser fixtures: an app under `streamlit run`, Debian's Chromium driven by Playwright, offline.

Never `playwright install`: the tests use Debian's package at /usr/bin/chromium and are skipped,
saying why, when it is absent (under ``CI=true`` they fail instead). Every test here is marked ``browser`` (``-m "not browser"`` leaves
them out). Pages are offline: each request to a host other than this machine is aborted and
recorded. Screenshots go to test-artifacts/ (git-ignored), and one is taken of every failing test. A test
that fails runs once more (:data:`BROWSER_RERUNS`); the summary lists it as RERUN.

Example
-------
::

    from tests.browser.conftest import drawn_features, map_frame

    def test_map_draws(start_app, offline_page):
        url = start_app(APP, env={"SOME_SETTING": "x"}, isolated=True)
        offline_page.page.goto(url)
        counts = drawn_features(map_frame(offline_page.page), paths=55)
        offline_page.screenshot("my-map")
        assert counts["paths"] == 55
        assert offline_page.blocked == []
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from benchmarks.browser import CHROMIUM, CHROMIUM_ARGS  # one set of Chromium flags for tests and benchmark
from benchmarks.server import free_port, wait_healthy  # and one way to start a server and wait for it
from tests.availability import CI, unavailable

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
NO_CHROMIUM = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"

# How many times a failing browser test runs again (pytest-rerunfailures): a real browser on a
# loaded two-core machine sometimes loses a click or a redraw that a person would simply repeat.
BROWSER_RERUNS = 1

# What drawn_features counts, by the CSS selector Leaflet gives each kind of feature.
FEATURES = {
    "paths": "path.leaflet-interactive",  # polygons, lines and circle markers (SVG renderer)
    "markers": ".leaflet-marker-icon:not(.marker-cluster)",  # Marker, DivIcon
    "clusters": ".marker-cluster",  # MarkerCluster / FastMarkerCluster bubbles
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's Chromium against a running app (slow)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
            # as Playwright's own runner does on CI: a test that fails runs once more, and both
            # outcomes are reported ("RERUN" in the summary); one that fails twice fails
            item.add_marker(pytest.mark.flaky(reruns=BROWSER_RERUNS, reruns_delay=2))
            if not CHROMIUM.exists() and not CI:  # under CI the browser fixture fails instead
                item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed  # read by offline_page to screenshot failures
    return report


_CALL_FAILED = pytest.StashKey[bool]()


# --- the app ---------------------------------------------------------------------------------------


# Each running server's log, by its base URL: a failing test shows the end of its server's.
SERVER_LOGS: dict[str, Path] = {}


@pytest.fixture(scope="session")
def start_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """Factory: ``start_app(app, env=None, *, isolated=False, timeout_s=120) -> base URL``.

    Runs ``python -m streamlit run APP`` on a free localhost port, from the project root (so
    ``.streamlit/config.toml`` applies and ``lib`` imports), with ``env`` added to the environment,
    and returns once ``/_stcore/health`` answers. The same arguments within a session give the
    same running server. Every server is stopped at the end of the session.

    ``isolated=True`` runs a copy of a single-file app from a temporary folder, so the ``static/``
    folder next to it (which Streamlit serves, and which the app may fill) stays out of the tree.
    The server's log is in the error raised when it does not start.
    """
    servers: dict[tuple, str] = {}
    processes: list[subprocess.Popen] = []

    def start(
        app: Path = PROJECT_ROOT / "app.py",
        env: dict[str, str] | None = None,
        *,
        isolated: bool = False,
        timeout_s: float = 120,
    ) -> str:
        key = (str(app), tuple(sorted((env or {}).items())), isolated)
        if key in servers:
            return servers[key]
        folder = tmp_path_factory.mktemp("streamlit")
        if isolated:
            app = Path(shutil.copy(app, folder / Path(app).name))
        port = free_port()
        log = folder / "server.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--browser.gatherUsageStats", "false"],
                cwd=PROJECT_ROOT,
                env={**os.environ, **(env or {})},
                stdout=output,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, process, timeout_s)
        except (RuntimeError, TimeoutError) as problem:
            raise RuntimeError(f"{problem}; its log:\n{log.read_text()[-3000:]}") from None
        servers[key] = url
        SERVER_LOGS[url] = log
        return url

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- the browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, launched once per session (skips when it is not installed)."""
    if not CHROMIUM.exists():
        unavailable(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OfflinePage:
    """A Playwright page on which every request leaving this machine is aborted and recorded.

    Attributes
    ----------
    page : playwright.sync_api.Page
        The page (and its frames).
    blocked : list of str
        URLs of the aborted requests, in order; tile requests show up here too, so a test of a
        map with tiles filters them out.
    errors : list of str
        Uncaught errors and console errors of the page and its frames, to explain a failure.
    """

    def __init__(self, page: Any):
        self.page = page
        self.blocked: list[str] = []
        self.errors: list[str] = []
        page.route("**/*", self._route)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if urlparse(url).scheme in {"data", "blob", "about"} or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def screenshot(self, name: str) -> Path:
        """Save a screenshot of the page to ``test-artifacts/NAME.png`` and return its path."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


PAGE_STATE = """() => [document.readyState, document.body ? document.body.innerText.length : -1,
    !!document.querySelector('[data-testid="stApp"]'),
    (document.querySelector('[data-testid="stStatusWidget"]') || {}).innerText || 'idle']"""


@pytest.fixture
def offline_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[OfflinePage]:
    """A fresh 1600x1000 :class:`OfflinePage`; screenshotted to ``test-artifacts/FAILED-<test>.png`` on failure."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    wrapped = OfflinePage(context.new_page())
    yield wrapped
    if request.node.stash.get(_CALL_FAILED, False):
        wrapped.screenshot(f"FAILED-{request.node.name}")
        # shown under the failure's report ("Captured stdout teardown"): all CI keeps of a failure
        print(f"page: {wrapped.page.url}\nerrors of the page ({len(wrapped.errors)}):", *wrapped.errors[-20:], sep="\n")
        try:  # a white page: is the app there at all, and is it still connected?
            print("ready state, text length, app, connection status:", wrapped.page.evaluate(PAGE_STATE))
        except Exception as problem:
            print("the page's state could not be read:", problem)
        for url, log in SERVER_LOGS.items():
            if wrapped.page.url.startswith(url):
                print(f"the end of its server's log ({log}):", *log.read_text().splitlines()[-40:], sep="\n")
    context.close()


# --- the map -----------------------------------------------------------------------------------------


def map_frame(page: Any, timeout_ms: float = 60_000) -> Any:
    """The frame of the streamlit-folium map, once its Leaflet map exists.

    Parameters
    ----------
    page : playwright.sync_api.Page
        A page showing a Streamlit app with one ``st_folium`` map (the first one is taken).
    timeout_ms : float
        How long to wait for the iframe and for Leaflet's container in it.

    Returns
    -------
    playwright.sync_api.Frame
    """
    iframe = page.wait_for_selector("iframe[title^='streamlit_folium']", timeout=timeout_ms)
    frame = iframe.content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=timeout_ms)
    return frame


def drawn_features(frame: Any, minimum: int = 1, *, timeout_ms: float = 60_000, **at_least: int) -> dict[str, int]:
    """Count the Leaflet features drawn in ``frame``, after waiting until enough of them are.

    Parameters
    ----------
    frame : playwright.sync_api.Frame
        The map's frame (:func:`map_frame`).
    minimum : int
        Paths (polygons, lines, circle markers) to wait for; same as ``paths=``.
    timeout_ms : float
        How long to wait.
    **at_least : int
        Per kind of :data:`FEATURES` (``paths``, ``markers``, ``clusters``), how many to wait for.

    Returns
    -------
    dict of str to int
        Counts per kind of :data:`FEATURES`, plus ``clustered``: the markers inside the cluster
        bubbles (the sum of their numbers).
    """
    wanted = {"paths": minimum, **at_least}
    frame.wait_for_function(
        """([selectors, wanted]) => Object.entries(wanted).every(
               ([kind, n]) => document.querySelectorAll(selectors[kind]).length >= n)""",
        arg=[FEATURES, wanted],
        timeout=timeout_ms,
    )
    return frame.evaluate(
        """(selectors) => {
            const counts = {};
            for (const [kind, selector] of Object.entries(selectors)) {
                counts[kind] = document.querySelectorAll(selector).length;
            }
            counts.clustered = [...document.querySelectorAll('.marker-cluster span')]
                .reduce((sum, span) => sum + Number(span.textContent), 0);
            return counts;
        }""",
        FEATURES,
    )


def leaflet_paths(frame: Any, minimum: int = 1, timeout_ms: float = 60_000) -> dict[str, int]:
    """Vector features (polygons, lines, circles) on the map by Leaflet's own count, for maps drawn
    on a canvas (``preferCanvas``), where features leave no SVG elements to count; also how many
    canvas pixels are painted, to show the canvas is not blank."""
    script = """() => {
        const map = Object.values(window).find(v => v instanceof L.Map);
        if (!map) return {paths: 0, painted: 0};
        let paths = 0;
        map.eachLayer(layer => { if (layer instanceof L.Path) paths += 1; });
        let painted = 0;
        for (const canvas of document.querySelectorAll('.leaflet-overlay-pane canvas')) {
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < data.length; i += 4 * 16) if (data[i] > 0) painted += 1;
        }
        return {paths, painted};
    }"""
    frame.wait_for_function(f"({script})().paths >= {minimum}", timeout=timeout_ms)
    return frame.evaluate(script)


def settled_map_frame(page: Any, timeout_ms: float = 60_000) -> Any:
    """The map's frame once the app has stopped rerunning (a map that reports its view to the
    server is drawn, reruns once with that view, and is drawn again)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)
        try:
            frame = map_frame(page, timeout_ms=timeout_ms)
            frame.wait_for_function("() => Object.values(window).some(v => v instanceof L.Map)", timeout=timeout_ms)
            page.wait_for_function(
                "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
            )
            if not frame.is_detached():
                return frame
        except Exception:
            if time.monotonic() > deadline:
                raise


@pytest.fixture
def app_env(built_store, settings) -> dict[str, str]:
    """The environment of a server on the embedded data built for the tests."""
    return {
        "GREAT_RETURN_STORE_PATH": str(built_store.path),
        "GREAT_RETURN_BOUNDARIES_FILE": str(settings.boundaries_file),
    }


@pytest.fixture
def app_url(start_app, app_env) -> str:
    """A running dashboard on the embedded data built for the tests."""
    return start_app(env=app_env)


def sign_in(page: Any, username: str, language: str = "az", password: str | None = None) -> None:
    """Sign in with the sidebar's box as one of the tests' accounts (tests/conftest.py), in the
    page's language, and wait until the box says who is signed in."""
    from lib.i18n import Translator
    from tests.conftest import TEST_PASSWORD

    t = Translator(language)
    sidebar = page.get_by_test_id("stSidebar")
    field = sidebar.get_by_label(t("sign_in.username"))
    click_until_shown(sidebar.get_by_text(t("sign_in.title"), exact=True).first, field)
    field.fill(username)
    sidebar.get_by_label(t("sign_in.password"), exact=True).fill(password or TEST_PASSWORD)
    sidebar.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    sidebar.get_by_role("button", name=t("sign_in.sign_out")).wait_for(timeout=60_000)


def sign_out(page: Any, language: str = "az") -> None:
    """Sign out with the sidebar's button and wait for the sign-in box."""
    from lib.i18n import Translator

    t = Translator(language)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name=t("sign_in.sign_out")).click()
    sidebar.get_by_text(t("sign_in.title"), exact=True).first.wait_for()


def click_until_shown(target: Any, shown: Any, attempts: int = 3) -> None:
    """Click ``target`` (a locator) until ``shown`` (another) appears, clicking again when it did
    not: a click while the page redraws is lost, as a user clicking again would find."""
    for attempt in range(attempts):
        target.click()
        try:
            shown.wait_for(timeout=5000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise


def choose(opener: Any, option: Any) -> None:
    """Open a list (``opener``: the locator of a select box or combo box) and click ``option`` (a
    locator of its entries), opening it again when it did not open."""
    click_until_shown(opener, option)
    option.click()


def signed_in_browser(page: Any, base_url: str, username: str) -> None:
    """Give the browser the cookie a sign-in leaves (lib.sign_in.COOKIE), as if ``username`` (one
    of the tests' accounts) had signed in earlier: every page it opens is then theirs."""
    from lib import accounts
    from lib.sign_in import COOKIE

    page.context.add_cookies([{"name": COOKIE, "value": accounts.issue_token(username), "url": base_url}])
