"""Figures computed from the layers, as of a day.

Each function takes the (filtered) layer and a day and returns a number; ``headline_figures``
puts the headline numbers beside the latest publicly reported value of the same measure, so a
page can show both and say which is which.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.as_of import ramp, reached
from lib.kpi import Kpi, Reported
from lib.schema import is_demonstration


def _count_by(records: pd.DataFrame, column: str, day, dated: str) -> int:
    """The sum of a whole-number ``column`` over the records dated (``dated``) on or before ``day``
    (missing amounts count 0). In numpy: at 100x the data pandas' masks and copies cost more
    than a page's map."""
    return int(records[column].to_numpy(dtype="int64", na_value=0)[reached(records, dated, day)].sum())


def families_returned(returns: pd.DataFrame, day) -> int:
    """Families who arrived with convoys on or before ``day``."""
    return _count_by(returns, "families", day, "date")


def persons_returned(returns: pd.DataFrame, day) -> int:
    """Persons who arrived with convoys on or before ``day``."""
    return _count_by(returns, "persons", day, "date")


def dwelling_units_completed(housing: pd.DataFrame, day) -> int:
    """Dwelling units (houses and flats) in buildings completed by ``day``."""
    return _count_by(housing, "units", day, "completed_date")


def hectares_released(hazard_areas: pd.DataFrame, day, data_date) -> float:
    """Hazardous land released (cancelled, reduced or cleared) by ``day``, in hectares.

    Released areas count whole from their release date; areas in clearance count the share
    released so far, growing linearly from the start of clearance.
    """
    released = reached(hazard_areas, "released_date", day)
    clearance_start = hazard_areas["in_clearance_date"]
    partial = (hazard_areas["released_date"].isna() & clearance_start.notna()).to_numpy()
    # partial progress (released_ha) is known as of the data date; earlier days scale it down linearly
    start = pd.Series(clearance_start.to_numpy()[partial])
    share = ramp(start, pd.Series(pd.Timestamp(data_date), index=start.index), day)
    # nansum, as pandas' sum: a missing area counts 0
    area, released_ha = (
        hazard_areas["area_ha"].to_numpy(dtype="float64"),
        hazard_areas["released_ha"].to_numpy(dtype="float64"),
    )
    return float(np.nansum(area[released]) + np.nansum(released_ha[partial] * share))


def hazard_hectares(hazard_areas: pd.DataFrame) -> float:
    """Total area of all hazard polygons, released or not (the estimated contamination)."""
    return float(hazard_areas["area_ha"].sum())


def jobs_created(employment_projects: pd.DataFrame, day, data_date) -> int:
    """Jobs created by ``day``: hiring runs linearly from a project's first jobs to completion."""
    end = employment_projects["completed_date"].fillna(pd.Timestamp(data_date))
    share = ramp(employment_projects["active_date"], end, day)
    return int(round((employment_projects["jobs_created"].to_numpy() * share).sum()))


def latest_reported(figures: pd.DataFrame, metric: str, day, district_ids=None) -> pd.Series | None:
    """The latest reported figure of ``metric`` on or before ``day`` for all return areas."""
    if district_ids is not None:
        return None
    rows = figures[(figures["metric"] == metric) & (figures["date"] <= pd.Timestamp(day))]
    rows = rows[rows["settlement_id"].isna() & rows["district_id"].isna()]
    if rows.empty:
        return None
    return rows.sort_values("date").iloc[-1]


def headline_figures(layers: dict[str, pd.DataFrame], day, data_date, district_ids=None) -> list[Kpi]:
    """The headline figures of the return, as of ``day``, each with the share of it that comes
    from reported records and the latest reported value (for the whole return area; none when a
    district filter is on)."""
    returns, housing = layers["returns"], layers["housing"]
    figures = layers["reported_figures"]
    # the figures for all return areas, once rather than per measure (the order of rows kept)
    figures = figures[(figures["settlement_id"].isna() & figures["district_id"].isna()).to_numpy()]
    from_reports = returns.loc[~returns["source"].map(is_demonstration), "families"].sum()
    reported_share = from_reports / returns["families"].sum() if len(returns) else 0.0
    items = [
        ("families_returned", families_returned(returns, day), "families", "families_returned"),
        ("persons_returned", persons_returned(returns, day), "persons", "persons_returned"),
        ("units_completed", dwelling_units_completed(housing, day), "units", None),
        ("hectares_released", hectares_released(layers["hazard_areas"], day, data_date), "ha", "hectares_cleared"),
        ("jobs_created", jobs_created(layers["employment_projects"], day, data_date), "jobs", "jobs_created"),
    ]
    headlines = []
    for key, value, unit, metric in items:
        reported = latest_reported(figures, metric, day, district_ids) if metric else None
        from_convoys = key in ("families_returned", "persons_returned")
        headlines.append(
            Kpi(
                key,
                value,
                unit,
                demonstration=not from_convoys or reported_share < 1,
                reported=None
                if reported is None
                else Reported(float(reported["value"]), reported["date"], reported["source"]),
                reported_share=float(reported_share) if from_convoys else 0.0,
            )
        )
    return headlines


def settlement_summary(settlements, returns, housing, day, totals=None):
    """One row per settlement: status on ``day``, families and persons returned, dwelling units
    completed and planned, and how its location is known.

    ``totals`` (lib.daily_totals per settlement_id) makes a change of day a lookup instead of a
    pass over every convoy and house."""
    from lib.as_of import status_as_of

    day = pd.Timestamp(day)
    summary = settlements.copy()
    summary["status"] = status_as_of("settlements", summary, day)
    ids = summary["settlement_id"]
    if totals is not None:
        figures = totals.on(day, ids)
    else:
        arrived = returns[returns["date"] <= day].groupby("settlement_id")[["families", "persons"]].sum()
        figures = pd.DataFrame(
            {
                "families_returned": ids.map(arrived["families"]).to_numpy(),
                "persons_returned": ids.map(arrived["persons"]).to_numpy(),
                "units_completed": ids.map(
                    housing[housing["completed_date"] <= day].groupby("settlement_id")["units"].sum()
                ).to_numpy(),
            }
        )
    for column in ("families_returned", "persons_returned", "units_completed"):
        summary[column] = figures[column].fillna(0).round().astype("int64").to_numpy()
    return summary


def works_ramp(assets: pd.DataFrame, data_date) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """How each asset's progress grows, from what its record holds: (start, end, percent at the end).

    A completed asset reaches 100 % on its completion date. Otherwise its recorded
    ``progress_pct`` is its state on the data date, reached from 0 % at the start of works;
    an asset without a start date counts its recorded progress from the data date on.
    """
    data_date = pd.Timestamp(data_date)
    completed = assets["completed_date"]
    end = completed.fillna(data_date)
    start = assets["under_construction_date"].fillna(end)
    recorded = pd.to_numeric(assets["progress_pct"], errors="coerce").fillna(0.0).clip(0, 100)
    reached = np.where(completed.notna().to_numpy(), 100.0, recorded.to_numpy(dtype="float64"))
    return start, end, reached


def infrastructure_progress(assets: pd.DataFrame, day, data_date) -> pd.Series:
    """Percent done of each asset on ``day`` (:func:`works_ramp`): 100 once completed, the
    recorded progress from the data date on, scaled linearly from the start of works before."""
    start, end, reached = works_ramp(assets, data_date)
    return pd.Series(reached * ramp(start, end, day), index=assets.index)


def settlements_resettling(settlements: pd.DataFrame, day) -> int:
    """Settlements where families have returned by ``day`` (status resettling or resettled)."""
    return int((settlements["resettling_date"] <= pd.Timestamp(day)).sum())
