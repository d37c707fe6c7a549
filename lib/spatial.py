"""Spatial analysis, measured in the metric CRS (UTM 38N)."""

from __future__ import annotations

import pandas as pd

import geopandas as gpd

from lib.config import METRIC_CRS, STORAGE_CRS


def _check_crs(*frames: gpd.GeoDataFrame) -> None:
    for frame in frames:
        if frame.crs is None or not frame.crs.equals(STORAGE_CRS):
            raise ValueError(f"expected layers in {STORAGE_CRS}, got {frame.crs}")


NEAR_COLUMNS = ["settlement_id", "hazard_count", "hazard_ha"]


def hazards_near_settlements(
    hazard_areas: gpd.GeoDataFrame, settlement_boundaries: gpd.GeoDataFrame, distance_m: float = 2000
) -> pd.DataFrame:
    """Every (hazard polygon, settlement) pair closer than ``distance_m`` to the settlement's
    outline, with the polygon's area and release date: the part of "hazards near settlements"
    that does not depend on the day, so it is worked out once per data version."""
    _check_crs(hazard_areas, settlement_boundaries)
    columns = ["hazard_id", "settlement_id", "area_ha", "released_date"]
    if hazard_areas.empty or settlement_boundaries.empty:
        return pd.DataFrame(columns=columns)
    zones = settlement_boundaries[["settlement_id", "geometry"]].to_crs(METRIC_CRS)
    zones["geometry"] = zones.buffer(distance_m)
    hazards = hazard_areas[["hazard_id", "area_ha", "released_date", "geometry"]].to_crs(METRIC_CRS)
    return pd.DataFrame(gpd.sjoin(hazards, zones, predicate="intersects")[columns])


def unreleased_pairs(pairs: pd.DataFrame, day) -> pd.DataFrame:
    """The (hazard polygon, settlement) pairs of :func:`hazards_near_settlements` whose polygon
    was not released by ``day``."""
    return pairs[~(pairs["released_date"] <= pd.Timestamp(day))]


def unreleased_near(pairs: pd.DataFrame, day) -> pd.DataFrame:
    """Per settlement: unreleased hazard area (ha) near it on ``day``, from
    :func:`hazards_near_settlements` (settlement_id, hazard_count, hazard_ha; settlements with
    at least one such polygon only)."""
    unreleased = unreleased_pairs(pairs, day)
    if unreleased.empty:
        return pd.DataFrame(columns=NEAR_COLUMNS)
    return (
        unreleased.groupby("settlement_id")
        .agg(hazard_count=("hazard_id", "nunique"), hazard_ha=("area_ha", "sum"))
        .reset_index()
    )
