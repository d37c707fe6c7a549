"""Leaflet elements of our own: a GeoJSON layer styled in the browser, and a legend.

Both render their script once, as plain text. folium's ``GeoJson`` re-encodes, re-checks and
compiles its data as a template on every render (several times per page run in streamlit-folium)
and evaluates a style per feature in Python: at 100x the data that was most of a page's server time.
"""

from __future__ import annotations

import json
from typing import NamedTuple

import numpy as np

import geopandas as gpd
import shapely
from branca.element import Element, MacroElement, Template

from lib.safe_text import escape_html, script_json

# Coordinates kept to ~10 m: more digits only make the page heavier.
COORDINATE_DECIMALS = 4


def geometry_json(geometries) -> list[str]:
    """Each geometry as GeoJSON with coordinates kept to ~10 m (shapely's vectorised writer)."""
    # plain rounding, not set_precision's snap rounding: a drawing needs no valid topology
    rounded = shapely.transform(np.asarray(geometries), lambda xy: np.round(xy, COORDINATE_DECIMALS))
    return list(shapely.to_geojson(rounded))


# json.dumps(value, default=str, ensure_ascii=False), without building an encoder per feature
_encode = json.JSONEncoder(default=str, ensure_ascii=False).encode


def features_json(properties: dict[str, list], geometries: list[str]) -> str:
    """A GeoJSON FeatureCollection from property columns (name -> one value per feature) and
    each feature's geometry already written (:func:`geometry_json`)."""
    names = list(properties)
    rows = [dict(zip(names, row)) for row in zip(*properties.values())] or [{}] * len(geometries)
    features = ",".join(
        f'{{"type":"Feature","properties":{_encode(p)},"geometry":{g}}}' for p, g in zip(rows, geometries)
    )
    return f'{{"type":"FeatureCollection","features":[{features}]}}'


def _property_columns(frame: gpd.GeoDataFrame) -> dict[str, list]:
    # column by column: dropping the geometry from a GeoDataFrame with object columns (styles)
    # made geopandas inspect every value, which cost more than writing the GeoJSON
    return {c: frame[c].tolist() for c in frame.columns if c != frame.geometry.name}


def feature_collection(frame: gpd.GeoDataFrame) -> str:
    """The frame as a GeoJSON FeatureCollection with coordinates kept to ~10 m.

    Built with shapely's vectorised GeoJSON writer: folium's own conversion goes feature by
    feature through ``__geo_interface__`` and a JSON round trip, which cost more than the rest
    of a map at 100x the data.
    """
    return features_json(_property_columns(frame), geometry_json(frame.geometry.to_numpy()))


class Features(NamedTuple):
    """A layer's features already written as GeoJSON, with their bounds ([[south, west], [north, east]])."""

    data: str
    bounds: list


def features_from(properties: dict[str, list], geometries, geometries_json: list[str] | None = None) -> Features:
    """:class:`Features` from property columns and geometries (an array of shapely geometries),
    optionally already written (:func:`geometry_json`): a map builder that keeps the GeoJSON of
    shapes that do not change passes it here rather than writing it again."""
    geometries = np.asarray(geometries)
    written = geometry_json(geometries) if geometries_json is None else geometries_json
    minx, miny, maxx, maxy = shapely.total_bounds(geometries) if len(geometries) else (None,) * 4
    return Features(features_json(properties, written), [[miny, minx], [maxy, maxx]])


def features_of(frame: gpd.GeoDataFrame) -> Features:
    """The frame's features as :class:`Features`."""
    return features_from(_property_columns(frame), frame.geometry.to_numpy())


def _script_text(value) -> str:
    """``value`` as JSON that can stand inside a <script> element."""
    return script_json(json.dumps(value, ensure_ascii=False))


class _Script(Element):
    """Script text already rendered: branca wraps every rendered script in a new Jinja template
    and compiles it, which for a layer's GeoJSON cost more than building it."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class _RenderedOnce(MacroElement):
    """An element whose script is rendered once per render, as plain text (see :class:`_Script`)."""

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(_Script(self._template.module.script(self, kwargs)), name=self.get_name())


class StaticGeoJson(_RenderedOnce):
    """A GeoJSON layer whose styling and tooltips happen in the browser, from each feature's properties.

    Every feature gets ``style`` (Leaflet path options), then its ``properties.style`` over it,
    then ``properties.colour`` for each option named in ``colour_options``. Its tooltip is
    ``properties.tooltip`` (HTML we wrote), or the values of ``tooltip_fields`` as plain text, one
    per line. Points are circle markers. A click reports the feature with its properties
    (streamlit-folium's ``last_active_drawing``).
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
        frame: gpd.GeoDataFrame | Features,
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
        features = frame if isinstance(frame, Features) else features_of(frame)
        self.data = script_json(features.data)
        self._bounds = features.bounds

    def _get_self_bounds(self):
        return self._bounds


class Labels(_RenderedOnce):
    """Text beside points, each a Leaflet marker with a ``L.divIcon`` holding its HTML.

    One element for all of them: a folium ``Marker`` and ``DivIcon`` per label each compiled a
    template when the map was rendered, which cost more than the rest of the overview's map.

    Parameters
    ----------
    points : (latitude, longitude) of each label.
    texts : each label's HTML (escaped by the caller).
    icon_size, icon_anchor : the icon's size and the point of it on the location, in pixels.
    class_name : the CSS class of the icon.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this.labels }}.forEach(function (p) {"
        " L.marker([p[0], p[1]], {}).setIcon(L.divIcon({html: p[2], iconSize: {{ this.icon_size }},"
        " iconAnchor: {{ this.icon_anchor }}, className: {{ this.class_name }}})).addTo({{ this._parent.get_name() }}); });\n"
        "{% endmacro %}"
    )

    def __init__(self, points, texts, *, icon_size: tuple[int, int], icon_anchor: tuple[int, int], class_name: str):
        super().__init__()
        self._name = "Labels"
        points = [
            (round(float(lat), COORDINATE_DECIMALS), round(float(lon), COORDINATE_DECIMALS)) for lat, lon in points
        ]
        self.labels = _script_text([[lat, lon, text] for (lat, lon), text in zip(points, texts)])
        self.icon_size, self.icon_anchor = json.dumps(list(icon_size)), json.dumps(list(icon_anchor))
        self.class_name = _script_text(class_name)
        self._bounds = (
            [
                [min(p[0] for p in points), min(p[1] for p in points)],
                [max(p[0] for p in points), max(p[1] for p in points)],
            ]
            if points
            else [[None, None], [None, None]]
        )

    def _get_self_bounds(self):
        return self._bounds


class LegendEntry(NamedTuple):
    """One line of a legend: a swatch of ``colour`` shaped as a ``box`` or a ``circle``."""

    colour: str
    shape: str
    label: str


class SymbolSizes(NamedTuple):
    """Reference circles of a legend, side by side under ``title``, for symbols sized by a quantity:
    ``sizes`` are (diameter in pixels, label)."""

    title: str
    sizes: list[tuple[float, str]]


def _legend_part(part: LegendEntry | SymbolSizes) -> str:
    if isinstance(part, SymbolSizes):
        circles = "".join(
            f'<span class="gr-size"><i style="width:{d:.0f}px;height:{d:.0f}px"></i>{escape_html(label)}</span>'
            for d, label in part.sizes
        )
        return f'<div class="gr-legend-subtitle">{escape_html(part.title)}</div><div class="gr-sizes">{circles}</div>'
    return (
        f'<div class="gr-legend-row"><i class="gr-swatch {part.shape}" style="background:{part.colour}"></i>'
        f"{escape_html(part.label)}</div>"
    )


# A legend covers at most this share of its map; past it, its list scrolls inside the box.
LEGEND_MAX_SHARE = 0.24
# At most this wide, and at most 45% of the map's width.
LEGEND_MAX_WIDTH_PX = 300
# From this map width on, a legend opens unfolded (on a phone it starts folded).
LEGEND_OPEN_WIDTH_PX = 480

LEGEND_CSS = (
    ".gr-legend{background:#fff;border:1px solid #999;border-radius:4px;padding:4px 8px;"
    "font:13px/1.35 sans-serif;color:#222;box-shadow:0 1px 4px rgba(0,0,0,.25)}"
    ".gr-legend summary{font-weight:700;cursor:pointer;padding:2px 0}"
    ".gr-legend-body{overflow-y:auto;padding-right:4px}"
    ".gr-legend-row{display:flex;align-items:center;gap:6px;margin:1px 0}"
    ".gr-swatch{flex:none;width:12px;height:12px;border:1px solid #555}"
    ".gr-swatch.circle{border-radius:50%}"
    ".gr-legend-subtitle{font-weight:600;margin:6px 0 2px}"
    ".gr-sizes{display:flex;align-items:flex-end;gap:10px;margin-bottom:2px}"
    ".gr-size{display:flex;flex-direction:column;align-items:center;font-size:12px}"
    ".gr-size i{display:block;border:1px solid #333;border-radius:50%;background:rgba(187,187,187,.5)}"
)


class Legend(_RenderedOnce):
    """A legend box in the map's bottom-left corner: a title that folds and unfolds it, then its
    ``parts`` in order: entries, and reference circles for symbols sized by a quantity.

    The box is a Leaflet layer, so it follows the layer group it is added to: in a group sent again
    when the layers on the map change (streamlit-folium's ``feature_group_to_add``), the old legend
    goes with the old group. However many entries it has, it covers at most
    :data:`LEGEND_MAX_SHARE` of the map (the list scrolls inside it), at any size of the map.
    Whether it is folded is kept while the map stays open. Its look is :data:`LEGEND_CSS`, which the
    map's header must carry.

    Parameters
    ----------
    title : the legend's title.
    parts : its entries and reference circles, in order.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = new (L.Layer.extend({"
        "onAdd: function (map) {"
        " var box = this._box = L.DomUtil.create('details', 'gr-legend'), control = this._control = L.control({position: 'bottomleft'});"
        " box.innerHTML = {{ this.html }};"
        " box.open = window.grLegendOpen !== undefined ? window.grLegendOpen : map.getSize().x >= {{ this.open_width }};"
        " L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);"
        " box.addEventListener('toggle', function () { window.grLegendOpen = box.open; this._fit(); }.bind(this));"
        " control.onAdd = function () { return box; }; control.addTo(map); this._fit(); map.on('resize', this._fit, this); },"
        "onRemove: function (map) { map.off('resize', this._fit, this); this._control.remove(); },"
        "_fit: function () {"
        " var box = this._box, body = box.lastChild, size = this._map.getSize();"
        " box.style.maxWidth = Math.floor(Math.min({{ this.max_width }}, 0.45 * size.x)) + 'px'; body.style.maxHeight = 'none';"
        " var chrome = box.offsetHeight - body.offsetHeight;"
        " var allowed = Math.min(0.7 * size.y, {{ this.max_share }} * size.x * size.y / Math.max(box.offsetWidth, 1));"
        " body.style.maxHeight = Math.max(40, Math.floor(allowed - chrome)) + 'px'; }"
        "}))();\n"
        "{{ this.get_name() }}.addTo({{ this._parent.get_name() }});\n"
        "{% endmacro %}"
    )

    def __init__(self, title: str, parts: list[LegendEntry | SymbolSizes]):
        super().__init__()
        self._name = "Legend"
        rows = "".join(_legend_part(part) for part in parts)
        self.html = _script_text(f"<summary>{escape_html(title)}</summary><div class='gr-legend-body'>{rows}</div>")
        self.open_width = LEGEND_OPEN_WIDTH_PX
        self.max_width = LEGEND_MAX_WIDTH_PX
        self.max_share = LEGEND_MAX_SHARE
