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
    "cold server s",
    "cold map drawn s",
    "warm server s",
    "warm map drawn s",
    "filter change server s",
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
    naive = {r["scale"]: r for r in results if r["page"] == NAIVE}
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for result in results:
        timeout_s = result.get("timeout_s", 0)
        cold, filt = load(result, "cold"), next(iter(filter_loads(result)), None)
        warm_server, warm_drawn = warm(result, "server_s"), warm(result, "map_drawn_s")
        if result.get("skipped"):
            cells = ["–"] * 11
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
        lines.append("| " + " | ".join([result["page"], f"{result['scale']:g}x", *cells]) + " |")
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


def check_targets(results: list[dict]) -> list[Target]:
    """Each target of the issue judged on the results (None when the scale it needs was not run)."""
    targets = []

    # 1. Map payload at 100x, and its growth from 1x.
    checks = []
    for r in _ours(results, 100):
        size = value(load(r, "cold"), "map_bytes")
        label = f"{r['page']} {size / MB:.2f} MB" if size is not None else f"{r['page']} not measured"
        checks.append((label, None if size is None else size <= 2 * MB))
        small = next((s for s in _ours(results, 1) if s["page"] == r["page"]), None)
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
        label = (
            f"{r['page']} {r['scale']:g}x {server:.2f} s" if server is not None else f"{r['page']} {r['scale']:g}x –"
        )
        checks.append((label, None if server is None else server < 0.3))
    met, detail = _verdict(checks)
    targets.append(Target("warm filter change < 300 ms server time",
                          "server time of the first script run after reopening the page with another as_of date "
                          "on a warm server (median of the filter loads, each another day), every page and scale",
                          met, detail))  # fmt: skip

    # 3. Map drawn within 2 s of page open.
    checks = []
    for r in _ours(results):
        drawn = warm(r, "map_drawn_s")
        cold = load(r, "cold")
        if drawn is None and cold and (cold.get("timeout") or cold.get("failure")):
            checks.append((f"{r['page']} {r['scale']:g}x did not finish", False))
            continue
        label = f"{r['page']} {r['scale']:g}x {drawn:.2f} s" if drawn is not None else f"{r['page']} {r['scale']:g}x –"
        checks.append((label, None if drawn is None else drawn <= 2))
    met, detail = _verdict(checks)
    targets.append(Target("map drawn within 2 s of page open",
                          "warm load (running server, browser cache warm): navigation start → last map feature "
                          "painted ≤ 2 s, every page and scale", met, detail))  # fmt: skip

    # 4. Server memory.
    checks = [
        (f"{r['page']} {r['scale']:g}x {r['peak_rss_mb']:.0f} MB", r["peak_rss_mb"] < 2000)
        for r in _ours(results)
        if r.get("peak_rss_mb") is not None
    ]
    met, detail = _verdict(checks)
    targets.append(Target("server memory < 2 GB", "peak RSS (VmHWM) of the server process < 2000 MB, every page and scale",
                          met, detail))  # fmt: skip

    # 5. First render against the naive page at 10x.
    base = next((r for r in results if r["page"] == NAIVE and r["scale"] == 10 and not r.get("skipped")), None)
    checks = []
    if base is not None:
        naive_cold, naive_bound = _first_render(base)
        for r in _ours(results, 10):
            ours_cold, _ = _first_render(r)
            if ours_cold is None:
                checks.append((f"{r['page']} did not draw", False))
            elif naive_cold is not None:
                checks.append((f"{r['page']} ×{naive_cold / ours_cold:.1f}", naive_cold / ours_cold >= 10))
            elif naive_bound is not None:
                ratio = naive_bound / ours_cold
                checks.append((f"{r['page']} >×{ratio:.1f} (naive timed out)", True if ratio >= 10 else None))
    met, detail = _verdict(checks)
    targets.append(Target("at 10x ≥ 10× faster first render than naive",
                          "cold load (fresh server and browser): naive map-drawn time / ours ≥ 10 at 10x",
                          met, detail))  # fmt: skip

    # 6. Overview at 1x, warm.
    overview = next((r for r in _ours(results, 1) if r["page"] == "overview"), None)
    settled = warm(overview, "settled_s") if overview else None
    met = None if settled is None else settled <= 1.5
    targets.append(Target("at 1x overview fully drawn within 1.5 s warm",
                          "warm load of / at 1x: navigation start → last script run finished and map painted ≤ 1.5 s",
                          met, "not measured" if settled is None else f"{settled:.2f} s"))  # fmt: skip
    return targets


def targets_text(targets: list[Target]) -> str:
    mark = {True: "MET", False: "NOT MET", None: "NOT MEASURED"}
    lines = ["| target | how it is judged | result | figures |", "|---|---|---|---|"]
    for target in targets:
        lines.append(f"| {target.name} | {target.rule} | **{mark[target.met]}** | {target.detail} |")
    return "\n".join(lines)
