"""How fast a coordinator's large file is read, checked and previewed, and how fast it is committed.

Issue 10 asks that a 100,000-row CSV or a 10,000-polygon GeoJSON "validates and previews in
seconds". Two files are generated (seeded, from the 100x store's own settlements, districts and
hazard areas), then each is imported into a copy of the 100x store through the import engine
(:func:`lib.importing.prepare_import` then :func:`lib.importing.commit_import`), as the import page
and ``python -m lib.cli import --commit`` do:

1. ``returns``: 100,000 convoys as Excel writes a CSV in Azerbaijan or Russia: ``;`` separated,
   dates ``dd.mm.yyyy``, CRLF line ends, UTF-8 with a BOM (``--encoding cp1251`` for the Windows
   code page); columns ``event_id;date;settlement_id;families;persons``, each convoy to a real
   settlement on a day between the start of its resettlement and the data's last day.
2. ``hazard_areas``: 10,000 polygons as GeoJSON with every field of the layer's schema; each an
   irregular octagon of the size of a hazard area of the store, lying wholly inside its district,
   with the attributes (kind, status, lifecycle dates, released share) of one of the store's hazard
   areas, its area in hectares measured on the polygon.

Each import runs in a child process of its own, so that its peak memory (``getrusage``) is its own.
Stages are timed inside one ``prepare_import`` call by wrapping the engine's reader, checker and
store context: ``read`` (bytes to a table), ``check`` (the schema and the store's references;
with reading the store's districts and settlements for it), ``plan`` (the rest of the preview:
reading the layer at the store's version and comparing it row by row) and ``commit`` (one new
store version). The target is judged on read + check (``validates``) and on the whole of
``prepare_import`` (``previews``), each ≤ :data:`TARGET_S` seconds.

The original store is never written: the files are imported into a copy, deleted afterwards.
``python -m benchmarks.import_speed --source benchmarks/out/great_return_x100_seed1.gpkg`` runs it
alone; ``python -m benchmarks.run --only import_speed`` runs it as part of the benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from lib.schema import DEMO_SOURCE_PREFIX, LAYERS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 10.0  # "validates and previews in seconds"
CSV_ROWS = 100_000
POLYGONS = 10_000
METRIC_CRS = "EPSG:32638"  # UTM 38N: the return areas lie in it, so areas in m² are near true
CSV_COLUMNS = ("event_id", "date", "settlement_id", "families", "persons")
# Each case: its layer, the file's name, and how it is generated.
CASES = {
    "returns": "benchmark_convoys.csv",
    "hazard_areas": "benchmark_hazard_areas.geojson",
}


# --- the files ----------------------------------------------------------------------------------


def convoys_csv(
    settlements: pd.DataFrame, data_date: date, rows: int = CSV_ROWS, seed: int = 1, encoding: str = "utf-8-sig"
) -> bytes:
    """``rows`` convoys to the settlements that have begun resettling, as Excel saves a CSV.

    Each convoy goes to one of those settlements on a day from its ``resettling_date`` to
    ``data_date``; 1–40 families of 2–6 persons each. Ids ``bench-convoy-000001``... are new to the store.
    """
    rng = np.random.default_rng(seed)
    open_ = settlements[settlements["resettling_date"].notna()]
    if open_.empty:
        raise ValueError("no settlement has begun resettling: no convoy can be generated")
    chosen = rng.integers(0, len(open_), rows)
    first = open_["resettling_date"].to_numpy().astype("datetime64[D]")[chosen]
    last = np.datetime64(data_date, "D")
    span = np.maximum((last - first).astype(int), 0)
    days = first + (rng.random(rows) * (span + 1)).astype(int).astype("timedelta64[D]")
    families = rng.integers(1, 41, rows)
    persons = families * rng.integers(2, 7, rows)
    frame = pd.DataFrame(
        {
            "event_id": [f"bench-convoy-{i:06d}" for i in range(1, rows + 1)],
            "date": pd.to_datetime(days).strftime("%d.%m.%Y"),
            "settlement_id": open_["settlement_id"].to_numpy()[chosen],
            "families": families,
            "persons": persons,
        },
        columns=list(CSV_COLUMNS),
    )
    text = frame.to_csv(sep=";", index=False, lineterminator="\r\n")
    return text.encode(encoding)


def _points_in(polygon, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` points (x, y) uniformly inside ``polygon``, by rejection from its bounding box."""
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    found = np.empty((0, 2))
    while len(found) < count:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(max(64, 2 * (count - len(found))), 2))
        found = np.vstack([found, xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])]])
    return found[:count]


def _octagons(centres: np.ndarray, hectares: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An irregular octagon around each centre (lon, lat) of about ``hectares`` each."""
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False) + rng.uniform(0, np.pi / 4, (len(centres), 1))
    radii = rng.uniform(0.7, 1.0, (len(centres), 8)) * np.sqrt(hectares * 1e4 / np.pi)[:, None] / 0.93
    lat = np.radians(centres[:, 1])[:, None]
    dx = radii * np.cos(angles) / (111_320 * np.cos(lat))
    dy = radii * np.sin(angles) / 110_574
    rings = np.stack([centres[:, :1] + dx, centres[:, 1:] + dy], axis=-1)
    rings = np.concatenate([rings, rings[:, :1]], axis=1)  # closed
    return shapely.polygons(np.round(rings, 6))


def hazard_areas_frame(
    districts: gpd.GeoDataFrame, hazards: pd.DataFrame, count: int = POLYGONS, seed: int = 1
) -> gpd.GeoDataFrame:
    """``count`` new hazard areas, each inside its district with the attributes of one of ``hazards``.

    The attributes (district, kind, status, device category, release method, items found, the
    lifecycle's dates and the released share) are those of a hazard area of the store drawn at
    random, so every combination is one the store holds; the polygon is new, ``area_ha`` is its
    area and ``released_ha`` the same share of it as in the drawn record.
    """
    rng = np.random.default_rng(seed)
    spec = LAYERS["hazard_areas"]
    sample = hazards.iloc[rng.integers(0, len(hazards), count)].reset_index(drop=True)
    shapes = districts.set_index("district_id").geometry
    geometries = np.empty(count, dtype=object)
    for district, rows in sample.groupby("district_id").groups.items():
        rows = np.asarray(rows)
        polygon = shapes[district]
        todo = rows
        while len(todo):  # a polygon that crosses the district's edge is drawn again elsewhere
            drawn = _octagons(_points_in(polygon, len(todo), rng), sample.loc[todo, "area_ha"].to_numpy(), rng)
            inside = shapely.within(drawn, polygon)
            geometries[todo[inside]] = drawn[inside]
            todo = todo[~inside]
    frame = gpd.GeoDataFrame(sample, geometry=list(geometries), crs="EPSG:4326")
    share = (sample["released_ha"] / sample["area_ha"].where(sample["area_ha"] > 0)).fillna(0).clip(0, 1)
    frame["area_ha"] = (frame.geometry.to_crs(METRIC_CRS).area / 1e4).round(2)
    frame["released_ha"] = (frame["area_ha"] * share).round(2).clip(upper=frame["area_ha"])
    frame["hazard_id"] = [f"bench-hazard-{i:06d}" for i in range(1, count + 1)]
    frame["source"] = f"{DEMO_SOURCE_PREFIX}: benchmark import"
    return frame[[*spec.field_names, "geometry"]]


def hazard_geojson(frame: gpd.GeoDataFrame) -> bytes:
    """The frame as a GeoJSON FeatureCollection, days as ISO dates, empty fields as null."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out.to_json(drop_id=True, ensure_ascii=False, na="null").encode("utf-8")


def generate(store, seed: int = 1, rows: int = CSV_ROWS, polygons: int = POLYGONS, encoding: str = "utf-8-sig"):
    """Both files from the store's settlements, districts and hazard areas: {layer: bytes}."""
    data_date = date.fromisoformat(store.metadata()["data_date"])
    settlements = store.read_layer("settlements", geometry=False)
    districts = store.read_layer("districts")
    hazards = store.read_layer("hazard_areas", geometry=False)
    return {
        "returns": convoys_csv(settlements, data_date, rows, seed, encoding),
        "hazard_areas": hazard_geojson(hazard_areas_frame(districts, hazards, polygons, seed)),
    }


# --- one import, timed (in a child process) -------------------------------------------------------


@contextmanager
def _timed_stages(timings: dict[str, float]):
    """Time the import engine's reader, checker and store context inside ``prepare_import``."""
    from lib import importing

    names = {"read_import": "read", "check_table": "check", "store_context": "context"}
    originals = {attribute: getattr(importing, attribute) for attribute in names}

    def timed(attribute):
        def call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return originals[attribute](*args, **kwargs)
            finally:
                timings[names[attribute]] = timings.get(names[attribute], 0.0) + time.perf_counter() - started

        return call

    try:
        for attribute in names:
            setattr(importing, attribute, timed(attribute))
        yield
    finally:
        for attribute, original in originals.items():
            setattr(importing, attribute, original)


def measure(store, layer: str, data: bytes, name: str) -> dict:
    """Prepare (read, check, plan) and commit one file into ``store``; seconds of each stage."""
    from lib.import_read import ReadOptions
    from lib.importing import commit_import, prepare_import

    timings: dict[str, float] = {}
    started = time.perf_counter()
    with _timed_stages(timings):
        preview = prepare_import(store, layer, data, name, options=ReadOptions(), mode="upsert")
    prepare_s = time.perf_counter() - started
    table = preview.file.table
    result = {
        "layer": layer,
        "file": name,
        "bytes": len(data),
        "rows": None if table is None else len(table.frame),
        "detected": None
        if table is None
        else {
            "format": preview.file.detected.format,
            "encoding": preview.file.detected.encoding,
            "separator": preview.file.detected.separator,
        },  # fmt: skip
        "read_s": round(timings.get("read", 0.0), 3),
        # the checks need the store's districts and settlements: reading them is part of checking
        "check_s": round(timings.get("check", 0.0) + timings.get("context", 0.0), 3),
        "preview_s": round(prepare_s, 3),
        "plan_s": round(prepare_s - sum(timings.values()), 3),
        "problems": len(preview.problems),
        "first_problems": [
            f"{p.code}: row {getattr(p, 'row', None)} {getattr(p, 'field', None)}" for p in preview.problems[:5]
        ],  # fmt: skip
        "counts": preview.counts(),
    }
    if preview.is_valid:
        began = time.perf_counter()
        result["version"] = commit_import(store, preview, author="benchmark", note=f"benchmark import of {name}")
        result["commit_s"] = round(time.perf_counter() - began, 3)
    else:
        result["commit_s"] = None
    result["validate_s"] = round(result["read_s"] + result["check_s"], 3)
    result["rows_per_s"] = (
        round(result["rows"] / result["preview_s"]) if result["rows"] and result["preview_s"] else None
    )
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def _child(args: argparse.Namespace) -> int:
    from lib.store_gpkg import GeoPackageStore

    store = GeoPackageStore(Path(args.store))
    path = Path(args.file)
    print(json.dumps(measure(store, args.layer, path.read_bytes(), path.name)), flush=True)
    return 0


# --- the whole benchmark --------------------------------------------------------------------------


def run(source: Path, *, seed: int = 1, encoding: str = "utf-8-sig", work_dir: Path | None = None,
        rows: int = CSV_ROWS, polygons: int = POLYGONS, timeout_s: float = 600, log=None) -> dict:  # fmt: skip
    """Generate both files and import each into a copy of ``source`` (never written), each in a
    child process. Returns ``{"source", "seed", "generate_s", "cases": [result of measure, ...]}``."""
    from lib.store_gpkg import GeoPackageStore

    log = log or (lambda message: print(message, flush=True))
    if not source.exists():
        raise FileNotFoundError(
            f"{source} is missing: build it first (python -m lib.cli build-demo --scale 100 --seed {seed} --out {source})"
        )
    with tempfile.TemporaryDirectory(dir=work_dir) as folder:
        copy = Path(folder) / "store.gpkg"
        shutil.copyfile(source, copy)
        started = time.perf_counter()
        files = generate(GeoPackageStore(copy), seed, rows, polygons, encoding)
        generate_s = time.perf_counter() - started
        log(f"  generated {len(files)} files in {generate_s:.1f} s")
        cases = []
        for layer, data in files.items():
            path = Path(folder) / CASES[layer]
            path.write_bytes(data)
            command = [sys.executable, "-m", "benchmarks.import_speed", "--store", str(copy), "--layer", layer,
                       "--file", str(path)]  # fmt: skip
            began = time.perf_counter()
            try:
                done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout_s,
                                      env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})  # fmt: skip
                lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
                if done.returncode or not lines:
                    last = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
                    result = {"layer": layer, "file": path.name, "bytes": len(data), "failure": last[:400]}
                else:
                    result = json.loads(lines[-1])
            except subprocess.TimeoutExpired:
                result = {
                    "layer": layer,
                    "file": path.name,
                    "bytes": len(data),
                    "failure": f"timeout > {timeout_s:g} s",
                }
            result["wall_s"] = round(time.perf_counter() - began, 1)
            cases.append(result)
            log(f"  {summary(result)}")
        for leftover in Path(folder).glob("*.lock"):
            leftover.unlink(missing_ok=True)
    return {"source": str(source), "seed": seed, "encoding": encoding, "generate_s": round(generate_s, 1),
            "target_s": TARGET_S, "cases": cases}  # fmt: skip


def summary(result: dict) -> str:
    """One line: the file and its figures, or why it failed."""
    head = f"{result['layer']:<13}{result['file']} ({result['bytes'] / 1e6:.1f} MB)"
    if result.get("failure"):
        return f"{head}: failed: {result['failure']}"
    commit = "–" if result.get("commit_s") is None else f"{result['commit_s']:.1f}"
    return (
        f"{head}: {result['rows']:,} rows; read {result['read_s']:.1f} s, check {result['check_s']:.1f} s, "
        f"preview {result['preview_s']:.1f} s, commit {commit} s; {result['problems']} problems; "
        f"peak RSS {result['peak_rss_mb']:.0f} MB ({result['wall_s']:.0f} s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.import_speed", description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, help="the 100x store to copy (never written)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated files (default 1)")
    parser.add_argument("--encoding", default="utf-8-sig", help="the CSV's encoding: utf-8-sig (default) or cp1251")
    parser.add_argument("--store", help=argparse.SUPPRESS)  # child: a copy of the store to import into
    parser.add_argument("--layer", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.store:
        return _child(args)
    if not args.source:
        parser.error("--source is required")
    result = run(args.source, seed=args.seed, encoding=args.encoding)
    from benchmarks import report

    print(report.import_speed_table(result))
    print(report.targets_text(report.import_speed_targets(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
