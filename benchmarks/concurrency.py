"""Many sessions opening a page at once, driven by Streamlit's own websocket protocol.

A browser session of a Streamlit app is one websocket (``/_stcore/stream``): the browser sends a
``BackMsg`` asking for a script run (``rerun_script`` with the page's query string), the server
runs the script in a thread of its own for that session and streams ``ForwardMsg`` protobufs
back: ``new_session`` when the run starts, the page's elements (``delta``), ``script_finished``
when it ends. This module opens such sessions itself (the ``websockets`` client, Streamlit's
protobuf classes), so the measuring costs the 2 cores almost nothing: 20 Chromium pages would
spend most of the machine drawing 20 maps, and their drawing would be what slows the server.
What it cannot see is what a browser does after the script run (the map drawn in its iframe,
``st_folium`` sending the map's state back, which reruns the page); the browser benchmark
measures those.

Per session it records, on this process's clock: when the request was sent, when ``new_session``
came back (the script run started) and when ``script_finished`` came back (everything the run
sent has arrived). **Server time per session** is request sent → ``script_finished`` received:
the wait of a user whose browser asked at the same moment as the others, including the time
spent waiting for the cores and the interpreter lock that the other sessions hold.

A scenario (:func:`measure`): start one or more ``streamlit run`` servers on the same store;
open one session on each alone (its server's caches are empty: this fills them, the *cold* run),
then one more alone (the *warm alone* reference); then all sessions at once, spread evenly over
the servers, each sent its request in the same instant (after every websocket is connected).
"""

from __future__ import annotations

import asyncio
import math
import time
from pathlib import Path
from statistics import median

from benchmarks.data import PROJECT_ROOT
from benchmarks.server import StreamlitServer


def _protocol():
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    return BackMsg, ForwardMsg


def _request(base_url: str, path: str) -> bytes:
    """The ``BackMsg`` a browser sends first: run the page at ``path`` (query string included)."""
    back_msg, _ = _protocol()
    message = back_msg()
    page, _, query = path.partition("?")
    state = message.rerun_script
    state.query_string = query
    state.page_name = page.strip("/")
    state.context_info.timezone = "UTC"
    state.context_info.timezone_offset = 0
    state.context_info.locale = "en-US"
    state.context_info.url = base_url + path
    return message.SerializeToString()


class Session:
    """One websocket session of a Streamlit server."""

    def __init__(self, base_url: str, path: str, cookie: str | None = None):
        self.base_url, self.path, self.cookie = base_url, path, cookie
        self.socket = None
        self.result: dict = {"server": base_url}

    async def connect(self, clock: float) -> None:
        from websockets.asyncio.client import connect

        started = time.perf_counter()
        ws_url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        # max_size=None: a page's messages (the map's) exceed the client's 1 MiB default
        headers = {"Cookie": self.cookie} if self.cookie else None  # a signed-in browser's cookie
        self.socket = await connect(
            ws_url, subprotocols=["streamlit"], max_size=None, compression=None, additional_headers=headers
        )
        self.result["connect_s"] = round(time.perf_counter() - started, 4)
        self.clock = clock

    async def run(self, timeout_s: float) -> dict:
        """Ask for the page and read until its script run has finished (or ``timeout_s``)."""
        _, forward_msg = _protocol()
        result = self.result
        result.update(bytes=0, messages=0, exceptions=[], status=None, timeout=False)
        sent = time.perf_counter()
        await self.socket.send(_request(self.base_url, self.path))
        result["sent_s"] = round(sent - self.clock, 4)
        try:
            async with asyncio.timeout(timeout_s):
                async for data in self.socket:
                    now = time.perf_counter()
                    result["bytes"] += len(data)
                    result["messages"] += 1
                    message = forward_msg.FromString(data)
                    kind = message.WhichOneof("type")
                    if kind == "new_session" and "new_session_s" not in result:
                        result["new_session_s"] = round(now - self.clock, 4)
                    elif kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
                        exception = message.delta.new_element.exception
                        result["exceptions"].append(f"{exception.type}: {exception.message}"[:300])
                    elif kind == "script_finished":
                        status = forward_msg.ScriptFinishedStatus.Name(message.script_finished)
                        if status == "FINISHED_EARLY_FOR_RERUN":
                            continue  # the page asked for a rerun: the session waits for that one too
                        result["status"] = status
                        result["finished_s"] = round(now - self.clock, 4)
                        result["server_s"] = round(now - sent, 4)
                        if "new_session_s" in result:
                            result["run_s"] = round(now - self.clock - result["new_session_s"], 4)
                        break
        except TimeoutError:
            result["timeout"] = True
        finally:
            await self.socket.close()
        return result


async def _sessions(targets: list[tuple[str, str]], timeout_s: float, cookie: str | None) -> list[dict]:
    clock = time.perf_counter()
    sessions = [Session(base_url, path, cookie) for base_url, path in targets]
    await asyncio.gather(*(s.connect(clock) for s in sessions))
    # every socket is open: now all requests go out together
    return list(await asyncio.gather(*(s.run(timeout_s) for s in sessions)))


def open_sessions(targets: list[tuple[str, str]], timeout_s: float = 120, cookie: str | None = None) -> list[dict]:
    """Open a session per ``(base_url, path)`` at once, sending ``cookie`` (``name=value``: a
    sign-in) when given; each one's timings (see :class:`Session`)."""
    return asyncio.run(_sessions(targets, timeout_s, cookie))


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least ``share`` of them at or below it
    (of 20 values, the 95th percentile is the 19th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(sessions: list[dict]) -> dict:
    finished = [s for s in sessions if s.get("server_s") is not None and not s.get("timeout")]
    times = [s["server_s"] for s in finished]
    problems = [e for s in sessions for e in s.get("exceptions", [])]
    return {
        "sessions": len(sessions),
        "finished": len(finished),
        "server_s_median": round(median(times), 3) if times else None,
        "server_s_p95": round(percentile(times, 0.95), 3) if times else None,
        "server_s_max": round(max(times), 3) if times else None,
        "run_s_median": round(median([s["run_s"] for s in finished if "run_s" in s]), 3) if finished else None,
        "all_done_s": round(max(s["finished_s"] for s in finished) - min(s["sent_s"] for s in sessions), 3)
        if finished
        else None,
        "mb_per_session": round(median([s["bytes"] for s in finished]) / 1e6, 3) if finished else None,
        "timeouts": sum(1 for s in sessions if s.get("timeout")),
        "exceptions": problems[:3],
    }


def measure(
    name: str,
    env: dict[str, str],
    *,
    processes: int = 1,
    sessions: int = 20,
    path: str = "/",
    timeout_s: float = 120,
    log=print,
) -> dict:
    """One scenario: ``processes`` servers on the store named in ``env``, ``sessions`` sessions
    opening ``path`` at once, spread evenly over them, after each server's caches were filled.

    Returns the scenario's figures (:func:`summary` of the sessions at once, the cold and warm
    runs alone, each server's peak memory) and every session's timings (``sessions``).
    """
    result: dict = {"name": name, "processes": processes, "path": path, "sessions_at_once": sessions}
    started = time.perf_counter()
    servers: list[StreamlitServer] = []
    try:
        for number in range(processes):
            server = StreamlitServer(PROJECT_ROOT / "app.py", env, name=f"concurrency_{name}_{number + 1}")
            servers.append(server.__enter__())
        result["server_logs"] = [str(Path(s.log_path).relative_to(PROJECT_ROOT)) for s in servers]
        cold, warm = [], []
        for server in servers:
            cold += open_sessions([(server.url, path)], timeout_s)
            warm += open_sessions([(server.url, path)], timeout_s)
        result["cold_alone_s"] = [s.get("server_s") for s in cold]
        result["warm_alone_s"] = [s.get("server_s") for s in warm]
        targets = [(servers[i % processes].url, path) for i in range(sessions)]
        at_once = open_sessions(targets, timeout_s)
        result.update(summary(at_once))
        result["warm_alone_problems"] = [e for s in cold + warm for e in s.get("exceptions", [])][:3]
        result["sessions"] = at_once
        result["peak_rss_mb"] = [s.peak_rss_mb() for s in servers]
    except (RuntimeError, TimeoutError) as problem:  # a server did not start
        result["failure"] = " ".join(str(problem).split())[:400]
    finally:
        for server in servers:
            server.stop()
    result["wall_s"] = round(time.perf_counter() - started, 1)
    log(
        f"  {name:<22}"
        + (
            f"failed: {result['failure']}"
            if "failure" in result
            else f"warm alone {_seconds(result['warm_alone_s'])}; {sessions} at once: median {result['server_s_median']} s, "
            f"p95 {result['server_s_p95']} s, all done {result['all_done_s']} s; "
            f"RSS {', '.join(f'{m:.0f}' for m in result['peak_rss_mb'] if m)} MB  ({result['wall_s']:.0f} s)"
        )
    )
    return result


def _seconds(values: list[float | None]) -> str:
    return ", ".join("–" if v is None else f"{v:.2f} s" for v in values)
