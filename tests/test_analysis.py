"""What holds it back, hazards near settlements, selections, exports, charts, wording."""

import io
import json
import tempfile
from pathlib import Path

import hxl
import pandas as pd
import pytest

import pyogrio

from lib import charts, diagnosis, exports, maps, metrics, presentation, progress, selection, spatial, styling
from lib.i18n import Translator
from lib.kpi import Base, Kpi
from tests.availability import NO_GDAL_UTILS, require_module
from tests.fixtures import DAY, tiny_layers
from tests.map_html import cdn_urls_in

DATA_DATE = DAY("2024-06-30")
EN = Translator("en")


@pytest.fixture
def layers():
    return tiny_layers()


def test_unreleased_hazards_within_2_km_of_a_settlement_are_found(layers):
    pairs = spatial.hazards_near_settlements(layers["hazard_areas"], layers["settlement_boundaries"])
    near = spatial.unreleased_near(pairs, "2024-01-01")
    # z1 is released by then; z2 (50 ha) is ~1.5 km from A; z3 is far from everything
    assert near.to_dict("records") == [{"settlement_id": "AZ-LAC-a", "hazard_count": 1, "hazard_ha": 50.0}]
    assert spatial.unreleased_near(pairs, "2022-06-01")["hazard_ha"].tolist() == [150.0]


def test_spatial_analysis_refuses_layers_in_another_crs(layers):
    with pytest.raises(ValueError, match="EPSG:4326"):
        spatial.hazards_near_settlements(layers["hazard_areas"].to_crs("EPSG:32638"), layers["settlement_boundaries"])


def test_findings_name_empty_homes_jobs_hazards_and_infrastructure():
    table = pd.DataFrame(
        {
            "district_id": ["D1", "D2"],
            "units_completed": [200, 10],
            "units_occupied": [40, 10],
            "families_returned": [40, 10],
            "jobs_created": [5, 10],
            "infrastructure_completion": [40.0, 90.0],
        }
    )
    # h1 lies near both settlements of D2 and counts once there
    near = pd.DataFrame(
        {"hazard_id": ["h1", "h1", "h2"], "settlement_id": ["s1", "s2", "s2"], "area_ha": [300.0, 300.0, 200.0]}
    )
    settlements = pd.DataFrame({"settlement_id": ["s1", "s2"], "district_id": ["D2", "D2"]})
    entries = diagnosis.what_holds_back(table, near, settlements)
    found = {(f.district_id, f.kind): f.values for entry in entries for f in entry.findings}
    assert found == {
        ("D1", "empty_homes"): {"empty": 160, "completed": 200},
        ("D1", "jobs"): {"jobs": 5, "families": 40},
        ("D1", "infrastructure"): {"percent": 40.0},
        ("D2", "hazards"): {"hectares": 500.0, "settlements": ("s1", "s2")},
    }


def test_each_district_is_one_entry_with_its_reasons_worst_first():
    table = pd.DataFrame(
        {
            "district_id": ["D1", "D2", "D3"],
            "units_completed": [200, 100, 0],
            "units_occupied": [40, 45, 0],  # D1 80 % empty, D2 55 %
            "families_returned": [40, 45, 0],
            "jobs_created": [5, 40, 0],  # D1: 1 - 5/40 = 0.875
            "infrastructure_completion": [70.0, 30.0, 0.0],  # D2: 0.7
        }
    )
    near = pd.DataFrame({"hazard_id": ["h1"], "settlement_id": ["s1"], "area_ha": [3000.0]})  # 0.75
    settlements = pd.DataFrame({"settlement_id": ["s1"], "district_id": ["D2"]})
    entries = diagnosis.what_holds_back(table, near, settlements)
    assert [entry.district_id for entry in entries] == ["D1", "D2"]  # D3 has nothing to report
    assert [f.kind for f in entries[0].findings] == ["jobs", "empty_homes"]
    assert [f.kind for f in entries[1].findings] == ["hazards", "infrastructure", "empty_homes"]


def test_findings_are_worded_in_one_plain_sentence_per_district():
    entry = diagnosis.DistrictFindings(
        "AZ-LAC",
        (
            diagnosis.Finding("AZ-LAC", "jobs", 0.9, {"jobs": 5, "families": 1200}),
            diagnosis.Finding("AZ-LAC", "hazards", 0.5, {"hectares": 1000.0, "settlements": ("s1", "s2")}),
        ),
    )
    names = {"AZ-LAC": "Lachin", "s1": "Zabukh", "s2": "Sus"}
    assert presentation.describe_district(entry, names, EN) == (
        "**Lachin**: returns outpace jobs: 5 jobs for 1,200 returned families; "
        "1,000 ha of hazard areas not yet released lie within 2 km of Zabukh, Sus."
    )


def test_layers_as_of_drop_records_not_yet_known_and_restate_statuses(layers):
    early = selection.layers_as_of(layers, "2023-02-15")
    assert early["housing"]["status"].tolist() == ["occupied", "under_construction", "under_construction"]
    assert early["returns"]["event_id"].tolist() == ["e1"]
    assert early["hazard_areas"]["status"].tolist() == ["released", "in_clearance", "suspected"]
    assert early["settlement_summary"].set_index("settlement_id").at["AZ-LAC-a", "families_returned"] == 2


def test_a_map_click_gives_the_full_record_and_its_settlements_housing(layers):
    data = selection.layers_as_of(layers, "2024-01-01")
    record = selection.record_of(data, {"properties": {"layer": "settlements", "id": "AZ-LAC-a"}})
    assert record["families_returned"] == 6 and "geometry" not in record.index
    assert selection.settlement_housing(data, record)["house_id"].tolist() == ["h1", "h2", "h3"]
    hazard = selection.record_of(data, {"properties": {"layer": "hazard_areas", "id": "z2"}})
    assert hazard["area_ha"] == 50 and selection.settlement_housing(data, hazard) is None
    assert selection.record_of(data, None) is None
    assert selection.record_of(data, {"properties": {"layer": "housing", "id": "nope"}}) is None


def test_csv_geojson_and_geopackage_exports_hold_exactly_the_rows(layers, tmp_path):
    houses = layers["housing"].iloc[:2]
    table = pd.read_csv(io.BytesIO(exports.to_csv(houses)))
    assert table["house_id"].tolist() == ["h1", "h2"] and {"lon", "lat"} <= set(table.columns)
    assert table["completed_date"].tolist() == ["2022-12-01", "2023-03-01"]
    collection = json.loads(exports.to_geojson(houses))
    assert [f["properties"]["house_id"] for f in collection["features"]] == ["h1", "h2"]
    package = tmp_path / "export.gpkg"
    package.write_bytes(exports.to_geopackage({"housing": houses}))
    assert pyogrio.read_dataframe(package, layer="housing")["house_id"].tolist() == ["h1", "h2"]


def test_exported_geopackage_passes_gdal_validator(layers, tmp_path):
    import runpy
    import sys

    validator = require_module("osgeo_utils.samples.validate_gpkg", NO_GDAL_UTILS)
    package = tmp_path / "export.gpkg"
    package.write_bytes(exports.to_geopackage({"hazard_areas": layers["hazard_areas"], "housing": layers["housing"]}))
    argv, sys.argv = sys.argv, ["validate_gpkg.py", str(package)]
    try:
        with pytest.raises(SystemExit) as exited:
            runpy.run_path(validator.__file__, run_name="__main__")
    finally:
        sys.argv = argv
    assert exited.value.code in (0, None)


def test_hxl_export_parses_with_libhxl_and_keeps_the_tags(layers):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "returns.csv"
        path.write_bytes(exports.to_hxl_csv(layers["returns"]))
        dataset = hxl.data(str(path), hxl.input.InputOptions(allow_local=True)).cache()
        tags = [column.display_tag for column in dataset.columns]
        assert "#affected+households+idps+returned" in tags or "#affected+idps+returned+households" in tags
        assert "#date" in tags and "#loc+code" in tags
        assert [row.get("#event+id") for row in dataset] == ["e1", "e2", "e3"]


def test_file_names_say_what_and_when():
    assert exports.file_stem("housing", ["AZ-LAC-a"], "2024-01-01") == "great-return_housing_AZ-LAC-a_2024-01-01"
    assert exports.file_stem("housing", ["a", "b", "c", "d"], "2024-01-01").endswith("_selection_2024-01-01")


def test_trajectory_chart_shows_returns_target_and_reported_totals(layers):
    figure = charts.returns_trajectory(
        progress.returns_over_time(layers["returns"], "2024-01-31"),
        progress.target_trajectory(layers["targets"]),
        progress.reported_totals(layers["reported_figures"], "2024-01-31"),
        EN,
    )
    assert [trace.name for trace in figure.data] == [
        "Families returned (cumulative)",
        "Target trajectory",
        "Reported total",
    ]
    assert list(figure.data[0].y)[-1] == 6 and list(figure.data[2].customdata) == ["https://f1"]


def test_ranking_chart_puts_the_best_district_on_top(layers):
    table = progress.district_progress(layers, "2024-01-01", DATA_DATE)
    figure = charts.district_ranking(table, "families_returned", table["name_en"], "families", EN)
    assert list(figure.data[0].y) == ["Zangilan", "Lachin"]  # Plotly draws the last bar on top


def test_classes_split_values_by_natural_breaks_and_mark_missing():
    classes = styling.classify(pd.Series([1.0, 2.0, 2.5, 10.0, 11.0, 50.0, None]), classes=3)
    index = classes.index
    assert index[-1] == -1 and len(classes.upper) == 3
    assert index[0] == index[1] == index[2] and index[3] == index[4] and index[5] > index[4]


def test_progress_map_shades_selected_districts_and_names_its_legend(layers):
    table = progress.district_progress(layers, "2024-01-01", DATA_DATE)
    summary = metrics.settlement_summary(layers["settlements"], layers["returns"], layers["housing"], "2024-01-01")
    fmap = maps.progress_map(
        layers["districts"], table, "families_returned", "Families returned (families)", summary, EN
    )
    html = fmap.get_root().render()
    assert "Families returned (families)" in html and styling.SEQUENTIAL[-1] in html
    assert cdn_urls_in(fmap) == []


def test_explorer_map_carries_layer_and_id_for_clicks_and_a_legend_for_what_is_on(layers):
    data = selection.layers_as_of(layers, "2024-01-01")
    base = maps.explorer_map(data, ["housing", "returnees"], layers["districts"], layers["districts"], EN)
    html = base.get_root().render()
    assert '"layer": "settlements"' in html
    assert '"preferCanvas": true' in html
    dense = maps.explorer_layers(data, ["housing", "returnees"], None, EN)
    dense.add_to(base)
    html = base.get_root().render()
    assert '"layer": "housing"' in html and '"id": "h1"' in html
    assert "Housing: occupied" in html and "Hazard areas" not in html


def test_kpi_wording_gives_share_of_target_with_source_and_basis(layers):
    kpi = next(
        k
        for k in progress.key_figures(layers, "2024-01-01", "2023-05-31", DATA_DATE, True)
        if k.key == "families_returned"
    )
    assert presentation.kpi_value(kpi, EN) == "6"
    assert presentation.kpi_delta(kpi, EN) == ("+4", 1)
    caption = presentation.kpi_caption(kpi, EN)
    assert caption.startswith("6% of the target of 100 by Dec 31, 2026 ([source](https://t1))")
    assert caption.endswith("*Demonstration data*")


def test_every_kpi_caption_names_its_base(layers):
    kpis = {k.key: k for k in progress.key_figures(layers, "2024-01-01", "2023-05-31", DATA_DATE, False)}
    captions = {key: presentation.kpi_caption(kpi, EN) for key, kpi in kpis.items()}
    assert captions["jobs_created"].startswith("83% of 12 jobs planned by the projects")
    assert captions["units_completed"].startswith("6% of 110 planned homes")
    assert captions["units_occupied"].startswith("86% of 7 completed homes")
    assert captions["hectares_released"].startswith("32% of 350 ha of hazard area")  # (100 + 20 × 365/546) / 350
    assert captions["infrastructure_completion"].startswith("average of 2 works (roads, lines, schools, clinics)")
    assert captions["persons_returned"].startswith("programme targets are stated for all return areas together")


@pytest.mark.parametrize(("language", "points"), [("en", "+3 p.p."), ("az", "+3 f.b."), ("ru", "+3 п.п.")])
def test_a_change_of_a_percentage_is_in_percentage_points(language, points):
    works = Kpi("infrastructure_completion", 48.0, "percent", True, previous=45.0)
    assert presentation.kpi_value(works, Translator(language)).startswith("48")
    assert presentation.kpi_delta(works, Translator(language)) == (points, 1)
    assert presentation.kpi_delta(Kpi("infrastructure_completion", 45.0, "percent", True, previous=45.2), EN) == (
        "−0.2 p.p.",
        -1,
    )
    assert presentation.kpi_delta(Kpi("jobs_created", 45.0, "jobs", True, previous=45.0), EN) == ("0", 0)
    assert presentation.kpi_delta(Kpi("jobs_created", 45.0, "jobs", True), EN) is None  # no comparison date


def test_a_base_with_nothing_in_it_says_so(layers):
    kpi = Kpi("jobs_created", 0, "jobs", True, previous=0, base=Base("jobs_planned", 0.0))
    assert presentation.kpi_caption(kpi, EN).startswith("no jobs planned by projects yet")


def test_the_timeline_is_shown_only_once_a_settlement_has_begun_a_stage(layers):
    settlements = layers["settlements"]
    first = settlements["reconstruction_date"].min()
    assert not charts.any_stage_reached(settlements, first - pd.Timedelta(days=1))
    assert charts.any_stage_reached(settlements, first)


def test_a_map_title_names_its_unit_only_where_the_indicator_does_not():
    assert presentation.indicator_title("families_returned", "unit.families", EN) == EN("indicator.families_returned")
    assert presentation.indicator_title("share_units_occupied", "unit.percent", EN).endswith("(%)")
