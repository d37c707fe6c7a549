"""Figures counted record by record, as a reader would by hand: the reference that the app's own
figures (lib.daily_totals, lib.metrics) and the demonstration data's calibration are checked against.
The app itself never needs them."""

import pandas as pd


def settlements_with_returns(returns: pd.DataFrame, day) -> int:
    """Settlements that had received at least one convoy by ``day``."""
    return int(returns.loc[returns["date"] <= pd.Timestamp(day), "settlement_id"].nunique())


def dwelling_units_started(housing: pd.DataFrame, day) -> int:
    """Dwelling units in buildings past planning by ``day`` (any of their dates reached)."""
    dates = housing[["under_construction_date", "completed_date", "allocated_date", "occupied_date"]]
    return int(housing.loc[(dates <= pd.Timestamp(day)).any(axis=1), "units"].sum())


def dwelling_units_allocated(housing: pd.DataFrame, day) -> int:
    """Dwelling units in buildings allocated to families by ``day``."""
    return int(housing.loc[housing["allocated_date"] <= pd.Timestamp(day), "units"].sum())


def dwelling_units_occupied(housing: pd.DataFrame, day) -> int:
    """Dwelling units in buildings occupied by ``day``."""
    return int(housing.loc[housing["occupied_date"] <= pd.Timestamp(day), "units"].sum())
