"""Maps that draw offline: every script and stylesheet a map needs is served by the app itself.

Folium links Leaflet, jQuery, Bootstrap, awesome-markers and plugins from CDNs. Offline, the
first failing link (leaflet.js) leaves the map blank, because streamlit-folium loads the scripts
one after another and stops at the first error. Here the assets come from the XStatic wheels that
``requirements.txt`` installs; :func:`ensure_static_assets` copies them into ``static/vendor/``,
which Streamlit serves at ``/app/static/`` (``server.enableStaticServing``), and
:class:`OfflineMap` rewrites every element's links to those copies when the map is rendered.
Bootstrap, awesome-markers and glyphicons are dropped: the maps use no Bootstrap widgets and no
``folium.Icon`` markers (CircleMarker and DivIcon draw without them).

streamlit-folium adds two D3 links from CDNs whenever a branca colormap is on the map; legends
here are plain HTML elements (:func:`lib.maps` builds them), so no colormap object is added.
"""

from __future__ import annotations

import importlib
import re
import shutil
from pathlib import Path

import folium
from folium.elements import JSCSSMixin

STATIC_URL = "/app/static/vendor"

# local name -> (XStatic package, file or folder inside its data dir)
VENDOR_FILES = {
    "leaflet/leaflet.js": ("xstatic.pkg.leaflet", "leaflet.js"),
    "leaflet/leaflet.css": ("xstatic.pkg.leaflet", "leaflet.css"),
    "leaflet/images": ("xstatic.pkg.leaflet", "images"),
    "jquery/jquery.min.js": ("xstatic.pkg.jquery", "jquery.min.js"),
    "markercluster/leaflet.markercluster.js": ("xstatic.pkg.leaflet_markercluster", "leaflet.markercluster.js"),
    "markercluster/MarkerCluster.css": ("xstatic.pkg.leaflet_markercluster", "MarkerCluster.css"),
    "markercluster/MarkerCluster.Default.css": ("xstatic.pkg.leaflet_markercluster", "MarkerCluster.Default.css"),
    "font-awesome/css/all.min.css": ("xstatic.pkg.font_awesome", "css/all.min.css"),
    "font-awesome/webfonts": ("xstatic.pkg.font_awesome", "webfonts"),
    "d3/d3.js": ("xstatic.pkg.d3", "d3.js"),
}

# folium's asset names -> local file (None: not needed, dropped)
LOCAL_ASSETS: dict[str, str | None] = {
    "leaflet": "leaflet/leaflet.js",
    "leaflet_css": "leaflet/leaflet.css",
    "jquery": "jquery/jquery.min.js",
    "markerclusterjs": "markercluster/leaflet.markercluster.js",
    "markercluster": "markercluster/leaflet.markercluster.js",
    "markerclustercss": "markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "markercluster/MarkerCluster.Default.css",
    "awesome_markers_font_css": "font-awesome/css/all.min.css",
    "bootstrap": None,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers": None,
    "awesome_markers_css": None,
    "awesome_rotate_css": None,
}

BACKGROUND_CSS = "<style>.leaflet-container{background:#f4f6f8}</style>"


class UnknownMapAsset(KeyError):
    """A map element links an asset that has no local copy (add it to VENDOR_FILES)."""


def _source(package: str, relative: str) -> Path:
    module = importlib.import_module(package)
    return Path(module.BASE_DIR) / relative


def ensure_static_assets(static_dir: Path) -> Path:
    """Copy the map assets from the installed XStatic packages into ``static_dir/vendor``.

    Idempotent and cheap: files already there are left alone. Returns the vendor folder.
    """
    vendor = Path(static_dir) / "vendor"
    for local, (package, relative) in VENDOR_FILES.items():
        target = vendor / local
        if target.exists():
            continue
        source = _source(package, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copyfile(source, target)
    return vendor


def _local_links(links: list[tuple[str, str]], url_base: str) -> list[tuple[str, str]]:
    localised = []
    for name, url in links:
        if name not in LOCAL_ASSETS:
            if url.startswith(url_base):
                localised.append((name, url))
                continue
            raise UnknownMapAsset(f"no local copy of map asset {name!r} ({url})")
        if LOCAL_ASSETS[name] is not None:
            localised.append((name, f"{url_base}/{LOCAL_ASSETS[name]}"))
    return localised


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def localize_assets(fmap: folium.Map, url_base: str = STATIC_URL) -> folium.Map:
    """Point every element's script and stylesheet links at the app's own copies."""
    for element in _walk(fmap):
        if isinstance(element, JSCSSMixin):
            element.default_js = _local_links(list(element.default_js), url_base)
            element.default_css = _local_links(list(element.default_css), url_base)
    return fmap


class OfflineMap(folium.Map):
    """A folium map whose assets are localised whenever it is rendered (by st_folium or to HTML)."""

    def __init__(self, *args, asset_url_base: str = STATIC_URL, **kwargs):
        super().__init__(*args, **kwargs)
        self.asset_url_base = asset_url_base
        self.get_root().header.add_child(folium.Element(BACKGROUND_CSS), name="offline_background")

    def render(self, **kwargs):
        localize_assets(self, self.asset_url_base)
        return super().render(**kwargs)


def offline_map(
    location,
    zoom_start: int,
    *,
    tiles_url: str | None = None,
    tiles_attribution: str = "",
    **map_kwargs,
) -> OfflineMap:
    """A map with no CDN links and optional tiles.

    Without ``tiles_url`` the map has no tile layer and reads on its own layers over a light
    background; ``maxZoom`` is set because Leaflet's clusters need one when no tile layer gives it.
    """
    fmap = OfflineMap(location=location, zoom_start=zoom_start, tiles=None, maxZoom=18, **map_kwargs)
    if tiles_url:
        folium.TileLayer(tiles=tiles_url, attr=tiles_attribution or " ", name="Basemap", max_zoom=18).add_to(fmap)
    return fmap


_URL = re.compile(r"""(?:src|href)\s*=\s*["'](https?:)?//[^"']+["']""")


def external_asset_links(fmap: folium.Map) -> list[str]:
    """Script and stylesheet links to other hosts in the rendered HTML (should be none)."""
    rendered = fmap.get_root().render()
    return [match.group(0) for match in _URL.finditer(rendered)]
