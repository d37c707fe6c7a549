"""Small counts suppressed in the public view (lib/disclosure.py), on hand-made tables."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import disclosure
from lib.daily_totals import DailyTotals
from lib.disclosure import HIDDEN, below, primary, stepped, suppress
from lib.i18n import Translator
from lib.kpi import Kpi
from lib.presentation import kpi_delta, kpi_value

T = 5


def table(families, persons=None, groups=None):
    persons = persons if persons is not None else [4 * f for f in families]
    frame = pd.DataFrame({"families_returned": families, "persons_returned": persons})
    return frame, (None if groups is None else pd.Series(groups))


def marks(frame, column="families_returned"):
    return frame[disclosure.shown_column(column)].tolist()


# --- primary ---------------------------------------------------------------------------------


def test_a_count_under_the_threshold_is_suppressed_and_a_true_zero_kept():
    assert primary([0, 1, 4, 5, 120], [0, 1, 4, 5, 120], T).tolist() == [False, True, True, False, False]


def test_a_zero_shown_over_families_that_did_return_is_suppressed():
    # the stepped series still shows 0 while 3 families have returned: not a true zero
    assert primary([0], [3], T).tolist() == [True]


def test_suppressed_cells_are_empty_numbers_with_their_mark_beside():
    frame, _ = table([0, 3, 40, 60])
    public = suppress(frame, frame, T)
    assert public["families_returned"].isna().tolist() == [False, True, False, False]
    assert marks(public) == [None, "<5", None, None]
    assert public.loc[0, "families_returned"] == 0


def test_the_threshold_setting_changes_what_is_small_and_how_it_reads():
    frame, _ = table([7, 30, 12, 50])
    public = suppress(frame, frame, 10)
    assert marks(public)[0] == "<10"
    assert below(10) == "<10"
    assert marks(suppress(frame, frame, 5)) == [None, None, None, None]


def test_persons_are_hidden_wherever_the_families_of_the_place_are():
    frame, _ = table([2, 30, 40, 50], persons=[9, 120, 160, 200])
    public = suppress(frame, frame, T)
    assert marks(public, "persons_returned") == [HIDDEN, None, None, None]  # 9 would tell 2 families' size


def test_a_place_held_back_although_not_small_reads_hidden_not_small():
    # two settlements of 3 families each: the district's public figure is 0, its exact 6
    shown, exact = table([0, 40]), table([6, 40])
    assert marks(suppress(shown[0], exact[0], T)) == [HIDDEN, None]


# --- totals are sums of the public parts -------------------------------------------------------------


def settlements(columns: dict[str, list[int]], first="2024-01-01") -> DailyTotals:
    """Cumulative families per settlement (one list per settlement, one value per day), persons 4 each."""
    families = np.array(list(columns.values()), dtype="float64").T
    return DailyTotals(
        pd.Timestamp(first), pd.Index(list(columns), name="settlement_id"),
        {"families_returned": families, "persons_returned": 4 * families},
    )  # fmt: skip


def test_public_counts_are_zero_or_at_least_the_threshold_and_persons_follow_families():
    public = disclosure.public_counts(settlements({"a": [0, 2, 3, 9], "b": [0, 0, 20, 21]}), T)
    assert public.values["families_returned"].tolist() == [[0, 0], [0, 0], [0, 20], [9, 20]]
    assert public.values["persons_returned"].tolist() == [[0, 0], [0, 0], [0, 80], [36, 80]]  # 84 is 4 more: held back


def test_a_districts_public_figure_is_the_sum_of_its_settlements():
    places = disclosure.public_counts(settlements({"a": [3, 30], "b": [12, 12], "c": [2, 2]}), T)
    owner = pd.Series({"a": "LAC", "b": "LAC", "c": "ZAN"}, name="district_id")
    districts = disclosure.summed(places, owner)
    assert list(districts.groups) == ["LAC", "ZAN"]
    assert districts.values["families_returned"].tolist() == [[12, 0], [42, 0]]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 6), min_size=6, max_size=6), min_size=1, max_size=5),
    st.integers(2, 6),
)
def test_no_part_can_be_worked_out_from_a_total_and_no_total_moves_by_less_than_the_threshold(steps, threshold):
    exact = settlements({f"s{i}": list(np.cumsum(column)) for i, column in enumerate(steps)})
    places = disclosure.public_counts(exact, threshold)
    total = disclosure.combined(places, places.groups)
    for day in pd.date_range("2024-01-01", periods=6):
        frame = pd.DataFrame(places.on(day)[list(disclosure.COUNTS)]).reset_index(drop=True)
        known = pd.DataFrame(exact.on(day)[list(disclosure.COUNTS)]).reset_index(drop=True)
        public = suppress(frame, known, threshold)
        shown_sum = public["families_returned"].fillna(0).sum()
        # the total less the parts shown is 0: it says nothing of a suppressed part
        assert total.total(day)["families_returned"] - shown_sum == 0
        # nothing shown is small
        assert all(v == 0 or v >= threshold for v in public["families_returned"].dropna())
    series = total.values["families_returned"][:, 0]
    differences = np.abs(series[:, None] - series[None, :])
    assert ((differences == 0) | (differences >= threshold)).all()


# --- over time -----------------------------------------------------------------------------------


def test_a_small_step_is_held_back_and_added_to_the_next():
    assert stepped([0, 2, 2, 4, 7, 9, 9, 30], T).tolist() == [0, 0, 0, 0, 7, 7, 7, 30]


def test_each_column_steps_on_its_own():
    public = stepped(np.array([[0, 10], [3, 12], [6, 16]]), T)
    assert public.tolist() == [[0, 10], [0, 10], [6, 16]]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=40), st.integers(2, 10))
def test_two_days_of_a_stepped_series_differ_by_zero_or_the_threshold_and_lag_less(steps, threshold):
    exact = np.cumsum(steps)
    public = stepped(exact, threshold)
    differences = np.abs(public[:, None] - public[None, :])
    assert ((differences == 0) | (differences >= threshold)).all()
    assert ((exact - public >= 0) & (exact - public < threshold)).all()


def one_group(values, first="2024-01-01"):
    values = np.asarray(values, dtype="float64")[:, None]
    return DailyTotals(
        pd.Timestamp(first), pd.Index(["all"]), {"families_returned": values, "persons_returned": 4 * values}
    )


def test_a_series_shows_no_small_count_and_no_small_step():
    exact = one_group([0, 2, 3, 3, 8, 10, 30])
    public = disclosure.stepped_totals(exact, T)
    days = pd.date_range("2024-01-01", periods=7)
    series = disclosure.public_series(exact, public, days, T)
    assert marks(series) == [None, "<5", "<5", "<5", None, None, None]
    assert series["families_returned"].tolist()[4:] == [8, 8, 30]


def test_a_hidden_figure_hides_its_whole_series_but_true_zeros():
    exact = one_group([0, 20, 30])
    public = disclosure.stepped_totals(exact, T)
    series = disclosure.public_series(exact, public, pd.date_range("2024-01-01", periods=3), T, hidden=True)
    assert marks(series) == [None, HIDDEN, HIDDEN]


def test_districts_held_back_alone_are_held_back_together():
    two = DailyTotals(
        pd.Timestamp("2024-01-01"),
        pd.Index(["A", "B"]),
        {"families_returned": np.array([[0.0, 0.0], [3.0, 3.0]]), "persons_returned": np.zeros((2, 2))},
    )
    both = disclosure.combined(disclosure.public_counts(two, T), ["A", "B"])
    # the sum of the public parts (0 + 0): the total never tells what its parts keep back
    assert both.total("2024-01-02")["families_returned"] == 0


# --- key figures ---------------------------------------------------------------------------------


def kpi(value=0.0, previous=0.0):
    return Kpi("families_returned", value, "families", demonstration=True, previous=previous)


@pytest.mark.parametrize("language", ["az", "en", "ru"])
def test_a_small_key_figure_reads_below_the_threshold_in_every_language(language):
    t = Translator(language)
    shown = disclosure.public_kpi(kpi(), 0, 0, 3, T)
    assert kpi_value(shown, t) == "<5"
    assert kpi_delta(shown, t) == ("<5", 0)


def test_a_change_under_the_threshold_is_not_shown_even_as_a_change():
    shown = disclosure.public_kpi(kpi(), 103, 100, 103, T)
    assert kpi_value(shown, Translator("en")) == "103"
    assert kpi_delta(shown, Translator("en")) == ("<5", 0)


def test_a_key_figure_with_a_true_zero_or_a_large_change_is_shown_as_it_is():
    t = Translator("en")
    assert kpi_value(disclosure.public_kpi(kpi(), 0, 0, 0, T), t) == "0"
    assert kpi_delta(disclosure.public_kpi(kpi(), 120, 100, 121, T), t) == ("+20", 1)


def test_a_key_figure_given_away_by_its_parts_reads_hidden():
    shown = disclosure.public_kpi(kpi(), 40, 20, 40, T, hidden=True)
    assert kpi_value(shown, Translator("en")) == Translator("en")("disclosure.hidden")
    assert shown.share is None


def test_a_ratio_over_families_is_worked_out_from_the_public_families_and_hidden_with_them():
    frame = pd.DataFrame({"families_returned": [3.0, 40.0], "persons_returned": [12.0, 160.0], "jobs": [9, 20]})
    public = suppress(frame, frame, T)
    public = disclosure.hide_ratio(public, "jobs_per_10_families", "jobs", 10)
    assert public["jobs_per_10_families"].isna().tolist() == [True, False]  # 30 per 10 would give 3 away
    assert marks(public, "jobs_per_10_families") == [HIDDEN, None]
    assert public.loc[1, "jobs_per_10_families"] == 5


def test_occupied_homes_count_households_and_are_suppressed_like_families():
    values = np.array([[100.0], [102.0]])
    exact = DailyTotals(
        pd.Timestamp("2024-01-01"),
        pd.Index(["all"]),
        {"families_returned": values, "persons_returned": 4 * values, "units_occupied": values},
    )
    occupied = Kpi("units_occupied", 102, "units", demonstration=True, previous=100)
    shown = disclosure.public_key_figures([occupied], exact, "2024-01-02", "2024-01-01", T)[0]
    assert kpi_value(shown, Translator("en")) == "100"  # two homes more: held back
    assert kpi_delta(shown, Translator("en")) == ("0", 0)
