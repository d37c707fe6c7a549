""" "What holds it back": plain findings per district, derived from the figures.

Each rule looks for one kind of bottleneck the leadership asked about: homes completed but
standing empty, returns outpacing jobs, unreleased hazard areas next to settlements, and works
lagging where families already live. Findings carry their numbers and are gathered per district,
worst first; the page words them through the message catalogue (``blocker.<kind>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lib.disclosure import shown_column

EMPTY_HOMES_SHARE = 0.5  # more than half of completed units without a family
EMPTY_HOMES_MIN_UNITS = 50
JOBS_PER_FAMILY_MIN = 0.5
INFRASTRUCTURE_MIN_PCT = 60.0
# Unreleased hazard area within 2 km of settlements that weighs half as much as homes standing
# all empty: about the area a 2 km ring around a village covers.
HAZARD_HA_HALF_SEVERITY = 1_000.0


@dataclass(frozen=True)
class Finding:
    """One bottleneck in one district, with the numbers that show it."""

    district_id: str
    kind: str
    severity: float  # 0..1, larger is worse; used to order findings
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DistrictFindings:
    """Everything that holds one district back, worst first."""

    district_id: str
    findings: tuple[Finding, ...]

    @property
    def severity(self) -> float:
        return self.findings[0].severity


def what_holds_back(
    progress: pd.DataFrame, hazards_near: pd.DataFrame, settlements: pd.DataFrame
) -> list[DistrictFindings]:
    """One entry per district of ``progress`` (lib.progress.district_progress) that anything
    holds back, with all its findings; the district with the worst finding first.

    ``hazards_near``: unreleased (hazard polygon, settlement) pairs on the day
    (lib.spatial.unreleased_pairs: hazard_id, settlement_id, area_ha), optionally with the
    settlement's district_id (else looked up in ``settlements``).
    """
    by_district: dict[str, list[Finding]] = {}
    for finding in _findings(progress, hazards_near, settlements):
        by_district.setdefault(finding.district_id, []).append(finding)
    entries = [
        DistrictFindings(district_id, tuple(sorted(found, key=lambda f: -f.severity)))
        for district_id, found in by_district.items()
    ]
    return sorted(entries, key=lambda entry: (-entry.severity, entry.district_id))


def _findings(progress: pd.DataFrame, hazards_near: pd.DataFrame, settlements: pd.DataFrame) -> list[Finding]:
    findings: list[Finding] = []
    # a polygon near settlements of the same district counts once; it is the settlements'
    # district that it holds back, whichever district it lies in (pairs may carry it already)
    near = (
        hazards_near
        if "district_id" in hazards_near.columns
        else hazards_near.merge(settlements[["settlement_id", "district_id"]], on="settlement_id")
    )
    settlements_near: dict[str, set] = {}
    for district_id, settlement_id in zip(near["district_id"].tolist(), near["settlement_id"].tolist()):
        settlements_near.setdefault(district_id, set()).add(settlement_id)
    summed = near.drop_duplicates(["district_id", "hazard_id"]).groupby("district_id")["area_ha"].sum()
    hazard_ha = dict(zip(summed.index, summed.to_numpy()))
    columns = ["district_id", "units_completed", "units_occupied", "families_returned", "jobs_created"]
    # in the public view a district's few families are suppressed (NaN, lib.disclosure): families
    # live there, but the jobs rule, which would state their number, is left out
    suppressed = (
        progress[shown_column("families_returned")].notna()
        if shown_column("families_returned") in progress.columns
        else pd.Series(False, index=progress.index)
    )
    rows = progress[[*columns, "infrastructure_completion"]].itertuples(index=False)
    for row, few_families in zip(rows, suppressed.tolist()):
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
        if row.district_id in settlements_near:
            hectares = hazard_ha[row.district_id]
            findings.append(
                Finding(
                    row.district_id,
                    "hazards",
                    hectares / (hectares + HAZARD_HA_HALF_SEVERITY),
                    {"hectares": hectares, "settlements": tuple(sorted(settlements_near[row.district_id]))},
                )
            )
        families_live_there = few_families or row.families_returned > 0
        if families_live_there and row.infrastructure_completion < INFRASTRUCTURE_MIN_PCT:
            findings.append(
                Finding(
                    row.district_id,
                    "infrastructure",
                    1 - row.infrastructure_completion / 100,
                    {"percent": row.infrastructure_completion},
                )
            )
    return findings
