"""Every additive figure of the dashboard, per district (or settlement) for every day at once.

A page asks for the figures "as of" a day that the user can change at any moment. Recomputing
them from hundreds of thousands of houses and hazard polygons takes a second at 100x the data;
looking them up in a (days × groups) table built once per data version takes microseconds.

The table is built from the same record-level rules as :mod:`lib.metrics` (tests check that
both agree on any day): a figure either *steps* by a record's amount on a date (a convoy
arriving, a house completed) or *ramps* linearly from a start to an end date (clearance,
hiring, works). Steps are summed as first differences and ramps as second differences on a
daily grid, then integrated with cumulative sums, so building costs one pass over the records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.metrics import works_ramp

MEASURES = (
    "families_returned",
    "persons_returned",
    "units_started",  # in any stage after planned (the first of a house's dates)
    "units_completed",
    "units_occupied",
    "units_allocated",  # a house is allocated before (or when) it is occupied: free = completed - allocated
    "hectares_released",
    "infrastructure_progress",  # summed percent of every asset; divide by the asset count
    "jobs_created",
)


# The layers each grouping draws on (hazards and assets are recorded per district only).
LAYERS_BY = {
    "district_id": ("returns", "housing", "hazard_areas", "infrastructure", "employment_projects"),
    "settlement_id": ("returns", "housing", "employment_projects"),
}


@dataclass(frozen=True)
class DailyTotals:
    """Cumulative figures per group on every day from ``first_day`` to the last day anything changes."""

    first_day: pd.Timestamp
    groups: pd.Index
    values: dict[str, np.ndarray]  # measure -> array (days, groups)

    @property
    def days(self) -> int:
        return next(iter(self.values.values())).shape[0]

    def _row(self, day) -> int | None:
        offset = (pd.Timestamp(day) - self.first_day).days
        return None if offset < 0 else min(offset, self.days - 1)  # nothing changes after the last day

    def on(self, day, groups=None) -> pd.DataFrame:
        """Each measure on ``day`` for each group (all groups, or those listed; unknown ones are 0)."""
        row = self._row(day)
        table = pd.DataFrame(
            {m: self.values[m][row] if row is not None else 0.0 for m in self.values}, index=self.groups
        )
        return table if groups is None else table.reindex(pd.Index(groups, name=self.groups.name), fill_value=0.0)

    def total(self, day, groups=None) -> pd.Series:
        """Each measure on ``day`` summed over the groups (all, or those listed; unknown ones add 0)."""
        row = self._row(day)
        if row is None:
            return pd.Series(0.0, index=list(self.values))
        columns = slice(None) if groups is None else self.groups.get_indexer(list(groups))
        if groups is not None:
            columns = columns[columns >= 0]
        return pd.Series({m: float(v[row, columns].sum()) for m, v in self.values.items()})


class _Grid:
    """First and second differences of every measure on a daily grid of groups."""

    def __init__(self, first_day: pd.Timestamp, last_day: pd.Timestamp, groups: pd.Index):
        self.first_day, self.groups = first_day, groups
        self.days = (last_day - first_day).days + 1
        self.steps: dict[str, np.ndarray] = {}
        self.slopes: dict[str, np.ndarray] = {}

    def _index(self, dates: pd.Series) -> np.ndarray:
        return (dates - self.first_day).dt.days.to_numpy(dtype="float64")

    def _arrays(self, store: dict, measure: str) -> np.ndarray:
        # two spare rows: a ramp ending on the last day stops its slope one row later
        return store.setdefault(measure, np.zeros((self.days + 2, len(self.groups))))

    def step(self, measure: str, group: np.ndarray, on: pd.Series, amount) -> None:
        """Add ``amount`` to the measure from the day ``on`` (records without a date never count)."""
        day, amount = self._index(on), np.broadcast_to(np.asarray(amount, dtype="float64"), group.shape)
        keep = ~np.isnan(day) & (group >= 0)
        np.add.at(self._arrays(self.steps, measure), (day[keep].astype("int64"), group[keep]), amount[keep])

    def ramp(self, measure: str, group: np.ndarray, start: pd.Series, end: pd.Series, amount) -> None:
        """Add ``amount`` growing linearly from 0 on ``start`` to all of it on ``end`` (as
        :func:`lib.as_of.ramp`: no start never counts, no length counts whole from the start)."""
        first, last = self._index(start), self._index(end)
        amount = np.broadcast_to(np.asarray(amount, dtype="float64"), group.shape)
        keep = ~np.isnan(first) & (group >= 0)
        instant = keep & ~(last > first)  # also an end before the start, as ramp() treats it
        self.step(measure, group[instant], start[instant], amount[instant])
        running = keep & (last > first)
        first, last, slope = first[running], last[running], amount[running] / (last[running] - first[running])
        slopes = self._arrays(self.slopes, measure)
        np.add.at(slopes, (first.astype("int64") + 1, group[running]), slope)
        np.add.at(slopes, (last.astype("int64") + 1, group[running]), -slope)

    def totals(self) -> DailyTotals:
        values = {}
        for measure in MEASURES:
            value = np.zeros((self.days + 2, len(self.groups)))
            if measure in self.steps:
                value += np.cumsum(self.steps[measure], axis=0)
            if measure in self.slopes:
                value += np.cumsum(np.cumsum(self.slopes[measure], axis=0), axis=0)
            values[measure] = value[: self.days]
        return DailyTotals(self.first_day, self.groups, values)


# The dates on which each layer's figures change.
DATE_COLUMNS = {
    "returns": ["date"],
    "housing": ["under_construction_date", "completed_date", "allocated_date", "occupied_date"],
    "hazard_areas": ["released_date", "in_clearance_date"],
    "infrastructure": ["under_construction_date", "completed_date"],
    "employment_projects": ["active_date", "completed_date"],
}


def daily_totals(layers: dict[str, pd.DataFrame], data_date, by: str = "district_id") -> DailyTotals:
    """Every measure of :data:`MEASURES` per ``by`` (``district_id`` or ``settlement_id``) on every day.

    ``layers`` holds settlements (to find the district of records kept per settlement), districts
    (by district) and those of returns, housing, hazard_areas, infrastructure and
    employment_projects that are wanted (see :data:`LAYERS_BY`); layers that cannot be grouped by
    ``by`` (hazards and infrastructure per settlement) are left out.
    """
    data_date = pd.Timestamp(data_date)
    settlements = layers["settlements"]
    group_of = settlements.set_index("settlement_id")[by] if by != "settlement_id" else None
    if by == "district_id":
        groups = pd.Index(sorted(set(layers["districts"]["district_id"]) | set(settlements["district_id"])), name=by)
    else:
        groups = pd.Index(sorted(settlements["settlement_id"]), name=by)
    position = pd.Series(np.arange(len(groups)), index=groups)

    def group(frame: pd.DataFrame) -> np.ndarray | None:
        if by in frame.columns:
            keys = frame[by]
        elif group_of is not None and "settlement_id" in frame.columns:
            keys = frame["settlement_id"].map(group_of)
        else:
            return None
        return keys.map(position).fillna(-1).to_numpy(dtype="int64")

    wanted = {name: layers[name] for name in LAYERS_BY[by] if name in layers and len(layers[name])}
    grouped = {name: g for name, frame in wanted.items() if (g := group(frame)) is not None}
    known = [pd.Series([data_date])]
    for name, columns in DATE_COLUMNS.items():
        known += [wanted[name][c].dropna() for c in columns if name in grouped]
    known = pd.concat(known)
    grid = _Grid(known.min(), max(known.max(), data_date), groups)

    if "returns" in grouped:
        returns, g = wanted["returns"], grouped["returns"]
        grid.step("families_returned", g, returns["date"], returns["families"].to_numpy())
        grid.step("persons_returned", g, returns["date"], returns["persons"].to_numpy())
    if "housing" in grouped:
        housing, g = wanted["housing"], grouped["housing"]
        first = housing[["under_construction_date", "completed_date", "allocated_date", "occupied_date"]].min(axis=1)
        grid.step("units_started", g, first, housing["units"].to_numpy())
        grid.step("units_completed", g, housing["completed_date"], housing["units"].to_numpy())
        grid.step("units_occupied", g, housing["occupied_date"], housing["units"].to_numpy())
        grid.step("units_allocated", g, housing["allocated_date"], housing["units"].to_numpy())
    if "hazard_areas" in grouped:
        hazards, g = wanted["hazard_areas"], grouped["hazard_areas"]
        grid.step("hectares_released", g, hazards["released_date"], hazards["area_ha"].to_numpy())
        clearing = (hazards["released_date"].isna() & hazards["in_clearance_date"].notna()).to_numpy()
        grid.ramp(
            "hectares_released",
            g[clearing],
            hazards["in_clearance_date"][clearing],
            pd.Series(data_date, index=hazards.index[clearing]),
            hazards["released_ha"].to_numpy()[clearing],
        )
    if "infrastructure" in grouped:
        start, end, reached = works_ramp(wanted["infrastructure"], data_date)
        grid.ramp("infrastructure_progress", grouped["infrastructure"], start, end, reached)
    if "employment_projects" in grouped:
        projects = wanted["employment_projects"]
        grid.ramp(
            "jobs_created",
            grouped["employment_projects"],
            projects["active_date"],
            projects["completed_date"].fillna(data_date),
            projects["jobs_created"].to_numpy(),
        )
    return grid.totals()
