"""Maps as PNG images (lib.static_maps) and the public figures behind them (lib.export_figures)."""

import io

import numpy as np
import pytest
from PIL import Image

from lib.export_figures import UnknownDistrict, export_figures, read_export_layers
from lib.i18n import Translator
from lib.static_maps import map_png
from lib.styling import SETTLEMENT_STATUS_COLOURS, STATUS_COLOURS


@pytest.fixture(scope="module")
def export_layers(built_store):
    return read_export_layers(built_store)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _has_colour(pixels: np.ndarray, hex_colour: str, tolerance: int = 6) -> bool:
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return bool((np.abs(pixels.astype(int) - rgb).max(axis=2) <= tolerance).any())


@pytest.fixture(scope="module")
def programme_png(export_layers):
    layers, data_date = export_layers
    return map_png(layers, None, data_date, Translator("az"), threshold=5)


def test_the_programme_map_is_exactly_1920_by_1080_and_drawn_in_many_colours(programme_png):
    image = Image.open(io.BytesIO(programme_png))
    assert image.format == "PNG" and image.size == (1920, 1080)
    colours = np.unique(_pixels(programme_png).reshape(-1, 3), axis=0)
    assert len(colours) > 50, "an almost blank image"


def test_the_programme_map_colours_settlements_by_status_as_the_web_maps_do(programme_png):
    assert _has_colour(_pixels(programme_png), SETTLEMENT_STATUS_COLOURS["resettling"])


def test_a_district_map_shows_its_land_not_yet_released_at_the_size_asked(export_layers):
    layers, data_date = export_layers
    png = map_png(layers, None, data_date, Translator("ru"), "AZ-LAC", width=1280, height=720, threshold=5)
    assert Image.open(io.BytesIO(png)).size == (1280, 720)
    pixels = _pixels(png)
    hazard_colours = [STATUS_COLOURS["hazard_areas"][s] for s in ("suspected", "confirmed")]
    # drawn three quarters opaque over the district's pale fill: not the exact colour, but near it
    assert any(_has_colour(pixels, colour, tolerance=60) for colour in hazard_colours)


def test_a_map_of_an_unknown_district_is_refused_naming_the_known_ones(export_layers):
    layers, data_date = export_layers
    with pytest.raises(UnknownDistrict, match=r"'AZ-NOPE'.*AZ-LAC"):
        map_png(layers, None, data_date, Translator("en"), "AZ-NOPE")


def test_export_figures_show_families_as_the_public_sees_them(export_layers):
    layers, data_date = export_layers
    # with a threshold above every count, every family count is held back and marked
    threshold = 10**6
    figures = export_figures(layers, data_date, "AZ-LAC", None, threshold)
    families = next(kpi for kpi in figures.kpis if kpi.key == "families_returned")
    assert families.shown == "<1000000" and np.isnan(families.value)
    assert figures.settlements["families_returned"].isna().all()
    assert figures.returns["families"].fillna(0).eq(0).all()
    # houses, land and jobs are not personal: shown as they are
    homes = next(kpi for kpi in figures.kpis if kpi.key == "units_completed")
    assert homes.shown is None and homes.value > 0


def test_public_figures_of_the_programme_are_the_sum_of_its_districts(export_layers):
    layers, data_date = export_layers
    programme = export_figures(layers, data_date, None, "2025-06-30", 5)
    parts = [export_figures(layers, data_date, d, "2025-06-30", 5) for d in programme.district_ids]

    def families(figures):
        return next(kpi.value for kpi in figures.kpis if kpi.key == "families_returned")

    assert families(programme) == sum(np.nan_to_num(families(part)) for part in parts)
