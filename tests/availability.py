"""What a test needs from this machine, and what happens when this machine lacks it.

A test that cannot run here is skipped with a reason that says what to do. Under ``CI=true`` the
same lack fails the run instead: a CI run passes only when every test ran.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest

NO_GDAL_UTILS = (
    "GDAL's GeoPackage validator is not installed (make test installs it: pip install --no-deps gdal-utils==3.13.3.0)"
)
CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Skip the running test for ``reason``, or fail it under ``CI=true``."""
    if CI:
        pytest.fail(f"{reason} [CI=true, so this fails instead of skipping]", pytrace=False)
    pytest.skip(reason)


def require_module(name: str, reason: str) -> ModuleType:
    """Import ``name``, or call :func:`unavailable` with ``reason`` when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        unavailable(reason)
