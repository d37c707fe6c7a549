"""The figures an export shows (the map image, the briefing), in the public view, without Streamlit.

Presentations and briefings are shown to audiences, so they show what the public may see,
whoever made them: families and persons as :mod:`lib.disclosure` makes them public (each
settlement's stepped series, a total the sum of its public parts, small counts marked "<5"), the
same way :func:`lib.cache.overview_figures` does for the public scope. Houses, hectares, jobs and
settlements are not personal and are shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib import disclosure, metrics, progress, selection
from lib.daily_totals import DailyTotals, daily_totals
from lib.kpi import Kpi
from lib.provenance import source_kind
from lib.schema import is_demonstration
from lib.slides import figure_sources

# Programme-wide reference tables: a district filter would drop their whole-programme rows.
WHOLE_LAYERS = ("targets", "reported_figures")
# The headline figures of a briefing, in the order they are listed.
HEADLINE_KEYS = (
    "families_returned",
    "persons_returned",
    "settlements_resettling",
    "units_completed",
    "hectares_released",
    "jobs_created",
)
# Not needed with their geometry: the figures count their dates and units (houses are most of the data).
WITHOUT_GEOMETRY = ("housing", "employment_projects", "returns", "infrastructure")


class UnknownDistrict(KeyError):
    """A district id that is not one of the return-area districts."""


def read_export_layers(store, version: int | None = None) -> tuple[dict[str, pd.DataFrame], str]:
    """The layers an export draws on (lib.progress.LAYERS_NEEDED) at ``version`` (the current
    one by default), and the data date, from a :class:`lib.store.VersionedStore`."""
    layers = {
        name: store.read_layer(name, version=version, geometry=name not in WITHOUT_GEOMETRY)
        for name in progress.LAYERS_NEEDED
    }
    return layers, str(store.metadata(version)["data_date"])


def return_area_districts(districts: pd.DataFrame) -> pd.DataFrame:
    """The return-area districts (those of an economic region), in the layer's order."""
    return districts[districts["economic_region"].notna()]


def checked_district(districts: pd.DataFrame, district_id: str | None) -> str | None:
    """``district_id`` when it is a return-area district (None: the programme).

    Raises
    ------
    UnknownDistrict
        Naming the id and the known ones.
    """
    known = return_area_districts(districts)
    if district_id is not None and district_id not in set(known["district_id"]):
        named = ", ".join(f"{code} ({name})" for code, name in zip(known["district_id"], known["name_en"]))
        raise UnknownDistrict(f"unknown district {district_id!r}; the return-area districts are {named}")
    return district_id


@dataclass(frozen=True)
class PublicTotals:
    """Daily totals exact and as the public sees them, per settlement and per district."""

    exact_by_settlement: DailyTotals
    public_by_settlement: DailyTotals
    exact_by_district: DailyTotals
    public_by_district: DailyTotals


def public_totals(layers: dict[str, pd.DataFrame], data_date, threshold: int) -> PublicTotals:
    """Every day's figures per settlement and district, exact and public (a district's public
    families are the sum of its settlements' public ones, as in lib.cache.public_totals_of)."""
    by_settlement = daily_totals(layers, data_date, by="settlement_id")
    public_by_settlement = disclosure.public_counts(by_settlement, threshold)
    owner = layers["settlements"].set_index("settlement_id")["district_id"].rename("district_id")
    return PublicTotals(
        by_settlement,
        public_by_settlement,
        daily_totals(layers, data_date, by="district_id"),
        disclosure.summed(public_by_settlement, owner),
    )


def public_settlements(settlements: pd.DataFrame, day, totals: PublicTotals, threshold: int) -> pd.DataFrame:
    """The settlements on ``day``: status, units, and families and persons as the public sees them
    (NaN with a mark in ``families_returned_shown`` where suppressed); keeps the geometry."""
    summary = metrics.settlement_summary(settlements, None, None, day, totals=totals.exact_by_settlement)
    return disclosure.public_places(
        summary, "settlement_id", totals.exact_by_settlement, totals.public_by_settlement, day, threshold
    )


@dataclass(frozen=True)
class ExportFigures:
    """What a briefing shows of the programme (``district_id`` None) or of one district on ``day``.

    Attributes
    ----------
    kpis : the headline figures (:data:`HEADLINE_KEYS`), families and persons public.
    returns : families returned at each month end (lib.disclosure.public_returns: ``families``,
        NaN where suppressed, with ``families_shown``).
    target : the target trajectory (date, value, source) for the programme; empty for a district.
    planned_households : the households planned in the settlements (a district's measure).
    works : at each month end, homes completed, hectares released and jobs created (not personal).
    settlements : the settlements on the day (:func:`public_settlements`).
    sources : the published sources of the figures, each URL once, in order of first use.
    demonstration : whether demonstration data enter the figures.
    """

    day: pd.Timestamp
    data_date: pd.Timestamp
    district_id: str | None
    district_ids: tuple[str, ...]
    kpis: list[Kpi]
    returns: pd.DataFrame
    target: pd.DataFrame
    planned_households: float
    works: pd.DataFrame
    settlements: pd.DataFrame
    sources: list[str]
    demonstration: bool
    totals: PublicTotals


def export_day(day, data_date) -> pd.Timestamp:
    """The day an export shows: ``day`` (default the data date), never after the data date."""
    data_date = pd.Timestamp(data_date)
    return data_date if day is None else min(pd.Timestamp(day), data_date)


def month_ends(first_day, day) -> pd.DatetimeIndex:
    """Every month end from ``first_day`` to ``day``, and ``day`` itself."""
    months = pd.date_range(pd.Timestamp(first_day), pd.Timestamp(day), freq="ME")
    return months.append(pd.DatetimeIndex([pd.Timestamp(day)])).unique()


def works_over_time(totals: DailyTotals, district_ids, day) -> pd.DataFrame:
    """Homes completed, hectares released and jobs created in ``district_ids`` at each month end."""
    days = month_ends(totals.first_day, day)
    rows = [totals.total(d, district_ids) for d in days]
    return pd.DataFrame(
        {
            "date": days,
            "units_completed": [round(r["units_completed"]) for r in rows],
            "hectares_released": [r["hectares_released"] for r in rows],
            "jobs_created": [round(r["jobs_created"]) for r in rows],
        }
    )


def published_sources(*frames: pd.DataFrame) -> list[str]:
    """Each published URL of the frames' ``source`` columns once (a cell may hold several,
    separated by " | "), in order of first appearance."""
    found: dict[str, None] = {}
    for frame in frames:
        if "source" not in frame.columns:
            continue
        for cell in frame["source"].dropna().unique():
            if source_kind(cell) != "published":
                continue
            for url in str(cell).split(" | "):
                found.setdefault(url.strip(), None)
    return list(found)


def export_figures(
    layers: dict[str, pd.DataFrame],
    data_date,
    district_id: str | None,
    day,
    threshold: int,
    totals: PublicTotals | None = None,
) -> ExportFigures:
    """The public figures of the programme (``district_id`` None: every return-area district) or
    of one district on ``day`` (default: the data date). ``totals`` (:func:`public_totals` of the
    same layers and threshold) spares building them again. Raises :class:`UnknownDistrict`."""
    checked_district(layers["districts"], district_id)
    day = export_day(day, data_date)
    ids = (district_id,) if district_id else tuple(return_area_districts(layers["districts"])["district_id"].tolist())
    chosen = selection.in_districts(layers, ids, keep_whole=WHOLE_LAYERS)
    totals = totals if totals is not None else public_totals(layers, data_date, threshold)
    kpis = progress.key_figures(
        chosen,
        day,
        day,
        data_date,
        all_districts=district_id is None,
        keys=HEADLINE_KEYS,
        totals=totals.exact_by_district,
    )
    exact = disclosure.combined(totals.exact_by_district, ids)
    public = disclosure.combined(totals.public_by_district, ids)
    kpis = disclosure.public_key_figures(kpis, exact, day, day, threshold, public=public)
    returns = disclosure.public_returns(
        progress.returns_over_time(chosen["returns"], day), exact, threshold, public=public
    )
    # targets are stated for all return areas together: a district is measured against its plan
    target = progress.target_trajectory(chosen["targets"])
    target = target if district_id is None else target.iloc[0:0]
    counted = [chosen[name] for name in ("returns", "housing", "hazard_areas", "employment_projects")]
    demonstration = any(frame["source"].map(is_demonstration).any() for frame in counted if len(frame))
    return ExportFigures(
        day=day,
        data_date=pd.Timestamp(data_date),
        district_id=district_id,
        district_ids=ids,
        kpis=kpis,
        returns=returns,
        target=target,
        planned_households=float(chosen["settlements"]["planned_households"].sum()),
        works=works_over_time(totals.exact_by_district, ids, day),
        settlements=public_settlements(chosen["settlements"], day, totals, threshold),
        # the headline figures' targets and reported values first (what the slides cite), then the records'
        sources=published_sources(pd.DataFrame({"source": figure_sources(kpis)}), *counted, target),
        demonstration=bool(demonstration),
        totals=totals,
    )
