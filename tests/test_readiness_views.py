"""The readiness page's tables, map and charts, built from a hand-made checklist."""

import pandas as pd

import geopandas as gpd
from shapely.geometry import Point

from lib import readiness, readiness_charts, readiness_maps, readiness_tables
from lib.i18n import Translator
from lib.schema import INFRASTRUCTURE_CATEGORIES
from tests.fixtures import DAY, square

T = Translator("en")


def _checklist():
    """Three settlements: a ready, one lacking a road (dated) and gas (no record), one blocked."""
    rows = []
    for sid, lacking, no_record, state in (
        ("AZ-LAC-a", (), (), "ready"),
        ("AZ-LAC-b", ("road", "gas"), ("gas",), "not_ready"),
        ("AZ-LAC-c", ("safety",), (), "blocked_by_mines"),
    ):
        row = {"settlement_id": sid, "district_id": "AZ-LAC", "state": state, "free_homes": 3}
        row |= {"lacking": lacking, "no_record": no_record, "expected_by": pd.NaT}
        row |= {"hazard_count": 2 if sid.endswith("c") else 0, "hazard_ha": 12.5, "nearest_m": 120.0}
        for item in readiness.ITEMS:
            row[f"{item}_met"] = item not in lacking
            row[f"{item}_expected"] = DAY("2024-07-15") if (sid, item) == ("AZ-LAC-b", "road") else pd.NaT
        rows.append(row)
    return pd.DataFrame(rows)


def _settlements():
    return gpd.GeoDataFrame(
        {
            "settlement_id": ["AZ-LAC-a", "AZ-LAC-b", "AZ-LAC-c"],
            "district_id": "AZ-LAC",
            "name_en": ["Alpha", "Beta", "Gamma"],
            "name_az": ["Alfa", "Beta", "Qamma"],
            "kind": ["city", "village", "village"],
        },
        geometry=[Point(46.5, 39.5), Point(46.6, 39.6), Point(46.7, 39.7)],
        crs="EPSG:4326",
    )


def test_the_list_says_what_each_settlement_lacks_and_when():
    rows = readiness_tables.settlement_list(_checklist(), _settlements(), {"AZ-LAC": "Lachin"}, 500, T)
    lacking = rows[T("readiness.col.lacking")].tolist()
    assert pd.isna(lacking[0])  # shown as a dash
    assert lacking[1] == "Road: Jul 15, 2024; Gas: no record in the data"
    assert lacking[2] == "Mine safety: no date in the data"
    assert rows[T("readiness.col.settlement")].tolist() == ["Alpha", "Beta", "Gamma"]
    assert rows[T("readiness.col.state")].tolist() == ["Ready now", "Not ready", "Blocked by mines"]
    assert (
        rows[T("readiness.col.hazard", distance="500")].tolist()[2]
        == "hazard areas: 2 · 12.5 ha in all · nearest 120 m"
    )


def test_the_checklist_marks_met_missing_and_unrecorded_items():
    marks = readiness_tables.checklist_marks(_checklist(), _settlements(), T)
    beta = marks.iloc[1]
    assert (beta[T("readiness.item.road")], beta[T("readiness.item.gas")], beta[T("readiness.item.homes")]) == (
        "✗",
        "∅",
        "✓",
    )


def test_the_map_colours_each_settlement_by_state_and_says_the_states_in_words():
    settlements = _settlements()
    boundaries = gpd.GeoDataFrame(
        {"settlement_id": settlements["settlement_id"]},
        geometry=[square(46.49, 39.49, 0.02), square(46.59, 39.59, 0.02), square(46.69, 39.69, 0.02)],
        crs="EPSG:4326",
    )
    districts = gpd.GeoDataFrame(
        {"district_id": ["AZ-LAC"], "name_en": ["Lachin"], "name_az": ["Laçın"], "economic_region": ["East Zangezur"]},
        geometry=[square(46.0, 39.0, 1.0)],
        crs="EPSG:4326",
    )
    lacking = pd.Series([None, "Road: Jul 15, 2024", "Mine safety: no date in the data"])
    fmap = readiness_maps.readiness_map(_checklist(), lacking, settlements, boundaries, districts, boundaries, T)
    html = fmap.get_root().render()
    for state, colour in readiness_maps.STATE_COLOURS.items():
        count = {"ready": 1, "ready_next_month": 0, "blocked_by_mines": 1, "not_ready": 1}[state]
        assert f"{T(f'readiness.state.{state}')}: {count}" in html
        if count:
            assert html.count(colour) >= 2  # the outline and the point
    assert "Mine safety: no date in the data" in html
    assert not [s for s in readiness.STATES if "_" in s and s in html]  # words, never the ids


def test_the_housing_pipeline_chart_stacks_each_stage_per_settlement():
    pipeline = pd.DataFrame(
        {"settlement_id": ["a", "b"], "planned": [1, 0], "under_construction": [2, 0], "completed": [3, 1]}
        | {"allocated": [4, 0], "occupied": [5, 9]}
    )
    figure = readiness_charts.housing_pipeline(pipeline, pd.Series({"a": "Alpha", "b": "Beta"}), T)
    assert [trace.name for trace in figure.data] == [T.term("housing_status", s) for s in readiness.PIPELINE_STAGES]
    occupied = figure.data[-1]
    assert dict(zip(occupied.y, occupied.x)) == {"Alpha": 5, "Beta": 9}
    assert readiness_charts.housing_pipeline(pipeline.iloc[:0], pd.Series(dtype=str), T) is None


def test_the_infrastructure_chart_counts_assets_by_status_per_category():
    completion = pd.DataFrame(
        {
            "category": list(INFRASTRUCTURE_CATEGORIES),
            "assets": [2, 1, 0, 0, 0, 0],
            "planned": [0, 1, 0, 0, 0, 0],
            "under_construction": [1, 0, 0, 0, 0, 0],
            "completed": [1, 0, 0, 0, 0, 0],
            "progress": [75.0, 0.0, None, None, None, None],
            "settlements_served": [2, 1, 0, 0, 0, 0],
            "settlements_done": [1, 0, 0, 0, 0, 0],
        }
    )
    figure = readiness_charts.infrastructure_completion(completion, T)
    completed = next(trace for trace in figure.data if trace.name == T.term("work_status", "completed"))
    assert list(completed.y) == [1, 0, 0, 0, 0, 0]
    assert "complete in 1 of 2 settlements; 75% done on average" in completed.customdata[0]
    assert readiness_charts.infrastructure_completion(completion.assign(assets=0), T) is None
