"""Map builders: GeoDataFrames in, ``folium.Map`` out (pure; tested on the rendered Leaflet code).

Maps draw without any CDN (:mod:`lib.map_assets`) and without basemap tiles unless a tile URL is
configured, so they must read well on boundaries alone: districts carry the context, return
areas are filled by economic region, settlements are circles sized by the families returned.
Colours are from the Okabe–Ito palette, which stays distinguishable with colour-blindness.
"""

from __future__ import annotations

import html
import json
import warnings

import numpy as np
import pandas as pd

import folium
import geopandas as gpd
import mapclassify
import shapely
from branca.element import Element, MacroElement, Template

from lib.i18n import Translator, place_names
from lib.level_of_detail import FEATURE_BUDGET, View, fit_to_budget, half_pixel_degrees, over_budget
from lib.map_assets import offline_map

REGION_COLOURS = {"Karabakh": "#E69F00", "East Zangezur": "#0072B2"}
CONTEXT_COLOUR = "#9E9E9E"
SETTLEMENT_STATUS_COLOURS = {
    "planned": "#BBBBBB",
    "reconstruction": "#F0E442",
    "ready": "#56B4E9",
    "resettling": "#009E73",
    "resettled": "#CC79A7",
}
# ColorBrewer YlGnBu, five classes: sequential and colour-blind safe
SEQUENTIAL = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
NO_DATA = "#d9d9d9"
# Coordinates kept to ~10 m: more digits only make the page heavier.
COORDINATE_DECIMALS = 4
LABEL_ZOOM = 8  # the zoom the return areas open at on a laptop or a projector
CONTEXT_ZOOM = LABEL_ZOOM  # districts that are only context are simplified for this zoom


def _feature_collection(frame: gpd.GeoDataFrame) -> str:
    """The frame as a GeoJSON FeatureCollection with coordinates kept to ~10 m.

    Built with shapely's vectorised GeoJSON writer: folium's own conversion goes feature by
    feature through ``__geo_interface__`` and a JSON round trip, which cost more than the rest
    of a map at 100x the data.
    """
    # plain rounding, not set_precision's snap rounding: a drawing needs no valid topology
    rounded = shapely.transform(frame.geometry.to_numpy(), lambda xy: np.round(xy, COORDINATE_DECIMALS))
    geometries = shapely.to_geojson(rounded)
    # column by column: dropping the geometry from a GeoDataFrame with object columns (styles)
    # made geopandas inspect every value, which cost more than writing the GeoJSON
    columns = [c for c in frame.columns if c != frame.geometry.name]
    properties = [dict(zip(columns, row)) for row in zip(*(frame[c].tolist() for c in columns))] or [{}] * len(frame)
    features = ",".join(
        f'{{"type":"Feature","properties":{json.dumps(p, default=str, ensure_ascii=False)},"geometry":{g}}}'
        for p, g in zip(properties, geometries)
    )
    return f'{{"type":"FeatureCollection","features":[{features}]}}'


class _Script(Element):
    """Script text already rendered: branca wraps every rendered script in a new Jinja template
    and compiles it, which for a layer's GeoJSON cost more than building it."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class StaticGeoJson(MacroElement):
    """A GeoJSON layer whose styling and tooltips happen in the browser, from each feature's properties.

    Every feature gets ``style`` (Leaflet path options), then its ``properties.style`` over it,
    then ``properties.colour`` for each option named in ``colour_options``. Its tooltip is
    ``properties.tooltip`` (HTML we wrote), or the values of ``tooltip_fields`` as plain text, one
    per line. Points are circle markers. A click reports the feature with its properties
    (streamlit-folium's ``last_active_drawing``).

    folium's own GeoJson re-encodes, re-checks and re-compiles its data on every render (several
    times per page run in streamlit-folium) and evaluates a style per feature in Python: at
    100x the data that was most of a page's server time.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = L.geoJson(null, {"
        "style: function (f) { var s = Object.assign({}, {{ this.style }}, f.properties.style);"
        " {{ this.colour_options }}.forEach(function (k) { if (f.properties.colour) { s[k] = f.properties.colour; } });"
        " return s; },"
        "pointToLayer: function (f, latlng) { return L.circleMarker(latlng); },"
        "onEachFeature: function (f, layer) { var p = f.properties, text = p.tooltip;"
        " if ({{ this.tooltip_fields }}.length) { text = {{ this.tooltip_fields }}.map(function (k) { return p[k]; })"
        ".filter(function (v) { return v !== null && v !== undefined; }).map(function (v) {"
        " return String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }).join('<br>'); }"
        " if (text) { layer.bindTooltip(text, {sticky: true}); } }"
        "}).addTo({{ this._parent.get_name() }});\n"
        "function {{ this.get_name() }}_add(data) { {{ this.get_name() }}.addData(data); }\n"
        "{{ this.get_name() }}_add({{ this.data }});\n"
        "{% endmacro %}"
    )

    def __init__(
        self,
        frame: gpd.GeoDataFrame,
        style: dict,
        *,
        colour_options: tuple[str, ...] = (),
        tooltip_fields: tuple[str, ...] = (),
    ):
        super().__init__()
        self._name = "StaticGeoJson"
        self.style = json.dumps(style)
        self.colour_options = json.dumps(list(colour_options))
        self.tooltip_fields = json.dumps(list(tooltip_fields))
        self.data = _feature_collection(frame).replace("</", "<\\/")  # no "</script>" inside a script
        minx, miny, maxx, maxy = frame.total_bounds if len(frame) else (None,) * 4
        self._bounds = [[miny, minx], [maxy, maxx]]

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(_Script(self._template.module.script(self, kwargs)), name=self.get_name())

    def _get_self_bounds(self):
        return self._bounds


def _circle_radius(families: np.ndarray) -> np.ndarray:
    """Circle radius in pixels with area proportional to the families returned."""
    return 3 + 0.6 * np.sqrt(families)


def _legend(title: str, entries: list[tuple[str, str, str]]) -> MacroElement:
    """A legend box; ``entries`` are (colour, shape, label) with shape 'box' or 'circle'."""
    rows = "".join(
        f'<div><span style="display:inline-block;width:12px;height:12px;margin-right:6px;'
        f'background:{colour};border:1px solid #555;{"border-radius:50%;" if shape == "circle" else ""}"></span>'
        f"{html.escape(label)}</div>"
        for colour, shape, label in entries
    )
    template = Template(
        "{% macro html(this, kwargs) %}"
        '<div class="gr-legend" style="position:absolute;bottom:24px;left:12px;z-index:9999;background:#fff;'
        'padding:8px 10px;border:1px solid #999;border-radius:4px;font:13px/1.5 sans-serif;">'
        f"<b>{html.escape(title)}</b>{rows}</div>"
        "{% endmacro %}"
    )
    legend = MacroElement()
    legend._template = template
    return legend


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
            "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;pointer-events:none}</style>"
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
    style = {"color": CONTEXT_COLOUR, "weight": 0.8, "fillColor": "#EEEEEE", "fillOpacity": 0.6}
    return StaticGeoJson(context, style)


LABEL_HEIGHT_PX = 16
LABEL_CHAR_PX = 7.5


def _pixels(lon: np.ndarray, lat: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel coordinates at ``zoom`` (what Leaflet draws)."""
    scale = 256 * 2**zoom
    x = (lon + 180) / 360 * scale
    y = (1 - np.log(np.tan(np.radians(lat)) + 1 / np.cos(np.radians(lat))) / np.pi) / 2 * scale
    return x, y


def non_overlapping_labels(settlements: gpd.GeoDataFrame, names: pd.Series, zoom: int = LABEL_ZOOM) -> list:
    """Index of the cities whose labels can be drawn at ``zoom`` without overlapping another label,
    the cities with most families returned placed first."""
    cities = settlements[settlements["kind"] == "city"]
    order = (
        cities.sort_values("families_returned", ascending=False).index
        if "families_returned" in cities
        else cities.index
    )
    x, y = _pixels(cities.geometry.x.to_numpy(), cities.geometry.y.to_numpy(), zoom)
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
                _circle_radius(settlements["families_returned"].to_numpy()).round(1),
                np.where(settlements["coord_quality"] == "district_seat", "3", None),
            )
        ],
    )[["settlement_id", "tooltip", "style", "geometry"]]
    StaticGeoJson(shown, {"color": "#333333", "weight": 1, "fill": True, "fillOpacity": 0.9}).add_to(layer)
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


def _status_entries(t: Translator) -> list[tuple[str, str, str]]:
    return [
        (colour, "circle", t("map.settlement_status", status=t.term("settlement_status", status)))
        for status, colour in SETTLEMENT_STATUS_COLOURS.items()
    ]


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
    entries = [(colour, "box", t.term("region", region)) for region, colour in REGION_COLOURS.items()]
    _legend(t("map.return_areas"), entries + _status_entries(t)).add_to(fmap)
    return fmap


def classify(values: pd.Series, classes: int = 5) -> tuple[np.ndarray, list[float]]:
    """Class of each value (0-based, -1 for missing) and the upper bounds of the classes.

    Fisher–Jenks natural breaks (mapclassify) when there are more distinct values than classes,
    otherwise one class per distinct value.
    """
    present = values.dropna()
    if present.empty:
        return np.full(len(values), -1), []
    distinct = np.unique(present)
    if len(distinct) <= classes:
        bins = list(distinct)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "numba not installed": fine for a few dozen values
            bins = list(mapclassify.FisherJenks(present.to_numpy(), k=classes).bins)
    found = np.searchsorted(bins, values.fillna(np.inf).to_numpy(), side="left")
    return np.where(values.isna(), -1, found), bins


def _class_colour(index: int, classes: int) -> str:
    """The palette spread over however many classes there are, the top class always darkest."""
    if index < 0:
        return NO_DATA
    if classes <= 1:
        return SEQUENTIAL[-1]
    return SEQUENTIAL[round(index * (len(SEQUENTIAL) - 1) / (classes - 1))]


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
    with every other district as context and the settlements on top."""
    selected = districts[districts["district_id"].isin(progress["district_id"])]
    if selected.empty:
        selected = districts[districts["economic_region"].notna()]
    fmap = _frame_map(selected, tiles_url, tiles_attribution)
    others = districts[~districts["district_id"].isin(selected["district_id"])]
    if len(others):
        _context_layer(others, t).add_to(fmap)
    values = selected[["district_id"]].merge(progress[["district_id", column]], on="district_id", how="left")[column]
    classes, bins = classify(values)
    shaded = selected.assign(
        tooltip=[
            f"<b>{html.escape(str(name))}</b><br>{t.number(v, 1) if pd.notna(v) else '–'}"
            for name, v in zip(place_names(selected, t), values)
        ],
        style=[{"fillColor": _class_colour(c, len(bins))} for c in classes],
    )[["district_id", "tooltip", "style", "geometry"]]
    StaticGeoJson(shaded, {"color": "#333333", "weight": 1.2, "fillOpacity": 0.8}).add_to(fmap)
    _settlement_layer(settlements, t).add_to(fmap)
    lower = [float(values.min())] + bins[:-1]
    entries = [
        (_class_colour(i, len(bins)), "box", f"{t.number(low, 1)} – {t.number(high, 1)}")
        for i, (low, high) in enumerate(zip(lower, bins))
    ]
    if values.isna().any():
        entries.append((NO_DATA, "box", t("map.no_data")))
    _legend(title, entries).add_to(fmap)
    return fmap


# Explorer layers: colour by status (Okabe–Ito), what the tooltip names.
STATUS_COLOURS = {
    "housing": {
        "planned": "#BBBBBB",
        "under_construction": "#E69F00",
        "completed": "#56B4E9",
        "allocated": "#0072B2",
        "occupied": "#009E73",
    },
    "infrastructure": {"planned": "#BBBBBB", "under_construction": "#E69F00", "completed": "#009E73"},
    "hazard_areas": {"suspected": "#F0E442", "confirmed": "#D55E00", "in_clearance": "#CC79A7", "released": "#009E73"},
    "employment_projects": {"planned": "#BBBBBB", "active": "#0072B2", "completed": "#009E73"},
}
STATUS_TERMS = {
    "housing": "housing_status",
    "infrastructure": "work_status",
    "hazard_areas": "hazard_status",
    "employment_projects": "project_status",
}
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
            {"radius": radius, "weight": 1, "color": "#333333", "fill": True, "fillOpacity": 0.9},
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
            f"{name}: {t.number(families)} {t('unit.families')}"
            for name, families in zip(place_names(summary, t), summary["families_returned"])
        ],
        colour=summary["status"].map(SETTLEMENT_STATUS_COLOURS),
        style=[{"radius": r} for r in _circle_radius(summary["families_returned"].to_numpy()).round(1)],
    )[["layer", "id", "label", "colour", "style", "geometry"]]
    return StaticGeoJson(
        shown,
        {"weight": 1, "color": "#333333", "fill": True, "fillOpacity": 0.85},
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
    budget: int = FEATURE_BUDGET,
    tiles_url: str | None = None,
    tiles_attribution: str = "",
) -> folium.Map:
    """The coordinators' base map: district outlines, settlement outlines and returnee symbols,
    zoomed to ``focus``, with a legend for every layer on. The dense layers come separately
    (:func:`explorer_layers`), so that new detail for a view does not redraw the base map.

    ``data`` holds the filtered layers plus ``settlement_summary`` (lib.metrics.settlement_summary).
    Every feature carries its layer and id so that a click can show its full record.
    """
    fmap = _frame_map(focus if len(focus) else districts, tiles_url, tiles_attribution)
    fmap.options["preferCanvas"] = True
    # districts the map opens on keep their detail: the user zooms in there
    opened_on = districts[districts.intersects(shapely.box(*focus.total_bounds))] if len(focus) else districts.iloc[:0]
    _context_layer(districts, t, detail_ids=opened_on["district_id"]).add_to(fmap)
    entries: list[tuple[str, str, str]] = []
    if "settlement_boundaries" in layers_on:
        _feature_layer(
            data["settlement_boundaries"], "settlement_boundaries", "settlement_id", lambda f: ["#999999"] * len(f), t
        ).add_to(fmap)
        entries.append(("#999999", "box", t("layer.settlement_boundaries")))
    for layer, _, _ in DENSE_LAYERS:
        if layer in layers_on:
            entries += [
                (
                    colour,
                    "box" if layer == "hazard_areas" else "circle",
                    f"{t(f'layer.{layer}')}: {t.term(STATUS_TERMS[layer], status)}",
                )
                for status, colour in STATUS_COLOURS[layer].items()
            ]
            if over_budget(data[layer], budget):  # the legend says which layers come as grid cells
                entries.append((CONTEXT_COLOUR, "box", t("map.binned_note", layer=t(f"layer.{layer}"))))
    if "returnees" in layers_on and len(data["settlement_summary"]):
        _returnee_symbols(data["settlement_summary"], t).add_to(fmap)
        entries += _status_entries(t)
    if entries:
        _legend(t("map.legend"), entries).add_to(fmap)
    return fmap


def explorer_layers(
    data: dict[str, gpd.GeoDataFrame],
    layers_on: list[str],
    view: View | None,
    t: Translator,
    budget: int = FEATURE_BUDGET,
) -> folium.FeatureGroup:
    """The dense layers for the current view: each in detail while it fits the feature ``budget``
    (inside the view once zoomed in), otherwise as grid cells (lib.level_of_detail)."""
    group = folium.FeatureGroup(name=t("map.legend"))
    for layer, id_field, weight in DENSE_LAYERS:
        if layer not in layers_on or data[layer].empty:
            continue
        shown = fit_to_budget(data[layer], view, weight, budget)
        if shown.mode == "binned":
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
    return group
