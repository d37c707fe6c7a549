"""Write the content-level half of the bad-file corpus (issue 10, item 7): files a reader opens
without trouble but whose content the checks must refuse, one defect each, as a coordinator's
file would hold it. Run from the project root: ``python -m tests.import_corpus.make_check_corpus``.

Each file is a few good rows around one bad one, with real district and settlement ids of the
store; ``check_cases.csv`` names the layer each is imported into and the problem code expected.
The output is byte-for-byte reproducible (no timestamps, fixed key order).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
MANIFEST = HERE / "check_cases.csv"

SOURCE = "Lachin district coordinator, monthly report"
RETURNS_HEADER = ["event_id", "date", "settlement_id", "families", "persons", "source"]
GOOD_RETURNS = [
    ["import-2025-03-01-lachin", "2025-03-01", "AZ-LAC-lachin-city", "20", "81", SOURCE],
    ["import-2025-03-15-zabukh", "2025-03-15", "AZ-LAC-zabukh", "12", "47", SOURCE],
    ["import-2025-04-02-sus", "2025-04-02", "AZ-LAC-sus", "9", "35", SOURCE],
]


def _square(lon: float, lat: float, size: float = 0.01) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def _hazard(hazard_id: str, district_id: str, geometry: dict | None, **overrides) -> dict:
    properties = {
        "hazard_id": hazard_id,
        "district_id": district_id,
        "kind": "SHA",
        "status": "suspected",
        "device_category": "anti-personnel",
        "release_method": None,
        "area_ha": 120.5,
        "released_ha": 0.0,
        "items_found": 0,
        "suspected_date": "2024-02-10",
        "confirmed_date": None,
        "in_clearance_date": None,
        "released_date": None,
        "source": "ANAMA district survey",
    }
    properties.update(overrides)
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _good_hazards() -> list[dict]:
    return [
        _hazard("import-hazard-lac-1", "AZ-LAC", _square(46.50, 39.66)),
        _hazard("import-hazard-zan-1", "AZ-ZAN", _square(46.70, 39.10)),
    ]


def _house(house_id: str, settlement_id: str, geometry: dict | None, **overrides) -> dict:
    properties = {
        "house_id": house_id,
        "settlement_id": settlement_id,
        "status": "completed",
        "units": 1,
        "under_construction_date": "2023-04-01",
        "completed_date": "2024-09-15",
        "allocated_date": None,
        "occupied_date": None,
        "source": "Lachin district coordinator, housing list",
    }
    properties.update(overrides)
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _good_houses() -> list[dict]:
    return [
        _house("import-house-lachin-1", "AZ-LAC-lachin-city", _point(46.5472, 39.6410)),
        _house("import-house-zabukh-1", "AZ-LAC-zabukh", _point(46.5431, 39.5899)),
    ]


def _settlement(settlement_id: str, **overrides) -> dict:
    properties = {
        "settlement_id": settlement_id,
        "district_id": "AZ-LAC",
        "name_en": "Lachin city",
        "name_az": "Laçın şəhəri",
        "name_ru": "город Лачин",
        "kind": "city",
        "status": "resettling",
        "planned_households": 1800,
        "reconstruction_date": "2022-08-26",
        "ready_date": "2022-09-15",
        "resettling_date": "2022-10-10",
        "resettled_date": None,
        "coord_source": "GeoNames",
        "coord_quality": "geonames",
        "reported_district": None,
        "source": "Lachin district coordinator",
    }
    properties.update(overrides)
    return {"type": "Feature", "properties": properties, "geometry": _point(46.5469, 39.6408)}


def _asset(asset_id: str, **overrides) -> dict:
    properties = {
        "asset_id": asset_id,
        "settlement_id": "AZ-LAC-lachin-city",
        "district_id": "AZ-LAC",
        "category": "school",
        "status": "under_construction",
        "progress_pct": 60.0,
        "length_km": None,
        "under_construction_date": "2024-03-01",
        "completed_date": None,
        "source": "Lachin district coordinator",
    }
    properties.update(overrides)
    return {"type": "Feature", "properties": properties, "geometry": _point(46.5460, 39.6420)}


def _geojson(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1) + "\n"


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _returns(*bad: list[str], header: list[str] = RETURNS_HEADER, good=GOOD_RETURNS) -> str:
    return _csv(header, [*good[:2], *bad, *good[2:]])


def _bowtie(lon: float, lat: float) -> dict:
    ring = [[lon, lat], [lon + 0.01, lat + 0.01], [lon + 0.01, lat], [lon, lat + 0.01], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def cases() -> list[tuple[str, str, str, str, str]]:
    """(file name, layer, expected problem code, what is wrong, file content)."""
    return [
        (
            "check_self_intersecting_polygon.geojson",
            "hazard_areas",
            "geometry_self_intersection",
            "a hazard polygon drawn as a bow tie (its outline crosses itself)",
            _geojson([*_good_hazards(), _hazard("import-hazard-lac-2", "AZ-LAC", _bowtie(46.52, 39.68))]),
        ),
        (
            "check_hole_outside_shell.geojson",
            "hazard_areas",
            "geometry_hole_outside",
            "a polygon whose hole lies outside its outline",
            _geojson(
                [
                    *_good_hazards(),
                    _hazard(
                        "import-hazard-lac-2",
                        "AZ-LAC",
                        {
                            "type": "Polygon",
                            "coordinates": [
                                _square(46.50, 39.70)["coordinates"][0],
                                _square(46.53, 39.70, 0.005)["coordinates"][0],
                            ],
                        },
                    ),
                ]
            ),
        ),
        (
            "check_empty_geometry.geojson",
            "hazard_areas",
            "geometry_empty",
            "a hazard area without a shape (geometry null)",
            _geojson([*_good_hazards(), _hazard("import-hazard-lac-2", "AZ-LAC", None)]),
        ),
        (
            "check_point_for_polygon.geojson",
            "hazard_areas",
            "geometry_type",
            "a hazard area given as a point where a polygon is expected",
            _geojson([*_good_hazards(), _hazard("import-hazard-lac-2", "AZ-LAC", _point(46.52, 39.68))]),
        ),
        (
            "check_unknown_district.geojson",
            "hazard_areas",
            "unknown_district",
            "a hazard area in a district code that does not exist (AZ-XXX)",
            _geojson([*_good_hazards(), _hazard("import-hazard-xxx-1", "AZ-XXX", _square(46.52, 39.68))]),
        ),
        (
            "check_hazard_outside_district.geojson",
            "hazard_areas",
            "outside_district",
            "a hazard area in Shusha named as Zangilan's",
            _geojson([*_good_hazards(), _hazard("import-hazard-zan-2", "AZ-ZAN", _square(46.74, 39.75))]),
        ),
        (
            "check_value_not_in_vocabulary.geojson",
            "hazard_areas",
            "not_allowed",
            "a hazard kind that is not SHA or CHA",
            _geojson(
                [*_good_hazards(), _hazard("import-hazard-lac-2", "AZ-LAC", _square(46.52, 39.68), kind="minefield")]
            ),
        ),
        (
            "check_negative_area.geojson",
            "hazard_areas",
            "negative",
            "a negative area in hectares",
            _geojson([*_good_hazards(), _hazard("import-hazard-lac-2", "AZ-LAC", _square(46.52, 39.68), area_ha=-40)]),
        ),
        (
            "check_house_outside_azerbaijan.geojson",
            "housing",
            "outside_azerbaijan",
            "a house of Lachin placed in Yerevan",
            _geojson(
                [*_good_houses(), _house("import-house-lachin-2", "AZ-LAC-lachin-city", _point(44.5126, 40.1776))]
            ),
        ),
        (
            "check_house_outside_its_district.geojson",
            "housing",
            "outside_district",
            "a house of a Lachin settlement placed in Zangilan",
            _geojson([*_good_houses(), _house("import-house-sus-1", "AZ-LAC-sus", _point(46.70, 39.10))]),
        ),
        (
            "check_dates_out_of_order.geojson",
            "housing",
            "dates_out_of_order",
            "a house completed before its construction started",
            _geojson(
                [
                    *_good_houses(),
                    _house(
                        "import-house-lachin-2",
                        "AZ-LAC-lachin-city",
                        _point(46.5480, 39.6415),
                        under_construction_date="2024-05-01",
                        completed_date="2023-01-20",
                    ),
                ]
            ),
        ),
        (
            "check_status_undated.geojson",
            "housing",
            "status_undated",
            "a house marked completed without its completion date",
            _geojson(
                [
                    *_good_houses(),
                    _house(
                        "import-house-lachin-2", "AZ-LAC-lachin-city", _point(46.5480, 39.6415), completed_date=None
                    ),
                ]
            ),
        ),
        (
            "check_formula_in_name.geojson",
            "settlements",
            "formula_text",
            "a settlement name that a spreadsheet would run as a formula",
            _geojson([_settlement("AZ-LAC-lachin-city", name_en='=HYPERLINK("http://example.com","Lachin")')]),
        ),
        (
            "check_html_in_name.geojson",
            "settlements",
            "markup_text",
            "a settlement name holding a script",
            _geojson([_settlement("AZ-LAC-lachin-city", name_az="<script>alert('x')</script>Laçın")]),
        ),
        (
            "check_percent_above_100.geojson",
            "infrastructure",
            "above_maximum",
            "a school 140 % built",
            _geojson([_asset("import-asset-school-1"), _asset("import-asset-school-2", progress_pct=140)]),
        ),
        (
            "check_duplicate_ids.csv",
            "returns",
            "duplicate_id",
            "two convoys with the same event_id",
            _returns(["import-2025-03-01-lachin", "2025-03-20", "AZ-LAC-beylik", "5", "19", SOURCE]),
        ),
        (
            "check_unknown_settlement.csv",
            "returns",
            "unknown_settlement",
            "a convoy to a settlement id that does not exist",
            _returns(["import-2025-03-20-atlantis", "2025-03-20", "AZ-LAC-atlantis", "5", "19", SOURCE]),
        ),
        (
            "check_negative_count.csv",
            "returns",
            "negative",
            "-3 families in a convoy",
            _returns(["import-2025-03-20-beylik", "2025-03-20", "AZ-LAC-beylik", "-3", "19", SOURCE]),
        ),
        (
            "check_persons_fewer_than_families.csv",
            "returns",
            "persons_fewer_than_families",
            "a convoy of 12 families and 5 persons",
            _returns(["import-2025-03-20-beylik", "2025-03-20", "AZ-LAC-beylik", "12", "5", SOURCE]),
        ),
        (
            "check_31_february.csv",
            "returns",
            "impossible_date",
            "a convoy on 31.02.2025, dates written day first as in Excel",
            _csv(
                RETURNS_HEADER,
                [
                    ["import-2025-03-01-lachin", "01.03.2025", "AZ-LAC-lachin-city", "20", "81", SOURCE],
                    ["import-2025-02-31-beylik", "31.02.2025", "AZ-LAC-beylik", "5", "19", SOURCE],
                    ["import-2025-04-02-sus", "02.04.2025", "AZ-LAC-sus", "9", "35", SOURCE],
                ],
            ),
        ),
        (
            "check_future_date.csv",
            "returns",
            "future_date",
            "a convoy dated 2099 (a typing error in the year)",
            _returns(["import-2099-03-20-beylik", "2099-03-20", "AZ-LAC-beylik", "5", "19", SOURCE]),
        ),
        (
            "check_not_a_date.csv",
            "returns",
            "not_a_date",
            "a convoy dated 'next week'",
            _returns(["import-next-week-beylik", "next week", "AZ-LAC-beylik", "5", "19", SOURCE]),
        ),
        (
            "check_missing_required_column.csv",
            "returns",
            "column_missing",
            "convoys without the persons column",
            _csv(
                [c for c in RETURNS_HEADER if c != "persons"],
                [[v for c, v in zip(RETURNS_HEADER, row) if c != "persons"] for row in GOOD_RETURNS],
            ),
        ),
        (
            "check_required_empty.csv",
            "returns",
            "required_empty",
            "a convoy without its settlement",
            _returns(["import-2025-03-20-unknown", "2025-03-20", "", "5", "19", SOURCE]),
        ),
        (
            "check_text_in_number.csv",
            "returns",
            "not_a_number",
            "'twelve' written in the families column",
            _returns(["import-2025-03-20-beylik", "2025-03-20", "AZ-LAC-beylik", "twelve", "40", SOURCE]),
        ),
        (
            "check_fractional_count.csv",
            "returns",
            "not_whole_number",
            "10.5 persons",
            _returns(["import-2025-03-20-beylik", "2025-03-20", "AZ-LAC-beylik", "3", "10.5", SOURCE]),
        ),
        (
            "check_formula_in_source.csv",
            "returns",
            "formula_text",
            "a source cell that starts with @ (a spreadsheet formula)",
            _returns(
                ["import-2025-03-20-beylik", "2025-03-20", "AZ-LAC-beylik", "5", "19", "@SUM(1+1)*cmd|' /C calc'!A0"]
            ),
        ),
    ]


def main() -> None:
    FILES.mkdir(parents=True, exist_ok=True)
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\n")
    writer.writerow(["file", "layer", "expected_code", "what"])
    for name, layer, code, what, content in cases():
        (FILES / name).write_text(content, encoding="utf-8", newline="")
        writer.writerow([name, layer, code, what])
    MANIFEST.write_text(manifest.getvalue(), encoding="utf-8", newline="")


if __name__ == "__main__":
    main()
