""" "What holds it back": plain findings per district, derived from the figures.

Each rule looks for one kind of bottleneck the leadership asked about: homes completed but
standing empty, returns outpacing jobs, unreleased hazard areas next to settlements, and works
lagging where families already live. Findings carry their numbers; the page words them through
the message catalogue (``blocker.<kind>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

EMPTY_HOMES_SHARE = 0.5  # more than half of completed units without a family
EMPTY_HOMES_MIN_UNITS = 50
JOBS_PER_FAMILY_MIN = 0.5
INFRASTRUCTURE_MIN_PCT = 60.0


@dataclass(frozen=True)
class Finding:
    """One bottleneck in one district, with the numbers that show it."""

    district_id: str
    kind: str
    severity: float  # larger is worse; used to order findings
    values: dict = field(default_factory=dict)


def what_holds_back(progress: pd.DataFrame, hazards_near: pd.DataFrame, settlements: pd.DataFrame) -> list[Finding]:
    """Findings for every district in ``progress`` (output of lib.progress.district_progress).

    ``hazards_near``: output of lib.spatial.unreleased_hazards_near_settlements.
    """
    findings: list[Finding] = []
    near = hazards_near.merge(settlements[["settlement_id", "district_id"]], on="settlement_id")
    near_by_district = near.groupby("district_id").agg(
        settlements=("settlement_id", "nunique"), hazard_ha=("hazard_ha", "sum")
    )
    for row in progress.itertuples():
        empty = row.units_completed - row.units_occupied
        if row.units_completed >= EMPTY_HOMES_MIN_UNITS and empty > EMPTY_HOMES_SHARE * row.units_completed:
            findings.append(
                Finding(
                    row.district_id,
                    "empty_homes",
                    empty / row.units_completed,
                    {"empty": empty, "completed": row.units_completed},
                )
            )
        if row.families_returned > 0 and row.jobs_created < JOBS_PER_FAMILY_MIN * row.families_returned:
            findings.append(
                Finding(
                    row.district_id,
                    "jobs",
                    1 - row.jobs_created / row.families_returned,
                    {"jobs": row.jobs_created, "families": row.families_returned},
                )
            )
        if row.district_id in near_by_district.index:
            hit = near_by_district.loc[row.district_id]
            findings.append(
                Finding(
                    row.district_id,
                    "hazards",
                    min(1.0, hit.hazard_ha / 10_000),
                    {"hectares": hit.hazard_ha, "settlements": int(hit.settlements)},
                )
            )
        if row.families_returned > 0 and row.infrastructure_completion < INFRASTRUCTURE_MIN_PCT:
            findings.append(
                Finding(
                    row.district_id,
                    "infrastructure",
                    1 - row.infrastructure_completion / 100,
                    {"percent": row.infrastructure_completion},
                )
            )
    return sorted(findings, key=lambda f: -f.severity)
