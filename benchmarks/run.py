"""Benchmark: the dashboard's pages against a naive Folium page at 1x, 10x and 100x the data.

``python -m benchmarks.run`` (``make bench``) builds (or reuses) the demonstration data at each
scale, then for every scale and page starts a fresh ``streamlit run`` server, opens the page in
headless Chromium (cold), opens it again (warm, ``--warm`` times), opens it once more with another
"as of" date (a filter change on a warm server), reads the server's peak memory and stops it. It
prints one markdown table, the issue's targets with whether each is met, and writes
``benchmarks/out/results.md`` and ``benchmarks/out/results.json``. ``benchmarks/README.md`` says
what every figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks import report
from benchmarks.browser import CHROMIUM
from benchmarks.data import OUT_DIR, PROJECT_ROOT, boundaries_env, ensure_data
from benchmarks.server import StreamlitServer, naive_app_path

# Page name -> URL path. The explorer opens on one district (Lachin), as a coordinator would.
PAGES = {
    "overview": "/",
    "explorer": "/explorer?districts=AZ-LAC",
    "profile": "/profile",
    "return_areas": "/return_areas",
    report.NAIVE: "/",
}
# Streamlit refuses a message larger than server.maxMessageSize (200 MB by default).
STREAMLIT_MAX_MESSAGE_BYTES = 200e6
# How far before the data's last day the filter-change load sets "as of".
FILTER_CHANGE_DAYS = 90


def _data_date(gpkg: Path) -> date:
    """The data's last day, from the store's metadata."""
    from lib.store_gpkg import GeoPackageStore

    return date.fromisoformat(GeoPackageStore(gpkg).metadata()["data_date"])


def _with_param(path: str, key: str, value: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{key}={value}"


def _loads(page: str, gpkg: Path, warm: int, filters: int) -> list[str]:
    """The loads of one page, in order: cold, warm..., filter... (our pages only: the naive one has
    none), each filter load another day, 90 days apart, never one the server has seen."""
    path = PAGES[page]
    loads = [f"cold={path}"] + [f"warm{i + 1}={path}" for i in range(warm)]
    if page != report.NAIVE:
        for i in range(filters):
            as_of = _data_date(gpkg) - timedelta(days=FILTER_CHANGE_DAYS * (i + 1))
            loads.append(f"filter{i + 1}={_with_param(path, 'as_of', as_of.isoformat())}")
    return loads


def _naive_skip_reason(results: list[dict], scale: float, timeout_s: float) -> str | None:
    """Why the naive page is not worth running at ``scale``, judged from a smaller scale's run.

    Its cost grows in proportion to the data, so from the largest smaller scale measured: a
    timeout there, or a time or message size that, scaled up, exceeds the time limit or
    Streamlit's message size limit, means a run here would only time out or fail.
    """
    smaller = [r for r in results if r["page"] == report.NAIVE and r["scale"] < scale and not r.get("skipped")]
    if not smaller:
        return None
    base = max(smaller, key=lambda r: r["scale"])
    factor = scale / base["scale"]
    cold = report.load(base, "cold")
    if cold is None or cold.get("timeout") or cold.get("failure"):
        return f"naive at {base['scale']:g}x already did not finish within {timeout_s:g} s"
    reasons = []
    spent = cold.get("map_drawn_s") or cold.get("elapsed_s") or 0
    if spent * factor > timeout_s:
        reasons.append(
            f"its map took {spent:.0f} s to draw at {base['scale']:g}x, so ~{spent * factor:.0f} s predicted "
            f"(limit {timeout_s:g} s)"
        )
    size = cold.get("map_bytes") or 0
    if size * factor > STREAMLIT_MAX_MESSAGE_BYTES:
        reasons.append(
            f"its map message was {size / 1e6:.0f} MB at {base['scale']:g}x, so ~{size * factor / 1e6:.0f} MB "
            f"predicted, over Streamlit's {STREAMLIT_MAX_MESSAGE_BYTES / 1e6:.0f} MB message limit"
        )
    return "; ".join(reasons) or None


def measure_page(page: str, scale: float, gpkg: Path, args: argparse.Namespace) -> dict:
    """Start a server for ``page`` on ``gpkg``, run its loads in a browser child process, stop it."""
    # The naive page is the baseline: it gets a longer limit, since the ratios need its figure,
    # but after one load slower than the normal limit its other loads are skipped.
    timeout_s = args.naive_timeout if page == report.NAIVE else args.timeout
    result: dict = {"page": page, "scale": scale, "path": PAGES[page], "timeout_s": timeout_s, "loads": []}
    app = naive_app_path() if page == report.NAIVE else PROJECT_ROOT / "app.py"
    env = {**boundaries_env(), "GREAT_RETURN_STORE_PATH": str(gpkg)}
    loads = _loads(page, gpkg, args.warm, args.filters)
    screens = OUT_DIR / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "benchmarks.browser", "--timeout", str(timeout_s), "--quiet", str(args.quiet),
               "--series-limit", str(args.timeout), "--screenshot", str(screens / f"{page}_x{scale:g}.png")]  # fmt: skip
    for item in loads:
        command += ["--load", item]
    # Each load stops itself at --timeout; this is the backstop for a renderer too busy to answer.
    hard_limit_s = timeout_s * len(loads) + 60
    started = time.perf_counter()
    try:
        with StreamlitServer(app, env, name=f"{page}_x{scale:g}") as server:
            result["server_log"] = str(server.log_path.relative_to(PROJECT_ROOT))
            child = subprocess.Popen(
                [*command, "--base-url", server.url],
                cwd=PROJECT_ROOT,
                env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,  # its own process group: killing it takes its Chromium along
            )
            try:
                stdout, stderr = child.communicate(timeout=hard_limit_s)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                stdout, stderr = child.communicate()
                result["failure"] = f"browser killed after {hard_limit_s:g} s"
            for line in stdout.splitlines():
                if line.startswith("{"):
                    item = json.loads(line)
                    if "fatal" in item:
                        raise SystemExit(item["fatal"])
                    result["loads"].append(item)
            if child.returncode not in (0, -signal.SIGKILL) and not result["loads"]:
                result["failure"] = f"browser process failed: {stderr.strip().splitlines()[-1:] or child.returncode}"
            done = result["loads"]
            if done and len(done) < len(loads) and not (done[-1].get("timeout") or done[-1].get("failure")):
                result["loads_skipped"] = (
                    f"{len(loads) - len(done)} later load(s) not run: the {done[-1]['label']} load took "
                    f"{done[-1]['elapsed_s']:.0f} s (> {args.timeout:g} s)"
                )
            result["peak_rss_mb"] = server.peak_rss_mb()
            result["rss_end_mb"] = server.rss_mb()
    except (RuntimeError, TimeoutError) as problem:  # the server did not start
        result["failure"] = " ".join(str(problem).split())[:400]
    result["wall_s"] = round(time.perf_counter() - started, 1)
    return result


def _summary(result: dict) -> str:
    if result.get("skipped"):
        return f"skipped ({result['skipped']})"
    cold, filt = report.load(result, "cold"), next(iter(report.filter_loads(result)), None)

    def seconds(item, key):
        if item is None:
            return "–"
        if item.get("timeout"):
            return f"timeout>{result['timeout_s']:g}s"
        return "–" if item.get(key) is None else f"{item[key]:.2f}s"

    parts = [
        f"cold server {seconds(cold, 'server_s')} drawn {seconds(cold, 'map_drawn_s')}",
        f"warm server {report._number(report.warm(result, 'server_s'))}s drawn {report._number(report.warm(result, 'map_drawn_s'))}s",
    ]
    if filt is not None:
        parts.append(
            f"filter {report._number(report.filter_change(result))}s (median of {len(report.filter_loads(result))})"
        )
    if cold and cold.get("map_bytes") is not None:
        parts.append(f"map {cold['map_bytes'] / 1e6:.2f} MB, {cold.get('map_features', 0)} features")
    parts.append(f"RSS {report._number(result.get('peak_rss_mb'), 0)} MB")
    note = report.problem(result)
    return "; ".join(parts) + (f"  [{note}]" if note else "") + f"  ({result['wall_s']:.0f} s)"


def _git_commit() -> str | None:
    try:  # read-only
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip() or None  # fmt: skip
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 100], help="data scales (default 1 10 100)")
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES), help="pages (default all)")
    parser.add_argument("--timeout", type=float, default=60, help="time limit of each page load, s (default 60)")
    parser.add_argument("--naive-timeout", type=float, default=180,
                        help="time limit of each load of the naive page, s (default 180)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="seed of the demonstration data (default 1)")
    parser.add_argument("--warm", type=int, default=2, help="warm loads per page, median reported (default 2)")
    parser.add_argument("--filters", type=int, default=3,
                        help="filter-change loads per page, each another as_of day, median reported (default 3)")  # fmt: skip
    parser.add_argument("--quiet", type=float, default=1.0, help="s without change that end a load (default 1)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data even when cached")
    parser.add_argument(
        "--force-naive", action="store_true", help="run the naive page even where it is predicted to fail"
    )
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    boundaries_env()  # fails early, with the reason, when the boundaries file is missing
    started = time.perf_counter()
    began_at = datetime.now(UTC).isoformat(timespec="seconds")
    pages = [page for page in PAGES if page in args.pages]
    # The naive page runs first at each scale: the ratios are against it, and its skip rule needs it.
    pages.sort(key=lambda page: page != report.NAIVE)
    print(f"Benchmark: scales {', '.join(f'{s:g}x' for s in args.scales)}; pages {', '.join(pages)}; "
          f"{args.timeout:g} s per load ({args.naive_timeout:g} s for the naive page)", flush=True)  # fmt: skip
    builds, results = [], []
    for scale in sorted(args.scales):
        print(f"\nScale {scale:g}x", flush=True)
        try:
            data = ensure_data(scale, args.seed, rebuild=args.rebuild, log=lambda m: print(m, flush=True))
        except RuntimeError as problem:
            print(f"  {problem}", flush=True)
            for page in pages:
                results.append({"page": page, "scale": scale, "timeout_s": args.timeout, "loads": [],
                                "skipped": "the data could not be built"})  # fmt: skip
            continue
        builds.append(data.as_json())
        for page in pages:
            reason = None
            if page == report.NAIVE and not args.force_naive:
                reason = _naive_skip_reason(results, scale, args.naive_timeout)
            if reason:
                result = {"page": page, "scale": scale, "timeout_s": args.timeout, "loads": [], "skipped": reason}
            else:
                result = measure_page(page, scale, data.path, args)
            results.append(result)
            print(f"  {page:<13}{_summary(result)}", flush=True)
    # Rows in a stable order: by page as listed in PAGES (naive last), then by scale.
    order = list(PAGES)
    results.sort(key=lambda r: (order.index(r["page"]), r["scale"]))
    targets = report.check_targets(results)
    elapsed = time.perf_counter() - started
    table, targets_md, builds_md = (
        report.results_table(results),
        report.targets_text(targets),
        report.builds_table(builds),
    )
    print(f"\nData builds (python -m lib.cli build-demo, seed {args.seed})\n\n{builds_md}")
    print(f"\nResults (seconds from navigation start; MB = 10^6 bytes)\n\n{table}")
    print(f"\nTargets of the issue\n\n{targets_md}")
    print(f"\nBenchmark took {elapsed:.0f} s. Written: benchmarks/out/results.md, benchmarks/out/results.json")
    meta = {
        "started_at": began_at,
        "duration_s": round(elapsed, 1),
        "commit": _git_commit(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "args": {k: v for k, v in vars(args).items()},
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "results.md").write_text(
        f"# Benchmark results\n\n{began_at}, commit {meta['commit']}, {meta['cpus']} CPUs, took {elapsed:.0f} s "
        f"(`python -m benchmarks.run {' '.join(argv if argv is not None else sys.argv[1:])}`).\n\n"
        f"## Data builds\n\n{builds_md}\n\n## Results\n\nSeconds from navigation start; MB = 10^6 bytes.\n\n"
        f"{table}\n\n## Targets of the issue\n\n{targets_md}\n"
    )
    (OUT_DIR / "results.json").write_text(
        json.dumps(
            {"meta": meta, "builds": builds, "results": results, "targets": [t.__dict__ for t in targets]}, indent=1
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
