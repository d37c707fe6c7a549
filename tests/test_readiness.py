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


# --- the checklist and its states ---------------------------------------------------------------

FREE_HOUSE = ("2023-01-01", "2023-06-01", None, None)


def _pairs(rows):
    """Settlement pairs within the distance: (settlement_id, hazard_id, suspected, released)."""
    frame = pd.DataFrame(rows, columns=["settlement_id", "hazard_id", "suspected_date", "released_date"])
    for column in ("suspected_date", "released_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ms]")
    return frame


def _hazards(rows):
    """(hazard_id, area_ha, released_ha, in_clearance, released)."""
    frame = pd.DataFrame(rows, columns=["hazard_id", "area_ha", "released_ha", "in_clearance_date", "released_date"])
    for column in ("in_clearance_date", "released_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ms]")
    return frame


def _checklist(settlements, housing, assets, pairs, hazards, day, near=NOTHING_NEAR, returns=None, projects=None):
    returns = _returns([]) if returns is None else returns
    projects = _projects([]) if projects is None else projects
    totals = _totals(settlements, housing, returns, projects)
    conditions = readiness.settlement_conditions(settlements, assets, projects, totals, near, day, DATA_DATE)
    bases = readiness.expected_bases(housing, assets, pairs, hazards, DATA_DATE, projects)
    expected = readiness.expected_dates(conditions, bases, totals, day)
    return readiness.readiness(conditions, expected, day).set_index("settlement_id")


def test_a_settlement_with_everything_done_is_ready():
    settlements = _settlements("AZ-LAC-a")
    table = _checklist(
        settlements,
        _houses([("AZ-LAC-a", 1, *FREE_HOUSE)]),
        _assets(_every_work_done("AZ-LAC-a")),
        _pairs([]),
        _hazards([]),
        DATA_DATE,
    )
    row = table.loc["AZ-LAC-a"]
    assert row.state == "ready" and row.lacking == ()
    assert all(row[f"{item}_met"] for item in readiness.ITEMS)
    assert pd.isna(row.expected_by)


def test_a_road_at_90_percent_due_in_10_days_makes_the_settlement_ready_next_month():
    settlements = _settlements("AZ-LAC-a")
    works = [w for w in _every_work_done("AZ-LAC-a") if w[1] != "road"]
    # 90 % done in the 90 days since the start: the last 10 % take 10 more days
    started = DATA_DATE - pd.Timedelta(days=90)
    works.append(("AZ-LAC-a", "road", started, None, 90.0))
    table = _checklist(
        settlements, _houses([("AZ-LAC-a", 1, *FREE_HOUSE)]), _assets(works), _pairs([]), _hazards([]), DATA_DATE
    )
    row = table.loc["AZ-LAC-a"]
    assert row.lacking == ("road",)
    assert row.road_expected == DATA_DATE + pd.Timedelta(days=10)
    assert row.state == "ready_next_month"


def test_a_road_due_in_two_months_leaves_the_settlement_not_ready():
    settlements = _settlements("AZ-LAC-a")
    works = [w for w in _every_work_done("AZ-LAC-a") if w[1] != "road"]
    works.append(("AZ-LAC-a", "road", DATA_DATE - pd.Timedelta(days=60), None, 50.0))  # 60 days to go
    table = _checklist(
        settlements, _houses([("AZ-LAC-a", 1, *FREE_HOUSE)]), _assets(works), _pairs([]), _hazards([]), DATA_DATE
    )
    row = table.loc["AZ-LAC-a"]
    assert row.road_expected == DATA_DATE + pd.Timedelta(days=60)
    assert row.state == "not_ready"


def test_an_unreleased_hazard_within_the_distance_blocks_the_settlement():
    settlements = _settlements("AZ-LAC-a", "AZ-LAC-b")
    works = _assets(_every_work_done("AZ-LAC-a") + _every_work_done("AZ-LAC-b"))
    housing = _houses([("AZ-LAC-a", 1, *FREE_HOUSE), ("AZ-LAC-b", 1, *FREE_HOUSE)])
    near = pd.DataFrame({"settlement_id": ["AZ-LAC-a"], "hazard_count": [1], "hazard_ha": [4.0], "nearest_m": [300.0]})
    pairs = _pairs([("AZ-LAC-a", "h1", "2021-01-01", None)])
    hazards = _hazards([("h1", 4.0, 0.0, None, None)])  # no clearance started: no date
    table = _checklist(settlements, housing, works, pairs, hazards, DATA_DATE, near=near)
    blocked = table.loc["AZ-LAC-a"]
    assert blocked.state == "blocked_by_mines" and blocked.lacking == ("safety",)
    assert pd.isna(blocked.safety_expected)
    assert table.loc["AZ-LAC-b"].state == "ready"
    assert list(table.index) == ["AZ-LAC-b", "AZ-LAC-a"]  # the ready one first


def test_a_hazard_in_clearance_due_within_the_month_does_not_block():
    settlements = _settlements("AZ-LAC-a")
    near = pd.DataFrame({"settlement_id": ["AZ-LAC-a"], "hazard_count": [1], "hazard_ha": [10.0], "nearest_m": [50.0]})
    pairs = _pairs([("AZ-LAC-a", "h1", "2021-01-01", None)])
    # 8 of 10 ha released in the 80 days since clearance started: 20 days to go
    hazards = _hazards([("h1", 10.0, 8.0, DATA_DATE - pd.Timedelta(days=80), None)])
    table = _checklist(
        settlements,
        _houses([("AZ-LAC-a", 1, *FREE_HOUSE)]),
        _assets(_every_work_done("AZ-LAC-a")),
        pairs,
        hazards,
        DATA_DATE,
        near=near,
    )
    row = table.loc["AZ-LAC-a"]
    assert row.safety_expected == DATA_DATE + pd.Timedelta(days=20)
    assert row.state == "ready_next_month"


def test_expected_dates_come_from_dates_recorded_after_the_day():
    settlements = _settlements("AZ-LAC-a")
    day = DAY("2024-03-01")
    housing = _houses([("AZ-LAC-a", 1, "2023-06-01", "2024-03-20", None, None)])  # completed 19 days later
    works = [w for w in _every_work_done("AZ-LAC-a") if w[1] != "gas"]
    works.append(("AZ-LAC-a", "gas", "2023-06-01", "2024-05-15", 100.0))  # completed later
    pairs = _pairs([("AZ-LAC-a", "h1", "2021-01-01", "2024-03-10")])  # released later
    hazards = _hazards([("h1", 2.0, 2.0, "2024-01-01", "2024-03-10")])
    near = pd.DataFrame({"settlement_id": ["AZ-LAC-a"], "hazard_count": [1], "hazard_ha": [2.0], "nearest_m": [10.0]})
    table = _checklist(settlements, housing, _assets(works), pairs, hazards, day, near=near)
    row = table.loc["AZ-LAC-a"]
    assert row.lacking == ("homes", "gas", "safety")
    assert (row.homes_expected, row.gas_expected, row.safety_expected) == (
        DAY("2024-03-20"),
        DAY("2024-05-15"),
        DAY("2024-03-10"),
    )
    assert row.expected_by == DAY("2024-05-15") and row.state == "not_ready"


def test_homes_under_construction_are_expected_after_the_median_build_time():
    settlements = _settlements("AZ-LAC-a")
    housing = _houses(
        [
            ("AZ-LAC-a", 1, "2023-01-01", "2023-04-11", "2023-05-01", None),  # built in 100 days, allocated
            ("AZ-LAC-a", 1, "2023-02-01", "2023-05-12", "2023-06-01", None),  # 100 days, allocated
            ("AZ-LAC-a", 1, "2024-04-01", None, None, None),  # started 90 days before the data date
        ]
    )
    table = _checklist(settlements, housing, _assets(_every_work_done("AZ-LAC-a")), _pairs([]), _hazards([]), DATA_DATE)
    row = table.loc["AZ-LAC-a"]
    assert row.lacking == ("homes",)
    assert row.homes_expected == DAY("2024-04-01") + pd.Timedelta(days=100)
    assert row.state == "ready_next_month"


def test_a_missing_category_without_any_asset_says_no_record_and_has_no_date():
    settlements = _settlements("AZ-LAC-a")
    works = [w for w in _every_work_done("AZ-LAC-a") if w[1] != "gas"]
    table = _checklist(
        settlements, _houses([("AZ-LAC-a", 1, *FREE_HOUSE)]), _assets(works), _pairs([]), _hazards([]), DATA_DATE
    )
    row = table.loc["AZ-LAC-a"]
    assert row.lacking == ("gas",) and row.no_record == ("gas",)
    assert pd.isna(row.gas_expected) and row.state == "not_ready"


def test_jobs_lag_when_fewer_than_half_a_job_per_family_was_created():
    settlements = _settlements("AZ-LAC-a")
    returns = _returns([("AZ-LAC-a", "2024-01-01", 40)])
    # 30 jobs hired evenly from Jan to the end of June: 10 by March 1, 20 (= 0.5 per family) on May 1
    projects = _projects([("AZ-LAC-a", 30, "2023-12-01", "2024-01-01", "2024-06-30")])
    table = _checklist(
        settlements,
        _houses([("AZ-LAC-a", 1, *FREE_HOUSE)]),
        _assets(_every_work_done("AZ-LAC-a")),
        _pairs([]),
        _hazards([]),
        DAY("2024-03-01"),
        returns=returns,
        projects=projects,
    )
    row = table.loc["AZ-LAC-a"]
    assert row.lacking == ("jobs",)
    assert DAY("2024-04-25") <= row.jobs_expected <= DAY("2024-05-05")
    assert row.state == "not_ready"


def test_jobs_lacking_on_the_data_date_are_expected_at_the_pace_of_hiring():
    settlements = _settlements("AZ-LAC-a", "AZ-LAC-b")
    returns = _returns([("AZ-LAC-a", "2024-01-01", 40), ("AZ-LAC-b", "2024-01-01", 40)])
    # a: 15 jobs in the 30 days since hiring began, 10 more planned: the 5 missing take 10 days;
    # b: as fast, but its projects plan no job beyond those filled
    projects = _projects(
        [
            ("AZ-LAC-a", 15, "2024-05-01", DATA_DATE - pd.Timedelta(days=30), None),
            ("AZ-LAC-b", 15, "2024-05-01", DATA_DATE - pd.Timedelta(days=30), None),
        ]
    )
    projects["jobs_planned"] = [25, 15]
    houses = [(s, 1, *FREE_HOUSE) for s in ("AZ-LAC-a", "AZ-LAC-b")]
    table = _checklist(
        settlements,
        _houses(houses),
        _assets(_every_work_done("AZ-LAC-a") + _every_work_done("AZ-LAC-b")),
        _pairs([]),
        _hazards([]),
        DATA_DATE,
        returns=returns,
        projects=projects,
    )
    assert table.loc["AZ-LAC-a"].jobs_expected == DATA_DATE + pd.Timedelta(days=10)
    assert table.loc["AZ-LAC-a"].state == "ready_next_month"
    assert pd.isna(table.loc["AZ-LAC-b"].jobs_expected) and table.loc["AZ-LAC-b"].state == "not_ready"


def test_counts_by_state_name_every_state():
    table = pd.DataFrame({"state": ["ready", "ready", "blocked_by_mines"]})
    assert readiness.counts_by_state(table) == {
        "ready": 2,
        "ready_next_month": 0,
        "blocked_by_mines": 1,
        "not_ready": 0,
    }


# --- reconstruction -----------------------------------------------------------------------------


def test_housing_pipeline_counts_units_in_the_last_stage_reached():
    housing = _houses(
        [
            ("AZ-LAC-a", 1, None, None, None, None),  # planned
            ("AZ-LAC-a", 2, "2024-01-01", None, None, None),  # under construction
            ("AZ-LAC-a", 3, "2023-01-01", "2023-06-01", None, None),  # completed
            ("AZ-LAC-a", 4, "2023-01-01", "2023-06-01", "2024-02-01", None),  # allocated
            ("AZ-LAC-a", 5, "2023-01-01", "2023-06-01", "2023-07-01", "2023-08-01"),  # occupied
            ("AZ-LAC-b", 1, "2024-09-01", None, None, None),  # started after the day: not known yet
        ]
    )
    housing["status"] = "planned"
    pipeline = readiness.housing_pipeline(housing, ON).set_index("settlement_id")
    assert list(pipeline.index) == ["AZ-LAC-a"]
    assert pipeline.loc["AZ-LAC-a"].to_dict() == {
        "planned": 1,
        "under_construction": 2,
        "completed": 3,
        "allocated": 4,
        "occupied": 5,
    }


def test_infrastructure_completion_by_category():
    assets = _assets(
        [
            ("AZ-LAC-a", "road", "2023-01-01", "2023-06-01", 100.0),
            ("AZ-LAC-b", "road", "2024-01-01", None, 50.0),
            ("AZ-LAC-b", "power", None, None, 0.0),
        ]
    )
    assets["status"] = "planned"
    completion = readiness.infrastructure_completion(assets, DATA_DATE, DATA_DATE).set_index("category")
    road, power, gas = completion.loc["road"], completion.loc["power"], completion.loc["gas"]
    assert (road.assets, road.completed, road.under_construction, road.progress) == (2, 1, 1, 75.0)
    assert (road.settlements_served, road.settlements_done) == (2, 1)
    assert (power.assets, power.planned, power.progress) == (1, 1, 0.0)
    assert gas.assets == 0 and np.isnan(gas.progress)
    assert list(completion.index) == list(INFRASTRUCTURE_CATEGORIES)


def _pipeline_from_totals(housing, settlements, day):
    totals = _totals(settlements, housing, _returns([]), _projects([]))
    planned = readiness.planned_units(housing)
    return readiness.housing_pipeline_on(totals, planned, settlements["settlement_id"], day)


def test_the_housing_pipeline_from_the_daily_totals_is_the_records_one():
    housing = _houses(
        [
            ("AZ-LAC-a", 1, None, None, None, None),
            ("AZ-LAC-a", 2, "2024-01-01", None, None, None),
            ("AZ-LAC-a", 3, "2023-01-01", "2023-06-01", None, None),
            ("AZ-LAC-a", 4, "2023-01-01", "2023-06-01", "2024-02-01", None),
            ("AZ-LAC-a", 5, "2023-01-01", "2023-06-01", "2023-07-01", "2023-08-01"),
            ("AZ-LAC-b", 1, "2024-09-01", None, None, None),
        ]
    )
    housing["status"] = "planned"
    settlements = _settlements("AZ-LAC-a", "AZ-LAC-b", "AZ-LAC-c")
    for day in ("2022-06-01", "2023-06-15", ON, "2024-09-02"):
        expected = readiness.housing_pipeline(housing, day)
        pd.testing.assert_frame_equal(_pipeline_from_totals(housing, settlements, day), expected, check_dtype=False)


def test_the_housing_pipeline_from_the_daily_totals_holds_for_the_demonstration_data(demo_layers):
    housing, settlements = demo_layers["housing"], demo_layers["settlements"]
    for day in ("2021-06-01", "2023-03-01", "2024-11-15", "2025-10-01"):
        expected = readiness.housing_pipeline(housing, day)
        got = _pipeline_from_totals(housing, settlements, day)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)
