"""Map builders: GeoDataFrames in, ``folium.Map`` out (pure; tested on the rendered Leaflet code).

Maps draw without any CDN (:mod:`lib.map_assets`) and without basemap tiles unless a tile URL is
configured, so they must read well on boundaries alone: districts carry the context, return
areas are filled by economic region, settlements are circles sized by the families returned.
Colours, status terms and classes come from :mod:`lib.styling`; the layers and the legend are the
elements of :mod:`lib.map_elements`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import numpy as np
import pandas as pd

import folium
import geopandas as gpd
import shapely

from lib.disclosure import FAMILIES, PERSONS, cell_text, column_texts, shown_column
from lib.i18n import Translator, place_names
from lib.level_of_detail import FEATURE_BUDGET, View, fit_to_budget
from lib.map_assets import offline_map
from lib.map_elements import (
    LEGEND_CSS,
    Features,
    Labels,
    Legend,
    LegendEntry,
    StaticGeoJson,
    SymbolSizes,
    features_from,
    geometry_json,
)
from lib.safe_text import escape_html
from lib.styling import (
    CONTEXT_COLOUR,
    CONTEXT_FILL,
    NO_DATA,
    OUTLINE_COLOUR,
    REGION_COLOURS,
    SETTLEMENT_OUTLINE_COLOUR,
    SETTLEMENT_STATUS_COLOURS,
    STATUS_COLOURS,
    STATUS_TERMS,
    circle_radius,
    classify,
    reference_families,
)
from lib.web_mercator import half_pixel_degrees, to_pixels

LABEL_ZOOM = 8  # the zoom the return areas open at on a laptop or a projector
CONTEXT_ZOOM = LABEL_ZOOM  # districts that are only context are simplified for this zoom


def frame_map(bounds, tiles_url, tiles_attribution) -> folium.Map:
    """A map fitted to ``bounds`` (minx, miny, maxx, maxy), with the labels' and legends' style."""
    minx, miny, maxx, maxy = bounds
    fmap = offline_map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=8,
        tiles_url=tiles_url,
        tiles_attribution=tiles_attribution,
        leaflet_only=True,  # no popups or icons on these maps
    )
    fmap.get_root().header.add_child(
        folium.Element(
            "<style>.gr-label{font:600 12px sans-serif;color:#222;white-space:nowrap;"
            "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;pointer-events:none}"
            f"{LEGEND_CSS}</style>"
        )
    )
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap


class MapPieces:
    """Parts of maps that do not depend on the day (the context districts' simplified outlines
    and their tooltips, in GeoJSON), kept between runs: :mod:`lib.cache` holds one per data
    version, shared by every session. A bounded store: the least recently used pieces go first.
    """

    def __init__(self, size: int = 64):
        self._pieces: OrderedDict[Hashable, object] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()  # sessions run in threads of their own

    def get(self, key: Hashable, build: Callable[[], object]):
        """The piece under ``key``, built with ``build()`` the first time."""
        with self._lock:
            if key in self._pieces:
                self._pieces.move_to_end(key)
                return self._pieces[key]
        piece = build()
        with self._lock:
            self._pieces[key] = piece
            while len(self._pieces) > self._size:
                self._pieces.popitem(last=False)
        return piece


def _piece(pieces: MapPieces | None, key: Hashable, build: Callable[[], object]):
    return build() if pieces is None else pieces.get(key, build)


def _context_features(districts: gpd.GeoDataFrame, t: Translator, detail_ids) -> Features:
    geometries = districts.geometry.to_numpy()
    coarse = ~districts["district_id"].isin(list(detail_ids)).to_numpy()
    # Douglas-Peucker without topology checks: eight times faster, and districts are far larger
    # than the tolerance, so none collapses
    simple = shapely.simplify(geometries, half_pixel_degrees(CONTEXT_ZOOM), preserve_topology=False)
    geometries = np.where(coarse, simple, geometries)
    tooltips = [escape_html(str(name)) for name in place_names(districts, t)]
    return features_from({"district_id": districts["district_id"].tolist(), "tooltip": tooltips}, geometries)


def context_layer(
    districts: gpd.GeoDataFrame, t: Translator, detail_ids=(), pieces: MapPieces | None = None, rows=None
) -> StaticGeoJson:
    """Districts (those of the boolean mask ``rows``, or all) as grey context, named in the
    tooltip. Those outside ``detail_ids`` are only context, so they are simplified to half a pixel
    at the zoom maps open at: most of a map's bytes were these borders' vertices. Kept in
    ``pieces``, which must belong to one data version."""
    ids = districts["district_id"].to_numpy()
    shown = tuple(ids if rows is None else ids[rows])
    key = ("context", t.language, shown, tuple(sorted(detail_ids)))
    features = _piece(
        pieces, key, lambda: _context_features(districts if rows is None else districts[rows], t, detail_ids)
    )
    style = {"color": CONTEXT_COLOUR, "weight": 0.8, "fillColor": CONTEXT_FILL, "fillOpacity": 0.6}
    return StaticGeoJson(features, style)


def _outlines(districts: gpd.GeoDataFrame, rows, pieces: MapPieces | None) -> tuple[np.ndarray, list[str]]:
    """The geometries of the districts of the boolean mask ``rows`` and their GeoJSON, in full
    detail (kept in ``pieces``: the shapes do not change from one day to the next)."""
    geometries = districts.geometry.to_numpy()[rows]
    key = ("outlines", tuple(districts["district_id"].to_numpy()[rows]))
    return geometries, _piece(pieces, key, lambda: geometry_json(geometries))


LABEL_HEIGHT_PX = 16
LABEL_CHAR_PX = 7.5


def non_overlapping_labels(settlements: gpd.GeoDataFrame, names: pd.Series, zoom: int = LABEL_ZOOM) -> list:
    """Index of the cities whose labels can be drawn at ``zoom`` without overlapping another label,
    the cities with most families returned placed first."""
    is_city = (settlements["kind"] == "city").to_numpy()
    # the order of a sort of the cities' rows by families returned (the same sort, ties included)
    order = (
        settlements["families_returned"][is_city].sort_values(ascending=False).index
        if "families_returned" in settlements
        else settlements.index[is_city]
    )
    cities = settlements.geometry.to_numpy()[is_city]
    x, y = to_pixels(shapely.get_x(cities), shapely.get_y(cities), zoom)
    position = dict(zip(settlements.index[is_city], zip(x, y)))
    placed: list[tuple[float, float, float, float]] = []
    kept = []
    for index in order:
        left, top = position[index][0] + 8, position[index][1] - LABEL_HEIGHT_PX / 2
        box = (left, top, left + LABEL_CHAR_PX * len(str(names[index])), top + LABEL_HEIGHT_PX)
        if all(box[2] <= b[0] or b[2] <= box[0] or box[3] <= b[1] or b[3] <= box[1] for b in placed):
            placed.append(box)
            kept.append(index)
    return kept


def _drawn_families(settlements: pd.DataFrame) -> np.ndarray:
    """Families to size a circle by: a count suppressed in the public view (NaN) is drawn as the
    smallest circle, which says no more than its mark."""
    return settlements[FAMILIES].fillna(0).to_numpy(dtype="float64")


def _settlement_layer(settlements: gpd.GeoDataFrame, t: Translator) -> folium.FeatureGroup:
    """Settlements as circles sized by families returned, cities labelled, figures in tooltips.

    One GeoJson layer for all circles and one element for all labels: a folium element per
    settlement costs a template compilation each, which made this layer most of a map's server time."""
    layer = folium.FeatureGroup(name=t("map.settlements"))
    if settlements.empty:
        return layer
    names = place_names(settlements, t)
    # plain lists: a row of a GeoDataFrame costs more to read than the tooltip costs to write
    columns = {c: settlements[c].tolist() for c in ("status", "coord_quality", "units_completed")}
    # counts as the reader sees them: in the public view a small one reads "<5" (lib.disclosure)
    columns["families_returned"] = column_texts(settlements, FAMILIES, t)
    columns["persons_returned"] = column_texts(settlements, PERSONS, t)
    location_unknown = f"<br><i>{escape_html(t('map.location_unknown'))}</i>"
    words = {key: escape_html(t(f"col.{key}")) for key in ("status", "families_returned", "persons_returned")}
    units_completed = escape_html(t("col.units_completed"))
    statuses = {status: escape_html(t.term("settlement_status", status)) for status in set(columns["status"])}

    def tooltip(name, status, quality, families, persons, completed, planned) -> str:
        location_note = location_unknown if quality == "district_seat" else ""
        of_planned = t("map.of_planned", done=t.number(completed), planned=t.number(planned))
        return (
            f"<b>{escape_html(name)}</b><br>"
            f"{words['status']}: {statuses[status]}<br>"
            f"{words['families_returned']}: {escape_html(families)}<br>"
            f"{words['persons_returned']}: {escape_html(persons)}<br>"
            f"{units_completed}: {escape_html(of_planned)}{location_note}"
        )

    tooltips = [
        tooltip(*row)
        for row in zip(
            names.tolist(),
            columns["status"],
            columns["coord_quality"],
            columns["families_returned"],
            columns["persons_returned"],
            columns["units_completed"],
            settlements["planned_households"].tolist(),
        )
    ]
    styles = [
        {"fillColor": SETTLEMENT_STATUS_COLOURS.get(status, NO_DATA), "radius": radius, "dashArray": dash}
        for status, radius, dash in zip(
            columns["status"],
            circle_radius(_drawn_families(settlements)).round(1),
            np.where(settlements["coord_quality"] == "district_seat", "3", None),
        )
    ]
    properties = {"settlement_id": settlements["settlement_id"].tolist(), "tooltip": tooltips, "style": styles}
    circles = features_from(properties, settlements.geometry.to_numpy())
    StaticGeoJson(circles, {"color": OUTLINE_COLOUR, "weight": 1, "fill": True, "fillOpacity": 0.9}).add_to(layer)
    labelled = non_overlapping_labels(settlements, names)
    if labelled:
        points = settlements.geometry.to_numpy()[settlements.index.get_indexer(labelled)]
        Labels(
            zip(shapely.get_y(points), shapely.get_x(points)),
            [f'<div class="gr-label">{escape_html(names[index])}</div>' for index in labelled],
            icon_size=(120, 18),
            icon_anchor=(-8, 9),
            class_name="gr-label-icon",
        ).add_to(layer)
    return layer


def _settlement_entries(t: Translator) -> list[LegendEntry]:
    return [
        LegendEntry(colour, "circle", t("map.settlement_status", status=t.term("settlement_status", status)))
        for status, colour in SETTLEMENT_STATUS_COLOURS.items()
    ]


def _settlement_legend(title: str, entries: list[LegendEntry], settlements: pd.DataFrame, t: Translator) -> Legend:
    """A legend whose last part explains the settlement circles: their sizes, with circles of round
    family counts, then their colours by status."""
    families = reference_families(settlements["families_returned"].max() if len(settlements) else 0)
    sizes = SymbolSizes(t("map.circle_sizes"), [(2 * float(circle_radius(f)), t.number(f)) for f in families])
    return Legend(title, [*entries, *([sizes] if families else []), *_settlement_entries(t)])


def return_areas_map(
    districts: gpd.GeoDataFrame,
    settlements: gpd.GeoDataFrame,
    t: Translator,
    *,
    tiles_url: str | None = None,
    tiles_attribution: str = "",
    pieces: MapPieces | None = None,
) -> folium.Map:
    """The return areas: every district as context, the return-area districts by economic
    region, and settlements as labelled circles with their key figures in a tooltip.

    Parameters
    ----------
    districts : the districts layer (all of them; those with an economic region are highlighted).
    settlements : output of :func:`lib.metrics.settlement_summary`.
    t : the language of labels, tooltips and numbers.
    """
    in_return_areas = districts["economic_region"].notna().to_numpy()
    geometries, outlines = _outlines(districts, in_return_areas, pieces)
    fmap = frame_map(shapely.total_bounds(geometries), tiles_url, tiles_attribution)
    context_layer(districts, t, pieces=pieces, rows=~in_return_areas).add_to(fmap)
    names = place_names(districts, t)[in_return_areas].tolist()
    regions = districts["economic_region"].to_numpy()[in_return_areas].tolist()
    highlighted = {
        "district_id": districts["district_id"].to_numpy()[in_return_areas].tolist(),
        "economic_region": regions,
        "tooltip": [
            f"<b>{escape_html(str(n))}</b><br>{escape_html(t.term('region', r))}" for n, r in zip(names, regions)
        ],
        "style": [{"color": REGION_COLOURS[r], "fillColor": REGION_COLOURS[r]} for r in regions],
    }
    StaticGeoJson(features_from(highlighted, geometries, outlines), {"weight": 2, "fillOpacity": 0.18}).add_to(fmap)
    _settlement_layer(settlements, t).add_to(fmap)
    regions = [LegendEntry(colour, "box", t.term("region", region)) for region, colour in REGION_COLOURS.items()]
    _settlement_legend(t("map.return_areas"), regions, settlements, t).add_to(fmap)
    return fmap


def progress_map(
    districts: gpd.GeoDataFrame,
    progress: pd.DataFrame,
    column: str,
    title: str,
    settlements: gpd.GeoDataFrame,
    t: Translator,
    *,
    tiles_url: str | None = None,
    tiles_attribution: str = "",
    pieces: MapPieces | None = None,
) -> folium.Map:
    """A choropleth of one indicator over the selected districts, classed with natural breaks,
    with every other district as context and the settlements on top.

    When every district has the same value (all zero on an early day) there is nothing to rank:
    they are drawn in the lowest class and the legend says so.
    """
    ids = districts["district_id"].to_numpy()
    wanted = set(progress["district_id"].tolist())
    chosen = np.fromiter((i in wanted for i in ids), dtype=bool, count=len(ids))
    if not chosen.any():
        chosen = districts["economic_region"].notna().to_numpy()
    geometries, outlines = _outlines(districts, chosen, pieces)
    fmap = frame_map(shapely.total_bounds(geometries), tiles_url, tiles_attribution)
    if not chosen.all():
        context_layer(districts, t, pieces=pieces, rows=~chosen).add_to(fmap)
    # a district's value, missing for a selected district the table lacks
    values = pd.Series(progress[column].to_numpy(), index=progress["district_id"].to_numpy()).reindex(ids[chosen])
    marks = (
        pd.Series(progress[shown_column(column)].to_numpy(), index=progress["district_id"].to_numpy()).reindex(
            ids[chosen]
        )
        if shown_column(column) in progress.columns
        else pd.Series(None, index=values.index, dtype="object")
    )
    # a count suppressed in the public view (lib.disclosure) is coloured in the lowest class
    classes = classify(values.mask(marks.notna().to_numpy(), 0))
    shaded = {
        "district_id": ids[chosen].tolist(),
        "tooltip": [
            f"<b>{escape_html(str(name))}</b><br>"
            + escape_html(cell_text(v, m, t, classes.decimals) if pd.notna(v) or isinstance(m, str) else "–")
            for name, v, m in zip(place_names(districts, t)[chosen].tolist(), values.tolist(), marks.tolist())
        ],
        "style": [{"fillColor": colour} for colour in classes.colour_of_each()],
    }
    StaticGeoJson(
        features_from(shaded, geometries, outlines), {"color": OUTLINE_COLOUR, "weight": 1.2, "fillOpacity": 0.8}
    ).add_to(fmap)
    _settlement_layer(settlements, t).add_to(fmap)
    labels = classes.labels(t.number)
    if classes.all_equal:
        labels = [t("map.all_equal", value=labels[0])]
    entries = [LegendEntry(colour, "box", label) for colour, label in zip(classes.colours, labels)]
    if (values.isna() & marks.isna()).any():
        entries.append(LegendEntry(NO_DATA, "box", t("map.no_data")))
    _settlement_legend(title, entries, settlements, t).add_to(fmap)
    return fmap


EXPLORER_LAYERS = [
    "settlement_boundaries",
    "returnees",
    "housing",
    "infrastructure",
    "hazard_areas",
    "employment_projects",
]


def _feature_layer(frame: gpd.GeoDataFrame, layer: str, id_field: str, colour_of, t: Translator, radius=4):
    """One layer as GeoJSON whose features carry ``layer`` and ``id`` (what a click returns)."""
    ids = frame[id_field].tolist()
    if layer in STATUS_TERMS:
        statuses = frame["status"].tolist()
        words = {status: t.term(STATUS_TERMS[layer], status) for status in set(statuses)}
        labels = [words[status] for status in statuses]
    else:
        labels = ids
    properties = {"layer": [layer] * len(frame), "id": ids, "label": labels, "colour": list(colour_of(frame))}
    geometries = frame.geometry.to_numpy()
    points = shapely.get_type_id(geometries) == shapely.GeometryType.POINT
    group = folium.FeatureGroup(name=t(f"layer.{layer}"))
    tooltip = {"tooltip_fields": ("id", "label")}
    if (~points).any():
        StaticGeoJson(
            _features_of_rows(properties, geometries, ~points),
            {"weight": 2, "fillOpacity": 0.45},
            colour_options=("color", "fillColor"),
            **tooltip,
        ).add_to(group)
    if points.any():
        StaticGeoJson(
            _features_of_rows(properties, geometries, points),
            {"radius": radius, "weight": 1, "color": OUTLINE_COLOUR, "fill": True, "fillOpacity": 0.9},
            colour_options=("fillColor",),
            **tooltip,
        ).add_to(group)
    return group


def _features_of_rows(properties: dict[str, list], geometries: np.ndarray, rows: np.ndarray) -> Features:
    """The features of the rows of the boolean mask ``rows``."""
    if rows.all():
        return features_from(properties, geometries)
    kept = np.flatnonzero(rows)
    return features_from({name: [values[i] for i in kept] for name, values in properties.items()}, geometries[kept])


def _returnee_symbols(summary: gpd.GeoDataFrame, t: Translator) -> StaticGeoJson:
    """Settlements as circles with area proportional to families returned; a click gives the settlement."""
    families = summary[FAMILIES]
    marks = summary[shown_column(FAMILIES)] if shown_column(FAMILIES) in summary.columns else [None] * len(summary)
    heading = t(f"col.{FAMILIES}")
    properties = {
        "layer": ["settlements"] * len(summary),
        "id": summary["settlement_id"].tolist(),
        "label": [
            # a count suppressed in the public view reads "<5" (lib.disclosure)
            f"{name}: {t.plural('count.families', count)}"
            if not mark
            else f"{name} — {heading}: {cell_text(count, mark, t)}"
            for name, count, mark in zip(place_names(summary, t).tolist(), families.tolist(), list(marks))
        ],
        "colour": summary["status"].map(SETTLEMENT_STATUS_COLOURS).tolist(),
        "style": [{"radius": r} for r in circle_radius(_drawn_families(summary)).round(1)],
    }
    return StaticGeoJson(
        features_from(properties, summary.geometry.to_numpy()),
        {"weight": 1, "color": OUTLINE_COLOUR, "fill": True, "fillOpacity": 0.85},
        colour_options=("fillColor",),
        tooltip_fields=("label",),
    )


def _binned_layer(cells: gpd.GeoDataFrame, layer: str, t: Translator) -> StaticGeoJson:
    """Grid cells standing for a layer too dense to send whole (:func:`binned_cells` in the
    layer's status colours)."""
    return binned_cells(cells, STATUS_COLOURS[layer], t)


def binned_cells(cells: gpd.GeoDataFrame, colours: dict[str, str], t: Translator) -> StaticGeoJson:
    """Grid cells (lib.level_of_detail) standing for features too dense to send whole: coloured by
    their dominant status (``colours``: status → colour), with the count in the tooltip."""
    counts = cells["count"].tolist()
    words = {count: t("map.cell", count=t.number(count)) for count in set(counts)}
    properties = {
        "label": [words[count] for count in counts],
        "colour": [colours.get(status, CONTEXT_COLOUR) for status in cells["status"].tolist()],
    }
    return StaticGeoJson(
        features_from(properties, cells.geometry.to_numpy()),
        {"weight": 0.5, "fillOpacity": 0.6},
        colour_options=("color", "fillColor"),
        tooltip_fields=("label",),
    )


DENSE_LAYERS = (
    ("hazard_areas", "hazard_id", "area_ha"),
    ("infrastructure", "asset_id", None),
    ("housing", "house_id", "units"),
    ("employment_projects", "project_id", None),
)


def explorer_map(
    data: dict[str, gpd.GeoDataFrame],
    layers_on: list[str],
    districts: gpd.GeoDataFrame,
    focus: gpd.GeoDataFrame,
    t: Translator,
    *,
    tiles_url: str | None = None,
    tiles_attribution: str = "",
    pieces: MapPieces | None = None,
) -> folium.Map:
    """The coordinators' base map: district outlines, settlement outlines and returnee symbols,
    zoomed to ``focus``. The dense layers and the legend come separately (:func:`explorer_layers`),
    so that new detail for a view, or another set of layers, does not redraw the base map.

    ``data`` holds the filtered layers plus ``settlement_summary`` (lib.metrics.settlement_summary).
    Every feature carries its layer and id so that a click can show its full record.
    """
    fmap = frame_map((focus if len(focus) else districts).total_bounds, tiles_url, tiles_attribution)
    fmap.options["preferCanvas"] = True
    # districts the map opens on keep their detail: the user zooms in there
    opened_on = districts[districts.intersects(shapely.box(*focus.total_bounds))] if len(focus) else districts.iloc[:0]
    context_layer(districts, t, detail_ids=opened_on["district_id"], pieces=pieces).add_to(fmap)
    if "settlement_boundaries" in layers_on:
        _feature_layer(
            data["settlement_boundaries"],
            "settlement_boundaries",
            "settlement_id",
            lambda f: [SETTLEMENT_OUTLINE_COLOUR] * len(f),
            t,
        ).add_to(fmap)
    if "returnees" in layers_on and len(data["settlement_summary"]):
        _returnee_symbols(data["settlement_summary"], t).add_to(fmap)
    return fmap


def explorer_legend(
    data: dict[str, gpd.GeoDataFrame], layers_on: list[str], binned: set[str], t: Translator
) -> Legend | None:
    """The legend of the layers on, in the order the list of layers gives them; ``binned`` names
    the layers sent as grid cells, which the legend says. None when no layer is on."""
    entries: list[LegendEntry] = []
    if "settlement_boundaries" in layers_on:
        entries.append(LegendEntry(SETTLEMENT_OUTLINE_COLOUR, "box", t("layer.settlement_boundaries")))
    for layer, _, _ in DENSE_LAYERS:
        if layer in layers_on:
            shape = "box" if layer == "hazard_areas" else "circle"
            entries += [
                LegendEntry(colour, shape, f"{t(f'layer.{layer}')}: {t.term(STATUS_TERMS[layer], status)}")
                for status, colour in STATUS_COLOURS[layer].items()
            ]
            if layer in binned:
                entries.append(LegendEntry(CONTEXT_COLOUR, "box", t("map.binned_note", layer=t(f"layer.{layer}"))))
    if "returnees" in layers_on and len(data["settlement_summary"]):
        return _settlement_legend(t("map.legend"), entries, data["settlement_summary"], t)
    return Legend(t("map.legend"), entries) if entries else None


def explorer_layers(
    data: dict[str, gpd.GeoDataFrame],
    layers_on: list[str],
    view: View | None,
    t: Translator,
    budget: int = FEATURE_BUDGET,
) -> folium.FeatureGroup:
    """The dense layers for the current view, and the legend of every layer on.

    Each dense layer is in detail while it fits the feature ``budget`` (inside the view once zoomed
    in), otherwise as grid cells (lib.level_of_detail). The legend travels with these layers
    because they are what the map is sent again when the layers on it change (streamlit-folium's
    ``feature_group_to_add``), while the base map, drawn once, stays.
    """
    group = folium.FeatureGroup(name=t("map.legend"))
    binned: set[str] = set()
    for layer, id_field, weight in DENSE_LAYERS:
        if layer not in layers_on or data[layer].empty:
            continue
        shown = fit_to_budget(data[layer], view, weight, budget)
        if shown.mode == "binned":
            binned.add(layer)
            _binned_layer(shown.frame, layer, t).add_to(group)
        elif len(shown.frame):
            colours = STATUS_COLOURS[layer]
            _feature_layer(
                shown.frame,
                layer,
                id_field,
                lambda f, c=colours: [c.get(status, np.nan) for status in f["status"].tolist()],
                t,
                radius=3 if layer == "housing" else 6,
            ).add_to(group)
    legend = explorer_legend(data, layers_on, binned, t)
    if legend is not None:
        legend.add_to(group)
    return group


# What an import does to a record, as coloured on the preview map (ColorBrewer RdYlGn ends).
IMPORT_CHANGE_COLOURS = {"added": "#1a9850", "changed": "#fdae61", "removed": "#d73027"}


def import_preview_map(
    districts: gpd.GeoDataFrame,
    parts: dict[str, gpd.GeoDataFrame],
    t: Translator,
    *,
    tiles_url: str | None = None,
    tiles_attribution: str = "",
) -> folium.Map:
    """What an import adds, changes and removes, in the colours of :data:`IMPORT_CHANGE_COLOURS`,
    over the districts as context, zoomed to the records.

    ``parts``: ``{"added" | "changed" | "removed": GeoDataFrame}`` with a ``label`` column (the
    record's id, or what the tooltip says of it) and optionally ``records`` (how many records a
    feature stands for, e.g. the convoys to one settlement). Past :data:`FEATURE_BUDGET` features of a part
    the first ones are drawn (the legend gives the whole count; the tables list every record).
    """
    shown = [frame for frame in parts.values() if len(frame)]
    bounds = shapely.total_bounds(np.concatenate([f.geometry.to_numpy() for f in shown])) if shown else None
    if bounds is None or not np.isfinite(bounds).all():
        bounds = districts[districts["economic_region"].notna()].total_bounds
    else:  # the districts the records are in, so that a few houses are seen where they are
        around = districts[districts.intersects(shapely.box(*bounds))]
        bounds = shapely.total_bounds(np.append(around.geometry.to_numpy(), shapely.box(*bounds)))
    fmap = frame_map(bounds, tiles_url, tiles_attribution)
    fmap.options["preferCanvas"] = True
    box = shapely.box(*bounds)
    context_layer(districts, t, detail_ids=districts.loc[districts.intersects(box), "district_id"]).add_to(fmap)
    entries = []
    for kind, frame in parts.items():
        if not len(frame):
            continue
        colour = IMPORT_CHANGE_COLOURS[kind]
        word = t(f"import.change.{kind}")
        count = int(frame["records"].sum()) if "records" in frame else len(frame)
        frame = frame.iloc[:FEATURE_BUDGET]
        properties = {"tooltip": [f"<b>{escape_html(word)}</b><br>{escape_html(str(v))}" for v in frame["label"]]}
        geometries = frame.geometry.to_numpy()
        points = shapely.get_type_id(geometries) == shapely.GeometryType.POINT
        group = folium.FeatureGroup(name=word)
        if (~points).any():
            StaticGeoJson(
                _features_of_rows(properties, geometries, ~points),
                {"color": colour, "fillColor": colour, "weight": 2, "fillOpacity": 0.4},
            ).add_to(group)
        if points.any():
            StaticGeoJson(
                _features_of_rows(properties, geometries, points),
                {
                    "radius": 6,
                    "weight": 1,
                    "color": OUTLINE_COLOUR,
                    "fillColor": colour,
                    "fill": True,
                    "fillOpacity": 0.9,
                },
            ).add_to(group)
        group.add_to(fmap)
        entries.append(LegendEntry(colour, "circle", f"{word} ({t.number(count)})"))
    Legend(t("import.map_title"), entries).add_to(fmap)
    return fmap
