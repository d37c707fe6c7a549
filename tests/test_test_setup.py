"""The suite gets the district boundaries as the app does, and says exactly what to do without them.

Each test runs one boundaries test in a fresh pytest, without ``GREAT_RETURN_BOUNDARIES_FILE``, with
its own cache folder and a download URL on this machine (a stand-in server, or a closed port).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lib.config import PROJECT_ROOT

NEEDS_BOUNDARIES = "tests/test_boundaries.py::test_all_79_features_match_a_district_code_exactly"
CLOSED_PORT_URL = "http://127.0.0.1:9/geoBoundaries-AZE-ADM2_simplified.geojson"  # refused at once


def _pytest(tmp_path: Path, url: str, *, ci: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"GREAT_RETURN_BOUNDARIES_FILE", "CI"}}
    env.update(
        GREAT_RETURN_BOUNDARIES_URL=url,
        GREAT_RETURN_CACHE_DIR=str(tmp_path / "cache"),
        GREAT_RETURN_CONFIG=str(tmp_path / "absent.toml"),
    )
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", NEEDS_BOUNDARIES, "-q", "-rs", "-p", "no:cacheprovider"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_without_the_setting_the_boundaries_are_downloaded_into_the_cache_folder(tmp_path, boundaries_server):
    url, requests = boundaries_server
    run = _pytest(tmp_path, url, ci=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    assert requests == [f"/{Path(url).name}"]
    assert (tmp_path / "cache" / "geoboundaries" / Path(url).name).is_file()


def test_without_boundaries_the_tests_that_need_them_are_skipped_saying_what_to_do(tmp_path):
    run = _pytest(tmp_path, CLOSED_PORT_URL, ci=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout
    assert "Could not download" in run.stdout and "Set GREAT_RETURN_BOUNDARIES_FILE" in run.stdout


def test_under_ci_missing_boundaries_stop_the_run_naming_the_setting(tmp_path):
    run = _pytest(tmp_path, CLOSED_PORT_URL, ci=True)
    assert run.returncode == 4, run.stdout + run.stderr  # pytest's usage error: no test ran
    assert "Set GREAT_RETURN_BOUNDARIES_FILE" in run.stderr and "CI=true" in run.stderr
    assert "skipped" not in run.stdout


def test_a_missing_tool_skips_saying_why_and_fails_the_run_under_ci(monkeypatch):
    from tests import availability

    monkeypatch.setattr(availability, "CI", False)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        availability.unavailable("chromium is not installed")
    with pytest.raises(pytest.skip.Exception, match="no_such_module is missing"):
        availability.require_module("no_such_module", "no_such_module is missing")
    monkeypatch.setattr(availability, "CI", True)
    with pytest.raises(pytest.fail.Exception, match=r"chromium is not installed .*CI=true"):
        availability.unavailable("chromium is not installed")
    assert availability.require_module("json", "json is missing").dumps([]) == "[]"
