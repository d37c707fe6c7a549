"""Readiness of settlements for the next convoy, on hand-made records whose answers are known."""

import numpy as np
import pandas as pd
import pytest

from lib import readiness
from lib.daily_totals import daily_totals
from lib.schema import INFRASTRUCTURE_CATEGORIES
from tests.fixtures import DAY, dates

DATA_DATE = DAY("2024-06-30")
ON = DAY("2024-06-01")


def _settlements(*ids):
    return pd.DataFrame(
        {
            "settlement_id": list(ids),
            "district_id": [i.rsplit("-", 1)[0] for i in ids],
            "planned_households": [100] * len(ids),
            "reconstruction_date": dates(*["2022-01-01"] * len(ids)),
            "ready_date": dates(*[None] * len(ids)),
            "resettling_date": dates(*[None] * len(ids)),
            "resettled_date": dates(*[None] * len(ids)),
        }
    )


def _houses(rows):
    """rows: (settlement_id, units, under_construction, completed, allocated, occupied)."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "settlement_id",
            "units",
            "under_construction_date",
            "completed_date",
            "allocated_date",
            "occupied_date",
        ],
    )
    for column in frame.columns[2:]:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ms]")
    frame["house_id"] = [f"h{i}" for i in range(len(frame))]
    return frame


def _assets(rows):
    """rows: (settlement_id, category, under_construction, completed, progress_pct on the data date)."""
    frame = pd.DataFrame(
        rows, columns=["settlement_id", "category", "under_construction_date", "completed_date", "progress_pct"]
    )
    for column in ("under_construction_date", "completed_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ms]")
    frame["asset_id"] = [f"a{i}" for i in range(len(frame))]
    frame["district_id"] = frame["settlement_id"].str.rsplit("-", n=1).str[0]
    return frame


def _every_work_done(settlement_id, completed="2023-06-01"):
    return [(settlement_id, c, "2023-01-01", completed, 100.0) for c in INFRASTRUCTURE_CATEGORIES]


def _returns(rows):
    frame = pd.DataFrame(rows, columns=["settlement_id", "date", "families"])
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ms]")
    frame["persons"] = frame["families"] * 4
    frame["event_id"] = [f"e{i}" for i in range(len(frame))]
    return frame


def _projects(rows):
    """rows: (settlement_id, jobs_created, start, active, completed)."""
    frame = pd.DataFrame(rows, columns=["settlement_id", "jobs_created", "start_date", "active_date", "completed_date"])
    for column in ("start_date", "active_date", "completed_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ms]")
    frame["jobs_planned"] = frame["jobs_created"]
    frame["project_id"] = [f"p{i}" for i in range(len(frame))]
    return frame


def _totals(settlements, housing, returns, projects):
    layers = {"settlements": settlements, "housing": housing, "returns": returns, "employment_projects": projects}
    return daily_totals(layers, DATA_DATE, by="settlement_id")


NOTHING_NEAR = pd.DataFrame(columns=["settlement_id", "hazard_count", "hazard_ha", "nearest_m"])


def test_conditions_count_free_homes_as_completed_units_not_yet_allocated():
    settlements = _settlements("AZ-LAC-a")
    housing = _houses(
        [
            ("AZ-LAC-a", 1, "2023-01-01", "2023-06-01", "2023-07-01", "2023-08-01"),  # occupied
            ("AZ-LAC-a", 1, "2023-01-01", "2023-06-01", "2024-05-01", None),  # allocated, empty
            ("AZ-LAC-a", 3, "2023-01-01", "2024-01-01", None, None),  # a block of 3 free flats
            ("AZ-LAC-a", 1, "2024-01-01", None, None, None),  # under construction
        ]
    )
    totals = _totals(settlements, housing, _returns([]), _projects([]))
    table = readiness.settlement_conditions(
        settlements, _assets([]), _projects([]), totals, NOTHING_NEAR, ON, DATA_DATE
    )
    row = table.iloc[0]
    assert (row.units_completed, row.units_allocated, row.units_occupied, row.free_homes) == (5, 2, 1, 3)
    # before the second house was allocated it was free too
    earlier = readiness.settlement_conditions(
        settlements, _assets([]), _projects([]), totals, NOTHING_NEAR, "2024-02-01", DATA_DATE
    )
    assert earlier.iloc[0].free_homes == 4


def test_conditions_of_works_need_every_asset_of_a_category_completed():
    settlements = _settlements("AZ-LAC-a", "AZ-LAC-b")
    assets = _assets(
        [
            *_every_work_done("AZ-LAC-a"),
            ("AZ-LAC-a", "school", "2024-01-01", None, 50.0),  # a second school half built
            ("AZ-LAC-b", "road", "2023-01-01", "2023-06-01", 100.0),
            ("AZ-LAC-b", "power", None, None, 0.0),  # planned, no date
            ("AZ-LAC-b", "water", "2024-09-01", None, 0.0),  # started after the day: not known yet
        ]
    )
    totals = _totals(settlements, _houses([]), _returns([]), _projects([]))
    table = readiness.settlement_conditions(
        settlements, assets, _projects([]), totals, NOTHING_NEAR, ON, DATA_DATE
    ).set_index("settlement_id")
    a, b = table.loc["AZ-LAC-a"], table.loc["AZ-LAC-b"]
    assert a.road_done and a.health_done and not a.school_done
    assert a.school_assets == 2
    # the half-built school: 50 % on the data date, reached linearly from its start
    share = (ON - DAY("2024-01-01")).days / (DATA_DATE - DAY("2024-01-01")).days
    assert a.school_progress == pytest.approx((100 + 50 * share) / 2, abs=0.1)
    assert b.road_done and (b.power_assets, b.power_done, b.power_progress) == (1, False, 0.0)
    assert (b.water_assets, b.water_done, b.gas_assets, b.gas_done) == (0, False, 0, False)


def test_conditions_carry_jobs_per_family_and_the_hazard_near():
    settlements = _settlements("AZ-LAC-a", "AZ-LAC-b")
    returns = _returns([("AZ-LAC-a", "2024-01-01", 20)])
    projects = _projects([("AZ-LAC-a", 10, "2023-12-01", "2024-01-01", "2024-01-01")])
    near = pd.DataFrame({"settlement_id": ["AZ-LAC-b"], "hazard_count": [2], "hazard_ha": [12.5], "nearest_m": [120.0]})
    totals = _totals(settlements, _houses([]), returns, projects)
    table = readiness.settlement_conditions(settlements, _assets([]), projects, totals, near, ON, DATA_DATE)
    a, b = table.set_index("settlement_id").loc["AZ-LAC-a"], table.set_index("settlement_id").loc["AZ-LAC-b"]
    assert (a.families_returned, a.jobs_created, a.jobs_planned, a.jobs_per_family) == (20, 10, 10, 0.5)
    assert np.isnan(b.jobs_per_family)
    assert (a.hazard_count, a.hazard_ha) == (0, 0.0) and np.isnan(a.nearest_m)
    assert (b.hazard_count, b.hazard_ha, b.nearest_m) == (2, 12.5, 120.0)
    assert list(readiness.jobs_met(table)) == [True, True]


def test_conditions_have_one_row_per_settlement_and_every_column_of_the_contract():
    settlements = _settlements("AZ-LAC-a", "AZ-LAC-b", "AZ-ZAN-c")
    totals = _totals(settlements, _houses([]), _returns([]), _projects([]))
    table = readiness.settlement_conditions(
        settlements, _assets([]), _projects([]), totals, NOTHING_NEAR, ON, DATA_DATE
    )
    assert list(table["settlement_id"]) == ["AZ-LAC-a", "AZ-LAC-b", "AZ-ZAN-c"]
    expected = {"settlement_id", "district_id", "planned_households", "families_returned", "units_completed"}
    expected |= {"units_occupied", "free_homes", "jobs_created", "jobs_per_family", *readiness.NEAR_COLUMNS}
    expected |= {f"{c}_{m}" for c in INFRASTRUCTURE_CATEGORIES for m in ("assets", "done", "progress")}
    assert expected <= set(table.columns)
