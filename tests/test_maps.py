"""Map builders, checked on the Leaflet code they render (no browser needed)."""

import html as html_text
import json
import re

import pandas as pd
import pytest

import shapely

from lib import maps, metrics, selection, styling
from lib.i18n import LANGUAGES, Translator
from lib.map_elements import Legend
from lib.web_mercator import to_pixels
from tests.fixtures import tiny_layers
from tests.map_html import cdn_urls_in

EN = Translator("en")


@pytest.fixture(scope="module")
def summary(demo_layers, real):
    return metrics.settlement_summary(
        demo_layers["settlements"], demo_layers["returns"], demo_layers["housing"], real.data_date
    )


@pytest.fixture(scope="module")
def rendered(demo_layers, summary):
    fmap = maps.return_areas_map(demo_layers["districts"], summary, Translator("en"))
    return fmap, fmap.get_root().render()


def _geojson_payloads(html):
    return [json.loads(m) for m in re.findall(r"_add\((\{.*?\})\);\n", html)]


def _legends(html: str) -> list[dict]:
    """Each legend in the rendered code: its title, its entries (shape, colour, label) and its
    reference circles (diameter in pixels, label)."""
    legends = []
    for box in re.findall(r"box\.innerHTML = (\".*?\");", html):
        box = json.loads(box)
        rows = re.findall(r'<i class="gr-swatch (\w+)" style="background:(#\w+)"></i>(.*?)</div>', box)
        sizes = re.findall(r'<span class="gr-size"><i style="width:(\d+)px;height:\d+px"></i>(.*?)</span>', box)
        legends.append(
            {
                "title": html_text.unescape(re.search("<summary>(.*?)</summary>", box).group(1)),
                "entries": [(shape, colour, html_text.unescape(label)) for shape, colour, label in rows],
                "sizes": [(int(d), html_text.unescape(label)) for d, label in sizes],
            }
        )
    return legends


def _place_labels(html: str) -> list[str]:
    """The text of each place label in the rendered code (lib.map_elements.Labels)."""
    drawn = re.findall(r"(\[\[[^\n]*?\]\])\.forEach\(function \(p\) \{ L\.marker\(", html)
    return [html_text.unescape(re.sub("<[^>]+>", "", text)) for found in drawn for _, _, text in json.loads(found)]


def _labels(legend: dict) -> list[str]:
    return [label for _, _, label in legend["entries"]]


def test_every_district_is_drawn_and_return_areas_carry_their_region(rendered, demo_layers):
    _, html = rendered
    payloads = _geojson_payloads(html)
    features = [f for p in payloads for f in p["features"] if "district_id" in f["properties"]]
    assert len(features) == len(demo_layers["districts"]) == 77
    regions = {f["properties"].get("economic_region") for f in features}
    assert {"Karabakh", "East Zangezur"} <= regions


def test_each_settlement_is_a_circle_with_its_figures_and_cities_are_labelled(rendered, summary):
    _, html = rendered
    circles = [p for p in _geojson_payloads(html) if p["features"][0]["geometry"]["type"] == "Point"]
    assert len(circles) == 1 and len(circles[0]["features"]) == len(summary)
    assert all(f["geometry"]["type"] == "Point" for f in circles[0]["features"])
    assert "L.circleMarker(latlng" in html  # drawn as circle markers, never default markers
    lachin = summary.set_index("settlement_id").loc["AZ-LAC-lachin-city"]
    assert f"Families returned: {lachin.families_returned:,}" in html
    labelled = maps.non_overlapping_labels(summary, summary["name_en"])
    assert _place_labels(html) == list(summary["name_en"][labelled])
    assert len(labelled) >= 8 and "L.divIcon(" in html
    assert "Location unknown" in html  # placeholders say so


def test_legend_names_regions_and_statuses(rendered):
    _, html = rendered
    (legend,) = _legends(html)
    assert legend["title"] == "Return areas"
    assert _labels(legend)[:2] == ["Karabakh", "East Zangezur"]
    assert "Settlement: families returning" in _labels(legend)


def test_map_needs_no_cdn_and_no_tiles(rendered):
    fmap, html = rendered
    assert cdn_urls_in(fmap) == []
    assert "L.tileLayer" not in html


def test_circle_area_grows_with_families():
    small, large = styling.circle_radius([25, 100])
    assert (large - 3) == pytest.approx(2 * (small - 3))


def test_city_labels_never_overlap_at_the_opening_zoom(summary):
    names = summary["name_en"]
    kept = maps.non_overlapping_labels(summary, names)
    x, y = to_pixels(summary.geometry.x[kept].to_numpy(), summary.geometry.y[kept].to_numpy(), maps.LABEL_ZOOM)
    boxes = [(a + 8, b - 8, a + 8 + maps.LABEL_CHAR_PX * len(names[i]), b + 8) for a, b, i in zip(x, y, kept)]
    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            apart = first[2] <= second[0] or second[2] <= first[0] or first[3] <= second[1] or second[3] <= first[1]
            assert apart
    lachin = summary.index[summary["settlement_id"] == "AZ-LAC-lachin-city"][0]
    assert lachin in kept  # the most returned-to cities keep their labels


def test_maps_load_leaflet_and_nothing_else(rendered):
    fmap, html = rendered
    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert [s.rsplit("/", 1)[-1] for s in scripts] == ["leaflet.js"]
    assert [s.rsplit("/", 1)[-1] for s in styles] == ["leaflet.css"]


def test_a_settlement_focus_keeps_its_district_in_detail_and_simplifies_the_rest(demo_layers, summary):
    data = {"settlement_boundaries": demo_layers["settlement_boundaries"], "settlement_summary": summary}
    zabukh = demo_layers["settlement_boundaries"].query("settlement_id == 'AZ-LAC-zabukh'")
    districts = demo_layers["districts"]
    fmap = maps.explorer_map(data, ["settlement_boundaries"], districts, zabukh, Translator("en"))
    context = next(p for p in _geojson_payloads(fmap.get_root().render()) if len(p["features"]) == len(districts))
    sent = {
        f["properties"]["district_id"]: shapely.from_geojson(json.dumps(f["geometry"])) for f in context["features"]
    }
    stored = districts.set_index("district_id").geometry
    assert shapely.get_num_coordinates(sent["AZ-LAC"]) == shapely.get_num_coordinates(stored["AZ-LAC"])
    # a far-off district, only context, is simplified for the zoom the map opens at
    assert shapely.get_num_coordinates(sent["AZ-BA"]) < 0.8 * shapely.get_num_coordinates(stored["AZ-BA"])


# --- legends and classes -------------------------------------------------------------------------


def _progress_map(demo_layers, summary, values, title="Families returned (families)"):
    """The overview's map of ``values`` over the return-area districts: each district's fill, and the legend."""
    districts = demo_layers["districts"]
    return_areas = districts[districts["economic_region"].notna()]
    table = pd.DataFrame({"district_id": return_areas["district_id"], "value": values})
    html = maps.progress_map(districts, table, "value", title, summary, EN).get_root().render()
    shaded = next(p for p in _geojson_payloads(html) if len(p["features"]) == len(return_areas))
    fills = [f["properties"]["style"]["fillColor"] for f in shaded["features"]]
    (legend,) = _legends(html)
    return fills, legend


def test_equal_values_are_drawn_in_the_lowest_class_with_a_note(demo_layers, summary):
    fills, legend = _progress_map(demo_layers, summary, 0)
    assert set(fills) == {styling.SEQUENTIAL[0]}  # not the darkest: nothing stands out
    assert legend["entries"][0] == ("box", styling.SEQUENTIAL[0], "All districts: 0")
    assert not any(label[0].isdigit() for label in _labels(legend))  # no class of its own


def test_counts_are_classed_in_whole_numbers_and_shares_keep_one_decimal(demo_layers, summary):
    counts = [0, 12, 74, 80, 150, 208, 300, 589, 600, 928, 1196, 5, 40, 0]
    assert len(counts) == demo_layers["districts"]["economic_region"].notna().sum()
    _, legend = _progress_map(demo_layers, summary, counts)
    classes = [label for label in _labels(legend) if label[0].isdigit()]
    assert len(classes) == 5 and classes[-1] == "1,196"
    assert all(re.fullmatch(r"[\d,]+( – [\d,]+)?", label) for label in classes), classes
    _, legend = _progress_map(demo_layers, summary, [c / 7 for c in counts], title="Share (%)")
    classes = [label for label in _labels(legend) if label[0].isdigit()]
    assert len(classes) == 5
    assert all(re.fullmatch(r"[\d,]+\.\d( – [\d,]+\.\d)?", label) for label in classes), classes


def test_classes_never_overlap_and_name_the_values_they_hold():
    classes = styling.classify(pd.Series([1, 2, 3, 40, 41, 42, 90, 95, None]), classes=3)
    assert classes.labels(EN.number) == ["1 – 3", "40 – 42", "90 – 95"]
    assert classes.index.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, -1]
    assert classes.colour_of_each()[-1] == styling.NO_DATA and classes.colours[-1] == styling.SEQUENTIAL[-1]


def test_overview_legend_explains_the_circle_sizes_with_round_family_counts(demo_layers, summary):
    _, legend = _progress_map(demo_layers, summary, 0)
    largest = summary["families_returned"].max()
    families = [int(label.replace(",", "")) for _, label in legend["sizes"]]
    assert len(families) == 3 and families == sorted(families) and families[-1] <= largest < 10 * families[-1]
    for (diameter, _), count in zip(legend["sizes"], families):
        assert diameter == round(2 * float(styling.circle_radius(count)))  # the sizes drawn on the map
    assert "Settlement: ready" in _labels(legend)  # and what their colours mean


@pytest.fixture(scope="module")
def tiny_data():
    return selection.layers_as_of(tiny_layers(), "2024-01-01")


def _explorer_legend(data, layers_on, t=EN, budget=maps.FEATURE_BUDGET):
    fmap = maps.explorer_map(data, layers_on, data["districts"], data["districts"], t)
    maps.explorer_layers(data, layers_on, None, t, budget).add_to(fmap)
    legends = _legends(fmap.get_root().render())
    assert len(legends) <= 1
    return legends[0] if legends else None


def test_explorer_legend_lists_the_layers_on_and_nothing_else(tiny_data):
    housing = _explorer_legend(tiny_data, ["housing"])
    statuses = ("planned", "under construction", "completed", "allocated", "occupied")
    assert _labels(housing) == [f"Housing: {status}" for status in statuses]
    assert housing["sizes"] == []
    both = _labels(_explorer_legend(tiny_data, ["hazard_areas", "returnees"]))
    assert "Hazard areas: being cleared" in both and "Settlement: ready" in both
    assert not any(label.startswith("Housing") for label in both)
    assert _explorer_legend(tiny_data, []) is None


def test_explorer_legend_comes_with_the_layers_sent_again_not_with_the_base_map(tiny_data):
    base = maps.explorer_map(tiny_data, ["housing", "returnees"], tiny_data["districts"], tiny_data["districts"], EN)
    assert _legends(base.get_root().render()) == []
    group = maps.explorer_layers(tiny_data, ["housing", "returnees"], None, EN)
    assert any(isinstance(child, Legend) for child in group._children.values())


def test_explorer_legend_says_which_layers_come_as_grid_cells(tiny_data):
    note = "Housing: grouped in squares until you zoom in"
    assert note in _labels(_explorer_legend(tiny_data, ["housing"], budget=2))
    assert note not in _labels(_explorer_legend(tiny_data, ["housing"]))


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_legend_line_is_in_sentence_case(language, tiny_data):
    legend = _explorer_legend(tiny_data, maps.EXPLORER_LAYERS, Translator(language), budget=2)
    labels = [legend["title"], *_labels(legend)]
    assert len(labels) > 15 and all(label[0].isupper() for label in labels), labels
