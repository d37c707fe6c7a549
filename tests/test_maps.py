"""Map builders, checked on the Leaflet code they render (no browser needed)."""

import json
import re

import pytest

import shapely

from lib import maps, metrics
from lib.i18n import Translator
from tests.map_html import cdn_urls_in


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
    assert html.count("L.divIcon(") == len(labelled) >= 8
    assert "Location unknown" in html  # placeholders say so


def test_legend_names_regions_and_statuses(rendered):
    _, html = rendered
    assert "gr-legend" in html and "Karabakh" in html and "settlement: families returning" in html


def test_map_needs_no_cdn_and_no_tiles(rendered):
    fmap, html = rendered
    assert cdn_urls_in(fmap) == []
    assert "L.tileLayer" not in html


def test_circle_area_grows_with_families():
    small, large = maps._circle_radius([25, 100])
    assert (large - 3) == pytest.approx(2 * (small - 3))


def test_city_labels_never_overlap_at_the_opening_zoom(summary):
    names = summary["name_en"]
    kept = maps.non_overlapping_labels(summary, names)
    x, y = maps._pixels(summary.geometry.x[kept].to_numpy(), summary.geometry.y[kept].to_numpy(), maps.LABEL_ZOOM)
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
