"""The return over time on a map: settlements by their status and families, frame by frame.

A Plotly map animation (``go.Scattermap`` with frames, a play / pause menu and a step slider) on
the blank ``white-bg`` style: the only map style that needs nothing from outside (every other
style fetches tiles, sprites or glyphs), so the time-lapse plays offline inside Streamlit. The
district outlines are map layers with their GeoJSON inline; no text is drawn on the map (text
needs glyphs from a server), so names are in the hover labels and words in the legend.

Each frame shows every settlement on one day (a month's end, or a quarter's when there would be
too many points to animate smoothly; :func:`frame_days`): coloured by its status on that day,
sized by its families as the public sees them (:mod:`lib.disclosure`: the stepped public counts,
a count kept back marked "<5" and drawn as the threshold), and ringed when a convoy arrived since
the frame before. Presentations show the public view whoever made them.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import geopandas as gpd

from lib.as_of import status_as_of
from lib.daily_totals import DailyTotals
from lib.disclosure import FAMILIES, HIDDEN, below, cell_text, primary
from lib.i18n import Translator, place_names
from lib.safe_text import escape_html
from lib.styling import (
    CONTEXT_COLOUR,
    CONTEXT_FILL,
    OKABE_ITO,
    OUTLINE_COLOUR,
    SETTLEMENT_STATUS_COLOURS,
    circle_radius,
)

# Frames × settlements sent to the browser (and the frames' length when playing, FRAME_MS below).
# Measured in Debian's Chromium (headless, software WebGL, two busy cores, 1920x1080): a frame took
# ~250 ms to redraw with 43 points (mostly Plotly redrawing the map's traces, whatever their
# size), ~300 ms with 300 and ~600 ms with 2,000; 20,000 points in all made a 3.2 MB figure. The
# demo data has 43 settlements × 65 months = 2,795 points (0.84 MB) at any scale: at 100x the
# convoys, houses and projects grow, the settlements do not. Limit: beyond ~1,000 settlements a
# frame would take longer to draw than it is shown; they would have to be aggregated first.
POINT_BUDGET = 20_000
FRAME_MS = 450  # each frame's time on screen when playing: longer than its redraw above
# Coarser frames, in order, once monthly ones would exceed the budget.
PERIODS = (("month", "ME"), ("quarter", "QE"), ("year", "YE"))
FRAME_COLUMNS = [
    "settlement_id",
    "district_id",
    "name_az",
    "name_en",
    "name_ru",
    "day",
    "lon",
    "lat",
    "status",
    "families",
    "families_shown",
    "arrived",
]
# For st.plotly_chart(config=...): no toolbar on a projector (its icons and words are Plotly's, in
# English), and no zooming by a stray scroll of the presenter's mouse.
CHART_CONFIG = {"displayModeBar": False, "scrollZoom": False}
FONT_SIZE = 22  # read from the back of a hall
ARRIVAL_COLOUR = OKABE_ITO["vermillion"]
SIZE_SCALE = 1.3  # the web maps' circles (styling.circle_radius) a little larger for a projector
SMALLEST_PX = 4  # added to every diameter: a settlement without families still shows from afar
LEGEND_SYMBOL_PX = 14
# The return areas are drawn this far right of the map's middle: the legend, top left, is about
# twice as wide in Russian at the projector's type size.
LEGEND_ROOM_PX = 200
ARRIVAL_RING_PX = 18
# How far around the return areas the grey districts are drawn (east-west, north-south): enough
# for a map three times as wide as high.
CONTEXT_MARGIN_DEGREES = (3.5, 1.5)
SIMPLIFY_DEGREES = 0.002  # about 200 m: invisible at the zoom that fits the return areas
MAP_TILE_PX = 512  # MapLibre's world is 512 pixels wide at zoom 0 (Leaflet's 256)


def frame_period(first_day, last_day, places: int, budget: int = POINT_BUDGET) -> str:
    """The finest of month, quarter and year whose frames from ``first_day`` to ``last_day``
    times ``places`` settlements stay within ``budget`` points (a year when none does)."""
    for name, _ in PERIODS:
        if len(frame_days(first_day, last_day, period=name)) * max(places, 1) <= budget:
            return name
    return PERIODS[-1][0]


def frame_days(first_day, last_day, places: int | None = None, period: str | None = None) -> pd.DatetimeIndex:
    """The days the frames show: the end of every period (month, quarter or year) from
    ``first_day``'s to ``last_day``'s, the last frame on ``last_day`` itself (the data date).

    Parameters
    ----------
    first_day, last_day : the first and last day shown (the programme's start, the data date).
    places : the settlements on the map; with it the period is chosen to keep frames × places
        within :data:`POINT_BUDGET` (:func:`frame_period`).
    period : ``"month"``, ``"quarter"`` or ``"year"``, overriding the choice by ``places``.
    """
    first_day, last_day = pd.Timestamp(first_day).normalize(), pd.Timestamp(last_day).normalize()
    if period is None:
        period = frame_period(first_day, last_day, places or 1) if places is not None else "month"
    frequency = dict(PERIODS)[period]
    ends = pd.date_range(first_day, last_day, freq=frequency)
    ends = ends[ends < last_day]
    return pd.DatetimeIndex([*ends, last_day], name="day")


def _marks(shown: np.ndarray, exact: np.ndarray, threshold: int) -> np.ndarray:
    """:func:`lib.disclosure.mark_of` for many counts at once: "<T", hidden, or None."""
    suppressed = primary(shown, exact, threshold)
    marks = np.where(exact < threshold, below(threshold), HIDDEN).astype(object)
    return np.where(suppressed, marks, None)


def timelapse_frames(
    settlements: pd.DataFrame,
    public_by_settlement: DailyTotals,
    days,
    *,
    exact_by_settlement: DailyTotals,
    threshold: int,
) -> pd.DataFrame:
    """One row per settlement and frame day: where it is, its status that day and its families
    as the public sees them.

    Parameters
    ----------
    settlements : the settlements layer (point geometry, ids, names, status dates).
    public_by_settlement : families per settlement as the public sees them every day
        (:func:`lib.disclosure.public_counts`; ``cache.public_totals_of(..., "settlement_id", threshold)``).
    days : the frame days (:func:`frame_days`).
    exact_by_settlement : the exact daily totals per settlement (``cache.daily_totals_of(...,
        "settlement_id")``): only to tell a public 0 that hides returned families ("<5") from a true 0.
    threshold : the suppression threshold (``get_settings().suppression_threshold``).

    Returns
    -------
    pandas.DataFrame
        :data:`FRAME_COLUMNS`: ``families`` is the public count (NaN where suppressed),
        ``families_shown`` its mark ("<5", or :data:`lib.disclosure.HIDDEN`; None where the
        number is shown), ``arrived`` whether the public count rose since the previous frame day
        (on the first, whether it is above 0). Rows by day, then settlement id.
    """
    places = settlements.sort_values("settlement_id").reset_index(drop=True)
    ids = places["settlement_id"].tolist()
    points = places.geometry.to_crs("EPSG:4326") if places.crs is not None else places.geometry
    names = {c: places[c] if c in places.columns else pd.Series(None, index=places.index) for c in FRAME_COLUMNS[2:5]}
    parts, previous = [], np.zeros(len(places))
    for day in pd.DatetimeIndex(days):
        shown = public_by_settlement.on(day, ids)[FAMILIES].round().to_numpy()
        exact = exact_by_settlement.on(day, ids)[FAMILIES].round().to_numpy()
        marks = _marks(shown, exact, threshold)
        suppressed = np.array([m is not None for m in marks], dtype=bool)
        parts.append(
            pd.DataFrame(
                {
                    "settlement_id": ids,
                    "district_id": places["district_id"].to_numpy(),
                    **{column: values.to_numpy() for column, values in names.items()},
                    "day": day,
                    "lon": points.x.to_numpy(),
                    "lat": points.y.to_numpy(),
                    "status": status_as_of("settlements", places, day).to_numpy(),
                    "families": np.where(suppressed, np.nan, shown),
                    "families_shown": marks,
                    "arrived": shown > previous,
                }
            )
        )
        previous = shown
    if not parts:
        return pd.DataFrame(columns=FRAME_COLUMNS)
    return pd.concat(parts, ignore_index=True)[FRAME_COLUMNS]


def _capitalised(text: str, language: str) -> str:
    """The first letter upper case (Azerbaijani's i is İ): the statuses are words for a sentence."""
    first = "İ" if language == "az" and text[:1] == "i" else text[:1].upper()
    return first + text[1:]


def _marker_size(frame: pd.DataFrame, threshold: int) -> np.ndarray:
    """Diameters in pixels: the web maps' circles (area by families), a suppressed count drawn as
    the threshold (it says no more than its mark)."""
    families = frame["families"].where(frame["families_shown"].isna(), threshold).fillna(0)
    return 2 * SIZE_SCALE * circle_radius(families) + SMALLEST_PX


def _hover_texts(frame: pd.DataFrame, t: Translator) -> np.ndarray:
    """What a pointer over a settlement shows: its name, status and families (worded, escaped)."""
    names = place_names(frame, t).fillna("").map(escape_html)
    statuses = frame["status"].map(lambda s: t.term("settlement_status", s))
    families = [cell_text(v, m, t) for v, m in zip(frame["families"].tolist(), frame["families_shown"].tolist())]
    label = t("timelapse.families")
    return np.array([f"<b>{n}</b><br>{s}<br>{label}: {f}" for n, s, f in zip(names, statuses, families)], dtype=object)


def _points(frame: pd.DataFrame, chosen: np.ndarray, sizes: np.ndarray, texts: np.ndarray | None = None) -> dict:
    """The chosen points' positions, sizes (and hover texts) for a trace; an empty choice is one
    point without a position, which draws nothing but keeps the trace's legend entry (an empty
    trace leaves the legend, and the legend would change from frame to frame)."""
    if not chosen.any():
        return {
            "lon": [None],
            "lat": [None],
            "marker": {"size": [LEGEND_SYMBOL_PX]},
            **({"text": [""]} if texts is not None else {}),
        }
    points = {
        "lon": frame["lon"].to_numpy()[chosen],
        "lat": frame["lat"].to_numpy()[chosen],
        "marker": {"size": sizes[chosen]},
    }
    return {**points, "text": texts[chosen]} if texts is not None else points


def _traces(frame: pd.DataFrame, t: Translator, threshold: int) -> list[dict]:
    """The traces of one frame, always the same ones in the same order (frames replace them by
    position): the rings of convoys arrived (beneath), then one per status (the legend's entries).
    As plain dicts, validated once by the figure: a graph object per trace validated each twice,
    which cost more than the rest of the figure."""
    sizes = _marker_size(frame, threshold)
    texts = _hover_texts(frame, t)
    statuses = frame["status"].to_numpy()
    traces = []
    for status, colour in SETTLEMENT_STATUS_COLOURS.items():
        points = _points(frame, statuses == status, sizes, texts)
        points["marker"].update(color=colour, opacity=0.95)
        traces.append(
            {
                "type": "scattermap",
                **points,
                "mode": "markers",
                "name": _capitalised(t.term("settlement_status", status), t.language),
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
    rings = _points(frame, frame["arrived"].to_numpy(dtype=bool), sizes + ARRIVAL_RING_PX)
    # drawn first (beneath the settlements), listed last in the legend
    rings["marker"].update(color=ARRIVAL_COLOUR, opacity=0.45)
    ring_trace = {
        "type": "scattermap",
        **rings,
        "mode": "markers",
        "name": t("timelapse.arrived"),
        "hoverinfo": "skip",
        "legendrank": 1001,
    }
    return [ring_trace, *traces]


def _outline_layers(districts: gpd.GeoDataFrame) -> list[dict]:
    """The districts as map layers drawn from their own GeoJSON (no tiles): the return-area
    districts white with dark outlines, beneath the settlements; the districts around them grey
    for context, cut to a window around the return areas (the rest is never in view, and every
    vertex is copied by the figure and sent to the browser)."""
    districts = districts[["district_id", "economic_region", "geometry"]].to_crs("EPSG:4326")
    return_areas = districts[districts["economic_region"].notna()]
    around = districts[districts["economic_region"].isna()]
    if len(return_areas):
        west, south, east, north = return_areas.total_bounds
        across, along = CONTEXT_MARGIN_DEGREES
        around = around.clip((west - across, south - along, east + across, north + along))
    layers = []
    for part, tolerance, fill, line, width in (
        (around, SIMPLIFY_DEGREES * 2, CONTEXT_FILL, CONTEXT_COLOUR, 1),
        (return_areas, SIMPLIFY_DEGREES, "#FFFFFF", OUTLINE_COLOUR, 2),
    ):
        if part.empty:
            continue
        outlines = part.assign(geometry=part.geometry.simplify(tolerance, preserve_topology=True))
        geojson = json.loads(outlines[["district_id", "geometry"]].to_json(drop_id=True, to_wgs84=False))
        common = {"sourcetype": "geojson", "source": geojson, "below": "traces"}
        layers.append({**common, "type": "fill", "color": fill})
        layers.append({**common, "type": "line", "color": line, "line": {"width": width}})
    return layers


def map_view(bounds, height_px: float, aspect: float = 2.2, left_px: float = 0) -> tuple[dict, float]:
    """The centre and zoom that fit ``bounds`` (min lon, min lat, max lon, max lat) on a map
    ``height_px`` high and at least ``aspect`` times as wide (a slide of a 16:9 screen), moved ``left_px`` to the right of
    the middle (room for the legend on its left), in MapLibre's Web Mercator: a Plotly map does
    not fit itself to its data."""
    west, south, east, north = (float(v) for v in bounds)

    def mercator_y(lat: float) -> float:
        return float(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))

    span_y = max((mercator_y(north) - mercator_y(south)) / (2 * np.pi), 1e-6)
    span_x = max((east - west) / 360, 1e-6)
    width_px = max(height_px * aspect - 2 * left_px, height_px / 2)
    fit = min(height_px / span_y, width_px / span_x) * 0.92  # world pixels, with a little room around
    centre_y = (mercator_y(north) + mercator_y(south)) / 2
    centre = {
        "lon": (west + east) / 2 - left_px / fit * 360,  # the view's centre west of the bounds'
        "lat": float(np.degrees(2 * np.arctan(np.exp(centre_y)) - np.pi / 2)),
    }
    return centre, float(np.log2(fit / MAP_TILE_PX))


def return_timelapse(
    frames: pd.DataFrame,
    districts: gpd.GeoDataFrame,
    t: Translator,
    height: int = 620,
    *,
    threshold: int = 5,
    frame_ms: int = FRAME_MS,
) -> go.Figure:
    """The time-lapse of :func:`timelapse_frames` as an animated Plotly map.

    Parameters
    ----------
    frames : :func:`timelapse_frames`.
    districts : the districts layer (those with an ``economic_region`` are the return areas,
        drawn as the map; the others grey around them).
    t : the language of the legend, buttons, slider and hover labels.
    height : the figure's height in pixels (the map fits the return areas into it).
    threshold : the suppression threshold: how large a suppressed count is drawn.
    frame_ms : how long each frame stays when playing.

    Returns
    -------
    plotly.graph_objects.Figure
        On ``map_style="white-bg"``, starting at the first day, with a play / pause menu and a
        slider whose steps are the days in the language.
    """
    days = pd.DatetimeIndex(frames["day"].drop_duplicates()) if len(frames) else pd.DatetimeIndex([])
    by_day = {day: part for day, part in frames.groupby("day", sort=True)} if len(frames) else {}
    empty = frames.iloc[0:0]
    first = by_day[days[0]] if len(days) else empty
    names = [day.strftime("%Y-%m-%d") for day in days]
    animation_frames = [{"name": name, "data": _traces(by_day[day], t, threshold)} for name, day in zip(names, days)]
    return_areas = districts[districts["economic_region"].notna()]
    shown = return_areas if len(return_areas) else districts
    margin = {"l": 0, "r": 0, "t": 0, "b": 125}
    centre, zoom = map_view(
        shown.to_crs("EPSG:4326").total_bounds, height - margin["t"] - margin["b"], left_px=LEGEND_ROOM_PX
    )
    play = {"frame": {"duration": frame_ms, "redraw": True}, "fromcurrent": True, "transition": {"duration": 0}}
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    step = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate", "transition": {"duration": 0}}
    large = {"size": FONT_SIZE}
    return go.Figure(
        data=_traces(first, t, threshold),
        frames=animation_frames,
        layout={
            "height": height,
            "font": large,
            "margin": margin,
            "showlegend": True,
            "legend": {
                "title": {"text": t("timelapse.legend_title")},
                "x": 0.01,
                "y": 0.99,
                "xanchor": "left",
                "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.85)",
                "font": large,
                "itemsizing": "constant",
                "traceorder": "normal",
            },
            "map": {"style": "white-bg", "center": centre, "zoom": zoom, "layers": _outline_layers(districts)},
            "annotations": [
                {
                    "text": t("timelapse.size_note", threshold=below(threshold)),
                    "showarrow": False,
                    "xref": "paper",
                    "yref": "paper",
                    # under the legend, on the blank west of the map: at the right it covered districts
                    "x": 0.01,
                    "y": 0.01,
                    "xanchor": "left",
                    "yanchor": "bottom",
                    "bgcolor": "rgba(255,255,255,0.85)",
                    "font": {"size": FONT_SIZE - 4},
                }
            ],
            "updatemenus": [
                {
                    "type": "buttons",
                    "direction": "left",
                    "showactive": False,
                    "x": 0.0,
                    "y": 0,
                    "xanchor": "left",
                    "yanchor": "top",
                    "pad": {"t": 45, "r": 10},
                    "font": large,
                    "buttons": [
                        {"label": "▶ " + t("timelapse.play"), "method": "animate", "args": [None, play]},
                        {"label": "❚❚ " + t("timelapse.pause"), "method": "animate", "args": [[None], pause]},
                    ],
                }
            ],
            "sliders": [
                {
                    "active": 0,
                    "x": 0.26,
                    "len": 0.73,
                    "y": 0,
                    "yanchor": "top",
                    "pad": {"t": 40},
                    # the step labels of ~65 frames would overlap: the current day is written large instead
                    "font": {"size": 1, "color": "rgba(0,0,0,0)"},
                    "currentvalue": {
                        "visible": True,
                        "xanchor": "left",
                        "font": {"size": FONT_SIZE + 8, "color": OUTLINE_COLOUR},
                    },
                    "ticklen": 6,
                    "steps": [
                        {"label": t.day(day), "method": "animate", "args": [[name], step]}
                        for name, day in zip(names, days)
                    ],
                }
            ],
        },
    )
