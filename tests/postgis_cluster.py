"""A throwaway PostgreSQL + PostGIS cluster on 127.0.0.1 for the tests, started and stopped in seconds.

Standard library only: ``.ci/run`` starts the cluster with the system ``python3`` before
``make test`` has created the virtual environment, so SQL goes through the ``psql`` binary.

    python -m tests.postgis_cluster start --dir D [--port P]   # prints export GREAT_RETURN_TEST_DATABASE_URL=...
    python -m tests.postgis_cluster stop --dir D               # stops the server and removes D

The cluster trusts every connection from 127.0.0.1 and nothing else (no Unix socket), and trades
durability for speed (``fsync=off``): it holds test data only. ``initdb`` refuses to run as root, so
as root the server runs as the ``postgres`` user, in a folder given to that user.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DATABASE = "great_return"
TEMPLATE = "great_return_template"  # holds the postgis extension; each test database is a copy
SUPERUSER = "postgres"
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "unix_socket_directories": "",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
}
DEBIAN_PACKAGES = "postgresql-15 postgresql-15-postgis-3"
_MARKER = "great_return_cluster.json"  # written first: stop() removes only folders that hold it
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def bin_dir() -> Path | None:
    """The folder of the PostgreSQL server binaries: Debian's newest with PostGIS, else the ``PATH``'s."""
    debian = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p).parent.name.isdigit()]
    candidates = sorted(debian, key=lambda p: int(p.parent.name), reverse=True)
    if found := shutil.which("pg_ctl"):
        candidates.append(Path(found).resolve().parent)
    usable = [c for c in candidates if (c / "initdb").is_file() and (c / "pg_ctl").is_file()]
    with_postgis = [c for c in usable if _postgis_control(c)]
    return (with_postgis or usable or [None])[0]


def _postgis_control(binaries: Path) -> Path | None:
    try:
        share = subprocess.run(
            [binaries / "pg_config", "--sharedir"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    control = Path(share) / "extension" / "postgis.control"
    return control if control.is_file() else None


def unavailable_reason() -> str | None:
    """Why a cluster cannot be started on this machine, or None when it can."""
    install = f"install them: apt-get install {DEBIAN_PACKAGES}"
    binaries = bin_dir()
    if binaries is None:
        return f"PostgreSQL server binaries (initdb, pg_ctl) not found ({install})"
    missing = [name for name in ("postgres", "psql", "pg_config") if not (binaries / name).is_file()]
    if missing:
        return f"{', '.join(missing)} missing from {binaries} ({install})"
    if _postgis_control(binaries) is None:
        return f"the PostGIS extension is not installed for the PostgreSQL in {binaries} ({install})"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SUPERUSER)
        except KeyError:
            return f"running as root, and there is no '{SUPERUSER}' user to run the server as (initdb refuses root)"
        if shutil.which("runuser") is None:
            return "running as root, and runuser (util-linux) is missing to run the server as 'postgres'"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _clean_env() -> dict[str, str]:
    # PGHOST, PGDATABASE... in the caller's environment must not redirect the client binaries.
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")} | {"PGCONNECT_TIMEOUT": "10"}


@dataclass
class Cluster:
    """A running throwaway cluster: its folder, its port and the URL of its ``great_return`` database."""

    directory: Path
    port: int

    @property
    def url(self) -> str:
        return self.database_url(DATABASE)

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run one SQL statement with ``psql`` as the superuser; its unaligned output."""
        command = [bin_dir() / "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"]
        command += ["-p", str(self.port), "-U", SUPERUSER, "-d", database, "-c", statement]
        run = subprocess.run(command, capture_output=True, text=True, env=_clean_env(), timeout=120)
        if run.returncode:
            raise RuntimeError(f"psql failed on {statement!r}: {run.stderr.strip()}")
        return run.stdout.strip()

    def new_database(self, name: str) -> str:
        """Create an empty database with PostGIS, a copy of the template (about 0.1 s); its URL."""
        self.sql(f"CREATE DATABASE {_identifier(name)} TEMPLATE {TEMPLATE}")
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {_identifier(name)} WITH (FORCE)")

    def stop(self) -> None:
        """Stop the server (fast shutdown: open sessions are ended) and remove the folder."""
        stop(self.directory)


def _identifier(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"database name {name!r}: use lower-case letters, digits and _ (at most 63)")
    return name


def _as_server_user(command: list[str | Path]) -> list[str]:
    command = [str(part) for part in command]
    return ["runuser", "-u", SUPERUSER, "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str], what: str, log: Path | None = None) -> None:
    run = subprocess.run(command, capture_output=True, text=True, env=_clean_env(), timeout=180)
    if run.returncode:
        detail = run.stderr.strip() or run.stdout.strip()
        if log is not None and log.is_file():
            detail += "\nserver log:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise RuntimeError(f"{what} failed ({shlex.join(command)}):\n{detail}")


def start(directory: Path | None = None, port: int | None = None, watch_pid: int | None = None) -> Cluster:
    """Create and start a cluster in ``directory`` (empty or absent; default a new folder in the temp dir).

    The cluster listens on 127.0.0.1 at ``port`` (default a free one) and holds the database
    ``great_return`` with PostGIS, and the template every :meth:`Cluster.new_database` copies.
    With ``watch_pid``, a watchdog process stops the cluster once that process has ended, even when
    it was killed before it could stop the cluster itself.
    """
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(f"cannot start a PostGIS cluster here: {reason}")
    if directory is None:
        # Directly under the world-writable temp dir: the postgres user cannot enter a folder
        # below a root-only one such as pytest's tmp_path.
        directory = Path(tempfile.mkdtemp(prefix="great-return-pg-"))
    directory = Path(directory).absolute()
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise RuntimeError(f"{directory} is not empty: a cluster needs a folder of its own")
    (directory / _MARKER).write_text(json.dumps({"created_by": "tests.postgis_cluster"}))
    try:
        return _start(directory, port, watch_pid)
    except BaseException:
        stop(directory)
        raise


def _start(directory: Path, port: int | None, watch_pid: int | None) -> Cluster:
    binaries = bin_dir()
    if os.geteuid() == 0:
        shutil.chown(directory, SUPERUSER, SUPERUSER)
        check = subprocess.run(["runuser", "-u", SUPERUSER, "--", "test", "-w", str(directory)], check=False)
        if check.returncode:
            raise RuntimeError(f"user {SUPERUSER} cannot write into {directory}: a folder above it is closed to it")
    data, log = directory / "data", directory / "server.log"
    initdb = [binaries / "initdb", "-D", data, "--auth=trust", f"--username={SUPERUSER}", "--encoding=UTF8"]
    _run(_as_server_user([*initdb, "--locale=C", "--no-sync", "--no-instructions"]), "initdb")
    with (data / "postgresql.conf").open("a") as conf:
        conf.write("\n# tests.postgis_cluster: a throwaway test cluster\n")
        conf.writelines(f"{key} = '{value}'\n" for key, value in SERVER_SETTINGS.items())
    for attempt in range(3):
        chosen = port or _free_port()
        try:
            pg_ctl = [binaries / "pg_ctl", "start", "-D", data, "-l", log, "-w", "-t", "60", "-s", "-o", f"-p {chosen}"]
            _run(_as_server_user(pg_ctl), "pg_ctl start", log)
            break
        except RuntimeError as problem:
            # Another program may have taken the free port between the probe and the start.
            if port or attempt == 2 or "already in use" not in str(problem):
                raise
    cluster = Cluster(directory, chosen)
    cluster.sql(f"CREATE DATABASE {TEMPLATE}")
    cluster.sql("CREATE EXTENSION postgis", database=TEMPLATE)
    cluster.sql(f"ALTER DATABASE {TEMPLATE} WITH IS_TEMPLATE true")
    cluster.new_database(DATABASE)
    state = {"created_by": "tests.postgis_cluster", "port": chosen, "url": cluster.url}
    if watch_pid is not None:
        watchdog = subprocess.Popen(
            [sys.executable, __file__, "watch", "--dir", str(directory), "--pid", str(watch_pid)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # survives a signal to the test run's process group
        )
        state["watchdog_pid"] = watchdog.pid
    (directory / _MARKER).write_text(json.dumps(state))
    return cluster


def stop(directory: Path) -> None:
    """Stop the cluster in ``directory`` if it runs, and remove the folder (only one this module made)."""
    directory = Path(directory).absolute()
    marker = directory / _MARKER
    if not directory.exists():
        return
    if not marker.is_file():
        if any(directory.iterdir()):
            raise RuntimeError(f"{directory} holds no cluster made by tests.postgis_cluster: left as it is")
        directory.rmdir()
        return
    state = json.loads(marker.read_text() or "{}")
    data = directory / "data"
    if (data / "postmaster.pid").is_file():
        pg_ctl = [bin_dir() / "pg_ctl", "stop", "-D", data, "-m", "fast", "-w", "-t", "60", "-s"]
        _run(_as_server_user(pg_ctl), "pg_ctl stop")
    watchdog = state.get("watchdog_pid")
    if watchdog and watchdog != os.getpid():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(watchdog, 15)
    shutil.rmtree(directory)


def _watch(directory: Path, pid: int) -> None:
    while (directory / _MARKER).is_file():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            stop(directory)
            return
        except PermissionError:
            pass  # alive, owned by another user
        time.sleep(2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.postgis_cluster", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start_command = commands.add_parser("start", help="start a cluster; print the export line for the tests")
    start_command.add_argument("--dir", type=Path, required=True, help="an empty or absent folder")
    start_command.add_argument("--port", type=int, help="default: a free port")
    stop_command = commands.add_parser("stop", help="stop the cluster and remove its folder")
    stop_command.add_argument("--dir", type=Path, required=True)
    watch_command = commands.add_parser("watch", help=argparse.SUPPRESS)
    watch_command.add_argument("--dir", type=Path, required=True)
    watch_command.add_argument("--pid", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            cluster = start(args.dir, args.port)
            print(f"export GREAT_RETURN_TEST_DATABASE_URL={shlex.quote(cluster.url)}")
        elif args.command == "stop":
            stop(args.dir)
        else:
            _watch(args.dir, args.pid)
    except RuntimeError as problem:
        print(f"postgis_cluster {args.command}: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
