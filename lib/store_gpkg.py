"""The GeoPackage engine: every layer, its history and the store's own tables in one file.

A write is assembled in a copy of the file beside it and moved over it with :func:`os.replace`
(atomic on POSIX and Windows): a reader holds either the old file or the new one, never half a
write, and a failed write leaves the old file untouched. Writers take a lock file first and check
the version they started from under it, so two writers at once, in threads or processes, cannot
both win. GDAL writes the features (and keeps the R-tree of each layer); the store's own tables
and the removal of ended rows are plain SQL, which needs none of GDAL's SQL functions.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from filelock import FileLock, Timeout

import geopandas as gpd
import pyogrio

from lib.config import STORAGE_CRS
from lib.schema import LAYERS
from lib.store import (
    AUDIT_TABLE,
    CHANGES_TABLE,
    SCHEMA_VERSION,
    VERSIONS_TABLE,
    AuditEntry,
    RowFilter,
    StoreBusy,
    StoreNotReady,
    StoreState,
    VersionedStore,
    VersionRecord,
    Writer,
)
from lib.validation import coerce_to_schema
from lib.versioning import ROW_HASH, VALID_FROM, VALID_TO, LayerPlan, empty_layer, history_table

INFO_TABLE = "store_info"
# The store's own tables: attribute tables registered in gpkg_contents, as the standard asks.
OWN_TABLES = {
    INFO_TABLE: "fid INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE NOT NULL, value TEXT",
    VERSIONS_TABLE: (
        "version INTEGER PRIMARY KEY NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL, "
        "action TEXT NOT NULL, note TEXT, based_on INTEGER, restored_from INTEGER, metadata TEXT"
    ),
    CHANGES_TABLE: (
        "fid INTEGER PRIMARY KEY AUTOINCREMENT, version INTEGER NOT NULL, layer TEXT NOT NULL, "
        "added INTEGER NOT NULL, changed INTEGER NOT NULL, removed INTEGER NOT NULL"
    ),
    AUDIT_TABLE: (
        "fid INTEGER PRIMARY KEY AUTOINCREMENT, logged_at TEXT NOT NULL, actor TEXT NOT NULL, "
        "action TEXT NOT NULL, outcome TEXT NOT NULL, based_on INTEGER, version INTEGER, layers TEXT, "
        "rows_added INTEGER, rows_changed INTEGER, rows_removed INTEGER, source_file TEXT, "
        "source_sha256 TEXT, message TEXT"
    ),
}
# How long a writer waits for another one to finish before giving up.
LOCK_TIMEOUT_S = 600
# The tables of the unversioned layout (before issue 9), migrated by :meth:`GeoPackageStore.migrate`.
LEGACY_TABLES = ("metadata", "change_log")


def _geometry_type(layer: str) -> str:
    types = LAYERS[layer].geometry_types
    return types[0] if len(types) == 1 else "Unknown"


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return sqlite3.connect(path)


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


class GeoPackageStore(VersionedStore):
    """All layers in one GeoPackage file.

    Parameters
    ----------
    path : the ``.gpkg`` file; it need not exist before the first write.
    """

    engine = "geopackage"

    def __init__(self, path: Path | str):
        self.path = Path(path)

    @property
    def key(self) -> str:
        return f"geopackage:{self.path.resolve()}"

    @contextmanager
    def _lock(self) -> Iterator[None]:
        try:
            with FileLock(f"{self.path}.lock", timeout=LOCK_TIMEOUT_S):
                yield
        except Timeout as error:
            raise StoreBusy(self.key, LOCK_TIMEOUT_S) from error

    def _file_state(self) -> tuple | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (str(self.path.resolve()), stat.st_ino, stat.st_mtime_ns, stat.st_size)

    # -- reading -----------------------------------------------------------------------------
    def state(self) -> StoreState:
        """Read on every page run, so remembered per file state (every write replaces the file:
        a new inode and time)."""
        file_state = self._file_state()
        if file_state is None:
            return StoreState(None, None)
        if file_state not in _STATES:
            if len(_STATES) > 16:
                _STATES.clear()
            _STATES[file_state] = self._read_state()
        return _STATES[file_state]

    def _read_state(self) -> StoreState:
        with closing(_connect(self.path, read_only=True)) as connection:
            tables = _tables(connection)
            if INFO_TABLE not in tables:
                if tables & set(LEGACY_TABLES):
                    raise StoreNotReady(
                        f"{self.path} was written by an older version of the dashboard; "
                        "run `python -m lib.cli db-init` to keep its data in the versioned layout"
                    )
                return StoreState(None, None)
            info = dict(connection.execute(f"SELECT key, value FROM {INFO_TABLE}").fetchall())
            schema = int(info.get("schema_version", 0))
            if schema > SCHEMA_VERSION:
                raise StoreNotReady(
                    f"{self.path} was written by a newer version of the dashboard (store layout {schema}); update it"
                )
            head = connection.execute(f"SELECT max(version) FROM {VERSIONS_TABLE}").fetchone()[0]
        return StoreState(info.get("instance"), head)

    def needs_migration(self) -> bool:
        try:
            self.state()
        except StoreNotReady:
            return True
        return False

    def layer_names(self) -> list[str]:
        if self._file_state() is None:
            return []
        names = {str(name) for name, _ in pyogrio.list_layers(self.path)}
        return [name for name in LAYERS if name in names]

    def current_keys(self, layer: str) -> pd.DataFrame:
        return _GeoPackageWriter(self.path).current_keys(layer)

    def _read_rows(self, layer, version, rows: RowFilter, columns, geometry) -> pd.DataFrame:
        # Another writer may replace the file between two reads: read again until one file served all.
        for _ in range(5):
            before = self._file_state()
            frame = self._read_rows_once(layer, version, rows, columns, geometry)
            if self._file_state() == before:
                return frame
        raise RuntimeError(f"{self.path} kept changing while {layer} was read; try again")

    def _read_rows_once(self, layer, version, rows: RowFilter, columns, geometry) -> pd.DataFrame:
        names = {str(name) for name, _ in pyogrio.list_layers(self.path)}
        if layer not in names:
            return empty_layer(layer)
        head = self._read_state().version
        conditions = rows.conditions(layer)
        wanted = None if columns is None else list(columns)
        read = dict(bbox=rows.bbox, columns=wanted, read_geometry=geometry, use_arrow=True)
        if version >= head:
            where = " AND ".join(conditions) or None
            return self._crs(pyogrio.read_dataframe(self.path, layer=layer, where=where, **read))
        parts = [
            pyogrio.read_dataframe(
                self.path, layer=layer, where=" AND ".join([*conditions, f"{VALID_FROM} <= {version}"]), **read
            )
        ]
        if history_table(layer) in names:
            ended_after = [*conditions, f"{VALID_FROM} <= {version}", f"{VALID_TO} > {version}"]
            parts.append(
                pyogrio.read_dataframe(self.path, layer=history_table(layer), where=" AND ".join(ended_after), **read)
            )
        return self._crs(pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0])

    @staticmethod
    def _crs(frame: pd.DataFrame) -> pd.DataFrame:
        if isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None and not frame.crs.equals(STORAGE_CRS):
            return frame.to_crs(STORAGE_CRS)
        return frame

    def _table(self, name: str) -> pd.DataFrame:
        if self._file_state() is None:
            return pd.DataFrame()
        with closing(_connect(self.path, read_only=True)) as connection:
            if name not in _tables(connection):
                return pd.DataFrame()
            return pd.read_sql_query(f'SELECT * FROM "{name}"', connection).drop(columns="fid", errors="ignore")

    # -- writing -----------------------------------------------------------------------------
    @contextmanager
    def _writing(self) -> Iterator[Writer]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock():
            if self.needs_migration():
                raise StoreNotReady(f"{self.path} must be migrated first: run `python -m lib.cli db-init`")
            fd, name = tempfile.mkstemp(prefix=f".{self.path.stem}-", suffix=".gpkg", dir=self.path.parent)
            os.close(fd)
            tmp = Path(name)
            try:
                if self._file_state() is not None:
                    shutil.copyfile(self.path, tmp)
                    shutil.copymode(self.path, tmp)  # mkstemp's copy is private to its owner
                else:
                    tmp.unlink()
                    _create_own_tables(tmp)
                    tmp.chmod(0o666 & ~_umask())
                yield _GeoPackageWriter(tmp)
                os.replace(tmp, self.path)
            finally:
                tmp.unlink(missing_ok=True)

    def _audit_alone(self, entry: AuditEntry) -> None:
        if self._file_state() is None:
            return
        # Only an attribute table changes: one SQLite transaction in place is atomic enough.
        with self._lock(), closing(_connect(self.path)) as connection, connection:
            _insert_audit(connection, entry)

    def migrate(self) -> bool:
        """Bring a GeoPackage of the unversioned layout (before issue 9) into this one: its layers
        become version 1, its metadata kept and its change log noted. Returns whether it did."""
        if not self.needs_migration():
            return False
        with self._lock():
            legacy = {name: self._legacy_layer(name) for name in LAYERS if name in self.layer_names()}
            metadata, log = self._legacy_tables()
            target = self.path.with_name(f".{self.path.stem}-migrating.gpkg")
            target.unlink(missing_ok=True)
            try:
                fresh = GeoPackageStore(target)
                history = "; ".join(f"{r.changed_at} {r.changed_by}: {r.note}" for r in log.itertuples())
                fresh.write_layers(
                    legacy,
                    note=f"kept from the unversioned store (its log: {history})",
                    metadata=metadata,
                    action="migrate",
                    validate=False,
                )
                os.replace(target, self.path)
            finally:
                target.unlink(missing_ok=True)
        return True

    def _legacy_layer(self, layer: str) -> pd.DataFrame:
        frame = pyogrio.read_dataframe(self.path, layer=layer, use_arrow=True)
        return self._crs(frame)

    def _legacy_tables(self) -> tuple[dict, pd.DataFrame]:
        meta = self._table("metadata")
        metadata = {r.key: json.loads(r.value) for r in meta.itertuples()} if len(meta) else {}
        for key in ("data_version", "updated_at"):
            metadata.pop(key, None)
        return metadata, self._table("change_log")


_STATES: dict[tuple, StoreState] = {}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _register(connection: sqlite3.Connection, table: str) -> None:
    connection.execute(
        "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, last_change) "
        "VALUES (?, 'attributes', ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        (table, table),
    )


def _create_own_tables(path: Path) -> None:
    """A new GeoPackage (GDAL writes the standard's tables) with the store's own tables."""
    info = pd.DataFrame({"key": ["instance", "schema_version"], "value": [uuid.uuid4().hex, str(SCHEMA_VERSION)]})
    pyogrio.write_dataframe(info, path, layer="store_info_seed", driver="GPKG")
    with closing(_connect(path)) as connection, connection:
        connection.execute('DROP TABLE "store_info_seed"')
        connection.execute("DELETE FROM gpkg_contents WHERE table_name = 'store_info_seed'")
        connection.execute("DELETE FROM gpkg_ogr_contents WHERE table_name = 'store_info_seed'")
        for table, columns in OWN_TABLES.items():
            connection.execute(f'CREATE TABLE "{table}" ({columns})')
            _register(connection, table)
        connection.executemany(f"INSERT INTO {INFO_TABLE} (key, value) VALUES (?, ?)", info.itertuples(index=False))


def _insert_audit(connection: sqlite3.Connection, entry: AuditEntry) -> None:
    fields = list(vars(entry))
    connection.execute(
        f"INSERT INTO {AUDIT_TABLE} ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
        [getattr(entry, f) for f in fields],
    )


class _GeoPackageWriter(Writer):
    """A write into the copy of the file (moved over the store when it ends)."""

    def __init__(self, path: Path):
        self.path = path

    def _layers(self) -> set[str]:
        return {str(name) for name, _ in pyogrio.list_layers(self.path)}

    def head(self) -> int | None:
        with closing(_connect(self.path, read_only=True)) as connection:
            return connection.execute(f"SELECT max(version) FROM {VERSIONS_TABLE}").fetchone()[0]

    def current_keys(self, layer: str) -> pd.DataFrame:
        id_field = LAYERS[layer].id_field
        if layer not in self._layers():
            return pd.DataFrame({id_field: pd.Series(dtype="str"), ROW_HASH: pd.Series(dtype="int64")})
        with closing(_connect(self.path, read_only=True)) as connection:
            return pd.read_sql_query(f'SELECT "{id_field}", {ROW_HASH} FROM "{layer}"', connection)

    def rows_at(self, layer: str, version: int) -> pd.DataFrame:
        if layer not in self._layers():
            return empty_layer(layer).assign(**{ROW_HASH: pd.Series(dtype="int64")})
        store = GeoPackageStore(self.path)
        frame = store._read_rows_once(layer, version, RowFilter(), None, LAYERS[layer].has_geometry)
        frame = frame.drop(columns=[c for c in (VALID_FROM, VALID_TO) if c in frame.columns])
        return coerce_to_schema(layer, frame)[0]

    def apply(self, plan: LayerPlan, version: int) -> None:
        layer, spec = plan.layer, LAYERS[plan.layer]
        exists = layer in self._layers()
        if exists and len(plan.ended):
            self._end_rows(layer, spec.id_field, list(plan.ended), version)
        rows = plan.rows.assign(**{VALID_FROM: np.int64(version)})
        self._append(layer, rows, append=exists)

    def _end_rows(self, layer: str, id_field: str, ids: list[str], version: int) -> None:
        with closing(_connect(self.path)) as connection, connection:
            connection.execute("CREATE TEMP TABLE ended (id TEXT PRIMARY KEY)")
            connection.executemany("INSERT INTO ended VALUES (?)", ((i,) for i in ids))
            fids = [r[0] for r in connection.execute(f'SELECT fid FROM "{layer}" WHERE "{id_field}" IN ended')]
        ended = pyogrio.read_dataframe(self.path, layer=layer, fids=np.array(fids, dtype="int64"), use_arrow=True)
        ended = ended.assign(**{VALID_TO: np.int64(version)})
        self._append(history_table(layer), ended, append=history_table(layer) in self._layers(), layer_of=layer)
        with closing(_connect(self.path)) as connection, connection:
            connection.execute("CREATE TEMP TABLE ended (fid INTEGER PRIMARY KEY)")
            connection.executemany("INSERT INTO ended VALUES (?)", ((f,) for f in fids))
            # the layer's R-tree follows through GDAL's delete trigger, which is plain SQL
            connection.execute(f'DELETE FROM "{layer}" WHERE fid IN ended')

    def _append(self, table: str, frame: pd.DataFrame, *, append: bool, layer_of: str | None = None) -> None:
        layer = layer_of or table
        spec = LAYERS[layer]
        options = {}
        if spec.has_geometry:
            frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=STORAGE_CRS)
            options["geometry_type"] = _geometry_type(layer)
            # stored as given and hashed: pyogrio would otherwise make every polygon of a layer
            # with some multipolygons a multipolygon, and the rows read back would differ from the rows written
            options["promote_to_multi"] = False
            if layer_of:  # the history is read by version, never by place: no R-tree to keep up
                options["layer_options"] = {"SPATIAL_INDEX": "NO"}
        else:
            frame = pd.DataFrame(frame)
        pyogrio.write_dataframe(frame, self.path, layer=table, append=append, **options)

    def add_version(self, record: VersionRecord, plans: list[LayerPlan]) -> None:
        with closing(_connect(self.path)) as connection, connection:
            connection.execute(
                f"INSERT INTO {VERSIONS_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.version,
                    record.created_at,
                    record.created_by,
                    record.action,
                    record.note,
                    record.based_on,
                    record.restored_from,
                    json.dumps(record.metadata, ensure_ascii=False),
                ),
            )
            connection.executemany(
                f"INSERT INTO {CHANGES_TABLE} (version, layer, added, changed, removed) VALUES (?, ?, ?, ?, ?)",
                [(record.version, p.layer, *p.counts().values()) for p in plans if not p.is_empty],
            )
            for table in (VERSIONS_TABLE, CHANGES_TABLE):
                _register(connection, table)

    def add_audit(self, entry: AuditEntry) -> None:
        with closing(_connect(self.path)) as connection, connection:
            _insert_audit(connection, entry)
