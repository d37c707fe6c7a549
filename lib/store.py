"""Where the layers live, behind one interface: a GeoPackage on one machine (the embedded default,
:mod:`lib.store_gpkg`) or PostGIS for the whole committee (:mod:`lib.store_postgis`).

Pages, caches and the command line open the configured store with :func:`open_store` and use only
what :class:`VersionedStore` offers, so they cannot tell the engines apart. Every write makes a new
data version and keeps the earlier ones (:mod:`lib.versioning` says how); a restore is a write too.
Writes are all or nothing, checked against the version the writer started from (a concurrent
write makes the later one fail with :class:`ConflictError`), and recorded in the audit log.
"""

from __future__ import annotations

import getpass
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd

from lib import access
from lib.schema import LAYERS
from lib.validation import Problem, coerce_to_schema, validate_layers
from lib.versioning import BOOKKEEPING, LayerPlan, complete_columns, known_on_condition, plan_layer

VERSIONS_TABLE = "store_versions"
CHANGES_TABLE = "store_changes"
AUDIT_TABLE = "audit_log"
# The layout of the store's own tables (this module and the engines); a store written by an older
# layout is migrated (``python -m lib.cli db-init``), a newer one refused.
SCHEMA_VERSION = 1


class InvalidDataError(ValueError):
    """Raised by a write whose layers have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"- {p}" for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s); nothing was written:\n{shown}{more}")


class ConflictError(RuntimeError):
    """Raised by a write that started from a version which is no longer the current one."""

    def __init__(self, started_from: int | None, current: int | None):
        self.started_from, self.current = started_from, current
        super().__init__(
            f"Someone else saved data version {current} after you started from version {started_from}; "
            "nothing was written. Reload the data and make your change again."
        )


class StoreBusy(RuntimeError):
    """Raised when another write held the store longer than a writer waits; nothing was written."""

    def __init__(self, key: str, waited_s: float):
        super().__init__(
            f"Another write to {key} has been running for over {waited_s:g} s; nothing was written. Try again later."
        )


class StoreNotReady(RuntimeError):
    """The store cannot be used as it is (no data yet, an older or newer layout): says what to run."""


@dataclass(frozen=True)
class StoreState:
    """What identifies the data a reader sees: the store's instance (new when a store is created
    from nothing) and its current version (``None`` before the first write)."""

    instance: str | None
    version: int | None


@dataclass(frozen=True)
class SourceFile:
    """The file an import came from, as the audit log records it."""

    name: str
    sha256: str


@dataclass(frozen=True)
class RowFilter:
    """Which rows of a layer to read: districts (directly, or through the settlements of
    settlement-level layers), a bounding box (lon/lat) and the records known on a day."""

    district_ids: tuple[str, ...] | None = None
    settlement_ids: tuple[str, ...] | None = None
    bbox: tuple[float, float, float, float] | None = None
    known_on: date | None = None

    def conditions(self, layer: str) -> list[str]:
        """The attribute conditions as SQL (the bounding box is the engine's to apply)."""
        conditions = []
        if self.district_ids is not None:
            conditions.append(f"district_id IN ({sql_list(self.district_ids)})")
        if self.settlement_ids is not None:
            conditions.append(f"settlement_id IN ({sql_list(self.settlement_ids)})")
        if self.known_on is not None and (known := known_on_condition(layer, self.known_on)):
            conditions.append(known)
        return conditions


def sql_list(values: Iterable[str]) -> str:
    """Values as a quoted SQL list; an empty list matches nothing (``NULL``)."""
    quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return quoted or "NULL"


@dataclass
class VersionRecord:
    """One version as the history lists it."""

    version: int
    created_at: str
    created_by: str
    action: str
    note: str
    based_on: int | None
    restored_from: int | None
    metadata: dict = field(default_factory=dict)


@dataclass
class AuditEntry:
    """One line of the audit log: an attempted write and what came of it."""

    actor: str
    action: str
    outcome: str
    based_on: int | None
    version: int | None = None
    layers: str = ""
    rows_added: int = 0
    rows_changed: int = 0
    rows_removed: int = 0
    source_file: str | None = None
    source_sha256: str | None = None
    message: str = ""
    logged_at: str = field(default_factory=lambda: now_iso())


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Writer(ABC):
    """One write in progress, inside the engine's lock or transaction."""

    @abstractmethod
    def head(self) -> int | None:
        """The current version, read under the write lock."""

    @abstractmethod
    def current_keys(self, layer: str) -> pd.DataFrame:
        """The layer's current ids and row hashes (empty with those two columns when it has no table)."""

    @abstractmethod
    def rows_at(self, layer: str, version: int) -> pd.DataFrame:
        """Every row of the layer at ``version`` with its row hash (for a restore)."""

    @abstractmethod
    def apply(self, plan: LayerPlan, version: int) -> None:
        """Move the ended rows to the history and insert the plan's rows as of ``version``."""

    @abstractmethod
    def add_version(self, record: VersionRecord, plans: list[LayerPlan]) -> None: ...

    @abstractmethod
    def add_audit(self, entry: AuditEntry) -> None: ...


class VersionedStore(ABC):
    """Every layer with its full history, the versions' log and the audit log."""

    #: ``"geopackage"`` or ``"postgis"``
    engine: str

    @property
    @abstractmethod
    def key(self) -> str:
        """Names the store among others (engine and location, never a password); with the state's
        instance and version it keys every cache."""

    # -- engine primitives -------------------------------------------------------------------
    @abstractmethod
    def state(self) -> StoreState: ...

    @abstractmethod
    def layer_names(self) -> list[str]: ...

    @abstractmethod
    def _read_rows(
        self, layer: str, version: int, rows: RowFilter, columns: list[str] | None, geometry: bool
    ) -> pd.DataFrame:
        """The layer's rows at ``version`` matching ``rows``, as stored (bookkeeping columns dropped)."""

    @abstractmethod
    def _table(self, name: str) -> pd.DataFrame:
        """One of the store's own tables (versions, changes, audit log); empty when absent."""

    @abstractmethod
    def _writing(self) -> AbstractContextManager[Writer]:
        """A write: exclusive among writers, all or nothing, invisible to readers until it ends."""

    @abstractmethod
    def current_keys(self, layer: str) -> pd.DataFrame:
        """Ids and stored row hashes of the layer's current rows (what a write compares a new frame
        with): a preview of an import works out its plan from these without reading every row."""

    @abstractmethod
    def _audit_alone(self, entry: AuditEntry) -> None:
        """Record an audit entry for a write that wrote nothing (refused)."""

    # -- reading -----------------------------------------------------------------------------
    def exists(self) -> bool:
        """Whether the store holds any version yet."""
        return self.state().version is not None

    def data_version(self) -> int | None:
        """The current version (``None`` before the first write); caches are keyed on it."""
        return self.state().version

    def _version(self, version: int | None) -> int:
        current = self.data_version()
        if current is None:
            raise StoreNotReady(f"no data in {self.key} yet; run `python -m lib.cli build-demo` or `db-load`")
        if version is None:
            return current
        if not 1 <= int(version) <= current:
            raise KeyError(f"no data version {version} in {self.key}; versions are 1 to {current}")
        return int(version)

    def read_layer(
        self,
        layer: str,
        *,
        version: int | None = None,
        district_ids: Iterable[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        known_on: date | None = None,
        columns: list[str] | None = None,
        geometry: bool = True,
        actor: access.Actor | access.Scope | None = None,
    ) -> pd.DataFrame:
        """One layer at a version (the current one by default), typed per the schema.

        Parameters
        ----------
        district_ids : only these districts; a settlement-level layer (housing, returns, ...) is
            filtered through the settlements of those districts, on ids, never on names.
        bbox : only features intersecting (min lon, min lat, max lon, max lat).
        known_on : only records known on that day (:func:`lib.versioning.known_on_condition`).
        columns : only these fields.
        geometry : ``False`` skips reading the geometry (figures that need none).
        actor : who the rows are for (:mod:`lib.access`): a coordinator gets only their districts'
            records, the public only the published layers. ``None``: the server's own code, which
            sums records up before anyone sees them.

        Layers with geometry come back as GeoDataFrames in EPSG:4326, tables as DataFrames.

        Raises
        ------
        lib.access.AccessDenied
            When ``actor`` may not read the layer's records, or not in the districts asked for.
        """
        if layer not in LAYERS:
            raise KeyError(f"unknown layer {layer!r}; expected one of {', '.join(LAYERS)}")
        if actor is not None:
            district_ids = access.readable_districts(actor, layer, district_ids)
        version = self._version(version)
        spec = LAYERS[layer]
        rows = RowFilter(bbox=bbox if spec.has_geometry else None, known_on=known_on)
        if district_ids is not None:
            district_ids = tuple(district_ids)
            if "district_id" in spec.field_names:
                rows = RowFilter(district_ids, None, rows.bbox, known_on)
            elif "settlement_id" in spec.field_names:
                settlements = self.read_layer(
                    "settlements", version=version, district_ids=district_ids, columns=["settlement_id"]
                )
                rows = RowFilter(None, tuple(settlements["settlement_id"]), rows.bbox, known_on)
        frame = self._read_rows(layer, version, rows, columns, spec.has_geometry and geometry)
        frame = frame.drop(columns=[c for c in BOOKKEEPING if c in frame.columns])
        typed, _ = coerce_to_schema(layer, frame)
        return typed

    def metadata(self, version: int | None = None) -> dict:
        """What the writers said about the data (sources, data date, generator settings) at a
        version, with ``data_version`` and ``updated_at``; empty before the first write."""
        if not self.exists():
            return {}
        version = self._version(version)
        versions = self._table(VERSIONS_TABLE)
        row = versions[versions["version"] == version].iloc[0]
        return {**json.loads(row["metadata"] or "{}"), "data_version": version, "updated_at": row["created_at"]}

    def history(self, actor: access.Actor | None = None) -> pd.DataFrame:
        """Every version, newest first: when, who, what, the note, and the rows added, changed and
        removed per layer (``changes``: e.g. ``housing +12 ~3 -1``); for a coordinator, the versions
        they wrote."""
        if actor is not None:
            access.require(actor, access.READ_HISTORY)
        versions = self._table(VERSIONS_TABLE)
        if actor is not None and actor.districts is not None:  # a coordinator: their own writes
            versions = versions[versions["created_by"] == getattr(actor, "username", None)]
        if versions.empty:
            return versions
        changes = self._table(CHANGES_TABLE)
        summary = (
            changes.assign(
                text=changes["layer"]
                + " +"
                + changes["added"].astype(str)
                + " ~"
                + changes["changed"].astype(str)
                + " -"
                + changes["removed"].astype(str)
            )
            .groupby("version")["text"]
            .agg("; ".join)
        )
        versions = (
            versions.drop(columns="metadata")
            .astype({"version": "int64", "based_on": "Int64", "restored_from": "Int64"})
            .sort_values("version", ascending=False)
        )
        return versions.assign(changes=versions["version"].map(summary).fillna("")).reset_index(drop=True)

    def changes(self, actor: access.Actor | None = None) -> pd.DataFrame:
        """Rows added, changed and removed per version and layer."""
        if actor is not None:
            access.require(actor, access.READ_HISTORY)
        return self._table(CHANGES_TABLE)

    def audit_log(self, actor: access.Actor | None = None) -> pd.DataFrame:
        """Every attempted write, oldest first: who, when, what, from which file, how many rows, outcome
        (for a coordinator, their own: other districts' imports are not theirs to read)."""
        if actor is not None:
            access.require(actor, access.READ_HISTORY)
        log = self._table(AUDIT_TABLE)
        if actor is not None and actor.districts is not None:  # a coordinator: their own attempts
            log = log[log["actor"] == getattr(actor, "username", None)]
        return log.astype({"based_on": "Int64", "version": "Int64"}) if len(log) else log

    # -- writing -----------------------------------------------------------------------------
    def write_layers(
        self,
        layers: Mapping[str, pd.DataFrame],
        *,
        note: str,
        author: str | None = None,
        metadata: Mapping | None = None,
        expected_version: int | None = None,
        mode: str = "replace",
        removable: Mapping[str, Iterable[str]] | None = None,
        action: str = "write",
        source: SourceFile | None = None,
        validate: bool = True,
        actor: access.Actor | None = None,
    ) -> int:
        """Write some layers (others are kept) as one new version and return its number.

        Parameters
        ----------
        expected_version : the version the writer started from; when another write has happened
            since, nothing is written and :class:`ConflictError` says so. ``None``: the current one.
        mode, removable : per :func:`lib.versioning.plan_layer` (``removable`` per layer).
        action, source : what the audit log calls the write, and the imported file.
        actor : who writes (:mod:`lib.access`; the audit log names them): every record written,
            changed or removed must be in districts they may import for. ``None``: the server's
            own code or the operator's command line (``author`` or the OS login is recorded).

        Raises
        ------
        InvalidDataError
            When any layer has a problem (checked before anything is written).
        ConflictError
            When the store moved on from ``expected_version``.
        lib.access.AccessDenied
            When ``actor`` may not write some of the records (nothing is written; the refusal is logged).
        """
        author = author or (actor.username if actor is not None else None) or getpass.getuser()
        # every field present and typed: an absent optional field and an empty one hash alike
        typed = {name: coerce_to_schema(name, complete_columns(name, frame))[0] for name, frame in layers.items()}
        if actor is not None:
            try:
                self._require_write(actor, typed, mode, removable, expected_version)
            except access.AccessDenied as denied:
                self._audit_alone(
                    AuditEntry(author, action, "refused: not permitted", expected_version, message=str(denied))
                )
                raise
        if validate:
            self._validate(typed, expected_version)

        def plans_for(writer: Writer) -> list[LayerPlan]:
            return [
                plan_layer(name, writer.current_keys(name), frame, mode=mode, removable=(removable or {}).get(name))
                for name, frame in typed.items()
            ]

        return self._commit(
            plans_for,
            note=note,
            author=author,
            action=action,
            metadata=metadata,
            expected_version=expected_version,
            source=source,
        )

    def restore(
        self,
        version: int,
        *,
        author: str | None = None,
        note: str | None = None,
        expected_version=None,
        actor: access.Actor | None = None,
    ) -> int:
        """Make the data what it was at ``version``, as a new version (nothing is overwritten).

        ``actor`` must be allowed to restore (:mod:`lib.access`; the data admin), else
        :class:`lib.access.AccessDenied` and nothing is written; ``None``: the operator's command line."""
        target = self._version(version)
        author = author or (actor.username if actor is not None else None) or getpass.getuser()
        if actor is not None and not access.may(actor, access.RESTORE):
            denied = access.AccessDenied(actor, access.RESTORE)
            self._audit_alone(
                AuditEntry(author, "restore", "refused: not permitted", expected_version, message=str(denied))
            )
            raise denied
        layers = [name for name in LAYERS if name in self.layer_names()]

        def plans_for(writer: Writer) -> list[LayerPlan]:
            plans = []
            for name in layers:
                then = writer.rows_at(name, target)
                plan = plan_layer(name, writer.current_keys(name), then.drop(columns="row_hash"))
                plans.append(plan)
            return plans

        return self._commit(
            plans_for,
            note=note or f"restored version {target}",
            author=author,
            action="restore",
            metadata=self._stored_metadata(target),
            replace_metadata=True,
            restored_from=target,
            expected_version=expected_version,
        )

    def _require_write(
        self,
        actor: access.Actor,
        layers: Mapping[str, pd.DataFrame],
        mode: str,
        removable: Mapping[str, Iterable[str]] | None,
        version: int | None,
    ) -> None:
        """That ``actor`` may write every record the write adds, changes or removes: the districts
        of the new rows and of the stored rows they replace or remove (a coordinator may neither
        move an Aghdam house into Lachin nor the other way)."""
        if actor.districts is None:  # every district or none: no need to find which are touched
            for name in layers:
                access.require_write(actor, name, None)
            return
        stored_settlements = (
            self.read_layer("settlements", version=version, columns=["settlement_id", "district_id"], geometry=False)
            if self.exists() and "settlements" in self.layer_names()
            else pd.DataFrame(columns=["settlement_id", "district_id"])
        )
        settlements = pd.concat([stored_settlements, layers.get("settlements", stored_settlements.iloc[:0])])
        settlement_districts = settlements.drop_duplicates("settlement_id", keep="last").set_index("settlement_id")[
            "district_id"
        ]
        for name, frame in layers.items():
            spec = LAYERS[name]
            if not {"district_id", "settlement_id"} & set(spec.field_names):
                access.require_write(actor, name, None)
                continue
            touched = set(access.districts_of_records(name, frame, settlement_districts))
            if self.exists() and name in self.layer_names():
                place = "district_id" if "district_id" in spec.field_names else "settlement_id"
                stored = self.read_layer(name, version=version, columns=[spec.id_field, place], geometry=False)
                ids = stored[spec.id_field].astype(str)
                new_ids = set(frame[spec.id_field].astype(str))
                kept = ids.isin(new_ids)
                if mode == "replace":
                    allowed = None if removable is None or name not in removable else set(map(str, removable[name]))
                    kept |= ~ids.isin(new_ids) & (True if allowed is None else ids.isin(allowed))
                touched |= set(access.districts_of_records(name, stored[kept.to_numpy()], settlement_districts))
            access.require_write(actor, name, touched)

    def _validate(self, layers: dict[str, pd.DataFrame], version: int | None) -> None:
        existing = self.layer_names() if self.exists() else []
        known = {
            name: set(self.read_layer(name, version=version, columns=[LAYERS[name].id_field])[LAYERS[name].id_field])
            for name in ("districts", "settlements")
            if name not in layers and name in existing
        }
        problems = validate_layers(layers, known)
        if problems:
            raise InvalidDataError(problems)

    def _commit(
        self,
        plans_for,
        *,
        note: str,
        author: str,
        action: str,
        metadata: Mapping | None,
        expected_version: int | None,
        source: SourceFile | None = None,
        restored_from: int | None = None,
        replace_metadata: bool = False,
    ) -> int:
        base = dict(source_file=source.name if source else None, source_sha256=source.sha256 if source else None)
        try:
            with self._writing() as writer:
                head = writer.head()
                if expected_version is not None and head != expected_version:
                    raise ConflictError(expected_version, head)
                plans = plans_for(writer)
                current = {} if head is None else self._stored_metadata(head)
                new_metadata = {**({} if replace_metadata else current), **(metadata or {})}
                totals = {k: sum(p.counts()[k] for p in plans) for k in ("added", "changed", "removed")}
                if all(p.is_empty for p in plans) and head is not None and _same_metadata(new_metadata, current):
                    writer.add_audit(AuditEntry(author, action, "unchanged", head, head, message=note, **base))
                    return head
                version = (head or 0) + 1
                for plan in plans:
                    if not plan.is_empty:
                        writer.apply(plan, version)
                writer.add_version(
                    VersionRecord(version, now_iso(), author, action, note, head, restored_from, new_metadata),
                    plans,
                )
                writer.add_audit(
                    AuditEntry(
                        author,
                        action,
                        "written",
                        head,
                        version,
                        layers=", ".join(p.layer for p in plans if not p.is_empty),
                        rows_added=totals["added"],
                        rows_changed=totals["changed"],
                        rows_removed=totals["removed"],
                        message=note,
                        **base,
                    )
                )
                return version
        except ConflictError as conflict:
            self._audit_alone(
                AuditEntry(author, action, "refused: conflict", expected_version, message=str(conflict), **base)
            )
            raise

    def _stored_metadata(self, version: int) -> dict:
        versions = self._table(VERSIONS_TABLE)
        row = versions[versions["version"] == version]
        return json.loads(row["metadata"].iloc[0] or "{}") if len(row) else {}


# When a writer says it built the data is no change to the data.
_NOT_A_CHANGE = ("built_at",)


def _same_metadata(new: Mapping, current: Mapping) -> bool:
    return {k: v for k, v in new.items() if k not in _NOT_A_CHANGE} == {
        k: v for k, v in current.items() if k not in _NOT_A_CHANGE
    }


_OPEN: dict[str, VersionedStore] = {}


def open_store(settings=None) -> VersionedStore:
    """The configured store: PostGIS when a database URL is set, else the GeoPackage.

    One object per store for the process (the PostGIS one holds the connection pool); caches
    find it again by :attr:`VersionedStore.key` with :func:`store_for_key`.
    """
    from lib.config import get_settings

    settings = settings or get_settings()
    if settings.database_url:
        from lib.store_postgis import PostGISStore

        store = PostGISStore(settings.database_url)
    else:
        from lib.store_gpkg import GeoPackageStore

        store = GeoPackageStore(settings.store_path)
    return remember(store)


def remember(store: VersionedStore) -> VersionedStore:
    """Keep ``store`` (or the one opened earlier with its key) for :func:`store_for_key`."""
    return _OPEN.setdefault(store.key, store)


def store_for_key(key: str) -> VersionedStore:
    """The store opened earlier under ``key`` (cached functions take the key, not the store)."""
    try:
        return _OPEN[key.rsplit("#", 1)[0]]
    except KeyError:
        raise KeyError(f"no store opened under {key!r}; open it with open_store() first") from None
