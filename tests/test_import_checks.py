"""The import's checks: what a coordinator's file holds, said in her language with her row numbers."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
import shapely
from shapely.geometry import Point, Polygon

from lib.config import METRIC_CRS, Settings
from lib.i18n import LANGUAGES, Translator, catalogue
from lib.import_checks import CheckedTable, StoreContext, _fold, _vocabulary_codes, check_table, problems_table
from lib.import_read import read_import
from lib.importing import store_context
from lib.schema import LAYERS, FieldSpec, LayerSpec
from lib.validation import validate_layer
from tests.import_corpus.make_check_corpus import FILES, MANIFEST, cases

TODAY = date(2026, 6, 30)
EN, AZ, RU = Translator("en"), Translator("az"), Translator("ru")


@dataclass
class SourceTable:
    """The reader's table as the shared contract describes it (lib.import_read is built alongside)."""

    name: str
    frame: pd.DataFrame
    rows: pd.Series
    row_kind: str = "row"


def _table(frame: pd.DataFrame, first_row: int = 2) -> SourceTable:
    return SourceTable("test", frame, pd.Series(np.arange(len(frame)) + first_row, index=frame.index))


def _metric_square(x: float, y: float, size: float) -> Polygon:
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])


# Two 20 km districts side by side, drawn in UTM 38N so distances from their edges are exact.
_LAC = _metric_square(600_000, 4_390_000, 20_000)
_ZAN = _metric_square(620_000, 4_390_000, 20_000)


def _wgs84(*geometries):
    return list(gpd.GeoSeries(list(geometries), crs=METRIC_CRS).to_crs("EPSG:4326"))


def _context(**overrides) -> StoreContext:
    districts = gpd.GeoDataFrame(
        {
            "district_id": ["AZ-LAC", "AZ-ZAN"],
            "name_az": ["Laçın", "Zəngilan"],
            "name_en": ["Lachin", "Zangilan"],
            "name_ru": ["Лачин", "Зангилан"],
        },
        geometry=_wgs84(_LAC, _ZAN),
        crs="EPSG:4326",
    )
    settings = dict(
        districts=districts,
        settlement_districts=pd.Series({"AZ-LAC-sus": "AZ-LAC", "AZ-ZAN-aghali": "AZ-ZAN"}),
        today=TODAY,
        district_tolerance_m=1000,
    )
    settings.update(overrides)
    return StoreContext(**settings)


def _returns(**overrides) -> pd.DataFrame:
    data = {
        "event_id": ["e1", "e2", "e3"],
        "date": ["2025-05-01", "2025-06-01", "2025-07-01"],
        "settlement_id": ["AZ-LAC-sus", "AZ-LAC-sus", "AZ-ZAN-aghali"],
        "families": ["20", "30", "10"],
        "persons": ["75", "110", "41"],
        "source": ["report", "report", "report"],
    }
    data.update(overrides)
    return pd.DataFrame(data, dtype=object)


def _hazards(geometries, **overrides) -> gpd.GeoDataFrame:
    n = len(geometries)
    data = {
        "hazard_id": [f"h{i}" for i in range(1, n + 1)],
        "district_id": ["AZ-LAC"] * n,
        "kind": ["SHA"] * n,
        "status": ["suspected"] * n,
        "device_category": ["anti-tank"] * n,
        "release_method": [None] * n,
        "area_ha": [10.0] * n,
        "released_ha": [0.0] * n,
        "items_found": [0] * n,
        "suspected_date": ["2024-01-01"] * n,
        "source": ["survey"] * n,
    }
    data.update(overrides)
    return gpd.GeoDataFrame(data, geometry=list(geometries), crs="EPSG:4326")


def _inside_lac(offset: float = 0.0) -> Polygon:
    return _wgs84(_metric_square(605_000 + offset, 4_395_000, 1_000))[0]


def _codes(checked: CheckedTable) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.field, p.code) for p in checked.problems]


def test_a_clean_file_has_no_problems_and_a_typed_frame():
    checked = check_table("returns", _table(_returns()), _context())
    assert checked.problems == [] and checked.ok
    assert str(checked.frame["families"].dtype) == "Int64"
    assert checked.frame["date"].iloc[0] == pd.Timestamp("2025-05-01")


def test_columns_match_whatever_their_case_and_spaces_and_unknown_columns_are_one_notice():
    frame = _returns().rename(columns={"event_id": " Event_ID ", "families": "FAMILIES"})
    frame["Comment"] = ["a", "b", "c"]
    frame["colour"] = ["red", "red", "blue"]
    checked = check_table("returns", _table(frame), _context())
    assert checked.problems == []
    assert list(checked.frame.columns) == ["event_id", "date", "settlement_id", "families", "persons", "source"]
    assert [(n.code, dict(n.values)["columns"]) for n in checked.notices] == [("columns_ignored", "Comment, colour")]


def test_a_missing_required_column_is_one_problem_naming_it():
    checked = check_table("returns", _table(_returns().drop(columns="persons")), _context())
    assert _codes(checked) == [(None, "persons", "column_missing")]
    assert "persons" in checked.problems[0].describe(AZ)


def test_a_file_without_source_gets_the_default_source():
    context = _context(default_source="convoys.xlsx, imported on 30.06.2026")
    checked = check_table("returns", _table(_returns().drop(columns="source")), context)
    assert checked.problems == []
    assert set(checked.frame["source"]) == {"convoys.xlsx, imported on 30.06.2026"}
    assert [n.code for n in checked.notices] == ["source_filled"]
    without = check_table("returns", _table(_returns().drop(columns="source")), _context())
    assert _codes(without) == [(None, "source", "column_missing")]


def test_problems_carry_the_row_the_user_sees_and_the_column_as_typed():
    frame = _returns(families=["20", "-3", "10"]).rename(columns={"families": "Families"})
    frame.index = [17, 4, 99]  # the frame's own index means nothing to the user
    checked = check_table("returns", SourceTable("s", frame, pd.Series([2, 3, 4], index=frame.index)), _context())
    assert _codes(checked) == [(3, "Families", "negative")]
    assert checked.problems[0].record_id == "e2"
    text = checked.problems[0].describe(EN)
    assert text.startswith("Families: -3") and "cannot be negative" in text
    assert list(checked.frame.index) == [17, 4, 99]


def test_a_value_outside_the_vocabulary_names_the_allowed_ones_in_the_users_words():
    frame = _hazards([_inside_lac()], kind=["minefield"])
    checked = check_table("hazard_areas", _table(frame), _context())
    assert _codes(checked) == [(2, "kind", "not_allowed")]
    english, azerbaijani = checked.problems[0].describe(EN), checked.problems[0].describe(AZ)
    assert "minefield" in english and "(SHA)" in english and "(CHA)" in english
    assert EN.term("hazard_kind", "SHA") in english and AZ.term("hazard_kind", "SHA") in azerbaijani


def test_required_value_empty_and_text_in_a_number_field():
    checked = check_table(
        "returns",
        _table(_returns(settlement_id=["AZ-LAC-sus", None, "AZ-ZAN-aghali"], persons=["75", "110", "many"])),
        _context(),
    )
    assert _codes(checked) == [(3, "settlement_id", "required_empty"), (4, "persons", "not_a_number")]


def test_duplicate_ids_name_the_other_rows():
    checked = check_table("returns", _table(_returns(event_id=["e1", "e2", "e1"])), _context())
    assert _codes(checked) == [(2, "event_id", "duplicate_id"), (4, "event_id", "duplicate_id")]
    assert dict(checked.problems[0].values)["rows"] == "4"
    assert dict(checked.problems[1].values)["rows"] == "2"
    assert "4" in checked.problems[0].describe(RU)


def test_31_february_is_not_a_real_date_and_says_the_day_as_typed():
    checked = check_table("returns", _table(_returns(date=["2025-05-01", "2025-02-31", "2025-07-01"])), _context())
    assert _codes(checked) == [(3, "date", "impossible_date")]
    assert checked.problems[0].describe(EN).startswith("date: 31.02.2025 is not a real date")


def test_a_fraction_of_a_person_is_not_a_whole_number():
    checked = check_table("returns", _table(_returns(persons=["75", "10.5", "41"])), _context())
    assert _codes(checked) == [(3, "persons", "not_whole_number")]


def test_dates_in_the_future_are_refused_where_something_happened_but_not_for_targets():
    checked = check_table("returns", _table(_returns(date=["2025-05-01", "2026-07-01", "2026-06-30"])), _context())
    assert _codes(checked) == [(3, "date", "future_date")]
    assert "2026" in checked.problems[0].describe(RU)
    targets = pd.DataFrame(
        {
            "target_id": ["t1"],
            "metric": ["families"],
            "value": ["34500"],
            "target_date": ["2026-12-31"],
            "stated_date": ["2022-11-16"],
            "source": ["decree"],
        }
    )
    assert check_table("targets", _table(targets), _context()).problems == []
    targets["stated_date"] = ["2027-01-01"]
    assert _codes(check_table("targets", _table(targets), _context())) == [(2, "stated_date", "future_date")]


def test_lifecycle_dates_out_of_order_and_an_undated_status():
    frame = _hazards(
        [_inside_lac(), _inside_lac(2000)],
        status=["confirmed", "confirmed"],
        suspected_date=["2024-01-01", "2024-01-01"],
        confirmed_date=["2023-05-01", None],
    )
    checked = check_table("hazard_areas", _table(frame), _context())
    assert _codes(checked) == [(2, "confirmed_date", "dates_out_of_order"), (3, "confirmed_date", "status_undated")]
    assert "suspected_date" in checked.problems[0].describe(AZ)
    assert AZ.term("hazard_status", "confirmed") in checked.problems[1].describe(AZ)


def test_counts_not_negative_and_persons_not_fewer_than_families():
    checked = check_table(
        "returns", _table(_returns(families=["20", "-3", "12"], persons=["75", "4", "5"])), _context()
    )
    assert _codes(checked) == [(3, "families", "negative"), (4, "persons", "persons_fewer_than_families")]
    assert "12" in checked.problems[1].describe(EN)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('=HYPERLINK("http://x")', "formula_text"),
        ("+994 50 000 00 00", "formula_text"),
        ("-2+3", "formula_text"),
        ("@SUM(A1)", "formula_text"),
        ("\tcmd", "formula_text"),
        ("\rcmd", "formula_text"),
        ("<script>alert(1)</script>", "markup_text"),
        ("Laçın <b>city</b>", "markup_text"),
        ("<img src=x onerror=alert(1)>", "markup_text"),
    ],
)
def test_text_a_spreadsheet_would_run_or_a_browser_render_must_be_plain(text, code):
    checked = check_table("returns", _table(_returns(source=["report", text, "report"])), _context())
    assert _codes(checked) == [(3, "source", code)]


def test_plain_text_with_azerbaijani_letters_and_a_less_than_sign_is_accepted():
    sources = ["Şuşa, Ağdam, Cəbrayıl: hesabat", "area < 5 ha; a > b", "https://example.org/a?b=1&c=2"]
    assert check_table("returns", _table(_returns(source=sources)), _context()).problems == []


def test_empty_geometry_and_a_point_where_a_polygon_is_expected():
    checked = check_table("hazard_areas", _table(_hazards([_inside_lac(), None, Point(46.3, 39.7)])), _context())
    assert _codes(checked) == [(3, "geometry", "geometry_empty"), (4, "geometry", "geometry_type")]
    assert AZ.term("geometry_kind", "Point") in checked.problems[1].describe(AZ)


def test_an_invalid_polygon_gets_a_repair_that_is_only_made_when_applied():
    x0, y0 = _inside_lac().bounds[:2]
    bowtie = Polygon([(x0, y0), (x0 + 0.01, y0 + 0.01), (x0 + 0.01, y0), (x0, y0 + 0.01)])
    frame = _hazards([_inside_lac(), bowtie])
    proposed = check_table("hazard_areas", _table(frame), _context())
    assert _codes(proposed) == [(3, "geometry", "geometry_self_intersection")]
    assert "crosses itself" in proposed.problems[0].describe(EN)
    assert [(r.code, r.rows, r.applied) for r in proposed.repairs] == [("make_valid", (3,), False)]
    assert not proposed.frame.geometry.iloc[1].is_valid
    assert "3" in proposed.repairs[0].describe(RU)

    repaired = check_table("hazard_areas", _table(frame), _context(), apply={"make_valid"})
    assert repaired.problems == []
    assert [(r.code, r.rows, r.applied) for r in repaired.repairs] == [("make_valid", (3,), True)]
    shape = repaired.frame.geometry.iloc[1]
    assert shape.is_valid and shape.geom_type == "MultiPolygon" and len(shape.geoms) == 2
    assert frame.geometry.iloc[1].equals(bowtie)  # the caller's frame is untouched


def test_make_valid_keeps_only_the_polygonal_part_for_a_polygon_layer():
    x0, y0 = _inside_lac().bounds[:2]
    # a square with a spike: make_valid returns the square and a line
    spiked = Polygon(
        [
            (x0, y0),
            (x0 + 0.01, y0),
            (x0 + 0.01, y0 + 0.01),
            (x0 + 0.02, y0 + 0.01),
            (x0 + 0.01, y0 + 0.01),
            (x0, y0 + 0.01),
        ]
    )
    assert shapely.make_valid(spiked).geom_type == "GeometryCollection"
    repaired = check_table("hazard_areas", _table(_hazards([spiked])), _context(), apply={"make_valid"})
    assert repaired.problems == []
    assert repaired.frame.geometry.iloc[0].geom_type == "Polygon"


def test_a_point_900_m_outside_its_district_is_accepted_at_1000_m_and_1100_m_is_refused():
    y = 4_400_000
    near, far = Point(600_000 - 900, y), Point(600_000 - 1100, y)
    houses = gpd.GeoDataFrame(
        {
            "house_id": ["a", "b"],
            "settlement_id": ["AZ-LAC-sus", "AZ-LAC-sus"],
            "status": ["planned", "planned"],
            "units": [1, 1],
            "source": ["list", "list"],
        },
        geometry=_wgs84(near, far),
        crs="EPSG:4326",
    )
    checked = check_table("housing", _table(houses), _context())
    assert _codes(checked) == [(3, "geometry", "outside_azerbaijan")]  # west of Lachin is no other district
    assert "1.1 km" in checked.problems[0].describe(EN) and "1,1 км" in checked.problems[0].describe(RU)
    assert check_table("housing", _table(houses), _context(district_tolerance_m=1200)).problems == []


def test_a_feature_in_the_neighbouring_district_is_outside_the_district_it_names():
    east = Point(620_000 + 1100, 4_400_000)  # 1.1 km inside Zangilan, named as Lachin's
    checked = check_table("hazard_areas", _table(_hazards(_wgs84(east.buffer(50)))), _context())
    assert _codes(checked) == [(2, "geometry", "outside_district")]
    assert "Laçın" in checked.problems[0].describe(AZ) and "Лачин" in checked.problems[0].describe(RU)
    assert (
        check_table(
            "hazard_areas", _table(_hazards(_wgs84(east.buffer(50)), district_id=["AZ-ZAN"])), _context()
        ).problems
        == []
    )


def test_a_polygon_reaching_across_the_border_beyond_the_tolerance_is_refused():
    across = _metric_square(619_500, 4_400_000, 3500)  # named Lachin's, reaching 3 km into Zangilan
    checked = check_table("hazard_areas", _table(_hazards(_wgs84(across))), _context())
    assert _codes(checked) == [(2, "geometry", "outside_district")]
    assert "3.0 km" in checked.problems[0].describe(EN)
    inside = _metric_square(619_500, 4_400_000, 1400)  # 900 m across: within the tolerance
    assert check_table("hazard_areas", _table(_hazards(_wgs84(inside))), _context()).problems == []


def test_the_tolerance_setting_defaults_to_a_kilometre():
    assert Settings().import_district_tolerance_m == 1000


def test_references_to_unknown_districts_and_settlements():
    checked = check_table("returns", _table(_returns(settlement_id=["AZ-LAC-sus", "AZ-LAC-nowhere", None])), _context())
    assert _codes(checked) == [(3, "settlement_id", "unknown_settlement"), (4, "settlement_id", "required_empty")]
    hazards = _hazards([_inside_lac()], district_id=["AZ-XXX"])
    assert _codes(check_table("hazard_areas", _table(hazards), _context())) == [(2, "district_id", "unknown_district")]


def test_a_settlements_import_may_name_settlements_of_its_own_and_a_district_must_exist():
    settlements = gpd.GeoDataFrame(
        {
            "settlement_id": ["AZ-LAC-new"],
            "district_id": ["AZ-LAC"],
            "name_en": ["New"],
            "name_az": ["Yeni"],
            "kind": ["village"],
            "status": ["planned"],
            "planned_households": ["40"],
            "coord_source": ["survey"],
            "coord_quality": ["source"],
            "source": ["survey"],
        },
        geometry=[_inside_lac().centroid],
        crs="EPSG:4326",
    )
    assert check_table("settlements", _table(settlements), _context()).problems == []


def test_a_returns_file_with_shapes_ignores_them_and_says_so():
    frame = gpd.GeoDataFrame(_returns(), geometry=[Point(46.5, 39.6)] * 3, crs="EPSG:4326")
    checked = check_table("returns", _table(frame), _context())
    assert checked.problems == [] and "geometry" not in checked.frame.columns
    assert [n.code for n in checked.notices] == ["geometry_ignored"]


def test_a_layer_with_geometry_from_a_file_without_any_is_one_problem():
    frame = pd.DataFrame(_hazards([_inside_lac()]).drop(columns="geometry"))
    assert [p.code for p in check_table("hazard_areas", _table(frame), _context()).problems] == ["no_geometry"]


def test_progress_reports_fractions_in_order_with_messages_that_exist():
    seen = []
    check_table(
        "hazard_areas", _table(_hazards([_inside_lac()])), _context(), progress=lambda f, m: seen.append((f, m))
    )
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1
    assert all(m in catalogue(language) for _, m in seen for language in LANGUAGES)


def test_problems_table_is_worded_in_the_language():
    checked = check_table("returns", _table(_returns(families=["20", "-3", "10"])), _context())
    table = problems_table(checked.problems, "convoys.csv", RU)
    assert list(table.columns) == ["Файл", "Строка", "Поле", "Проблема"]
    assert table.iloc[0].tolist() == ["convoys.csv", 3, "Семьи (families)", checked.problems[0].describe(RU)]
    assert list(problems_table(checked.problems, "convoys.csv", AZ).columns)[1] == "Sətir"


def test_every_problem_and_repair_message_exists_and_differs_in_each_language():
    ids = [i for i in catalogue("en").ids if i.startswith(("problem.", "repair."))]
    assert len(ids) > 40
    for message_id in ids:
        words = {language: catalogue(language).messages[message_id] for language in LANGUAGES}
        assert len(set(words.values())) == 3, message_id


def test_validation_problems_all_have_codes_for_the_store_and_the_demo():
    frame = _returns(families=["20", "x", "-1"], date=["2025-01-01", "2025-02-30", None], event_id=["a", "a", "b"])
    problems = validate_layer("returns", frame)
    assert problems and all(p.code for p in problems)
    assert {p.code for p in problems} == {"not_a_number", "impossible_date", "negative", "required_empty", "duplicate"}
    for problem in problems:
        assert problem.describe(AZ) != problem.describe(EN) != problem.describe(RU)


def test_a_100000_row_table_is_checked_with_its_one_bad_row_found():
    n = 100_000
    frame = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(n)],
            "date": ["2025-05-01"] * n,
            "settlement_id": ["AZ-LAC-sus"] * n,
            "families": ["3"] * n,
            "persons": ["11"] * n,
            "source": ["report"] * n,
        }
    )
    frame.loc[76_543, "families"] = "-3"
    checked = check_table("returns", _table(frame), _context())
    assert _codes(checked) == [(76_545, "families", "negative")]
    assert len(checked.frame) == n and checked.frame["persons"].sum() == 11 * n


# --- the corpus of bad files --------------------------------------------------------------------

_DAY_FIRST = r"^(\d{2})\.(\d{2})\.(\d{4})$"


def _read_simply(path) -> SourceTable:
    """The corpus file read the simplest way, in the reader's shape (text cells, ISO dates)."""
    if path.suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
        frame = frame.apply(lambda column: column.str.replace(_DAY_FIRST, r"\3-\2-\1", regex=True))
        return SourceTable(path.stem, frame, pd.Series(frame.index + 2, index=frame.index), "row")
    frame = gpd.read_file(path)
    return SourceTable(path.stem, frame, pd.Series(frame.index + 1, index=frame.index), "feature")


def _manifest() -> list[dict]:
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_corpus_is_what_its_generator_writes():
    made = {name: content for name, *_, content in cases()}
    assert len(made) >= 20 and len(_manifest()) == len(made)
    for name, content in made.items():
        assert (FILES / name).read_text(encoding="utf-8") == content, f"{name}: run make_check_corpus"


@pytest.fixture(scope="module")
def real_context(real):
    return StoreContext(
        districts=real.districts,
        settlement_districts=real.settlements.set_index("settlement_id")["district_id"],
        today=TODAY,
        district_tolerance_m=1000,
    )


@pytest.mark.parametrize("case", _manifest(), ids=lambda case: case["file"])
def test_each_bad_file_of_the_corpus_is_refused_with_its_problem(case, real_context):
    checked = check_table(case["layer"], _read_simply(FILES / case["file"]), real_context)
    codes = {p.code for p in checked.problems}
    assert codes == {case["expected_code"]}, f"{case['file']} ({case['what']}): {checked.problems}"
    for problem in checked.problems:
        said = {problem.describe(Translator(language)) for language in LANGUAGES}
        assert len(said) == 3


def test_problems_are_listed_by_row_then_in_the_schemas_field_order_whatever_the_headers():
    frame = _returns(persons=["75", "x", "41"], families=["20", "-1", "10"], date=["2025-05-01", "y", "2025-07-01"])
    frame = frame.rename(columns={"persons": "Persons", "families": "Families", "date": "Date"})
    checked = check_table("returns", _table(frame), _context())
    assert [(p.row, p.field) for p in checked.problems] == [(3, "Date"), (3, "Families"), (3, "Persons")]


def test_an_unreadable_lifecycle_date_is_said_once():
    frame = _hazards([_inside_lac()], status=["confirmed"], confirmed_date=["2024-02-30"])
    assert _codes(check_table("hazard_areas", _table(frame), _context())) == [(2, "confirmed_date", "impossible_date")]


def test_a_10000_polygon_table_is_checked_with_its_one_stray_polygon_found():
    squares = [_metric_square(601_000 + (i % 100) * 180, 4_391_000 + (i // 100) * 180, 100) for i in range(10_000)]
    squares[4321] = _metric_square(630_000, 4_395_000, 100)  # in Zangilan, named Lachin's
    checked = check_table("hazard_areas", _table(_hazards(_wgs84(*squares)), first_row=1), _context())
    assert _codes(checked) == [(4322, "geometry", "outside_district")]
    assert len(checked.frame) == 10_000


# --- what a new user's first files held --------------------------------------------------------


def test_a_shapefiles_column_names_cut_to_ten_characters_match_their_fields():
    frame = _hazards([_inside_lac()], release_method=["cleared"], status=["released"], released_date=["2024-05-01"])
    frame = frame.rename(columns={"district_id": "DISTRICT_I", "device_category": "device_cat"})
    frame = frame.rename(columns={"release_method": "release_me", "suspected_date": "suspected_"})
    checked = check_table("hazard_areas", _table(frame), _context())
    assert checked.problems == [] and checked.notices == []
    assert checked.frame["device_category"].tolist() == ["anti-tank"]
    assert checked.frame["district_id"].tolist() == ["AZ-LAC"]


def test_a_problem_in_a_cut_column_names_the_column_as_the_file_has_it():
    frame = _hazards([_inside_lac()], device_category=["landmine"]).rename(columns={"device_category": "device_cat"})
    assert _codes(check_table("hazard_areas", _table(frame), _context())) == [(2, "device_cat", "not_allowed")]


def test_a_cut_name_two_fields_share_is_not_guessed_and_the_missing_column_says_why(monkeypatch):
    spec = LayerSpec(
        "test_cut",
        "two fields cut to the same ten characters",
        "item_id",
        (
            FieldSpec("item_id", "str", "id", unique=True),
            FieldSpec("households_planned", "int", "planned"),
            FieldSpec("households_returned", "int", "returned", required=False),
        ),
    )
    monkeypatch.setitem(LAYERS, "test_cut", spec)
    frame = pd.DataFrame({"item_id": ["a"], "households": ["3"]}, dtype=object)
    checked = check_table("test_cut", _table(frame), _context())
    assert _codes(checked) == [
        (None, "households_planned", "column_cut_ambiguous"),
        (None, "households_returned", "column_cut_ambiguous"),
    ]
    said = checked.problems[0].describe(EN)
    assert "households_planned is missing" in said and "households_returned" in said and "10 characters" in said
    assert "households" in checked.problems[0].describe(RU)


def test_the_projects_own_zipped_shapefile_of_settlements_passes(built_store):
    path = FILES.parent / "good" / "settlements_shp.zip"
    read = read_import(path.read_bytes(), path.name)
    assert read.problems == [] and "district_i" in read.table.frame.columns
    checked = check_table("settlements", read.table, store_context(built_store, None, path.name))
    assert checked.problems == [] and checked.notices == []
    assert {"settlement_id", "planned_households", "reconstruction_date", "coord_quality"} <= set(checked.frame.columns)
    assert checked.frame["planned_households"].notna().all()


def test_vocabulary_values_typed_as_words_in_any_language_are_stored_as_their_codes():
    words = {
        "kind": ["CHA", " sha ", AZ.term("hazard_kind", "CHA").upper()],
        "status": [RU.term("hazard_status", "confirmed"), "Suspected", f"  {AZ.term('hazard_status', 'suspected')} "],
        "device_category": [EN.term("device_category", "UXO"), "uxo", RU.term("device_category", "anti-tank")],
    }
    frame = _hazards(
        [_inside_lac(), _inside_lac(1_500), _inside_lac(3_000)], confirmed_date=["2024-02-01"] * 3, **words
    )
    checked = check_table("hazard_areas", _table(frame), _context())
    assert checked.problems == []
    assert checked.frame["kind"].tolist() == ["CHA", "SHA", "CHA"]
    assert checked.frame["status"].tolist() == ["confirmed", "suspected", "suspected"]
    assert checked.frame["device_category"].tolist() == ["UXO", "UXO", "anti-tank"]


def test_words_are_matched_as_people_type_them_with_i_and_yo_variants():
    words = ["TİKİLİB", "ПОСТРОЕН", "распределен", "Under   Construction"]
    frame = pd.DataFrame({"status": words}, dtype=object)
    coded = _vocabulary_codes(LAYERS["housing"], frame)
    assert coded["status"].tolist() == ["completed", "completed", "allocated", "under_construction"]


def test_a_word_of_no_vocabulary_is_still_refused_with_the_allowed_values_listed():
    frame = _hazards([_inside_lac()], status=["почти готово"])
    checked = check_table("hazard_areas", _table(frame), _context())
    assert _codes(checked) == [(2, "status", "not_allowed")]
    said = checked.problems[0].describe(RU)
    assert "почти готово" in said and "(suspected)" in said and "(released)" in said


def test_no_word_of_any_catalogue_stands_for_two_values_of_one_field():
    for spec in LAYERS.values():
        for f in spec.fields:
            if not f.allowed:
                continue
            typed = [[v, *(Translator(language).term(f.terms, v) for language in LANGUAGES)] for v in f.allowed]
            folded = [set(_fold(pd.Series(words, dtype="object"))) for words in typed]
            for i, words in enumerate(folded):
                others = set().union(*(w for j, w in enumerate(folded) if j != i))
                assert not words & others, (spec.name, f.name, words & others)


def test_russian_messages_call_the_convoys_caravans_as_the_layer_does():
    russian = catalogue("ru").messages
    assert "караван" in russian["layer.returns"].lower()
    assert "караване" in russian["problem.persons_fewer_than_families"]
    assert not [key for key, text in russian.items() if "колонн" in text.lower()]


def _titled_returns() -> pd.DataFrame:
    """A sheet with a title in row 1 and the header in row 2, as the reader hands it over."""
    data = _returns()
    header = pd.DataFrame([list(data.columns)], columns=data.columns, dtype=object)
    frame = pd.concat([header, data], ignore_index=True)
    frame.columns = ["Lachin convoys, November", *(f"column_{i}" for i in range(2, len(data.columns) + 1))]
    return frame


def test_a_title_row_above_the_header_is_one_problem_naming_the_headers_row():
    checked = check_table("returns", _table(_titled_returns()), _context())
    assert _codes(checked) == [(2, None, "header_not_first")]
    assert "row 2" in checked.problems[0].describe(EN) and "строке 2" in checked.problems[0].describe(RU)
    assert "2 nömrəli" in checked.problems[0].describe(AZ)


def test_a_header_two_rows_down_with_some_unknown_headings_is_found_too():
    frame = _titled_returns()
    frame.iloc[0, [1, 4]] = ["Tarix (date)", "Qeyd"]
    blank = pd.DataFrame([[None] * frame.shape[1]], columns=frame.columns)
    frame = pd.concat([blank, frame], ignore_index=True)
    assert _codes(check_table("returns", _table(frame), _context())) == [(3, None, "header_not_first")]


def test_a_file_whose_columns_and_first_row_are_all_unknown_lists_the_missing_columns():
    frame = pd.DataFrame({"a": ["x", "1"], "b": ["y", "2"]}, dtype=object)
    codes = {p.code for p in check_table("returns", _table(frame), _context()).problems}
    assert codes == {"column_missing"}


def test_a_csv_with_a_title_line_read_as_the_reader_reads_it_says_where_the_header_is():
    text = "Lachin convoys, November;;;;;\nevent_id;date;settlement_id;families;persons;source\n"
    text += "e1;01.11.2025;AZ-LAC-sus;20;75;report\n"
    read = read_import(text.encode("utf-8-sig"), "convoys.csv")
    assert _codes(check_table("returns", read.table, _context())) == [(2, None, "header_not_first")]
