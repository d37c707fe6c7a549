"""At 10x the data, a district's dense layers arrive as grid cells, and zooming in brings the
houses and hazard polygons of the view."""

import pytest

from tests.browser.conftest import settled_map_frame, signed_in_browser

COUNT_BY_LAYER = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const counts = {};
    map.eachLayer(l => {
        if (!l.feature) return;
        const key = l.feature.properties.layer || (l.feature.properties.label ? 'cell' : 'other');
        counts[key] = (counts[key] || 0) + 1;
    });
    return counts;
}"""


@pytest.fixture(scope="module")
def store_x10(settings, tmp_path_factory):
    from lib.build import build_store
    from lib.store_gpkg import GeoPackageStore

    store = GeoPackageStore(tmp_path_factory.mktemp("x10") / "great_return_x10.gpkg")
    return build_store(settings, scale=10, store=store)


def test_zooming_into_a_settlement_shows_its_houses_and_hazard_polygons(start_app, offline_page, store_x10, settings):
    url = start_app(
        env={
            "GREAT_RETURN_STORE_PATH": str(store_x10.path),
            "GREAT_RETURN_BOUNDARIES_FILE": str(settings.boundaries_file),
        }
    )
    page = offline_page.page
    signed_in_browser(page, url, "rauf")  # leadership: the explorer shows records
    page.goto(f"{url}/explorer?lang=en&districts=AZ-LAC&layers=housing,hazard_areas", wait_until="domcontentloaded")
    frame = settled_map_frame(page)
    frame.wait_for_function(f"() => (({COUNT_BY_LAYER})().cell || 0) > 0", timeout=60_000)
    zoomed_out = frame.evaluate(COUNT_BY_LAYER)
    assert "housing" not in zoomed_out, "houses of a whole district at 10x must arrive binned"
    houses = store_x10.read_layer("housing", district_ids=["AZ-LAC"])
    city = store_x10.read_layer("settlements", district_ids=["AZ-LAC"]).set_index("settlement_id")
    point = city.geometry["AZ-LAC-lachin-city"]
    frame.evaluate(
        f"() => {{ Object.values(window).find(v => v instanceof L.Map).setView([{point.y}, {point.x}], 15); }}"
    )
    frame = settled_map_frame(page)
    frame.wait_for_function(f"() => (({COUNT_BY_LAYER})().housing || 0) > 0", timeout=60_000)
    zoomed_in = frame.evaluate(COUNT_BY_LAYER)
    assert 0 < zoomed_in["housing"] < len(houses)
    assert zoomed_in.get("hazard_areas", 0) > 0
    offline_page.screenshot("explorer-x10-zoomed")
    assert offline_page.blocked == []
