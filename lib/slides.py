"""The conference presentation's story: its slides in order, and the figures each one shows.

A presentation is projected to an audience, so it shows what the public may see whoever opened
it: families and persons as :mod:`lib.disclosure` makes them public; homes, hectares, jobs and
settlement counts as they are (nothing personal). Pure functions; the page is pages/presentation.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.daily_totals import DailyTotals
from lib.kpi import Kpi
from lib.presentation import first_url

# The story, in the order it is told: where the return stands against its target, the return
# over time on the map, then what makes it possible (land, homes, jobs), what comes next
# (readiness) and one district up close.
SLIDES = ("target", "timelapse", "land", "houses", "jobs", "readiness", "spotlight")

# The key figures (lib.progress.key_figures) each slide shows as large cards.
SLIDE_FIGURES = {
    "target": ("families_returned", "persons_returned", "settlements_resettling"),
    "land": ("hectares_released",),
    "houses": ("units_completed", "units_occupied"),
    "jobs": ("jobs_created",),
}


@dataclass(frozen=True)
class Trend:
    """A slide's measure over time, with the publicly reported values of the same measure."""

    measure: str  # a measure of lib.daily_totals (cumulative)
    reported: str  # its metric among the reported figures
    unit: str  # the message of its axis, ``unit.<unit>``


TRENDS = {
    "land": Trend("hectares_released", "hectares_cleared", "ha"),
    "houses": Trend("units_completed", "houses_completed", "units"),
    "jobs": Trend("jobs_created", "jobs_created", "jobs"),
}

# How long the timer keeps a slide on the screen, in seconds (the presenter picks one).
ADVANCE_SECONDS = (10, 20, 30, 60)


def slide_index(key: str | None) -> int:
    """The position of slide ``key`` (from a link); the first slide for an unknown or missing one."""
    return SLIDES.index(key) if key in SLIDES else 0


def moved(index: int, step: int) -> int:
    """The slide ``step`` places from ``index``, going round: after the last comes the first again
    (a timer left running in a hall plays the story in a loop)."""
    return (index + step) % len(SLIDES)


def slide_figures(kpis: list[Kpi], slide: str) -> list[Kpi]:
    """The key figures ``slide`` shows, in its order (those missing from ``kpis`` left out)."""
    by_key = {kpi.key: kpi for kpi in kpis}
    return [by_key[key] for key in SLIDE_FIGURES.get(slide, ()) if key in by_key]


def monthly_series(totals: DailyTotals, measure: str, groups, until) -> pd.DataFrame:
    """``measure`` summed over ``groups`` on the first day of each month from the first day of
    ``totals`` to ``until``, and on ``until`` itself (date, value): a line that ends on the day shown."""
    until = pd.Timestamp(until)
    days = pd.date_range(totals.first_day.to_period("M").to_timestamp(), until, freq="MS")
    days = days[days >= totals.first_day].append(pd.DatetimeIndex([until])).unique()
    values = [float(totals.total(day, groups)[measure]) for day in days]
    return pd.DataFrame({"date": days, "value": values})


def figure_sources(kpis: list[Kpi]) -> list[str]:
    """The sources the key figures cite: of the targets they are measured against and of the
    latest reported values beside them."""
    cited = [kpi.base.source for kpi in kpis if kpi.base is not None and kpi.base.source]
    return cited + [kpi.reported.source for kpi in kpis if kpi.reported is not None]


def source_sites(sources) -> dict[str, str]:
    """Each site that reports a figure of a slide (``en.trend.az``) with the address of its first
    report there: one short link per site in a footer."""
    sites: dict[str, str] = {}
    for url in (first_url(source) for source in sources if source):
        sites.setdefault(url.split("//", 1)[-1].split("/", 1)[0].removeprefix("www."), url)
    return sites
