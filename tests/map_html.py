"""What a map's rendered HTML would fetch from other hosts: the check that maps draw offline."""

from __future__ import annotations

import re
from collections.abc import Iterator

import folium
from branca.element import Element

# Absolute URLs anywhere, and protocol-relative ones where an attribute or a string starts with them.
_ABSOLUTE_URL = re.compile(r"""https?://[^\s"'<>()\\]+|(?<=["'(])//[\w-]+(?:\.[\w-]+)+[^\s"'<>()\\]*""")
_HYPERLINK = re.compile(r"""<a\s[^>]*?href=["']([^"']+)""", re.IGNORECASE)
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _elements(element: Element) -> Iterator[Element]:
    for child in getattr(element, "_children", {}).values():
        yield child
        yield from _elements(child)


def cdn_urls_in(fmap: folium.Map) -> list[str]:
    """External URLs the map's rendered HTML would load, other than its tile URLs.

    Every http(s) or protocol-relative URL in ``fmap.get_root().render()`` counts, except the URL
    templates of the map's tile layers and hyperlinks (``<a href>``, e.g. in an attribution), which
    the browser does not fetch. Rendering also makes an ``OfflineMap``'s assets local first.

    Returns
    -------
    list of str
        The URLs, each once, in order of appearance; empty for a map that works offline.
    """
    # Options reach the page as JSON, with <, >, & and quotes escaped: undo that to see the URLs.
    html = fmap.get_root().render()
    html = _JSON_ESCAPE.sub(lambda code: chr(int(code.group(1), 16)), html).replace('\\"', '"').replace("\\/", "/")
    allowed = {child.tiles for child in _elements(fmap) if isinstance(child, folium.TileLayer)}
    allowed |= set(_HYPERLINK.findall(html))
    return [url for url in dict.fromkeys(_ABSOLUTE_URL.findall(html)) if url not in allowed]
