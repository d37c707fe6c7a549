"""Lint and format are part of the suite, so style drift fails like any other test."""

import shutil
import subprocess
import sys

import pytest

from lib.config import PROJECT_ROOT


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"])
def test_ruff_finds_nothing(command):
    if shutil.which("ruff", path=str(PROJECT_ROOT / ".venv" / "bin")) is None and shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (it comes with requirements-dev.txt)")
    result = subprocess.run([sys.executable, "-m", "ruff", *command], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
