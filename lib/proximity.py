"""Safety proximity: what lies within a safety distance of hazardous land not yet released.

Distances are measured in the metric CRS (UTM zone 38N, EPSG:32638) with a spatial index
(shapely's STRtree, predicate ``dwithin``), so a pass over every house at 100x the data takes
seconds, not the hours a distance per pair would. The pairs found do not depend on the day: they
are worked out once per data version (:func:`hazard_pairs`) and each day keeps those whose
polygon was recorded and not yet released (:func:`unreleased_on`).

The return areas lie between 45.5° and 47.5° E, inside zone 38 (42°–48° E); even at 50° E, the
far east of Azerbaijan, UTM 38's scale error is under 0.2 %, which is 1 m in 500 m.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from lib.config import METRIC_CRS, STORAGE_CRS

# What a pair carries of its hazard polygon (for the day's filter and the figures shown).
HAZARD_COLUMNS = [
    "hazard_id",
    "area_ha",
    "released_ha",
    "suspected_date",
    "released_date",
    "status",
    "release_method",
    "device_category",
]
# What a pair carries of its feature besides its id (when the feature has it).
CARRIED = ("settlement_id", "district_id")
NEAR_COLUMNS = ["settlement_id", "hazard_count", "hazard_ha", "nearest_m", "houses_near", "assets_near"]
PRIORITY_COLUMNS = [
    "settlement_id",
    "district_id",
    "planned_households",
    "hazard_ha",
    "hazard_count",
    "nearest_m",
    "houses_near",
    "score",
    "rank",
]


def _check_crs(*frames: gpd.GeoDataFrame) -> None:
    for frame in frames:
        if frame.crs is None or not frame.crs.equals(STORAGE_CRS):
            raise ValueError(f"expected layers in {STORAGE_CRS}, got {frame.crs}")


def hazard_pairs(
    features: gpd.GeoDataFrame, id_field: str, hazard_areas: gpd.GeoDataFrame, distance_m: float
) -> pd.DataFrame:
    """Every (feature, hazard polygon) pair no farther apart than ``distance_m`` metres.

    Parameters
    ----------
    features : houses, assets or settlement outlines (any geometry), in EPSG:4326.
    id_field : the features' id column (kept in the result).
    hazard_areas : the hazard polygons, in EPSG:4326, with the columns of :data:`HAZARD_COLUMNS`.
    distance_m : the safety distance; a feature exactly at it counts as near.

    Returns
    -------
    One row per pair: ``id_field``, ``settlement_id`` and ``district_id`` when the features carry
    them, the polygon's :data:`HAZARD_COLUMNS`, and ``distance_m`` (0 when they touch or overlap).
    """
    _check_crs(features, hazard_areas)
    carried = [c for c in CARRIED if c in features.columns and c != id_field]
    hazard_columns = [c for c in HAZARD_COLUMNS if c in hazard_areas.columns]
    columns = [id_field, *carried, *hazard_columns, "distance_m"]
    if features.empty or hazard_areas.empty:
        empty = pd.concat([features[[id_field, *carried]].iloc[:0], hazard_areas[hazard_columns].iloc[:0]], axis=1)
        return empty.assign(distance_m=pd.Series(dtype="float64"))[columns]
    shapes = features.geometry.to_crs(METRIC_CRS).to_numpy()
    hazards = hazard_areas.geometry.to_crs(METRIC_CRS).to_numpy()
    tree = shapely.STRtree(hazards)
    feature_at, hazard_at = tree.query(shapes, predicate="dwithin", distance=distance_m)
    pairs = pd.concat(
        [
            features[[id_field, *carried]].iloc[feature_at].reset_index(drop=True),
            hazard_areas[hazard_columns].iloc[hazard_at].reset_index(drop=True),
        ],
        axis=1,
    )
    pairs["distance_m"] = shapely.distance(shapes[feature_at], hazards[hazard_at])
    return pairs[columns]


def near_intervals(
    features: gpd.GeoDataFrame, id_field: str, hazard_areas: gpd.GeoDataFrame, distance_m: float
) -> pd.DataFrame:
    """When each feature was near hazardous land: the periods during which at least one polygon
    within ``distance_m`` had been recorded and not yet released.

    At 100x the data the houses make millions of (house, polygon) pairs; a house is near on a day
    when any of its polygons is unreleased, so its pairs are merged into periods once per data
    version and a day's question becomes one comparison per period.

    Returns
    -------
    One row per period: ``id_field``, ``settlement_id`` and ``district_id`` when the features carry
    them, ``near_from`` (the first of its polygons recorded), ``near_until`` (the last released;
    NaT while one is not), ``hazard_count`` (polygons near in the period) and ``nearest_m``.
    """
    _check_crs(features, hazard_areas)
    carried = [c for c in CARRIED if c in features.columns and c != id_field]
    columns = [id_field, *carried, "near_from", "near_until", "hazard_count", "nearest_m"]
    if features.empty or hazard_areas.empty:
        return pd.DataFrame(
            {
                **{c: features[c].iloc[:0] for c in [id_field, *carried]},
                "near_from": pd.Series(dtype="datetime64[ns]"),
                "near_until": pd.Series(dtype="datetime64[ns]"),
                "hazard_count": pd.Series(dtype="int64"),
                "nearest_m": pd.Series(dtype="float64"),
            }
        )[columns]
    shapes = features.geometry.to_crs(METRIC_CRS).to_numpy()
    hazards = hazard_areas.geometry.to_crs(METRIC_CRS).to_numpy()
    tree = shapely.STRtree(hazards)
    recorded = hazard_areas["suspected_date"].to_numpy(dtype="datetime64[ns]").astype("int64")
    released = hazard_areas["released_date"].to_numpy(dtype="datetime64[ns]").astype("int64")
    released = np.where(released == np.iinfo("int64").min, NEVER, released)  # NaT: not released
    # a block of features at a time: all 3.4 million (house, polygon) pairs of 100x the data at
    # once raised the server's peak memory by over half a gigabyte
    blocks = [
        _periods_of(tree, hazards, shapes[first : first + FEATURES_PER_BLOCK], first, recorded, released, distance_m)
        for first in range(0, len(shapes), FEATURES_PER_BLOCK)
    ]
    feature_of, since, until, count, nearest = (np.concatenate(parts) for parts in zip(*blocks))
    periods = features[[id_field, *carried]].iloc[feature_of].reset_index(drop=True)
    # a day's counts per settlement group hundreds of thousands of periods: by code, not by string
    periods[carried] = periods[carried].astype("category")
    periods["near_from"] = since.view("datetime64[ns]")
    periods["near_until"] = np.where(until == NEVER, np.iinfo("int64").min, until).view("datetime64[ns]")
    periods["hazard_count"] = count
    periods["nearest_m"] = nearest
    return periods[columns]


NEVER = np.iinfo("int64").max  # a polygon not released: near for ever after
FEATURES_PER_BLOCK = 100_000


def _periods_of(tree, hazards, shapes, offset: int, recorded, released, distance_m: float) -> tuple:
    """The periods near unreleased land of a block of features (:func:`near_intervals`): each
    period's feature (position ``offset`` on), start, end (:data:`NEVER` while unreleased), polygon
    count and nearest distance, as arrays."""
    feature_at, hazard_at = tree.query(shapes, predicate="dwithin", distance=distance_m)
    if not len(feature_at):  # nothing in this block is near any polygon
        empty = np.array([], dtype="int64")
        return empty, empty, empty, empty, np.array([], dtype="float64")
    start, end = recorded[hazard_at], released[hazard_at]
    order = np.lexsort((start, feature_at))
    feature_at, hazard_at, start, end = feature_at[order], hazard_at[order], start[order], end[order]
    # a new period starts at a feature's first pair, or where a polygon is recorded after every
    # earlier one of the same feature was released
    reach = pd.Series(end).groupby(feature_at).cummax().to_numpy()
    first = np.r_[True, feature_at[1:] != feature_at[:-1]]
    bounds = np.flatnonzero(first | np.r_[False, start[1:] > reach[:-1]])
    distance = shapely.distance(shapes[feature_at], hazards[hazard_at])
    return (
        feature_at[bounds] + offset,
        start[bounds],
        np.maximum.reduceat(end, bounds),
        np.diff(np.r_[bounds, len(feature_at)]),
        np.minimum.reduceat(distance, bounds),
    )


def unreleased_on(pairs: pd.DataFrame, day) -> pd.DataFrame:
    """The pairs (:func:`hazard_pairs`) whose polygon was recorded by ``day`` and not released by
    then; or the periods (:func:`near_intervals`) that hold ``day``."""
    day = np.datetime64(pd.Timestamp(day), "ns")
    since, until = ("near_from", "near_until") if "near_from" in pairs.columns else ("suspected_date", "released_date")
    recorded = pairs[since].to_numpy(dtype="datetime64[ns]")
    released = pairs[until].to_numpy(dtype="datetime64[ns]")
    # NaT compares False: a polygon without a release date is never released
    keep = (recorded <= day) & ~(released <= day)
    return pairs[keep]


def near_per_settlement(
    settlement_pairs: pd.DataFrame, house_periods: pd.DataFrame | None, asset_periods: pd.DataFrame | None, day
) -> pd.DataFrame:
    """Per settlement with anything near hazardous land on ``day``: the unreleased polygons within
    the safety distance of its outline (``hazard_count``, their area ``hazard_ha``, the nearest one's
    distance ``nearest_m``, NaN when none) and its houses and assets within the distance of one
    (``houses_near``, ``assets_near``).

    The outlines' pairs are those of :func:`hazard_pairs` (by ``settlement_id``); the houses' and
    assets' are their periods near hazardous land (:func:`near_intervals`, by ``house_id`` and
    ``asset_id``, each with the ``settlement_id`` it belongs to); None leaves them uncounted (0),
    for callers that need the outlines alone or count them otherwise.
    """
    outlines = unreleased_on(settlement_pairs, day)
    near = outlines.groupby("settlement_id").agg(hazard_count=("hazard_id", "nunique"), nearest_m=("distance_m", "min"))
    # a polygon near two parts of one outline counts once
    near["hazard_ha"] = (
        outlines.drop_duplicates(["settlement_id", "hazard_id"]).groupby("settlement_id")["area_ha"].sum()
    )
    for name, periods in (("houses_near", house_periods), ("assets_near", asset_periods)):
        if periods is None:
            near[name] = 0
            continue
        # a feature's periods never overlap: one per feature on any day
        items = unreleased_on(periods, day)
        counts = items.groupby("settlement_id", observed=True).size().rename(name)
        near = near.join(counts[counts > 0].set_axis(counts.index[counts > 0].astype(str)), how="outer")
    near = near.reset_index().rename(columns={"index": "settlement_id"})
    near[["hazard_count", "houses_near", "assets_near"]] = (
        near[["hazard_count", "houses_near", "assets_near"]].fillna(0).astype("int64")
    )
    near["hazard_ha"] = near["hazard_ha"].fillna(0.0)
    return near[NEAR_COLUMNS].sort_values("settlement_id", ignore_index=True)


def clearance_priority(near: pd.DataFrame, settlements: pd.DataFrame) -> pd.DataFrame:
    """The settlements with unreleased hazardous land within the safety distance, in the order
    to clear it: ``score`` = planned households × unreleased hectares near the settlement (the
    families a release lets in, weighed by the land to release), largest first; ties go to the
    nearer hazard. ``rank`` 1 is cleared first.

    ``near`` is :func:`near_per_settlement`; ``settlements`` holds settlement_id, district_id and
    planned_households.
    """
    ranked = near[near["hazard_count"] > 0].merge(
        settlements[["settlement_id", "district_id", "planned_households"]], on="settlement_id"
    )
    ranked["planned_households"] = ranked["planned_households"].fillna(0).astype("int64")
    ranked["score"] = ranked["planned_households"] * ranked["hazard_ha"]
    ranked = ranked.sort_values(["score", "nearest_m", "settlement_id"], ascending=[False, True, True])
    ranked["rank"] = np.arange(1, len(ranked) + 1)
    return ranked[PRIORITY_COLUMNS].reset_index(drop=True)
