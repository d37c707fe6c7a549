"""Employment: projects by sector and status on a day, and jobs against families per settlement."""

import numpy as np
import pandas as pd

from lib.daily_totals import daily_totals
from lib.diagnosis import JOBS_PER_FAMILY_MIN
from lib.employment import jobs_against_families, projects_by_sector_status, projects_on, returns_outpace_jobs

DATA_DATE = pd.Timestamp("2024-12-31")
NaT = pd.NaT


def _projects() -> pd.DataFrame:
    rows = [
        # id, settlement, sector, status now, planned, created, start, active, completed
        ("p1", "s1", "agriculture", "completed", 100, 80, "2023-01-01", "2023-03-01", "2023-12-31"),
        ("p2", "s1", "agriculture", "active", 50, 40, "2024-01-01", "2024-06-01", None),
        ("p3", "s2", "industry", "planned", 200, 0, "2024-11-01", None, None),
        ("p4", "s2", "tourism", "planned", 30, 0, "2025-06-01", None, None),  # starts after the data date
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "project_id",
            "settlement_id",
            "sector",
            "status",
            "jobs_planned",
            "jobs_created",
            "start_date",
            "active_date",
            "completed_date",
        ],
    )
    for column in ("start_date", "active_date", "completed_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _settlements() -> pd.DataFrame:
    return pd.DataFrame({"settlement_id": ["s1", "s2", "s3"], "district_id": ["d1", "d1", "d2"]})


def _returns() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "settlement_id": ["s1", "s2", "s2"],
            "date": pd.to_datetime(["2023-06-01", "2024-02-01", "2024-09-01"]),
            "families": [100, 30, 30],
            "persons": [400, 120, 120],
        }
    )


def test_a_project_not_begun_on_the_day_is_left_out_and_the_others_have_that_days_status():
    on_day = projects_on(_projects(), "2023-06-01", DATA_DATE).set_index("project_id")
    assert list(on_day.index) == ["p1"]
    assert on_day.loc["p1", "status"] == "active"


def test_jobs_filled_ramp_from_the_first_jobs_to_completion():
    on_day = projects_on(_projects(), "2023-08-01", DATA_DATE).set_index("project_id")
    share = (pd.Timestamp("2023-08-01") - pd.Timestamp("2023-03-01")).days / 305
    assert on_day.loc["p1", "jobs_created"] == round(80 * share)


def test_projects_by_sector_and_status_count_projects_and_sum_jobs_on_the_day():
    table = projects_by_sector_status(_projects(), DATA_DATE, DATA_DATE)
    assert table[["sector", "status"]].values.tolist() == [
        ["agriculture", "active"],
        ["agriculture", "completed"],
        ["industry", "planned"],
    ]
    agriculture_active = table.iloc[0]
    assert (agriculture_active["projects"], agriculture_active["jobs_planned"]) == (1, 50)
    assert agriculture_active["jobs_created"] == 40  # running to the data date: all of it by then
    assert table["projects"].sum() == 3  # p4 starts after the day


def test_projects_by_sector_and_status_before_any_project_is_empty_with_its_columns():
    table = projects_by_sector_status(_projects(), "2020-01-01", DATA_DATE)
    assert table.empty
    assert list(table.columns) == ["sector", "status", "projects", "jobs_planned", "jobs_created"]


def _jobs_table(day) -> pd.DataFrame:
    layers = {"settlements": _settlements(), "returns": _returns(), "employment_projects": _projects()}
    totals = daily_totals(layers, DATA_DATE, by="settlement_id")
    return jobs_against_families(_settlements(), totals, day).set_index("settlement_id")


def test_jobs_per_family_divide_the_settlements_jobs_by_its_families():
    table = _jobs_table(DATA_DATE)
    assert table.loc["s1", "families_returned"] == 100
    assert table.loc["s1", "jobs_created"] == 120
    assert table.loc["s1", "jobs_per_family"] == 1.2
    assert table.loc["s2", "jobs_per_family"] == 0.0
    assert table.loc["s2", "jobs_needed"] == np.ceil(JOBS_PER_FAMILY_MIN * 60)
    assert table.loc["s2", "jobs_short"] == table.loc["s2", "jobs_needed"]


def test_a_settlement_without_families_has_no_jobs_per_family_and_none_short():
    table = _jobs_table(DATA_DATE)
    assert np.isnan(table.loc["s3", "jobs_per_family"])
    assert table.loc["s3", "jobs_short"] == 0


def test_returns_outpace_jobs_where_families_have_fewer_jobs_than_the_minimum():
    behind = returns_outpace_jobs(_jobs_table(DATA_DATE).reset_index())
    assert behind["settlement_id"].tolist() == ["s2"]


def test_returns_outpace_jobs_before_the_first_jobs_are_filled():
    # families came back to s1 in June 2023; its first project was still hiring
    table = _jobs_table("2023-06-01")
    assert table.loc["s1", "jobs_created"] < JOBS_PER_FAMILY_MIN * 100
    behind = returns_outpace_jobs(table.reset_index())
    assert behind["settlement_id"].tolist() == ["s1"]
    assert behind.loc[0, "jobs_short"] == 50 - table.loc["s1", "jobs_created"]
