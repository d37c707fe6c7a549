"""A ``streamlit run`` server for one measurement, and its peak memory read from ``/proc``.

Every (scale, page) pair gets a server of its own, so that "cold" really means a fresh process with
empty ``st.cache_data`` caches, and so that the peak memory read at the end belongs to that page.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.data import OUT_DIR, PROJECT_ROOT

NAIVE_APP = PROJECT_ROOT / "benchmarks" / "naive_app.py"
# The naive app runs from a copy here: Streamlit serves the static/ folder beside the main script,
# and the naive app fills that folder with Leaflet; inside benchmarks/out/ it stays git-ignored.
NAIVE_RUN_DIR = OUT_DIR / "naive"
LOG_DIR = OUT_DIR / "logs"


def free_port() -> int:
    """A localhost port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout_s: float) -> None:
    """Wait until the streamlit server at ``url`` answers its health check (also for the browser tests).

    Raises
    ------
    RuntimeError
        When the server process exits first.
    TimeoutError
        When it does not answer within ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        try:  # the pause between polls, cut short if streamlit dies
            process.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"streamlit exited with code {process.returncode}")
    raise TimeoutError(f"streamlit did not answer {url}/_stcore/health within {timeout_s} s")


def _proc_status_kb(pid: int, key: str) -> int | None:
    """A ``kB`` field of ``/proc/PID/status`` (e.g. ``VmHWM``, the peak resident set size)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def naive_app_path() -> Path:
    """The copy of :data:`NAIVE_APP` that the benchmark runs (refreshed each time)."""
    NAIVE_RUN_DIR.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(NAIVE_APP, NAIVE_RUN_DIR / NAIVE_APP.name))


class StreamlitServer:
    """``python -m streamlit run APP`` on a free localhost port, from the project root.

    Run from the project root so that ``.streamlit/config.toml`` (static file serving) applies and
    ``lib`` imports. Use as a context manager; the server is stopped on exit.

    Parameters
    ----------
    app : the main script.
    env : added to this process's environment (the store path, the boundaries file).
    name : names the log file in ``benchmarks/out/logs/``.
    start_timeout_s : how long to wait for ``/_stcore/health``.
    """

    def __init__(self, app: Path, env: dict[str, str], name: str, start_timeout_s: float = 60):
        self.app = Path(app)
        self.env = env
        self.start_timeout_s = start_timeout_s
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{name}.log"
        self.process: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> StreamlitServer:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(self.app), "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                cwd=PROJECT_ROOT,
                env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so stop() ends it and nothing else
            )  # fmt: skip
        try:
            self._wait_healthy()
        except Exception:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_healthy(self) -> None:
        try:
            wait_healthy(self.url, self.process, self.start_timeout_s)
        except (RuntimeError, TimeoutError) as problem:
            raise type(problem)(f"{problem}: {self.log_tail()}") from None

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def peak_rss_mb(self) -> float | None:
        """Peak resident memory of the server so far (``VmHWM``), in MB (10^6 bytes)."""
        kb = _proc_status_kb(self.pid, "VmHWM") if self.pid else None
        return kb * 1024 / 1e6 if kb is not None else None

    def rss_mb(self) -> float | None:
        """Resident memory of the server now (``VmRSS``), in MB."""
        kb = _proc_status_kb(self.pid, "VmRSS") if self.pid else None
        return kb * 1024 / 1e6 if kb is not None else None

    def stop(self) -> None:
        """Terminate the server's process group, killing it if it has not exited within 10 s."""
        if not self.process or self.process.poll() is not None:
            return
        for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait_s)
                return
            except subprocess.TimeoutExpired:
                continue
