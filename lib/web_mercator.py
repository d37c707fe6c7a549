"""Web Mercator (EPSG:3857), the projection Leaflet draws in, in closed form.

One place for its formulas: grid cells that must be square on the map (lib.level_of_detail),
labels that must not overlap at a zoom (lib.maps) and the simplification tolerance of a zoom all
measure the map as Leaflet draws it. The formulas cost a fraction of a general transformation,
which matters on every change of day at 100x the data.
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_M = 6_378_137.0  # the sphere of Web Mercator
TILE_PX = 256  # Leaflet's world is 256 pixels wide at zoom 0
EARTH_METRES_PER_PIXEL_AT_ZOOM_0 = 2 * np.pi * EARTH_RADIUS_M / TILE_PX
RETURN_AREAS_LATITUDE = 39.7  # where the scale of these maps is taken


def to_web_mercator(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator metres (x east, y north) of longitudes and latitudes in degrees."""
    lon, lat = np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")
    return EARTH_RADIUS_M * np.radians(lon), EARTH_RADIUS_M * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def from_web_mercator(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes in degrees of Web Mercator metres (the inverse of :func:`to_web_mercator`)."""
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    return np.degrees(x / EARTH_RADIUS_M), np.degrees(2 * np.arctan(np.exp(y / EARTH_RADIUS_M)) - np.pi / 2)


def to_pixels(lon, lat, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """Leaflet's pixel coordinates at ``zoom`` (x to the right, y down from the world's top-left)."""
    x, y = to_web_mercator(lon, lat)
    metres_per_pixel = EARTH_METRES_PER_PIXEL_AT_ZOOM_0 / 2**zoom
    half_world = np.pi * EARTH_RADIUS_M
    return (x + half_world) / metres_per_pixel, (half_world - y) / metres_per_pixel


def metres_per_pixel(zoom: int, latitude: float = RETURN_AREAS_LATITUDE) -> float:
    """Ground metres one pixel spans at ``zoom`` and ``latitude``."""
    return float(EARTH_METRES_PER_PIXEL_AT_ZOOM_0 * np.cos(np.radians(latitude)) / 2**zoom)


def half_pixel_degrees(zoom: int) -> float:
    """Half a pixel at ``zoom``, in degrees: the simplification tolerance nobody can see."""
    return metres_per_pixel(zoom) / 2 / 111_000
