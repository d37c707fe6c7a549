"""Data versions: what a write changes, worked out before anything is written.

Both stores keep every version the same way (the history-table pattern of temporal databases):
each layer's table holds its current rows, each stamped with the version that wrote it
(``valid_from``) and a hash of its content (``row_hash``); a row that a later version changes or
removes moves to the layer's history table with the version that ended it (``valid_to``). The
state at version *v* is then the current rows with ``valid_from <= v`` plus the history rows with
``valid_from <= v < valid_to``, so a version costs only the rows it changed, and a restore is a
write like any other.

Everything here is pure: a write compares the ids and hashes the store holds with the new frame
and gets a :class:`LayerPlan` (rows added, changed, removed); the engines only carry it out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

import shapely

from lib.schema import LAYERS

VALID_FROM = "valid_from"
VALID_TO = "valid_to"
ROW_HASH = "row_hash"
# Columns the store adds to every layer's rows; readers never see them.
BOOKKEEPING = (VALID_FROM, VALID_TO, ROW_HASH)

WRITE_MODES = ("replace", "upsert")


def empty_layer(layer: str) -> pd.DataFrame:
    """The layer with no rows (a layer that did not exist yet at the version read)."""
    import geopandas as gpd

    spec = LAYERS[layer]
    frame = pd.DataFrame({name: pd.Series(dtype="object") for name in spec.field_names})
    return gpd.GeoDataFrame(frame, geometry=[], crs="EPSG:4326") if spec.has_geometry else frame


def history_table(layer: str) -> str:
    """The table that keeps the rows a later version changed or removed."""
    return f"{layer}_history"


def complete_columns(layer: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every field of the layer, in the schema's order (absent optional fields
    empty), and its geometry last: the one shape of rows that is hashed and stored."""
    spec = LAYERS[layer]
    missing = {f: pd.Series(pd.NA, index=frame.index, dtype="object") for f in spec.field_names if f not in frame}
    if missing:
        frame = frame.assign(**missing)
    columns = list(spec.field_names) + (["geometry"] if spec.has_geometry else [])
    return frame[columns]


def row_hashes(layer: str, frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each row's fields and geometry (WKB), for telling changed rows apart.

    ``frame`` must be typed by :func:`lib.validation.coerce_to_schema`: equal values of different
    dtypes hash differently. pandas' hash uses a fixed key, so hashes are the same in every process.
    """
    spec = LAYERS[layer]
    values = pd.DataFrame(complete_columns(layer, frame)[spec.field_names])
    if spec.has_geometry:
        values["geometry"] = shapely.to_wkb(np.asarray(frame.geometry.values), hex=True)
    return pd.util.hash_pandas_object(values, index=False).to_numpy().view("int64")


@dataclass(frozen=True)
class LayerPlan:
    """What one write does to one layer.

    ``rows`` are the rows to insert (added and changed), typed and hashed; ``ended`` the ids of
    current rows that move to the history (changed and removed).
    """

    layer: str
    added: pd.Index
    changed: pd.Index
    removed: pd.Index
    rows: pd.DataFrame

    @property
    def ended(self) -> pd.Index:
        return self.changed.append(self.removed)

    @property
    def is_empty(self) -> bool:
        return not (len(self.added) or len(self.changed) or len(self.removed))

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed)}


def plan_layer(
    layer: str,
    current: pd.DataFrame,
    new: pd.DataFrame,
    *,
    mode: str = "replace",
    removable: Iterable[str] | None = None,
) -> LayerPlan:
    """Compare the store's current rows of a layer (``current``: its id field and ``row_hash``)
    with ``new`` (typed rows of the layer).

    Parameters
    ----------
    mode : ``"replace"`` (the layer becomes ``new``: ids not in it are removed) or ``"upsert"``
        (rows of ``new`` are added or replace those with their id; nothing is removed).
    removable : with ``"replace"``, only these current ids may be removed (a replace within some
        districts); ``None`` for any.
    """
    if mode not in WRITE_MODES:
        raise ValueError(f"unknown write mode {mode!r}; expected one of {', '.join(WRITE_MODES)}")
    id_field = LAYERS[layer].id_field
    rows = complete_columns(layer, new)
    # rows read back from the store (a restore) bring the hashes they were stored with
    rows = rows.assign(**{ROW_HASH: new[ROW_HASH].to_numpy() if ROW_HASH in new else row_hashes(layer, rows)})
    # plain object indexes: pandas' Arrow-backed strings look values up one by one in Python
    held = pd.Series(current[ROW_HASH].to_numpy(), index=pd.Index(current[id_field].astype("str"), dtype=object))
    ids = pd.Index(rows[id_field].astype("str"), dtype=object)
    known = ids.isin(held.index)
    same = np.zeros(len(rows), dtype=bool)
    same[known] = held.reindex(ids[known]).to_numpy() == rows[ROW_HASH].to_numpy()[known]
    removed = pd.Index([], dtype=object)
    if mode == "replace":
        gone = held.index[~held.index.isin(ids)]
        removed = gone if removable is None else gone[gone.isin(pd.Index(list(removable)))]
    return LayerPlan(
        layer,
        added=ids[~known],
        changed=ids[known & ~same],
        removed=removed,
        rows=rows[~same].reset_index(drop=True),
    )


def known_on_condition(layer: str, day: date) -> str | None:
    """An SQL condition (SQLite and PostgreSQL alike) keeping the rows known on ``day``, as
    :func:`lib.as_of.records_as_of` does: a record is known from its earliest dated step, records
    without any date (planned work) always; convoys from their date. ``None``: the layer has no dates.
    """
    # "before the next day": the GeoPackage keeps dates as date-times ('2024-05-09T00:00:00'),
    # which a text comparison with '2024-05-09' would put after that day
    literal = f"'{(pd.Timestamp(day).normalize() + pd.Timedelta(days=1)).date().isoformat()}'"
    spec = LAYERS[layer]
    if layer == "returns":
        return f"date < {literal}"
    columns = list(spec.status_dates.values())
    if not columns:
        return None
    undated = " AND ".join(f"{c} IS NULL" for c in columns)
    started = " OR ".join(f"{c} < {literal}" for c in columns)
    return f"(({undated}) OR {started})"
