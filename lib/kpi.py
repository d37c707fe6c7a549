"""A key figure: its value on a day, its change, what it is measured against and where it comes from.

One type for every figure shown as a card, on the overview, the profile and the return areas
page (lib.progress.key_figures, lib.metrics.headline_figures); lib.presentation words it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# What a figure can be measured against; each is worded by the message ``kpi_base.<kind>``.
BASE_KINDS = (
    "target",  # a stated programme target, with its date and source
    "planned_households",  # households planned in the settlements
    "planned_homes",  # dwelling units planned in the settlements
    "completed_homes",  # dwelling units completed
    "hazard_area",  # hectares of all hazard polygons, released or not
    "district_hazard_area",  # the same for the whole district of a settlement
    "jobs_planned",  # jobs the employment projects plan
    "settlements",  # settlements on record
    "works",  # infrastructure assets (the figure is their mean progress)
    "no_target",  # targets are stated for all return areas together only
)


@dataclass(frozen=True)
class Base:
    """What a figure is measured against: a target (with its date and source) or a total."""

    kind: str
    value: float | None = None
    date: pd.Timestamp | None = None
    source: str | None = None


@dataclass(frozen=True)
class Reported:
    """The latest publicly reported value of the same measure; ``label``: the message that words
    it (``{amount}``, ``{date}``), where a page must say what the report counts or covers."""

    value: float
    date: pd.Timestamp
    source: str
    label: str = "kpi.latest_reported"


@dataclass(frozen=True)
class Kpi:
    """A key figure on a day.

    Parameters
    ----------
    key : the measure (its label is the message ``kpi.<key>``).
    value : the figure on the day.
    unit : families, persons, settlements, units, ha, jobs or percent.
    demonstration : whether demonstration data enter the figure.
    previous : the figure on the comparison day ``since`` (None: no change is shown).
    base : what the figure is measured against (None: nothing).
    reported : the latest reported value of the measure, to show beside it.
    reported_share : share of the figure that comes from reported records (None: not worked out).
    shown : in the public view, what is shown in place of a suppressed value (lib.disclosure:
        "<5" or ``hidden``; the value is then NaN); None: the value is shown.
    change_shown : the same for the change since ``since``.
    """

    key: str
    value: float
    unit: str
    demonstration: bool
    previous: float | None = None
    since: pd.Timestamp | None = None
    base: Base | None = None
    reported: Reported | None = None
    reported_share: float | None = None
    shown: str | None = None
    change_shown: str | None = None

    @property
    def change(self) -> float | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def share(self) -> float | None:
        """The value as a share of its base (None for percentages, whose base is a count)."""
        if self.base is None or not self.base.value or self.unit == "percent" or self.shown:
            return None
        return self.value / self.base.value
