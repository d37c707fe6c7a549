"""Command line: ``python -m lib.cli build-demo | import | history | restore | db-init | db-load | schema-doc | accounts | export``.

Every command works on the configured store (the GeoPackage, or PostGIS when
``GREAT_RETURN_DATABASE_URL`` is set): see the README's *Configuration*.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

from lib import accounts
from lib.access import ACCOUNT_ROLES, COORDINATOR
from lib.boundaries import BoundariesUnavailable
from lib.config import GEODATA_DIR, get_settings
from lib.store import ConflictError, InvalidDataError, StoreBusy, StoreNotReady, VersionedStore, open_store


def _progress(message: str, share: float) -> None:
    print(f"[{share:4.0%}] {message}", flush=True)


def build_demo_command(args) -> int:
    from lib.build import build_store

    settings = get_settings()
    if args.if_missing and settings.database_url and not args.out:
        # `make run` builds the embedded data; a database is filled on purpose, with db-load
        print("A database is configured (GREAT_RETURN_DATABASE_URL): not building demonstration data into it.")
        print("Fill it with `python -m lib.cli db-init` and `python -m lib.cli db-load FILE.gpkg` (README).")
        return 0
    store = _store(args.out)
    if getattr(store, "needs_migration", lambda: False)():
        store.migrate()
    if args.if_missing and store.exists():
        print(
            f"{store.key} has data (version {store.data_version()}); keeping it (run without --if-missing to rebuild)."
        )
        return 0
    started = time.perf_counter()
    try:
        store = build_store(settings, seed=args.seed, scale=args.scale, progress=_progress, store=store)
    except BoundariesUnavailable as error:
        print(f"Cannot build the data: {error}", file=sys.stderr)
        return 2
    except InvalidDataError as error:
        print(f"The generated data failed validation (a bug): {error}", file=sys.stderr)
        return 3
    size = f" ({store.path.stat().st_size / 1e6:.1f} MB)" if hasattr(store, "path") else ""
    print(f"Wrote {store.key}{size} in {time.perf_counter() - started:.1f} s, data version {store.data_version()}")
    return 0


def _store(gpkg: str | None = None) -> VersionedStore:
    """The configured store, or the GeoPackage at ``gpkg`` when one is named."""
    if gpkg:
        from lib.store_gpkg import GeoPackageStore

        return GeoPackageStore(Path(gpkg))
    return open_store(get_settings())


def history_command(args) -> int:
    store = _store(args.store)
    history = store.history()
    if history.empty:
        print(f"{store.key} has no data versions yet.")
        return 0
    shown = history.head(args.limit)
    print(f"Data versions of {store.key}, newest first (changes per layer: +added ~changed -removed):")
    for row in shown.itertuples():
        restored = f" (restored version {row.restored_from})" if pd.notna(row.restored_from) else ""
        print(f"\n{row.version:>5}  {row.created_at}  {row.created_by}  {row.action}{restored}: {row.note}")
        if row.changes:
            print(f"       {row.changes}")
    if len(history) > len(shown):
        print(f"\n… {len(history) - len(shown)} older versions (--limit to see more)")
    return 0


def restore_command(args) -> int:
    store = _store(args.store)
    try:
        before = store.data_version()
        version = store.restore(args.version, note=args.note)
    except KeyError as error:
        print(f"Cannot restore: {error.args[0]}", file=sys.stderr)
        return 2
    except (ConflictError, StoreBusy, StoreNotReady) as error:
        print(f"Cannot restore: {error}", file=sys.stderr)
        return 3
    if version == before:
        print(f"The data already is as it was at version {args.version}; nothing to restore.")
        return 0
    changes = store.history().iloc[0]["changes"]
    print(f"Restored version {args.version} as the new version {version} ({changes}). Version {before} is kept.")
    return 0


def schema_doc_command(args) -> int:
    from lib.schema import schema_markdown

    Path(args.out).write_text(schema_markdown() + "\n", encoding="utf-8")
    print(f"Wrote {args.out}")
    return 0


def db_init_command(args) -> int:
    """Create or migrate the configured store's schema (PostGIS) or layout (GeoPackage)."""

    settings = get_settings()
    try:
        if settings.database_url:
            from lib.store_postgis import MIGRATIONS, PostGISStore

            store = PostGISStore(settings.database_url)
            applied = store.migrate()
            for migration in applied:
                print(f"Applied migration {migration.number}: {migration.description}")
            print(f"{store.key}: schema at migration {MIGRATIONS[-1].number}" + ("" if applied else ", nothing to do"))
            store.dispose()
        else:
            from lib.store_gpkg import GeoPackageStore

            store = GeoPackageStore(settings.store_path)
            if store.migrate():
                print(f"{store.path}: moved into the versioned layout as data version {store.data_version()}")
            else:
                print(f"{store.path}: already in the versioned layout (or not created yet), nothing to do")
    except StoreNotReady as problem:
        print(f"Cannot migrate: {problem}", file=sys.stderr)
        return 2
    return 0


def _is_geopackage(path: Path) -> bool:
    """A GeoPackage is an SQLite file with GeoPackage's own table of contents."""
    import sqlite3

    try:
        with path.open("rb") as file:
            if file.read(16) != b"SQLite format 3\x00":
                return False
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return bool(connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_contents'").fetchone())
    except (OSError, sqlite3.DatabaseError):
        return False


def db_load_command(args) -> int:
    """Copy a GeoPackage store's current layers into the configured database as one new version."""
    import hashlib

    from lib.store import SourceFile
    from lib.store_gpkg import GeoPackageStore
    from lib.store_postgis import PostGISStore

    settings = get_settings()
    if not settings.database_url:
        print(
            "No database configured: set GREAT_RETURN_DATABASE_URL (or database_url in the settings).", file=sys.stderr
        )
        return 2
    path = Path(args.gpkg)
    if not path.is_file():
        print(f"{path} does not exist.", file=sys.stderr)
        return 2
    started = time.perf_counter()
    if not _is_geopackage(path):
        print(f"{path} is not a GeoPackage (.gpkg): nothing was loaded.", file=sys.stderr)
        return 2
    source = GeoPackageStore(path)
    # A GeoPackage without versions (the unversioned layout, or layers written by another tool) is
    # read as it is: the file is never modified here.
    legacy = source.needs_migration() or not source.exists()
    names = source.layer_names()
    if not names:
        print(
            f"{path} holds none of the dashboard's layers (see geodata/SCHEMA.md): nothing was loaded.", file=sys.stderr
        )
        return 2
    layers = {}
    for number, name in enumerate(names):
        _progress(f"reading {name}", number / (len(names) + 1))
        layers[name] = source._legacy_layer(name) if legacy else source.read_layer(name)
    metadata = source._legacy_tables()[0] if legacy else source.metadata()
    for key in ("data_version", "updated_at"):
        metadata.pop(key, None)
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    rows = sum(len(frame) for frame in layers.values())
    _progress(
        f"checking and writing {rows:,} rows of {len(layers)} layers as one version", len(names) / (len(names) + 1)
    )
    store = PostGISStore(settings.database_url)
    try:
        before = store.data_version()
        version = store.write_layers(
            layers,
            note=f"loaded from {path.name}",
            metadata=metadata,
            action="load",
            source=SourceFile(path.name, digest.hexdigest()),
            # checked like any import (about 3 s of the 30 of a load at 100x): the file may have
            # been edited outside the dashboard, and the database serves everyone
            validate=True,
        )
    except InvalidDataError as error:
        print(f"{path} has data that fails validation: {error}", file=sys.stderr)
        return 3
    except (ConflictError, StoreBusy, StoreNotReady) as error:
        print(f"Cannot load {path}: {error}", file=sys.stderr)
        return 3
    finally:
        store.dispose()
    if version == before:
        _progress(f"{store.key} already holds exactly the data of {path.name}; nothing was written", 1)
        return 0
    _progress(
        f"loaded {path.name} into {store.key} as data version {version} in {time.perf_counter() - started:.1f} s", 1
    )
    return 0


def import_command(args) -> int:
    """Check a file as rows of a layer (or each layer it names) and print the preview; with
    ``--commit``, write it.

    Exit 0 when the file is valid (and, with ``--commit``, written); 1 when it has problems or
    cannot be written, and then the store is untouched.
    """
    from lib.i18n import Translator
    from lib.import_read import ReadOptions
    from lib.import_report import change_lines, counts_line, detected_lines, problems_of, records_lines
    from lib.importing import IMPORTABLE_LAYERS, commit_imports, prepare_imports

    t = Translator(args.lang)
    path = Path(args.file)
    if not path.is_file():
        print(t("cli_import.no_file", path=str(path)), file=sys.stderr)
        return 2
    options = ReadOptions(
        encoding=args.encoding,
        separator=args.separator,
        decimal=args.decimal,
        date_order=args.date_order,
        crs=args.crs,
        swap_xy=args.swap_xy,
        source_layer=args.source_layer,
    )
    if args.layer and args.layer not in IMPORTABLE_LAYERS:
        print(t("cli_import.unknown_layer", layer=args.layer, layers=", ".join(IMPORTABLE_LAYERS)), file=sys.stderr)
        return 2
    districts = [d.strip() for d in (args.replace_districts or "").split(",") if d.strip()]
    store = _store(args.store)
    previews = prepare_imports(
        store,
        [args.layer] if args.layer else None,
        path.read_bytes(),
        path.name,
        options=options,
        mode="replace" if districts else "upsert",
        districts=districts,
        apply=args.apply_repair or (),
        progress=lambda share, code: _progress(t(code), share) if args.verbose else None,
    )
    if not previews:
        print(t("cli_import.layer_needed", layers=", ".join(IMPORTABLE_LAYERS)), file=sys.stderr)
        return 2
    for line in detected_lines(previews[0].file, t) + records_lines(previews, t):
        print(line)
    problems = []
    for preview in previews:
        for notice in preview.notices:
            print(notice.describe(t))
        problems += preview.problems
    if problems:
        table = problems_of(previews, t)
        print(t("cli_import.problems", count=len(problems)), file=sys.stderr)
        for record in table.itertuples(index=False):
            print(
                "  " + " · ".join(str(value) for value in record[1:] if pd.notna(value) and str(value)), file=sys.stderr
            )
        for repair in [repair for preview in previews for repair in preview.repairs]:
            print(t("cli_import.repair_offered", code=repair.code), file=sys.stderr)
        if args.problems_csv:
            from lib.exports import to_csv

            Path(args.problems_csv).write_bytes(to_csv(table))
        print(t("cli_import.nothing_written"), file=sys.stderr)
        return 1
    for preview in previews:
        print(counts_line(preview, t))
        for line in change_lines(preview, t, limit=args.limit):
            print("  " + line)
    if not args.commit:
        print(t("cli_import.dry_run"))
        return 0
    if all(preview.changes_nothing for preview in previews):
        print(t("cli_import.unchanged"))
        return 0
    try:
        version = commit_imports(store, previews, author=args.author, note=args.note)
    except (ConflictError, StoreBusy, InvalidDataError) as error:
        print(t("cli_import.not_written", reason=str(error)), file=sys.stderr)
        return 1
    print(t("cli_import.written", version=version))
    return 0


def _new_password(args) -> str:
    """The password from standard input (``--password-stdin``, one line) or typed twice at a prompt."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass
    import warnings

    try:
        with warnings.catch_warnings():  # without a terminal the refusal below says it plainly
            warnings.simplefilter("ignore", getpass.GetPassWarning)
            password = getpass.getpass(f"Password for {args.username}: ")
            again = getpass.getpass("The same password again: ")
    except EOFError:  # no terminal to type it at (a script, a pipe)
        raise accounts.AccountError("no password was typed: give it with --password-stdin") from None
    if again != password:
        raise accounts.AccountError("the two passwords differ")
    return password


def _districts(values: list[str] | None) -> list[str] | None:
    """District codes given as ``AZ-LAC AZ-KAL`` or ``AZ-LAC,AZ-KAL``, upper case."""
    if values is None:
        return None
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


def _known_districts(gpkg: str | None) -> set[str]:
    """The return-area district codes of the store (of the project's district list while it has no
    data): a coordinator answers for districts the dashboard follows."""
    try:
        districts = _store(gpkg).read_layer("districts", geometry=False, columns=["district_id", "economic_region"])
    except StoreNotReady:
        print("(The store has no data yet: districts checked against geodata/districts.csv.)", file=sys.stderr)
        districts = pd.read_csv(GEODATA_DIR / "districts.csv", usecols=["district_id", "economic_region"])
    return set(districts.loc[districts["economic_region"].notna(), "district_id"])


def _check_account_change(args, districts: list[str] | None) -> None:
    """Refuse a role that no account may have and district codes the store does not know."""
    if args.role is not None and args.role not in ACCOUNT_ROLES:
        raise accounts.AccountError(f"unknown role {args.role!r}; an account is one of {', '.join(ACCOUNT_ROLES)}")
    if districts:
        unknown = sorted(set(districts) - _known_districts(args.store))
        if unknown:
            raise accounts.AccountError(
                f"not a return-area district: {', '.join(unknown)} (codes look like AZ-LAC; see geodata/districts.csv)"
            )
    if districts and args.role not in (None, COORDINATOR):
        print(f"Note: districts ignored; an account of role {args.role} reads every district.")


def _describe(account: accounts.Account) -> str:
    where = f" for {', '.join(account.districts)}" if account.districts else ""
    return f"{account.username} ({account.display_name or 'no name'}): {account.role}{where}"


def accounts_command(args) -> int:
    path = Path(args.file).expanduser() if args.file else Path(get_settings().accounts_file).expanduser()
    try:
        if args.action == "list":
            found = accounts.load(path)
            if not found:
                print(f"No accounts in {path} yet (add one with `accounts add`).")
                return 0
            print(f"Accounts in {path}:")
            for account in found.values():
                email = f", {account.email}" if account.email else ""
                state = "  DISABLED" if account.disabled else ""
                print(f"  {_describe(account)}{email}{state}")
            return 0
        if args.action == "add":
            districts = _districts(args.districts) or []
            _check_account_change(args, districts)
            account = accounts.add(
                args.username,
                _new_password(args),
                args.role,
                districts,
                display_name=args.name or "",
                email=args.email,
                path=path,
            )
            print(f"Added {_describe(account)}.")
        elif args.action == "set":
            districts = _districts(args.districts)
            _check_account_change(args, districts)
            account = accounts.set_role(
                args.username, args.role, districts, display_name=args.name, email=args.email, path=path
            )
            print(f"Now {_describe(account)}.")
        elif args.action in ("disable", "enable"):
            accounts.set_disabled(args.username, args.action == "disable", path=path)
            print(f"{args.action.capitalize()}d {accounts.normalise_username(args.username)}.")
        elif args.action == "reset-password":
            if accounts.normalise_username(args.username) not in accounts.load(path):
                raise accounts.AccountError(f"no account {accounts.normalise_username(args.username)!r}")
            accounts.reset_password(args.username, _new_password(args), path=path)
            print(f"New password set for {accounts.normalise_username(args.username)}.")
    except accounts.AccountError as refused:
        print(f"Refused: {refused}.", file=sys.stderr)
        return 1
    return 0


def _accounts_parser(commands) -> None:
    parser = commands.add_parser(
        "accounts", help="manage the local accounts: add, list, disable, enable, reset-password, set"
    )
    parser.add_argument("--file", default=None, help="the accounts file (default: setting accounts_file)")
    actions = parser.add_subparsers(dest="action", required=True)
    roles = "one of " + ", ".join(ACCOUNT_ROLES)

    def account(name: str, help: str):
        action = actions.add_parser(name, help=help)
        action.add_argument("username")
        return action

    def describing(action, role_required: bool) -> None:
        action.add_argument("--role", required=role_required, help=roles)
        action.add_argument(
            "--districts",
            nargs="+",
            metavar="AZ-LAC",
            help="a coordinator's district codes (AZ-LAC AZ-KAL or AZ-LAC,AZ-KAL)",
        )
        action.add_argument("--name", default=None, help="the name shown in the sidebar and the audit log")
        action.add_argument("--email", default=None, help="the address an OpenID Connect sign-in arrives with")
        action.add_argument("--store", default=None, help="a GeoPackage whose districts to check against")

    def with_password(action) -> None:
        action.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    add = account("add", "add an account (the password is asked for)")
    describing(add, role_required=True)
    with_password(add)
    actions.add_parser("list", help="list the accounts (never their passwords)")
    account("disable", "stop an account from signing in (kept, can be enabled again)")
    account("enable", "let a disabled account sign in again")
    with_password(account("reset-password", "give an account a new password"))
    describing(account("set", "change an account's role, districts, name or e-mail"), role_required=False)
    parser.set_defaults(run=accounts_command)


def export_command(args) -> int:
    """Write the programme's or a district's briefing (PDF) or map (PNG): public figures, offline."""
    from lib.briefing import UnknownLanguage, briefing_pdf, checked_language
    from lib.export_figures import UnknownDistrict, read_export_layers
    from lib.i18n import Translator
    from lib.static_maps import map_png

    try:
        language = checked_language(args.lang)
        # ISO only: 01/02/2025 is 1 February to a reader of az or ru and 2 January to pandas
        as_of = None if args.as_of is None else pd.Timestamp(date.fromisoformat(args.as_of))
    except UnknownLanguage as error:
        print(f"Cannot export: {error}", file=sys.stderr)
        return 2
    except ValueError:
        print(f"Cannot export: --as-of {args.as_of!r} is not a day (write it as YYYY-MM-DD)", file=sys.stderr)
        return 2
    problem = _export_problem(args, as_of)
    if problem:
        print(f"Cannot export: {problem}", file=sys.stderr)
        return 2
    layers, data_date = read_export_layers(_store(args.store))
    if as_of is not None and as_of > pd.Timestamp(data_date):
        print(f"Note: the data end on {data_date}; the {args.what} shows that day, not {as_of.date()}.")
    try:
        if args.what == "briefing":
            content = briefing_pdf(layers, data_date, args.district, language, as_of)
        else:
            content = map_png(layers, as_of, data_date, Translator(language), args.district, args.width, args.height)
    except UnknownDistrict as error:
        print(f"Cannot export: {error.args[0]}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.write_bytes(content)  # only once the whole file is made: a failed export leaves no file
    shown = pd.Timestamp(data_date) if as_of is None else min(as_of, pd.Timestamp(data_date))
    place = args.district or "the programme"
    print(f"Wrote {out} ({len(content) / 1e3:.0f} kB): the {args.what} of {place} on {shown.date()} in {language}")
    return 0


# The smallest map worth drawing: its title, legend and sources need room.
SMALLEST_MAP_PX = (640, 360)


def _export_problem(args, as_of) -> str | None:
    """What is wrong with an export's arguments before any work is done (None: nothing)."""
    from lib.filters import EARLIEST_DAY

    out = Path(args.out)
    suffix = {"briefing": ".pdf", "map": ".png"}[args.what]
    if out.suffix.lower() != suffix:
        return f"--out {args.out!r}: a {args.what} is written as {suffix[1:].upper()}; name the file *{suffix}"
    if not out.parent.is_dir():
        return f"--out {args.out!r}: the folder {str(out.parent)!r} does not exist"
    if as_of is not None and as_of < pd.Timestamp(EARLIEST_DAY):
        return f"--as-of {as_of.date()} is before the programme began ({EARLIEST_DAY}); give a later day"
    if args.what == "map" and (args.width < SMALLEST_MAP_PX[0] or args.height < SMALLEST_MAP_PX[1]):
        return f"--width {args.width} --height {args.height}: a map needs at least {SMALLEST_MAP_PX[0]}x{SMALLEST_MAP_PX[1]} pixels"
    return None


def _export_parser(commands) -> None:
    parser = commands.add_parser(
        "export", help="write a briefing (PDF) or a map (PNG) of the programme or a district, public figures"
    )
    kinds = parser.add_subparsers(dest="what", required=True)
    for what, suffix, help in (
        ("briefing", "pdf", "headline figures, the map, charts and sources as a PDF"),
        ("map", "png", "the map as a PNG image (1920x1080 unless --width/--height)"),
    ):
        kind = kinds.add_parser(what, help=help)
        kind.add_argument("--district", default=None, metavar="AZ-XXX", help="a return-area district (default: all)")
        kind.add_argument("--lang", default="az", help="az, en or ru (default az)")
        kind.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="the day shown (default: the data date)")
        kind.add_argument("--out", required=True, metavar=f"FILE.{suffix}", help="the file to write")
        kind.add_argument("--store", default=None, help="a GeoPackage to read instead of the configured store")
        if what == "map":
            kind.add_argument("--width", type=int, default=1920, help="pixels (default 1920)")
            kind.add_argument("--height", type=int, default=1080, help="pixels (default 1080)")
        kind.set_defaults(run=export_command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build-demo", help="build the embedded data (real records + demonstration data)")
    build.add_argument("--seed", type=int, default=None, help="random seed (default: setting demo_seed)")
    build.add_argument("--scale", type=float, default=None, help="volume multiplier (default: setting demo_scale)")
    build.add_argument("--out", default=None, help="GeoPackage to write (default: the configured store)")
    build.add_argument("--if-missing", action="store_true", help="do nothing when the store has data")
    build.set_defaults(run=build_demo_command)
    imp = commands.add_parser(
        "import", help="check a file as rows of a layer and show what it would change; --commit writes it"
    )
    imp.add_argument("file", help="GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, CSV or XLSX")
    imp.add_argument(
        "--layer",
        default=None,
        help="the layer the rows belong to (see geodata/SCHEMA.md); without it, every layer or sheet of the file "
        "named like one of the dashboard's layers, written together",
    )
    imp.add_argument("--commit", action="store_true", help="write the rows when the file has no problem")
    imp.add_argument(
        "--replace-districts",
        default=None,
        metavar="AZ-LAC,...",
        help="replace the layer's records in these districts by the file's (default: add or update by id)",
    )
    imp.add_argument("--lang", default="az", choices=["az", "en", "ru"], help="language of the messages")
    imp.add_argument("--encoding", default=None, help="text encoding (default: detected), e.g. cp1251")
    imp.add_argument("--separator", default=None, help="CSV separator (default: detected)")
    imp.add_argument("--decimal", default=None, choices=[".", ","], help="decimal mark (default: detected)")
    imp.add_argument("--date-order", default=None, choices=["dmy", "ymd", "mdy"], help="date order (default: detected)")
    imp.add_argument("--crs", default=None, help="the CRS of the coordinates, e.g. EPSG:32638 (default: the file's)")
    imp.add_argument("--swap-xy", default=None, action=argparse.BooleanOptionalAction, help="swap lon and lat")
    imp.add_argument("--source-layer", default=None, help="the layer or sheet of the file to read")
    imp.add_argument("--apply-repair", action="append", metavar="CODE", help="apply a proposed repair (repeatable)")
    imp.add_argument("--problems-csv", default=None, help="also write the problems to this CSV file")
    imp.add_argument("--author", default=None, help="who imports (kept in the history; default: your login)")
    imp.add_argument("--note", default=None, help="why (kept in the history)")
    imp.add_argument("--limit", type=int, default=20, help="changed fields to list (default 20)")
    imp.add_argument("--store", default=None, help="a GeoPackage to import into instead of the configured store")
    imp.add_argument("--verbose", action="store_true", help="show progress")
    imp.set_defaults(run=import_command)
    history = commands.add_parser("history", help="list the data versions: when, who, why, rows changed per layer")
    history.add_argument("--limit", type=int, default=20, help="how many versions to show (newest first)")
    history.add_argument("--store", default=None, help="a GeoPackage to read instead of the configured store")
    history.set_defaults(run=history_command)
    restore = commands.add_parser("restore", help="make the data what it was at VERSION, as a new version")
    restore.add_argument("version", type=int, help="the version to bring back (see `history`)")
    restore.add_argument("--note", default=None, help="why (kept in the history)")
    restore.add_argument("--store", default=None, help="a GeoPackage to change instead of the configured store")
    restore.set_defaults(run=restore_command)
    doc = commands.add_parser("schema-doc", help="write the layer documentation generated from lib/schema.py")
    doc.add_argument("--out", default=str(GEODATA_DIR / "SCHEMA.md"))
    doc.set_defaults(run=schema_doc_command)
    init = commands.add_parser("db-init", help="create or migrate the store's schema (database_url, else store_path)")
    init.set_defaults(run=db_init_command)
    load = commands.add_parser("db-load", help="copy a GeoPackage store's layers into the database as a new version")
    load.add_argument("gpkg", help="the GeoPackage to copy (it is not modified)")
    load.set_defaults(run=db_load_command)
    _accounts_parser(commands)
    _export_parser(commands)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except StoreNotReady as error:  # no database, an unreachable one, a layout to migrate: says what to do
        print(str(error), file=sys.stderr)
        return 2
    except BrokenPipeError:  # `history | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
