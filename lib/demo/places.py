"""Settlements' lifecycle, built-up boundaries and houses, generated around the real points."""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from lib.as_of import status_as_of
from lib.config import METRIC_CRS, STORAGE_CRS
from lib.demo.geometry import blob, random_dates, random_points_in
from lib.schema import DEMO_SOURCE_PREFIX

PROGRAMME_START = pd.Timestamp("2021-01-01")
HOUSEHOLDS_BY_KIND = {"city": (900, 2200), "town": (300, 700), "village": (120, 400)}
PLOT_M2_BY_KIND = {"city": 350, "town": 700, "village": 1100}  # built-up area per household
BLOCK_UNITS = (16, 48)  # apartment blocks in cities


def settlement_lifecycle(
    settlements: gpd.GeoDataFrame,
    returns: pd.DataFrame,
    figures: pd.DataFrame,
    data_date: pd.Timestamp,
    rng: np.random.Generator,
) -> gpd.GeoDataFrame:
    """Status dates and planned households of every settlement.

    Settlements with convoys start resettling on their first convoy, were ready some weeks
    before and rebuilt for one to two and a half years before that. Planned households cover
    the families returned and any reported number of houses. Others get a seeded stage of
    reconstruction.
    """
    out = settlements.copy()
    families = returns.groupby("settlement_id")["families"].sum()
    first_convoy = returns.groupby("settlement_id")["date"].min()
    houses = figures[figures["metric"].isin(["houses_planned", "houses_completed"])]
    reported_houses = houses.groupby("settlement_id")["value"].max()
    planned, reconstruction, ready, resettling = [], [], [], []
    for row in out.itertuples():
        low, high = HOUSEHOLDS_BY_KIND[row.kind]
        returned = int(families.get(row.settlement_id, 0))
        households = int(rng.integers(low, high))
        if returned:
            households = max(int(returned * rng.uniform(1.15, 1.6)), min(households, returned * 3))
        if row.settlement_id in reported_houses:
            households = int(reported_houses[row.settlement_id])
        households = max(households, returned)
        planned.append(households)
        if row.settlement_id in first_convoy:
            first = first_convoy[row.settlement_id]
            ready_day = first - pd.Timedelta(days=int(rng.integers(20, 90)))
            start = max(ready_day - pd.Timedelta(days=int(rng.integers(420, 900))), PROGRAMME_START)
            reconstruction.append(start)
            ready.append(ready_day)
            resettling.append(first)
        else:
            stage = rng.choice(["planned", "reconstruction", "ready"], p=[0.3, 0.5, 0.2])
            start = random_dates(PROGRAMME_START + pd.Timedelta(days=300), data_date - pd.Timedelta(days=200), rng)
            reconstruction.append(start if stage != "planned" else pd.NaT)
            ready.append(
                random_dates(start + pd.Timedelta(days=400), data_date, rng)
                if stage == "ready" and start + pd.Timedelta(days=400) < data_date
                else pd.NaT
            )
            resettling.append(pd.NaT)
    out["planned_households"] = planned
    out["reconstruction_date"] = pd.to_datetime(pd.Series(reconstruction, index=out.index))
    out["ready_date"] = pd.to_datetime(pd.Series(ready, index=out.index))
    out["resettling_date"] = pd.to_datetime(pd.Series(resettling, index=out.index))
    resettled = []
    for row in out.itertuples():
        convoys = returns[returns["settlement_id"] == row.settlement_id].sort_values("date")
        reached = convoys[convoys["families"].cumsum() >= row.planned_households]
        resettled.append(reached["date"].iloc[0] if len(reached) else pd.NaT)
    out["resettled_date"] = pd.to_datetime(pd.Series(resettled, index=out.index))
    out["status"] = status_as_of("settlements", out, data_date)
    out["source"] = (
        f"{DEMO_SOURCE_PREFIX}: status, dates and planned households generated; name and point from coord_source"
    )
    return out


def settlement_boundaries(
    settlements: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """A built-up polygon per settlement, sized by planned households, inside its district and
    not overlapping its neighbours (each is cut to the settlement's Voronoi cell)."""
    points = settlements.to_crs(METRIC_CRS)
    district_shapes = districts.to_crs(METRIC_CRS).set_index("district_id").geometry
    cells = shapely.voronoi_polygons(shapely.MultiPoint(list(points.geometry)), extend_to=None)
    cells = list(cells.geoms)
    cell_of = {}
    for index, point in zip(points.index, points.geometry):
        cell_of[index] = next(c for c in cells if c.contains(point))
    shapes = []
    for row in points.itertuples():
        radius = np.sqrt(row.planned_households * PLOT_M2_BY_KIND[row.kind] / np.pi) + 150
        shape = blob(row.geometry, radius, rng)
        shape = shape.intersection(cell_of[row.Index].buffer(-30)).intersection(district_shapes[row.district_id])
        if not shape.contains(row.geometry):
            shape = shape.union(row.geometry.buffer(60))
        shape = shapely.make_valid(shape)
        if shape.geom_type == "GeometryCollection":
            shape = max((g for g in shape.geoms if g.area > 0), key=lambda g: g.area)
        if shape.geom_type == "MultiPolygon":
            shape = (
                next(g for g in shape.geoms if g.contains(row.geometry))
                if any(g.contains(row.geometry) for g in shape.geoms)
                else max(shape.geoms, key=lambda g: g.area)
            )
        shapes.append(shape)
    boundaries = gpd.GeoDataFrame(
        {"settlement_id": points["settlement_id"].to_numpy(), "source": f"{DEMO_SOURCE_PREFIX}: generated outline"},
        geometry=shapes,
        crs=METRIC_CRS,
    )
    return boundaries.to_crs(STORAGE_CRS)


def _unit_sizes(kind: str, households: int, rng: np.random.Generator) -> list[int]:
    """Units per building: blocks for most of a city, single houses elsewhere."""
    sizes: list[int] = []
    remaining = households
    if kind == "city":
        while remaining > households * 0.3:
            block = int(min(rng.integers(*BLOCK_UNITS), remaining))
            sizes.append(block)
            remaining -= block
    sizes += [1] * remaining
    return sizes


def _construction_dates(frame, settlement, completed_figures, data_date, rng, multiple):
    """Start and completion of each building.

    Completion falls between the start of reconstruction and the settlement's readiness, and
    always before a building's allocation. Where the number of completed houses was reported,
    exactly that many are completed by the reported date and no more until the last report.
    """
    count = len(frame)
    nat = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ms]")
    if pd.isna(settlement.reconstruction_date):
        return nat, nat
    start = settlement.reconstruction_date
    finish_by = settlement.ready_date if pd.notna(settlement.ready_date) else data_date + pd.Timedelta(days=400)
    finish_by = max(finish_by, start + pd.Timedelta(days=240))
    completed = pd.Series(random_dates(start + pd.Timedelta(days=200), finish_by, rng, count), index=frame.index)
    if len(completed_figures):
        first_date, last_date = completed_figures["date"].min(), completed_figures["date"].max()
        reported = int(completed_figures["value"].min()) * multiple
        # allocated buildings first (they were finished before families moved in), then by date
        order = frame.assign(_done=completed).sort_values(["allocated_date", "_done"], na_position="last").index
        early, late = order[:reported], order[reported:]
        completed[early] = np.minimum(completed[early], first_date)
        after = last_date + pd.to_timedelta(rng.integers(1, 400, len(late)), unit="D")
        completed[late] = np.maximum(completed[late], after)
    latest_allowed = frame["allocated_date"] - pd.Timedelta(days=20)
    completed = completed.where(latest_allowed.isna() | (completed <= latest_allowed), latest_allowed)
    completed = completed.where(completed <= data_date)
    started = pd.Series(random_dates(start, start + pd.Timedelta(days=180), rng, count), index=frame.index)
    started = started.where(completed.isna() | (started <= completed), completed - pd.Timedelta(days=60))
    started = started.where(started <= data_date)
    return completed.astype("datetime64[ms]"), started.astype("datetime64[ms]")


def housing(
    settlements: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame,
    returns: pd.DataFrame,
    figures: pd.DataFrame,
    data_date: pd.Timestamp,
    rng: np.random.Generator,
    scale: float = 1.0,
) -> gpd.GeoDataFrame:
    """Houses and blocks inside each settlement boundary, occupied as convoys arrive.

    Every returned family gets a unit: buildings are filled in order, each allocated some weeks
    before its first family arrives and occupied on the day its last family moves in (a block
    being filled stays allocated). Reported numbers of completed houses hold on their
    dates. ``scale`` multiplies the buildings (for benchmarks); at scale 1 the units equal the
    planned households.
    """
    boundary_of = boundaries.set_index("settlement_id").geometry
    completed_figures = figures[figures["metric"] == "houses_completed"]
    frames = []
    for row in settlements.itertuples():
        sizes = _unit_sizes(row.kind, row.planned_households, rng) * max(1, int(round(scale)))
        count = len(sizes)
        xy = random_points_in(boundary_of[row.settlement_id], count, rng)
        frame = pd.DataFrame({"units": sizes, "x": xy[:, 0], "y": xy[:, 1]})
        frame["settlement_id"] = row.settlement_id
        occupied = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ms]")
        first_family = occupied.copy()
        convoys = returns[returns["settlement_id"] == row.settlement_id].sort_values("date")
        if len(convoys):
            # family k (0-based, in arrival order) moves into unit k; a building is allocated
            # before its first family comes and occupied once its last one has moved in, so
            # its units never count as occupied ahead of the families living there
            arrival = np.repeat(convoys["date"].to_numpy(), convoys["families"].to_numpy())
            last_unit = np.cumsum(sizes) - 1
            first_unit = last_unit - np.asarray(sizes) + 1
            begun, full = first_unit < len(arrival), last_unit < len(arrival)
            first_family[begun] = arrival[first_unit[begun]]
            occupied[full] = arrival[last_unit[full]]
        frame["occupied_date"] = occupied
        frame["allocated_date"] = first_family - pd.to_timedelta(rng.integers(14, 60, count), unit="D")
        completed, under_construction = _construction_dates(
            frame,
            row,
            completed_figures[completed_figures["settlement_id"] == row.settlement_id],
            data_date,
            rng,
            max(1, int(round(scale))),
        )
        frame["completed_date"] = completed
        frame["under_construction_date"] = under_construction
        frames.append(frame)
    houses = pd.concat(frames, ignore_index=True)
    houses["house_id"] = [f"demo-house-{i + 1:07d}" for i in range(len(houses))]
    for column in ("under_construction_date", "completed_date", "allocated_date", "occupied_date"):
        houses[column] = houses[column].astype("datetime64[ms]")
    houses["status"] = status_as_of("housing", houses, data_date)
    houses["source"] = f"{DEMO_SOURCE_PREFIX}: building generated inside the settlement outline"
    geometry = gpd.points_from_xy(houses.pop("x"), houses.pop("y"), crs=STORAGE_CRS)
    return gpd.GeoDataFrame(houses, geometry=geometry, crs=STORAGE_CRS)
