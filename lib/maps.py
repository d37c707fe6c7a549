"""Map builders: GeoDataFrames in, ``folium.Map`` out (pure; tested on the rendered Leaflet code).

Maps draw without any CDN (:mod:`lib.map_assets`) and without basemap tiles unless a tile URL is
configured, so they must read well on boundaries alone: districts carry the context, return
areas are filled by economic region, settlements are circles sized by the families returned.
Colours, status terms and classes come from :mod:`lib.styling`; the layers and the legend are the
elements of :mod:`lib.map_elements`.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

import folium
import geopandas as gpd
import shapely

from lib.i18n import Translator, place_names
from lib.level_of_detail import FEATURE_BUDGET, View, fit_to_budget
from lib.map_assets import offline_map
from lib.map_elements import COORDINATE_DECIMALS, LEGEND_CSS, Legend, LegendEntry, StaticGeoJson, SymbolSizes
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


def _frame_map(focus: gpd.GeoDataFrame, tiles_url, tiles_attribution) -> folium.Map:
    minx, miny, maxx, maxy = focus.total_bounds
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


def _context_layer(districts: gpd.GeoDataFrame, t: Translator, detail_ids=()) -> StaticGeoJson:
    """Districts as grey context, named in the tooltip. Those outside ``detail_ids`` are only
    context, so they are simplified to half a pixel at the zoom maps open at: most of a map's
    bytes were these borders' vertices."""
    geometries = districts.geometry.to_numpy()
    coarse = ~districts["district_id"].isin(list(detail_ids)).to_numpy()
    # Douglas-Peucker without topology checks: eight times faster, and districts are far larger
    # than the tolerance, so none collapses
    simple = shapely.simplify(geometries, half_pixel_degrees(CONTEXT_ZOOM), preserve_topology=False)
    geometries = np.where(coarse, simple, geometries)
    tooltips = [html.escape(str(name)) for name in place_names(districts, t)]
    context = gpd.GeoDataFrame(
        {"district_id": districts["district_id"].to_numpy(), "tooltip": tooltips},
        geometry=geometries,
        crs=districts.crs,
    )
    style = {"color": CONTEXT_COLOUR, "weight": 0.8, "fillColor": CONTEXT_FILL, "fillOpacity": 0.6}
    return StaticGeoJson(context, style)


LABEL_HEIGHT_PX = 16
LABEL_CHAR_PX = 7.5


def non_overlapping_labels(settlements: gpd.GeoDataFrame, names: pd.Series, zoom: int = LABEL_ZOOM) -> list:
    """Index of the cities whose labels can be drawn at ``zoom`` without overlapping another label,
    the cities with most families returned placed first."""
    cities = settlements[settlements["kind"] == "city"]
    order = (
        cities.sort_values("families_returned", ascending=False).index
        if "families_returned" in cities
        else cities.index
    )
    x, y = to_pixels(cities.geometry.x.to_numpy(), cities.geometry.y.to_numpy(), zoom)
    position = dict(zip(cities.index, zip(x, y)))
    placed: list[tuple[float, float, float, float]] = []
    kept = []
    for index in order:
        left, top = position[index][0] + 8, position[index][1] - LABEL_HEIGHT_PX / 2
        box = (left, top, left + LABEL_CHAR_PX * len(str(names[index])), top + LABEL_HEIGHT_PX)
        if all(box[2] <= b[0] or b[2] <= box[0] or box[3] <= b[1] or b[3] <= box[1] for b in placed):
            placed.append(box)
            kept.append(index)
    return kept


def _settlement_layer(settlements: gpd.GeoDataFrame, t: Translator) -> folium.FeatureGroup:
    """Settlements as circles sized by families returned, cities labelled, figures in tooltips.

    One GeoJson layer for all circles: a folium element per settlement costs a template
    compilation each, which made this layer most of a map's server time."""
    layer = folium.FeatureGroup(name=t("map.settlements"))
    if settlements.empty:
        return layer
    names = place_names(settlements, t)

    def tooltip(row, name) -> str:
        location_note = (
            f"<br><i>{html.escape(t('map.location_unknown'))}</i>" if row.coord_quality == "district_seat" else ""
        )
        planned = t("map.of_planned", done=t.number(row.units_completed), planned=t.number(row.planned_households))
        return (
            f"<b>{html.escape(name)}</b><br>"
            f"{html.escape(t('col.status'))}: {html.escape(t.term('settlement_status', row.status))}<br>"
            f"{html.escape(t('col.families_returned'))}: {t.number(row.families_returned)}<br>"
            f"{html.escape(t('col.persons_returned'))}: {t.number(row.persons_returned)}<br>"
            f"{html.escape(t('col.units_completed'))}: {html.escape(planned)}{location_note}"
        )

    shown = settlements.assign(
        tooltip=[tooltip(row, name) for row, name in zip(settlements.itertuples(), names)],
        style=[
            {"fillColor": SETTLEMENT_STATUS_COLOURS.get(status, NO_DATA), "radius": radius, "dashArray": dash}
            for status, radius, dash in zip(
                settlements["status"],
                circle_radius(settlements["families_returned"].to_numpy()).round(1),
                np.where(settlements["coord_quality"] == "district_seat", "3", None),
            )
        ],
    )[["settlement_id", "tooltip", "style", "geometry"]]
    StaticGeoJson(shown, {"color": OUTLINE_COLOUR, "weight": 1, "fill": True, "fillOpacity": 0.9}).add_to(layer)
    labelled = non_overlapping_labels(settlements, names)
    for index in labelled:
        point = settlements.geometry[index]
        folium.Marker(
            location=[round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS)],
            icon=folium.DivIcon(
                html=f'<div class="gr-label">{html.escape(names[index])}</div>',
                icon_size=(120, 18),
                icon_anchor=(-8, 9),
                class_name="gr-label-icon",
            ),
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
) -> folium.Map:
    """The return areas: every district as context, the return-area districts by economic
    region, and settlements as labelled circles with their key figures in a tooltip.

    Parameters
    ----------
    districts : the districts layer (all of them; those with an economic region are highlighted).
    settlements : output of :func:`lib.metrics.settlement_summary`.
    t : the language of labels, tooltips and numbers.
    """
    return_areas = districts[districts["economic_region"].notna()]
    fmap = _frame_map(return_areas, tiles_url, tiles_attribution)
    _context_layer(districts[districts["economic_region"].isna()], t).add_to(fmap)
    names, regions = place_names(return_areas, t), return_areas["economic_region"]
    highlighted = return_areas.assign(
        tooltip=[f"<b>{html.escape(str(n))}</b><br>{html.escape(t.term('region', r))}" for n, r in zip(names, regions)],
        style=[{"color": REGION_COLOURS[r], "fillColor": REGION_COLOURS[r]} for r in regions],
    )[["district_id", "economic_region", "tooltip", "style", "geometry"]]
    StaticGeoJson(highlighted, {"weight": 2, "fillOpacity": 0.18}).add_to(fmap)
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
) -> folium.Map:
    """A choropleth of one indicator over the selected districts, classed with natural breaks,
    with every other district as context and the settlements on top.

    When every district has the same value (all zero on an early day) there is nothing to rank:
    they are drawn in the lowest class and the legend says so.
    """
    selected = districts[districts["district_id"].isin(progress["district_id"])]
    if selected.empty:
        selected = districts[districts["economic_region"].notna()]
    fmap = _frame_map(selected, tiles_url, tiles_attribution)
    others = districts[~districts["district_id"].isin(selected["district_id"])]
    if len(others):
        _context_layer(others, t).add_to(fmap)
    values = selected[["district_id"]].merge(progress[["district_id", column]], on="district_id", how="left")[column]
    classes = classify(values)
    shaded = selected.assign(
        tooltip=[
            f"<b>{html.escape(str(name))}</b><br>{t.number(v, classes.decimals) if pd.notna(v) else '–'}"
            for name, v in zip(place_names(selected, t), values)
        ],
        style=[{"fillColor": colour} for colour in classes.colour_of_each()],
    )[["district_id", "tooltip", "style", "geometry"]]
    StaticGeoJson(shaded, {"color": OUTLINE_COLOUR, "weight": 1.2, "fillOpacity": 0.8}).add_to(fmap)
    _settlement_layer(settlements, t).add_to(fmap)
    labels = classes.labels(t.number)
    if classes.all_equal:
        labels = [t("map.all_equal", value=labels[0])]
    entries = [LegendEntry(colour, "box", label) for colour, label in zip(classes.colours, labels)]
    if values.isna().any():
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
    label = frame["status"].map(lambda s: t.term(STATUS_TERMS[layer], s)) if layer in STATUS_TERMS else frame[id_field]
    shown = frame.assign(layer=layer, id=frame[id_field], label=label, colour=colour_of(frame))
    shown = shown[["layer", "id", "label", "colour", "geometry"]]
    points = (shown.geom_type == "Point").to_numpy()
    group = folium.FeatureGroup(name=t(f"layer.{layer}"))
    tooltip = {"tooltip_fields": ("id", "label")}
    if (~points).any():
        StaticGeoJson(
            shown[~points], {"weight": 2, "fillOpacity": 0.45}, colour_options=("color", "fillColor"), **tooltip
        ).add_to(group)
    if points.any():
        StaticGeoJson(
            shown[points],
            {"radius": radius, "weight": 1, "color": OUTLINE_COLOUR, "fill": True, "fillOpacity": 0.9},
            colour_options=("fillColor",),
            **tooltip,
        ).add_to(group)
    return group


def _returnee_symbols(summary: gpd.GeoDataFrame, t: Translator) -> StaticGeoJson:
    """Settlements as circles with area proportional to families returned; a click gives the settlement."""
    shown = summary.assign(
        layer="settlements",
        id=summary["settlement_id"],
        label=[
            f"{name}: {t.plural('count.families', families)}"
            for name, families in zip(place_names(summary, t), summary["families_returned"])
        ],
        colour=summary["status"].map(SETTLEMENT_STATUS_COLOURS),
        style=[{"radius": r} for r in circle_radius(summary["families_returned"].to_numpy()).round(1)],
    )[["layer", "id", "label", "colour", "style", "geometry"]]
    return StaticGeoJson(
        shown,
        {"weight": 1, "color": OUTLINE_COLOUR, "fill": True, "fillOpacity": 0.85},
        colour_options=("fillColor",),
        tooltip_fields=("label",),
    )


def _binned_layer(cells: gpd.GeoDataFrame, layer: str, t: Translator) -> StaticGeoJson:
    """Grid cells standing for a layer too dense to send whole: coloured by their dominant status,
    with the count in the tooltip."""
    shown = cells.assign(
        colour=cells["status"].map(STATUS_COLOURS[layer]).fillna(CONTEXT_COLOUR),
        label=cells["count"].map({c: t("map.cell", count=t.number(c)) for c in cells["count"].unique()}),
    )[["label", "colour", "geometry"]]
    return StaticGeoJson(
        shown,
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
) -> folium.Map:
    """The coordinators' base map: district outlines, settlement outlines and returnee symbols,
    zoomed to ``focus``. The dense layers and the legend come separately (:func:`explorer_layers`),
    so that new detail for a view, or another set of layers, does not redraw the base map.

    ``data`` holds the filtered layers plus ``settlement_summary`` (lib.metrics.settlement_summary).
    Every feature carries its layer and id so that a click can show its full record.
    """
    fmap = _frame_map(focus if len(focus) else districts, tiles_url, tiles_attribution)
    fmap.options["preferCanvas"] = True
    # districts the map opens on keep their detail: the user zooms in there
    opened_on = districts[districts.intersects(shapely.box(*focus.total_bounds))] if len(focus) else districts.iloc[:0]
    _context_layer(districts, t, detail_ids=opened_on["district_id"]).add_to(fmap)
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
                lambda f, c=colours: f["status"].map(c).tolist(),
                t,
                radius=3 if layer == "housing" else 6,
            ).add_to(group)
    legend = explorer_legend(data, layers_on, binned, t)
    if legend is not None:
        legend.add_to(group)
    return group
