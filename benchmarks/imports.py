"""Twenty imports into a copy of the 100x store: how much the kept versions cost on disk.

Run as a child process by :mod:`benchmarks.run` (one per engine), so that the layers it holds in
memory go with it::

    python -m benchmarks.imports --gpkg benchmarks/out/size_gpkg.gpkg --imports 20 --share 0.01
    python -m benchmarks.imports --database-url postgresql+psycopg://...  --imports 20 --share 0.01

Each import changes ``--share`` of the rows of every layer with a lifecycle and at least
:data:`MIN_ROWS` rows (at 100x: housing, hazard areas, infrastructure, employment projects,
together about 1.0 million rows, so 1% is about 10,000 rows): the chosen rows move one status on
(a house from ``completed`` to ``allocated``...), with that step dated the import's day. Only the
changed rows are written, as a coordinator's import would, through the store's own
``write_layers(..., mode="upsert")``: one new data version per import. It prints one JSON object:
the store's size before and after, the time of each import and what each changed.

The size is the engine's own: the GeoPackage's file size; for PostGIS the sum of
``pg_total_relation_size`` (rows, indexes, TOAST) of the store's tables, i.e. every table in the
database's ``public`` schema except PostGIS's ``spatial_ref_sys``, and ``pg_database_size`` beside
it. PostgreSQL keeps the rows an import deleted or moved as dead tuples until a ``VACUUM``
(autovacuum does it some time later), so the PostGIS size is read twice: as the imports left it,
and after a plain ``VACUUM`` (which makes that space reusable, and returns trailing free pages).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from lib.schema import LAYERS

# Layers smaller than this are left alone: 1% of 43 settlements is no row.
MIN_ROWS = 1_000


def changing_layers(store) -> list[str]:
    """The layers an import changes: those with a lifecycle and at least :data:`MIN_ROWS` rows."""
    names = []
    for name in store.layer_names():
        spec = LAYERS[name]
        if spec.status_dates and "status" in spec.field_names:
            count = len(store.read_layer(name, columns=[spec.id_field], geometry=False))
            if count >= MIN_ROWS:
                names.append(name)
    return names


def next_status(layer: str, status: pd.Series) -> pd.Series:
    """The status one step on in the layer's lifecycle (the dated steps, in order); a status
    before the first dated step goes to the first; the last step has none (``NA``)."""
    steps = list(LAYERS[layer].status_dates)
    status = pd.Series(status.to_numpy(dtype=object), index=status.index)
    following = status.map(dict(zip(steps[:-1], steps[1:], strict=True)))
    return following.mask(~status.isin(steps), steps[0])


def advance(layer: str, frame: pd.DataFrame, share: float, day: date, rng: np.random.Generator) -> pd.DataFrame:
    """``share`` of the layer's rows (counted on the whole layer), chosen among those not at the
    last step yet, each moved one step on, the new step dated ``day``."""
    spec = LAYERS[layer]
    count = max(1, round(len(frame) * share))
    following = next_status(layer, frame["status"])
    movable = np.flatnonzero(following.notna().to_numpy())
    chosen = rng.choice(movable, size=min(count, len(movable)), replace=False)
    rows = frame.iloc[np.sort(chosen)].copy()
    rows["status"] = following.iloc[np.sort(chosen)].to_numpy()
    stamp = pd.Timestamp(day)
    for status, column in spec.status_dates.items():
        rows.loc[rows["status"] == status, column] = stamp
    return rows


def store_size(store) -> dict:
    """The store's size in bytes as its engine keeps it (see the module's docstring)."""
    if store.engine == "geopackage":
        import sqlite3
        from contextlib import closing

        with closing(sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)) as connection:
            free = connection.execute("PRAGMA freelist_count").fetchone()[0]
            page = connection.execute("PRAGMA page_size").fetchone()[0]
        # pages that deleted rows left empty: the file keeps them for later writes until a VACUUM
        return {"bytes": store.path.stat().st_size, "free_bytes": free * page}
    import sqlalchemy as sa

    with store._engine.connect() as connection:
        tables = connection.exec_driver_sql(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0), count(*) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'spatial_ref_sys'"
        ).one()
        database = connection.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one()
        dead = connection.exec_driver_sql(
            "SELECT coalesce(sum(n_dead_tup), 0), coalesce(sum(n_live_tup), 0) FROM pg_stat_user_tables "
            "WHERE schemaname = 'public' AND relname <> 'spatial_ref_sys'"
        ).one()
    return {
        "bytes": int(tables[0]),
        "tables": int(tables[1]),
        "database_bytes": int(database),
        "dead_tuples": int(dead[0]),
        "live_tuples": int(dead[1]),
    }


def vacuum(store) -> float:
    """A plain ``VACUUM`` of the whole database (PostGIS only); its duration in seconds."""
    started = time.perf_counter()
    with store._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM")
    return time.perf_counter() - started


def open_target(args: argparse.Namespace):
    if args.gpkg:
        from lib.store_gpkg import GeoPackageStore

        return GeoPackageStore(Path(args.gpkg))
    from lib.store_postgis import PostGISStore

    return PostGISStore(args.database_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.imports", description=__doc__.split("\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--gpkg", help="a GeoPackage store to change (a copy: it gets the imports' versions)")
    where.add_argument("--database-url", help="a PostGIS store to change (a copy)")
    parser.add_argument("--imports", type=int, default=20, help="how many imports (default 20)")
    parser.add_argument("--share", type=float, default=0.01, help="share of each layer's rows changed per import")
    parser.add_argument("--seed", type=int, default=1, help="seed of the choice of rows")
    args = parser.parse_args(argv)
    store = open_target(args)
    before_version = store.data_version()
    layers = changing_layers(store)
    started = time.perf_counter()
    frames = {name: store.read_layer(name) for name in layers}
    read_s = time.perf_counter() - started
    # each import's day lies after every day the data holds, so the lifecycle's order stays valid
    data_day = max(
        [date.fromisoformat(store.metadata()["data_date"])]
        + [
            frame[column].max().date()
            for name, frame in frames.items()
            for column in LAYERS[name].status_dates.values()
            if frame[column].notna().any()
        ]
    )
    rows_total = sum(len(frame) for frame in frames.values())
    size_before = store_size(store)
    rng = np.random.default_rng(args.seed)
    imports = []
    for number in range(1, args.imports + 1):
        day = data_day + timedelta(days=number)
        changed = {name: advance(name, frame, args.share, day, rng) for name, frame in frames.items()}
        rows = sum(len(frame) for frame in changed.values())
        began = time.perf_counter()
        version = store.write_layers(
            changed,
            mode="upsert",
            note=f"benchmark import {number}: {rows} rows move one status on, dated {day.isoformat()}",
            author="benchmark",
        )
        seconds = time.perf_counter() - began
        imports.append({"number": number, "version": version, "rows": rows, "seconds": round(seconds, 3)})
        print(f"  import {number}: {rows} rows, version {version}, {seconds:.1f} s", file=sys.stderr, flush=True)
        for name, rows_changed in changed.items():
            frame = frames[name]
            positions = frame.index.get_indexer(rows_changed.index)
            for column in ["status", *LAYERS[name].status_dates.values()]:
                values = frame[column].to_numpy(copy=True)
                values[positions] = rows_changed[column].to_numpy()
                frame[column] = values
    result = {
        "engine": store.engine,
        "layers": layers,
        "rows_in_changed_layers": rows_total,
        "share": args.share,
        "version_before": before_version,
        "version_after": store.data_version(),
        "read_s": round(read_s, 2),
        "before": size_before,
        "after": store_size(store),
        "imports": imports,
    }
    if store.engine == "postgis":
        result["vacuum_s"] = round(vacuum(store), 2)
        result["after_vacuum"] = store_size(store)
        store.dispose()
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
