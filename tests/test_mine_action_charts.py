"""The mine action page's charts, checked on their figures' data."""

import pandas as pd

from lib import mine_action
from lib import mine_action_charts as charts
from lib.i18n import Translator
from tests.test_mine_action import _figures, _hazards, _sessions

RU = Translator("ru")


def test_status_chart_stacks_each_device_category_over_the_statuses_in_the_language():
    figure = charts.status_by_device(mine_action.status_by_device(_hazards(), "2023-06-30"), RU)
    assert [trace.name for trace in figure.data] == [
        RU.term("device_category", d) for d in ("anti-personnel", "anti-tank", "UXO", "cluster munition")
    ]
    anti_personnel = figure.data[0]
    assert list(anti_personnel.y) == [
        RU.term("hazard_status", s) for s in ("suspected", "confirmed", "in_clearance", "released")
    ]
    assert list(anti_personnel.x) == [0, 0, 40, 10]
    assert figure.layout.barmode == "stack"


def test_release_chart_stacks_the_methods_and_dots_the_national_reports_with_their_source():
    hazards = _hazards()
    over_time = mine_action.released_over_time(mine_action.release_series(hazards), "2022-12-31")
    figure = charts.released_over_time(over_time, mine_action.reported_series(_figures(), "2022-12-31"), RU)
    methods, reports = figure.data[:3], figure.data[3]
    assert [trace.stackgroup for trace in methods] == ["released"] * 3
    assert list(reports.y) == [15, 28] and reports.customdata[1] == "https://b.example/2"
    assert figure.layout.xaxis.ticktext  # days worded in Russian, not by plotly


def test_charts_with_nothing_to_draw_give_way_to_a_sentence():
    empty = _hazards().iloc[:0]
    assert charts.status_by_device(mine_action.status_by_device(empty, "2023-01-01"), RU) is None
    assert (
        charts.released_over_time(
            mine_action.released_over_time(mine_action.release_series(empty), "2023-01-01"),
            pd.DataFrame(columns=["date", "value", "source"]),
            RU,
        )
        is None
    )
    assert charts.education_over_time(mine_action.education_over_time(_sessions(), "2020-01-01"), RU) is None
