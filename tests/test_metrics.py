"""Every metric on tiny hand-checked layers (tests/fixtures.py)."""

import pandas as pd
import pytest

from lib import metrics, progress, selection
from lib.daily_totals import daily_totals
from lib.kpi import Base, Reported
from lib.validation import validate_layers
from tests import record_rules
from tests.fixtures import DAY, tiny_layers

DATA_DATE = DAY("2024-06-30")


@pytest.fixture
def layers():
    return tiny_layers()


def test_fixture_is_itself_valid(layers):
    assert validate_layers(layers) == []


def test_returns_count_convoys_up_to_the_day(layers):
    assert metrics.families_returned(layers["returns"], "2023-05-31") == 2
    assert metrics.families_returned(layers["returns"], "2024-01-01") == 6
    assert metrics.persons_returned(layers["returns"], "2023-06-01") == 20
    assert record_rules.settlements_with_returns(layers["returns"], "2023-01-31") == 0
    assert record_rules.settlements_with_returns(layers["returns"], "2023-02-01") == 1


def test_dwelling_units_count_units_not_buildings(layers):
    assert metrics.dwelling_units_completed(layers["housing"], "2023-03-01") == 6
    assert metrics.dwelling_units_completed(layers["housing"], "2023-05-01") == 7
    assert record_rules.dwelling_units_occupied(layers["housing"], "2023-06-01") == 6


def test_hectares_released_count_whole_and_partial_releases(layers):
    hazards = layers["hazard_areas"]
    assert metrics.hectares_released(hazards, "2022-12-31", DATA_DATE) == 0
    # z1 is released whole on 2023-01-01; z2's 20 ha are what was released by the data date,
    # growing linearly from the start of its clearance (2023-01-01, 546 days before)
    assert metrics.hectares_released(hazards, "2023-01-01", DATA_DATE) == 100
    assert metrics.hectares_released(hazards, "2024-01-01", DATA_DATE) == pytest.approx(100 + 20 * 365 / 546)
    assert metrics.hectares_released(hazards, DATA_DATE, DATA_DATE) == 120
    assert metrics.hazard_hectares(hazards) == 350


def test_jobs_ramp_from_first_jobs_to_completion(layers):
    projects = layers["employment_projects"]
    assert metrics.jobs_created(projects, "2023-02-28", DATA_DATE) == 0
    # 2023-03-01 → 2023-12-27 is 301 days; halfway (day 150.5) → 5 jobs
    assert metrics.jobs_created(projects, DAY("2023-03-01") + pd.Timedelta(days=150), DATA_DATE) == 5
    assert metrics.jobs_created(projects, "2024-01-01", DATA_DATE) == 10


def test_infrastructure_progress_is_the_recorded_progress_scaled_back_from_the_data_date(layers):
    assets = layers["infrastructure"]  # r1 built 2022-01-01 → 2022-12-31; s1 50 % on the data date, begun 2023-01-01
    assert metrics.infrastructure_progress(assets, DATA_DATE, DATA_DATE).tolist() == [100.0, 50.0]
    assert metrics.infrastructure_progress(assets, "2030-01-01", DATA_DATE).tolist() == [100.0, 50.0]
    # 273 of the 546 days from s1's start to the data date; r1 halfway (182 of 364 days) to completion
    assert metrics.infrastructure_progress(assets, "2023-10-01", DATA_DATE).tolist() == [100.0, pytest.approx(25.0)]
    assert metrics.infrastructure_progress(assets, "2022-07-02", DATA_DATE).tolist() == [pytest.approx(50.0), 0.0]
    assert metrics.infrastructure_progress(assets, "2021-12-31", DATA_DATE).tolist() == [0.0, 0.0]


def test_imported_progress_counts_as_recorded_whatever_the_length_of_works(layers):
    assets = layers["infrastructure"].assign(progress_pct=[100.0, 80.0])
    assert metrics.infrastructure_progress(assets, DATA_DATE, DATA_DATE).iloc[1] == 80.0
    undated = assets.assign(under_construction_date=assets["under_construction_date"].iloc[:1].reindex(assets.index))
    assert metrics.infrastructure_progress(undated, DATA_DATE - pd.Timedelta(days=1), DATA_DATE).iloc[1] == 0.0
    assert metrics.infrastructure_progress(undated, DATA_DATE, DATA_DATE).iloc[1] == 80.0


def test_settlement_summary_states_each_settlement_on_the_day(layers):
    summary = metrics.settlement_summary(layers["settlements"], layers["returns"], layers["housing"], "2023-03-15")
    a = summary.set_index("settlement_id").loc["AZ-LAC-a"]
    assert (a.status, a.families_returned, a.persons_returned, a.units_completed) == ("resettling", 2, 8, 6)
    b = summary.set_index("settlement_id").loc["AZ-ZAN-b"]
    assert (b.status, b.families_returned) == ("planned", 0)


def test_district_progress_gathers_figures_and_indicators(layers):
    table = progress.district_progress(layers, "2024-01-01", DATA_DATE).set_index("district_id")
    lachin = table.loc["AZ-LAC"]
    assert lachin.families_returned == 6 and lachin.units_completed == 7 and lachin.units_occupied == 6
    assert lachin.share_units_occupied == pytest.approx(600 / 7)
    # z1's 100 ha and 365 of the 546 days of z2's clearance towards its 20 ha, of 150 ha
    assert lachin.share_hazard_released == pytest.approx((100 + 20 * 365 / 546) / 150 * 100)
    assert lachin.jobs_per_10_families == pytest.approx(10 * 10 / 6)
    zangilan = table.loc["AZ-ZAN"]
    assert zangilan.families_returned == 0 and pd.isna(zangilan.jobs_per_10_families)


def test_key_figures_use_the_latest_target_and_the_change_since(layers):
    kpis = {k.key: k for k in progress.key_figures(layers, "2024-01-01", "2023-05-31", DATA_DATE, all_districts=True)}
    families = kpis["families_returned"]
    assert (families.value, families.previous, families.change) == (6, 2, 4)
    assert families.since == DAY("2023-05-31")
    assert families.base == Base("target", 100, DAY("2026-12-31"), "https://t1")
    assert families.share == pytest.approx(0.06)
    assert families.demonstration  # one convoy is generated
    assert kpis["units_occupied"].base == Base("completed_homes", 7)


def test_key_figures_without_all_districts_are_measured_against_their_own_totals(layers):
    kpis = {k.key: k for k in progress.key_figures(layers, "2024-01-01", "2023-05-31", DATA_DATE, all_districts=False)}
    assert kpis["families_returned"].base == Base("planned_households", 110)
    assert kpis["persons_returned"].base == Base("no_target")
    assert kpis["units_completed"].base == Base("planned_homes", 110)
    assert kpis["hectares_released"].base == Base("hazard_area", 350)
    assert kpis["jobs_created"].base == Base("jobs_planned", 12)
    assert kpis["settlements_resettling"].base == Base("settlements", 2)
    works = kpis["infrastructure_completion"]
    assert works.base == Base("works", 2) and works.share is None  # a mean percentage, not a share of a count


def test_a_settlements_hazard_area_is_its_districts(layers):
    scope = selection.profile_scope(layers, "AZ-LAC-a")
    kpis = {
        k.key: k for k in progress.key_figures(scope, DATA_DATE, DATA_DATE, DATA_DATE, False, settlement_id="AZ-LAC-a")
    }
    assert kpis["hectares_released"].base.kind == "district_hazard_area"
    assert kpis["families_returned"].base == Base("planned_households", 10)


def test_the_profile_opens_on_the_district_with_most_families_returned(layers):
    totals = daily_totals(layers, DATA_DATE)
    assert progress.district_with_most_returns(totals, DATA_DATE, ["AZ-ZAN", "AZ-LAC"]) == "AZ-LAC"
    # before anyone returned: the first listed
    assert progress.district_with_most_returns(totals, "2022-01-01", ["AZ-ZAN", "AZ-LAC"]) == "AZ-ZAN"
    assert progress.district_with_most_returns(totals, DATA_DATE, []) is None


def test_headline_figures_stand_beside_the_latest_reported_value(layers):
    headlines = {k.key: k for k in metrics.headline_figures(layers, "2024-01-01", DATA_DATE)}
    families = headlines["families_returned"]
    assert families.value == 6 and families.previous is None and families.base is None
    assert families.reported == Reported(5.0, DAY("2023-12-31"), "https://f1")
    assert families.reported_share == pytest.approx(3 / 6)  # e2's 3 families are generated
    assert headlines["units_completed"].reported is None


def test_returns_over_time_is_cumulative_per_month(layers):
    series = progress.returns_over_time(layers["returns"], "2023-07-15").set_index("date")
    assert series.loc[DAY("2023-02-28"), "families"] == 2
    assert series.loc[DAY("2023-06-30"), "families"] == 5
    assert series.loc[DAY("2023-07-15"), "persons"] == 20


def test_target_trajectory_starts_at_zero_on_approval_and_passes_each_target(layers):
    trajectory = progress.target_trajectory(layers["targets"])
    assert trajectory["value"].tolist() == [0, 40, 100]
    assert trajectory["date"].iloc[0] == progress.PROGRAMME_APPROVED
