"""Reconstruction and readiness: which settlements can take the next convoy, and what the others lack.

A settlement is *ready* for families when it has free completed homes, its road, power, water,
gas, school and clinic are built, no hazard area still unreleased lies within the safety
distance of its outline, and the families already there have work. Each of these is an item of
the checklist (:data:`ITEMS`); an item not met carries the date the data says it will be met
(:func:`expected_dates`): a date recorded later than the day (when the "as of" day is before
the data date), else one projected from the progress recorded, else none.

:func:`settlement_conditions` holds the raw measures per settlement on a day, which both the
checklist here and the return conditions index (lib/return_index.py) read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.daily_totals import DailyTotals
from lib.diagnosis import JOBS_PER_FAMILY_MIN
from lib.metrics import infrastructure_progress
from lib.schema import INFRASTRUCTURE_CATEGORIES

ITEMS = ("homes", "road", "power", "water", "gas", "school", "health", "safety", "jobs")
STATES = ("ready", "ready_next_month", "blocked_by_mines", "not_ready")
NEAR_COLUMNS = ("hazard_count", "hazard_ha", "nearest_m")


def settlement_conditions(
    settlements: pd.DataFrame,
    infrastructure: pd.DataFrame,
    employment_projects: pd.DataFrame,
    totals_by_settlement: DailyTotals,
    near: pd.DataFrame,
    day,
    data_date,
) -> pd.DataFrame:
    """The raw measures of every settlement on ``day``, one row per settlement of ``settlements``.

    Parameters
    ----------
    settlements : settlement_id, district_id, planned_households.
    infrastructure : the assets (settlement_id, category, progress_pct, under_construction_date,
        completed_date); assets kept per district only (no settlement_id) serve no settlement here.
    employment_projects : settlement_id, jobs_planned, start_date (for the jobs planned by ``day``).
    totals_by_settlement : :func:`lib.daily_totals.daily_totals` by settlement_id (families,
        units completed, allocated and occupied, jobs created on any day).
    near : unreleased hazard near each settlement on ``day`` (lib.proximity.near_per_settlement:
        settlement_id, hazard_count, hazard_ha, nearest_m; settlements with nothing near absent).
    day, data_date : the "as of" day and the date the data describes.

    Returns
    -------
    DataFrame
        settlement_id, district_id, planned_households, families_returned, units_completed,
        units_occupied, units_allocated, free_homes (completed units not yet allocated to a
        family), for each category c of :data:`lib.schema.INFRASTRUCTURE_CATEGORIES`
        ``c_assets`` (assets serving the settlement known on ``day``), ``c_done`` (at least one,
        all completed by ``day``), ``c_progress`` (their mean percent done, 0 when none),
        jobs_planned, jobs_created, jobs_per_family (NaN before any family), hazard_count,
        hazard_ha (0 when nothing is near) and nearest_m (NaN when nothing is near).
    """
    day = pd.Timestamp(day)
    ids = settlements["settlement_id"]
    conditions = pd.DataFrame(
        {
            "settlement_id": ids.to_numpy(),
            "district_id": settlements["district_id"].to_numpy(),
            "planned_households": settlements["planned_households"].fillna(0).astype("int64").to_numpy(),
        }
    )
    figures = totals_by_settlement.on(day, ids)
    for measure in ("families_returned", "units_completed", "units_occupied", "units_allocated", "jobs_created"):
        values = figures[measure] if measure in figures.columns else pd.Series(0.0, index=figures.index)
        conditions[measure] = values.round().astype("int64").to_numpy()
    # a house is allocated before its family moves in; a record with only an occupied date counts too
    taken = np.maximum(conditions["units_allocated"], conditions["units_occupied"])
    conditions["free_homes"] = np.maximum(conditions["units_completed"] - taken, 0)
    conditions = conditions.join(_works(infrastructure, ids, day, data_date), on="settlement_id")
    planned = employment_projects[employment_projects["start_date"] <= day].groupby("settlement_id")["jobs_planned"]
    conditions["jobs_planned"] = conditions["settlement_id"].map(planned.sum()).fillna(0).astype("int64")
    families = conditions["families_returned"].where(conditions["families_returned"] > 0)
    conditions["jobs_per_family"] = conditions["jobs_created"] / families
    near = near.set_index("settlement_id") if len(near) else pd.DataFrame(columns=NEAR_COLUMNS)
    conditions["hazard_count"] = conditions["settlement_id"].map(near["hazard_count"]).fillna(0).astype("int64")
    conditions["hazard_ha"] = conditions["settlement_id"].map(near["hazard_ha"]).fillna(0.0).astype("float64")
    conditions["nearest_m"] = conditions["settlement_id"].map(near["nearest_m"]).astype("float64")
    return conditions


def _works(infrastructure: pd.DataFrame, ids: pd.Series, day, data_date) -> pd.DataFrame:
    """Per settlement and category: assets known on ``day``, whether all are done, mean progress."""
    assets = infrastructure[infrastructure["settlement_id"].isin(ids)]
    # a planned asset (no date at all) is known throughout; one started later is not yet
    started = assets["under_construction_date"].fillna(assets["completed_date"])
    assets = assets[started.isna() | (started <= day)]
    progress = infrastructure_progress(assets, day, data_date)
    table = pd.DataFrame(
        {
            "settlement_id": assets["settlement_id"].to_numpy(),
            "category": assets["category"].to_numpy(),
            "progress": progress.to_numpy(),
            "done": (assets["completed_date"] <= day).to_numpy(dtype=bool, na_value=False),
        }
    )
    grouped = table.groupby(["settlement_id", "category"])
    summary = grouped.agg(assets=("done", "size"), done=("done", "all"), progress=("progress", "mean"))
    columns = {}
    for category in INFRASTRUCTURE_CATEGORIES:
        of = (
            summary.xs(category, level="category")
            if category in summary.index.get_level_values("category")
            else summary.iloc[:0].droplevel("category")
        )
        columns[f"{category}_assets"] = of["assets"].reindex(ids, fill_value=0).astype("int64")
        columns[f"{category}_done"] = of["done"].reindex(ids, fill_value=False).astype(bool)
        columns[f"{category}_progress"] = of["progress"].reindex(ids, fill_value=0.0).astype("float64").round(1)
    return pd.DataFrame(columns, index=pd.Index(ids.to_numpy(), name="settlement_id"))


def jobs_met(conditions: pd.DataFrame) -> pd.Series:
    """Whether the families already in each settlement have work: at least
    :data:`lib.diagnosis.JOBS_PER_FAMILY_MIN` jobs created per family returned. A settlement no
    family has returned to yet meets it (its first families bring the first jobs)."""
    ratio = conditions["jobs_per_family"]
    return ratio.isna() | (ratio >= JOBS_PER_FAMILY_MIN)
