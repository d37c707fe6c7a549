"""Names from the committee's files are not trusted: formulas are neutralised in every CSV the app
offers, and HTML or Markdown in a name is shown as written wherever it is shown (issue 10, item 7)."""

import csv
import io
import json
import re
import tempfile
from pathlib import Path

import hxl
import pandas as pd
import pytest

from lib import charts, exports, maps, metrics, presentation, progress, selection
from lib.diagnosis import DistrictFindings, Finding
from lib.filters import LinkNote, link_warning
from lib.i18n import Translator
from lib.place_search import PlaceMatch
from lib.safe_text import escape_markdown, neutralise_cell, neutralise_formulas
from lib.search_box import result_label
from tests.fixtures import DAY, tiny_layers

EN = Translator("en")
HYPERLINK = '=HYPERLINK("http://x","y")'
SCRIPTED = "<img src=x onerror=alert(1)><script>alert(1)</script> Ağdam"
# What a browser's HTML parser would read as a tag of the hostile name
RAW_TAGS = ("<img src=x", "<script>alert")
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(1)&lt;/script&gt; Ağdam"
CSV_FORMATS = [fmt for fmt in exports.DOWNLOAD_FORMATS if fmt.mime == "text/csv"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+cmd", "'+cmd"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-12.5", "-12.5"),  # a number written as text is a number, not a formula
        ("+3", "+3"),
        ("Ağdam", "Ağdam"),
        ("a=b", "a=b"),  # only the first character counts
        (-5, -5),
        (None, None),
    ],
)
def test_a_cell_that_begins_like_a_formula_is_neutralised_and_anything_else_kept(cell, expected):
    assert neutralise_cell(cell) == expected


def test_numbers_stay_numbers_when_formulas_are_neutralised():
    frame = pd.DataFrame({"name": ["+cmd", "x"], "delta": [-5, 3], "share": [-0.5, 1.0]})
    out = neutralise_formulas(frame)
    assert out["name"].tolist() == ["'+cmd", "x"]
    assert out["delta"].tolist() == [-5, 3] and out["delta"].dtype == frame["delta"].dtype
    assert out["share"].dtype == frame["share"].dtype
    assert frame["name"].tolist() == ["+cmd", "x"]  # the caller's frame is left alone


@pytest.fixture
def hostile_layers():
    """The tiny layers with settlement A named by hostile text in every language, district Lachin
    named by a script, and B by formulas."""
    layers = tiny_layers()
    settlements = layers["settlements"]
    for column in ("name_az", "name_en", "name_ru"):
        settlements.loc[0, column] = SCRIPTED
    settlements.loc[1, ["name_az", "name_en", "name_ru"]] = [HYPERLINK, "+cmd", "@SUM(1)"]
    settlements.loc[0, "planned_households"] = -10  # a negative number: stays a number
    districts = layers["districts"]
    districts.loc[0, ["name_az", "name_en", "name_ru"]] = SCRIPTED
    return layers


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize("fmt", CSV_FORMATS, ids=[fmt.key for fmt in CSV_FORMATS])
def test_every_csv_download_neutralises_formulas_in_names_and_keeps_numbers(fmt, hostile_layers):
    rows = _cells(fmt.build(hostile_layers["settlements"], "settlements"))
    header = rows[0]
    body = rows[2:] if fmt.key == "hxl" else rows[1:]  # under the HXL header, its hashtag row
    names = {row[header.index("name_en")] for row in body}
    assert "'+cmd" in names
    assert {row[header.index("name_az")] for row in body} >= {"'" + HYPERLINK}
    assert [row[header.index("planned_households")] for row in body] == ["-10", "100"]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")) or cell.lstrip("+").isdigit(), cell
            assert not cell.startswith("-") or re.fullmatch(r"-[\d.]+", cell), cell


def test_every_layer_a_table_offers_downloads_as_csv_without_a_live_formula(hostile_layers):
    for layer in ("settlements", "districts", "returns", "housing", "hazard_areas", "infrastructure"):
        frame = hostile_layers[layer].copy()
        frame["source"] = "=1+1"
        for fmt in CSV_FORMATS:
            text = fmt.build(frame, layer).decode("utf-8")
            assert "\n=1+1" not in text and ",=1+1" not in text, (layer, fmt.key)


def test_hxl_export_with_neutralised_names_still_parses_with_libhxl(hostile_layers):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settlements.csv"
        path.write_bytes(exports.to_hxl_csv(hostile_layers["settlements"]))
        dataset = hxl.data(str(path), hxl.input.InputOptions(allow_local=True)).cache()
        assert "#loc+code" in [column.display_tag for column in dataset.columns]
        assert [row.get("#loc+name+i_en") for row in dataset] == [SCRIPTED, "'+cmd"]
        assert [row.get("#loc+code") for row in dataset] == ["AZ-LAC-a", "AZ-ZAN-b"]


def test_geojson_keeps_names_as_stored_for_gis_tools(hostile_layers):
    # GIS tools run no formulas; an id or name changed here would no longer match the store's
    collection = json.loads(exports.to_geojson(hostile_layers["settlements"]))
    assert [f["properties"]["name_az"] for f in collection["features"]] == [SCRIPTED, HYPERLINK]


def _page_source(fmap) -> str:
    return fmap.get_root().render()


def _maps(layers):
    table = progress.district_progress(layers, "2024-01-01", DAY("2024-06-30"))
    summary = metrics.settlement_summary(layers["settlements"], layers["returns"], layers["housing"], "2024-01-01")
    data = selection.layers_as_of(layers, "2024-01-01")
    explorer = maps.explorer_map(data, maps.EXPLORER_LAYERS, layers["districts"], layers["districts"], EN)
    maps.explorer_layers(data, maps.EXPLORER_LAYERS, None, EN).add_to(explorer)
    added = layers["settlements"].assign(label=layers["settlements"]["name_en"])
    return {
        "import_preview": maps.import_preview_map(layers["districts"], {"added": added}, EN),
        "return_areas": maps.return_areas_map(layers["districts"], summary, EN),
        "progress": maps.progress_map(layers["districts"], table, "families_returned", "Families", summary, EN),
        "explorer": explorer,
    }


@pytest.mark.parametrize("name", ["return_areas", "progress", "explorer", "import_preview"])
def test_a_name_with_html_reaches_every_map_only_escaped(name, hostile_layers):
    source = _page_source(_maps(hostile_layers)[name])
    for tag in RAW_TAGS:
        assert tag not in source
    # the JSON in the map's scripts says "<" as \u003c; read as JavaScript reads it, the tooltips
    # written in Python hold the name as entities (plain-text tooltips escape it in the browser)
    decoded = re.sub(r"\\u([0-9a-fA-F]{4})", lambda code: chr(int(code.group(1), 16)), source)
    assert ESCAPED in decoded


def test_a_name_cannot_close_the_script_of_a_map(hostile_layers):
    hostile_layers["settlements"].loc[0, "name_en"] = "</script><script>alert(2)</script>"
    source = _page_source(_maps(hostile_layers)["explorer"])
    assert "alert(2)" not in source.replace("\\u003c/script\\u003e\\u003cscript\\u003ealert(2)", "")


def test_chart_labels_show_html_in_a_name_as_text(hostile_layers):
    table = progress.district_progress(hostile_layers, "2024-01-01", DAY("2024-06-30"))
    ranking = charts.district_ranking(table, "families_returned", table["name_en"], "families", EN)
    assert ESCAPED in list(ranking.data[0].y)
    layers = hostile_layers
    summary = metrics.settlement_summary(layers["settlements"], layers["returns"], layers["housing"], "2024-06-30")
    timeline = charts.settlement_timeline(summary, summary["name_en"], "2024-06-30", EN)
    for figure in (ranking, timeline):
        text = figure.to_json()
        assert not any(tag in text for tag in RAW_TAGS)


def test_markdown_escaping_leaves_no_markup_in_a_name():
    escaped = escape_markdown("- **x** [a](javascript:alert(1)) <b>y</b> # `z` | _1_\n# two")
    assert re.search(r"(?<!\\)[*\[\]<>#`|_]", escaped) is None
    assert escaped.startswith("\\- ") and "\n" not in escaped  # no list item, one line


def test_what_holds_a_district_back_names_it_without_its_markup():
    entry = DistrictFindings("AZ-LAC", (Finding("AZ-LAC", "hazards", 1.0, {"hectares": 5, "settlements": ["a"]}),))
    text = presentation.describe_district(entry, {"AZ-LAC": SCRIPTED, "a": "[x](javascript:alert(1))"}, EN)
    assert re.search(r"(?<!\\)[<>\[\]]", text) is None
    assert text.startswith("**\\<img src=x")


def test_link_warnings_and_search_results_show_their_text_as_written():
    warning = link_warning([LinkNote("link.ignored", "districts", SCRIPTED)], EN)
    assert "<img" not in warning.replace("\\<img", "")
    match = PlaceMatch("settlement", "AZ-LAC-a", "AZ-LAC", SCRIPTED, "*Lachin*", 1.0)
    label = result_label(match, EN)
    assert "\\<img" in label and "\\*Lachin\\*" in label


def test_the_excel_download_holds_no_formula_and_neutralised_names(hostile_layers):
    import zipfile

    data = exports.to_xlsx(hostile_layers["settlements"], "settlements")
    with zipfile.ZipFile(io.BytesIO(data)) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet  # no cell is a formula
    frame = pd.read_excel(io.BytesIO(data), engine="calamine")
    assert "'+cmd" in set(frame["name_en"]) and "'" + HYPERLINK in set(frame["name_az"])
    assert frame["planned_households"].tolist() == [-10, 100]  # numbers stay numbers
