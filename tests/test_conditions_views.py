"""The return conditions page's map and charts, checked on what they render (no browser needed)."""

import json
import re

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from lib import conditions_charts, conditions_maps
from lib.i18n import Translator
from lib.return_index import SEVERITIES
from lib.styling import SEVERITY_COLOURS
from tests.map_html import cdn_urls_in

EN, RU = Translator("en"), Translator("ru")


def _districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "district_id": ["AZ-LAC", "AZ-KAL", "AZ-BA"],
            "name_en": ["Lachin", "Kalbajar", "Baku"],
            "name_az": ["Laçın", "Kəlbəcər", "Bakı"],
            "name_ru": ["Лачин", "Кельбаджар", "Баку"],
            "economic_region": ["East Zangezur", "East Zangezur", None],
        },
        geometry=[
            shapely.box(46.3, 39.5, 46.7, 39.8),
            shapely.box(46.0, 39.8, 46.6, 40.2),
            shapely.box(49.7, 40.3, 50.0, 40.5),
        ],
        crs="EPSG:4326",
    )


def _places() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "settlement_id": ["a", "b"],
            "name_en": ["Zabukh", "Sus"],
            "name_az": ["Zabux", "Sus"],
            "name_ru": ["Забух", "Сус"],
            "services": [10.0, 80.0],
            "safety": [0.0, 90.0],
            "score": [6.7, 86.7],
            "severity": ["low", "very_high"],
            "drivers": [np.nan, "unreleased hazard area within 500 m (20.0); homes built for 0% (13.3)"],
        },
        geometry=[shapely.Point(46.4, 39.6), shapely.Point(46.5, 39.7)],
        crs="EPSG:4326",
    )


def test_the_map_colours_each_settlement_by_its_class_and_says_why_in_its_tooltip():
    fmap = conditions_maps.conditions_map(_districts(), _places(), ["AZ-LAC"], EN)
    assert cdn_urls_in(fmap) == []
    html = fmap.get_root().render()
    payloads = [json.loads(m) for m in re.findall(r"_add\((\{.*?\})\);\n", html)]
    circles = next(p for p in payloads if any("settlement_id" in f["properties"] for f in p["features"]))
    colours = {f["properties"]["settlement_id"]: f["properties"]["colour"] for f in circles["features"]}
    assert colours == {"a": SEVERITY_COLOURS["low"], "b": SEVERITY_COLOURS["very_high"]}
    tooltip = next(f for f in circles["features"] if f["properties"]["settlement_id"] == "b")["properties"]["tooltip"]
    assert "Safety: 90" in tooltip and "homes built for 0%" in tooltip
    for severity in SEVERITIES:
        assert EN.term("conditions.severity", severity) in html


def test_the_map_legend_counts_the_settlements_of_each_class_in_the_language():
    html = conditions_maps.conditions_map(_districts(), _places(), ["AZ-LAC"], RU).get_root().render()
    assert RU("conditions.legend_entry", severity=RU.term("conditions.severity", "very_high"), count="1") in html
    assert RU("conditions.legend_entry", severity=RU.term("conditions.severity", "high"), count="0") in html


def test_classes_over_time_stack_a_trace_per_class_with_worded_ticks():
    counts = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-01-31", "2024-02-29"]),
            "low": [1, 2],
            "medium": [0, 0],
            "high": [0, 0],
            "very_high": [2, 1],
        }
    )
    figure = conditions_charts.severity_over_time(counts, RU)
    assert [trace.name for trace in figure.data] == [RU.term("conditions.severity", s) for s in SEVERITIES]
    assert {trace.stackgroup for trace in figure.data} == {"severity"}
    assert figure.layout.xaxis.ticktext[0] == "янв. 2024"
    assert conditions_charts.severity_over_time(counts.iloc[:0], RU) is None


def test_one_settlements_drivers_are_bars_of_their_points_largest_on_top_nothing_for_what_adds_nothing():
    drivers = pd.DataFrame(
        {
            "settlement_id": ["a"] * 3,
            "scale": ["services", "safety", "services"],
            "indicator": ["road", "hazard_near", "water"],
            "value": [0.0, 1.0, 100.0],
            "points": [12.0, 30.0, 0.0],
            "score_points": [4.0, 20.0, 0.0],
        }
    )
    figure = conditions_charts.settlement_drivers(drivers, ["road: 0% built", "hazard near", "water: 100% built"], EN)
    assert list(figure.layout.yaxis.categoryarray) == ["road: 0% built", "hazard near"]
    assert sum(len(trace.x) for trace in figure.data) == 2
    assert conditions_charts.settlement_drivers(drivers.assign(score_points=0.0), ["x"] * 3, EN) is None


def test_jobs_against_families_marks_the_settlements_under_the_minimum():
    table = pd.DataFrame(
        {
            "settlement_id": ["a", "b", "c"],
            "families_returned": [100, 40, 0],
            "jobs_created": [80, 5, 0],
            "jobs_per_family": [0.8, 0.125, np.nan],
        }
    )
    figure = conditions_charts.jobs_against_families(table, pd.Series({"a": "A", "b": "B"}), EN)
    enough, behind = figure.data[1:]
    assert (list(enough.x), enough.marker.color) == ([100], conditions_charts.GREEN)
    assert enough.name == EN("employment.dots_enough", jobs="0.5")
    assert (list(behind.x), behind.marker.color) == ([40], conditions_charts.OKABE_ITO["vermillion"])
    assert behind.name == EN("employment.dots_behind")
    assert conditions_charts.jobs_against_families(table.iloc[2:], pd.Series(dtype=str), EN) is None
