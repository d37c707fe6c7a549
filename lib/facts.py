"""The project's curated tables of real records (geodata/*.csv), read and typed.

These hold what public sources report — settlements with coordinates, relocation convoys,
dated figures and programme targets — each row with its source. How they were curated, and
how conflicts between sources were resolved, is in geodata/FACTS.md and geodata/SETTLEMENTS.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import geopandas as gpd
from shapely.geometry import Point

from lib.config import GEODATA_DIR, METRIC_CRS, STORAGE_CRS
from lib.validation import coerce_to_schema


def _read(name: str, geodata: Path) -> pd.DataFrame:
    return pd.read_csv(geodata / name, dtype=str, keep_default_na=False).replace("", None)


PLACEHOLDER_RING_M = 2500


def _spread_placeholders(table: pd.DataFrame) -> gpd.GeoSeries:
    """Points of the settlements; those whose location is unknown (coord_quality
    ``district_seat``) are set on a ring around their district seat, one bearing each, so that
    they can be told apart, drawn and clicked. Their position says nothing about where they are,
    and the map says so."""
    points = gpd.GeoSeries(
        gpd.points_from_xy(table["lon"].astype(float), table["lat"].astype(float)), index=table.index, crs=STORAGE_CRS
    )
    unknown = table.index[table["coord_quality"] == "district_seat"]
    if len(unknown) == 0:
        return points
    metric = points.to_crs(METRIC_CRS)
    for _seat, members in table.loc[unknown].groupby([table["lat"], table["lon"]]).groups.items():
        for k, index in enumerate(sorted(members, key=lambda i: table.at[i, "settlement_id"])):
            bearing = 2 * np.pi * (k + 0.5) / len(members)
            origin = metric[index]
            metric[index] = Point(
                origin.x + PLACEHOLDER_RING_M * np.cos(bearing), origin.y + PLACEHOLDER_RING_M * np.sin(bearing)
            )
    return metric.to_crs(STORAGE_CRS)


def curated_settlements(geodata: Path = GEODATA_DIR) -> gpd.GeoDataFrame:
    """Real settlements: ids, district codes, names, kind, point and the source of each."""
    table = _read("settlements.csv", geodata)
    points = _spread_placeholders(table)
    settlements = gpd.GeoDataFrame(table.rename(columns={"source": "coord_source"}), geometry=points)
    return settlements.drop(columns=["lat", "lon"])


def _typed(layer: str, name: str, geodata: Path) -> pd.DataFrame:
    """A curated table typed per its layer's schema; one that does not parse is a bug in the repo."""
    typed, problems = coerce_to_schema(layer, _read(name, geodata))
    if problems:
        raise ValueError(f"geodata/{name} does not parse: " + "; ".join(str(p) for p in problems))
    return typed


def reported_convoys(geodata: Path = GEODATA_DIR) -> pd.DataFrame:
    """Relocation convoys as reported, one row per convoy, with sources."""
    return _typed("returns", "reported_convoys.csv", geodata)


def reported_figures(geodata: Path = GEODATA_DIR) -> pd.DataFrame:
    """Dated figures from public reports (cumulative returns, hectares cleared, houses, jobs)."""
    return _typed("reported_figures", "reported_figures.csv", geodata)


def targets(geodata: Path = GEODATA_DIR) -> pd.DataFrame:
    """Programme targets with the date they were stated and their sources."""
    return _typed("targets", "targets.csv", geodata)
