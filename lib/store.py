"""Where the layers live: a GeoPackage by default (PostGIS later, behind the same interface).

The interface is deliberately small — read one layer with filters, write a set of layers all at
once, tell the current data version (the key of every cache) — so a PostGIS store can implement
it without the pages noticing.

Writes are all or nothing: the new GeoPackage is assembled in a temporary file beside the old
one and moved over it with :func:`os.replace`, which is atomic on POSIX and Windows; a failed or
interrupted write leaves the previous file untouched.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import pandas as pd

import geopandas as gpd
import pyogrio

from lib.config import STORAGE_CRS
from lib.schema import LAYERS
from lib.validation import Problem, coerce_to_schema, validate_layers

METADATA_TABLE = "metadata"
CHANGE_LOG_TABLE = "change_log"


class InvalidDataError(ValueError):
    """Raised by a write whose layers have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"- {p}" for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s); nothing was written:\n{shown}{more}")


class Store(Protocol):
    """What every store offers (GeoPackage now, PostGIS later)."""

    def layer_names(self) -> list[str]: ...

    def read_layer(
        self,
        layer: str,
        *,
        district_ids: Iterable[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        columns: list[str] | None = None,
    ) -> pd.DataFrame: ...

    def write_layers(
        self, layers: Mapping[str, pd.DataFrame], *, note: str, metadata: Mapping | None = None
    ) -> str: ...

    def data_version(self) -> str | None: ...

    def metadata(self) -> dict: ...


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _geometry_type(layer: str) -> str:
    types = LAYERS[layer].geometry_types
    return types[0] if len(types) == 1 else "Unknown"


class GeoPackageStore:
    """All layers in one GeoPackage file, plus a metadata table and a change log.

    Parameters
    ----------
    path : the ``.gpkg`` file; it need not exist before the first write.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def exists(self) -> bool:
        return self.path.exists()

    def layer_names(self) -> list[str]:
        if not self.exists():
            return []
        return [str(name) for name, _ in pyogrio.list_layers(self.path)]

    def _where(self, layer: str, district_ids: Iterable[str] | None) -> str | None:
        if district_ids is None:
            return None
        district_ids = list(district_ids)
        fields = LAYERS[layer].field_names
        if "district_id" in fields:
            return f"district_id IN ({_sql_list(district_ids)})"
        if "settlement_id" in fields:
            settlements = self.read_layer("settlements", district_ids=district_ids, columns=["settlement_id"])
            return f"settlement_id IN ({_sql_list(settlements['settlement_id'])})"
        return None

    def read_layer(self, layer, *, district_ids=None, bbox=None, columns=None, geometry=True) -> pd.DataFrame:
        """One layer, typed per the schema, optionally only some districts, a bbox or columns.

        Layers with geometry come back as GeoDataFrames in EPSG:4326 (``geometry=False`` skips
        reading it, for figures that need none); tables as DataFrames.
        A district filter on a settlement-level layer (housing, returns, ...) goes through the
        settlements of those districts, so records are joined on ids, never on names.
        """
        if layer not in LAYERS:
            raise KeyError(f"unknown layer {layer!r}; expected one of {', '.join(LAYERS)}")
        if not self.exists():
            raise FileNotFoundError(f"no data store at {self.path}; run `python -m lib.cli build-demo`")
        spec = LAYERS[layer]
        frame = pyogrio.read_dataframe(
            self.path,
            layer=layer,
            where=self._where(layer, district_ids),
            bbox=bbox if spec.has_geometry else None,
            columns=columns,
            read_geometry=spec.has_geometry and geometry,
            use_arrow=True,
        )
        if spec.has_geometry and geometry and frame.crs is not None and not frame.crs.equals(STORAGE_CRS):
            frame = frame.to_crs(STORAGE_CRS)
        typed, _ = coerce_to_schema(layer, frame)
        return typed

    def write_layers(self, layers, *, note, metadata=None, validate=True) -> str:
        """Replace the given layers (others are kept), all at once, and return the new data version.

        Raises
        ------
        InvalidDataError
            When any layer has a problem (checked before anything is written).
        """
        layers = dict(layers)
        if validate:
            known = {
                name: set(self.read_layer(name, columns=[LAYERS[name].id_field])[LAYERS[name].id_field])
                for name in ("districts", "settlements")
                if name not in layers and name in self.layer_names()
            }
            problems = validate_layers(layers, known)
            if problems:
                raise InvalidDataError(problems)
        version = uuid.uuid4().hex[:12]
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.stem}-", suffix=".gpkg", dir=self.path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if self.exists():
                shutil.copyfile(self.path, tmp)
            else:
                tmp.unlink()
            for name, frame in layers.items():
                self._write_frame(tmp, name, frame)
            meta = {**self.metadata(), **(metadata or {}), "data_version": version, "updated_at": now}
            meta_frame = pd.DataFrame({"key": list(meta), "value": [json.dumps(v) for v in meta.values()]})
            pyogrio.write_dataframe(meta_frame, tmp, layer=METADATA_TABLE)
            log_row = pd.DataFrame(
                {
                    "changed_at": [now],
                    "changed_by": [getpass.getuser()],
                    "data_version": [version],
                    "layers": [", ".join(layers)],
                    "rows": [sum(len(f) for f in layers.values())],
                    "note": [note],
                }
            )
            log = pd.concat([self.change_log(), log_row], ignore_index=True) if self.exists() else log_row
            pyogrio.write_dataframe(log, tmp, layer=CHANGE_LOG_TABLE)
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)
        return version

    @staticmethod
    def _write_frame(path: Path, layer: str, frame: pd.DataFrame) -> None:
        spec = LAYERS[layer]
        columns = [f for f in spec.field_names if f in frame.columns]
        if spec.has_geometry:
            out = gpd.GeoDataFrame(frame[columns], geometry=frame.geometry, crs=frame.crs)
            pyogrio.write_dataframe(out, path, layer=layer, geometry_type=_geometry_type(layer))
        else:
            pyogrio.write_dataframe(pd.DataFrame(frame[columns]), path, layer=layer)

    def _table(self, table: str) -> pd.DataFrame:
        if not self.exists():
            return pd.DataFrame()
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()
            if not exists:
                return pd.DataFrame()
            return pd.read_sql_query(f'SELECT * FROM "{table}"', connection).drop(columns="fid", errors="ignore")

    def metadata(self) -> dict:
        """The metadata table as a dict (data_version, updated_at, sources, generator settings)."""
        table = self._table(METADATA_TABLE)
        return {row.key: json.loads(row.value) for row in table.itertuples()} if len(table) else {}

    def change_log(self) -> pd.DataFrame:
        """Every write so far: when, by whom, which layers, how many rows, why."""
        return self._table(CHANGE_LOG_TABLE)

    def data_version(self) -> str | None:
        """An id that changes with every write; caches are keyed on it. Read on every page run,
        so it is remembered per file state (every write replaces the file: new inode and time)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        state = (str(self.path.resolve()), stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if state not in _VERSIONS:
            if len(_VERSIONS) > 16:
                _VERSIONS.clear()
            _VERSIONS[state] = self._read_data_version()
        return _VERSIONS[state]

    def _read_data_version(self) -> str | None:
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as connection:
            try:
                row = connection.execute(f"SELECT value FROM {METADATA_TABLE} WHERE key = 'data_version'").fetchone()
            except sqlite3.OperationalError:  # no metadata table yet
                return None
        return json.loads(row[0]) if row else None


_VERSIONS: dict[tuple, str | None] = {}


def open_store(settings=None) -> Store:
    """The configured store: PostGIS when a database URL is set, else the GeoPackage."""
    from lib.config import get_settings

    settings = settings or get_settings()
    if settings.database_url:
        raise NotImplementedError(
            "PostGIS storage is not built yet (GREAT_RETURN_DATABASE_URL is set); unset it to use the GeoPackage."
        )
    return GeoPackageStore(settings.store_path)
