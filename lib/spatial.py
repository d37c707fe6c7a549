"""Spatial analysis, measured in the metric CRS (UTM 38N)."""

from __future__ import annotations

import pandas as pd

import geopandas as gpd

from lib.config import METRIC_CRS, STORAGE_CRS


def _check_crs(*frames: gpd.GeoDataFrame) -> None:
    for frame in frames:
        if frame.crs is None or not frame.crs.equals(STORAGE_CRS):
            raise ValueError(f"expected layers in {STORAGE_CRS}, got {frame.crs}")


def unreleased_hazards_near_settlements(
    hazard_areas: gpd.GeoDataFrame, settlement_boundaries: gpd.GeoDataFrame, day, distance_m: float = 2000
) -> pd.DataFrame:
    """Per settlement: unreleased hazard area (ha) within ``distance_m`` of its outline on ``day``.

    Returns settlement_id, hazard_count and hazard_ha (whole polygons that come that close),
    only for settlements with at least one such polygon.
    """
    _check_crs(hazard_areas, settlement_boundaries)
    day = pd.Timestamp(day)
    unreleased = hazard_areas[~(hazard_areas["released_date"] <= day)]
    if unreleased.empty or settlement_boundaries.empty:
        return pd.DataFrame(columns=["settlement_id", "hazard_count", "hazard_ha"])
    zones = settlement_boundaries[["settlement_id", "geometry"]].to_crs(METRIC_CRS)
    zones["geometry"] = zones.buffer(distance_m)
    near = gpd.sjoin(unreleased[["hazard_id", "area_ha", "geometry"]].to_crs(METRIC_CRS), zones, predicate="intersects")
    return (
        near.groupby("settlement_id")
        .agg(hazard_count=("hazard_id", "nunique"), hazard_ha=("area_ha", "sum"))
        .reset_index()
    )
