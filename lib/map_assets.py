"""Maps that draw offline: every script and stylesheet a map needs is served by the app itself.

Folium links Leaflet, jQuery, Bootstrap, awesome-markers, Font Awesome and its plugins from CDNs.
Offline, the first failing link (leaflet.js) leaves the map blank, because streamlit-folium loads
the scripts one after another and stops at the first error. Here the assets come from the XStatic
wheels that ``requirements.txt`` installs: :func:`ensure_static_assets` copies them into
``static/vendor/`` (git-ignored), which Streamlit serves at ``/app/static/`` when
``server.enableStaticServing`` is on, and :class:`OfflineMap` points every element's links at those
copies whenever the map is rendered (by ``st_folium`` or to HTML).

Streamlit sends these files with the Content-Type that :mod:`mimetypes` guesses from the suffix and
with ``X-Content-Type-Options: nosniff``, so the browser runs a script only if its type is a
JavaScript one; :func:`ensure_static_assets` pins the types so a host whose MIME tables say
otherwise (e.g. a Windows registry mapping ``.js`` to ``text/plain``) cannot blank the map.

Bootstrap, awesome-markers and glyphicons are dropped: Leaflet draws without them, and no installed
package ships awesome-markers, so ``folium.Icon`` is refused (:class:`UnknownMapAsset`); use
``folium.CircleMarker``, ``folium.DivIcon`` or a default ``folium.Marker`` instead.

Branca colormaps need D3 3. streamlit-folium (0.27) prepends two hard-coded CDN links to D3 for each
``branca.colormap.ColorMap`` it finds in the map and has no option to turn that off; since scripts
load in order and stop at the first failure, one colormap legend blanks the map offline. So
:func:`localize_assets` replaces every colormap in the map with a :class:`ColormapLegend`, which
draws the same legend with branca's own template and figures and the app's copy of D3, but is not a
``ColorMap``, so streamlit-folium adds no link for it.
"""

from __future__ import annotations

import importlib
import mimetypes
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from jinja2 import Template

import folium
from branca.colormap import ColorMap
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin

STATIC_URL = "/app/static/vendor"
BACKGROUND_COLOUR = "#f4f6f8"
MAX_ZOOM = 18

# Local path under static/vendor/ -> (XStatic package, file or folder in its data dir). Folders are
# copied whole because the stylesheets load images and fonts relative to themselves.
VENDOR_FILES: dict[str, tuple[str, str]] = {
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

# folium's asset names -> local path under static/vendor/ (None: not needed, the link is dropped).
LOCAL_ASSETS: dict[str, str | None] = {
    "leaflet": "leaflet/leaflet.js",
    "leaflet_css": "leaflet/leaflet.css",
    "jquery": "jquery/jquery.min.js",
    "markerclusterjs": "markercluster/leaflet.markercluster.js",
    "markerclustercss": "markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "markercluster/MarkerCluster.Default.css",
    "awesome_markers_font_css": "font-awesome/css/all.min.css",
    "d3": "d3/d3.js",
    "bootstrap": None,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers": None,
    "awesome_markers_css": None,
    "awesome_rotate_css": None,
}

_STAMP = ".xstatic-versions"
_MIME_TYPES = {".js": "text/javascript", ".css": "text/css", ".woff2": "font/woff2", ".ttf": "font/ttf"}


class UnknownMapAsset(KeyError):
    """A map element needs a script or stylesheet that has no local copy.

    Add the file to :data:`VENDOR_FILES` and its folium name to :data:`LOCAL_ASSETS`, or use an
    element that draws without it.
    """


# --- copying the assets --------------------------------------------------------------------------


def _package(name: str) -> Any:
    return importlib.import_module(name)


def _versions() -> str:
    packages = sorted({package for package, _ in VENDOR_FILES.values()})
    return "".join(f"{package} {_package(package).VERSION}\n" for package in packages)


def _vendor_files() -> Iterator[tuple[str, Path]]:
    """(local path, source file) for every file to copy, folders expanded."""
    for local, (package, relative) in VENDOR_FILES.items():
        source = Path(_package(package).BASE_DIR) / relative
        if source.is_dir():
            for file in sorted(source.rglob("*")):
                if file.is_file():
                    yield f"{local}/{file.relative_to(source).as_posix()}", file
        else:
            yield local, source


def _replace_atomically(target: Path, write) -> None:
    # Sessions starting together may copy at once, and a browser may be reading the file: each file
    # appears whole or not at all.
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    write(partial)
    os.replace(partial, target)


def ensure_static_assets(static_dir: Path) -> Path:
    """Copy the map assets from the installed XStatic packages into ``static_dir/vendor``.

    Files are copied, not linked: Streamlit resolves symlinks and refuses to serve a file whose real
    path lies outside ``static/``. A stamp with the packages' versions makes later calls cheap (one
    small read and a few ``stat`` calls) and brings the copies up to date after an upgrade.

    Parameters
    ----------
    static_dir : Path
        The ``static/`` folder next to the app's main script, served at ``/app/static/``.

    Returns
    -------
    Path
        The vendor folder, ``static_dir/vendor``.
    """
    for suffix, mime_type in _MIME_TYPES.items():
        mimetypes.add_type(mime_type, suffix)
    vendor = Path(static_dir) / "vendor"
    stamp = vendor / _STAMP
    versions = _versions()
    if stamp.is_file() and stamp.read_text() == versions and all((vendor / local).exists() for local in VENDOR_FILES):
        return vendor
    for local, source in _vendor_files():
        _replace_atomically(vendor / local, lambda partial, source=source: shutil.copyfile(source, partial))
    _replace_atomically(stamp, lambda partial: partial.write_text(versions))
    return vendor


# --- pointing the map at them --------------------------------------------------------------------


class ColormapLegend(JSCSSMixin):
    """A branca colormap's legend that loads the app's D3 and that streamlit-folium adds no CDN link for.

    It renders branca's own template and reads the scale (``vmin``, ``color_range``, ``tick_labels``,
    ...) from the wrapped colormap, so the legend looks exactly like the colormap's; only the class
    differs, because streamlit-folium adds its D3 links by ``isinstance(element, ColorMap)``.

    Parameters
    ----------
    colormap : branca.colormap.ColorMap
        The colormap to draw (``LinearColormap``, ``StepColormap``, a Choropleth's ``color_scale``).
    d3_url : str
        Where the app serves D3 3 (branca's template uses the D3 3 API).
    """

    def __init__(self, colormap: ColorMap, d3_url: str):
        super().__init__()
        self._name = "ColormapLegend"
        self._template = colormap._template
        self.colormap = colormap
        self.default_js = [("d3", d3_url)]

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes this element lacks: the scale the template reads.
        colormap = self.__dict__.get("colormap")
        if colormap is None or name.startswith("__"):
            raise AttributeError(name)
        return getattr(colormap, name)

    def render(self, **kwargs) -> None:
        """Let branca compute the scale, then draw the legend on this element's map."""
        # ColorMap.render computes color_range and tick_labels; a scratch figure takes the script and
        # the CDN D3 link it also emits.
        Figure().add_child(self.colormap)
        self.colormap.render()
        super().render(**kwargs)


def _walk(element: Element) -> Iterator[tuple[Element, str, Element]]:
    """(parent, name, child) for every element below ``element``, depth first."""
    for name, child in list(getattr(element, "_children", {}).items()):
        yield element, name, child
        yield from _walk(child)


def _local_links(links: Iterable[tuple[str, str]], url_base: str) -> list[tuple[str, str]]:
    localised = []
    for name, url in links:
        if url.startswith(url_base):
            localised.append((name, url))
        elif name not in LOCAL_ASSETS:
            raise UnknownMapAsset(f"no local copy of map asset {name!r} ({url})")
        elif LOCAL_ASSETS[name] is not None:
            localised.append((name, f"{url_base}/{LOCAL_ASSETS[name]}"))
    return localised


def localize_assets(fmap: folium.Map, url_base: str = STATIC_URL) -> folium.Map:
    """Point every script and stylesheet of the map at the app's own copies.

    Colormaps are replaced by :class:`ColormapLegend` elements, which their map draws (as folium
    does for a Choropleth's legend). Idempotent, so it can run on every render.

    Parameters
    ----------
    fmap : folium.Map
        The map; changed in place.
    url_base : str
        URL under which the browser finds ``static/vendor/``.

    Returns
    -------
    folium.Map
        ``fmap``.

    Raises
    ------
    UnknownMapAsset
        If an element needs an asset with no local copy (e.g. a plugin not in :data:`LOCAL_ASSETS`,
        or ``folium.Icon``, which draws with awesome-markers).
    """
    for parent, name, child in _walk(fmap):
        if isinstance(child, folium.Icon):
            raise UnknownMapAsset(
                "folium.Icon draws with Leaflet.awesome-markers, which has no local copy; "
                "use folium.CircleMarker, folium.DivIcon or a default folium.Marker"
            )
        if isinstance(child, ColorMap):
            legend = ColormapLegend(child, f"{url_base}/{LOCAL_ASSETS['d3']}")
            parent._children[name] = legend
            legend._parent = fmap
            child = legend
        if isinstance(child, JSCSSMixin):
            child.default_js = _local_links(child.default_js, url_base)
            child.default_css = _local_links(child.default_css, url_base)
    fmap.default_js = _local_links(fmap.default_js, url_base)
    fmap.default_css = _local_links(fmap.default_css, url_base)
    return fmap


class _IconImagePath(MacroElement):
    """Tells Leaflet where its default marker images are.

    Leaflet guesses the folder from leaflet.css, which streamlit-folium loads after the scripts;
    when a marker is drawn first, the guess drops ``images/`` and every default marker is broken.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}L.Icon.Default.imagePath = {{ this.path|tojson }};{% endmacro %}"
    )

    def __init__(self, path: str):
        super().__init__()
        self._name = "IconImagePath"
        self.path = path


class OfflineMap(folium.Map):
    """A ``folium.Map`` whose assets are made local whenever it is rendered, on a plain background.

    Parameters
    ----------
    *args, **kwargs
        As for ``folium.Map``.
    asset_url_base : str
        URL under which the browser finds ``static/vendor/`` (change it with
        ``server.baseUrlPath``).
    background : str
        CSS colour behind the map's layers, seen wherever no tile covers the map.
    leaflet_only : bool
        Load Leaflet and nothing else of folium's defaults (no jQuery, no Font Awesome): for maps
        without popups or icons. Plugins still bring their own files.
    """

    def __init__(
        self,
        *args,
        asset_url_base: str = STATIC_URL,
        background: str = BACKGROUND_COLOUR,
        leaflet_only: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.asset_url_base = asset_url_base
        if leaflet_only:
            # folium loads jQuery and Font Awesome for popups and icons; a map of GeoJSON, circle
            # markers and labels draws with Leaflet alone, and its frame loads that much sooner
            self.default_js = [(n, u) for n, u in self.default_js if n == "leaflet"]
            self.default_css = [(n, u) for n, u in self.default_css if n == "leaflet_css"]
        # `div.` outranks leaflet.css's own `.leaflet-container` grey, whichever comes later.
        style = f"<style>div.leaflet-container{{background:{background}}}</style>"
        self.get_root().header.add_child(Element(style), name="offline_background")
        self.add_child(_IconImagePath(f"{asset_url_base}/leaflet/images/"), name="icon_image_path")

    def render(self, **kwargs) -> None:
        """Make the assets local (see :func:`localize_assets`), then render as folium does."""
        localize_assets(self, self.asset_url_base)
        super().render(**kwargs)


def offline_map(
    location: list[float] | tuple[float, float],
    zoom_start: int,
    *,
    tiles_url: str | None = None,
    tiles_attribution: str = "",
    **map_kwargs: Any,
) -> OfflineMap:
    """A map that needs no CDN, with basemap tiles only if a tile URL is given.

    Parameters
    ----------
    location : sequence of float
        Initial centre, ``[lat, lon]``.
    zoom_start : int
        Initial zoom.
    tiles_url : str, optional
        Tile URL template (``.../{z}/{x}/{y}.png``); None draws no tile layer, and the layers stand
        on a light background.
    tiles_attribution : str
        Attribution shown for the tiles.
    **map_kwargs
        Passed to :class:`OfflineMap` / ``folium.Map`` (e.g. ``control_scale``,
        ``asset_url_base``, ``leaflet_only``). ``maxZoom`` defaults to 18: without a tile layer Leaflet has no
        maximum zoom, and marker clusters fail without one.

    Returns
    -------
    OfflineMap
        The map.
    """
    map_kwargs.setdefault("maxZoom", MAX_ZOOM)
    fmap = OfflineMap(location=location, zoom_start=zoom_start, tiles=None, **map_kwargs)
    if tiles_url:
        folium.TileLayer(
            tiles=tiles_url,
            attr=tiles_attribution or " ",  # folium insists on an attribution for custom tiles
            name="Basemap",
            max_zoom=map_kwargs["maxZoom"],
        ).add_to(fmap)
    return fmap
