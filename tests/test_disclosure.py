"""Small counts suppressed in the public view (lib/disclosure.py), on hand-made tables."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import disclosure
from lib.daily_totals import DailyTotals
from lib.disclosure import HIDDEN, below, pinned, primary, protect, stepped, suppress
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
    public, hidden_totals = suppress(frame, frame, T)
    assert public["families_returned"].isna().tolist() == [False, True, True, False]
    assert marks(public) == [None, "<5", HIDDEN, None]
    assert public.loc[0, "families_returned"] == 0
    assert hidden_totals == []


def test_the_threshold_setting_changes_what_is_small_and_how_it_reads():
    frame, _ = table([7, 30, 12, 50])
    public, _ = suppress(frame, frame, 10)
    assert marks(public)[0] == "<10"
    assert below(10) == "<10"
    assert marks(suppress(frame, frame, 5)[0]) == [None, None, None, None]


def test_persons_are_hidden_wherever_the_families_of_the_place_are():
    frame, _ = table([2, 30, 40, 50], persons=[9, 120, 160, 200])
    public, _ = suppress(frame, frame, T)
    assert marks(public, "persons_returned")[0] == HIDDEN  # 9 persons would tell the size of 2 families
    assert public["persons_returned"].isna().sum() >= 2  # and protected like any suppressed part


# --- secondary ---------------------------------------------------------------------------------


def test_one_suppressed_settlement_in_a_district_hides_the_smallest_other_non_zero():
    frame, groups = table([3, 0, 12, 40, 8, 90], groups=["LAC", "LAC", "LAC", "LAC", "ZAN", "ZAN"])
    public, _ = suppress(frame, frame, T, groups)
    assert marks(public) == ["<5", None, HIDDEN, None, None, None]


def test_two_suppressed_parts_that_pin_each_other_down_take_a_third():
    # 1 + 1 = 2: each "<5" part could only be 1
    assert pinned([1, 1, 30], ["<5", "<5", None], T) == [0, 1]
    assert protect([1, 1, 30], ["<5", "<5", None], T) == (["<5", "<5", HIDDEN], False)


def test_a_hidden_part_just_over_the_threshold_hides_one_more():
    # 1 + 5 = 6: a hidden part is at least 5, so the small one would be 1
    assert protect([1, 5, 7, 40], ["<5", None, None, None], T)[0] == ["<5", HIDDEN, HIDDEN, None]


def test_a_total_is_hidden_when_no_part_is_left_to_hide():
    frame, groups = table([4, 4, 0], groups=["LAC", "LAC", "LAC"])
    _, hidden_totals = suppress(frame, frame, T, groups)
    assert hidden_totals == ["LAC"]


def test_rows_given_away_by_their_parts_are_hidden_and_protected():
    frame, _ = table([40, 60, 300])
    public, _ = suppress(frame, frame, T, hidden=[True, False, False])
    assert marks(public) == [HIDDEN, HIDDEN, None]


def feasible(values, shown, total, threshold):
    """Every assignment of the suppressed parts the public cannot rule out, by brute force."""
    import itertools

    suppressed = [i for i, m in enumerate(shown) if m]
    residual = total - sum(values[i] for i, m in enumerate(shown) if not m)
    ranges = [range(1, threshold) if shown[i] != HIDDEN else range(threshold, residual + 1) for i in suppressed]
    return [combo for combo in itertools.product(*ranges) if sum(combo) == residual]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 14), min_size=2, max_size=5), st.integers(2, 6))
def test_no_suppressed_part_can_be_worked_out_from_the_total_and_the_shown_parts(values, threshold):
    frame, _ = table(values)
    public, hidden_totals = suppress(frame, frame, threshold)
    shown = marks(public)
    if hidden_totals:
        return  # the total itself is hidden: nothing to subtract from
    options = feasible(values, shown, sum(values), threshold)
    assert options, "the true values must be among the options"
    for position in range(len(options[0])):
        assert len({combo[position] for combo in options}) > 1, (values, shown)
    # and nothing shown is small
    assert all(v == 0 or v >= threshold for v, m in zip(values, shown) if not m)


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


def test_districts_summed_step_as_one_figure():
    two = DailyTotals(
        pd.Timestamp("2024-01-01"),
        pd.Index(["A", "B"]),
        {"families_returned": np.array([[0.0, 0.0], [3.0, 3.0]]), "persons_returned": np.zeros((2, 2))},
    )
    both = disclosure.stepped_totals(disclosure.combined(two, ["A", "B"]), T)
    assert both.total("2024-01-02")["families_returned"] == 6  # each alone would still be held back


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
    public, _ = suppress(frame, frame, T)
    public = disclosure.hide_ratio(public, "jobs_per_10_families", "jobs", 10)
    assert public["jobs_per_10_families"].isna().all()  # 30 jobs per 10 families would give 3 away
    assert marks(public, "jobs_per_10_families") == [HIDDEN, HIDDEN]


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
