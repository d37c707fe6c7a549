"""Tiny hand-made layers with an explicit CRS, whose figures can be checked by hand."""

import pandas as pd

import geopandas as gpd
from shapely.geometry import LineString, Point, Polygon

DAY = pd.Timestamp


def dates(*values):
    return pd.to_datetime(list(values)).astype("datetime64[ms]")


def square(x, y, size=0.01):
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])


def tiny_layers() -> dict:
    districts = gpd.GeoDataFrame(
        {
            "district_id": ["AZ-LAC", "AZ-ZAN"],
            "name_az": ["Laçın", "Zəngilan"],
            "name_en": ["Lachin", "Zangilan"],
            "name_ru": ["Лачин", "Зангилан"],
            "economic_region": ["East Zangezur", "East Zangezur"],
            "source": "test",
        },
        geometry=[square(46.0, 39.0, 1.0), square(47.0, 39.0, 1.0)],
        crs="EPSG:4326",
    )
    settlements = gpd.GeoDataFrame(
        {
            "settlement_id": ["AZ-LAC-a", "AZ-ZAN-b"],
            "district_id": ["AZ-LAC", "AZ-ZAN"],
            "name_az": ["A", "B"],
            "name_en": ["A", "B"],
            "name_ru": ["А", None],
            "kind": ["village", "city"],
            "status": ["resettling", "planned"],
            "planned_households": [10, 100],
            "reconstruction_date": dates("2022-01-01", None),
            "ready_date": dates("2023-01-01", None),
            "resettling_date": dates("2023-02-01", None),
            "resettled_date": dates(None, None),
            "coord_source": "test",
            "coord_quality": ["source", "district_seat"],
            "source": "test",
        },
        geometry=[Point(46.5, 39.5), Point(47.5, 39.5)],
        crs="EPSG:4326",
    )
    boundaries = gpd.GeoDataFrame(
        {"settlement_id": ["AZ-LAC-a", "AZ-ZAN-b"], "source": "test"},
        geometry=[square(46.49, 39.49, 0.02), square(47.49, 39.49, 0.02)],
        crs="EPSG:4326",
    )
    returns = pd.DataFrame(
        {
            "event_id": ["e1", "e2", "e3"],
            "date": dates("2023-02-01", "2023-06-01", "2024-01-01"),
            "settlement_id": ["AZ-LAC-a"] * 3,
            "families": [2, 3, 1],
            "persons": [8, 12, 4],
            "source": ["https://a", "demonstration data: x", "https://c"],
        }
    )
    housing = gpd.GeoDataFrame(
        {
            "house_id": ["h1", "h2", "h3"],
            "settlement_id": ["AZ-LAC-a"] * 3,
            "units": [4, 2, 1],
            "status": ["occupied", "occupied", "completed"],
            "under_construction_date": dates("2022-01-01", "2022-01-01", "2022-06-01"),
            "completed_date": dates("2022-12-01", "2023-03-01", "2023-05-01"),
            "allocated_date": dates("2023-01-15", "2023-05-01", None),
            "occupied_date": dates("2023-02-01", "2023-06-01", None),
            "source": "demonstration data: x",
        },
        geometry=[Point(46.495, 39.495), Point(46.5, 39.5), Point(46.505, 39.505)],
        crs="EPSG:4326",
    )
    hazards = gpd.GeoDataFrame(
        {
            "hazard_id": ["z1", "z2", "z3"],
            "district_id": ["AZ-LAC", "AZ-LAC", "AZ-ZAN"],
            "kind": ["CHA", "CHA", "SHA"],
            "status": ["released", "in_clearance", "suspected"],
            "device_category": ["UXO", "anti-tank", "UXO"],
            "release_method": ["cleared", None, None],
            "area_ha": [100.0, 50.0, 200.0],
            "released_ha": [100.0, 20.0, 0.0],
            "items_found": [5, 1, 0],
            "suspected_date": dates("2021-01-01", "2021-01-01", "2021-01-01"),
            "confirmed_date": dates("2021-06-01", "2021-06-01", None),
            "in_clearance_date": dates("2022-01-01", "2023-01-01", None),
            "released_date": dates("2023-01-01", None, None),
            "source": "demonstration data: x",
        },
        # z1 touches settlement A's outline, z2 is ~1.5 km away, z3 is far off in Zangilan
        geometry=[square(46.51, 39.49, 0.01), square(46.52, 39.49, 0.01), square(47.8, 39.8, 0.05)],
        crs="EPSG:4326",
    )
    infrastructure = gpd.GeoDataFrame(
        {
            "asset_id": ["r1", "s1"],
            "settlement_id": ["AZ-LAC-a", "AZ-LAC-a"],
            "district_id": ["AZ-LAC", "AZ-LAC"],
            "category": ["road", "school"],
            "status": ["completed", "under_construction"],
            "progress_pct": [100.0, 50.0],
            "length_km": [3.0, None],
            "under_construction_date": dates("2022-01-01", "2023-01-01"),
            "completed_date": dates("2022-12-31", None),
            "source": "demonstration data: x",
        },
        geometry=[LineString([(46.4, 39.5), (46.5, 39.5)]), Point(46.5, 39.5)],
        crs="EPSG:4326",
    )
    projects = gpd.GeoDataFrame(
        {
            "project_id": ["p1"],
            "settlement_id": ["AZ-LAC-a"],
            "sector": ["agriculture"],
            "status": ["completed"],
            "jobs_planned": [12],
            "jobs_created": [10],
            "beneficiaries": [30],
            "start_date": dates("2023-01-01"),
            "active_date": dates("2023-03-01"),
            "completed_date": dates("2023-12-27"),
            "source": "demonstration data: x",
        },
        geometry=[Point(46.5, 39.5)],
        crs="EPSG:4326",
    )
    targets = pd.DataFrame(
        {
            "target_id": ["t1", "t2"],
            "metric": ["families", "families"],
            "value": [100.0, 40.0],
            "target_date": dates("2026-12-31", "2024-12-31"),
            "stated_date": dates("2022-11-16", "2024-03-15"),
            "district_id": [None, None],
            "note": None,
            "source": ["https://t1", "https://t2"],
        }
    )
    figures = pd.DataFrame(
        {
            "figure_id": ["f1"],
            "date": dates("2023-12-31"),
            "metric": ["families_returned"],
            "value": [5.0],
            "qualifier": ["exact"],
            "district_id": [None],
            "settlement_id": [None],
            "note": None,
            "source": ["https://f1"],
        }
    )
    return {
        "districts": districts,
        "settlements": settlements,
        "settlement_boundaries": boundaries,
        "returns": returns,
        "housing": housing,
        "hazard_areas": hazards,
        "infrastructure": infrastructure,
        "employment_projects": projects,
        "targets": targets,
        "reported_figures": figures,
    }
