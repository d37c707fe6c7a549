"""Mine action figures (lib.mine_action) on hand-made records whose answers are known."""

import numpy as np
import pandas as pd
import pytest

from lib import mine_action

D = pd.Timestamp


def _hazards() -> pd.DataFrame:
    """Four polygons in two districts: one cancelled, one cleared, one in clearance, one suspected."""
    return pd.DataFrame(
        {
            "hazard_id": ["h1", "h2", "h3", "h4"],
            "district_id": ["AZ-LAC", "AZ-LAC", "AZ-ZAN", "AZ-ZAN"],
            "device_category": ["anti-personnel", "anti-tank", "anti-personnel", "UXO"],
            "release_method": ["cancelled", "cleared", None, None],
            "area_ha": [10.0, 20.0, 40.0, 5.0],
            "released_ha": [10.0, 20.0, 12.0, 0.0],
            "items_found": [0, 7, 3, 0],
            "suspected_date": [D("2021-01-01"), D("2021-01-01"), D("2021-06-01"), D("2023-01-01")],
            "confirmed_date": [pd.NaT, D("2021-03-01"), D("2022-01-01"), pd.NaT],
            "in_clearance_date": [pd.NaT, D("2021-05-01"), D("2022-06-01"), pd.NaT],
            "released_date": [D("2021-02-15"), D("2022-03-10"), pd.NaT, pd.NaT],
        }
    )


def test_status_on_a_day_is_the_last_step_reached_and_unrecorded_polygons_have_none():
    assert mine_action.status_codes(_hazards(), "2021-04-01").tolist() == [3, 1, -1, -1]
    assert mine_action.hazard_classes(_hazards(), "2022-12-31").tolist() == [
        "cancelled",
        "cleared",
        "in_clearance",
        None,
    ]


def test_status_by_device_counts_polygons_and_hectares_of_every_pair():
    table = mine_action.status_by_device(_hazards(), "2023-06-30").set_index(["status", "device_category"])
    assert len(table) == 16  # every status × device category, zeros included
    assert table.loc[("released", "anti-personnel"), "area_ha"] == 10
    assert table.loc[("released", "anti-tank"), "polygons"] == 1
    assert table.loc[("in_clearance", "anti-personnel"), "area_ha"] == 40
    assert table.loc[("suspected", "UXO"), "polygons"] == 1
    assert table["polygons"].sum() == 4


def test_land_by_district_counts_only_completed_release_and_ranks_most_remaining_first():
    table = mine_action.land_by_district(_hazards(), "2023-06-30")
    assert table["district_id"].tolist() == ["AZ-ZAN", "AZ-LAC"]
    zangilan, lachin = table.iloc[0], table.iloc[1]
    # the 12 ha cleared so far inside h3 are not released land until h3 is
    assert (zangilan["area_ha"], zangilan["released_ha"], zangilan["remaining_ha"]) == (45, 0, 45)
    assert (lachin["released_ha"], lachin["remaining_ha"], lachin["share_released"]) == (30, 0, 1)


def test_land_by_district_before_any_record_is_empty():
    assert mine_action.land_by_district(_hazards(), "2020-12-01").empty


def test_items_found_count_with_their_polygons_release():
    before, after = (mine_action.items_found(_hazards(), day) for day in ("2022-03-09", "2022-03-10"))
    assert before.set_index("device_category")["items_found"].sum() == 0
    assert after.set_index("device_category").loc["anti-tank", "items_found"] == 7
    assert after["items_found"].sum() == 7  # h3's 3 items wait for its release


def test_release_series_is_cumulative_per_method_and_cut_at_month_ends_and_the_day():
    series = mine_action.release_series(_hazards())
    assert series.loc["2021-02-15", "cancelled"] == 10 and mine_action.released_on(series, "2021-02-14").sum() == 0
    assert series.iloc[-1].tolist() == [10, 0, 20]
    over_time = mine_action.released_over_time(series, "2022-03-20")
    assert over_time["date"].iloc[-1] == D("2022-03-20")
    assert over_time["date"].iloc[-2] == D("2022-02-28")
    assert over_time.iloc[-1][["cancelled", "reduced", "cleared"]].tolist() == [10, 0, 20]
    assert over_time.iloc[-2][["cleared"]].tolist() == [0]
    assert mine_action.released_over_time(series, "2021-01-01").empty
    assert mine_action.released_on(series, "2030-01-01").sum() == 30


def test_headline_figures_on_a_day():
    hazards = _hazards()
    figures = mine_action.headline(hazards, mine_action.release_series(hazards), _sessions(), "2023-06-30")
    assert figures["released_ha"] == 30 and figures["cleared_ha"] == 20
    assert figures["recorded_ha"] == 75 and figures["remaining_ha"] == 45
    assert figures["unreleased_polygons"] == 2 and figures["items_found"] == 7
    assert (figures["mre_sessions"], figures["mre_people_reached"]) == (3, 95)


def _sessions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "session_id": ["s1", "s2", "s3", "s4"],
            "date": [D("2023-01-10"), D("2023-01-20"), D("2023-03-05"), D("2024-01-01")],
            "settlement_id": ["AZ-LAC-a", "AZ-ZAN-b", "AZ-LAC-a", "AZ-LAC-a"],
            "audience": ["returnees", "schoolchildren", "returnees", "workers"],
            "people_reached": [40, 25, 30, 12],
        }
    )


SETTLEMENTS = pd.DataFrame({"settlement_id": ["AZ-LAC-a", "AZ-ZAN-b"], "district_id": ["AZ-LAC", "AZ-ZAN"]})


def test_education_over_time_sums_each_month_per_audience_and_accumulates():
    table = mine_action.education_over_time(_sessions(), "2023-03-15")
    returnees = table[table["audience"] == "returnees"].set_index("date")
    assert returnees.loc[D("2023-01-31"), "people_reached"] == 40
    # the day's own month ends on the day
    assert returnees.loc[D("2023-03-15"), "cumulative"] == 70
    assert table["sessions"].sum() == 3 and set(table["audience"]) == {"returnees", "schoolchildren", "workers"}


def test_education_by_district_goes_through_each_sessions_settlement():
    table = mine_action.education_by_district(_sessions(), SETTLEMENTS, "2023-12-31").set_index(
        ["district_id", "audience"]
    )
    assert table.loc[("AZ-LAC", "returnees"), "people_reached"] == 70
    assert table.loc[("AZ-LAC", "returnees"), "sessions"] == 2
    assert table.loc[("AZ-ZAN", "schoolchildren"), "people_reached"] == 25
    assert ("AZ-LAC", "workers") not in table.index


def _figures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metric": ["hectares_cleared", "hectares_cleared", "mine_victims", "hectares_cleared"],
            "date": [D("2021-06-30"), D("2022-04-01"), D("2022-01-01"), D("2022-04-01")],
            "value": [15.0, 28.0, 300.0, 99.0],
            "qualifier": ["exact", "about", "exact", "exact"],
            "district_id": [None, None, None, "AZ-LAC"],
            "source": ["https://a.example/1", "https://b.example/2 | https://c.example/3", "https://v.example", "x"],
        }
    )


def test_the_latest_national_report_stands_beside_what_the_data_say_on_its_date():
    table = mine_action.reported_beside_data(_figures(), mine_action.release_series(_hazards()), "2022-12-31")
    cleared = table.set_index("metric").loc["hectares_cleared"]
    assert (cleared["date"], cleared["value"], cleared["source"]) == (D("2022-04-01"), 28, "https://b.example/2")
    assert cleared["data_value"] == 30  # released by every method by 1 April 2022
    victims = table.set_index("metric").loc["mine_victims"]
    assert victims["value"] == 300 and np.isnan(victims["data_value"])


def test_a_national_report_is_not_set_beside_some_districts_data():
    series = mine_action.release_series(_hazards())
    table = mine_action.reported_beside_data(_figures(), series, "2022-12-31", every_return_area=False)
    assert table["value"].tolist() == [28, 300] and table["data_value"].isna().all()


def test_a_metric_not_reported_by_the_day_is_left_out():
    table = mine_action.reported_beside_data(_figures(), mine_action.release_series(_hazards()), "2021-12-31")
    assert table["metric"].tolist() == ["hectares_cleared"]
    assert table["value"].tolist() == [15]


@pytest.mark.parametrize("day", ["2020-01-01", "2030-01-01"])
def test_empty_layers_give_empty_figures_not_errors(day):
    hazards, sessions = _hazards().iloc[:0], _sessions().iloc[:0]
    series = mine_action.release_series(hazards)
    assert mine_action.headline(hazards, series, sessions, day)["released_ha"] == 0
    assert mine_action.released_over_time(series, day).empty
    assert mine_action.education_over_time(sessions, day).empty
    assert mine_action.status_by_device(hazards, day)["polygons"].sum() == 0


def test_key_figures_set_released_land_beside_the_latest_report_and_add_reported_victims():
    hazards = _hazards()
    cards = mine_action.key_figures(
        hazards, mine_action.release_series(hazards), _sessions(), _figures(), "2022-12-31", "2021-12-31"
    )
    by_key = {card.key: card for card in cards}
    released = by_key["hectares_released"]
    assert (released.value, released.previous, released.base.value) == (30, 10, 70)  # h4 is recorded in 2023
    assert released.reported.value == 28 and released.reported.source.startswith("https://b.example/2")
    victims = by_key["mine_victims"]
    assert (victims.value, victims.previous, victims.demonstration) == (300, 0, False)
    assert victims.reported.source == "https://v.example"
    assert (released.reported.label, victims.reported.label) == (
        "mine_action.reported_cleared_card",
        "mine_action.reported_national",
    )
    assert by_key["mre_people_reached"].demonstration


def test_the_prepared_table_gives_the_same_figures_as_the_layer():
    hazards = _hazards()
    table = mine_action.prepared(hazards)
    for function in (mine_action.status_by_device, mine_action.land_by_district, mine_action.items_found):
        pd.testing.assert_frame_equal(function(table, "2022-12-31"), function(hazards, "2022-12-31"), check_dtype=False)
    assert mine_action.class_codes(table, "2022-12-31").tolist() == [3, 5, 2, -1]


def test_nearest_on_keeps_the_periods_holding_the_day_nearest_first():
    periods = pd.DataFrame(
        {
            "house_id": ["a", "b", "c", "d"],
            "settlement_id": pd.Categorical(["s", "s", "t", "t"]),
            "near_from": pd.to_datetime(["2021-01-01", "2021-01-01", "2022-01-01", "2021-01-01"]),
            "near_until": pd.to_datetime(["2021-06-01", None, None, None]),
            "nearest_m": [10.0, 400.0, 20.0, 300.0],
        }
    )
    assert mine_action.near_on(periods, "2021-07-01").tolist() == [False, True, False, True]
    assert mine_action.nearest_on(periods, "2022-06-30", 2)["house_id"].tolist() == ["c", "d"]
    assert mine_action.nearest_on(periods, "2022-06-30", 10)["house_id"].tolist() == ["c", "d", "b"]


def test_near_counts_give_the_same_table_as_grouping_the_periods_every_day():
    from lib import proximity

    day = pd.Timestamp
    houses = pd.DataFrame(
        {
            "house_id": ["a", "b", "c", "d"],
            "settlement_id": pd.Categorical(["s", "s", "t", "u"]),
            "near_from": [day("2021-01-01"), day("2021-03-01"), day("2022-01-01"), day("2021-01-01")],
            "near_until": [day("2021-06-01"), pd.NaT, pd.NaT, day("2022-02-01")],
            "nearest_m": [10.0, 400.0, 20.0, 300.0],
        }
    )
    assets = houses.iloc[[1]].rename(columns={"house_id": "asset_id"})
    outlines = pd.DataFrame(
        {
            "settlement_id": ["s", "v"],
            "hazard_id": ["h1", "h2"],
            "area_ha": [5.0, 7.0],
            "distance_m": [30.0, 90.0],
            "suspected_date": [day("2020-12-01"), day("2021-02-01")],
            "released_date": [pd.NaT, day("2021-12-01")],
        }
    )
    counts = mine_action.NearCounts.of(houses), mine_action.NearCounts.of(assets)
    for when in ("2020-06-01", "2021-04-01", "2021-07-01", "2022-01-15", "2023-01-01"):
        expected = proximity.near_per_settlement(outlines, houses, assets, when)
        found = mine_action.near_per_settlement(outlines, *counts, when)
        pd.testing.assert_frame_equal(found, expected, check_dtype=False)
