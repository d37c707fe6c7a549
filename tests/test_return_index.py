"""The return conditions index on hand-made settlements whose conditions, and so scores, are known."""

import numpy as np
import pandas as pd
import pytest

from lib.daily_totals import MEASURES, DailyTotals
from lib.diagnosis import JOBS_PER_FAMILY_MIN
from lib.i18n import Translator
from lib.proximity import unreleased_on
from lib.return_index import (
    SEVERITIES,
    drivers_in_words,
    houses_near_by_day,
    index_conditions,
    index_over_time,
    month_ends,
    ranking_table,
    return_index,
    severity,
    severity_over_time,
    top_drivers,
    words_of,
)
from lib.schema import INFRASTRUCTURE_CATEGORIES

DISTANCE_M = 500.0


def _settlement(settlement_id: str, **changes) -> dict:
    """A settlement with everything in place: homes for all, every work done, jobs, no hazard."""
    row = {
        "settlement_id": settlement_id,
        "district_id": "AZ-LAC",
        "planned_households": 100,
        "families_returned": 80,
        "units_completed": 100,
        "units_occupied": 80,
        "free_homes": 20,
        "jobs_created": 60,
        "jobs_per_family": 0.75,
        "hazard_count": 0,
        "hazard_ha": 0.0,
        "nearest_m": np.nan,
        "houses_near": 0,
    }
    for category in INFRASTRUCTURE_CATEGORIES:
        row |= {f"{category}_assets": 1, f"{category}_done": True, f"{category}_progress": 100.0}
    return row | changes


def _conditions(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


NOTHING_BUILT_MINES_NEAR = {
    "units_completed": 0,
    "road_done": False,
    "road_progress": 0.0,
    "hazard_count": 4,
    "hazard_ha": 400.0,
    "nearest_m": 0.0,
    "houses_near": 100,
}


def _scores(*rows) -> pd.DataFrame:
    return return_index(_conditions(*rows), DISTANCE_M).scores.set_index("settlement_id")


def test_everything_in_place_scores_zero_and_is_low():
    scores = _scores(_settlement("ok"))
    assert scores.loc["ok", ["services", "safety", "score"]].tolist() == [0, 0, 0]
    assert scores.loc["ok", "severity"] == "low"


def test_no_road_no_homes_and_hazards_near_is_very_high():
    scores = _scores(_settlement("worst", **NOTHING_BUILT_MINES_NEAR))
    assert scores.loc["worst", "safety"] == pytest.approx(100)
    assert scores.loc["worst", "services"] == pytest.approx(32)  # homes 20 + road 12
    assert scores.loc["worst", "severity"] == "very_high"


def test_mines_next_to_a_finished_settlement_are_not_made_up_for_by_its_homes():
    scores = _scores(_settlement("mined", hazard_count=1, hazard_ha=100.0, nearest_m=250.0, houses_near=10))
    # safety: 30 near + 15 × 1/3 count + 20 × 100/250 area + 20 × 1/2 closeness + 15 × 10 % houses
    assert scores.loc["mined", "safety"] == pytest.approx(30 + 5 + 8 + 10 + 1.5)
    assert scores.loc["mined", "score"] == pytest.approx(2 / 3 * 54.5)
    assert scores.loc["mined", "severity"] == "medium"


def test_the_drivers_sum_to_each_scale_and_to_the_score():
    index = return_index(
        _conditions(
            _settlement("ok"),
            _settlement("worst", **NOTHING_BUILT_MINES_NEAR),
            _settlement("half", water_done=False, water_progress=50.0, jobs_created=10, hazard_count=1, hazard_ha=20.0),
        ),
        DISTANCE_M,
    )
    scores = index.scores.set_index("settlement_id")
    drivers = index.drivers
    by_scale = drivers.pivot_table(index="settlement_id", columns="scale", values="points", aggfunc="sum")
    assert by_scale["services"].to_dict() == pytest.approx(scores["services"].to_dict())
    assert by_scale["safety"].to_dict() == pytest.approx(scores["safety"].to_dict())
    total = drivers.groupby("settlement_id")["score_points"].sum()
    assert total.to_dict() == pytest.approx(scores["score"].to_dict())


def test_a_driver_keeps_the_value_the_page_shows():
    drivers = return_index(_conditions(_settlement("half", water_done=False, water_progress=50.0)), DISTANCE_M).drivers
    water = drivers[drivers["indicator"] == "water"].iloc[0]
    assert (water["scale"], water["value"], water["points"]) == ("services", 50.0, 6.0)


def test_no_asset_serving_a_settlement_counts_as_nothing_built():
    scores = _scores(_settlement("no_school", school_assets=0, school_done=False, school_progress=0.0))
    assert scores.loc["no_school", "services"] == pytest.approx(10)


def test_jobs_score_until_there_are_the_minimum_per_family():
    enough = _settlement("enough", jobs_created=JOBS_PER_FAMILY_MIN * 80)
    none = _settlement("none", jobs_created=0)
    scores = _scores(enough, none)
    assert scores.loc["enough", "services"] == 0
    assert scores.loc["none", "services"] == pytest.approx(18)


def test_before_families_return_jobs_are_counted_per_planned_household():
    scores = _scores(_settlement("early", families_returned=0, jobs_created=25))  # 0.25 per household
    assert scores.loc["early", "services"] == pytest.approx(9)


def test_mine_risk_education_counts_only_where_it_is_measured_and_families_live_near_hazards():
    near = {"hazard_count": 3, "hazard_ha": 250.0, "nearest_m": 0.0, "houses_near": 100, "persons_returned": 300}
    reached = _settlement("reached", **near, mre_people_reached=300)
    unreached = _settlement("unreached", **near, mre_people_reached=0)
    safe = _settlement("safe", persons_returned=300, mre_people_reached=0)
    scores = _scores(reached, unreached, safe)
    # measured, the six safety indicators weigh 110: 100 points of them are the hazards'
    assert scores.loc["reached", "safety"] == pytest.approx(100 * 100 / 110)
    assert scores.loc["unreached", "safety"] == pytest.approx(100)
    assert scores.loc["safe", "safety"] == 0
    without = _scores(_settlement("unmeasured", **{k: v for k, v in near.items() if k != "persons_returned"}))
    assert without.loc["unmeasured", "safety"] == pytest.approx(100)


@pytest.mark.parametrize(
    ("score", "expected"), [(0, "low"), (19.9, "low"), (20, "medium"), (40, "high"), (59.9, "high"), (60, "very_high")]
)
def test_severity_classes_by_their_limits(score, expected):
    assert severity([score])[0] == expected


def test_top_drivers_are_the_largest_first_and_leave_out_those_adding_nothing():
    drivers = return_index(_conditions(_settlement("worst", **NOTHING_BUILT_MINES_NEAR)), DISTANCE_M).drivers
    top = top_drivers(drivers, count=3)
    assert top["indicator"].tolist() == ["hazard_near", "hazard_ha", "nearest_m"]
    assert top_drivers(return_index(_conditions(_settlement("ok")), DISTANCE_M).drivers).empty


def test_month_ends_run_from_the_first_month_to_the_data_date():
    days = month_ends("2021-01-15", "2021-04-10")
    assert days == [pd.Timestamp(d) for d in ("2021-01-31", "2021-02-28", "2021-03-31", "2021-04-10")]


def test_the_index_over_time_classes_each_day_and_counts_settlements_per_class():
    conditions = {
        pd.Timestamp("2021-01-31"): _conditions(_settlement("a", **NOTHING_BUILT_MINES_NEAR), _settlement("b")),
        pd.Timestamp("2021-02-28"): _conditions(_settlement("a"), _settlement("b")),
    }
    history = index_over_time(conditions.__getitem__, conditions, DISTANCE_M)
    counts = severity_over_time(history).set_index("day")
    assert list(counts.columns) == list(SEVERITIES)
    assert counts.loc["2021-01-31"].tolist() == [1, 0, 0, 1]
    assert counts.loc["2021-02-28"].tolist() == [2, 0, 0, 0]
    assert severity_over_time(history, ["b"])["low"].tolist() == [1, 1]


def _totals(families: dict, persons: dict) -> DailyTotals:
    ids = pd.Index(sorted(families), name="settlement_id")
    values = {m: np.zeros((1, len(ids))) for m in MEASURES}
    values["families_returned"][0] = [families[i] for i in ids]
    values["persons_returned"][0] = [persons[i] for i in ids]
    return DailyTotals(pd.Timestamp("2024-01-01"), ids, values)


def _houses_near(counts: dict) -> DailyTotals:
    ids = pd.Index(sorted(counts), name="settlement_id")
    return DailyTotals(
        pd.Timestamp("2024-01-01"), ids, {"houses_near": np.array([[counts[i] for i in ids]], dtype=float)}
    )


def test_index_conditions_add_the_houses_near_and_the_people_mine_risk_education_reached():
    settlements = pd.DataFrame({"settlement_id": ["a", "b"], "district_id": ["d", "d"], "planned_households": [10, 20]})
    infrastructure = pd.DataFrame(
        columns=["asset_id", "settlement_id", "category", "progress_pct", "under_construction_date", "completed_date"]
    ).astype({"under_construction_date": "datetime64[ns]", "completed_date": "datetime64[ns]"})
    projects = pd.DataFrame({"settlement_id": ["a"], "jobs_planned": [5], "start_date": pd.to_datetime(["2023-01-01"])})
    near = pd.DataFrame({"settlement_id": ["a"], "hazard_count": [2], "hazard_ha": [40.0], "nearest_m": [120.0]})
    sessions = pd.DataFrame(
        {
            "settlement_id": ["a", "a", "b"],
            "date": pd.to_datetime(["2023-05-01", "2025-01-01", "2023-06-01"]),
            "people_reached": [30, 99, 12],
        }
    )
    inputs = (
        settlements,
        infrastructure,
        projects,
        _totals({"a": 8, "b": 0}, {"a": 40, "b": 0}),
        near,
        _houses_near({"a": 7, "b": 0}),
        "2024-06-30",
        "2024-12-31",
    )
    conditions = index_conditions(*inputs, sessions).set_index("settlement_id")
    assert conditions["houses_near"].to_dict() == {"a": 7, "b": 0}
    assert conditions["mre_people_reached"].to_dict() == {"a": 30, "b": 12}  # the 2025 session not yet
    assert conditions["persons_returned"].to_dict() == {"a": 40, "b": 0}
    assert conditions.loc["a", "nearest_m"] == 120.0
    assert "mre_people_reached" not in index_conditions(*inputs).columns  # no sessions recorded: not measured


def test_the_ranking_puts_the_worst_first_and_says_what_weighs_most_in_words():
    index = return_index(_conditions(_settlement("ok"), _settlement("worst", **NOTHING_BUILT_MINES_NEAR)), DISTANCE_M)
    t = Translator("en")
    names = pd.Series({"ok": "Okville", "worst": "Worsttown"})
    words = drivers_in_words(index.drivers, t, DISTANCE_M)
    table = ranking_table(index, names, pd.Series({"AZ-LAC": "Lachin"}), words, t)
    assert table[t("conditions.col.settlement")].tolist() == ["Worsttown", "Okville"]
    assert table[t("conditions.col.severity")].tolist() == ["very high", "low"]
    assert (
        table[t("conditions.col.drivers")]
        .iloc[0]
        .startswith(
            t(
                "conditions.driver_points",
                driver=t("conditions.driver.hazard_near", value="1", distance="500"),
                points="20.0",
            )
        )
    )
    assert table[t("conditions.col.drivers")].iloc[1] == "–"


def test_every_driver_reads_in_each_language():
    drivers = return_index(_conditions(_settlement("worst", **NOTHING_BUILT_MINES_NEAR)), DISTANCE_M).drivers
    for language in ("az", "en", "ru"):
        words = words_of(drivers, Translator(language), DISTANCE_M)
        assert len(words) == len(drivers) and all(words)
        assert not any("{" in w or "nan" in w for w in words), words


def test_houses_near_by_day_count_the_periods_that_hold_each_day():
    periods = pd.DataFrame(
        {
            "house_id": ["h1", "h2", "h3", "h4"],
            "settlement_id": pd.Categorical(["a", "a", "b", "a"]),
            "near_from": pd.to_datetime(["2022-01-10", "2022-03-01", "2022-02-01", "2023-01-01"]),
            "near_until": pd.to_datetime(["2022-06-01", None, "2022-02-15", "2023-02-01"]),
        }
    )
    by_day = houses_near_by_day(periods, ["a", "b", "c"], "2023-12-31")
    for day in (
        "2022-01-09",
        "2022-01-10",
        "2022-02-14",
        "2022-02-15",
        "2022-05-31",
        "2022-06-01",
        "2023-01-15",
        "2024-06-01",
    ):
        expected = (
            unreleased_on(periods, day)
            .groupby("settlement_id", observed=False)
            .size()
            .reindex(["a", "b", "c"], fill_value=0)
        )
        assert by_day.on(day, ["a", "b", "c"])["houses_near"].tolist() == expected.tolist(), day
