"""The time-lapse of the return: its frames (statuses, public families, convoys) and its map."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd

from lib import daily_totals, disclosure, timelapse
from lib.i18n import LANGUAGES, Translator
from lib.styling import SETTLEMENT_STATUS_COLOURS
from tests.fixtures import DAY, square, tiny_layers

THRESHOLD = 5
DATA_DATE = DAY("2024-03-15")
# Settlement A (tests/fixtures.py): reconstruction from 2022-01-01, ready 2023-01-01, first convoy
# 2023-02-01 (2 families), then 3 families on 2023-06-01 and 1 on 2024-01-01. B stays planned.
A, B = "AZ-LAC-a", "AZ-ZAN-b"


def _frames(layers, days, threshold=THRESHOLD):
    exact = daily_totals.daily_totals(layers, DATA_DATE, by="settlement_id")
    public = disclosure.public_counts(exact, threshold)
    return timelapse.timelapse_frames(
        layers["settlements"], public, days, exact_by_settlement=exact, threshold=threshold
    )


@pytest.fixture(scope="module")
def layers():
    return tiny_layers()


@pytest.fixture(scope="module")
def monthly(layers):
    return _frames(layers, timelapse.frame_days("2021-11-10", DATA_DATE, period="month"))


def _row(frames, settlement_id, day):
    found = frames[(frames["settlement_id"] == settlement_id) & (frames["day"] == DAY(day))]
    assert len(found) == 1
    return found.iloc[0]


# --- frame days ------------------------------------------------------------------------------------


def test_frames_are_month_ends_and_the_last_is_the_data_date():
    days = timelapse.frame_days("2020-11-10", "2021-03-05", period="month")
    assert list(days) == [DAY("2020-11-30"), DAY("2020-12-31"), DAY("2021-01-31"), DAY("2021-02-28"), DAY("2021-03-05")]


def test_a_data_date_on_a_month_end_is_not_shown_twice():
    days = timelapse.frame_days("2021-01-01", "2021-03-31", period="month")
    assert list(days) == [DAY("2021-01-31"), DAY("2021-02-28"), DAY("2021-03-31")]


def test_frames_are_months_while_the_points_stay_within_the_budget_then_quarters_then_years():
    first, last = "2020-11-10", "2026-03-05"  # 65 months, 22 quarters, 7 years
    assert len(timelapse.frame_days(first, last, places=43)) == 65
    quarters = timelapse.frame_days(first, last, places=timelapse.POINT_BUDGET // 30)
    assert len(quarters) == 22 and DAY("2021-03-31") in quarters
    years = timelapse.frame_days(first, last, places=timelapse.POINT_BUDGET // 10)
    assert list(years) == [*pd.date_range("2020-12-31", "2025-12-31", freq="YE"), DAY(last)]


def test_at_a_hundred_times_the_settlements_the_frames_stay_within_the_budget():
    places = 100 * 43  # even were settlements to grow with the data (at 100x they do not)
    days = timelapse.frame_days("2020-11-10", "2026-03-05", places=places)
    assert len(days) * places <= timelapse.POINT_BUDGET or len(days) == 7


# --- frames ------------------------------------------------------------------------------------------


def test_every_settlement_is_in_every_frame_with_its_place(monthly, layers):
    assert len(monthly) == monthly["day"].nunique() * len(layers["settlements"])
    assert list(monthly.columns) == timelapse.FRAME_COLUMNS
    a = _row(monthly, A, "2022-06-30")
    assert (a["lon"], a["lat"], a["district_id"], a["name_ru"]) == (46.5, 39.5, "AZ-LAC", "А")


def test_a_settlements_status_changes_on_the_frame_after_each_of_its_dates(monthly):
    statuses = {
        day: _row(monthly, A, day)["status"]
        for day in ("2021-12-31", "2022-01-31", "2022-12-31", "2023-01-31", "2023-02-28")
    }
    assert statuses == {
        "2021-12-31": "planned",
        "2022-01-31": "reconstruction",
        "2022-12-31": "reconstruction",
        "2023-01-31": "ready",
        "2023-02-28": "resettling",
    }
    assert set(monthly[monthly["settlement_id"] == B]["status"]) == {"planned"}


def test_a_convoy_appears_on_the_frame_of_its_month():
    # with a threshold of 1 the public counts are the exact ones: every convoy shows
    frames = _frames(tiny_layers(), timelapse.frame_days("2023-01-01", DATA_DATE, period="month"), threshold=1)
    january, february = _row(frames, A, "2023-01-31"), _row(frames, A, "2023-02-28")
    assert (january["families"], january["arrived"]) == (0, False)
    assert (february["families"], february["arrived"]) == (2, True)
    assert not _row(frames, A, "2023-03-31")["arrived"]
    assert (_row(frames, A, "2023-06-30")["families"], _row(frames, A, "2023-06-30")["arrived"]) == (5, True)


def test_a_few_families_are_marked_not_counted_and_a_public_count_moves_by_the_threshold(monthly):
    first = _row(monthly, A, "2023-02-28")  # 2 families: kept back
    assert np.isnan(first["families"]) and first["families_shown"] == "<5" and not first["arrived"]
    grown = _row(monthly, A, "2023-06-30")  # 5 families: shown, and the convoy with them
    assert (grown["families"], grown["families_shown"], grown["arrived"]) == (5, None, True)
    later = _row(monthly, A, "2024-01-31")  # 6 in fact: one more family would show by the difference
    assert (later["families"], later["arrived"]) == (5, False)


def test_no_frame_shows_a_count_between_one_and_the_threshold(monthly):
    shown = monthly["families"].dropna()
    assert not ((shown > 0) & (shown < THRESHOLD)).any()


def test_a_settlement_without_families_is_a_true_zero_not_a_mark(monthly):
    b = monthly[monthly["settlement_id"] == B]
    assert (b["families"] == 0).all() and b["families_shown"].isna().all()


def test_demo_frames_are_public_on_every_day(demo_layers):
    data_date = demo_layers["returns"]["date"].max()
    days = timelapse.frame_days("2020-11-10", data_date, places=len(demo_layers["settlements"]))
    exact = daily_totals.daily_totals(demo_layers, data_date, by="settlement_id")
    public = disclosure.public_counts(exact, THRESHOLD)
    frames = timelapse.timelapse_frames(
        demo_layers["settlements"], public, days, exact_by_settlement=exact, threshold=THRESHOLD
    )
    assert len(days) * len(demo_layers["settlements"]) <= timelapse.POINT_BUDGET
    last = frames[frames["day"] == days[-1]].set_index("settlement_id")
    expected = public.on(days[-1], last.index)["families_returned"]
    assert last["families"].fillna(0).to_numpy() == pytest.approx(expected.to_numpy())
    assert not ((frames["families"] > 0) & (frames["families"] < THRESHOLD)).any()
    marked = frames["families_shown"].notna()
    exact_then = [
        exact.on(d, [s])["families_returned"].iloc[0]
        for d, s in zip(frames["day"][marked], frames["settlement_id"][marked])
    ]
    assert all(0 < value < THRESHOLD for value in exact_then)
    assert frames.groupby("day")["arrived"].sum().sum() > 0


# --- the map -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def districts(layers):
    """The tiny return-area districts and one around them for context."""
    around = gpd.GeoDataFrame(
        {"district_id": ["AZ-XXX"], "name_az": ["X"], "name_en": ["X"], "name_ru": ["Х"], "economic_region": [None]},
        geometry=[square(45.0, 39.0, 1.0)],
        crs="EPSG:4326",
    )
    return pd.concat([layers["districts"], around], ignore_index=True)


@pytest.fixture(scope="module", params=sorted(LANGUAGES))
def figure(request, monthly, districts):
    t = Translator(request.param)
    return t, timelapse.return_timelapse(monthly, districts, t, threshold=THRESHOLD)


def test_the_map_is_blank_styled_with_a_view_and_the_districts_drawn_from_the_data(figure):
    _, fig = figure
    view = fig.layout.map
    assert view.style == "white-bg"
    assert (
        39.0 < view.center.lat < 40.0 and 45.0 < view.center.lon < 47.0 and 5 < view.zoom < 12
    )  # west of the middle: legend
    sources = [layer.source for layer in view.layers]
    assert {layer.type for layer in view.layers} == {"fill", "line"}
    assert all(layer.sourcetype == "geojson" for layer in view.layers)
    ids = {feature["properties"]["district_id"] for source in sources for feature in source["features"]}
    assert ids == {"AZ-LAC", "AZ-ZAN", "AZ-XXX"}


def test_nothing_on_the_map_needs_glyphs_or_anything_from_outside(figure):
    _, fig = figure
    text = json.dumps(fig.to_plotly_json(), default=str)
    assert "http" not in text
    assert all(trace.mode == "markers" for frame in fig.frames for trace in frame.data)
    assert all(layer.type != "symbol" for layer in fig.layout.map.layers)


def test_one_frame_per_day_each_with_the_same_traces_in_the_same_order(figure, monthly):
    _, fig = figure
    assert len(fig.frames) == monthly["day"].nunique()
    names = [trace.name for trace in fig.data]
    assert all([trace.name for trace in frame.data] == names for frame in fig.frames)


def test_the_slider_steps_are_the_days_in_the_language_and_play_and_pause_animate(figure, monthly):
    t, fig = figure
    days = pd.DatetimeIndex(monthly["day"].unique())
    (slider,) = fig.layout.sliders
    assert [step.label for step in slider.steps] == [t.day(day) for day in days]
    assert [step.args[0][0] for step in slider.steps] == [frame.name for frame in fig.frames]
    (menu,) = fig.layout.updatemenus
    play, pause = menu.buttons
    assert t("timelapse.play") in play.label and t("timelapse.pause") in pause.label
    assert play.method == pause.method == "animate"
    assert play.args[0] is None and play.args[1]["frame"]["redraw"] is True  # map traces redraw
    assert list(pause.args[0]) == [None]  # an empty list of frames stops the animation


def test_the_legend_words_the_statuses_in_the_language_with_the_maps_colours(figure):
    t, fig = figure
    by_name = {trace.name: trace.marker.color for trace in fig.data}
    for status, colour in SETTLEMENT_STATUS_COLOURS.items():
        term = t.term("settlement_status", status)
        (name,) = [n for n in by_name if n.lower() == term.lower()]
        assert by_name[name] == colour
    assert t("timelapse.arrived") in by_name
    assert not set(by_name) & set(SETTLEMENT_STATUS_COLOURS)  # no raw values


def test_every_status_keeps_its_legend_entry_on_a_day_it_has_no_settlement(figure):
    _, fig = figure
    first = fig.frames[0]  # 30 Nov 2021: both settlements planned
    ready = [trace for trace in first.data if trace.marker.color == SETTLEMENT_STATUS_COLOURS["ready"]][0]
    assert list(ready.lat) == [None]


def test_type_is_large_for_a_projector(figure):
    _, fig = figure
    assert fig.layout.font.size >= 20 and fig.layout.legend.font.size >= 20
    assert fig.layout.sliders[0].currentvalue.font.size >= 24


def test_a_kept_back_count_is_drawn_as_the_threshold_and_hovered_as_its_mark(monthly, districts):
    t = Translator("en")
    fig = timelapse.return_timelapse(monthly, districts, t, threshold=THRESHOLD)
    frame = next(f for f in fig.frames if f.name == "2023-02-28")
    (a_trace,) = [trace for trace in frame.data if trace.marker.color == SETTLEMENT_STATUS_COLOURS["resettling"]]
    assert "<5" in a_trace.text[0] or "&lt;5" in a_trace.text[0]
    five = next(f for f in fig.frames if f.name == "2023-06-30")
    (shown,) = [trace for trace in five.data if trace.marker.color == SETTLEMENT_STATUS_COLOURS["resettling"]]
    assert a_trace.marker.size[0] == pytest.approx(shown.marker.size[0])  # "<5" as large as 5


def test_a_place_name_is_escaped_in_the_hover_label(layers, districts):
    settlements = layers["settlements"].assign(name_en=["<b>A</b>", "B"])
    hostile = {**layers, "settlements": settlements}
    frames = _frames(hostile, [DAY("2023-06-30")])
    fig = timelapse.return_timelapse(frames, districts, Translator("en"), threshold=THRESHOLD)
    texts = [text for trace in fig.data if trace.text for text in trace.text]
    assert any("&lt;b&gt;A&lt;/b&gt;" in text for text in texts)


def test_the_view_fits_the_return_areas_into_the_map():
    centre, zoom = timelapse.map_view((45.6, 38.9, 47.8, 40.6), height_px=500)
    assert centre["lon"] == pytest.approx(46.7) and 39.7 < centre["lat"] < 39.8
    # at that zoom the return areas' 1.7 degrees of latitude take most of the 500 pixels
    world = timelapse.MAP_TILE_PX * 2**zoom
    from lib.web_mercator import to_web_mercator

    _, (south, north) = to_web_mercator([0, 0], [38.9, 40.6])
    height = (north - south) / (2 * np.pi * 6_378_137.0) * world
    assert 400 < height <= 500


def test_the_view_leaves_room_for_the_legend_on_the_left():
    bounds = (45.6, 38.9, 47.8, 40.6)
    centre, zoom = timelapse.map_view(bounds, height_px=500, left_px=200)
    middle, _ = timelapse.map_view(bounds, height_px=500)
    degrees_per_px = 360 / (timelapse.MAP_TILE_PX * 2**zoom)
    assert middle["lon"] - centre["lon"] == pytest.approx(200 * degrees_per_px, rel=0.1)


def test_an_empty_frame_table_gives_an_empty_map_not_an_error(districts):
    frames = pd.DataFrame(columns=timelapse.FRAME_COLUMNS)
    fig = timelapse.return_timelapse(frames, districts, Translator("az"))
    assert fig.layout.map.style == "white-bg" and len(fig.frames) == 0


def test_settlements_in_a_metric_crs_are_placed_in_degrees(layers):
    settlements = layers["settlements"].to_crs("EPSG:32638")
    frames = _frames({**layers, "settlements": settlements}, [DAY("2023-06-30")])
    assert sorted(frames["lon"]) == pytest.approx([46.5, 47.5]) and frames["lat"].tolist() == pytest.approx(
        [39.5, 39.5]
    )
