"""Level of detail: a browser never gets more features than it can draw smoothly.

A map layer is sent in full only while it fits the feature budget; past it, its features are
binned into grid cells (square in Web Mercator, as the map draws them) that carry counts and the
dominant status, and the detail returns when the user zooms in far enough that the features
inside the view fit the budget again. Geometries sent in detail are simplified to what the zoom can show.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from lib.config import STORAGE_CRS
from lib.web_mercator import from_web_mercator, half_pixel_degrees, to_web_mercator

POINT, MULTIPOINT = shapely.GeometryType.POINT, shapely.GeometryType.MULTIPOINT
# Features of one layer in one map (polygons count by their vertices too). A canvas draws far more
# smoothly, but each one costs the server too: past 2,500 of a district's features, cells say more.
FEATURE_BUDGET = 2_500
# Once zoomed in past DETAIL_ZOOM the user asked for detail: the view's features may use more.
VIEW_FEATURE_BUDGET = 5_000
DETAIL_ZOOM = 13  # from this zoom on, detail inside the view is loaded if it fits the budget


@dataclass(frozen=True)
class View:
    """What the map shows: its bounds (west, south, east, north) in degrees and its zoom."""

    bounds: tuple[float, float, float, float]
    zoom: int

    @classmethod
    def from_map_state(cls, state: dict | None) -> View | None:
        """The view st_folium returned (``bounds`` with ``_southWest``/``_northEast``, ``zoom``)."""
        if not state or not state.get("bounds") or state.get("zoom") is None:
            return None
        south_west, north_east = state["bounds"].get("_southWest"), state["bounds"].get("_northEast")
        if not south_west or not north_east or south_west.get("lng") is None:
            return None
        return cls((south_west["lng"], south_west["lat"], north_east["lng"], north_east["lat"]), int(state["zoom"]))


def simplified(frame: gpd.GeoDataFrame, zoom: int) -> gpd.GeoDataFrame:
    """Lines and polygons simplified to half a pixel at ``zoom`` (points untouched)."""
    tolerance_degrees = half_pixel_degrees(zoom)
    geometries = frame.geometry.to_numpy()
    shapes = ~np.isin(shapely.get_type_id(geometries), [POINT, MULTIPOINT])
    if not shapes.any():
        return frame
    out = frame.copy()
    out.loc[shapes, "geometry"] = shapely.simplify(geometries[shapes], tolerance_degrees, preserve_topology=True)
    return out


def grid_cell_metres(bounds_metric: tuple[float, float, float, float], budget: int) -> float:
    """The side of square cells that cover ``bounds_metric`` in fewer than ``budget`` cells."""
    minx, miny, maxx, maxy = bounds_metric
    area = max((maxx - minx) * (maxy - miny), 1.0)
    side = np.sqrt(area / (budget / 4))  # a quarter of the budget: cells are shapes too
    return float(max(250.0, round(side, -2)))


def binned(
    frame: gpd.GeoDataFrame, cell_m: float, weight: str | None = None, bounds: np.ndarray | None = None
) -> gpd.GeoDataFrame:
    """Features counted in square cells of ``cell_m`` Web Mercator metres (square on the map;
    about 1.3 ground metres each at these latitudes): count, summed ``weight`` (e.g. units or
    hectares) and the status most of them have, one polygon per non-empty cell.

    A feature counts in the cell of its bounding box's centre: for features far smaller than a
    cell that is where they are, and it costs a fraction of a point-on-surface per polygon
    (this runs on every change of day at 100x the data).
    """
    if frame.empty:
        return gpd.GeoDataFrame({"count": [], "total": [], "status": []}, geometry=[], crs=STORAGE_CRS)
    bounds = shapely.bounds(frame.geometry.to_numpy())
    x, y = to_web_mercator((bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2)
    column, row = np.floor(x / cell_m).astype("int64"), np.floor(y / cell_m).astype("int64")
    # factorize (hashing) rather than sorting: this runs on every change of day at 100x the data
    cell, cell_keys = pd.factorize(column * 2**32 + (row + 2**31))
    cell_of = np.stack([cell_keys // 2**32, cell_keys % 2**32 - 2**31], axis=1)
    weights = frame[weight].to_numpy(dtype="float64") if weight else np.ones(len(frame))
    status, statuses = pd.factorize(frame["status"] if "status" in frame.columns else pd.Series([""] * len(frame)))
    statuses = np.asarray(statuses, dtype=object)
    per_status = np.zeros((len(cell_of), len(statuses)), dtype="int64")
    np.add.at(per_status, (cell, status), 1)
    summary = pd.DataFrame(
        {
            "column": cell_of[:, 0],
            "row": cell_of[:, 1],
            "count": np.bincount(cell, minlength=len(cell_of)),
            "total": np.bincount(cell, weights=weights, minlength=len(cell_of)),
            "status": statuses[per_status.argmax(axis=1)],  # the most frequent; ties go to the first seen
        }
    )
    # a square in Web Mercator is a rectangle in longitude and latitude: no reprojection needed
    west, south = from_web_mercator(summary["column"] * cell_m, summary["row"] * cell_m)
    east, north = from_web_mercator((summary["column"] + 1) * cell_m, (summary["row"] + 1) * cell_m)
    squares = shapely.box(west, south, east, north)
    return gpd.GeoDataFrame(summary[["count", "total", "status"]], geometry=squares, crs=STORAGE_CRS)


@dataclass(frozen=True)
class LayerView:
    """A layer as it will be sent: in ``detail`` (the features) or ``binned`` (grid cells)."""

    mode: str  # "detail" or "binned"
    frame: gpd.GeoDataFrame
    total: int  # features in the filter, before binning or clipping to the view
    cell_m: float | None = None


# A feature counts as one, or as many as its vertices fill simple rings of this size: a district's
# thousand detailed hazard polygons weigh on the browser (and the message) as their vertices do.
COORDINATES_PER_FEATURE = 5


def drawing_cost(frame: gpd.GeoDataFrame) -> float:
    """What a layer costs to send and draw, in features (see :data:`COORDINATES_PER_FEATURE`)."""
    coordinates = int(shapely.get_num_coordinates(frame.geometry.to_numpy()).sum()) if len(frame) else 0
    return max(len(frame), coordinates / COORDINATES_PER_FEATURE)


def over_budget(frame: gpd.GeoDataFrame, budget: int = FEATURE_BUDGET) -> bool:
    """Whether a layer is too heavy to send in detail (and goes as grid cells unless zoomed in)."""
    return len(frame) > budget or drawing_cost(frame) > budget


def fit_to_budget(
    frame: gpd.GeoDataFrame,
    view: View | None,
    weight: str | None = None,
    budget: int = FEATURE_BUDGET,
    view_budget: int = VIEW_FEATURE_BUDGET,
) -> LayerView:
    """The layer in detail when it fits the budget (within the view once zoomed in), else binned.

    Below :data:`DETAIL_ZOOM` the result does not depend on the view, so a map that reports its
    view as it opens, pans or zooms out gets the very same layer back and draws nothing anew.
    """
    view = view if view is not None and view.zoom >= DETAIL_ZOOM else None
    total = len(frame)
    if not over_budget(frame, budget):
        return LayerView("detail", simplified(frame, view.zoom if view else DETAIL_ZOOM - 1), total)
    if view is not None:
        west, south, east, north = view.bounds
        inside = frame.iloc[frame.sindex.query(shapely.box(west, south, east, north), predicate="intersects")]
        if not over_budget(inside, view_budget):
            return LayerView("detail", simplified(inside, view.zoom), total)
    # each feature's bounds once, for the layer's (as GeoSeries.total_bounds) and for the cells
    bounds = shapely.bounds(frame.geometry.to_numpy())
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"All-NaN slice encountered", RuntimeWarning)  # empty geometries only
        west, south = np.nanmin(bounds[:, 0]), np.nanmin(bounds[:, 1])
        east, north = np.nanmax(bounds[:, 2]), np.nanmax(bounds[:, 3])
    (minx, maxx), (miny, maxy) = to_web_mercator([west, east], [south, north])
    cell_m = grid_cell_metres((minx, miny, maxx, maxy), budget)
    return LayerView("binned", binned(frame, cell_m, weight, bounds), total, cell_m)


@dataclass(frozen=True)
class FixedCells:
    """A layer's features binned once into the cells :func:`fit_to_budget` would use for all of
    them, so that a layer whose features come and go with the day (hazard polygons recorded and
    released, houses near unreleased ones) is counted per day without binning it again: at 100x
    the data binning 200,000 polygons cost a tenth of a second on every change of day.

    Build it once per data version with :meth:`of`; :func:`day_view` then sends a day's features.
    """

    cell_m: float
    cell_of: np.ndarray  # each feature's cell (an index into ``squares``)
    squares: np.ndarray  # the cells' shapely boxes in EPSG:4326
    costs: np.ndarray  # each feature's drawing cost (its coordinates / COORDINATES_PER_FEATURE, at least 1)

    @classmethod
    def of(cls, frame: gpd.GeoDataFrame, budget: int = FEATURE_BUDGET) -> FixedCells:
        """The cells of ``frame``'s features (every one of them, whatever the day)."""
        geometries = frame.geometry.to_numpy()
        costs = np.maximum(1.0, shapely.get_num_coordinates(geometries) / COORDINATES_PER_FEATURE)
        if not len(frame):
            return cls(0.0, np.zeros(0, dtype="int64"), np.zeros(0, dtype=object), costs)
        bounds = shapely.bounds(geometries)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", r"All-NaN slice encountered", RuntimeWarning)
            west, south = np.nanmin(bounds[:, 0]), np.nanmin(bounds[:, 1])
            east, north = np.nanmax(bounds[:, 2]), np.nanmax(bounds[:, 3])
        (minx, maxx), (miny, maxy) = to_web_mercator([west, east], [south, north])
        cell_m = grid_cell_metres((minx, miny, maxx, maxy), budget)
        x, y = to_web_mercator((bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2)
        column, row = np.floor(x / cell_m).astype("int64"), np.floor(y / cell_m).astype("int64")
        cell, keys = pd.factorize(column * 2**32 + (row + 2**31))
        column, row = keys // 2**32, keys % 2**32 - 2**31
        west, south = from_web_mercator(column * cell_m, row * cell_m)
        east, north = from_web_mercator((column + 1) * cell_m, (row + 1) * cell_m)
        return cls(cell_m, cell.astype("int64"), shapely.box(west, south, east, north), costs)

    def counted(
        self, keep: np.ndarray, codes: np.ndarray, statuses, weights: np.ndarray | None = None
    ) -> gpd.GeoDataFrame:
        """The kept features (boolean mask ``keep``) counted per cell, as :func:`binned` gives them:
        ``count``, ``total`` (of ``weights``) and ``status``, the most frequent of ``statuses``
        (``codes``: each feature's position in it; ties go to the first)."""
        cells, kinds = self.cell_of[keep], np.asarray(codes)[keep]
        # one bincount over (cell, status) pairs: np.add.at cost ten times as much
        size = len(self.squares) * len(statuses)
        per_status = np.bincount(cells * len(statuses) + kinds, minlength=size).reshape(-1, len(statuses))
        count = per_status.sum(axis=1)
        total = np.bincount(cells, weights=None if weights is None else weights[keep], minlength=len(self.squares))
        shown = count > 0
        statuses = np.asarray(list(statuses), dtype=object)
        return gpd.GeoDataFrame(
            {"count": count[shown], "total": total[shown], "status": statuses[per_status.argmax(axis=1)[shown]]},
            geometry=self.squares[shown],
            crs=STORAGE_CRS,
        )


def day_view(
    frame: gpd.GeoDataFrame,
    cells: FixedCells,
    keep: np.ndarray,
    codes: np.ndarray,
    statuses,
    view: View | None,
    weight: str | None = None,
    budget: int = FEATURE_BUDGET,
) -> LayerView:
    """The features of a day (boolean mask ``keep``; each one's status is ``statuses[codes]``) as
    :func:`fit_to_budget` sends them, counted in the :class:`FixedCells` of the whole layer when
    they go as cells: only a day's features that fit the budget, or those in a zoomed-in view,
    are taken out of the layer."""
    zoomed = view is not None and view.zoom >= DETAIL_ZOOM
    fits = keep.sum() <= budget and cells.costs[keep].sum() <= budget
    if zoomed or fits:
        names = np.asarray(list(statuses), dtype=object)
        return fit_to_budget(frame[keep].assign(status=names[np.asarray(codes)[keep]]), view, weight, budget)
    weights = frame[weight].to_numpy(dtype="float64") if weight else None
    return LayerView("binned", cells.counted(keep, codes, statuses, weights), int(keep.sum()), cells.cell_m)
