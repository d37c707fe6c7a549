"""Reading the committee's files (lib/import_read.py): every format with what was detected, every
override, the CRS inferred from numbers alone, Azerbaijani letters kept, and each bad file of the
reader's corpus (tests/import_corpus/read_cases.csv) refused with its own message."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
import shapely
from pyproj import Transformer

from lib.i18n import LANGUAGES, Translator
from lib.import_read import (
    ReadOptions,
    crs_fits,
    decode_text,
    detect_date_order,
    geometry_problems,
    guess_crs,
    normalise_cells,
    read_import,
    sniff_separator,
)

CORPUS = Path(__file__).parent / "import_corpus"
GOOD = CORPUS / "good"
AZ_LETTERS = "əğıöüçşƏİ"
SHUSHA = (46.748, 39.758)


def _read(name: str, options: ReadOptions | None = None, folder: Path = GOOD):
    return read_import((folder / name).read_bytes(), name, options or ReadOptions())


def _codes(imported) -> list[str]:
    return [p.code for p in imported.problems]


def _first_point(imported) -> tuple[float, float]:
    point = imported.table.frame.geometry.iloc[0]
    return round(point.x, 4), round(point.y, 4)


# --- every format, with its detection ---------------------------------------------------------

GOOD_FILES = {
    "returns.csv": dict(format="csv", encoding="utf-8-sig", separator=";", date_order="dmy", geometry_from=None),
    "returns_cp1251.csv": dict(format="csv", encoding="cp1251", separator=";", date_order="dmy"),
    "returns_utf16.txt": dict(format="csv", encoding="utf-16", separator="\t", date_order="dmy"),
    "returns.xlsx": dict(format="xlsx", source_layers=("Qayıdışlar",), geometry_from=None),
    "settlements_lonlat.csv": dict(
        format="csv", decimal=",", geometry_from="lonlat", crs="EPSG:4326", crs_how="assumed", crs_reason="crs.degrees"
    ),
    "settlements_swapped.csv": dict(format="csv", swapped_xy=True, crs_reason="crs.swapped", geometry_from="lonlat"),
    "settlements.geojson": dict(format="geojson", crs="EPSG:4326", crs_how="file", crs_reason=None),
    "settlements.gpkg": dict(format="gpkg", crs="EPSG:4326", crs_how="file", source_layers=("settlements",)),
    "settlements_shp.zip": dict(format="shapefile", crs="EPSG:32638", crs_how="file", encoding="utf-8"),
    "settlements_utm38_noprj.zip": dict(
        format="shapefile", crs="EPSG:32638", crs_how="assumed", crs_reason="crs.metres_utm38"
    ),
    "settlements.kml": dict(format="kml", crs="EPSG:4326", crs_how="file", geometry_from="file"),
    "settlements.kmz": dict(format="kmz", crs="EPSG:4326", crs_how="file"),
    "hazard_areas_wkt.csv": dict(format="csv", separator=",", geometry_from="wkt", crs_reason="crs.degrees"),
}


@pytest.mark.parametrize("name", sorted(GOOD_FILES))
def test_each_good_file_reads_without_problems_and_says_what_it_detected(name):
    imported = _read(name)
    assert imported.problems == []
    for key, expected in GOOD_FILES[name].items():
        assert getattr(imported.detected, key) == expected, key
    frame = imported.table.frame
    assert len(frame) == len(imported.table.rows) > 0
    if imported.detected.geometry_from is not None:
        assert isinstance(frame, gpd.GeoDataFrame) and frame.crs == "EPSG:4326"
        assert frame.geometry.notna().all()
        assert frame.geometry.x.between(44, 51).all() if frame.geom_type.iloc[0] == "Point" else True


@pytest.mark.parametrize("name", sorted(GOOD_FILES))
def test_azerbaijani_letters_survive_every_format(name):
    imported = _read(name)
    text = "".join(
        imported.table.frame.drop(columns="geometry", errors="ignore").astype(str).fillna("").to_numpy().ravel()
    )
    if name == "returns_cp1251.csv":  # Windows-1251 has no Azerbaijani letters: Russian ones survive
        assert "Комитет: колонна переселенцев, Шуша" in text
    elif name.endswith((".kml", ".kmz")):
        assert {"Şuşa", "Laçın", "Füzuli"} <= set(imported.table.frame["name_az"])
        assert any("yerlər" in layer for layer in imported.detected.source_layers)
    else:
        assert set(AZ_LETTERS) <= set(text), name


def test_a_shapefile_keeps_azerbaijani_letters_in_its_layer_name():
    assert _read("settlements_shp.zip").table.name == "yaşayış_məntəqələri"


def test_csv_rows_are_the_numbers_excel_shows_blank_lines_counted():
    text = "event_id;families\r\na;1\r\n\r\nb;2\r\n"
    imported = read_import(text.encode(), "r.csv")
    assert imported.table.row_kind == "row"
    assert imported.table.rows.tolist() == [2, 4]
    assert imported.table.frame["event_id"].tolist() == ["a", "b"]


def test_csv_cells_stay_text_with_empty_as_missing():
    imported = _read("returns.csv")
    frame = imported.table.frame
    assert frame["families"].tolist() == ["20", "15", "31"]
    assert frame["date"].tolist() == ["2026-01-12", "2026-01-26", "2026-02-09"]
    assert read_import(b"a;b\r\nx;\r\n", "e.csv").table.frame["b"].isna().all()


def test_features_count_from_one_across_the_folders_of_a_kml():
    table = _read("settlements.kml").table
    assert table.row_kind == "feature"
    assert table.rows.tolist() == [1, 2, 3, 4]
    assert len(_read("settlements.kml").detected.source_layers) == 3
    # the phone's altitude is dropped: geometries are 2D
    assert not shapely.has_z(table.frame.geometry.values).any()


def test_xlsx_rows_are_the_sheet_rows_and_date_cells_become_iso_text():
    imported = _read("returns.xlsx")
    assert imported.table.rows.tolist() == [2, 3, 4]
    assert imported.table.frame["date"].tolist() == ["2026-01-12", "2026-01-26", "2026-02-09"]
    assert imported.table.frame["families"].tolist() == ["20", "15", "31"]


def test_format_is_told_by_content_not_by_the_name():
    data = (GOOD / "settlements.geojson").read_bytes()
    assert read_import(data, "export.txt").detected.format == "geojson"
    assert read_import((GOOD / "settlements.gpkg").read_bytes(), "upload").detected.format == "gpkg"
    assert read_import((GOOD / "settlements.kmz").read_bytes(), "phone.zip").detected.format == "kmz"


# --- text: encodings, separators, decimals, dates ---------------------------------------------


def test_text_is_decoded_strictly_before_guessing():
    assert decode_text("şəhər".encode()) == ("şəhər", "utf-8")
    assert decode_text("\ufeffşəhər".encode()) == ("şəhər", "utf-8-sig")
    assert decode_text("şəhər".encode("utf-16")) == ("şəhər", "utf-16")
    russian = "Комитет: колонна переселенцев прибыла в Шушу\n".encode("cp1251")
    assert decode_text(russian) == ("Комитет: колонна переселенцев прибыла в Шушу\n", "cp1251")


@pytest.mark.parametrize(
    ("header", "separator"),
    [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"), ('"x;y",b,c', ","), ("a", ",")],
)
def test_separator_is_counted_on_the_header_outside_quotes(header, separator):
    assert sniff_separator(header) == separator


def test_decimal_commas_become_points_only_for_numbers():
    frame = pd.DataFrame({"a": ["12,5", "-3,25", "Ağdam, Şuşa", "1,2,3"]}, dtype="str")
    out = normalise_cells(frame, ",", None)
    assert out["a"].tolist() == ["12.5", "-3.25", "Ağdam, Şuşa", "1,2,3"]


def test_a_quoted_decimal_comma_in_a_comma_separated_file_is_read():
    imported = read_import(b'event_id,value\r\na,"12,5"\r\n', "v.csv")
    assert imported.detected.decimal == ","
    assert imported.table.frame["value"].tolist() == ["12.5"]


def test_dates_become_iso_text_and_impossible_ones_stay_visible():
    frame = pd.DataFrame({"d": ["31.01.2025", "31.02.2025", "1.2.2025", "2025-3-4 00:00:00", None]}, dtype="str")
    assert detect_date_order(frame) == "dmy"
    out = normalise_cells(frame, ".", "dmy")
    assert out["d"].tolist()[:4] == ["2025-01-31", "2025-02-31", "2025-02-01", "2025-03-04"]
    assert pd.isna(out["d"].iloc[4])


@pytest.mark.parametrize(
    ("values", "order"),
    [
        (["13/01/2025", "01/02/2025"], "dmy"),
        (["01/13/2025", "01/02/2025"], "mdy"),
        (["01/02/2025"], "dmy"),  # ambiguous: day first, as in Azerbaijan and Russia
        (["2025-01-02"], "ymd"),
        (["Şuşa"], None),
    ],
)
def test_date_order_is_month_first_only_when_unambiguous(values, order):
    assert detect_date_order(pd.DataFrame({"d": values}, dtype="str")) == order


def test_month_first_dates_are_converted_as_such():
    imported = read_import(b"event_id,date\na,01/13/2025\nb,02/01/2025\n", "us.csv")
    assert imported.detected.date_order == "mdy"
    assert imported.table.frame["date"].tolist() == ["2025-01-13", "2025-02-01"]


# --- every option overrides what was detected -------------------------------------------------


def test_encoding_option_overrides_detection():
    data = "event_id;note\r\na;Şuşa\r\n".encode()
    imported = read_import(data, "x.csv", ReadOptions(encoding="cp1252"))
    assert imported.detected.encoding == "cp1252"
    assert imported.table.frame["note"].iloc[0] != "Şuşa"


def test_a_wrong_encoding_option_is_a_problem_naming_the_line():
    data = "event_id;note\r\na;b\r\nc;Şuşa\r\n".encode()
    imported = read_import(data, "x.csv", ReadOptions(encoding="ascii"))
    assert _codes(imported) == ["file_encoding_invalid"]
    assert dict(imported.problems[0].values)["line"] == 3


def test_separator_option_overrides_detection():
    imported = read_import(b"a;b,c\r\n1;2,3\r\n", "x.csv", ReadOptions(separator=","))
    assert imported.detected.separator == ","
    assert list(imported.table.frame.columns) == ["a;b", "c"]


def test_decimal_option_overrides_detection():
    imported = read_import(b"a;b\r\n1;12,5\r\n", "x.csv", ReadOptions(decimal="."))
    assert imported.detected.decimal == "."
    assert imported.table.frame["b"].tolist() == ["12,5"]


def test_date_order_option_overrides_detection():
    imported = read_import(b"a;d\r\n1;01.02.2025\r\n", "x.csv", ReadOptions(date_order="mdy"))
    assert imported.detected.date_order == "mdy"
    assert imported.table.frame["d"].tolist() == ["2025-01-02"]


def test_crs_option_overrides_the_file_and_the_inference():
    imported = _read("settlements_utm38_noprj.zip", ReadOptions(crs="EPSG:32639"))
    assert (imported.detected.crs, imported.detected.crs_how) == ("EPSG:32639", "given")
    assert _first_point(imported)[0] > 52  # read as zone 39 they land in the Caspian, as asked


def test_an_unknown_crs_option_is_a_problem():
    assert _codes(_read("settlements_lonlat.csv", ReadOptions(crs="EPSG:nonsense"))) == ["file_crs_invalid"]


def test_swap_option_forces_and_forbids_the_swap():
    forbidden = _read("settlements_swapped.csv", ReadOptions(swap_xy=False))
    assert not forbidden.detected.swapped_xy and _first_point(forbidden) == (SHUSHA[1], SHUSHA[0])
    forced = _read("settlements_lonlat.csv", ReadOptions(swap_xy=True))
    assert forced.detected.swapped_xy and _first_point(forced) == (SHUSHA[1], SHUSHA[0])
    assert _first_point(_read("settlements_swapped.csv")) == SHUSHA


def test_source_layer_option_picks_a_kml_folder_or_an_unknown_one_is_named():
    layers = _read("settlements.kml").detected.source_layers
    one = _read("settlements.kml", ReadOptions(source_layer=layers[2]))
    assert one.table.name == layers[2] and one.table.frame["district_id"].unique().tolist() == ["AZ-SUS"]
    missing = _read("returns.xlsx", ReadOptions(source_layer="Vərəq 9"))
    assert _codes(missing) == ["file_layer_not_found"] and "Qayıdışlar" in dict(missing.problems[0].values)["layers"]


def test_max_bytes_option_and_setting_refuse_an_oversized_file(tmp_path, monkeypatch):
    big = tmp_path / "big.csv"
    big.write_bytes(b"event_id;families\r\n" + b"kom;1\r\n" * 200_000)
    imported = read_import(big.read_bytes(), big.name, ReadOptions(max_bytes=1_000_000))
    assert _codes(imported) == ["file_too_large"] and imported.table is None
    assert dict(imported.problems[0].values)["limit_mb"] == "1"
    from lib import config

    monkeypatch.setenv("GREAT_RETURN_IMPORT_MAX_BYTES", "1000000")
    config.get_settings.cache_clear()
    try:
        assert _codes(read_import(big.read_bytes(), big.name)) == ["file_too_large"]
    finally:
        config.get_settings.cache_clear()


def test_a_zip_bomb_is_refused_before_its_size_is_unpacked(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.shp", bytes(3_000_000))
        archive.writestr("a.dbf", bytes(3_000_000))
    # under the ratio limit only with a tiny size limit: the declared total is then over it
    imported = read_import(buffer.getvalue(), "a.zip", ReadOptions(max_bytes=1_000_000))
    assert _codes(imported) == ["file_zip_too_large"]


# --- coordinates inferred from numbers alone --------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "crs", "swap", "reason"),
    [
        ([46.75, 47.1], [39.76, 39.6], "EPSG:4326", False, "crs.degrees"),
        ([39.76, 39.6], [46.75, 47.1], "EPSG:4326", True, "crs.swapped"),
        ([649_500, 680_000], [4_402_000, 4_385_000], "EPSG:32638", False, "crs.metres_utm38"),
        ([150_000], [4_450_000], "EPSG:32639", False, "crs.metres_utm39"),
        ([5_204_000], [4_829_000], "EPSG:3857", False, "crs.metres_web_mercator"),
    ],
)
def test_crs_is_inferred_from_the_ranges_of_the_numbers(x, y, crs, swap, reason):
    guess = guess_crs(np.array(x), np.array(y))
    assert (guess.crs, guess.swap, guess.reason) == (crs, swap, reason)


@pytest.mark.parametrize(("x", "y"), [([-30.5], [30.2]), ([12_000_000], [9_000_000]), ([np.nan], [np.nan])])
def test_numbers_that_fit_no_known_crs_give_no_guess(x, y):
    assert guess_crs(np.array(x), np.array(y)) is None


def test_the_median_point_decides_so_a_stray_coordinate_does_not():
    guess = guess_crs(np.array([46.7, 46.8, 46.9, 0.0]), np.array([39.7, 39.8, 39.9, 0.0]))
    assert guess.reason == "crs.degrees"


def test_utm_metres_of_the_return_areas_are_zone_38_where_the_zones_overlap():
    # 460 km east is 44.5 degrees in zone 38 and 50.5 degrees in zone 39: the return areas are in 38
    assert guess_crs(np.array([460_000.0]), np.array([4_400_000.0])).crs == "EPSG:32638"


def test_a_declared_crs_fits_when_it_puts_the_points_in_azerbaijan():
    assert crs_fits("EPSG:4326", [46.7], [39.7])
    assert not crs_fits("EPSG:4326", [649_500], [4_402_000])
    assert crs_fits("EPSG:32638", [649_500], [4_402_000])


def test_a_geojson_in_metres_without_a_crs_member_is_assumed_utm_and_converted():
    document = json.loads((GOOD / "settlements.geojson").read_text(encoding="utf-8"))
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32638", always_xy=True)
    for feature in document["features"]:
        feature["geometry"]["coordinates"] = list(to_utm.transform(*feature["geometry"]["coordinates"]))
    imported = read_import(json.dumps(document).encode(), "m.geojson")
    assert imported.problems == []
    assert (imported.detected.crs, imported.detected.crs_how) == ("EPSG:32638", "assumed")
    assert _first_point(imported) == SHUSHA


def test_a_declared_crs_that_contradicts_the_numbers_names_the_likely_one():
    imported = read_import((CORPUS / "files" / "read_metres_claiming_crs84.geojson").read_bytes(), "m.geojson")
    assert _codes(imported) == ["file_crs_contradiction"]
    assert dict(imported.problems[0].values) == {"declared": "EPSG:4326", "likely": "EPSG:32638"}
    assert "EPSG:32638" in imported.problems[0].describe(Translator("az"))
    # the preview shows where the rows would land with the likely CRS; choosing it clears the problem
    assert _first_point(imported) == SHUSHA
    chosen = read_import(
        (CORPUS / "files" / "read_metres_claiming_crs84.geojson").read_bytes(),
        "m.geojson",
        ReadOptions(crs="EPSG:32638"),
    )
    assert chosen.problems == [] and _first_point(chosen) == SHUSHA


# --- the corpus of bad files ------------------------------------------------------------------


def _cases() -> list[dict]:
    with (CORPUS / "read_cases.csv").open(encoding="utf-8") as manifest:
        return list(csv.DictReader(manifest))


def test_the_read_corpus_has_at_least_twenty_small_files_each_in_the_manifest():
    cases = _cases()
    files = {p.name for p in (CORPUS / "files").glob("read_*")}
    assert len(cases) >= 20
    assert {c["file"] for c in cases} == files
    assert all((CORPUS / "files" / name).stat().st_size < 16_000 for name in files)


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case["file"])
def test_each_bad_file_is_refused_with_its_message(case):
    from lib.schema import LAYERS

    assert case["layer"] in LAYERS
    imported = _read(case["file"], folder=CORPUS / "files")
    problems = imported.problems + geometry_problems(imported, case["layer"])
    assert case["expected_code"] in [p.code for p in problems], [p.message for p in problems]
    for language in LANGUAGES:
        for problem in problems:
            assert problem.describe(Translator(language)).strip()


def test_zip_members_are_never_unpacked_into_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("read_zip_slip.zip", "read_zip_absolute.zip", "read_zip_bomb.zip"):
        _read(name, folder=CORPUS / "files")
    _read("settlements_shp.zip")
    assert list(tmp_path.iterdir()) == []
    assert not (tmp_path.parent / "settlements.shp").exists()


def test_problems_name_the_row_the_user_sees():
    imported = _read("read_bad_coordinate.csv", folder=CORPUS / "files")
    (problem,) = imported.problems
    assert (problem.row, problem.field) == (2, "lon")


# --- progress and size ------------------------------------------------------------------------


def test_a_100000_row_csv_reads_whole_with_progress_reported():
    n = 100_000
    lines = [
        f"kom-{i};{1 + i % 28:02d}.01.2026;AZ-SUS-shusha-city;{i % 9};{i % 40};Şuşa, köç;46,748;39,758"
        for i in range(n)
    ]
    data = ("event_id;date;settlement_id;families;persons;source;lon;lat\r\n" + "\r\n".join(lines)).encode("utf-8-sig")
    seen: list[tuple[float, str]] = []
    imported = read_import(data, "big.csv", progress=lambda fraction, code: seen.append((fraction, code)))
    frame = imported.table.frame
    assert imported.problems == [] and len(frame) == n
    assert imported.table.rows.iloc[-1] == n + 1
    assert frame["date"].iloc[-1] == f"2026-01-{1 + (n - 1) % 28:02d}"
    assert frame.geometry.x.round(3).eq(46.748).all()
    fractions = [f for f, _ in seen]
    assert len(seen) >= 5 and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(Translator("az")(code) for _, code in seen)


def test_a_good_file_corrupted_at_random_is_refused_in_words_never_raised():
    import random

    rng = random.Random(10)
    files = sorted(GOOD.iterdir())
    for _ in range(60):
        path = rng.choice(files)
        data = bytearray(path.read_bytes())
        if rng.random() < 0.5:
            data = data[: rng.randrange(len(data))]
        else:
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        imported = read_import(bytes(data), path.name)
        assert imported.table is not None or imported.problems, path.name
        for problem in imported.problems:
            assert "great-return-import-" not in problem.describe(Translator("en"))


def test_russian_text_in_koi8_r_is_told_from_windows_1251_by_its_letter_case():
    from lib.import_read import decode_text

    text = "event_id;note\nc-1;Семьи вернулись в Лачин, всё хорошо\n"
    assert decode_text(text.encode("koi8-r")) == (text, "koi8-r")
    assert decode_text(text.encode("cp1251")) == (text, "cp1251")
    # capitals only read the same both ways: Excel on Windows' code page, which the user can override
    assert decode_text("ЗАГОЛОВОК;ТЕКСТ\n".encode("cp1251"))[1] == "cp1251"


def test_utf_16_without_a_byte_order_mark_is_not_taken_for_utf_8():
    from lib.import_read import decode_text

    text = "event_id;note\nc-1;Ağdam, Şuşa\n"
    assert decode_text(text.encode("utf-16-le")) == (text, "utf-16-le")
    assert decode_text(text.encode("utf-16-be")) == (text, "utf-16-be")
