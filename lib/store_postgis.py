"""The PostGIS engine: the same layers, history and own tables as the GeoPackage, in PostgreSQL.

Every layer is a table typed from :data:`lib.schema.LAYERS` (GiST index on the geometry, btree on
the ids readers filter by) with its history table beside it (:mod:`lib.versioning`). A write is one
transaction that first locks the store's single ``instance`` row, so writers queue behind each
other and each sees the true head when :meth:`VersionedStore._commit` checks the version it started
from; readers see the last committed version until the write commits. Rows travel with
``COPY`` in CSV both ways (PostgreSQL writes and parses it in C, pyarrow reads and writes it in C),
which is what makes a million rows a matter of seconds.

The schema is created and migrated by a numbered list of migrations (:data:`MIGRATIONS`), each
applied once in its own transaction and recorded in ``store_migrations``: ``python -m lib.cli
db-init``. A first write to an empty database creates the schema itself, as the GeoPackage
engine creates its file; a store of an older schema is refused until ``db-init`` has run.
"""

from __future__ import annotations

import binascii
import io
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa
from geoalchemy2 import Geometry

import geopandas as gpd
import shapely

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

SRID = 4326
GEOMETRY_COLUMN = "geom"
INFO_TABLE = "store_info"
MIGRATIONS_TABLE = "store_migrations"
# Key of the advisory lock that serialises migrations (and so two first writes to an empty database).
MIGRATION_LOCK = 0x67726574  # "gret"
# How long a writer waits for another one to finish before giving up, as on the GeoPackage.
LOCK_TIMEOUT_S = 600
# A write that inserts more rows than this refreshes the planner's statistics of the layer.
ANALYZE_AFTER_ROWS = 10_000
# Rows per CSV block sent with COPY (bounds the memory of a large write).
COPY_BATCH_ROWS = 100_000

URL_HELP = (
    "Check GREAT_RETURN_DATABASE_URL: postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE, with the characters "
    "@ : / % # ? of the password written %40 %3A %2F %25 %23 %3F, and that the server is running."
)
_SQL_TYPES = {"str": sa.Text, "int": sa.BigInteger, "float": sa.Double, "date": sa.Date, "bool": sa.Boolean}
_ARROW_TYPES = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "date": pa.date32(), "bool": pa.bool_()}
# Foreign ids that pages filter on (district and settlement filters run in the database).
_FILTERED_IDS = ("district_id", "settlement_id")


def engine_url(url: str | sa.URL) -> sa.URL:
    """The URL with the psycopg 3 driver (``postgresql://`` and ``postgres://`` are accepted)."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername != "postgresql+psycopg":
        raise ValueError(f"a PostGIS store needs a postgresql:// URL, not {parsed.drivername}://")
    return parsed


def _geometry_type(layer: str) -> str:
    types = LAYERS[layer].geometry_types
    return types[0].upper() if len(types) == 1 else "GEOMETRY"


def _layer_table(metadata: sa.MetaData, layer: str, *, history: bool = False) -> sa.Table:
    """The table of a layer's current rows, or of its history, as :data:`LAYERS` declares it."""
    spec = LAYERS[layer]
    name = history_table(layer) if history else layer
    columns: list[sa.Column] = [sa.Column(f.name, _SQL_TYPES[f.dtype]()) for f in spec.fields]
    if spec.has_geometry:
        geometry = Geometry(_geometry_type(layer), srid=SRID, spatial_index=False)
        columns.append(sa.Column(GEOMETRY_COLUMN, geometry))
    columns += [
        sa.Column(VALID_FROM, sa.BigInteger, nullable=False),
        sa.Column(ROW_HASH, sa.BigInteger, nullable=False),
    ]
    indexes = []
    if history:
        # the history is read by version, never by place or id alone
        columns.append(sa.Column(VALID_TO, sa.BigInteger, nullable=False))
        indexes.append(sa.Index(f"{name}_{VALID_TO}_idx", VALID_TO))
    else:
        indexes.append(sa.Index(f"{name}_{spec.id_field}_idx", spec.id_field))
        indexes += [
            sa.Index(f"{name}_{f}_idx", f) for f in _FILTERED_IDS if f in spec.field_names and f != spec.id_field
        ]
        if spec.has_geometry:
            indexes.append(sa.Index(f"{name}_{GEOMETRY_COLUMN}_gist", GEOMETRY_COLUMN, postgresql_using="gist"))
    return sa.Table(name, metadata, *columns, *indexes)


def _own_tables(metadata: sa.MetaData) -> None:
    """The store's own tables, with the columns of the GeoPackage engine's (``lib.store_gpkg.OWN_TABLES``)."""
    sa.Table(
        INFO_TABLE,
        metadata,
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text),
    )
    sa.Table(
        VERSIONS_TABLE,
        metadata,
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("based_on", sa.Integer),
        sa.Column("restored_from", sa.Integer),
        sa.Column("metadata", sa.Text),
    )
    sa.Table(
        CHANGES_TABLE,
        metadata,
        sa.Column("fid", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False, index=True),
        sa.Column("layer", sa.Text, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("removed", sa.Integer, nullable=False),
    )
    sa.Table(
        AUDIT_TABLE,
        metadata,
        sa.Column("fid", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("logged_at", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("based_on", sa.Integer),
        sa.Column("version", sa.Integer),
        sa.Column("layers", sa.Text),
        sa.Column("rows_added", sa.Integer),
        sa.Column("rows_changed", sa.Integer),
        sa.Column("rows_removed", sa.Integer),
        sa.Column("source_file", sa.Text),
        sa.Column("source_sha256", sa.Text),
        sa.Column("message", sa.Text),
    )


def _migration_1(connection: sa.Connection) -> None:
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
    metadata = sa.MetaData()
    _own_tables(metadata)
    # The layers as LAYERS declares them when this runs: a later change to LAYERS comes with a
    # migration of its own that alters existing tables idempotently (ADD COLUMN IF NOT EXISTS ...).
    # A layer added later needs none: it reads as empty until the first write creates its tables
    # (_create_missing_layers), so a store written before it existed still opens.
    for layer in LAYERS:
        _layer_table(metadata, layer)
        _layer_table(metadata, layer, history=True)
    metadata.create_all(connection)
    connection.execute(
        sa.text(f"INSERT INTO {INFO_TABLE} (key, value) VALUES ('instance', :instance), ('schema_version', :schema)"),
        {"instance": uuid.uuid4().hex, "schema": str(SCHEMA_VERSION)},
    )


@dataclass(frozen=True)
class Migration:
    number: int
    description: str
    apply: Callable[[sa.Connection], None]


#: Applied in order, each once and in one transaction; never edit one that has been released.
MIGRATIONS = (
    Migration(1, "PostGIS, the store's own tables, every layer and its history table with their indexes", _migration_1),
)


class PostGISStore(VersionedStore):
    """All layers in a PostgreSQL database with PostGIS.

    Parameters
    ----------
    url : a SQLAlchemy URL, ``postgresql+psycopg://user:password@host:port/database``
        (``postgresql://`` works too). The database must exist; the schema is created by
        :meth:`migrate` (``python -m lib.cli db-init``) or by the first write.
    """

    engine = "postgis"

    def __init__(self, url: str | sa.URL):
        try:
            self.url = engine_url(url)
        except (ValueError, sa.exc.ArgumentError) as error:
            raise StoreNotReady(f"GREAT_RETURN_DATABASE_URL is not a PostgreSQL URL ({error}). {URL_HELP}") from None
        # One pool per store object (open_store keeps one object per store and process).
        self._engine = sa.create_engine(self.url, pool_pre_ping=True)
        # Reads are single statements: without BEGIN/ROLLBACK each costs one round trip.
        self._reader = self._engine.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        """A connection for reading; a server that cannot be reached is said in plain words."""
        try:
            connection = self._reader.connect()
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
            raise StoreNotReady(f"Cannot reach the database {self.key}: {reason}. {URL_HELP}") from None
        with connection:
            yield connection

    @property
    def key(self) -> str:
        return f"postgis:{self.url.render_as_string(hide_password=True)}"

    def dispose(self) -> None:
        """Close the pool's connections (tests that drop their database)."""
        self._engine.dispose()

    # -- schema ------------------------------------------------------------------------------
    def applied_migrations(self) -> list[int]:
        """The numbers of the migrations applied to the database (empty for an empty database)."""
        with self._reading() as connection:
            if not _exists(connection, MIGRATIONS_TABLE):
                return []
            return [row[0] for row in connection.exec_driver_sql(f"SELECT version FROM {MIGRATIONS_TABLE} ORDER BY 1")]

    def migrate(self) -> list[Migration]:
        """Create the schema or bring it up to date; returns the migrations it applied (none when
        the schema was current). Safe to run from several processes at once."""
        applied = []
        with self._reading():  # an unreachable server is said in plain words before anything is tried
            pass
        with self._engine.begin() as connection:
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            connection.exec_driver_sql(
                f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (version integer PRIMARY KEY, "
                "applied_at timestamptz NOT NULL DEFAULT now(), description text NOT NULL)"
            )
        for migration in MIGRATIONS:
            with self._engine.begin() as connection:
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                done = connection.execute(
                    sa.text(f"SELECT 1 FROM {MIGRATIONS_TABLE} WHERE version = :n"), {"n": migration.number}
                ).first()
                if done:
                    continue
                migration.apply(connection)
                connection.execute(
                    sa.text(f"INSERT INTO {MIGRATIONS_TABLE} (version, description) VALUES (:n, :d)"),
                    {"n": migration.number, "d": migration.description},
                )
                applied.append(migration)
        newest = max(self.applied_migrations(), default=0)
        if newest > MIGRATIONS[-1].number:
            raise StoreNotReady(self._newer(newest))
        return applied

    def _newer(self, migration: int) -> str:
        return (
            f"{self.key} was migrated by a newer version of the dashboard (migration {migration}, "
            f"this version knows {MIGRATIONS[-1].number}); update it"
        )

    # -- reading -----------------------------------------------------------------------------
    def state(self) -> StoreState:
        """One query on every page run: the instance, the head version and the newest migration."""
        query = (
            f"SELECT (SELECT value FROM {INFO_TABLE} WHERE key = 'instance'), "
            f"(SELECT max(version) FROM {VERSIONS_TABLE}), (SELECT max(version) FROM {MIGRATIONS_TABLE})"
        )
        try:
            with self._reading() as connection:
                instance, head, migration = connection.exec_driver_sql(query).one()
        except sa.exc.ProgrammingError as error:
            if _undefined_table(error):
                return StoreState(None, None)  # an empty database: the first write creates the schema
            raise

        if migration is None or migration < MIGRATIONS[-1].number:
            raise StoreNotReady(
                f"{self.key} has an older schema (migration {migration or 0} of {MIGRATIONS[-1].number}); "
                "run `python -m lib.cli db-init`"
            )
        if migration > MIGRATIONS[-1].number:
            raise StoreNotReady(self._newer(migration))
        return StoreState(instance, head)

    def layer_names(self) -> list[str]:
        """The layers some version has written (as the GeoPackage lists the tables it has)."""
        try:
            with self._reading() as connection:
                written = {row[0] for row in connection.exec_driver_sql(f"SELECT DISTINCT layer FROM {CHANGES_TABLE}")}
        except sa.exc.ProgrammingError as error:
            if _undefined_table(error):
                return []
            raise
        return [name for name in LAYERS if name in written]

    def current_keys(self, layer: str) -> pd.DataFrame:
        with self._reading() as connection:
            return _PostGISWriter(connection).current_keys(layer)

    def _read_rows(self, layer, version, rows: RowFilter, columns, geometry) -> pd.DataFrame:
        with self._reading() as connection:
            try:
                return _read(connection, layer, version, rows, columns, geometry)
            except Exception as error:  # psycopg's own error: COPY runs on the driver's connection
                if getattr(error, "sqlstate", None) != "42P01":  # undefined_table
                    raise
        return empty_layer(layer)  # a layer added after this store was written

    def _table(self, name: str) -> pd.DataFrame:
        with self._reading() as connection:
            if not _exists(connection, name):
                return pd.DataFrame()
            order = " ORDER BY fid" if name in (CHANGES_TABLE, AUDIT_TABLE) else ""
            frame = pd.read_sql_query(sa.text(f'SELECT * FROM "{name}"{order}'), connection)
        return frame.drop(columns="fid", errors="ignore")

    # -- writing -----------------------------------------------------------------------------
    @contextmanager
    def _writing(self) -> Iterator[Writer]:
        if not self.applied_migrations():
            self.migrate()
        self.state()  # refuses an older or newer schema
        with self._engine.begin() as connection:
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_S}s'")
            # every writer locks this one row first: writers queue, and each reads the true head
            try:
                connection.exec_driver_sql(f"SELECT value FROM {INFO_TABLE} WHERE key = 'instance' FOR UPDATE")
            except sa.exc.OperationalError as error:
                if getattr(error.orig, "sqlstate", None) == "55P03":  # lock_not_available
                    raise StoreBusy(self.key, LOCK_TIMEOUT_S) from error
                raise
            _create_missing_layers(connection)
            yield _PostGISWriter(connection)

    def _audit_alone(self, entry: AuditEntry) -> None:
        with self._engine.begin() as connection:
            if _exists(connection, AUDIT_TABLE):
                _insert_audit(connection, entry)


def _create_missing_layers(connection: sa.Connection) -> None:
    """The tables of layers added to :data:`LAYERS` after the store was created (one query when
    there are none)."""
    names = [name for layer in LAYERS for name in (layer, history_table(layer))]
    found = connection.execute(
        sa.text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(:names)"),
        {"names": names},
    )
    missing = [layer for layer in LAYERS if layer not in {row[0] for row in found}]
    if missing:
        metadata = sa.MetaData()
        for layer in missing:
            _layer_table(metadata, layer)
            _layer_table(metadata, layer, history=True)
        metadata.create_all(connection)


def _exists(connection: sa.Connection, table: str) -> bool:
    return connection.execute(sa.text("SELECT to_regclass(:t) IS NOT NULL"), {"t": table}).scalar_one()


def _undefined_table(error: sa.exc.DBAPIError) -> bool:
    return getattr(error.orig, "sqlstate", None) == "42P01"


def _insert_audit(connection: sa.Connection, entry: AuditEntry) -> None:
    fields = list(vars(entry))
    connection.execute(
        sa.text(f"INSERT INTO {AUDIT_TABLE} ({', '.join(fields)}) VALUES ({', '.join(':' + f for f in fields)})"),
        {f: getattr(entry, f) for f in fields},
    )


# -- rows through COPY -------------------------------------------------------------------------
def _field_columns(layer: str, columns: list[str] | None) -> list[str]:
    names = LAYERS[layer].field_names
    return names if columns is None else [c for c in columns if c in names]


def _select(
    layer: str,
    version: int,
    rows: RowFilter,
    columns: list[str] | None,
    geometry: bool,
    *,
    with_hash: bool = False,
) -> tuple[str, dict[str, pa.DataType]]:
    """The statement reading the layer's rows at ``version``, and the types of its columns.

    It reads the current rows written by then and the history rows valid then. At the head the
    history part is an empty index scan on ``valid_to``, so the same statement is right whether
    or not a write commits meanwhile.
    """
    spec = LAYERS[layer]
    fields = _field_columns(layer, columns)
    selected = [f'"{f}"' for f in fields]
    types = {f: _ARROW_TYPES[spec.field(f).dtype] for f in fields}
    if geometry:
        # base64 costs the server and the wire less than hex, and Python decodes it faster than
        # GEOS reads hex WKB (about 0.6 s instead of 2 s for 200,000 polygons)
        selected.append(f"encode(ST_AsBinary({GEOMETRY_COLUMN}), 'base64')")
        types["geometry"] = pa.string()
    if with_hash:
        selected.append(ROW_HASH)
        types[ROW_HASH] = pa.int64()
    conditions = rows.conditions(layer)
    if rows.bbox is not None and spec.has_geometry:
        bounds = ", ".join(repr(float(b)) for b in rows.bbox)
        # intersecting the box, not just its bounding box overlapping (as GDAL filters the GeoPackage)
        conditions.append(f"ST_Intersects({GEOMETRY_COLUMN}, ST_MakeEnvelope({bounds}, {SRID}))")
    current = " AND ".join([f"{VALID_FROM} <= {int(version)}", *conditions])
    ended = " AND ".join([f"{VALID_TO} > {int(version)}", f"{VALID_FROM} <= {int(version)}", *conditions])
    columns_sql = ", ".join(selected) or "1"  # no column asked for: the rows still count
    query = (
        f'SELECT {columns_sql} FROM "{layer}" WHERE {current} '
        f'UNION ALL SELECT {columns_sql} FROM "{history_table(layer)}" WHERE {ended}'
    )
    return query, types


def _read(connection: sa.Connection, layer: str, version: int, rows: RowFilter, columns, geometry, *, with_hash=False):
    """The rows :func:`_select` selects, as a (Geo)DataFrame in EPSG:4326."""
    query, types = _select(layer, version, rows, columns, geometry, with_hash=with_hash)
    table = _copy_out(connection, query, types)
    frame = _to_pandas(table)
    if not types:  # no column asked for: the rows still count
        frame = pd.DataFrame(index=pd.RangeIndex(table.num_rows))
    if with_hash:
        frame[ROW_HASH] = frame[ROW_HASH].astype("int64")
    if geometry:
        encoded = table.column("geometry").to_pylist()
        frame = frame.drop(columns="geometry")
        shapes = shapely.from_wkb(np.array([v and binascii.a2b_base64(v) for v in encoded], dtype=object))
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(shapes, index=frame.index, crs=STORAGE_CRS))
    return frame


def _copy_out(connection: sa.Connection, query: str, types: dict[str, pa.DataType]) -> pa.Table:
    """A query's rows as an Arrow table (COPY ... TO STDOUT in CSV, parsed by pyarrow)."""
    raw = connection.connection.driver_connection
    buffer = io.BytesIO()
    with raw.cursor() as cursor, cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
        for block in copy:
            buffer.write(block)
    names = list(types) or ["_"]
    if not buffer.tell():
        schema = pa.schema([(n, types.get(n, pa.null())) for n in names])
        return schema.empty_table()
    buffer.seek(0)
    return pa_csv.read_csv(
        buffer,
        read_options=pa_csv.ReadOptions(column_names=names, block_size=8 << 20),
        # text may hold line breaks inside quotes
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types=types,
            null_values=[""],
            # COPY writes NULL unquoted and an empty text quoted: keep the two apart
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
            true_values=["t"],
            false_values=["f"],
        ),
    )


_PANDAS_TYPES = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas(types_mapper=_PANDAS_TYPES.get, date_as_object=False)
    for name, kind in zip(table.column_names, table.schema.types, strict=True):
        if pa.types.is_date32(kind):
            frame[name] = frame[name].astype("datetime64[ms]")
    return frame


def _to_arrow(layer: str, frame: pd.DataFrame, version: int) -> pa.Table:
    """Rows of a plan as the columns of the layer's table (geometry as hex EWKB)."""
    spec = LAYERS[layer]
    arrays, names = [], []
    for f in spec.fields:
        values = frame[f.name]
        if f.dtype == "date":
            array = pa.array(pd.to_datetime(values).astype("datetime64[ms]"), from_pandas=True).cast(pa.date32())
        elif f.dtype == "str":
            array = pa.array(values.astype("object").where(values.notna(), None), type=pa.string(), from_pandas=True)
        else:
            array = pa.array(values, type=_ARROW_TYPES[f.dtype], from_pandas=True)
        arrays.append(array)
        names.append(f.name)
    if spec.has_geometry:
        shapes = shapely.set_srid(np.asarray(frame["geometry"].values, dtype=object), SRID)
        # hex EWKB, which PostgreSQL reads as geometry; bytes.hex() is twice as fast as GEOS' hex writer
        wkb = shapely.to_wkb(shapes, include_srid=True)
        arrays.append(pa.array([w and w.hex() for w in wkb], type=pa.string()))
        names.append(GEOMETRY_COLUMN)
    arrays.append(pa.array(np.full(len(frame), version, dtype="int64")))
    names.append(VALID_FROM)
    arrays.append(pa.array(frame[ROW_HASH].to_numpy(dtype="int64")))
    names.append(ROW_HASH)
    return pa.Table.from_arrays(arrays, names=names)


def _copy_in(connection: sa.Connection, table: str, rows: pa.Table) -> None:
    raw = connection.connection.driver_connection
    columns = ", ".join(f'"{c}"' for c in rows.column_names)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN WITH (FORMAT csv)') as copy:
        for batch in rows.to_batches(max_chunksize=COPY_BATCH_ROWS):
            buffer = io.BytesIO()
            # strings are quoted (an empty one stays empty), NULLs left bare (COPY reads them as NULL)
            pa_csv.write_csv(batch, buffer, write_options=pa_csv.WriteOptions(include_header=False))
            copy.write(buffer.getbuffer())


class _PostGISWriter(Writer):
    """A write inside the transaction that holds the store's write lock."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection

    def head(self) -> int | None:
        return self.connection.exec_driver_sql(f"SELECT max(version) FROM {VERSIONS_TABLE}").scalar()

    def current_keys(self, layer: str) -> pd.DataFrame:
        id_field = LAYERS[layer].id_field
        table = _copy_out(
            self.connection,
            f'SELECT "{id_field}", {ROW_HASH} FROM "{layer}"',
            {id_field: pa.string(), ROW_HASH: pa.int64()},
        )
        return pd.DataFrame({id_field: table[id_field].to_pandas().astype("str"), ROW_HASH: table[ROW_HASH].to_numpy()})

    def rows_at(self, layer: str, version: int) -> pd.DataFrame:
        spec = LAYERS[layer]
        frame = _read(self.connection, layer, version, RowFilter(), None, spec.has_geometry, with_hash=True)
        return coerce_to_schema(layer, frame)[0]

    def apply(self, plan: LayerPlan, version: int) -> None:
        layer, spec = plan.layer, LAYERS[plan.layer]
        if len(plan.ended):
            history = history_table(layer)
            moved = [*(f'"{f}"' for f in spec.field_names), *([GEOMETRY_COLUMN] if spec.has_geometry else [])]
            moved += [VALID_FROM, ROW_HASH]
            self.connection.exec_driver_sql("CREATE TEMP TABLE ended (id text PRIMARY KEY) ON COMMIT DROP")
            _copy_in(self.connection, "ended", pa.table({"id": pa.array(list(plan.ended), type=pa.string())}))
            self.connection.exec_driver_sql(
                f'INSERT INTO "{history}" ({", ".join(moved)}, {VALID_TO}) '
                f"SELECT {', '.join(f'l.{c}' for c in moved)}, {int(version)} "
                f'FROM "{layer}" l JOIN ended ON l."{spec.id_field}" = ended.id'
            )
            self.connection.exec_driver_sql(f'DELETE FROM "{layer}" l USING ended WHERE l."{spec.id_field}" = ended.id')
            self.connection.exec_driver_sql("DROP TABLE ended")
        if len(plan.rows):
            _copy_in(self.connection, layer, _to_arrow(layer, plan.rows, version))
        if len(plan.rows) + len(plan.ended) > ANALYZE_AFTER_ROWS:
            # the planner's estimates (index or not) follow the new sizes right away
            self.connection.exec_driver_sql(f'ANALYZE "{layer}"')
            if len(plan.ended):
                self.connection.exec_driver_sql(f'ANALYZE "{history_table(layer)}"')

    def add_version(self, record: VersionRecord, plans: list[LayerPlan]) -> None:
        self.connection.execute(
            sa.text(
                f"INSERT INTO {VERSIONS_TABLE} (version, created_at, created_by, action, note, based_on, "
                "restored_from, metadata) VALUES (:version, :created_at, :created_by, :action, :note, "
                ":based_on, :restored_from, :metadata)"
            ),
            {**vars(record), "metadata": json.dumps(record.metadata, ensure_ascii=False)},
        )
        changes = [{"version": record.version, "layer": p.layer, **p.counts()} for p in plans if not p.is_empty]
        if changes:
            self.connection.execute(
                sa.text(
                    f"INSERT INTO {CHANGES_TABLE} (version, layer, added, changed, removed) "
                    "VALUES (:version, :layer, :added, :changed, :removed)"
                ),
                changes,
            )

    def add_audit(self, entry: AuditEntry) -> None:
        _insert_audit(self.connection, entry)
