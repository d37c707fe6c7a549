"""The demonstration data at each scale, built with the project's own CLI and cached.

Each GeoPackage is built by ``python -m lib.cli build-demo`` in a child process, exactly as a
developer would, so the build time measured here is the one they would see. Built files are kept
in ``benchmarks/out/`` (git-ignored) keyed by scale and seed, next to a small JSON file recording
how long the build took and a fingerprint of the generator's source code: a later run reuses the
file (and reports the recorded build time) unless the generator changed since, because data from
an older generator may no longer be what the pages expect.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = PROJECT_ROOT / "benchmarks" / "out"
BOUNDARIES_ENV = "GREAT_RETURN_BOUNDARIES_FILE"

# The code whose changes change the data: the generator, the build, the schema and the curated records.
_GENERATOR_SOURCES = ("lib/demo", "lib/build.py", "lib/schema.py", "lib/facts.py", "lib/boundaries.py", "geodata")


@dataclass
class BuiltData:
    """One scale's GeoPackage and how it was built.

    Attributes
    ----------
    scale, seed : the generator's arguments.
    path : the GeoPackage.
    build_s : wall-clock seconds of ``lib.cli build-demo`` (recorded when the file was built).
    size_mb : the file's size.
    cached : True when this run reused a file built by an earlier run.
    peak_rss_mb : peak resident memory of the build process (from ``getrusage``), when known.
    """

    scale: float
    seed: int
    path: Path
    build_s: float
    size_mb: float
    cached: bool
    peak_rss_mb: float | None = None

    def as_json(self) -> dict:
        return {**asdict(self), "path": str(self.path)}


def boundaries_env() -> dict[str, str]:
    """The boundaries file as the app obtains it, named by ``GREAT_RETURN_BOUNDARIES_FILE``.

    The configured local copy, else the cached download (fetched here, once, before anything is
    measured). Set explicitly for every child process so that nothing is downloaded during a benchmark.
    """
    from lib.boundaries import BoundariesUnavailable, boundaries_path
    from lib.config import Settings

    try:
        path = boundaries_path(Settings())
    except BoundariesUnavailable as problem:
        raise SystemExit(str(problem)) from None
    return {BOUNDARIES_ENV: str(path.resolve())}


def generator_fingerprint() -> str:
    """A short hash of every file the generated data depends on (see :data:`_GENERATOR_SOURCES`)."""
    digest = hashlib.sha256()
    for name in _GENERATOR_SOURCES:
        root = PROJECT_ROOT / name
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for file in files:
            if (
                file.is_file()
                and file.suffix in {".py", ".csv", ".json", ".geojson"}
                and "__pycache__" not in file.parts
            ):
                digest.update(file.relative_to(PROJECT_ROOT).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def _label(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


def data_path(scale: float, seed: int) -> Path:
    """Where the GeoPackage of this scale and seed is cached."""
    return OUT_DIR / f"great_return_x{_label(scale)}_seed{seed}.gpkg"


def ensure_data(scale: float, seed: int, *, rebuild: bool = False, log=print) -> BuiltData:
    """The GeoPackage of ``scale`` and ``seed``, built with the project's CLI unless a fresh copy is cached.

    Parameters
    ----------
    scale, seed : passed to ``lib.cli build-demo``.
    rebuild : build even when a cached copy exists.
    log : where progress lines go.

    Raises
    ------
    RuntimeError
        When the build fails; the message holds the end of its output.
    """
    path = data_path(scale, seed)
    record_path = path.with_suffix(".build.json")
    fingerprint = generator_fingerprint()
    if path.is_file() and record_path.is_file() and not rebuild:
        record = json.loads(record_path.read_text())
        if record.get("fingerprint") == fingerprint:
            log(f"  data x{scale:g}: reusing {path.relative_to(PROJECT_ROOT)} (built in {record['build_s']:.1f} s)")
            return BuiltData(
                scale, seed, path, record["build_s"], path.stat().st_size / 1e6, True, record.get("peak_rss_mb")
            )
        log(f"  data x{scale:g}: the generator changed since {path.name} was built; rebuilding")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    log(f"  data x{scale:g}: building with lib.cli build-demo --seed {seed} --scale {scale:g} …")
    command = [sys.executable, "-m", "lib.cli", "build-demo", "--seed", str(seed), "--scale", f"{scale:g}"]
    # Write to a temporary name and move into place, so an interrupted build is never mistaken for a cached one.
    partial = path.with_name(f".{path.name}.partial.gpkg")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    child = subprocess.Popen(
        [*command, "--out", str(partial)],
        cwd=PROJECT_ROOT,
        env={**os.environ, **boundaries_env()},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # os.wait4 gives this child's own peak RSS (ru_maxrss, KiB on Linux), not the sum of all children.
    _, status, usage = os.wait4(child.pid, 0)
    build_s = time.perf_counter() - started
    output = child.stdout.read()
    child.stdout.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"build-demo at scale {scale:g} failed (exit {child.returncode}):\n{output[-3000:]}")
    os.replace(partial, path)
    Path(f"{partial}.lock").unlink(missing_ok=True)  # the store's writer lock, left beside the partial file
    peak_rss_mb = usage.ru_maxrss / 1024
    record_path.write_text(
        json.dumps(
            {"scale": scale, "seed": seed, "build_s": round(build_s, 2), "peak_rss_mb": round(peak_rss_mb, 1),
             "fingerprint": fingerprint, "command": " ".join(command + ["--out", str(path)])},
            indent=2,
        )
    )  # fmt: skip
    log(f"  data x{scale:g}: built in {build_s:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")
    return BuiltData(scale, seed, path, build_s, path.stat().st_size / 1e6, False, peak_rss_mb)
