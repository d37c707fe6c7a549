"""Maps as PNG images for slides and reports, drawn on the server with GeoPandas and matplotlib.

No browser and no tiles: the districts themselves are the background, in the colours of the web
maps (lib/styling.py). An image holds everything a reader needs, in the language of the
translator: title, legend, the day shown and the data date, the sources and, where demonstration
data enter the map, the demonstration mark. Families are shown as the public sees them
(lib.export_figures): a settlement whose count is suppressed is drawn with the smallest circle.
"""

from __future__ import annotations

import io
import textwrap

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox

import geopandas as gpd

from lib.as_of import records_as_of
from lib.config import get_settings
from lib.export_figures import (
    PublicTotals,
    checked_district,
    export_day,
    public_settlements,
    public_totals,
    published_sources,
    return_area_districts,
)
from lib.i18n import Translator, place_names
from lib.schema import is_demonstration
from lib.styling import (
    CONTEXT_COLOUR,
    CONTEXT_FILL,
    NO_DATA,
    OUTLINE_COLOUR,
    REGION_COLOURS,
    SETTLEMENT_OUTLINE_COLOUR,
    SETTLEMENT_STATUS_COLOURS,
    STATUS_COLOURS,
    circle_radius,
    reference_families,
)

DPI = 100  # figure inches x DPI = pixels, exactly (no tight bounding box)
REFERENCE_WIDTH = 1920  # type sizes below are for this width and scale with the image
CIRCLE_SCALE = 1.4  # circles a little larger than on screen: read from the back of a hall
DEMO_COLOUR = "#B35900"  # the demonstration mark's dark orange, legible on white
HAZARD_STATUSES = ("suspected", "confirmed", "in_clearance")  # land not yet released, in lifecycle order
HALO = [patheffects.withStroke(linewidth=3, foreground="white")]


def _circle_points(families, scale: float) -> np.ndarray:
    """Marker areas (points²) of settlements' circles: the web map's radius (lib.styling.circle_radius,
    pixels) at this image's scale, as a diameter in points, squared."""
    diameter_px = 2 * circle_radius(families) * CIRCLE_SCALE * scale
    return (diameter_px * 72 / DPI) ** 2


def _wrapped(text: str, width_px: float, size_pt: float) -> str:
    """``text`` broken into lines that should fit ``width_px`` at ``size_pt`` (DejaVu Sans averages
    about 0.6 em a character; :func:`_fitted_text` measures)."""
    characters = max(12, int(width_px / (0.6 * size_pt * DPI / 72)))
    return "\n".join(textwrap.wrap(text, characters))


def _fitted_text(figure, x: float, y: float, text: str, width_px: float, size_pt: float, **style):
    """A text at (``x``, ``y``) in figure fractions, wrapped into lines measured to fit ``width_px``."""
    renderer = figure.canvas.get_renderer()
    characters = max(12, int(width_px / (0.5 * size_pt * DPI / 72)))
    while True:
        drawn = figure.text(x, y, "\n".join(textwrap.wrap(text, characters)), fontsize=size_pt, **style)
        if drawn.get_window_extent(renderer).width <= width_px or characters <= 12:
            return drawn
        drawn.remove()
        characters = int(characters * 0.93)


def _map_sources(t: Translator, returns: pd.DataFrame) -> str:
    reports = len(published_sources(returns))
    return t("static_map.sources_reports", count=reports) if reports else t("static_map.sources")


def _frame(ax, bounds, margin: float) -> None:
    """Show ``bounds`` (lon/lat) with a margin at the true shape of the land at that latitude,
    widened to fill the axes. The limits are set here, not left to matplotlib's aspect adjustment
    at drawing time, so that names can be placed in display pixels that stay where they are."""
    west, south, east, north = bounds
    pad_x, pad_y = (east - west) * margin, (north - south) * margin
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    box = ax.get_window_extent()
    shrink = np.cos(np.radians((south + north) / 2))  # a degree of longitude is this much of one of latitude
    needed = (box.width / box.height) * (north - south) / shrink  # degrees of longitude at the box's shape
    if needed >= east - west:
        middle = (west + east) / 2
        west, east = middle - needed / 2, middle + needed / 2
    else:
        middle, span = (south + north) / 2, (east - west) * shrink * box.height / box.width
        south, north = middle - span / 2, middle + span / 2
    ax.set_aspect("auto")  # GeoDataFrame.plot shrinks the box to its own aspect: these limits have it
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_axis_off()


def _draw_districts(ax, districts: gpd.GeoDataFrame, district_id: str | None, t: Translator, scale: float) -> None:
    in_focus = (
        districts["district_id"].eq(district_id) if district_id else districts["economic_region"].notna()
    ).to_numpy()
    districts[~in_focus].plot(ax=ax, color=CONTEXT_FILL, edgecolor=CONTEXT_COLOUR, linewidth=0.8)
    focus = districts[in_focus]
    colours = [REGION_COLOURS.get(region, CONTEXT_COLOUR) for region in focus["economic_region"]]
    focus.plot(ax=ax, color=colours, alpha=0.18, edgecolor="none")
    focus.boundary.plot(ax=ax, color=colours, linewidth=2.5)


def _draw_hazards(ax, hazards: gpd.GeoDataFrame, day) -> list[str]:
    """Hazard polygons not yet released on ``day``, by status; returns the statuses drawn."""
    known = records_as_of("hazard_areas", hazards, day)
    unreleased = known[known["status"].isin(HAZARD_STATUSES)]
    drawn = []
    for status in HAZARD_STATUSES:
        polygons = unreleased[unreleased["status"] == status]
        if len(polygons):
            polygons.plot(ax=ax, color=STATUS_COLOURS["hazard_areas"][status], alpha=0.75, edgecolor="none", zorder=2)
            drawn.append(status)
    return drawn


def _draw_settlements(ax, settlements: gpd.GeoDataFrame, scale: float) -> None:
    families = settlements["families_returned"].fillna(0).to_numpy(dtype="float64")
    order = np.argsort(-families, kind="stable")  # the largest circles first, small ones on top
    points = settlements.geometry.to_numpy()[order]
    dashed = (settlements["coord_quality"] == "district_seat").to_numpy()[order]
    colours = [SETTLEMENT_STATUS_COLOURS.get(s, NO_DATA) for s in settlements["status"].to_numpy()[order]]
    ax.scatter(
        [p.x for p in points],
        [p.y for p in points],
        s=_circle_points(families[order], scale),
        c=colours,
        edgecolors=OUTLINE_COLOUR,
        linewidths=1.2 * scale,
        alpha=0.9,
        zorder=5,
        linestyles=["--" if d else "-" for d in dashed],
    )


def _circle_boxes(ax, settlements: gpd.GeoDataFrame, scale: float) -> list:
    """The settlements' circles as boxes in display pixels: names must not cover them."""
    transform = ax.transData
    families = settlements["families_returned"].fillna(0).to_numpy(dtype="float64")
    radii = np.sqrt(_circle_points(families, scale)) / 2 * DPI / 72
    centres = transform.transform(np.column_stack([settlements.geometry.x, settlements.geometry.y]))
    return [Bbox.from_extents(x - r, y - r, x + r, y + r) for (x, y), r in zip(centres, radii)]


def _place_labels(ax, labels: list[tuple[str, float, float, float]], obstacles: list, style: dict) -> int:
    """Write each label (text, lon, lat, gap in points) at the first of four places around its point
    (right, left, above, below; at the point itself for a gap of 0 first) where it stays inside the
    map and covers no other label and no obstacle (boxes in display pixels); returns how many
    found no place and were left out."""
    renderer = ax.figure.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    taken, left_out = list(obstacles), 0
    for text, x, y, gap in labels:
        diagonal = gap * 0.75
        places = [
            ((gap, 0), "left", "center"),
            ((-gap, 0), "right", "center"),
            ((0, gap), "center", "bottom"),
            ((0, -gap), "center", "top"),
            ((diagonal, diagonal), "left", "bottom"),
            ((-diagonal, diagonal), "right", "bottom"),
            ((diagonal, -diagonal), "left", "top"),
            ((-diagonal, -diagonal), "right", "top"),
        ]
        if gap == 0:
            places = [
                ((0, 0), "center", "center"),
                *[
                    ((4 * dx, 4 * dy), h, v)
                    for (dx, dy), h, v in (
                        ((0, 3), "center", "bottom"),
                        ((0, -3), "center", "top"),
                        ((3, 0), "left", "center"),
                        ((-3, 0), "right", "center"),
                    )
                ],
            ]
        for offset, ha, va in places:
            label = ax.annotate(
                text, (x, y), xytext=offset, textcoords="offset points", ha=ha, va=va, path_effects=HALO, **style
            )
            box = label.get_window_extent(renderer)
            fits = inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1)
            if fits and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
            label.remove()
        else:
            left_out += 1
    return left_out


def _label_settlements(ax, settlements: gpd.GeoDataFrame, names: pd.Series, scale: float) -> int:
    """Name the settlements beside their circles, the ones most families returned to first, where
    a name covers no other name or circle; returns how many could not be named."""
    families = settlements["families_returned"].fillna(0)
    order = families.sort_values(ascending=False, kind="stable").index
    labels = [
        (
            names[i],
            settlements.geometry[i].x,
            settlements.geometry[i].y,
            float(np.sqrt(_circle_points(families[i], scale))) / 2 + 3 * scale,
        )
        for i in order
    ]
    style = {"fontsize": 15 * scale, "fontweight": "bold", "color": "#222222", "zorder": 6}
    return _place_labels(ax, labels, _circle_boxes(ax, settlements, scale), style)


def _label_districts(ax, districts: gpd.GeoDataFrame, settlements: gpd.GeoDataFrame, t: Translator, scale) -> None:
    """Name the return-area districts inside them, clear of the settlements' circles (a small
    district whose name finds no place stays unnamed: the legend and the PDF name every one)."""
    points = districts.geometry.representative_point()
    labels = [(name, p.x, p.y, 0.0) for name, p in zip(place_names(districts, t), points)]
    style = {"fontsize": 14 * scale, "color": "#444444", "zorder": 4}
    _place_labels(ax, labels, _circle_boxes(ax, settlements, scale), style)


def _legend_handles(t: Translator, families_max: float, scale: float, district_id, hazard_statuses):
    """Legend entries, each group under a heading (a heading is an entry without a symbol)."""

    def heading(text: str):
        return Patch(visible=False), text

    entries = []
    if district_id is None:
        entries.append(heading(t("map.districts")))
        entries += [
            (Patch(facecolor=colour, alpha=0.35, edgecolor=colour, linewidth=2), t.term("region", region))
            for region, colour in REGION_COLOURS.items()
        ]
    entries.append(heading(t("map.settlements")))
    entries += [
        (
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=18 * scale,
                markerfacecolor=colour,
                markeredgecolor=OUTLINE_COLOUR,
            ),
            t.term("settlement_status", status),
        )
        for status, colour in SETTLEMENT_STATUS_COLOURS.items()
    ]
    sizes = reference_families(families_max)
    if sizes:
        entries.append(heading(t("map.circle_sizes")))
        entries += [
            (
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="none",
                    markersize=float(np.sqrt(_circle_points(f, scale))),
                    markerfacecolor="white",
                    markeredgecolor=OUTLINE_COLOUR,
                ),
                t.number(f),
            )
            for f in sizes
        ]
    if hazard_statuses:
        entries.append(heading(t("static_map.hazard_areas")))
        entries += [
            (Patch(facecolor=STATUS_COLOURS["hazard_areas"][s], alpha=0.75), t.term("hazard_status", s))
            for s in hazard_statuses
        ]
    return entries


def map_png(
    layers: dict[str, pd.DataFrame],
    day,
    data_date,
    t: Translator,
    district_id: str | None = None,
    width: int = 1920,
    height: int = 1080,
    threshold: int | None = None,
    text_scale: float = 1.0,
    totals: PublicTotals | None = None,
) -> bytes:
    """A map as a PNG image of exactly ``width`` x ``height`` pixels.

    Parameters
    ----------
    layers : the store's layers (lib.export_figures.read_export_layers): districts, settlements
        (points), settlement_boundaries, returns, housing, employment_projects, hazard_areas.
    day : the day shown (None: the data date; never after it).
    data_date : the data's last day.
    t : the language of every word and number in the image.
    district_id : None for the programme (the return-area districts, the others as context,
        settlements by status sized by families); a return-area district's id for that district
        with its settlements named and its land not yet released.
    threshold : the suppression threshold of the public view (default: the setting).
    text_scale : type and symbols this many times larger than on a 1920-pixel slide (an image
        printed small, as in the briefing, needs them larger).
    totals : lib.export_figures.public_totals of the same layers and threshold, when already built.

    Raises
    ------
    lib.export_figures.UnknownDistrict
        When ``district_id`` is not a return-area district.
    """
    districts = layers["districts"]
    checked_district(districts, district_id)
    threshold = get_settings().suppression_threshold if threshold is None else threshold
    day = export_day(day, data_date)
    ids = [district_id] if district_id else return_area_districts(districts)["district_id"].tolist()
    settlements = layers["settlements"][layers["settlements"]["district_id"].isin(ids)]
    totals = totals if totals is not None else public_totals(layers, data_date, threshold)
    settlements = public_settlements(settlements, day, totals, threshold)
    returns = layers["returns"][layers["returns"]["settlement_id"].isin(settlements["settlement_id"])]

    scale = width / REFERENCE_WIDTH * text_scale
    # a Figure of its own, not pyplot's global state: the app's sessions may draw at the same time
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    try:
        focus = districts[districts["district_id"].isin(ids)]
        title = (
            t("static_map.title_district", district=place_names(focus, t).iloc[0])
            if district_id
            else t("static_map.title_programme")
        )
        top = _heading(figure, title, t("static_map.dates", day=t.day(day), data_date=t.day(data_date)), scale)
        demonstration = any(
            frame["source"].map(is_demonstration).any() for frame in (settlements, returns) if len(frame)
        )
        bottom = _footer(figure, _map_sources(t, returns), t("export.demo_note") if demonstration else None, scale)

        gap = 0.015
        legend_share = min(0.4, 0.26 * text_scale**0.5)  # of the width; larger type needs more
        ax = figure.add_axes((0.01, bottom + gap, 0.96 - legend_share, top - bottom - 2 * gap))
        _draw_districts(ax, districts, district_id, t, scale)
        hazard_statuses = []
        if district_id:
            hazards = layers["hazard_areas"][layers["hazard_areas"]["district_id"] == district_id]
            hazard_statuses = _draw_hazards(ax, hazards, day)
            outlines = layers["settlement_boundaries"]
            outlines[outlines["settlement_id"].isin(settlements["settlement_id"])].boundary.plot(
                ax=ax, color=SETTLEMENT_OUTLINE_COLOUR, linewidth=1, zorder=3
            )
        _frame(ax, focus.total_bounds, 0.12 if district_id else 0.03)
        if len(settlements):
            _draw_settlements(ax, settlements, scale)
        if district_id:
            unnamed = _label_settlements(ax, settlements, place_names(settlements, t), scale)
        else:
            unnamed = 0
            _label_districts(ax, focus, settlements, t, scale)

        notes = [t("export.public_note", threshold=threshold)]
        if settlements["coord_quality"].eq("district_seat").any():
            notes.append(t("static_map.dashed"))
        if unnamed:
            notes.append(t.plural("static_map.unnamed", unnamed))
        families_max = float(settlements["families_returned"].max()) if len(settlements) else 0.0
        _legend_panel(
            figure,
            (0.99 - legend_share, bottom + gap, legend_share, top - bottom - 2 * gap),
            lambda size: _legend_handles(
                t, families_max if np.isfinite(families_max) else 0.0, size, district_id, hazard_statuses
            ),
            " ".join(notes),
            scale,
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
        return buffer.getvalue()
    finally:
        figure.clear()


def _legend_panel(figure, box, entries_at, notes: str, scale: float) -> None:
    """The legend (``entries_at(scale)``: its entries at a type scale) and the notes under it, in
    ``box`` (figure fractions); their type is made smaller until both fit in the box."""
    renderer = figure.canvas.get_renderer()
    to_figure = figure.transFigure.inverted()
    left, bottom, width_share, height_share = box
    width = (width_share - 0.01) * figure.bbox.width
    size = scale
    while True:
        panel = figure.add_axes(box)
        panel.set_axis_off()
        entries = entries_at(size)
        legend = panel.legend(
            [h for h, _ in entries],
            [_wrapped(label, width - 60 * size, 17 * size) for _, label in entries],
            loc="upper left",
            frameon=False,
            fontsize=17 * size,
            handlelength=1.6,
            handleheight=1.2,
            labelspacing=0.7,
            borderaxespad=0,
        )
        for text, (handle, _) in zip(legend.get_texts(), entries):
            if not handle.get_visible():  # a heading, flush with the symbols
                text.set_fontweight("bold")
                text.set_position((-30 * size, 0))
        below_legend = to_figure.transform((0, legend.get_window_extent(renderer).y0))[1]
        note = _fitted_text(
            figure, left, below_legend - 0.02, notes, width, 13 * size, va="top", color="#444444", linespacing=1.3
        )
        lowest = to_figure.transform((0, note.get_window_extent(renderer).y0))[1]
        if lowest >= bottom or size < 0.4 * scale:
            return
        note.remove()
        panel.remove()
        size *= 0.9


def _heading(figure, title: str, dates: str, scale: float) -> float:
    """Title and dates at the top; returns the figure fraction just below them."""
    renderer = figure.canvas.get_renderer()
    width = figure.bbox.width
    title_text = _fitted_text(
        figure, 0.015, 0.97, title, 0.97 * width, 34 * scale, fontweight="bold", va="top", color="#111111"
    )
    below = figure.transFigure.inverted().transform((0, title_text.get_window_extent(renderer).y0))[1]
    dates_text = figure.text(0.015, below - 0.012, dates, fontsize=20 * scale, va="top", color="#333333")
    return figure.transFigure.inverted().transform((0, dates_text.get_window_extent(renderer).y0))[1]


def _footer(figure, sources: str, demo_note: str | None, scale: float) -> float:
    """Sources and the demonstration mark stacked at the bottom; returns the figure fraction just above them."""
    renderer = figure.canvas.get_renderer()
    width = figure.bbox.width
    to_figure = figure.transFigure.inverted()
    bottom = 0.02
    if demo_note:
        note = _fitted_text(
            figure,
            0.015,
            bottom,
            demo_note,
            0.97 * width,
            14 * scale,
            va="bottom",
            color=DEMO_COLOUR,
            fontweight="bold",
            linespacing=1.3,
        )
        bottom = to_figure.transform((0, note.get_window_extent(renderer).y1))[1] + 0.01
    text = _fitted_text(
        figure, 0.015, bottom, sources, 0.97 * width, 13 * scale, va="bottom", color="#444444", linespacing=1.3
    )
    return to_figure.transform((0, text.get_window_extent(renderer).y1))[1]
