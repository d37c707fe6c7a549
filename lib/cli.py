"""Command line: ``python -m lib.cli build-demo | schema-doc``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from lib.boundaries import BoundariesUnavailable
from lib.config import GEODATA_DIR, get_settings
from lib.store import InvalidDataError


def _progress(message: str, share: float) -> None:
    print(f"[{share:4.0%}] {message}", flush=True)


def build_demo_command(args) -> int:
    from lib.build import build_store

    settings = get_settings()
    path = Path(args.out) if args.out else settings.store_path
    if args.if_missing and path.exists():
        print(f"{path} exists; keeping it (delete it or run without --if-missing to rebuild).")
        return 0
    started = time.perf_counter()
    try:
        store = build_store(settings, seed=args.seed, scale=args.scale, progress=_progress, store_path=path)
    except BoundariesUnavailable as error:
        print(f"Cannot build the data: {error}", file=sys.stderr)
        return 2
    except InvalidDataError as error:
        print(f"The generated data failed validation (a bug): {error}", file=sys.stderr)
        return 3
    size_mb = store.path.stat().st_size / 1e6
    print(
        f"Wrote {store.path} ({size_mb:.1f} MB) in {time.perf_counter() - started:.1f} s, "
        f"data version {store.data_version()}"
    )
    return 0


def schema_doc_command(args) -> int:
    from lib.schema import schema_markdown

    Path(args.out).write_text(schema_markdown() + "\n", encoding="utf-8")
    print(f"Wrote {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build-demo", help="build the embedded data (real records + demonstration data)")
    build.add_argument("--seed", type=int, default=None, help="random seed (default: setting demo_seed)")
    build.add_argument("--scale", type=float, default=None, help="volume multiplier (default: setting demo_scale)")
    build.add_argument("--out", default=None, help="GeoPackage to write (default: setting store_path)")
    build.add_argument("--if-missing", action="store_true", help="do nothing when the GeoPackage exists")
    build.set_defaults(run=build_demo_command)
    doc = commands.add_parser("schema-doc", help="write the layer documentation generated from lib/schema.py")
    doc.add_argument("--out", default=str(GEODATA_DIR / "SCHEMA.md"))
    doc.set_defaults(run=schema_doc_command)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
