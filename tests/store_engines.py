"""The store engines the contract suite runs on, and a writer for another process."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ENGINES = ["geopackage", "postgis"]


def make_store(engine: str, request, tmp_path: Path):
    """An empty store of ``engine``: a GeoPackage in ``tmp_path`` or a fresh PostGIS database
    (the ``postgis_url`` fixture, which skips or fails under CI when no server can run)."""
    if engine == "geopackage":
        from lib.store_gpkg import GeoPackageStore

        return GeoPackageStore(tmp_path / "store.gpkg")
    from lib.store_postgis import PostGISStore

    store = PostGISStore(request.getfixturevalue("postgis_url"))
    store.migrate()
    return store


def location(store) -> tuple[str, str]:
    """What another process needs to open the same store."""
    if store.engine == "geopackage":
        return store.engine, str(store.path)
    return store.engine, store.url


def open_at(engine: str, where: str):
    if engine == "geopackage":
        from lib.store_gpkg import GeoPackageStore

        return GeoPackageStore(where)
    from lib.store_postgis import PostGISStore

    return PostGISStore(where)


def write_from_process(engine: str, where: str, name: str, expected_version: int, start, results) -> None:
    """Write the tiny housing layer with one extra house ``h-<name>`` from version
    ``expected_version``, once every writer is ready; put (name, new version or "conflict")."""
    from lib.store import ConflictError
    from tests.fixtures import tiny_layers

    store = open_at(engine, where)
    housing = tiny_layers()["housing"]
    frame = pd.concat([housing, housing.iloc[[0]].assign(house_id=f"h-{name}")], ignore_index=True)
    start.wait()
    try:
        results.put((name, store.write_layers({"housing": frame}, note=name, expected_version=expected_version)))
    except ConflictError:
        results.put((name, "conflict"))
