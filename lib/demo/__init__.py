"""The seeded demonstration-data generator.

It fills only what no public source gives, around the real records: outlines of the real
settlements, houses inside them, roads and utility lines between them, hazard areas and their
release, the convoys missing between reported totals, employment projects and mine-risk
education sessions. Every generated record's ``source`` starts with "demonstration data". The same
seed and scale give identical output; ``scale`` multiplies the volume of houses, hazard polygons,
point assets and projects (not sessions: they follow the convoys).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

import geopandas as gpd

from lib.demo.education import mine_risk_education
from lib.demo.hazards import hazard_areas
from lib.demo.places import housing, settlement_boundaries, settlement_lifecycle
from lib.demo.returns import calibrate_returns, convoys_for_listed_settlements
from lib.demo.works import employment_projects, infrastructure

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class RealRecords:
    """The real inputs the generator builds around."""

    districts: gpd.GeoDataFrame
    settlements: gpd.GeoDataFrame
    convoys: pd.DataFrame
    figures: pd.DataFrame
    targets: pd.DataFrame

    @property
    def data_date(self) -> pd.Timestamp:
        """The last day covered: the latest reported convoy."""
        return self.convoys["date"].max()


def _weights(settlements: gpd.GeoDataFrame, figures: pd.DataFrame) -> pd.Series:
    """How much of a national gap each settlement takes (cities more than villages).

    Settlements with a reported number of houses take none: their houses bound their returns.
    """
    by_kind = {"city": 3.0, "town": 1.5, "village": 1.0}
    weights = settlements.set_index("settlement_id")["kind"].map(by_kind)
    housed = figures.loc[figures["metric"].str.startswith("houses_"), "settlement_id"].dropna()
    return weights.drop(index=housed, errors="ignore")


def build_demo(real: RealRecords, seed: int = 1, scale: float = 1.0, progress: Progress | None = None) -> dict:
    """Every layer of the data model, from the real records plus seeded demonstration data.

    Parameters
    ----------
    real : the districts and curated real records.
    seed : random seed; the same seed gives the same output.
    scale : volume multiplier for benchmarks (1, 10, 100).
    progress : called with a message and the share done (0..1), for progress bars.
    """
    report = progress or (lambda message, share: None)
    rng = np.random.default_rng(seed)
    data_date = real.data_date

    report("Filling the convoys between reported totals", 0.05)
    returns = calibrate_returns(real.convoys, real.figures, _weights(real.settlements, real.figures), rng)
    listed = pd.to_datetime(real.settlements.set_index("settlement_id")["returns_listed_date"])
    returns = convoys_for_listed_settlements(returns, listed, rng)
    report("Dating the settlements' reconstruction", 0.15)
    settlements = settlement_lifecycle(real.settlements, returns, real.figures, data_date, rng)
    report("Drawing settlement outlines", 0.2)
    boundaries = settlement_boundaries(settlements, real.districts, rng)
    report("Placing houses", 0.3)
    houses = housing(settlements, boundaries, returns, real.figures, data_date, rng, scale)
    report("Drawing hazard areas and their release", 0.5)
    hazards = hazard_areas(real.districts, boundaries, settlements, real.figures, data_date, rng, scale)
    report("Laying roads, lines and public buildings", 0.75)
    assets = infrastructure(settlements, boundaries, data_date, rng, scale)
    report("Adding employment projects", 0.85)
    projects = employment_projects(settlements, boundaries, returns, real.figures, data_date, rng, scale)
    report("Adding mine-risk education sessions", 0.95)
    education = mine_risk_education(settlements, returns, data_date, rng)
    report("Done", 1.0)
    return {
        "districts": real.districts,
        "settlements": settlements,
        "settlement_boundaries": boundaries,
        "housing": houses,
        "infrastructure": assets,
        "hazard_areas": hazards,
        "returns": returns,
        "employment_projects": projects,
        "mine_risk_education": education,
        "targets": real.targets,
        "reported_figures": real.figures,
    }
