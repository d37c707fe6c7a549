"""Infrastructure and employment projects, generated around the settlements' lifecycles."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import distance_matrix

import geopandas as gpd
import shapely

from lib.as_of import ramp
from lib.config import METRIC_CRS, STORAGE_CRS
from lib.demo.geometry import random_points_in
from lib.metrics import jobs_created
from lib.schema import DEMO_SOURCE_PREFIX, EMPLOYMENT_SECTORS

LINE_OFFSETS_M = {"road": 0.0, "power": 180.0, "gas": -180.0}
PLANNED_WORKS_DAYS = 540
RUNNING_WORKS_MAX_PCT = 95
POINT_ASSETS = {
    "city": {"school": 3, "health": 2, "water": 2},
    "town": {"school": 2, "health": 1, "water": 1},
    "village": {"school": 1, "health": 1, "water": 1},
}


def _dates_for(settlement, data_date, rng, duration_days):
    """Start and completion of works tied to a settlement's reconstruction and readiness."""
    if pd.isna(settlement.reconstruction_date):
        return pd.NaT, pd.NaT
    start = settlement.reconstruction_date + pd.Timedelta(days=int(rng.integers(0, 150)))
    if start > data_date:
        return pd.NaT, pd.NaT
    finish = (
        settlement.ready_date - pd.Timedelta(days=int(rng.integers(0, 60)))
        if pd.notna(settlement.ready_date)
        else start + pd.Timedelta(days=duration_days)
    )
    finish = max(finish, start + pd.Timedelta(days=30))
    return start, finish if finish <= data_date else pd.NaT


FEEDER_MAX_M = 3000.0


def _feeder_lines(points, xy, distances, records, water_dates) -> list[tuple]:
    """A road, power and gas line for every settlement the network's links left without one
    (a spanning tree has one link fewer than settlements, and some villages' links carry no gas):
    a feeder towards the nearest settlement, built with the settlement's water line. Drawn
    without the random generator, so that the records generated after these stay the same."""
    served = {(category, settlement_id) for category, settlement_id, *_ in records}
    feeders = []
    for position, settlement in enumerate(points.itertuples()):
        others = np.where(np.arange(len(points)) == position, np.inf, distances[position])
        if not np.isfinite(others.min()):
            continue
        toward = xy[int(others.argmin())]
        direction = (toward - xy[position]) / others.min()
        normal = np.array([-direction[1], direction[0]])
        end = xy[position] + direction * min(others.min() / 2, FEEDER_MAX_M)
        started, finished = water_dates[settlement.settlement_id]
        for category, offset in LINE_OFFSETS_M.items():
            if (category, settlement.settlement_id) in served:
                continue
            line = shapely.LineString([xy[position] + normal * offset, end + normal * offset])
            feeders.append((category, settlement.settlement_id, settlement.district_id, line, started, finished))
    return feeders


def infrastructure(
    settlements: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame,
    data_date: pd.Timestamp,
    rng: np.random.Generator,
    scale: float = 1.0,
) -> gpd.GeoDataFrame:
    """Roads, power and gas lines along a spanning tree of the settlements (and a feeder for each
    settlement no link serves); water lines from a source to each settlement; schools, clinics and
    water points inside the settlements."""
    points = settlements.to_crs(METRIC_CRS).reset_index(drop=True)
    xy = np.column_stack([points.geometry.x, points.geometry.y])
    distances = distance_matrix(xy, xy)
    tree = minimum_spanning_tree(distances).tocoo()
    records = []
    for a, b in zip(tree.row, tree.col):
        # the later-built end decides when the link is built
        end = points.iloc[b] if pd.notna(points.iloc[b].reconstruction_date) else points.iloc[a]
        start_xy, end_xy = xy[a], xy[b]
        direction = (end_xy - start_xy) / np.linalg.norm(end_xy - start_xy)
        normal = np.array([-direction[1], direction[0]])
        bend = (start_xy + end_xy) / 2 + normal * rng.normal(0, 0.08) * np.linalg.norm(end_xy - start_xy)
        for category, offset in LINE_OFFSETS_M.items():
            if category == "gas" and end.kind == "village" and rng.random() < 0.5:
                continue
            line = shapely.LineString([start_xy + normal * offset, bend + normal * offset, end_xy + normal * offset])
            started, finished = _dates_for(end, data_date, rng, 540)
            records.append((category, end.settlement_id, end.district_id, line, started, finished))
    water_dates = {}
    for settlement in points.itertuples():
        angle = rng.uniform(0, 2 * np.pi)
        source = np.array([settlement.geometry.x, settlement.geometry.y]) + rng.uniform(2000, 6000) * np.array(
            [np.cos(angle), np.sin(angle)]
        )
        line = shapely.LineString([source, [settlement.geometry.x, settlement.geometry.y]])
        started, finished = _dates_for(settlement, data_date, rng, 360)
        water_dates[settlement.settlement_id] = (started, finished)
        records.append(("water", settlement.settlement_id, settlement.district_id, line, started, finished))
    outline = boundaries.to_crs(METRIC_CRS).set_index("settlement_id").geometry
    for settlement in points.itertuples():
        for category, count in POINT_ASSETS[settlement.kind].items():
            count = max(1, int(round(count * scale)))
            for point_xy in random_points_in(outline[settlement.settlement_id], count, rng):
                started, finished = _dates_for(settlement, data_date, rng, 420)
                records.append(
                    (
                        category,
                        settlement.settlement_id,
                        settlement.district_id,
                        shapely.Point(point_xy),
                        started,
                        finished,
                    )
                )
    records += _feeder_lines(points, xy, distances, records, water_dates)
    assets = gpd.GeoDataFrame(
        records,
        columns=["category", "settlement_id", "district_id", "geometry", "under_construction_date", "completed_date"],
        geometry="geometry",
        crs=METRIC_CRS,
    )
    is_line = assets.geom_type == "LineString"
    assets["length_km"] = np.where(is_line, (assets.length / 1000).round(2), np.nan)
    for column in ("under_construction_date", "completed_date"):
        assets[column] = pd.to_datetime(assets[column]).astype("datetime64[ms]")
    # running works: the share of a planned length elapsed, never shown as done before completion
    planned_end = assets["under_construction_date"] + pd.Timedelta(days=PLANNED_WORKS_DAYS)
    progress = ramp(assets["under_construction_date"], planned_end, data_date) * RUNNING_WORKS_MAX_PCT
    assets["progress_pct"] = np.where(assets["completed_date"].notna(), 100.0, np.round(progress, 1))
    assets["status"] = np.select(
        [assets["completed_date"].notna(), assets["under_construction_date"].notna()],
        ["completed", "under_construction"],
        "planned",
    )
    assets["asset_id"] = [f"demo-asset-{i + 1:06d}" for i in range(len(assets))]
    assets["source"] = f"{DEMO_SOURCE_PREFIX}: asset generated along the settlement network"
    return assets.to_crs(STORAGE_CRS)


def employment_projects(
    settlements: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame,
    returns: pd.DataFrame,
    figures: pd.DataFrame,
    data_date: pd.Timestamp,
    rng: np.random.Generator,
    scale: float = 1.0,
) -> gpd.GeoDataFrame:
    """Projects in settlements with returns, sized by the families returned; the jobs created
    are scaled so that the total meets the reported national figure on its date."""
    families = returns.groupby("settlement_id")["families"].sum()
    outline = boundaries.set_index("settlement_id").geometry
    rows = []
    for settlement in settlements[settlements["settlement_id"].isin(families.index)].itertuples():
        count = max(1, int(round(rng.integers(1, 4) * scale)))
        for point_xy in random_points_in(outline[settlement.settlement_id], count, rng):
            start = settlement.resettling_date + pd.Timedelta(days=int(rng.integers(-60, 240)))
            if start > data_date:
                continue
            active = start + pd.Timedelta(days=int(rng.integers(30, 150)))
            finished = active + pd.Timedelta(days=int(rng.integers(90, 300)))
            planned = max(5, int(families[settlement.settlement_id] * rng.uniform(0.9, 1.5) / count))
            rows.append(
                {
                    "settlement_id": settlement.settlement_id,
                    "sector": rng.choice(EMPLOYMENT_SECTORS),
                    "jobs_planned": planned,
                    "jobs_created": int(planned * rng.uniform(0.5, 1.0)),
                    "start_date": start,
                    "active_date": active if active <= data_date else pd.NaT,
                    "completed_date": finished if finished <= data_date else pd.NaT,
                    "geometry": shapely.Point(point_xy),
                }
            )
    projects = gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)
    for column in ("start_date", "active_date", "completed_date"):
        projects[column] = pd.to_datetime(projects[column]).astype("datetime64[ms]")
    reported = figures[(figures["metric"] == "jobs_created") & figures["district_id"].isna()].sort_values("date")
    if len(reported):
        target = reported.iloc[0]
        at_target = jobs_created(projects, target.date, data_date)
        if at_target > 0:
            factor = target.value / at_target
            projects["jobs_created"] = np.round(projects["jobs_created"] * factor).astype("int64")
            projects["jobs_planned"] = np.maximum(projects["jobs_planned"], projects["jobs_created"])
    projects["beneficiaries"] = np.round(projects["jobs_created"] * rng.uniform(2.5, 4.0, len(projects))).astype(
        "int64"
    )
    projects["status"] = np.select(
        [projects["completed_date"].notna(), projects["active_date"].notna()], ["completed", "active"], "planned"
    )
    projects["project_id"] = [f"demo-project-{i + 1:05d}" for i in range(len(projects))]
    projects["source"] = f"{DEMO_SOURCE_PREFIX}: project generated; jobs calibrated to the reported national total"
    return projects
