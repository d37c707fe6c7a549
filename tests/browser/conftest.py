"""Browser fixtures: the real app under `streamlit run`, Debian's Chromium driven by Playwright.

Never `playwright install`: the tests use /usr/bin/chromium (Debian's package) and skip, saying
why, when it is absent. Every request to a host other than this machine is aborted and recorded,
so a test also proves the page works offline. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = os.environ.get("GREAT_RETURN_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: needs Debian's Chromium (skipped without it)")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"Debian's chromium is not installed at {CHROMIUM} "
                        "(apt-get install chromium; .ci/run does this)"
                    )
                )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)  # polling interval of a bounded wait, not a fixed sleep
    raise TimeoutError(f"streamlit did not become healthy at {url} within {timeout_s} s")


@pytest.fixture(scope="session")
def start_app(tmp_path_factory):
    """Factory: start `streamlit run APP` with extra environment; returns its base URL."""
    processes = []

    def start(app: Path = PROJECT_ROOT / "app.py", env: dict | None = None, timeout_s: float = 120) -> str:
        port = _free_port()
        logs = tmp_path_factory.mktemp("streamlit") / "server.log"
        environment = {**os.environ, **(env or {})}
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(app),
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=logs.open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process, timeout_s)
        except Exception:
            raise RuntimeError(f"{logs.read_text()[-3000:]}") from None
        return url

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OfflinePage:
    """A Playwright page that aborts and records every request leaving this machine."""

    def __init__(self, page):
        self.page = page
        self.blocked: list[str] = []
        page.route("**/*", self._route)

    def _route(self, route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def offline_page(browser, request):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    wrapped = OfflinePage(page)
    yield wrapped
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        wrapped.screenshot(f"FAILED-{request.node.name}")
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def map_frame(page, timeout_ms: int = 60_000):
    """The streamlit-folium iframe's frame, once its Leaflet map exists."""
    iframe = page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=timeout_ms)
    frame = iframe.content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=timeout_ms)
    return frame


def drawn_features(frame, minimum: int = 1, timeout_ms: int = 60_000) -> dict[str, int]:
    """Counts of drawn vector features (SVG paths or canvas-hit paths) and HTML markers."""
    frame.wait_for_function(
        "min => document.querySelectorAll('path.leaflet-interactive').length >= min", arg=minimum, timeout=timeout_ms
    )
    return frame.evaluate(
        """() => ({
            paths: document.querySelectorAll('path.leaflet-interactive').length,
            markers: document.querySelectorAll('.leaflet-marker-icon').length,
            clusters: document.querySelectorAll('.marker-cluster').length,
        })"""
    )
