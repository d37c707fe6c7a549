"""The state of records on a given day, derived from their lifecycle dates.

Every layer with a lifecycle stores one date per step (``lib.schema.LayerSpec.status_dates``);
the status on day *d* is the last step dated on or before *d*. Records whose first dated step
is after *d* did not exist yet and are dropped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from lib.schema import LAYERS


def reached(records: pd.DataFrame, column: str, day) -> np.ndarray:
    """Whether each record's date in ``column`` is on or before ``day`` (never for a missing date)."""
    # NaT compares False, so a step without a date is never reached
    values = records[column].to_numpy()
    if values.dtype.kind == "M":  # in numpy: pandas' comparison cost more than the page's map
        # the day in the column's unit: comparing in another unit converted the whole column first
        return values <= np.datetime64(pd.Timestamp(day)).astype(values.dtype)
    return (records[column] <= pd.Timestamp(day)).to_numpy(dtype=bool, na_value=False)


def status_as_of(layer: str, records: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Status of each record on ``day`` (the record's initial status when no step is reached)."""
    spec = LAYERS[layer]
    steps = list(spec.status_dates)
    # index of the last step reached per record, -1 for none: statuses are in lifecycle order
    last = np.full(len(records), -1)
    for position, column in enumerate(spec.status_dates.values()):
        last = np.where(reached(records, column, day), position, last)
    # picked from the few names in Arrow: a string column built from a Python object per record
    # cost most of a change of day for 90,000 houses
    names = pa.array([spec.field("status").allowed[0], *steps], type=pa.large_string())
    return pd.Series(pd.array(names.take(pa.array(last + 1)), dtype="str"), index=records.index)


def records_as_of(layer: str, records: pd.DataFrame, day) -> pd.DataFrame:
    """Records known on ``day`` with ``status`` recomputed for that day.

    A record is known from its earliest dated step; records with no date at all (planned work)
    are known throughout.
    """
    day = pd.Timestamp(day)
    spec = LAYERS[layer]
    date_columns = [c for c in spec.status_dates.values() if c in records.columns]
    if layer == "returns":
        return records[records["date"] <= day]
    if not date_columns:
        return records
    dated = np.zeros(len(records), dtype=bool)
    started = np.zeros(len(records), dtype=bool)
    for column in date_columns:
        dated |= records[column].notna().to_numpy()
        started |= reached(records, column, day)
    known = records[~dated | started]
    if "status" in known.columns:
        known = known.assign(status=status_as_of(layer, known, day))
    return known


def ramp(start: pd.Series, end: pd.Series, day) -> np.ndarray:
    """Share (0..1) of work done on ``day`` for work that runs linearly from ``start`` to ``end``."""
    day = pd.Timestamp(day)
    total = (end - start).dt.days.to_numpy(dtype="float64")
    done = (day - start).dt.days.to_numpy(dtype="float64")
    # zero-length work is done from its start day on
    share = np.divide(done, total, out=(done >= 0).astype("float64"), where=total > 0)
    share = np.where(start.isna().to_numpy(), 0.0, share)
    return np.clip(np.nan_to_num(share, nan=0.0), 0.0, 1.0)
