"""Hazardous areas and their release over time, calibrated to reported hectares cleared.

Each return-area district is cut into Voronoi cells which are shrunk into hazard polygons, so
that the polygons never overlap and their total area matches the estimated contaminated area.
Polygons are released nearest-to-settlements first, at the dates when the reported cumulative
area cleared reaches them; after the last cumulative report the reported weekly and monthly
clearance rates carry the curve on to the data date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from lib.config import METRIC_CRS, STORAGE_CRS
from lib.demo.geometry import random_points_in
from lib.schema import DEMO_SOURCE_PREFIX

CLEARANCE_START = pd.Timestamp("2020-11-10")  # the ceasefire statement; reports count from it
POLYGONS_AT_SCALE_1 = 2000
# Share of contamination relative to the formerly occupied districts (front line and behind it).
CONTAMINATION_WEIGHT = {"AZ-AGC": 0.05, "AZ-BAR": 0.05, "AZ-TAR": 0.35}
DEVICE_SHARES = {"anti-personnel": 0.4, "anti-tank": 0.25, "UXO": 0.3, "cluster munition": 0.05}
RELEASE_SHARES = {"cancelled": 0.3, "reduced": 0.25, "cleared": 0.45}
WAIT_M_PER_YEAR = 1_500.0  # (see _release_order)
NOT_STARTED_M = 12_000.0
RELEASE_ORDER_SPREAD = 0.6  # sigma of the log-normal factor on each polygon's place in line


def clearance_curve(figures: pd.DataFrame, data_date: pd.Timestamp) -> pd.Series:
    """Cumulative hectares cleared per day, from the reported totals and then reported rates."""
    totals = figures[(figures["metric"] == "hectares_cleared") & (figures["qualifier"] != "more_than")]
    totals = totals.groupby("date")["value"].max().sort_index()
    points = pd.concat([pd.Series({CLEARANCE_START: 0.0}), totals.cummax()])
    days = pd.date_range(CLEARANCE_START, data_date, freq="D")
    known = points.reindex(days.union(points.index)).interpolate(method="time").reindex(days)
    last = totals.index.max()
    weekly = figures[figures["metric"] == "hectares_cleared_in_week"].set_index("date")["value"] / 7
    monthly = figures[figures["metric"] == "hectares_cleared_in_month"].set_index("date")["value"] / 30.4
    rates = pd.concat([weekly, monthly]).sort_index()
    before = points.diff().div(points.index.to_series().diff().dt.days).iloc[-1]
    rate_points = pd.concat([pd.Series({last: before}), rates[rates.index > last]])
    later = days[days > last]
    daily = rate_points.reindex(later.union(rate_points.index)).interpolate(method="time").ffill().reindex(later)
    known[later] = totals.iloc[-1] + daily.cumsum().to_numpy()
    return known


def _release_order(hazards: gpd.GeoDataFrame, settlements: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.Index:
    """The polygons in the order they are released.

    Land is cleared for the settlements being rebuilt, nearest first, and a settlement whose
    reconstruction starts later has its surroundings cleared later (each year of waiting counts
    as :data:`WAIT_M_PER_YEAR` metres further away; a settlement not yet in reconstruction as
    :data:`NOT_STARTED_M`). Terrain and contamination make some polygons much slower than their
    distance says, so the order is spread widely: some land near settlements is still hazardous
    years after families return, as in the mine-action reports.
    """
    points = settlements.to_crs(METRIC_CRS)
    centres = hazards.geometry.centroid
    radius = np.sqrt(hazards.area.to_numpy() / np.pi)
    # polygon edge to settlement point, roughly (an exact distance per pair costs minutes at 100x)
    gap = np.hypot(
        centres.x.to_numpy()[:, None] - points.geometry.x.to_numpy()[None, :],
        centres.y.to_numpy()[:, None] - points.geometry.y.to_numpy()[None, :],
    )
    gap = np.clip(gap - radius[:, None], 0, None)
    waited = (points["reconstruction_date"] - CLEARANCE_START).dt.days.to_numpy(dtype="float64") / 365.25
    wait_m = np.where(np.isnan(waited), NOT_STARTED_M, np.clip(waited, 0, None) * WAIT_M_PER_YEAR)
    key = (gap + wait_m[None, :]).min(axis=1) * rng.lognormal(0.0, RELEASE_ORDER_SPREAD, len(hazards))
    return hazards.index[np.argsort(key, kind="stable")]


def _cells(district_shape, count: int, rng: np.random.Generator) -> list:
    seeds = random_points_in(district_shape, count, rng)
    diagram = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=district_shape)
    cells = shapely.intersection(np.asarray(diagram.geoms), district_shape)
    return [c for c in cells if not c.is_empty and c.area > 0]


def hazard_areas(
    districts: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame,
    settlements: gpd.GeoDataFrame,
    figures: pd.DataFrame,
    data_date: pd.Timestamp,
    rng: np.random.Generator,
    scale: float = 1.0,
) -> gpd.GeoDataFrame:
    """SHA/CHA polygons per return-area district with their land-release history."""
    estimate = figures[figures["metric"] == "estimated_contaminated_km2"].sort_values("date")
    total_ha = float(estimate["value"].iloc[-1]) * 100
    areas = districts[districts["economic_region"].notna()].to_crs(METRIC_CRS).set_index("district_id")
    weight = pd.Series({d: CONTAMINATION_WEIGHT.get(d, 1.0) for d in areas.index}) * areas.area
    share_of_district = (weight / weight.sum() * total_ha * 1e4) / areas.area  # fraction to cover
    built = boundaries.to_crs(METRIC_CRS).buffer(250).union_all()
    polygons, district_of = [], []
    target_count = int(POLYGONS_AT_SCALE_1 * scale)
    for district_id, shape in areas.geometry.items():
        count = max(3, int(round(target_count * weight[district_id] / weight.sum())))
        cells = [c.difference(built) for c in _cells(shape, count, rng)]
        cells = [c for c in cells if c.area > 1e4]
        covered = sum(c.area for c in cells)
        factor = float(np.sqrt(min(share_of_district[district_id] * areas.area[district_id] / covered, 0.95)))
        for cell in cells:
            center = cell.representative_point()
            shrunk = shapely.affinity.scale(cell, factor, factor, origin=center)
            shrunk = shapely.make_valid(shrunk.intersection(shape))
            if shrunk.geom_type == "GeometryCollection":
                shrunk = shapely.MultiPolygon([g for g in shrunk.geoms if g.geom_type == "Polygon"])
            if shrunk.is_empty:
                continue
            polygons.append(shrunk)
            district_of.append(district_id)
    hazards = gpd.GeoDataFrame({"district_id": district_of}, geometry=polygons, crs=METRIC_CRS)
    hazards["area_ha"] = (hazards.area / 1e4).round(2)
    # scale the polygons' areas to the exact estimate by scaling around their centres would
    # move them; the small difference left is reported by the calibration test instead.

    curve = clearance_curve(figures, data_date)
    order = _release_order(hazards, settlements, rng)
    cumulative = hazards.loc[order, "area_ha"].cumsum()
    midpoint = cumulative - hazards.loc[order, "area_ha"] / 2
    released_by_data_date = midpoint <= curve.iloc[-1]
    release_day = curve.index[np.searchsorted(curve.to_numpy(), midpoint[released_by_data_date].to_numpy())]
    n = len(hazards)
    hazards["released_date"] = pd.NaT
    hazards.loc[midpoint[released_by_data_date].index, "released_date"] = release_day
    hazards["released_date"] = pd.to_datetime(hazards["released_date"])
    # recorded within the first months of surveys, and always before its release
    survey_days = (hazards["released_date"].fillna(data_date) - CLEARANCE_START).dt.days.clip(upper=150)
    hazards["suspected_date"] = CLEARANCE_START + pd.to_timedelta(
        np.floor(rng.uniform(0, 0.3, n) * survey_days.to_numpy()), unit="D"
    )
    released = hazards["released_date"].notna()
    method = pd.Series(rng.choice(list(RELEASE_SHARES), n, p=list(RELEASE_SHARES.values())), index=hazards.index)
    hazards["release_method"] = method.where(released)
    confirmed = released & (method != "cancelled") | (~released & (rng.random(n) < 0.4))
    # the next polygons in line are being cleared now
    in_line = order[~released_by_data_date.to_numpy()][: max(1, int(0.03 * n))]
    in_clearance = hazards.index.isin(in_line)
    confirmed |= in_clearance
    hazards["kind"] = np.where(confirmed, "CHA", "SHA")
    suspected = hazards["suspected_date"]
    release = hazards["released_date"]
    confirm_day = suspected + (release.fillna(data_date) - suspected) * rng.uniform(0.1, 0.4, n)
    hazards["confirmed_date"] = confirm_day.dt.normalize().where(confirmed)
    clearing = (method == "cleared") & released | in_clearance
    start = hazards["confirmed_date"] + (release.fillna(data_date) - hazards["confirmed_date"]) * rng.uniform(
        0.3, 0.8, n
    )
    hazards["in_clearance_date"] = start.dt.normalize().where(clearing)
    hazards["released_ha"] = np.where(released, hazards["area_ha"], 0.0)
    hazards.loc[in_clearance, "released_ha"] = (
        hazards.loc[in_clearance, "area_ha"] * rng.uniform(0.1, 0.7, in_clearance.sum())
    ).round(2)
    density = np.where(hazards["kind"] == "CHA", rng.gamma(1.5, 0.6, n), 0)  # items per hectare
    hazards["items_found"] = np.where(
        clearing | (method == "reduced") & released, np.round(density * hazards["released_ha"]), 0
    ).astype("int64")
    hazards["device_category"] = rng.choice(list(DEVICE_SHARES), n, p=list(DEVICE_SHARES.values()))
    hazards["status"] = np.select(
        [released, in_clearance, confirmed], ["released", "in_clearance", "confirmed"], "suspected"
    )
    for column in ("suspected_date", "confirmed_date", "in_clearance_date", "released_date"):
        hazards[column] = pd.to_datetime(hazards[column]).dt.normalize().astype("datetime64[ms]")
    hazards["hazard_id"] = [f"demo-hazard-{i + 1:06d}" for i in range(n)]
    hazards["source"] = f"{DEMO_SOURCE_PREFIX}: polygon generated; release calibrated to reported hectares cleared"
    hazards = hazards.to_crs(STORAGE_CRS)
    # reprojection moves edges by millimetres; clip again so polygons stay inside their district
    district_shapes = districts.set_index("district_id").geometry.reindex(hazards["district_id"])
    hazards["geometry"] = shapely.make_valid(
        shapely.intersection(hazards.geometry.to_numpy(), district_shapes.to_numpy())
    )
    polygonal = hazards.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    hazards.loc[~polygonal, "geometry"] = [
        shapely.MultiPolygon([g for g in shape.geoms if g.geom_type == "Polygon"])
        for shape in hazards.geometry[~polygonal]
    ]
    return hazards
