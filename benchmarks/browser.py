"""Page loads in headless Chromium, measured from inside the page.

Run as a child process by :mod:`benchmarks.run` (one per page and scale)::

    python -m benchmarks.browser --base-url http://127.0.0.1:8501 --timeout 60 \\
        --load cold=/explorer?districts=AZ-LAC --load warm=/explorer?districts=AZ-LAC

It prints one JSON object per load on stdout. A child process, because a page with a huge map can
keep the renderer's main thread busy for minutes, and then even Playwright's ``evaluate`` blocks:
the parent enforces a hard time limit by killing the child (and its Chromium) instead of hanging.

What is measured, all on the browser's clock, from the navigation's start
(``performance.timeOrigin`` of the page):

* Streamlit's websocket messages, by a wrapper around ``window.WebSocket`` installed before any
  page script runs (an init script). Each binary message is a protobuf ``ForwardMsg``; its top
  level is parsed just enough to tell ``new_session`` (sent when a script run starts),
  ``script_finished`` (when it ends) and ``delta`` messages apart, and, for a delta, whether it
  carries the ``streamlit_folium`` component (the map). So the per-run server time is the span
  from ``new_session`` to ``script_finished`` as the browser receives them: the script's run
  plus the transfer of everything it sent. Sizes are the messages' own byte lengths; websocket
  compression is off in Streamlit by default, so they are what crosses the wire.
* The map's drawing, by a hook on Leaflet in the map's iframe: a setter on ``window.L`` adds an
  init hook to every ``L.Map`` that counts ``layeradd`` events of features (``L.Path``: polygons,
  lines, circle markers, on SVG or canvas; ``L.Marker``) and, after the last one, notes the time
  of the next frame (``requestAnimationFrame`` then ``setTimeout``), i.e. once it is painted.
* HTTP bytes: the ``transferSize`` of every resource of the page and of its frames.

A load is over when no script run is going on, the map (if any) has painted its last feature, and
nothing of that changed for ``--quiet`` seconds (so a rerun that ``st_folium`` triggers after
drawing is counted too); or at ``--timeout``, which is reported as such.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Offline, as the app's users may be: every request leaving this machine goes to a proxy address on
# which nothing listens, and fails (Chromium never sends loopback requests through a proxy). Not
# Playwright's page.route: routing turns Chromium's HTTP cache off, and warm loads need it.
OFFLINE_ARGS = ["--proxy-server=http://127.0.0.1:9"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Tall enough that every page's map is in view: Chromium throttles frames of iframes out of view,
# which would delay the "painted" mark for reasons that have nothing to do with the page.
VIEWPORT = {"width": 1600, "height": 1400}


def _proto_fields() -> dict[str, Any]:
    """Field numbers the in-page parser needs, read from Streamlit's own protobuf classes."""
    from streamlit.proto.Components_pb2 import ComponentInstance
    from streamlit.proto.Delta_pb2 import Delta
    from streamlit.proto.Element_pb2 import Element
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    def number(message, name: str) -> int:
        return message.DESCRIPTOR.fields_by_name[name].number

    return {
        "names": {f.number: f.name for f in ForwardMsg.DESCRIPTOR.fields},
        "skip": [number(ForwardMsg, "hash"), number(ForwardMsg, "metadata")],
        "new_session": number(ForwardMsg, "new_session"),
        "script_finished": number(ForwardMsg, "script_finished"),
        "delta": number(ForwardMsg, "delta"),
        "new_element": number(Delta, "new_element"),
        "component_instance": number(Element, "component_instance"),
        "component_name": number(ComponentInstance, "component_name"),
        "finished_names": {
            v.number: v.name for v in ForwardMsg.DESCRIPTOR.fields_by_name["script_finished"].enum_type.values
        },
    }


# Installed in every frame before its scripts run. In the top frame: the websocket wrapper; in a
# map's iframe: the Leaflet hook, which reports to the top frame (same origin).
INIT_SCRIPT = """
(() => {
  const P = __PROTO__;
  if (window === window.top) {
    const B = window.__bench = {messages: 0, bytes: 0, textBytes: 0, mapBytes: 0, mapMessages: 0, mapPayload: 0,
                                mapAt: null, kinds: {}, runs: [], lastEventAt: 0};
    // Protobuf wire format: (tag varint, value); tag = field << 3 | wire type.
    const varint = (buf, pos) => {
      let value = 0, scale = 1, byte;
      do { byte = buf[pos++]; value += (byte & 0x7f) * scale; scale *= 128; } while (byte & 0x80);
      return [value, pos];
    };
    const fields = (buf, start, end) => {
      const out = [];
      let pos = start;
      while (pos < end) {
        let tag; [tag, pos] = varint(buf, pos);
        const field = Math.floor(tag / 8), wire = tag % 8;
        if (wire === 0) { let v; [v, pos] = varint(buf, pos); out.push({field, value: v}); }
        else if (wire === 2) { let n; [n, pos] = varint(buf, pos); out.push({field, start: pos, end: pos + n}); pos += n; }
        else if (wire === 1) { pos += 8; out.push({field}); }
        else if (wire === 5) { pos += 4; out.push({field}); }
        else { break; }  // groups: not used by Streamlit
      }
      return out;
    };
    const child = (buf, parent, number) => parent && fields(buf, parent.start, parent.end).find(f => f.field === number);
    const componentName = (buf, delta) => {
      const instance = child(buf, child(buf, delta, P.new_element), P.component_instance);
      const name = child(buf, instance, P.component_name);
      return name ? new TextDecoder().decode(buf.subarray(name.start, name.end)) : null;
    };
    const onMessage = (event) => {
      const t = performance.now();
      B.lastEventAt = t;
      B.messages += 1;
      if (typeof event.data === 'string') { B.textBytes += event.data.length; B.bytes += event.data.length; return; }
      if (!(event.data instanceof ArrayBuffer)) { B.bytes += event.data.size || 0; return; }
      const buf = new Uint8Array(event.data), n = buf.byteLength;
      B.bytes += n;
      const run = B.runs.length ? B.runs[B.runs.length - 1] : null;
      if (run && run.end === null) run.bytes += n;
      let top;
      try { top = fields(buf, 0, n).find(f => !P.skip.includes(f.field)); } catch (e) { return; }
      if (!top) return;
      const kind = P.names[top.field] || String(top.field);
      B.kinds[kind] = (B.kinds[kind] || 0) + n;
      if (top.field === P.new_session) {
        // A rerun that interrupts a run starts without a script_finished for the old one.
        for (const r of B.runs) if (r.end === null) { r.end = t; r.status = 'SUPERSEDED_BY_RERUN'; }
        B.runs.push({start: t, end: null, status: null, bytes: n});
      } else if (top.field === P.script_finished) {
        const open = B.runs.filter(r => r.end === null).pop();
        if (open) { open.end = t; open.status = P.finished_names[top.value] || top.value; }
      } else if (top.field === P.delta) {
        const name = componentName(buf, top);
        if (name && name.includes('streamlit_folium')) {
          B.mapBytes += n; B.mapMessages += 1; B.mapAt = t; B.mapPayload = Math.max(B.mapPayload, n);
        }
      }
    };
    const Native = window.WebSocket;
    class MeasuredWebSocket extends Native {
      constructor(...args) { super(...args); this.addEventListener('message', onMessage); }
    }
    window.WebSocket = MeasuredWebSocket;
    return;
  }
  // A frame: if it loads Leaflet, hook every map made with it.
  let leaflet;
  const hook = (L) => {
    if (!L || !L.Map || L.__benchHooked) return;
    L.__benchHooked = true;
    const top = window.top;
    const now = () => performance.timeOrigin + performance.now() - top.performance.timeOrigin;
    L.Map.addInitHook(function () {
      const record = {createdAt: now(), features: 0, lastAddAt: null, paintedAt: null, firstPaintedAt: null};
      (top.__benchMaps = top.__benchMaps || []).push(record);
      let pending = false;
      this.on('layeradd', (event) => {
        const layer = event.layer;
        if (!(layer instanceof L.Path || layer instanceof L.Marker)) return;
        record.features += 1;
        record.lastAddAt = now();
        record.paintedAt = null;
        if (!pending) {
          pending = true;
          // rAF runs just before the next frame is drawn; a task queued from it runs after.
          requestAnimationFrame(() => setTimeout(() => {
            pending = false;
            record.paintedAt = now();
            if (record.firstPaintedAt === null) record.firstPaintedAt = record.paintedAt;
          }, 0));
        }
      });
    });
  };
  Object.defineProperty(window, 'L', {
    configurable: true, enumerable: true,
    get() { return leaflet; },
    set(value) { leaflet = value; try { hook(value); } catch (e) {} },
  });
})();
"""

STATE_SCRIPT = """() => ({
  now: performance.now(),
  bench: window.__bench || null,
  map: (window.__benchMaps || []).slice(-1)[0] || null,
  maps: (window.__benchMaps || []).length,
  firstPaint: ((window.__benchMaps || []).find(m => m.firstPaintedAt !== null) || {}).firstPaintedAt ?? null,
})"""

HTTP_BYTES_SCRIPT = """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
    .reduce((sum, entry) => sum + (entry.transferSize || 0), 0)"""

ERRORS_SCRIPT = """() => [...document.querySelectorAll('[data-testid="stException"]')]
    .map(e => e.innerText.trim().slice(0, 300))"""


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def measure_load(
    page: Any, url: str, *, timeout_s: float, quiet_s: float, poll_s: float = 0.1, expect_map: bool = True
) -> dict:
    """Open ``url`` in ``page`` and measure it (see the module's docstring); a page without a
    Leaflet map (``expect_map`` False: the presentation) is settled once its runs are quiet.

    Returns
    -------
    dict
        Times in seconds from the navigation's start: ``runs`` (each script run's start, end,
        duration, status and bytes), ``server_s`` (the first run's duration), ``server_total_s``
        (all runs), ``settled_s`` (last run ended and map painted), ``map_drawn_s`` (its
        last painting), ``map_first_drawn_s`` (its first), ``map_features``; sizes in bytes: ``ws_bytes``, ``map_bytes``, ``http_bytes``; ``errors``
        (texts of exceptions shown on the page); ``timeout`` (True when the load did not settle
        within ``timeout_s``, with what was seen by then).
    """
    started = time.monotonic()
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    state: dict = {}
    errors: list[str] = []
    timed_out = True
    last_change, last_signature = time.monotonic(), None
    while time.monotonic() - started < timeout_s:
        page.wait_for_timeout(poll_s * 1000)
        state = page.evaluate(STATE_SCRIPT)
        bench, fmap = state["bench"] or {"runs": []}, state["map"]
        runs = bench["runs"]
        signature = (len(runs), [r["end"] for r in runs], bench.get("messages"), fmap and fmap["features"],
                     fmap and fmap["paintedAt"])  # fmt: skip
        if signature != last_signature:
            last_signature, last_change = signature, time.monotonic()
        running = not runs or any(r["end"] is None for r in runs)
        map_done = fmap is not None and fmap["features"] > 0 and fmap["paintedAt"] is not None
        quiet = time.monotonic() - last_change
        if running:
            continue
        if map_done and quiet >= quiet_s:
            timed_out = False
            break
        # No map (yet): an error on the page ends the wait early; otherwise give the map's iframe
        # a while to load after the script has finished before concluding there is no map.
        errors = page.evaluate(ERRORS_SCRIPT)
        if not map_done and quiet >= (quiet_s if errors or not expect_map else max(quiet_s, 20.0)):
            timed_out = False
            break
    bench, fmap = state.get("bench") or {"runs": []}, state.get("map")
    if not errors:
        try:
            errors = page.evaluate(ERRORS_SCRIPT)
        except Exception:  # the page may be gone after a timeout
            errors = []
    http_bytes = 0
    for frame in page.frames:
        with contextlib.suppress(Exception):  # a frame detached meanwhile
            http_bytes += frame.evaluate(HTTP_BYTES_SCRIPT)
    runs = [
        {
            "start_s": _round(r["start"] / 1000),
            "end_s": _round(r["end"] / 1000 if r["end"] is not None else None),
            "duration_s": _round((r["end"] - r["start"]) / 1000 if r["end"] is not None else None),
            "status": r["status"],
            "bytes": r["bytes"],
        }
        for r in bench["runs"]
    ]
    finished = [r for r in runs if r["duration_s"] is not None]
    map_drawn = fmap["paintedAt"] / 1000 if fmap and fmap["features"] and fmap["paintedAt"] is not None else None
    ends = [r["end_s"] for r in finished] + ([map_drawn] if map_drawn is not None else [])
    return {
        "url": url,
        "timeout": timed_out,
        "elapsed_s": _round(time.monotonic() - started),
        "runs": runs,
        "server_s": finished[0]["duration_s"] if finished else None,
        "server_total_s": _round(sum(r["duration_s"] for r in finished)) if finished else None,
        "first_run_end_s": finished[0]["end_s"] if finished else None,
        "settled_s": _round(max(ends)) if ends and not timed_out else None,
        "map_drawn_s": _round(map_drawn),
        "map_first_drawn_s": _round(state["firstPaint"] / 1000 if state.get("firstPaint") is not None else None),
        "map_features": fmap["features"] if fmap else 0,
        "maps_created": state.get("maps", 0),
        "ws_bytes": bench.get("bytes", 0),
        "ws_messages": bench.get("messages", 0),
        "map_bytes": bench.get("mapPayload", 0),
        "map_bytes_total": bench.get("mapBytes", 0),
        "map_messages": bench.get("mapMessages", 0),
        "bytes_by_kind": bench.get("kinds", {}),
        "http_bytes": http_bytes,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.browser", description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--load", action="append", required=True, metavar="LABEL=PATH", help="a load, in order")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per load")
    parser.add_argument("--quiet", type=float, default=1.5, help="seconds without change that end a load")
    parser.add_argument("--screenshot", help="PNG of the page after the first load")
    parser.add_argument("--no-map", action="store_true", help="the page has no Leaflet map: do not wait for one")
    parser.add_argument("--cookie", help="NAME=VALUE sent with every load (a sign-in, lib.sign_in.COOKIE)")
    parser.add_argument(
        "--series-limit", type=float, default=None, help="skip the remaining loads after one that took longer (s)"
    )
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(json.dumps({"fatal": f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"}))
        return 2
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def note_offsite(request: Any) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme not in {"data", "blob", "about"} and parsed.hostname not in LOCAL_HOSTS:
            blocked.append(request.url)

    init = INIT_SCRIPT.replace("__PROTO__", json.dumps(_proto_fields()))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS + OFFLINE_ARGS)
        context = browser.new_context(viewport=VIEWPORT)  # one context: its HTTP cache is warm after the first load
        context.add_init_script(init)
        context.on("request", note_offsite)
        if args.cookie:
            name, _, value = args.cookie.partition("=")
            context.add_cookies([{"name": name, "value": value, "url": args.base_url}])
        page = context.new_page()
        for index, load in enumerate(args.load):
            label, _, path = load.partition("=")
            try:
                result = measure_load(
                    page, args.base_url + path, timeout_s=args.timeout, quiet_s=args.quiet, expect_map=not args.no_map
                )
            except Exception as error:  # reported, not raised: the run goes on
                result = {"url": args.base_url + path, "timeout": "Timeout" in type(error).__name__,
                          "failure": f"{type(error).__name__}: {str(error).splitlines()[0][:300]}"}  # fmt: skip
            result.update(label=label, blocked=list(blocked))
            blocked.clear()
            if index == 0 and args.screenshot and not result.get("failure"):
                with contextlib.suppress(Exception):  # a screenshot is a nicety
                    page.screenshot(path=args.screenshot, timeout=15_000)
            print(json.dumps(result), flush=True)
            if result.get("timeout") or result.get("failure"):
                break  # the server is still busy with this load; later loads would measure that
            if args.series_limit is not None and result.get("elapsed_s", 0) > args.series_limit:
                break  # e.g. the naive page at 10x: its cold figure is needed, more of the same is not
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
