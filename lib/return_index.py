"""The return conditions index: how severe the conditions are in each settlement families return to.

In the manner of IOM DTM's Return Index (Iraq): indicators are scored on two scales, here
**services and livelihoods** (homes, road, power, water, gas, school, clinic, jobs) and **safety**
(unreleased hazard areas within the safety distance, the houses near them, mine-risk education),
each from 0 (every condition met) to 100 (none met); the two are combined into one score, classed
low, medium, high or very high severity. Every point of a score comes from one indicator, kept
as a *driver* (indicator, value, points), so that a page can say why a settlement scores as it
does. The weights and thresholds are this project's choice, written in the README ("Return
conditions index: method"); IOM derives its weights from a regression on returns, which this
data cannot support.

The input is one row per settlement on a day (lib.readiness.settlement_conditions, with the
houses near hazards and, when that layer is there, the people mine-risk education reached).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.daily_totals import DailyTotals
from lib.diagnosis import JOBS_PER_FAMILY_MIN
from lib.i18n import Translator
from lib.readiness import settlement_conditions
from lib.schema import INFRASTRUCTURE_CATEGORIES

SCALES = ("services", "safety")
SEVERITIES = ("low", "medium", "high", "very_high")
# A score below the first limit is low, below the second medium, below the third high, else very high.
SEVERITY_LIMITS = (20.0, 40.0, 60.0)
# The worse of the two scales weighs twice the better in the overall score: homes and roads do not
# make up for mines next to the houses, nor the reverse.
WORSE_SCALE_WEIGHT = 2 / 3

# Unreleased hazard area that scores all its points: about a 500 m ring around a village 1 km across.
HAZARD_HA_FULL = 250.0
# Unreleased hazard polygons that score all their points.
HAZARD_COUNT_FULL = 3


@dataclass(frozen=True)
class Indicator:
    """One indicator: its scale, its weight (the points it scores at worst) and how to read it.

    ``measure(conditions, distance_m)`` gives each settlement's value (what the page shows) and how
    far from met it is, 0 (met) to 1 (not met at all)."""

    name: str
    scale: str
    weight: float
    measure: Callable[[pd.DataFrame, float], tuple[np.ndarray, np.ndarray]]
    needs: tuple[str, ...] = ()  # optional columns: without them the indicator is not measured


def _column(conditions: pd.DataFrame, name: str) -> np.ndarray:
    return conditions[name].to_numpy(dtype="float64")


def _homes(conditions, _distance):
    planned = _column(conditions, "planned_households")
    built = np.divide(_column(conditions, "units_completed"), planned, out=np.ones(len(planned)), where=planned > 0)
    return built, 1 - np.clip(built, 0, 1)


def _works(category: str):
    def measure(conditions, _distance):
        done = conditions[f"{category}_done"].to_numpy(dtype=bool)
        # no asset serving the settlement counts as nothing built (progress 0)
        progress = np.where(done, 100.0, np.clip(_column(conditions, f"{category}_progress"), 0, 100))
        return progress, 1 - progress / 100

    return measure


def jobs_per_family(conditions: pd.DataFrame) -> np.ndarray:
    """Jobs created per family returned; before any family has come back, per household planned
    (the families the settlement is built for)."""
    families = _column(conditions, "families_returned")
    base = np.where(families > 0, families, _column(conditions, "planned_households"))
    return np.divide(_column(conditions, "jobs_created"), base, out=np.zeros(len(base)), where=base > 0)


def _jobs(conditions, _distance):
    per_family = jobs_per_family(conditions)
    return per_family, 1 - np.clip(per_family / JOBS_PER_FAMILY_MIN, 0, 1)


def _hazard_count(conditions):
    return np.nan_to_num(_column(conditions, "hazard_count"))


def _hazard_near(conditions, _distance):
    near = _hazard_count(conditions) > 0
    return near.astype("float64"), near.astype("float64")


def _hazards(conditions, _distance):
    count = _hazard_count(conditions)
    return count, np.clip(count / HAZARD_COUNT_FULL, 0, 1)


def _hazard_area(conditions, _distance):
    hectares = np.nan_to_num(_column(conditions, "hazard_ha"))
    return hectares, np.clip(hectares / HAZARD_HA_FULL, 0, 1)


def _nearest(conditions, distance_m):
    nearest = _column(conditions, "nearest_m")  # NaN: none within the distance
    closeness = np.where(np.isnan(nearest), 0.0, 1 - np.clip(nearest / distance_m, 0, 1))
    return nearest, closeness


def _houses_near(conditions, _distance):
    houses = np.nan_to_num(_column(conditions, "houses_near"))
    planned = _column(conditions, "planned_households")
    share = np.divide(houses, planned, out=(houses > 0).astype("float64"), where=planned > 0)
    return houses, np.clip(share, 0, 1)


def _mine_risk_education(conditions, _distance):
    """Share of the persons returned whom mine-risk education reached; it counts only where
    families live near unreleased hazards (elsewhere nothing is lacking)."""
    persons = _column(conditions, "persons_returned")
    reached = np.nan_to_num(_column(conditions, "mre_people_reached"))
    share = np.divide(reached, persons, out=np.ones(len(persons)), where=persons > 0)
    exposed = (_hazard_count(conditions) > 0) & (persons > 0)
    return np.clip(share, 0, 1), np.where(exposed, 1 - np.clip(share, 0, 1), 0.0)


WORKS_WEIGHTS = {"road": 12, "power": 12, "water": 12, "gas": 6, "school": 10, "health": 10}
INDICATORS: tuple[Indicator, ...] = (
    Indicator("homes", "services", 20, _homes),
    *(Indicator(c, "services", WORKS_WEIGHTS[c], _works(c)) for c in INFRASTRUCTURE_CATEGORIES),
    Indicator("jobs", "services", 18, _jobs),
    Indicator("hazard_near", "safety", 30, _hazard_near),
    Indicator("hazard_count", "safety", 15, _hazards),
    Indicator("hazard_ha", "safety", 20, _hazard_area),
    Indicator("nearest_m", "safety", 20, _nearest),
    Indicator("houses_near", "safety", 15, _houses_near),
    Indicator("mine_risk_education", "safety", 10, _mine_risk_education, ("mre_people_reached", "persons_returned")),
)
SCORE_COLUMNS = ["settlement_id", "district_id", "services", "safety", "score", "severity"]
DRIVER_COLUMNS = ["settlement_id", "scale", "indicator", "value", "points", "score_points"]


def measured(conditions: pd.DataFrame) -> list[Indicator]:
    """The indicators ``conditions`` can measure (mine-risk education only with its columns)."""
    return [i for i in INDICATORS if all(c in conditions.columns for c in i.needs)]


def severity(score) -> np.ndarray:
    """The class of each score (:data:`SEVERITIES`, by :data:`SEVERITY_LIMITS`)."""
    return np.asarray(SEVERITIES, dtype=object)[np.searchsorted(SEVERITY_LIMITS, np.asarray(score), side="right")]


@dataclass(frozen=True)
class ReturnIndex:
    """The index on one day: ``scores`` (one row per settlement: services, safety, score,
    severity) and ``drivers`` (one row per settlement and indicator: its value, its points on its
    scale, and ``score_points``, its share of the overall score). Per settlement the points of a
    scale sum to that scale and the ``score_points`` to the score."""

    scores: pd.DataFrame
    drivers: pd.DataFrame


def return_index(conditions: pd.DataFrame, distance_m: float) -> ReturnIndex:
    """Score every settlement of ``conditions`` (one row each, as
    lib.readiness.settlement_conditions gives them, with ``houses_near``; optionally
    ``mre_people_reached`` and ``persons_returned``) on both scales.

    Each indicator scores its weight times how far from met it is; a scale is the sum of its
    indicators' points over the sum of their weights, times 100 (an indicator that cannot be
    measured is left out, the others weighing more). The overall score weighs the worse scale
    :data:`WORSE_SCALE_WEIGHT` and the better the rest.
    """
    indicators = measured(conditions)
    total_weight = {scale: sum(i.weight for i in indicators if i.scale == scale) for scale in SCALES}
    points, values = {}, {}
    for indicator in indicators:
        value, unmet = indicator.measure(conditions, distance_m)
        values[indicator.name] = value
        points[indicator.name] = 100 * indicator.weight / total_weight[indicator.scale] * unmet
    scale_scores = {scale: np.sum([points[i.name] for i in indicators if i.scale == scale], axis=0) for scale in SCALES}
    services_worse = scale_scores["services"] >= scale_scores["safety"]
    share = {
        "services": np.where(services_worse, WORSE_SCALE_WEIGHT, 1 - WORSE_SCALE_WEIGHT),
        "safety": np.where(services_worse, 1 - WORSE_SCALE_WEIGHT, WORSE_SCALE_WEIGHT),
    }
    score = share["services"] * scale_scores["services"] + share["safety"] * scale_scores["safety"]
    scores = pd.DataFrame(
        {
            "settlement_id": conditions["settlement_id"].to_numpy(),
            "district_id": conditions["district_id"].to_numpy(),
            "services": scale_scores["services"],
            "safety": scale_scores["safety"],
            "score": score,
            # classed as shown (whole points): a 59.97 read as 60 is not "high" beside another 60
            "severity": severity(np.round(score)),
        }
    )
    ids = conditions["settlement_id"].to_numpy()
    drivers = pd.DataFrame(
        {
            "settlement_id": np.tile(ids, len(indicators)),
            "scale": np.repeat([i.scale for i in indicators], len(ids)),
            "indicator": np.repeat([i.name for i in indicators], len(ids)),
            "value": np.concatenate([values[i.name] for i in indicators]) if indicators else [],
            "points": np.concatenate([points[i.name] for i in indicators]) if indicators else [],
            "score_points": np.concatenate([points[i.name] * share[i.scale] for i in indicators]) if indicators else [],
        }
    )
    return ReturnIndex(scores, drivers)


def top_drivers(drivers: pd.DataFrame, count: int = 3) -> pd.DataFrame:
    """Each settlement's ``count`` indicators that add most to its overall score (those adding
    nothing left out), largest first."""
    adding = drivers[drivers["score_points"] > 0.05]
    ordered = adding.sort_values(["settlement_id", "score_points"], ascending=[True, False], kind="stable")
    return ordered.groupby("settlement_id", sort=False).head(count).reset_index(drop=True)


def month_ends(first_day, data_date) -> list[pd.Timestamp]:
    """The last day of every month from ``first_day``'s to the data date's, the data date last
    (its month is not over yet)."""
    data_date = pd.Timestamp(data_date)
    ends = pd.date_range(pd.Timestamp(first_day), data_date, freq="ME")
    return [*ends[ends < data_date], data_date]


def index_over_time(
    conditions_on: Callable[[pd.Timestamp], pd.DataFrame], days: Iterable, distance_m: float
) -> pd.DataFrame:
    """The index's scores (:data:`SCORE_COLUMNS`) on each of ``days`` with a ``day`` column,
    ``conditions_on(day)`` giving the settlements' conditions on a day."""
    frames = [return_index(conditions_on(day), distance_m).scores.assign(day=pd.Timestamp(day)) for day in days]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["day", *SCORE_COLUMNS])


def severity_over_time(history: pd.DataFrame, settlement_ids=None) -> pd.DataFrame:
    """Settlements per severity class on each day of :func:`index_over_time` (those listed, or
    all): one row per day, a column per class in :data:`SEVERITIES` order."""
    if settlement_ids is not None:
        history = history[history["settlement_id"].isin(list(settlement_ids))]
    counts = history.groupby(["day", "severity"]).size().unstack(fill_value=0)
    return counts.reindex(columns=list(SEVERITIES), fill_value=0).rename_axis(columns=None).reset_index()


def houses_near_by_day(house_periods: pd.DataFrame, settlement_ids, data_date) -> DailyTotals:
    """Houses of each settlement within the safety distance of unreleased hazardous land on every
    day, from the houses' periods near it (lib.proximity.near_intervals: one from ``near_from``
    until ``near_until``, NaT while not released): each period adds one from its first day and
    takes it away on its last, so any day is a lookup (at 100x the data there are some 600,000
    periods, too many to filter on every change of day)."""
    groups = pd.Index(sorted(settlement_ids), name="settlement_id")
    group = pd.Series(np.arange(len(groups)), index=groups)
    starts, ends = house_periods["near_from"], house_periods["near_until"]
    first = starts.min() if len(starts) and pd.notna(starts.min()) else pd.Timestamp(data_date)
    days = max((pd.Timestamp(data_date) - first).days + 1, 1)
    at = house_periods["settlement_id"].astype(str).map(group).fillna(-1).to_numpy(dtype="int64")
    start = (starts - first).dt.days.to_numpy(dtype="float64")
    end = (ends - first).dt.days.to_numpy(dtype="float64")
    steps = np.zeros((days + 1, len(groups)))
    keep = (at >= 0) & ~np.isnan(start)
    np.add.at(steps, (np.clip(start[keep], 0, days).astype("int64"), at[keep]), 1.0)
    ending = keep & ~np.isnan(end)
    np.add.at(steps, (np.clip(end[ending], 0, days).astype("int64"), at[ending]), -1.0)
    return DailyTotals(first, groups, {"houses_near": np.cumsum(steps, axis=0)[:days]})


def index_conditions(
    settlements: pd.DataFrame,
    infrastructure: pd.DataFrame,
    employment_projects: pd.DataFrame,
    totals: DailyTotals,
    near: pd.DataFrame,
    houses_near: DailyTotals,
    day,
    data_date,
    mine_risk_education: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """What :func:`return_index` scores, per settlement on ``day``: the conditions of
    lib.readiness.settlement_conditions (``near``: the unreleased hazard polygons near each
    outline, lib.proximity.near_per_settlement) with ``houses_near`` and, when mine-risk education
    sessions are recorded, ``persons_returned`` and ``mre_people_reached`` (people its sessions
    in the settlement reached by ``day``).

    ``totals`` (the daily totals per settlement) and ``houses_near`` (:func:`houses_near_by_day`)
    make a day cost lookups: the index is worked out at every month end."""
    conditions = settlement_conditions(settlements, infrastructure, employment_projects, totals, near, day, data_date)
    houses = houses_near.on(day, conditions["settlement_id"])["houses_near"]
    conditions["houses_near"] = houses.round().astype("int64").to_numpy()
    if mine_risk_education is not None and len(mine_risk_education):
        ids = conditions["settlement_id"]
        conditions["persons_returned"] = totals.on(day, ids)["persons_returned"].round().astype("int64").to_numpy()
        held = mine_risk_education[
            (mine_risk_education["date"] <= pd.Timestamp(day)).to_numpy(dtype=bool, na_value=False)
        ]
        reached = held.groupby("settlement_id")["people_reached"].sum()
        conditions["mre_people_reached"] = ids.map(reached).fillna(0).astype("int64")
    return conditions


# --- in words ------------------------------------------------------------------------------------


def driver_words(indicator: str, value: float, t: Translator, distance_m: float) -> str:
    """What one driver's value says (``conditions.driver.<indicator>``), in the page's language."""
    distance = t.number(distance_m)
    if indicator in INFRASTRUCTURE_CATEGORIES:
        return t("conditions.driver.works", category=t.term("asset_category", indicator), value=t.percent(value / 100))
    if indicator in ("homes", "mine_risk_education"):
        shown = t.percent(value)
    elif indicator == "jobs":
        shown = t.number(value, 2)
    elif indicator == "hazard_ha":
        shown = t.number(value, 1)
    else:
        shown = "–" if np.isnan(value) else t.number(value)
    return t(f"conditions.driver.{indicator}", value=shown, distance=distance)


def words_of(drivers: pd.DataFrame, t: Translator, distance_m: float) -> list[str]:
    """What each driver of ``drivers`` says (:func:`driver_words`), one text per row."""
    return [driver_words(i, v, t, distance_m) for i, v in zip(drivers["indicator"].tolist(), drivers["value"].tolist())]


def worst_first(index: ReturnIndex) -> list[str]:
    """The settlements' ids, the highest score first (the ranking's order)."""
    scores = index.scores.sort_values(["score", "settlement_id"], ascending=[False, True], kind="stable")
    return scores["settlement_id"].tolist()


def drivers_of(index: ReturnIndex, settlement_id: str) -> pd.DataFrame:
    """One settlement's drivers (every indicator)."""
    return index.drivers[index.drivers["settlement_id"] == settlement_id]


def drivers_in_words(drivers: pd.DataFrame, t: Translator, distance_m: float, count: int = 3) -> pd.Series:
    """Each settlement's :func:`top_drivers` in words with their points, one text per settlement
    (by settlement_id; those with none are absent)."""
    top = top_drivers(drivers, count)
    texts = [
        t("conditions.driver_points", driver=driver_words(i, v, t, distance_m), points=t.number(p, 1))
        for i, v, p in zip(top["indicator"].tolist(), top["value"].tolist(), top["score_points"].tolist())
    ]
    return (
        pd.Series(texts, index=top["settlement_id"].to_numpy(), dtype="object")
        .groupby(level=0, sort=False)
        .agg("; ".join)
    )


def ranking_table(index: ReturnIndex, names: pd.Series, districts: pd.Series, drivers: pd.Series, t: Translator):
    """The settlements worst first, as a reader's table: name, district, class, the score, its
    two scales and what weighs most. ``names`` and ``districts``: names by settlement_id and by
    district_id in the page's language; ``drivers``: :func:`drivers_in_words`."""
    scores = index.scores.set_index("settlement_id", drop=False).loc[worst_first(index)]
    words = drivers.to_dict()
    ids = scores["settlement_id"]
    return pd.DataFrame(
        {
            t("conditions.col.settlement"): ids.map(names).fillna(ids).to_numpy(),
            t("conditions.col.district"): scores["district_id"].map(districts).fillna(scores["district_id"]).to_numpy(),
            t("conditions.col.severity"): [t.term("conditions.severity", s) for s in scores["severity"]],
            t("conditions.col.score"): scores["score"].round().astype("int64").to_numpy(),
            t("conditions.col.services"): scores["services"].round().astype("int64").to_numpy(),
            t("conditions.col.safety"): scores["safety"].round().astype("int64").to_numpy(),
            t("conditions.col.drivers"): [words.get(i, "–") for i in ids],
        }
    )
