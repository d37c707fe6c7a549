"""The daily totals give, for any day, what the record-level metrics compute from the records."""

import numpy as np
import pandas as pd
import pytest

from lib import metrics
from lib.as_of import ramp
from lib.daily_totals import daily_totals
from tests import record_rules
from tests.fixtures import DAY, tiny_layers

TINY_DATA_DATE = DAY("2024-06-30")


def _days(first: str, last, every: int) -> list[pd.Timestamp]:
    days = list(pd.date_range(first, last, freq=f"{every}D"))
    return days + [pd.Timestamp(last), pd.Timestamp(last) + pd.Timedelta(days=400)]


def _by_record_rules(layers, day, data_date, district_id) -> dict[str, float]:
    """The same figures from lib.metrics, for one district's records."""
    in_district = layers["settlements"].loc[layers["settlements"]["district_id"] == district_id, "settlement_id"]

    def of(name):
        frame = layers[name]
        if "district_id" in frame.columns:
            return frame[frame["district_id"] == district_id]
        return frame[frame["settlement_id"].isin(in_district)]

    projects = of("employment_projects")
    end = projects["completed_date"].fillna(pd.Timestamp(data_date))
    return {
        "families_returned": metrics.families_returned(of("returns"), day),
        "persons_returned": metrics.persons_returned(of("returns"), day),
        "units_completed": metrics.dwelling_units_completed(of("housing"), day),
        "units_occupied": record_rules.dwelling_units_occupied(of("housing"), day),
        "units_started": record_rules.dwelling_units_started(of("housing"), day),
        "units_allocated": record_rules.dwelling_units_allocated(of("housing"), day),
        "hectares_released": metrics.hectares_released(of("hazard_areas"), day, data_date),
        "infrastructure_progress": float(metrics.infrastructure_progress(of("infrastructure"), day, data_date).sum()),
        "jobs_created": float((projects["jobs_created"].to_numpy() * ramp(projects["active_date"], end, day)).sum()),
    }


def _assert_same_as_record_rules(layers, data_date, days):
    totals = daily_totals(layers, data_date)
    districts = sorted(layers["settlements"]["district_id"].unique())
    for day in days:
        table = totals.on(day, districts)
        for district_id in districts:
            expected = _by_record_rules(layers, day, data_date, district_id)
            got = table.loc[district_id, list(expected)].to_dict()
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-6), (day, district_id)


def test_tiny_layers_match_the_record_rules_week_by_week():
    layers = tiny_layers()
    _assert_same_as_record_rules(layers, TINY_DATA_DATE, _days("2020-12-25", TINY_DATA_DATE, 7))


def test_demonstration_layers_match_the_record_rules_across_the_programme(demo_layers, real):
    _assert_same_as_record_rules(demo_layers, real.data_date, _days("2020-11-01", real.data_date, 97))


def test_a_day_before_any_record_has_nothing_and_unknown_groups_are_zero():
    totals = daily_totals(tiny_layers(), TINY_DATA_DATE)
    assert (totals.on("1999-01-01").to_numpy() == 0).all()
    table = totals.on(TINY_DATA_DATE, ["AZ-LAC", "AZ-XXX"])
    assert list(table.index) == ["AZ-LAC", "AZ-XXX"]
    assert (table.loc["AZ-XXX"] == 0).all() and table.loc["AZ-LAC", "families_returned"] == 6


def test_totals_per_settlement_hold_the_settlement_figures(demo_layers, real):
    totals = daily_totals(demo_layers, real.data_date, by="settlement_id")
    day = real.data_date - pd.Timedelta(days=200)
    summary = metrics.settlement_summary(
        demo_layers["settlements"], demo_layers["returns"], demo_layers["housing"], day
    ).set_index("settlement_id")
    table = totals.on(day, summary.index)
    np.testing.assert_allclose(table["families_returned"], summary["families_returned"])
    np.testing.assert_allclose(table["units_completed"], summary["units_completed"])
    looked_up = metrics.settlement_summary(demo_layers["settlements"], None, None, day, totals=totals)
    pd.testing.assert_frame_equal(looked_up.set_index("settlement_id"), summary)
    # hazards and assets are recorded per district, so a settlement has none of them
    assert (table["hectares_released"] == 0).all()


def test_summed_over_districts_the_totals_are_the_programme_figures(demo_layers, real):
    totals = daily_totals(demo_layers, real.data_date)
    day = real.data_date - pd.Timedelta(days=90)
    summed = totals.total(day)
    assert summed["families_returned"] == metrics.families_returned(demo_layers["returns"], day)
    assert summed["hectares_released"] == pytest.approx(
        metrics.hectares_released(demo_layers["hazard_areas"], day, real.data_date)
    )


def test_recorded_progress_of_undated_and_imported_works_agrees_with_the_record_rules():
    layers = tiny_layers()
    assets = layers["infrastructure"]
    # s1 imported at 80 % with no start date; r1 completed with no start date
    layers["infrastructure"] = assets.assign(
        progress_pct=[100.0, 80.0],
        under_construction_date=pd.Series(pd.NaT, index=assets.index, dtype="datetime64[ms]"),
    )
    _assert_same_as_record_rules(layers, TINY_DATA_DATE, _days("2022-06-01", TINY_DATA_DATE, 30))
    on_data_date = daily_totals(layers, TINY_DATA_DATE).on(TINY_DATA_DATE).loc["AZ-LAC", "infrastructure_progress"]
    assert on_data_date == pytest.approx(180.0)
