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

from lib.as_of import reached, records_as_of
from lib.daily_totals import DailyTotals
from lib.diagnosis import JOBS_PER_FAMILY_MIN
from lib.metrics import infrastructure_progress
from lib.schema import INFRASTRUCTURE_CATEGORIES

ITEMS = ("homes", "road", "power", "water", "gas", "school", "health", "safety", "jobs")
STATES = ("ready", "ready_next_month", "blocked_by_mines", "not_ready")
NEAR_COLUMNS = ("hazard_count", "hazard_ha", "nearest_m")
NAT = np.datetime64("NaT", "ns")
NEXT_MONTH_DAYS = 30  # "next month": how far ahead an item expected counts


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
    columns = {
        "settlement_id": ids.to_numpy(),
        "district_id": settlements["district_id"].to_numpy(),
        "planned_households": settlements["planned_households"].fillna(0).to_numpy(dtype="int64"),
    }
    figures = totals_by_settlement.on(day, ids)
    for measure in ("families_returned", "units_completed", "units_occupied", "units_allocated", "jobs_created"):
        values = figures[measure].to_numpy() if measure in figures.columns else np.zeros(len(ids))
        columns[measure] = np.round(values).astype("int64")
    # a house is allocated before its family moves in; a record with only an occupied date counts too
    taken = np.maximum(columns["units_allocated"], columns["units_occupied"])
    columns["free_homes"] = np.maximum(columns["units_completed"] - taken, 0)
    works = _works(infrastructure, ids, day, data_date)
    columns.update({name: works[name].to_numpy() for name in works.columns})
    started = employment_projects[reached(employment_projects, "start_date", day)]
    planned = started["jobs_planned"].groupby(started["settlement_id"]).sum()
    columns["jobs_planned"] = _values_of(planned, ids, 0).astype("int64")
    families = columns["families_returned"].astype("float64")
    columns["jobs_per_family"] = np.divide(
        columns["jobs_created"], families, out=np.full(len(ids), np.nan), where=families > 0
    )
    near = near.set_index("settlement_id") if len(near) else pd.DataFrame(columns=NEAR_COLUMNS)
    columns["hazard_count"] = _values_of(near["hazard_count"], ids, 0).astype("int64")
    columns["hazard_ha"] = _values_of(near["hazard_ha"], ids, 0.0).astype("float64")
    columns["nearest_m"] = _values_of(near["nearest_m"], ids, np.nan).astype("float64")
    return pd.DataFrame(columns)


def _values_of(values: pd.Series, ids: pd.Series, missing) -> np.ndarray:
    """The values of ``values`` (indexed by settlement_id) for ``ids``, ``missing`` for those it lacks."""
    if not len(values):
        return np.full(len(ids), missing)
    found = values.index.get_indexer(ids.to_numpy())
    return np.where(found >= 0, values.to_numpy(dtype="float64")[np.maximum(found, 0)], missing)


def _asset_states(assets: pd.DataFrame, day, data_date) -> dict[str, np.ndarray]:
    """Each asset on ``day``: known (a planned asset without any date is known throughout, one
    first dated later is not yet), under construction, completed, and its percent done.
    In numpy: at 100x the data a pass of pandas per change of day cost a tenth of a second."""
    started = reached(assets, "under_construction_date", day)
    done = reached(assets, "completed_date", day)
    dated = (assets["under_construction_date"].notna() | assets["completed_date"].notna()).to_numpy()
    return {
        "known": ~dated | started | done,
        "building": started & ~done,
        "done": done,
        "progress": infrastructure_progress(assets, day, data_date).to_numpy(dtype="float64"),
    }


def _counts(group: np.ndarray, groups: int, states: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per group (codes ``group``, -1 for none): assets known, under construction, completed and
    their summed percent done, of the known assets."""
    keep = states["known"] & (group >= 0)
    codes = group[keep]

    def summed(values=None):
        return np.bincount(codes, weights=None if values is None else values[keep], minlength=groups)

    return {
        "assets": summed().astype("int64"),
        "building": summed(states["building"].astype("float64")).astype("int64"),
        "done": summed(states["done"].astype("float64")).astype("int64"),
        "progress": summed(states["progress"]),
    }


def _works(infrastructure: pd.DataFrame, ids: pd.Series, day, data_date, states=None) -> pd.DataFrame:
    """Per settlement and category: assets known on ``day``, whether all are done, mean progress
    (``states``: :func:`_asset_states` when already worked out)."""
    settlement = pd.Index(ids.to_numpy()).get_indexer(infrastructure["settlement_id"])
    category = pd.Index(INFRASTRUCTURE_CATEGORIES).get_indexer(infrastructure["category"])
    width = len(INFRASTRUCTURE_CATEGORIES)
    group = np.where((settlement >= 0) & (category >= 0), settlement * width + category, -1)
    states = _asset_states(infrastructure, day, data_date) if states is None else states
    counts = _counts(group, len(ids) * width, states)
    assets = counts["assets"].reshape(len(ids), width)
    done = counts["done"].reshape(len(ids), width)
    progress = np.divide(
        counts["progress"].reshape(len(ids), width), assets, out=np.zeros(assets.shape), where=assets > 0
    )
    columns = {}
    for position, name in enumerate(INFRASTRUCTURE_CATEGORIES):
        columns[f"{name}_assets"] = assets[:, position]
        columns[f"{name}_done"] = (assets[:, position] > 0) & (done[:, position] == assets[:, position])
        columns[f"{name}_progress"] = progress[:, position].round(1)
    return pd.DataFrame(columns, index=pd.Index(ids.to_numpy(), name="settlement_id"))


def jobs_met(conditions: pd.DataFrame) -> pd.Series:
    """Whether the families already in each settlement have work: at least
    :data:`lib.diagnosis.JOBS_PER_FAMILY_MIN` jobs created per family returned. A settlement no
    family has returned to yet meets it (its first families bring the first jobs)."""
    ratio = conditions["jobs_per_family"]
    return ratio.isna() | (ratio >= JOBS_PER_FAMILY_MIN)


# --- when each missing item is expected -------------------------------------------------------


def asset_expected(infrastructure: pd.DataFrame, data_date) -> pd.Series:
    """When each asset is (or is expected to be) completed: its recorded completion date, else
    projected from the progress recorded on the data date (works run at the pace so far: start +
    time so far × 100 / progress), else NaT (not started, or no progress recorded)."""
    data_date = pd.Timestamp(data_date)
    start = infrastructure["under_construction_date"]
    progress = pd.to_numeric(infrastructure["progress_pct"], errors="coerce").clip(upper=100)
    elapsed = (data_date - start).dt.days.to_numpy(dtype="float64")
    days = np.divide(
        elapsed * 100,
        progress.to_numpy(dtype="float64"),
        out=np.full(len(start), np.nan),
        where=progress.to_numpy(dtype="float64") > 0,
    )
    projected = start + pd.to_timedelta(np.ceil(days), unit="D")
    return infrastructure["completed_date"].fillna(projected)


def hazard_expected(hazard_areas: pd.DataFrame, data_date) -> pd.Series:
    """When each hazard polygon is (or is expected to be) released: its recorded release date,
    else, in clearance, projected at the pace so far (start + time so far × area / released
    area on the data date), else NaT (clearance not started or nothing released yet)."""
    data_date = pd.Timestamp(data_date)
    start = hazard_areas["in_clearance_date"]
    area = hazard_areas["area_ha"].to_numpy(dtype="float64")
    released = hazard_areas["released_ha"].to_numpy(dtype="float64")
    elapsed = (data_date - start).dt.days.to_numpy(dtype="float64")
    days = np.divide(elapsed * area, released, out=np.full(len(start), np.nan), where=released > 0)
    projected = start + pd.to_timedelta(np.ceil(days), unit="D")
    return hazard_areas["released_date"].fillna(projected)


def house_expected(housing: pd.DataFrame, data_date) -> pd.Series:
    """When each house not completed by the data date is expected to be: its start of
    construction plus the median build time of the completed houses (the day after the data date
    at the earliest, as it was not done by then); NaT for planned houses and houses completed."""
    data_date = pd.Timestamp(data_date)
    start, completed = housing["under_construction_date"], housing["completed_date"]
    build_days = (completed - start).dt.days.dropna()
    if build_days.empty:
        return pd.Series(pd.NaT, index=housing.index, dtype=start.dtype)
    projected = start + pd.Timedelta(days=float(build_days.median()))
    projected = projected.where(projected > data_date, data_date + pd.Timedelta(days=1))
    return projected.where(completed.isna() & start.notna())


def hiring(employment_projects: pd.DataFrame, data_date) -> pd.DataFrame:
    """Per settlement, how jobs are still being created on the data date: ``jobs_per_day`` (the
    pace so far of its projects hiring and not completed: jobs created / days since their first
    jobs) and ``jobs_open`` (the jobs those projects plan and have not filled yet)."""
    data_date = pd.Timestamp(data_date)
    projects = employment_projects
    running = projects[projects["active_date"].notna() & projects["completed_date"].isna()]
    running = running[running["active_date"] < data_date]
    days = (data_date - running["active_date"]).dt.days.to_numpy(dtype="float64")
    table = pd.DataFrame(
        {
            "settlement_id": running["settlement_id"].to_numpy(),
            "jobs_per_day": running["jobs_created"].to_numpy(dtype="float64") / days,
            "jobs_open": (running["jobs_planned"] - running["jobs_created"]).clip(lower=0).to_numpy(dtype="float64"),
        }
    )
    return table.groupby("settlement_id")[["jobs_per_day", "jobs_open"]].sum()


def expected_bases(
    housing: pd.DataFrame,
    infrastructure: pd.DataFrame,
    settlement_pairs: pd.DataFrame,
    hazard_areas: pd.DataFrame,
    data_date,
    employment_projects: pd.DataFrame | None = None,
) -> dict:
    """What :func:`expected_dates` needs that does not depend on the day (built once per data version).

    Returns
    -------
    dict
        ``works``: per settlement_id (index) and category (columns) the date all its assets are
        completed (NaT when one has no date the data says, or there is none);
        ``homes``: per settlement_id the earliest projected completion of a house still being
        built on the data date; ``hazards``: the settlement pairs (lib.proximity.hazard_pairs of
        the outlines) with ``expected`` (:func:`hazard_expected`); ``hiring``: per settlement the
        pace of hiring on the data date (:func:`hiring`; None without projects).
    """
    assets = infrastructure[infrastructure["settlement_id"].notna()]
    table = pd.DataFrame(
        {
            "settlement_id": assets["settlement_id"].to_numpy(),
            "category": assets["category"].to_numpy(),
            "expected": asset_expected(assets, data_date).to_numpy(),
        }
    )
    grouped = table.groupby(["settlement_id", "category"])["expected"]
    # any asset without a date leaves the whole item without one
    works = grouped.max().where(grouped.count() == grouped.size()).unstack("category")
    works = works.reindex(columns=list(INFRASTRUCTURE_CATEGORIES))
    homes = house_expected(housing, data_date).groupby(housing["settlement_id"]).min()
    release = hazard_areas.set_index("hazard_id")
    hazards = settlement_pairs[["settlement_id", "hazard_id", "suspected_date", "released_date"]].copy()
    hazards["expected"] = hazard_expected(release, data_date).reindex(hazards["hazard_id"]).to_numpy()
    jobs = hiring(employment_projects, data_date) if employment_projects is not None else None
    return {"works": works, "homes": homes, "hazards": hazards, "hiring": jobs}


def _first_day_after(met: np.ndarray, first_day: pd.Timestamp, row: int) -> np.ndarray:
    """Per column of ``met`` (days × settlements, from row ``row + 1`` on), the first day it is True (NaT if never)."""
    later = met[row + 1 :]
    if not len(later):  # nothing changes after the last day of the totals
        return np.full(met.shape[1], NAT, dtype="datetime64[ns]")
    found = later.any(axis=0)
    offsets = row + 1 + later.argmax(axis=0)
    days = first_day + pd.to_timedelta(offsets, unit="D")
    return np.where(found, days.to_numpy(), NAT)


def _dates_of(dates: pd.Series, ids: pd.Series) -> np.ndarray:
    """The dates of ``dates`` (by settlement_id) for ``ids``, NaT for those it does not hold."""
    found = dates.index.get_indexer(ids.to_numpy()) if len(dates) else np.full(len(ids), -1)
    values = dates.to_numpy(dtype="datetime64[ns]") if len(dates) else np.array([], dtype="datetime64[ns]")
    return np.where(found >= 0, values[np.maximum(found, 0)] if len(values) else NAT, NAT)


def expected_dates(conditions: pd.DataFrame, bases: dict, totals_by_settlement: DailyTotals, day) -> pd.DataFrame:
    """When each item of :data:`ITEMS` is expected to be met in each settlement of ``conditions``,
    where the data says (NaT where it does not).

    - homes: the first later day with free homes in the daily totals (recorded later dates, when
      ``day`` is before the data date), else the earliest projected completion of a house;
    - road … health: the day every asset of the category is completed (recorded, or projected
      from its progress; :func:`asset_expected`);
    - safety: the day the last hazard polygon unreleased on ``day`` within the distance is
      released (recorded, or projected in clearance; :func:`hazard_expected`);
    - jobs: the first later day the jobs created reach the minimum per family returned by ``day``,
      else the day they would at the pace of hiring on the data date (:func:`hiring`).

    Dates are given for met items too (the day itself or earlier); :func:`readiness` keeps those of
    the missing ones.
    """
    day = pd.Timestamp(day)
    ids = conditions["settlement_id"]
    expected = {"settlement_id": ids.to_numpy()}
    totals = totals_by_settlement
    columns = totals.groups.get_indexer(ids)
    row = (day - totals.first_day).days
    known = columns >= 0
    homes = np.full(len(ids), NAT, dtype="datetime64[ns]")
    jobs = homes.copy()
    if known.any():
        # before the totals' first day every later day is in them (row -1: search from the first)
        row = min(max(row, -1), totals.days - 1)
        values = {
            m: totals.values[m][:, columns[known]] for m in ("units_completed", "units_allocated", "units_occupied")
        }
        free = values["units_completed"] - np.maximum(values["units_allocated"], values["units_occupied"]) >= 0.5
        homes[known] = _first_day_after(free, totals.first_day, row)
        families = totals.values["families_returned"][row, columns[known]] if row >= 0 else 0.0
        enough = totals.values["jobs_created"][:, columns[known]] >= JOBS_PER_FAMILY_MIN * families - 1e-9
        jobs[known] = _first_day_after(enough, totals.first_day, row)
    projected = _dates_of(bases["homes"], ids)
    expected["homes_expected"] = np.where(np.isnat(homes), projected, homes)
    works = bases["works"]
    for category in INFRASTRUCTURE_CATEGORIES:
        expected[f"{category}_expected"] = _dates_of(works[category], ids)
    pairs = bases["hazards"]
    unreleased = pairs[(pairs["suspected_date"] <= day) & ~(pairs["released_date"] <= day)]
    by_settlement = unreleased.groupby("settlement_id")["expected"]
    safety = by_settlement.max().where(by_settlement.count() == by_settlement.size())
    expected["safety_expected"] = _dates_of(safety, ids)
    expected["jobs_expected"] = np.where(np.isnat(jobs), _jobs_projected(conditions, bases, totals, day), jobs)
    return pd.DataFrame(expected)


def _jobs_projected(conditions: pd.DataFrame, bases: dict, totals: DailyTotals, day) -> np.ndarray:
    """When the jobs the settlements lack on ``day`` would be created at the pace of hiring on the
    data date (NaT where nothing is hiring, or the jobs its projects still plan are too few)."""
    ids = conditions["settlement_id"]
    projected = np.full(len(ids), NAT, dtype="datetime64[ns]")
    if bases.get("hiring") is None or bases["hiring"].empty:
        return projected
    last_day = totals.first_day + pd.Timedelta(days=totals.days - 1)
    on_last_day = totals.on(last_day, ids)["jobs_created"].to_numpy()
    needed = JOBS_PER_FAMILY_MIN * conditions["families_returned"].to_numpy(dtype="float64") - on_last_day
    pace = bases["hiring"].reindex(ids.to_numpy())
    rate, open_jobs = pace["jobs_per_day"].to_numpy(), pace["jobs_open"].to_numpy()
    can = (needed > 0) & (rate > 0) & (needed <= open_jobs + 1e-9)
    days = np.ceil(np.divide(needed, rate, out=np.zeros(len(ids)), where=can))
    dates = last_day + pd.to_timedelta(days, unit="D")
    projected[can] = dates.to_numpy()[can]
    return projected


# --- the checklist ----------------------------------------------------------------------------

WORK_ITEMS = INFRASTRUCTURE_CATEGORIES  # the items met by infrastructure of one category


def readiness(
    conditions: pd.DataFrame, expected: pd.DataFrame, day, horizon_days: int = NEXT_MONTH_DAYS
) -> pd.DataFrame:
    """The readiness checklist of each settlement on ``day`` and its state.

    Parameters
    ----------
    conditions : :func:`settlement_conditions` on ``day``.
    expected : :func:`expected_dates` on ``day``.
    horizon_days : how far ahead "next month" looks.

    Returns
    -------
    DataFrame
        The columns of ``conditions``, then per item of :data:`ITEMS` ``<item>_met`` and
        ``<item>_expected`` (when a missing item is expected; NaT when met or when the data does
        not say), ``lacking`` (the missing items, in checklist order), ``no_record`` (the missing
        works items of which the data holds no asset at all), ``expected_by`` (when the last
        missing item is expected; NaT if one has no date) and ``state``: "ready" (nothing
        missing), "blocked_by_mines" (unreleased hazard within the distance, not expected to be
        released within the horizon), "ready_next_month" (every missing item expected within the
        horizon), else "not_ready". Rows ordered: ready (most free homes first), ready next month
        (soonest first), blocked by mines (largest hazard area first), not ready.
    """
    day = pd.Timestamp(day)
    last_day = np.datetime64(horizon(day, horizon_days), "ns")
    # columns gathered in numpy and joined once: setting them one by one on a wide frame cost
    # more than the checklist itself
    expected = expected.set_index("settlement_id").reindex(conditions["settlement_id"].to_numpy())
    met = {
        "homes": conditions["free_homes"].to_numpy() > 0,
        "safety": conditions["hazard_count"].to_numpy() == 0,
        "jobs": jobs_met(conditions).to_numpy(),
    }
    for category in WORK_ITEMS:
        met[category] = conditions[f"{category}_done"].to_numpy(dtype=bool)
    missing = np.column_stack([~met[item] for item in ITEMS])
    dates = np.column_stack([expected[f"{item}_expected"].to_numpy(dtype="datetime64[ns]") for item in ITEMS])
    dates[~missing] = NAT
    columns = {}
    for position, item in enumerate(ITEMS):
        columns[f"{item}_met"] = met[item]
        columns[f"{item}_expected"] = dates[:, position]
    unrecorded = np.column_stack([~met[c] & (conditions[f"{c}_assets"].to_numpy() == 0) for c in WORK_ITEMS])
    columns["lacking"] = [tuple(np.array(ITEMS)[row]) for row in missing]
    columns["no_record"] = [tuple(np.array(WORK_ITEMS)[row]) for row in unrecorded]
    undated = (missing & np.isnat(dates)).any(axis=1)
    lacks = missing.any(axis=1)
    latest = pd.DataFrame(dates).max(axis=1).to_numpy(dtype="datetime64[ns]")
    columns["expected_by"] = np.where(~undated & lacks, latest, NAT)
    within = (~missing | (dates <= last_day)).all(axis=1)
    safety = ITEMS.index("safety")
    safety_soon = ~missing[:, safety] | (dates[:, safety] <= last_day)
    state = np.select([~lacks, ~safety_soon, within], ["ready", "blocked_by_mines", "ready_next_month"], "not_ready")
    columns["state"] = state
    within_state = np.select(
        [state == "ready", state == "ready_next_month", state == "blocked_by_mines"],
        [
            -conditions["free_homes"].to_numpy(dtype="float64"),
            columns["expected_by"].astype("int64").astype("float64"),
            -conditions["hazard_ha"].to_numpy(dtype="float64"),
        ],
        0.0,
    )
    order = np.lexsort((conditions["settlement_id"].to_numpy(), within_state, pd.Index(STATES).get_indexer(state)))
    table = pd.concat([conditions.reset_index(drop=True), pd.DataFrame(columns)], axis=1)
    return table.take(order).reset_index(drop=True)


def horizon(day, horizon_days: int = NEXT_MONTH_DAYS) -> pd.Timestamp:
    """The last day "next month" reaches from ``day``."""
    return pd.Timestamp(day) + pd.Timedelta(days=horizon_days)


def counts_by_state(table: pd.DataFrame) -> dict[str, int]:
    """How many settlements of :func:`readiness` are in each state (every state, 0 when none)."""
    counts = table["state"].value_counts()
    return {state: int(counts.get(state, 0)) for state in STATES}


def states_by_district(table: pd.DataFrame) -> pd.DataFrame:
    """How many settlements of :func:`readiness` each district has in each state: one row per
    district (its id as index), one column per state of :data:`STATES`."""
    counts = table.groupby(["district_id", "state"]).size().unstack(fill_value=0)
    return counts.reindex(columns=list(STATES), fill_value=0).astype(int)


# --- reconstruction ---------------------------------------------------------------------------

PIPELINE_STAGES = ("planned", "under_construction", "completed", "allocated", "occupied")


def housing_pipeline(housing: pd.DataFrame, day) -> pd.DataFrame:
    """Dwelling units per settlement in each stage of :data:`PIPELINE_STAGES` on ``day`` (a house
    counts in the last stage it reached; houses first dated after ``day`` are not counted yet).

    Returns
    -------
    DataFrame
        settlement_id, then one column of units per stage (settlements with houses only).
    """
    known = records_as_of("housing", housing, day)
    table = known.groupby(["settlement_id", "status"])["units"].sum().unstack("status")
    table = table.reindex(columns=list(PIPELINE_STAGES)).fillna(0).astype("int64")
    table.columns.name = None
    return table.reset_index()


def planned_units(housing: pd.DataFrame) -> pd.Series:
    """Dwelling units per settlement in houses with no date at all (planned: known on any day)."""
    dates = housing[["under_construction_date", "completed_date", "allocated_date", "occupied_date"]]
    return housing.loc[dates.isna().all(axis=1).to_numpy(), "units"].groupby(housing["settlement_id"]).sum()


def housing_pipeline_on(totals_by_settlement: DailyTotals, planned: pd.Series, ids, day) -> pd.DataFrame:
    """:func:`housing_pipeline` from the daily totals (a lookup per change of day; at 100x the
    data the houses' records took a fifth of a second): the units past each stage's start,
    less those past the next one's. ``planned`` is :func:`planned_units`; ``ids`` the settlements.
    Agrees with the records where each house's dates follow its lifecycle (tests check the demo's)."""
    ids = pd.Index(list(ids), name="settlement_id")
    on = totals_by_settlement.on(day, ids)
    reached_stage = [
        planned.reindex(ids, fill_value=0).to_numpy(dtype="float64") + on["units_started"].to_numpy(),
        on["units_started"].to_numpy(),
        on["units_completed"].to_numpy(),
        on["units_allocated"].to_numpy(),
        on["units_occupied"].to_numpy(),
    ]
    table = pd.DataFrame({"settlement_id": ids.to_numpy()})
    for position, stage in enumerate(PIPELINE_STAGES):
        later = reached_stage[position + 1] if position + 1 < len(PIPELINE_STAGES) else 0.0
        table[stage] = np.maximum(np.round(reached_stage[position] - later), 0).astype("int64")
    return table[table[list(PIPELINE_STAGES)].to_numpy().any(axis=1)].reset_index(drop=True)


def infrastructure_completion(infrastructure: pd.DataFrame, day, data_date) -> pd.DataFrame:
    """Per category of :data:`lib.schema.INFRASTRUCTURE_CATEGORIES`: assets known on ``day`` by
    status (planned, under_construction, completed), their mean percent done, and how many
    settlements have all theirs completed of those served.

    Returns
    -------
    DataFrame
        category, assets, planned, under_construction, completed, progress (percent, NaN without
        assets), settlements_served, settlements_done; one row per category, in schema order.
    """
    categories = list(INFRASTRUCTURE_CATEGORIES)
    states = _asset_states(infrastructure, day, data_date)
    by_category = _counts(pd.Index(categories).get_indexer(infrastructure["category"]), len(categories), states)
    settlements = pd.Index(infrastructure["settlement_id"].dropna().unique())
    of_settlement = _works(infrastructure, pd.Series(settlements, dtype="object"), day, data_date, states)
    served = np.array([(of_settlement[f"{c}_assets"] > 0).sum() for c in categories], dtype="int64")
    done = np.array([of_settlement[f"{c}_done"].sum() for c in categories], dtype="int64")
    assets = by_category["assets"]
    return pd.DataFrame(
        {
            "category": categories,
            "assets": assets,
            "planned": assets - by_category["building"] - by_category["done"],
            "under_construction": by_category["building"],
            "completed": by_category["done"],
            "progress": np.divide(
                by_category["progress"], assets, out=np.full(len(categories), np.nan), where=assets > 0
            ),
            "settlements_served": served,
            "settlements_done": done,
        }
    )
