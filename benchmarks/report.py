"""The results as one markdown table, and the issue's targets checked against them.

Input is the list of per-(page, scale) results that :mod:`benchmarks.run` collects; each holds
the loads measured by :mod:`benchmarks.browser` (``cold``, ``warm`` ..., ``filter``) and the
server's peak memory. Nothing here measures; it only summarises.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

NAIVE = "naive"
MB = 1e6
GPKG, POSTGIS = "gpkg", "postgis"
ENGINE_NAMES = {GPKG: "GeoPackage", POSTGIS: "PostGIS"}


def engine(result: dict) -> str:
    """The engine a result was measured on (results of older runs: the GeoPackage)."""
    return result.get("engine", GPKG)


def name(result: dict) -> str:
    """A result's name in the targets' figures: page and scale, and the engine unless the GeoPackage."""
    suffix = "" if engine(result) == GPKG else f" {ENGINE_NAMES[engine(result)]}"
    return f"{result['page']} {result['scale']:g}x{suffix}"


@dataclass
class Target:
    """One target of the issue: what it asks, how it is judged here, whether it is met, and why."""

    name: str
    rule: str
    met: bool | None  # None: not measured (e.g. that scale was not run)
    detail: str


# --- reading one result ------------------------------------------------------------------------


def load(result: dict, label: str) -> dict | None:
    """The load labelled ``label`` ('cold', 'filter'), or None when it was not made."""
    return next((item for item in result.get("loads", []) if item.get("label") == label), None)


def warm_loads(result: dict) -> list[dict]:
    return [item for item in result.get("loads", []) if item.get("label", "").startswith("warm") and _ok(item)]


def _ok(item: dict | None) -> bool:
    return bool(item) and not item.get("timeout") and not item.get("failure")


def warm(result: dict, key: str) -> float | None:
    """Median of ``key`` over the warm loads that finished."""
    values = [item[key] for item in warm_loads(result) if item.get(key) is not None]
    return median(values) if values else None


def filter_loads(result: dict) -> list[dict]:
    return [item for item in result.get("loads", []) if item.get("label", "").startswith("filter")]


def filter_change(result: dict) -> float | None:
    """Median server time of the filter-change loads that finished (each another as_of day)."""
    values = [item["server_s"] for item in filter_loads(result) if _ok(item) and item.get("server_s") is not None]
    return median(values) if values else None


def protocol_filter_change(result: dict | None) -> float | None:
    """Median server time of the filter changes made through Streamlit's protocol (no browser)."""
    values = [v for v in ((result or {}).get("protocol") or {}).get("filter_s", []) if v is not None]
    return median(values) if values else None


def value(item: dict | None, key: str) -> float | None:
    return item.get(key) if _ok(item) else None


def problem(result: dict) -> str | None:
    """Why a result has no (complete) figures: skipped, a timeout, a failure or an error on the page."""
    if result.get("skipped"):
        return f"skipped: {result['skipped']}"
    notes = []
    if result.get("failure"):
        notes.append(result["failure"])
    for item in result.get("loads", []):
        if item.get("timeout"):
            notes.append(f"{item['label']}: timeout >{result['timeout_s']:g} s")
        elif item.get("failure"):
            notes.append(f"{item['label']}: {item['failure']}")
        for error in item.get("errors", [])[:1]:
            notes.append(f"{item['label']}: error on page: {' '.join(error.split())[:160]}")
        if item.get("blocked"):
            notes.append(f"{item['label']}: {len(item['blocked'])} off-machine request(s) blocked")
    if result.get("loads_skipped"):
        notes.append(result["loads_skipped"])
    if _ok(load(result, "cold")) and not load(result, "cold").get("map_features"):
        notes.append("no map drawn")
    return "; ".join(dict.fromkeys(notes)) or None


# --- formatting ----------------------------------------------------------------------------------


def _seconds(item: dict | None, key: str, timeout_s: float) -> str:
    if item is None:
        return "–"
    if item.get("timeout"):
        return f"timeout >{timeout_s:g} s"
    if item.get("failure"):
        return "failed"
    number = item.get(key)
    return "–" if number is None else f"{number:.2f}"


def _number(number: float | None, digits: int = 2) -> str:
    return "–" if number is None else f"{number:.{digits}f}"


def _ratio(naive: float | None, ours: float | None, naive_timeout: float | None = None) -> str:
    if ours is None or ours <= 0:
        return "–"
    if naive is None and naive_timeout is not None:
        return f">{naive_timeout / ours:.1f}×"
    return "–" if naive is None else f"{naive / ours:.1f}×"


def _first_drawn(first: float | None, last: float | None) -> str:
    """A note of the first painting when the map was painted again later (a rerun redrew it)."""
    if first is None or last is None or last - first < 0.1:
        return ""
    return f" (first {first:.2f})"


def _first_render(result: dict) -> tuple[float | None, float | None]:
    """(cold map-drawn seconds, lower bound in seconds when the cold load timed out)."""
    cold = load(result, "cold")
    if cold and cold.get("timeout"):
        return None, result["timeout_s"]
    return value(cold, "map_drawn_s"), None


COLUMNS = [
    "page",
    "scale",
    "engine",
    "cold server s",
    "cold map drawn s",
    "warm server s",
    "warm map drawn s",
    "filter change server s",
    "filter change server s, protocol",
    "features drawn",
    "map MB",
    "websocket MB",
    "peak server RSS MB",
    "naive/ours first render (cold)",
    "naive/ours first render (warm)",
    "naive/ours map MB",
    "notes",
]


def results_table(results: list[dict]) -> str:
    """The markdown table: a row per page and scale, ratios against the naive page at that scale."""
    naive = {r["scale"]: r for r in results if r["page"] == NAIVE and engine(r) == GPKG}
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for result in results:
        timeout_s = result.get("timeout_s", 0)
        cold, filt = load(result, "cold"), next(iter(filter_loads(result)), None)
        warm_server, warm_drawn = warm(result, "server_s"), warm(result, "map_drawn_s")
        if result.get("skipped"):
            cells = ["–"] * (len(COLUMNS) - 4)  # all but page, scale, engine and notes
        else:
            warm_note = "–"
            if cold is not None and not warm_loads(result):
                warm_note = "not run"
            cells = [
                _seconds(cold, "server_s", timeout_s),
                _seconds(cold, "map_drawn_s", timeout_s)
                + _first_drawn(cold.get("map_first_drawn_s") if cold else None, value(cold, "map_drawn_s")),
                _number(warm_server) if warm_server is not None else warm_note,
                (_number(warm_drawn) + _first_drawn(warm(result, "map_first_drawn_s"), warm_drawn))
                if warm_drawn is not None
                else warm_note,
                "n/a (no filters)"
                if result["page"] == NAIVE
                else (
                    _number(filter_change(result))
                    if filter_change(result) is not None
                    else _seconds(filt, "server_s", timeout_s)
                ),  # fmt: skip
                "n/a (no filters)" if result["page"] == NAIVE else _number(protocol_filter_change(result)),
                str(cold["map_features"]) if _ok(cold) else "–",
                _number(value(cold, "map_bytes") / MB if value(cold, "map_bytes") is not None else None),
                _number(value(cold, "ws_bytes") / MB if value(cold, "ws_bytes") is not None else None),
                _number(result.get("peak_rss_mb"), 0),
            ]
            base = naive.get(result["scale"])
            if result["page"] == NAIVE or base is None or base.get("skipped"):
                cells += ["–", "–", "–"]
            else:
                ours_cold, _ = _first_render(result)
                naive_cold, naive_bound = _first_render(base)
                naive_map = value(load(base, "cold"), "map_bytes")
                ours_map = value(cold, "map_bytes")
                cells += [
                    _ratio(naive_cold, ours_cold, naive_bound),
                    _ratio(warm(base, "map_drawn_s"), warm_drawn),
                    _ratio(naive_map, ours_map),
                ]
        cells.append((problem(result) or "").replace("|", "\\|"))
        row = [result["page"], f"{result['scale']:g}x", ENGINE_NAMES[engine(result)], *cells]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def builds_table(builds: list[dict]) -> str:
    lines = ["| scale | build s | GeoPackage MB | build peak RSS MB | |", "|---|---|---|---|---|"]
    for build in builds:
        note = "cached (time of the earlier build)" if build["cached"] else "built now"
        lines.append(
            f"| {build['scale']:g}x | {build['build_s']:.1f} | {build['size_mb']:.1f} | "
            f"{_number(build.get('peak_rss_mb'), 0)} | {note} |"
        )
    return "\n".join(lines)


# --- the targets -----------------------------------------------------------------------------------


# Pages without a Leaflet map (the presentation: charts, a Plotly time-lapse, a map image drawn
# on the server): the map targets do not apply to them; the server's do.
MAPLESS_PAGES = {"presentation"}


def _with_map(results: list[dict]) -> list[dict]:
    return [r for r in results if r["page"] not in MAPLESS_PAGES]


def _ours(results: list[dict], scale: float | None = None) -> list[dict]:
    return [
        r for r in results if r["page"] != NAIVE and not r.get("skipped") and (scale is None or r["scale"] == scale)
    ]


def _verdict(checks: list[tuple[str, bool | None]]) -> tuple[bool | None, str]:
    known = [(label, ok) for label, ok in checks if ok is not None]
    if not known:
        return None, "not measured"
    failed = [label for label, ok in known if not ok]
    return (not failed), ("; ".join(failed) if failed else "; ".join(label for label, _ in known))


def check_targets(results: list[dict], sizes: list[dict] | None = None) -> list[Target]:
    """Each target of the issue judged on the results (None when the scale it needs was not run),
    and on the store sizes after the imports (:func:`size_table`) when measured."""
    targets = []

    # 1. Map payload at 100x, and its growth from 1x.
    checks = []
    for r in _with_map(_ours(results, 100)):
        size = value(load(r, "cold"), "map_bytes")
        label = f"{name(r)} {size / MB:.2f} MB" if size is not None else f"{name(r)} not measured"
        checks.append((label, None if size is None else size <= 2 * MB))
        small = next((s for s in _ours(results, 1) if s["page"] == r["page"] and engine(s) == engine(r)), None)
        small_size = value(load(small, "cold"), "map_bytes") if small else None
        if size is not None and small_size:
            growth = size / small_size
            checks.append((f"{r['page']} 1x→100x ×{growth:.1f}", growth <= 2))
    met, detail = _verdict(checks)
    targets.append(Target("≤ 2 MB per map at 100x, about the same from 1x to 100x",
                          "map bytes (st_folium message) of the cold load ≤ 2 MB at 100x, and ≤ 2× its 1x size",
                          met, detail))  # fmt: skip

    # 2. Warm filter change.
    checks = []
    for r in _ours(results):
        server = filter_change(r)
        label = f"{name(r)} {server:.2f} s" if server is not None else f"{name(r)} –"
        checks.append((label, None if server is None else server < 0.3))
    met, detail = _verdict(checks)
    targets.append(Target("warm filter change < 300 ms server time",
                          "server time of the first script run after reopening the page with another as_of date "
                          "on a warm server (median of the filter loads, each another day), every page, scale and engine",
                          met, detail))  # fmt: skip

    # 2b. The same, measured without a browser.
    checks = []
    for r in _ours(results):
        server = protocol_filter_change(r)
        checks.append((f"{name(r)} {server:.2f} s" if server is not None else f"{name(r)} –",
                       None if server is None else server < 0.3))  # fmt: skip
    met, detail = _verdict(checks)
    targets.append(Target("warm filter change < 300 ms server time, measured on Streamlit's protocol",
                          "the same filter changes on the same warm server, each a websocket session of Streamlit's "
                          "own protocol without a browser: request sent → script_finished received (median, "
                          "every page, scale and engine)", met, detail))  # fmt: skip

    # 3. Map drawn within 2 s of page open.
    checks = []
    for r in _with_map(_ours(results)):
        drawn = warm(r, "map_drawn_s")
        cold = load(r, "cold")
        if drawn is None and cold and (cold.get("timeout") or cold.get("failure")):
            checks.append((f"{name(r)} did not finish", False))
            continue
        label = f"{name(r)} {drawn:.2f} s" if drawn is not None else f"{name(r)} –"
        checks.append((label, None if drawn is None else drawn <= 2))
    met, detail = _verdict(checks)
    targets.append(Target("map drawn within 2 s of page open",
                          "warm load (running server, browser cache warm): navigation start → last map feature "
                          "painted ≤ 2 s, every page, scale and engine", met, detail))  # fmt: skip

    # 4. Server memory.
    checks = [
        (f"{name(r)} {r['peak_rss_mb']:.0f} MB", r["peak_rss_mb"] < 2000)
        for r in _ours(results)
        if r.get("peak_rss_mb") is not None
    ]
    met, detail = _verdict(checks)
    targets.append(Target("server memory < 2 GB", "peak RSS (VmHWM) of the server process < 2000 MB, every page, scale and engine",
                          met, detail))  # fmt: skip

    # 5. First render against the naive page at 10x.
    base = next((r for r in results if r["page"] == NAIVE and r["scale"] == 10 and not r.get("skipped")), None)
    suffix = lambda r: "" if engine(r) == GPKG else f" {ENGINE_NAMES[engine(r)]}"  # noqa: E731
    checks = []
    if base is not None:
        naive_cold, naive_bound = _first_render(base)
        for r in _with_map(_ours(results, 10)):
            ours_cold, _ = _first_render(r)
            if ours_cold is None:
                checks.append((f"{r['page']}{suffix(r)} did not draw", False))
            elif naive_cold is not None:
                checks.append((f"{r['page']}{suffix(r)} ×{naive_cold / ours_cold:.1f}", naive_cold / ours_cold >= 10))
            elif naive_bound is not None:
                ratio = naive_bound / ours_cold
                checks.append(
                    (f"{r['page']}{suffix(r)} >×{ratio:.1f} (naive timed out)", True if ratio >= 10 else None)
                )
    met, detail = _verdict(checks)
    targets.append(Target("at 10x ≥ 10× faster first render than naive",
                          "cold load (fresh server and browser): naive map-drawn time / ours ≥ 10 at 10x",
                          met, detail))  # fmt: skip

    # 6. Overview at 1x, warm.
    overview = next((r for r in _ours(results, 1) if r["page"] == "overview" and engine(r) == GPKG), None)
    settled = warm(overview, "settled_s") if overview else None
    met = None if settled is None else settled <= 1.5
    targets.append(Target("at 1x overview fully drawn within 1.5 s warm",
                          "warm load of / at 1x: navigation start → last script run finished and map painted ≤ 1.5 s",
                          met, "not measured" if settled is None else f"{settled:.2f} s"))  # fmt: skip

    # 7. The store after twenty imports.
    checks = []
    for size in sizes or []:
        ratio = size_ratio(size)
        label = f"{ENGINE_NAMES[size['engine_key']]} ×{ratio:.2f}" if ratio else f"{ENGINE_NAMES[size['engine_key']]} –"
        checks.append((label, None if ratio is None else ratio < 2))
    met, detail = _verdict(checks)
    count = (sizes or [{}])[0].get("imports", [])
    targets.append(Target(f"{len(count) or 20} imports of 1% each leave the store well under twice its size",
                          "store size after the imports / before (GeoPackage file; PostGIS tables) < 2, each engine",
                          met, detail))  # fmt: skip
    return targets


def targets_text(targets: list[Target]) -> str:
    mark = {True: "MET", False: "NOT MET", None: "NOT MEASURED"}
    lines = ["| target | how it is judged | result | figures |", "|---|---|---|---|"]
    for target in targets:
        lines.append(f"| {target.name} | {target.rule} | **{mark[target.met]}** | {target.detail} |")
    return "\n".join(lines)


# --- the engines side by side, concurrency, store size --------------------------------------------

ENGINE_COLUMNS = [
    ("cold server s", lambda r: value(load(r, "cold"), "server_s")),
    ("warm server s", lambda r: warm(r, "server_s")),
    ("filter change server s", filter_change),
    ("filter change server s, protocol", protocol_filter_change),
    ("warm map drawn s", lambda r: warm(r, "map_drawn_s")),
    ("map MB", lambda r: (value(load(r, "cold"), "map_bytes") or 0) / MB or None),
    ("peak server RSS MB", lambda r: r.get("peak_rss_mb")),
]


def engines_table(results: list[dict], scale: float) -> str:
    """Our pages at ``scale`` with each figure on the GeoPackage and on PostGIS side by side."""
    by = {(r["page"], engine(r)): r for r in results if r["scale"] == scale and r["page"] != NAIVE}
    pages = list(dict.fromkeys(page for page, _ in by))
    header = ["page"] + [f"{label} {ENGINE_NAMES[e]}" for label, _ in ENGINE_COLUMNS for e in (GPKG, POSTGIS)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for page in pages:
        cells = [page]
        for label, get in ENGINE_COLUMNS:
            for e in (GPKG, POSTGIS):
                result = by.get((page, e))
                number = get(result) if result and not result.get("skipped") else None
                cells.append(_number(number, 0 if "RSS" in label else 2))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load_text(loaded: dict | None) -> str:
    if not loaded:
        return "PostGIS was not loaded in this run."
    if loaded.get("failure"):
        return f"Loading PostGIS failed: {loaded['failure']}"
    return (
        f"`python -m lib.cli db-init` {loaded['init_s']:.1f} s, then `python -m lib.cli db-load` of the "
        f"{loaded['scale']:g}x GeoPackage ({loaded['gpkg_mb']:.0f} MB) {loaded['load_s']:.1f} s "
        f"(peak RSS {loaded['peak_rss_mb']:.0f} MB); database {loaded['database_mb']:.0f} MB "
        "(`pg_database_size`, PostGIS's own tables included)."
    )


def concurrency_table(scenarios: list[dict]) -> str:
    """One row per scenario: sessions at once against warm servers, server time per session."""
    header = ["engine", "app processes", "sessions at once", "one session alone, warm s", "median s", "95th percentile s",
              "slowest s", "all answered after s", "peak server RSS MB", "notes"]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for s in scenarios:
        notes = []
        if s.get("failure"):
            notes.append(s["failure"])
        if s.get("timeouts"):
            notes.append(f"{s['timeouts']} session(s) timed out")
        if s.get("finished") is not None and s["finished"] < s["sessions_at_once"] and not s.get("timeouts"):
            notes.append(f"{s['sessions_at_once'] - s['finished']} session(s) did not finish")
        for problem in (s.get("exceptions") or []) + (s.get("warm_alone_problems") or []):
            notes.append(f"error on page: {' '.join(problem.split())[:120]}")
        warm_alone = [v for v in s.get("warm_alone_s", []) if v is not None]
        rss = [m for m in s.get("peak_rss_mb", []) if m]
        lines.append(
            "| "
            + " | ".join(
                [
                    ENGINE_NAMES[s["engine"]],
                    str(s["processes"]),
                    f"{s['sessions_at_once']}"
                    + (f" ({s['sessions_at_once'] // s['processes']} each)" if s["processes"] > 1 else ""),
                    ", ".join(f"{v:.2f}" for v in warm_alone) or "–",
                    _number(s.get("server_s_median")),
                    _number(s.get("server_s_p95")),
                    _number(s.get("server_s_max")),
                    _number(s.get("all_done_s")),
                    ", ".join(f"{m:.0f}" for m in rss) or "–",
                    "; ".join(dict.fromkeys(notes)).replace("|", "\\|"),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def size_ratio(size: dict) -> float | None:
    try:
        return size["after"]["bytes"] / size["before"]["bytes"]
    except (KeyError, TypeError, ZeroDivisionError):
        return None


def size_table(sizes: list[dict]) -> str:
    """One row per engine: the store before and after the imports, and the time per import."""
    header = ["engine", "imports", "rows changed per import", "store MB before", "store MB after", "after / before",
              "median s per import", "notes"]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for size in sizes:
        if size.get("failure"):
            lines.append(f"| {ENGINE_NAMES[size['engine_key']]} | – | – | – | – | – | – | {size['failure'][:300]} |")
            continue
        imports = size["imports"]
        notes = []
        if "after_vacuum" in size:
            notes.append(
                f"after VACUUM {size['after_vacuum']['bytes'] / MB:.0f} MB; dead rows before it "
                f"{size['after']['dead_tuples']:,}"
            )
        if size["after"].get("free_bytes") is not None:
            notes.append(f"of which free pages {size['after']['free_bytes'] / MB:.1f} MB")
        lines.append(
            "| "
            + " | ".join(
                [
                    ENGINE_NAMES[size["engine_key"]],
                    str(len(imports)),
                    f"{median(i['rows'] for i in imports):,.0f} ({size['share']:.0%} of {size['rows_in_changed_layers']:,})",
                    f"{size['before']['bytes'] / MB:.0f}",
                    f"{size['after']['bytes'] / MB:.0f}",
                    f"×{size_ratio(size):.2f}",
                    f"{median(i['seconds'] for i in imports):.1f}",
                    "; ".join(notes),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


# --- import speed ---------------------------------------------------------------------------------

IMPORT_COLUMNS = ["layer", "file", "MB", "rows", "read s", "check s", "validate s (read + check)",
                  "preview s (read + check + plan)", "commit s", "rows/s (preview)", "peak RSS MB", "problems"]  # fmt: skip


def import_speed_table(speed: dict) -> str:
    """One row per file imported by :mod:`benchmarks.import_speed`: sizes, stage times, memory."""
    lines = ["| " + " | ".join(IMPORT_COLUMNS) + " |", "|" + "---|" * len(IMPORT_COLUMNS)]
    for case in speed.get("cases", []):
        head = [case["layer"], case["file"], f"{case['bytes'] / MB:.1f}"]
        if case.get("failure"):
            lines.append("| " + " | ".join(head + ["–"] * 8 + [f"failed: {case['failure'][:300]}"]) + " |")
            continue
        figures = [f"{case['rows']:,}" if case.get("rows") is not None else "–"]
        figures += [_number(case.get(key), 2) for key in ("read_s", "check_s", "validate_s", "preview_s", "commit_s")]
        figures += [f"{case['rows_per_s']:,}" if case.get("rows_per_s") else "–", _number(case.get("peak_rss_mb"), 0)]
        problems = str(case.get("problems", "–"))
        if case.get("first_problems"):
            problems += " (" + "; ".join(case["first_problems"]) + ")"
        lines.append("| " + " | ".join(head + figures + [problems]) + " |")
    return "\n".join(lines)


def import_speed_targets(speed: dict | None) -> list[Target]:
    """ "A 100,000-row CSV or a 10,000-polygon GeoJSON validates and previews in seconds": each
    file's read + check and its whole preview ≤ the target (10 s), without a problem."""
    checks = []
    target_s = (speed or {}).get("target_s", 10.0)
    for case in (speed or {}).get("cases", []):
        label = f"{case['layer']} {case.get('rows') or 0:,} rows"
        if case.get("failure"):
            checks.append((f"{label}: failed", False))
            continue
        if case.get("problems"):
            checks.append((f"{label}: {case['problems']} problems in a valid file", False))
        checks.append((f"{label} validated in {case['validate_s']:.1f} s", case["validate_s"] <= target_s))
        checks.append((f"{label} previewed in {case['preview_s']:.1f} s", case["preview_s"] <= target_s))
    met, detail = _verdict(checks)
    return [Target(f"a 100,000-row CSV or a 10,000-polygon GeoJSON validates and previews in ≤ {target_s:g} s",
                   "read + check, and the whole preview (read + check + plan against the 100x store), each "
                   f"≤ {target_s:g} s, with no problem found in the generated valid files", met, detail)]  # fmt: skip
