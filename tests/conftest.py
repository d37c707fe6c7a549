"""Shared fixtures: the real curated records, the demonstration layers built from them, a store.

No test reaches the internet: the district boundaries come from the local copy named by
GREAT_RETURN_BOUNDARIES_FILE (CI points it at ../shared/data; so does this file by default).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_BOUNDARIES = PROJECT_ROOT.parent / "shared" / "data" / "geoBoundaries-AZE-ADM2.geojson"

os.environ.setdefault("GREAT_RETURN_BOUNDARIES_FILE", str(SHARED_BOUNDARIES))
# The app under test must never write into the working tree's store.
os.environ.setdefault("GREAT_RETURN_STORE_PATH", str(PROJECT_ROOT / "test-artifacts" / "store" / "great_return.gpkg"))


def boundaries_file() -> Path:
    return Path(os.environ["GREAT_RETURN_BOUNDARIES_FILE"])


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    from lib.config import Settings

    if not boundaries_file().is_file():
        pytest.skip(f"district boundaries not found at {boundaries_file()} (set GREAT_RETURN_BOUNDARIES_FILE)")
    return Settings(
        boundaries_file=boundaries_file(),
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
