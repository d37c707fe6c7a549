"""Validation names the layer, record, field and what is wrong — never a bare exception."""

import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import Point, Polygon

from lib.validation import validate_layer, validate_layers


def _districts(**overrides):
    data = {
        "district_id": ["AZ-LAC", "AZ-ZAN"],
        "name_en": ["Lachin", "Zangilan"],
        "name_az": ["Laçın", "Zəngilan"],
        "name_ru": ["Лачин", None],
        "economic_region": ["East Zangezur", "East Zangezur"],
        "source": ["test", "test"],
    }
    data.update(overrides)
    squares = [Polygon([(46, 39), (47, 39), (47, 40), (46, 40)]), Polygon([(47, 39), (48, 39), (48, 40), (47, 40)])]
    return gpd.GeoDataFrame(data, geometry=squares, crs="EPSG:4326")


def _returns(**overrides):
    data = {
        "event_id": ["e1", "e2"],
        "date": ["2024-05-01", "2024-06-01"],
        "settlement_id": ["AZ-LAC-sus", "AZ-LAC-sus"],
        "families": [20, 30],
        "persons": [75, 110],
        "source": ["https://example.org/a", "https://example.org/b"],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def _messages(problems):
    return [(p.layer, p.record_id, p.field, p.message) for p in problems]


def test_valid_layer_has_no_problems():
    assert validate_layer("districts", _districts()) == []
    assert validate_layer("returns", _returns()) == []


def test_negative_count_is_reported_with_record_and_field():
    problems = validate_layer("returns", _returns(families=[20, -3]))
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.layer, problem.record_id, problem.field, problem.row) == ("returns", "e2", "families", 2)
    assert "at least 0" in problem.message and "-3" in problem.message


def test_unknown_category_lists_the_allowed_values():
    problems = validate_layer("districts", _districts(economic_region=["East Zangezur", "Mars"]))
    assert [(p.record_id, p.field) for p in problems] == [("AZ-ZAN", "economic_region")]
    assert "Karabakh, East Zangezur" in problems[0].message


def test_unreadable_number_and_date_are_reported_not_raised():
    problems = validate_layer("returns", _returns(families=["20", "many"], date=["2024-05-01", "yesterday"]))
    assert {(p.record_id, p.field) for p in problems} == {("e2", "families"), ("e2", "date")}
    assert any("'many' is not a valid int" in p.message for p in problems)


def test_fractional_count_is_not_a_whole_number():
    problems = validate_layer("returns", _returns(persons=[75, 10.5]))
    assert [(p.record_id, p.field) for p in problems] == [("e2", "persons")]
    assert "not a whole number" in problems[0].message


def test_missing_required_value_and_missing_column():
    frame = _returns(settlement_id=["AZ-LAC-sus", None]).drop(columns="persons")
    found = _messages(validate_layer("returns", frame))
    assert ("returns", None, "persons", "column is missing") in found
    assert ("returns", "e2", "settlement_id", "is required but empty") in found


def test_duplicate_id_is_reported():
    problems = validate_layer("returns", _returns(event_id=["e1", "e1"]))
    assert problems and all(p.field == "event_id" and "more than once" in p.message for p in problems)


def test_wrong_crs_is_named_with_the_expected_one():
    problems = validate_layer("districts", _districts().to_crs("EPSG:32638"))
    assert len(problems) == 1
    assert "EPSG:32638" in problems[0].message and "EPSG:4326" in problems[0].message


def test_invalid_geometry_gives_the_reason():
    bowtie = Polygon([(46, 39), (47, 40), (47, 39), (46, 40)])
    districts = _districts()
    districts.loc[1, "geometry"] = bowtie
    problems = validate_layer("districts", districts)
    assert [(p.record_id, p.field) for p in problems] == [("AZ-ZAN", "geometry")]
    assert "Self-intersection" in problems[0].message


def test_wrong_geometry_type_is_reported():
    districts = _districts()
    districts.loc[0, "geometry"] = Point(46.5, 39.5)
    problems = validate_layer("districts", districts)
    assert [(p.record_id, p.field) for p in problems] == [("AZ-LAC", "geometry")]
    assert "Point" in problems[0].message


def test_lifecycle_dates_out_of_order_are_reported():
    houses = gpd.GeoDataFrame(
        {
            "house_id": ["h1"],
            "settlement_id": ["AZ-LAC-sus"],
            "status": ["completed"],
            "units": [1],
            "under_construction_date": ["2024-05-01"],
            "completed_date": ["2023-01-01"],
            "allocated_date": [None],
            "occupied_date": [None],
            "source": ["test"],
        },
        geometry=[Point(46.5, 39.6)],
        crs="EPSG:4326",
    )
    problems = validate_layer("housing", houses)
    assert [(p.record_id, p.field) for p in problems] == [("h1", "completed_date")]
    assert "before under_construction_date" in problems[0].message


def test_unknown_district_is_reported_across_layers():
    settlements = gpd.GeoDataFrame(
        {
            "settlement_id": ["AZ-XXX-nowhere"],
            "district_id": ["AZ-XXX"],
            "name_en": ["Nowhere"],
            "name_az": ["Heç yer"],
            "name_ru": [None],
            "kind": ["village"],
            "status": ["planned"],
            "planned_households": [10],
            "reconstruction_date": [None],
            "ready_date": [None],
            "resettling_date": [None],
            "resettled_date": [None],
            "coord_source": ["test"],
            "coord_quality": ["source"],
            "source": ["test"],
        },
        geometry=[Point(46.5, 39.5)],
        crs="EPSG:4326",
    )
    problems = validate_layers({"districts": _districts(), "settlements": settlements})
    assert _messages(problems) == [("settlements", "AZ-XXX-nowhere", "district_id", "unknown district 'AZ-XXX'")]


@pytest.mark.parametrize("layer", ["nonsense"])
def test_unknown_layer_is_a_problem_not_an_exception(layer):
    problems = validate_layer(layer, pd.DataFrame())
    assert problems and "unknown layer" in problems[0].message
