"""Benchmark: the dashboard's pages against a naive Folium page at 1x, 10x and 100x the data,
on the GeoPackage and on PostGIS.

``python -m benchmarks.run`` (``make bench``) builds (or reuses) the demonstration data at each
scale, then for every scale and page starts a fresh ``streamlit run`` server, opens the page in
headless Chromium (cold), opens it again (warm, ``--warm`` times), opens it once more with another
"as of" date (a filter change on a warm server), reads the server's peak memory and stops it.
At 100x (``--engine-scale``) it does the same on PostGIS (the GeoPackage loaded with ``lib.cli
db-load`` into a throwaway cluster), opens the overview in 20 sessions at once against one server
process on each engine and against two on PostGIS (:mod:`benchmarks.concurrency`), and makes
twenty imports of 1% of the rows into a copy of each store (:mod:`benchmarks.imports`), and
imports a 100,000-row CSV and a 10,000-polygon GeoJSON into a copy of the 100x GeoPackage through
the import engine (:mod:`benchmarks.import_speed`). It
prints markdown tables, the issue's targets with whether each is met, and writes
``benchmarks/out/results.md`` and ``benchmarks/out/results.json``. ``benchmarks/README.md`` says
what every figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median

from benchmarks import concurrency, report
from benchmarks.browser import CHROMIUM
from benchmarks.data import OUT_DIR, PROJECT_ROOT, boundaries_env, data_path, ensure_data
from benchmarks.report import GPKG, NAIVE, POSTGIS
from benchmarks.server import StreamlitServer, naive_app_path

# Page name -> URL path. The explorer opens on one district (Lachin), as a coordinator would.
PAGES = {
    "overview": "/",
    "explorer": "/explorer?districts=AZ-LAC",
    "profile": "/profile",
    "return_areas": "/return_areas",
    "mine_action": "/mine_action",
    "readiness": "/readiness",
    "return_conditions": "/return_conditions",
    "presentation": "/presentation",  # its first slide, as a talk opens
    report.NAIVE: "/",
}
# Pages opened signed in (as leadership, who reads every record): the explorer and the analyses of
# issue 12 refuse the public. The others are measured as the public, whose figures cost the most
# (suppressed on top).
SIGNED_IN_PAGES = {"explorer", "mine_action", "readiness", "return_conditions"}
# Streamlit refuses a message larger than server.maxMessageSize (200 MB by default).
STREAMLIT_MAX_MESSAGE_BYTES = 200e6
# How far before the data's last day the filter-change load sets "as of".
FILTER_CHANGE_DAYS = 90
# The parts of the benchmark (--only) and the engines (--engines).
PARTS = ("pages", "concurrency", "size", "import_speed")
ENGINES = (GPKG, POSTGIS)
# Concurrency scenarios: (engine, app processes). Two processes only on PostGIS: the GeoPackage
# is one file on one machine, the database is what several app processes share.
SCENARIOS = ((GPKG, 1), (POSTGIS, 1), (POSTGIS, 2))


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


def _protocol_loads(page: str, gpkg: Path, base_url: str, args: argparse.Namespace, cookie: str | None) -> dict:
    """The warm load and the filter changes again on the same warm server, each a session of
    Streamlit's websocket protocol (:mod:`benchmarks.concurrency`) instead of a browser: the server
    time without the browser's own work. The filter days lie halfway between the browser's, so
    that each is a day the server has not seen either."""
    path = PAGES[page]
    days = [FILTER_CHANGE_DAYS * (i + 1) - FILTER_CHANGE_DAYS // 2 for i in range(args.filters)]
    warm = concurrency.open_sessions([(base_url, path)], args.timeout, cookie)
    filters = []
    for day in days:
        as_of = _data_date(gpkg) - timedelta(days=day)
        link = _with_param(path, "as_of", as_of.isoformat())
        filters += concurrency.open_sessions([(base_url, link)], args.timeout, cookie)
    return {
        "warm_s": warm[0].get("server_s"),
        "filter_s": [item.get("server_s") for item in filters],
        "errors": [e for item in warm + filters for e in item.get("exceptions", [])][:3],
        "timeouts": sum(1 for item in warm + filters if item.get("timeout")),
    }


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


def sign_in_cookie() -> tuple[dict[str, str], str]:
    """The benchmark's own accounts file (a leadership account) as the servers' setting, and the
    sign-in cookie (``name=value``) a browser of that account sends after signing in."""
    from lib import accounts
    from lib.sign_in import COOKIE

    file = OUT_DIR / "accounts" / "accounts.toml"
    if "bench-leader" not in accounts.load(file):
        accounts.add("bench-leader", os.urandom(16).hex(), "leadership", display_name="Benchmark", path=file)
    return {"GREAT_RETURN_ACCOUNTS_FILE": str(file)}, f"{COOKIE}={accounts.issue_token('bench-leader', path=file)}"


def store_env(engine: str, gpkg: Path, database_url: str | None = None) -> dict[str, str]:
    """The settings that point the app at the store: the GeoPackage, or the PostGIS database. For
    the GeoPackage the database URL is set empty, so that one set in the shell cannot take over."""
    if engine == POSTGIS:
        return {"GREAT_RETURN_DATABASE_URL": database_url or ""}
    return {"GREAT_RETURN_STORE_PATH": str(gpkg), "GREAT_RETURN_DATABASE_URL": ""}


def measure_page(
    page: str, scale: float, gpkg: Path, args: argparse.Namespace, engine: str = GPKG, database_url: str | None = None
) -> dict:
    """Start a server for ``page`` on the store (``gpkg``, or the PostGIS database of the same data),
    run its loads in a browser child process, stop it."""
    # The naive page is the baseline: it gets a longer limit, since the ratios need its figure,
    # but after one load slower than the normal limit its other loads are skipped.
    timeout_s = args.naive_timeout if page == report.NAIVE else args.timeout
    result: dict = {"page": page, "scale": scale, "engine": engine, "path": PAGES[page], "timeout_s": timeout_s,
                    "loads": []}  # fmt: skip
    app = naive_app_path() if page == report.NAIVE else PROJECT_ROOT / "app.py"
    accounts_env, cookie = sign_in_cookie()
    cookie = cookie if page in SIGNED_IN_PAGES else None
    env = {**boundaries_env(), **store_env(engine, gpkg, database_url), **accounts_env}
    loads = _loads(page, gpkg, args.warm, args.filters)
    screens = OUT_DIR / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    label = f"{page}_x{scale:g}" + ("" if engine == GPKG else f"_{engine}")
    command = [sys.executable, "-m", "benchmarks.browser", "--timeout", str(timeout_s), "--quiet", str(args.quiet),
               "--series-limit", str(args.timeout), "--screenshot", str(screens / f"{label}.png")]  # fmt: skip
    for item in loads:
        command += ["--load", item]
    if cookie:
        command += ["--cookie", cookie]
    if page in report.MAPLESS_PAGES:
        command.append("--no-map")
    # Each load stops itself at --timeout; this is the backstop for a renderer too busy to answer.
    hard_limit_s = timeout_s * len(loads) + 60
    started = time.perf_counter()
    try:
        with StreamlitServer(app, env, name=label) as server:
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
            if page != NAIVE and done and not any(item.get("timeout") or item.get("failure") for item in done):
                result["protocol"] = _protocol_loads(page, gpkg, server.url, args, cookie)
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
    if result.get("protocol"):
        parts.append(f"filter on the protocol {report._number(report.protocol_filter_change(result))}s")
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


def _names(allowed: tuple[str, ...]):
    """An argparse type: a comma-separated list of some of ``allowed``."""

    def parse(text: str) -> list[str]:
        items = [item.strip() for item in text.split(",") if item.strip()]
        unknown = [item for item in items if item not in allowed]
        if unknown or not items:
            raise argparse.ArgumentTypeError(f"expected some of {','.join(allowed)}, got {text!r}")
        return items

    return parse


def measure_size(engine: str, gpkg: Path, args: argparse.Namespace, server=None) -> dict:
    """Twenty imports (``--imports``) into a copy of the store, in a child process (:mod:`benchmarks.imports`)."""
    from benchmarks import postgis

    started = time.perf_counter()
    copy = OUT_DIR / f"size_{gpkg.stem}.gpkg"
    try:
        if engine == GPKG:
            shutil.copyfile(gpkg, copy)
            target = ["--gpkg", str(copy)]
        else:
            target = ["--database-url", server.create(postgis.SIZE_DATABASE, template=postgis.PAGES_DATABASE)]
        command = [sys.executable, "-m", "benchmarks.imports", *target, "--imports", str(args.imports),
                   "--share", str(args.import_share), "--seed", str(args.seed)]  # fmt: skip
        # progress (stderr) goes straight to the console; the result is the JSON line on stdout
        run = subprocess.run(command, cwd=PROJECT_ROOT, env={**os.environ, **boundaries_env(), "PYTHONPATH": str(PROJECT_ROOT)},
                             stdout=subprocess.PIPE, text=True, timeout=args.imports * 120 + 600)  # fmt: skip
        lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
        if run.returncode or not lines:
            raise RuntimeError(f"benchmarks.imports failed (exit {run.returncode})")
        result = json.loads(lines[-1])
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as problem:
        result = {"failure": " ".join(str(problem).split())[:400]}
    finally:
        for leftover in (copy, Path(f"{copy}.lock")):  # the copy and its writer lock
            leftover.unlink(missing_ok=True)
        if engine == POSTGIS and server is not None:
            server.drop(postgis.SIZE_DATABASE)
    result.update(engine_key=engine, wall_s=round(time.perf_counter() - started, 1))
    if "failure" not in result:
        imports = result["imports"]
        print(f"  {report.ENGINE_NAMES[engine]:<11} {result['before']['bytes'] / 1e6:.0f} MB → "
              f"{result['after']['bytes'] / 1e6:.0f} MB after {len(imports)} imports (×{report.size_ratio(result):.2f}); "
              f"median {median(i['seconds'] for i in imports):.1f} s per import  "
              f"({result['wall_s']:.0f} s)", flush=True)  # fmt: skip
    else:
        print(f"  {report.ENGINE_NAMES[engine]:<11} failed: {result['failure']}", flush=True)
    return result


def _shown_command(argv: list[str] | None) -> str:
    """The arguments as given, the database URL (it may hold a password) left out."""
    shown, hide = [], False
    for item in argv if argv is not None else sys.argv[1:]:
        if hide or item.startswith("--database-url="):
            item = "--database-url=…" if item.startswith("--database-url=") else "…"
        hide = item == "--database-url"
        shown.append(item)
    return " ".join(shown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--only", type=_names(PARTS), default=list(PARTS),
                        help=f"parts to run, comma-separated: {','.join(PARTS)} (default all)")  # fmt: skip
    parser.add_argument("--engines", type=_names(ENGINES), default=list(ENGINES),
                        help="store engines, comma-separated: gpkg,postgis (default both)")  # fmt: skip
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 100],
                        help="data scales of the pages on the GeoPackage (default 1 10 100)")  # fmt: skip
    parser.add_argument("--engine-scale", type=float, default=100,
                        help="data scale of the PostGIS pages, the concurrency and the store size (default 100)")  # fmt: skip
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES), help="pages (default all)")
    parser.add_argument("--timeout", type=float, default=60, help="time limit of each page load, s (default 60)")
    parser.add_argument("--naive-timeout", type=float, default=180,
                        help="time limit of each load of the naive page, s (default 180)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="seed of the demonstration data (default 1)")
    parser.add_argument("--warm", type=int, default=2, help="warm loads per page, median reported (default 2)")
    parser.add_argument("--filters", type=int, default=3,
                        help="filter-change loads per page, each another as_of day, median reported (default 3)")  # fmt: skip
    parser.add_argument("--quiet", type=float, default=1.0, help="s without change that end a load (default 1)")
    parser.add_argument("--sessions", type=int, default=20, help="sessions opening the overview at once (default 20)")
    parser.add_argument("--imports", type=int, default=20, help="imports into the copy of each store (default 20)")
    parser.add_argument("--import-share", type=float, default=0.01,
                        help="share of the rows each import changes (default 0.01)")  # fmt: skip
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server (with PostGIS; the user may create databases) on which the benchmark "
                             "makes and drops its own databases; default: a throwaway cluster")  # fmt: skip
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data even when cached")
    parser.add_argument(
        "--force-naive", action="store_true", help="run the naive page even where it is predicted to fail"
    )
    args = parser.parse_args(argv)
    parts, engines = set(args.only), set(args.engines)
    if "pages" in parts and not CHROMIUM.exists():
        print(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    boundaries_env()  # fails early, with the reason, when the boundaries file is missing
    started = time.perf_counter()
    began_at = datetime.now(UTC).isoformat(timespec="seconds")
    pages = [page for page in PAGES if page in args.pages]
    # The naive page runs first at each scale: the ratios are against it, and its skip rule needs it.
    pages.sort(key=lambda page: page != NAIVE)
    print(f"Benchmark: parts {', '.join(p for p in PARTS if p in parts)}; engines {', '.join(e for e in ENGINES if e in engines)}; "
          f"pages on the GeoPackage at {', '.join(f'{s:g}x' for s in args.scales)}, the rest at {args.engine_scale:g}x; "
          f"{args.timeout:g} s per load ({args.naive_timeout:g} s for the naive page)", flush=True)  # fmt: skip
    builds, results, data_at = [], [], {}

    def data_for(scale: float):
        if scale not in data_at:
            data_at[scale] = ensure_data(scale, args.seed, rebuild=args.rebuild, log=lambda m: print(m, flush=True))
            builds.append(data_at[scale].as_json())
        return data_at[scale]

    if "pages" in parts and GPKG in engines:
        for scale in sorted(args.scales):
            print(f"\nScale {scale:g}x, GeoPackage", flush=True)
            try:
                data = data_for(scale)
            except RuntimeError as problem:
                print(f"  {problem}", flush=True)
                for page in pages:
                    results.append({"page": page, "scale": scale, "engine": GPKG, "timeout_s": args.timeout,
                                    "loads": [], "skipped": "the data could not be built"})  # fmt: skip
                continue
            for page in pages:
                reason = None
                if page == NAIVE and not args.force_naive:
                    reason = _naive_skip_reason(results, scale, args.naive_timeout)
                if reason:
                    result = {"page": page, "scale": scale, "engine": GPKG, "timeout_s": args.timeout, "loads": [],
                              "skipped": reason}  # fmt: skip
                else:
                    result = measure_page(page, scale, data.path, args)
                results.append(result)
                print(f"  {page:<13}{_summary(result)}", flush=True)

    loaded, scenarios, sizes = None, [], []
    if parts & {"concurrency", "size"} or ("pages" in parts and POSTGIS in engines):
        scale = args.engine_scale
        data = data_for(scale)
        with ExitStack() as stack:
            server, database_url = None, None
            if POSTGIS in engines:
                from benchmarks import postgis

                print(f"\nPostGIS at {scale:g}x", flush=True)
                try:
                    server = stack.enter_context(
                        postgis.PostGISServer(args.database_url, log=lambda m: print(m, flush=True))
                    )
                    done = postgis.load(server, data.path)
                    database_url = done.url
                    loaded = {**done.as_json(), "scale": scale, "gpkg_mb": data.size_mb}
                    print(f"  loaded: {report.load_text(loaded)}", flush=True)
                except RuntimeError as problem:
                    loaded = {"failure": " ".join(str(problem).split())[:600], "scale": scale}
                    print(f"  {loaded['failure']}", flush=True)
            if "pages" in parts and database_url:
                for page in (p for p in pages if p != NAIVE):
                    result = measure_page(page, scale, data.path, args, engine=POSTGIS, database_url=database_url)
                    results.append(result)
                    print(f"  {page:<13}{_summary(result)}", flush=True)
            if "concurrency" in parts:
                print(
                    f"\nConcurrency at {scale:g}x: {args.sessions} sessions opening the overview at once, on warm servers",
                    flush=True,
                )
                for engine, processes in SCENARIOS:
                    if engine not in engines or (engine == POSTGIS and not database_url):
                        continue
                    env = {**boundaries_env(), **store_env(engine, data.path, database_url)}
                    name = f"{engine}_{processes}process" + ("es" if processes > 1 else "")
                    scenario = concurrency.measure(name, env, processes=processes, sessions=args.sessions,
                                                   timeout_s=args.timeout * 2, log=lambda m: print(m, flush=True))  # fmt: skip
                    scenarios.append({**scenario, "engine": engine, "scale": scale})
            if "size" in parts:
                print(f"\nStore size: {args.imports} imports of {args.import_share:.0%} of the rows each, into a copy "
                      f"of the {scale:g}x store", flush=True)  # fmt: skip
                for engine in ENGINES:
                    if engine in engines and (engine == GPKG or database_url):
                        sizes.append(measure_size(engine, data.path, args, server))

    speed = None
    if "import_speed" in parts:
        from benchmarks import import_speed

        # the 100x store as the pages' part left it, copied: this part never builds or writes it
        source = data_path(args.engine_scale, args.seed)
        print(f"\nImport speed: a {import_speed.CSV_ROWS:,}-row CSV and a {import_speed.POLYGONS:,}-polygon "
              f"GeoJSON into a copy of {source.name}", flush=True)  # fmt: skip
        try:
            speed = import_speed.run(source, seed=args.seed, work_dir=OUT_DIR)
        except (FileNotFoundError, RuntimeError, ValueError) as problem:
            speed = {"failure": str(problem)[:400], "cases": []}
            print(f"  {speed['failure']}", flush=True)

    # Rows in a stable order: by page as listed in PAGES (naive last), then by scale, then engine.
    order = list(PAGES)
    results.sort(key=lambda r: (order.index(r["page"]), r["scale"], ENGINES.index(report.engine(r))))
    targets = report.check_targets(results, sizes)
    if speed is not None:
        targets += report.import_speed_targets(speed)
    elapsed = time.perf_counter() - started
    sections = []
    if builds:  # the import speed part alone builds nothing
        sections.append(
            ("Data builds", f"python -m lib.cli build-demo, seed {args.seed}.\n\n{report.builds_table(builds)}")
        )
    if results:
        sections.append(
            ("Results", f"Seconds from navigation start; MB = 10^6 bytes.\n\n{report.results_table(results)}")
        )
    if any(report.engine(r) == POSTGIS for r in results):
        scale = args.engine_scale
        sections.append((f"Both engines at {scale:g}x",
                         f"{report.engines_table(results, scale)}\n\nLoading PostGIS: {report.load_text(loaded)}"))  # fmt: skip
    elif loaded:
        sections.append(("Loading PostGIS", report.load_text(loaded)))
    if scenarios:
        sections.append((f"{args.sessions} sessions opening the overview at once",
                         f"At {args.engine_scale:g}x, on warm servers (each server's caches filled by one session first). "
                         "Server time per session: from the request to its script_finished message, in seconds.\n\n"
                         f"{report.concurrency_table(scenarios)}"))  # fmt: skip
    if sizes:
        sections.append((f"Store size after {args.imports} imports",
                         f"Each import changes {args.import_share:.0%} of the rows of the layers with a lifecycle "
                         f"(at {args.engine_scale:g}x) and is written as one new version.\n\n{report.size_table(sizes)}"))  # fmt: skip
    if speed is not None:
        text = speed.get("failure") or (
            f"Generated (seed {speed['seed']}) in {speed['generate_s']:g} s and imported into a copy of the "
            f"{args.engine_scale:g}x GeoPackage through `lib.importing` (upsert), each file in a child process; "
            "seconds of each stage, peak RSS of that process.\n\n" + report.import_speed_table(speed)
        )
        sections.append(("Import speed", text))
    sections.append(("Targets of the issue", report.targets_text(targets)))
    for title, text in sections:
        print(f"\n{title}\n\n{text}")
    print(f"\nBenchmark took {elapsed:.0f} s. Written: benchmarks/out/results.md, benchmarks/out/results.json")
    meta = {
        "started_at": began_at,
        "duration_s": round(elapsed, 1),
        "commit": _git_commit(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "args": {k: v for k, v in vars(args).items() if k != "database_url"},
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    body = "\n\n".join(f"## {title}\n\n{text}" for title, text in sections)
    (OUT_DIR / "results.md").write_text(
        f"# Benchmark results\n\n{began_at}, commit {meta['commit']}, {meta['cpus']} CPUs, took {elapsed:.0f} s "
        f"(`python -m benchmarks.run {_shown_command(argv)}`).\n\n{body}\n"
    )
    (OUT_DIR / "results.json").write_text(
        json.dumps(
            {"meta": meta, "builds": builds, "results": results, "postgis_load": loaded, "concurrency": scenarios,
             "sizes": sizes, "import_speed": speed, "targets": [t.__dict__ for t in targets]},
            indent=1,
        )
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
