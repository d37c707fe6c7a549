"""The presentation's story (lib/slides.py): the order it is told in, moving round it, the
figures each slide shows with their sources, and a measure month by month."""

import numpy as np
import pandas as pd

from lib import slides
from lib.daily_totals import DailyTotals
from lib.kpi import Base, Kpi, Reported
from lib.readiness import STATES, states_by_district

DAY = pd.Timestamp


def _kpi(key, source=None, reported=None):
    base = Base("target", 100.0, DAY("2026-12-31"), source) if source else Base("planned_homes", 10.0)
    return Kpi(key=key, value=1.0, unit="families", demonstration=False, base=base, reported=reported)


def test_the_story_starts_on_the_target_and_a_link_opens_any_slide():
    assert slides.SLIDES[0] == "target"
    assert slides.slide_index("jobs") == slides.SLIDES.index("jobs")
    assert slides.slide_index("no-such-slide") == 0
    assert slides.slide_index(None) == 0


def test_moving_goes_round_the_story():
    last = len(slides.SLIDES) - 1
    assert slides.moved(last, 1) == 0
    assert slides.moved(0, -1) == last
    assert slides.moved(2, 1) == 3


def test_a_slide_shows_its_own_figures_in_its_order():
    kpis = [_kpi("units_occupied"), _kpi("jobs_created"), _kpi("units_completed")]
    assert [k.key for k in slides.slide_figures(kpis, "houses")] == ["units_completed", "units_occupied"]
    assert slides.slide_figures(kpis, "timelapse") == []


def test_the_sources_of_targets_and_reports_are_cited():
    reported = Reported(5.0, DAY("2025-01-01"), "https://report.az/x")
    kpis = [_kpi("families_returned", "https://today.az/t", reported), _kpi("jobs_created")]
    assert slides.figure_sources(kpis) == ["https://today.az/t", "https://report.az/x"]


def test_a_measure_month_by_month_ends_on_the_day_shown():
    # two districts; 1 ha released each day in the first, 10 once in the second
    days = 100
    first = np.arange(1, days + 1, dtype=float)
    second = np.where(np.arange(days) >= 40, 10.0, 0.0)
    totals = DailyTotals(
        DAY("2024-01-15"),
        pd.Index(["AZ-A", "AZ-B"], name="district_id"),
        {"hectares_released": np.column_stack([first, second])},
    )
    series = slides.monthly_series(totals, "hectares_released", ["AZ-A", "AZ-B"], "2024-03-20")
    assert list(series["date"]) == [DAY("2024-02-01"), DAY("2024-03-01"), DAY("2024-03-20")]
    # 1 Feb is day 17 of the totals (1 + 17 ha); 1 Mar day 46 (47 + 10); 20 Mar day 65 (66 + 10)
    assert list(series["value"]) == [18.0, 57.0, 76.0]
    one = slides.monthly_series(totals, "hectares_released", ["AZ-B"], "2024-03-20")
    assert list(one["value"]) == [0.0, 10.0, 10.0]


def test_readiness_is_counted_per_district_in_every_state():
    table = pd.DataFrame({"district_id": ["AZ-A", "AZ-A", "AZ-B"], "state": ["ready", "not_ready", "ready"]})
    counts = states_by_district(table)
    assert list(counts.columns) == list(STATES)
    assert counts.loc["AZ-A"].to_dict() == {"ready": 1, "ready_next_month": 0, "blocked_by_mines": 0, "not_ready": 1}
    assert counts.loc["AZ-B", "ready"] == 1 and counts.loc["AZ-B"].sum() == 1


def test_the_readiness_chart_stacks_every_state_in_its_colour_with_district_names():
    from lib.i18n import Translator
    from lib.readiness_charts import states_by_district as chart
    from lib.readiness_maps import STATE_COLOURS

    t = Translator("ru")
    counts = pd.DataFrame({s: [1, 0] for s in STATES}, index=pd.Index(["AZ-A", "AZ-B"], name="district_id"))
    counts.loc["AZ-B", "ready"] = 3
    figure = chart(counts, {"AZ-A": "Агдам", "AZ-B": "Шуша"}, t)
    assert [trace.name for trace in figure.data] == [t(f"readiness.state.{s}") for s in STATES]
    assert [trace.marker.color for trace in figure.data] == [STATE_COLOURS[s] for s in STATES]
    ready = figure.data[0]
    assert dict(zip(ready.y, ready.x)) == {"Агдам": 1, "Шуша": 3}
    assert chart(counts.iloc[:0], {}, t) is None


def test_a_measure_over_time_draws_its_reports_as_dots_naming_their_source():
    from lib.charts import measure_over_time
    from lib.i18n import Translator

    series = pd.DataFrame({"date": [DAY("2024-01-01"), DAY("2024-02-01")], "value": [1.0, 5.0]})
    reported = pd.DataFrame({"date": [DAY("2024-01-20")], "value": [4.0], "source": ["https://apa.az/a | https://b"]})
    figure = measure_over_time(series, reported, "Land released, ha", "ha", Translator("en"))
    line, dots = figure.data
    assert list(line.y) == [1.0, 5.0] and line.name == "Land released, ha"
    assert list(dots.y) == [4.0] and list(dots.customdata) == ["https://apa.az/a"]
    assert len(measure_over_time(series, reported.iloc[:0], "x", "ha", Translator("en")).data) == 1


def test_a_chart_saved_for_slides_carries_its_title_and_note_with_room_for_its_labels():
    from lib.charts import IMAGE_MARGIN, measure_over_time, slide_image
    from lib.i18n import Translator

    series = pd.DataFrame({"date": [DAY("2024-01-01"), DAY("2024-02-01")], "value": [1.0, 5.0]})
    chart = measure_over_time(series, None, "Jobs created", "jobs", Translator("en"))
    image = slide_image(chart, "Jobs <created>", "Data as of Mar 5, 2026 · Demonstration data")
    assert image.layout.title.text == "Jobs &lt;created&gt;"
    assert [a.text for a in image.layout.annotations] == ["Data as of Mar 5, 2026 · Demonstration data"]
    assert image.layout.margin.l == IMAGE_MARGIN["l"] and image.layout.yaxis.automargin
    assert not chart.layout.annotations and chart.layout.title.text is None  # the slide's chart is left as it was


def test_each_reporting_site_is_cited_once_with_its_first_report():
    sources = ["https://www.apa.az/a | https://x.org", "https://apa.az/b", "https://report.az/c", None]
    assert slides.source_sites(sources) == {"apa.az": "https://www.apa.az/a", "report.az": "https://report.az/c"}
