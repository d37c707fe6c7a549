"""Employment: projects by sector and status, and jobs against the families who came back.

A returning family needs work near its new home; the committee counts the jobs its projects
create. Hiring runs linearly from a project's first jobs (``active_date``) to its completion (or
the data date), as in :func:`lib.metrics.jobs_created` and the daily totals, so every figure here
agrees with the overview's on any day. A settlement where returns outpace jobs has fewer than
:data:`lib.diagnosis.JOBS_PER_FAMILY_MIN` jobs created per family returned (the rule the
overview's "what holds it back" applies per district).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.as_of import ramp, reached, records_as_of
from lib.daily_totals import DailyTotals
from lib.diagnosis import JOBS_PER_FAMILY_MIN
from lib.i18n import Translator
from lib.schema import EMPLOYMENT_SECTORS, PROJECT_STATUSES

SECTOR_COLUMNS = ["sector", "status", "projects", "jobs_planned", "jobs_created"]
SETTLEMENT_COLUMNS = [
    "settlement_id",
    "district_id",
    "families_returned",
    "jobs_created",
    "jobs_per_family",
    "jobs_needed",
    "jobs_short",
]


def projects_on(projects: pd.DataFrame, day, data_date) -> pd.DataFrame:
    """The projects begun by ``day`` (``start_date`` on or before it), with their status on that
    day and ``jobs_created`` as many as were filled by then (hiring ramps from the first jobs to
    completion, or to the data date while the project runs)."""
    day = pd.Timestamp(day)
    begun = projects[(projects["start_date"] <= day).to_numpy(dtype=bool, na_value=False)]
    known = records_as_of("employment_projects", begun, day)
    end = known["completed_date"].fillna(pd.Timestamp(data_date))
    filled = np.round(known["jobs_created"].to_numpy(dtype="float64") * ramp(known["active_date"], end, day))
    return known.assign(jobs_created=filled)


def projects_by_sector_status(projects: pd.DataFrame, day, data_date) -> pd.DataFrame:
    """Projects per sector and status on ``day``: how many, jobs planned and jobs created by then.

    One row per (sector, status) that has a project, sectors and statuses in the schema's order.
    Counted in numpy (codes of sector and status): a change of day at 100x the data must not wait
    for a pandas group-by.
    """
    day = pd.Timestamp(day)
    begun = reached(projects, "start_date", day)
    known = projects[begun]
    status = np.where(
        reached(known, "completed_date", day), 2, np.where(reached(known, "active_date", day), 1, 0)
    )  # the positions of PROJECT_STATUSES
    sector = pd.Categorical(known["sector"], categories=EMPLOYMENT_SECTORS).codes
    cell = sector.astype("int64") * len(PROJECT_STATUSES) + status
    keep = sector >= 0
    end = known["completed_date"].fillna(pd.Timestamp(data_date))
    filled = np.round(known["jobs_created"].to_numpy(dtype="float64") * ramp(known["active_date"], end, day))
    cells = len(EMPLOYMENT_SECTORS) * len(PROJECT_STATUSES)

    def total(weights=None):
        return np.bincount(cell[keep], None if weights is None else weights[keep], minlength=cells)

    counts = total()
    present = np.flatnonzero(counts)
    return pd.DataFrame(
        {
            "sector": np.asarray(EMPLOYMENT_SECTORS, dtype=object)[present // len(PROJECT_STATUSES)],
            "status": np.asarray(PROJECT_STATUSES, dtype=object)[present % len(PROJECT_STATUSES)],
            "projects": counts[present].astype("int64"),
            "jobs_planned": total(known["jobs_planned"].to_numpy(dtype="float64"))[present].astype("int64"),
            "jobs_created": total(filled)[present].astype("int64"),
        },
        columns=SECTOR_COLUMNS,
    )


def jobs_against_families(settlements: pd.DataFrame, totals: DailyTotals, day) -> pd.DataFrame:
    """Per settlement on ``day``: families returned, jobs created, jobs per family (NaN where
    no family has come back), the jobs :data:`JOBS_PER_FAMILY_MIN` per family would need and how
    many of those are missing (``jobs_short``, 0 when enough).

    ``totals``: the daily totals per settlement (lib.daily_totals, ``by="settlement_id"``): a lookup.
    """
    on_day = totals.on(day, settlements["settlement_id"])
    families = on_day["families_returned"].to_numpy()
    jobs = np.round(on_day["jobs_created"].to_numpy())
    needed = np.ceil(JOBS_PER_FAMILY_MIN * families)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_family = np.where(families > 0, jobs / families, np.nan)
    return pd.DataFrame(
        {
            "settlement_id": settlements["settlement_id"].to_numpy(),
            "district_id": settlements["district_id"].to_numpy(),
            "families_returned": families.astype("int64"),
            "jobs_created": jobs.astype("int64"),
            "jobs_per_family": per_family,
            "jobs_needed": needed.astype("int64"),
            "jobs_short": np.maximum(needed - jobs, 0).astype("int64"),
        }
    )


def returns_outpace_jobs(table: pd.DataFrame) -> pd.DataFrame:
    """The settlements of :func:`jobs_against_families` where families have come back and there
    are fewer than :data:`JOBS_PER_FAMILY_MIN` jobs per family, most jobs short first."""
    behind = table[(table["families_returned"] > 0) & (table["jobs_per_family"] < JOBS_PER_FAMILY_MIN)]
    return behind.sort_values(["jobs_short", "settlement_id"], ascending=[False, True], ignore_index=True)


# --- in words ------------------------------------------------------------------------------------


def sector_table(table: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """:func:`projects_by_sector_status` as a reader's table (sectors and statuses in words)."""
    return pd.DataFrame(
        {
            t("employment.col.sector"): [t.term("sector", s) for s in table["sector"]],
            t("employment.col.status"): [t.term("project_status", s) for s in table["status"]],
            t("employment.col.projects"): table["projects"].to_numpy(),
            t("employment.jobs_planned"): table["jobs_planned"].to_numpy(),
            t("employment.jobs_created"): table["jobs_created"].to_numpy(),
        }
    )


def behind_table(behind: pd.DataFrame, names: pd.Series, districts: pd.Series, t: Translator) -> pd.DataFrame:
    """:func:`returns_outpace_jobs` as a reader's table; ``names`` and ``districts`` are the
    names by settlement_id and by district_id in the page's language."""
    return pd.DataFrame(
        {
            t("conditions.col.settlement"): behind["settlement_id"]
            .map(names)
            .fillna(behind["settlement_id"])
            .to_numpy(),
            t("conditions.col.district"): behind["district_id"].map(districts).fillna(behind["district_id"]).to_numpy(),
            t("col.families_returned"): behind["families_returned"].to_numpy(),
            t("employment.jobs_created"): behind["jobs_created"].to_numpy(),
            # as the language writes a fraction (a float column shows a decimal point in every language)
            t("employment.col.jobs_per_family"): [t.number(v, 2) for v in behind["jobs_per_family"]],
            t("employment.col.jobs_short"): behind["jobs_short"].to_numpy(),
        }
    )
