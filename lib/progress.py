"""Progress against the programme: KPIs with targets and change, per-district indicators, the
returns trajectory against the target trajectory."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib import metrics
from lib.daily_totals import DailyTotals, daily_totals
from lib.kpi import Base, Kpi
from lib.schema import is_demonstration

PROGRAMME_APPROVED = pd.Timestamp("2022-11-16")  # first State Programme (reported_figures/targets sources)

# indicator -> (column of district_progress, unit message id)
INDICATORS = {
    "families_returned": ("families_returned", "unit.families"),
    "share_units_occupied": ("share_units_occupied", "unit.percent"),
    "share_hazard_released": ("share_hazard_released", "unit.percent"),
    "infrastructure_completion": ("infrastructure_completion", "unit.percent"),
    "jobs_per_10_families": ("jobs_per_10_families", "unit.jobs_per_10_families"),
}


def district_bases(layers: dict[str, pd.DataFrame]) -> dict[str, pd.Series]:
    """Per district, what :func:`district_progress` measures against and does not change from
    day to day: settlements, planned homes, hazard area and works (infrastructure assets)."""
    settlements = layers["settlements"]
    return {
        "settlements": settlements.groupby("district_id").size(),
        "units_planned": settlements.groupby("district_id")["planned_households"].sum(),
        "hazard_ha": layers["hazard_areas"].groupby("district_id")["area_ha"].sum(),
        "assets": layers["infrastructure"].groupby("district_id").size(),
    }


def district_progress(
    layers: dict[str, pd.DataFrame],
    day,
    data_date,
    totals: DailyTotals | None = None,
    bases: dict[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """One row per district in ``layers["districts"]`` with its figures and indicators on ``day``.

    ``totals`` (lib.daily_totals, per district) makes a change of day a lookup; without it they
    are built from ``layers``. ``bases`` (:func:`district_bases` of the same layers) spares a
    change of day the pass over every hazard polygon and asset.
    """
    day = pd.Timestamp(day)
    totals = totals if totals is not None else daily_totals(layers, data_date)
    bases = bases if bases is not None else district_bases(layers)
    districts = layers["districts"][["district_id", "name_az", "name_en", "name_ru", "economic_region"]]
    settlements = layers["settlements"]

    table = totals.on(day, districts["district_id"])
    # one frame from columns (each aligned to the districts), not column by column: assigning
    # a dozen columns to a small frame cost more than the figures
    table = pd.DataFrame(
        {
            "families_returned": table["families_returned"].round(),
            "persons_returned": table["persons_returned"].round(),
            "units_completed": table["units_completed"].round(),
            "units_occupied": table["units_occupied"].round(),
            "jobs_created": table["jobs_created"].round(),
            "released_ha": table["hectares_released"],
            "settlements": bases["settlements"],
            "settlements_with_returns": settlements["district_id"][
                settlements["resettling_date"] <= day
            ].value_counts(),
            "units_planned": bases["units_planned"],
            "hazard_ha": bases["hazard_ha"],
            "infrastructure_completion": table["infrastructure_progress"] / bases["assets"],
        },
        index=table.index,
    )
    table = table.fillna(0)
    table["share_units_occupied"] = 100 * table["units_occupied"] / table["units_completed"].replace(0, np.nan)
    table["share_hazard_released"] = 100 * table["released_ha"] / table["hazard_ha"].replace(0, np.nan)
    table["jobs_per_10_families"] = 10 * table["jobs_created"] / table["families_returned"].replace(0, np.nan)
    # the districts' rows in their order, each with its figures (the table is in the same order)
    return pd.concat([districts.reset_index(drop=True), table.reset_index(drop=True)], axis=1)


def _target(targets: pd.DataFrame, metric: str) -> pd.Series | None:
    """The latest-dated programme-wide target for a metric, if any."""
    rows = targets[(targets["metric"] == metric) & targets["district_id"].isna()]
    if rows.empty:
        return None
    return rows.sort_values("target_date").iloc[-1]


# The target metric of each key figure that has one.
TARGET_METRICS = ("families", "persons", "settlements", "houses")


@dataclass(frozen=True)
class KpiBases:
    """What :func:`key_figures` measures against and does not change from day to day.

    ``targets``: the latest programme-wide target of each of :data:`TARGET_METRICS` (None when
    none is stated); the other fields are totals over the layers.
    """

    targets: dict[str, pd.Series | None]
    planned_households: float
    settlements: int
    hazard_hectares: float
    assets: int
    jobs_planned: float
    demonstration_returns: bool


def kpi_bases(layers: dict[str, pd.DataFrame]) -> KpiBases:
    """The :class:`KpiBases` of ``layers`` (the layers :func:`key_figures` is given)."""
    return KpiBases(
        targets={metric: _target(layers["targets"], metric) for metric in TARGET_METRICS},
        planned_households=float(layers["settlements"]["planned_households"].sum()),
        settlements=len(layers["settlements"]),
        hazard_hectares=metrics.hazard_hectares(layers["hazard_areas"]),
        assets=len(layers["infrastructure"]),
        jobs_planned=float(layers["employment_projects"]["jobs_planned"].sum()),
        demonstration_returns=bool(layers["returns"]["source"].map(is_demonstration).any()),
    )


def _whole(measure):
    """Counts are whole numbers (the sums of floats that build them are not exactly)."""
    return lambda d: int(round(measure(d)))


PROFILE_KPIS = ("families_returned", "units_completed", "hectares_released", "jobs_created")


def key_figures(
    layers,
    day,
    since,
    data_date,
    all_districts: bool,
    keys=None,
    totals: DailyTotals | None = None,
    settlement_id: str | None = None,
    bases: KpiBases | None = None,
) -> list[Kpi]:
    """The leadership's KPIs on ``day`` with change since ``since``, each with its base.

    Programme targets apply only when every return-area district is selected; with a subset the
    figures are measured against their own totals (planned households and homes, hazard area,
    jobs planned). ``totals`` (lib.daily_totals, per district, may hold more districts than
    ``layers``) makes a change of day a lookup; without it they are built from ``layers``.
    ``settlement_id`` names the one settlement ``layers`` are narrowed to (lib.selection.profile_scope),
    whose hazard areas are still its district's. ``bases`` (:func:`kpi_bases` of the same layers)
    spares a change of day the passes over the layers.
    """
    day, since = pd.Timestamp(day), pd.Timestamp(since)
    settlements = layers["settlements"]
    totals = totals if totals is not None else daily_totals(layers, data_date)
    bases = bases if bases is not None else kpi_bases(layers)
    district_ids = layers["districts"]["district_id"]

    on_day = {day: totals.total(day, district_ids), since: totals.total(since, district_ids)}

    def summed(measure: str):
        return lambda d: float((on_day[d] if d in on_day else totals.total(d, district_ids))[measure])

    demo_returns = bases.demonstration_returns

    def kpi(key, measure, unit, target_metric=None, base=None, demonstration=True):
        # targets are not stated per district (except a few): none applies to a subset
        target = bases.targets[target_metric] if target_metric and all_districts else None
        if target is not None:
            base = Base("target", float(target["value"]), target["target_date"], target["source"])
        return Kpi(
            key=key,
            value=measure(day),
            unit=unit,
            demonstration=demonstration,
            previous=measure(since),
            since=since,
            base=base,
        )

    units_completed = _whole(summed("units_completed"))
    hazard_kind = "district_hazard_area" if settlement_id else "hazard_area"
    figures = [
        kpi(
            "families_returned",
            _whole(summed("families_returned")),
            "families",
            "families",
            Base("planned_households", bases.planned_households),
            demonstration=demo_returns,
        ),
        kpi(
            "persons_returned",
            _whole(summed("persons_returned")),
            "persons",
            "persons",
            Base("no_target"),
            demonstration=demo_returns,
        ),
        kpi(
            "settlements_resettling",
            lambda d: metrics.settlements_resettling(settlements, d),
            "settlements",
            "settlements",
            Base("settlements", float(bases.settlements)),
            demonstration=demo_returns,
        ),
        kpi(
            "units_completed",
            units_completed,
            "units",
            "houses",
            Base("planned_homes", bases.planned_households),
        ),
        kpi(
            "units_occupied",
            _whole(summed("units_occupied")),
            "units",
            base=Base("completed_homes", units_completed(day)),
        ),
        kpi(
            "hectares_released",
            summed("hectares_released"),
            "ha",
            base=Base(hazard_kind, bases.hazard_hectares),
        ),
        kpi(
            "infrastructure_completion",
            lambda d: summed("infrastructure_progress")(d) / bases.assets if bases.assets else 0.0,
            "percent",
            base=Base("works", float(bases.assets)),
        ),
        kpi(
            "jobs_created",
            _whole(summed("jobs_created")),
            "jobs",
            base=Base("jobs_planned", bases.jobs_planned),
        ),
    ]
    return [f for f in figures if keys is None or f.key in keys]


def district_with_most_returns(totals: DailyTotals, day, district_ids: list[str]) -> str | None:
    """Of ``district_ids``, the one most families had returned to by ``day`` (``totals``: per
    district); the first listed when none has any yet, None when none is listed."""
    if not district_ids:
        return None
    return str(totals.on(day, district_ids)["families_returned"].idxmax())


def returns_over_time(returns: pd.DataFrame, until) -> pd.DataFrame:
    """Cumulative families and persons returned at the end of each month up to ``until``."""
    until = pd.Timestamp(until)
    months = pd.date_range(returns["date"].min() if len(returns) else until, until, freq="ME")
    months = months.append(pd.DatetimeIndex([until])).unique()
    ordered = returns.sort_values("date")
    families = ordered["families"].cumsum().to_numpy()
    persons = ordered["persons"].cumsum().to_numpy()
    position = np.searchsorted(ordered["date"].to_numpy(), months.to_numpy(), side="right") - 1
    return pd.DataFrame(
        {
            "date": months,
            "families": np.where(position >= 0, families[position.clip(0)] if len(families) else 0, 0),
            "persons": np.where(position >= 0, persons[position.clip(0)] if len(persons) else 0, 0),
        }
    )


def target_trajectory(targets: pd.DataFrame, metric: str = "families") -> pd.DataFrame:
    """Straight lines from the programme's approval (zero) through each stated target of ``metric``."""
    stated = targets[(targets["metric"] == metric) & targets["district_id"].isna()].sort_values("target_date")
    points = pd.DataFrame({"date": [PROGRAMME_APPROVED], "value": [0.0], "source": [None]})
    stated_points = stated.rename(columns={"target_date": "date"})[["date", "value", "source"]]
    return pd.concat([points, stated_points], ignore_index=True)


LAYERS_NEEDED = [
    "districts",
    "settlements",
    "settlement_boundaries",
    "returns",
    "housing",
    "hazard_areas",
    "infrastructure",
    "employment_projects",
    "targets",
    "reported_figures",
]


def reported_totals(figures: pd.DataFrame, until, metric: str = "families_returned") -> pd.DataFrame:
    """Reported totals of ``metric`` for all return areas up to ``until`` (date, value, source)."""
    rows = figures[
        (figures["metric"] == metric) & figures["district_id"].isna() & (figures["date"] <= pd.Timestamp(until))
    ]
    return rows.sort_values("date")[["date", "value", "qualifier", "source"]]
