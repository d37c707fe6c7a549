"""Charts speak the chosen language: month names, number separators (plotly knows English only)."""

import pandas as pd

from lib import charts
from lib.i18n import Translator


def test_date_ticks_are_month_starts_worded_in_the_language():
    ticks, labels = charts.date_ticks("2025-01-10", "2025-06-30", Translator("ru"))
    assert [t.month for t in ticks] == [1, 2, 3, 4, 5, 6] and all(t.day == 1 for t in ticks)
    assert labels[4] == "май 2025"  # the nominative month, as a label, not "мая"
    assert charts.date_ticks("2025-01-10", "2025-06-30", Translator("az"))[1][5] == "iyn 2025"


def test_long_spans_tick_whole_years_and_never_crowd():
    ticks, labels = charts.date_ticks("2020-11-16", "2026-03-05", Translator("az"))
    assert labels == ["2021", "2022", "2023", "2024", "2025", "2026"]
    for start, end in [("2024-01-01", "2024-02-01"), ("2023-01-01", "2026-12-31"), ("2001-01-01", "2026-01-01")]:
        assert 1 <= len(charts.date_ticks(start, end, Translator("en"))[0]) <= charts.MAX_DATE_TICKS


def test_a_time_chart_carries_its_worded_ticks_and_the_language_separators():
    series = pd.DataFrame({"date": pd.to_datetime(["2024-01-31", "2024-06-30"]), "families": [10, 1200]})
    empty = pd.DataFrame({"date": pd.to_datetime([]), "value": [], "source": []})
    figure = charts.returns_trajectory(series, empty, empty, Translator("az"))
    assert figure.layout.xaxis.ticktext and figure.layout.xaxis.ticktext[0] == "yan 2024"
    assert figure.layout.separators == ",."
    assert charts.returns_trajectory(series, empty, empty, Translator("ru")).layout.separators == ",\xa0"


def test_axes_write_whole_numbers_not_english_abbreviations():
    series = pd.DataFrame({"date": pd.to_datetime(["2024-01-31", "2024-06-30"]), "families": [10, 30_000]})
    figure = charts.returns_trajectory(series, None, None, Translator("ru"))
    assert figure.layout.yaxis.exponentformat == "none" and figure.layout.yaxis.separatethousands


def test_a_ranking_with_nothing_to_rank_gives_way_to_a_sentence():
    table = pd.DataFrame({"district_id": ["A", "B"], "families_returned": [0.0, None]})
    assert charts.district_ranking(table, "families_returned", pd.Series(["a", "b"]), "", Translator("az")) is None
    table["families_returned"] = [3.0, 0.0]
    assert charts.district_ranking(table, "families_returned", pd.Series(["a", "b"]), "", Translator("az")) is not None
