"""Showing a folium map in a page (Streamlit glue, like lib/cache.py; the maps themselves are
built by the pure functions of lib/maps.py)."""

from __future__ import annotations

import folium
from streamlit_folium import st_folium


def show_map(
    fmap: folium.Map,
    *,
    key: str,
    height: int,
    returned_objects: list[str] | None = None,
    feature_group: folium.FeatureGroup | None = None,
):
    """The map across the page's width; returns what the map reports (only ``returned_objects``:
    anything else a user does on the map, panning included, reruns nothing).

    ``render=False``: st_folium renders the map again itself, so rendering the whole page's
    HTML first (its default) only doubled the server's work.
    """
    return st_folium(
        fmap,
        key=key,
        height=height,
        width="stretch",
        returned_objects=returned_objects or [],
        feature_group_to_add=feature_group,
        render=False,
    )
