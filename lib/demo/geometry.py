"""Small geometric helpers shared by the generators (metric CRS in, metric CRS out)."""

from __future__ import annotations

import numpy as np

import shapely


def blob(center: shapely.Point, radius_m: float, rng: np.random.Generator, vertices: int = 20) -> shapely.Polygon:
    """An irregular, star-shaped polygon around ``center`` (valid by construction)."""
    angles = np.sort(rng.uniform(0, 2 * np.pi, vertices))
    radii = radius_m * rng.uniform(0.75, 1.25, vertices)
    ring = np.column_stack([center.x + radii * np.cos(angles), center.y + radii * np.sin(angles)])
    return shapely.Polygon(ring)


def random_points_in(polygon, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` points uniformly inside ``polygon`` (rejection sampling in its bounds)."""
    if count <= 0:
        return np.empty((0, 2))
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    found: list[np.ndarray] = []
    have = 0
    while have < count:
        batch = max(64, int((count - have) * 2.5))
        xy = np.column_stack([rng.uniform(minx, maxx, batch), rng.uniform(miny, maxy, batch)])
        inside = xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])]
        found.append(inside)
        have += len(inside)
    return np.concatenate(found)[:count]


def random_dates(start, end, rng: np.random.Generator, size: int | None = None):
    """Uniform random days between ``start`` and ``end`` (inclusive), as Timestamps."""
    import pandas as pd

    start, end = pd.Timestamp(start), pd.Timestamp(end)
    span = max((end - start).days, 0)
    offsets = rng.integers(0, span + 1, size)
    if size is None:
        return start + pd.Timedelta(days=int(offsets))
    return pd.to_datetime(start) + pd.to_timedelta(offsets, unit="D")
