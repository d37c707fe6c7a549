"""Lint and format are part of the suite, so style drift fails like any other test."""

import subprocess
import sys

import pytest

from lib.config import PROJECT_ROOT
from tests.availability import require_module


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"])
def test_ruff_finds_nothing(command):
    require_module("ruff", "ruff is not installed (make test installs it from requirements-dev.txt)")
    result = subprocess.run([sys.executable, "-m", "ruff", *command], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
