"""How figures look, shared by maps and charts: palettes, status terms, symbol sizes, classes.

Colours are from the Okabe–Ito palette, which stays distinguishable with the common kinds of
colour-blindness; choropleths use ColorBrewer's YlGnBu, sequential and colour-blind safe.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

import mapclassify

from lib.schema import LAYERS

# Okabe, M. and Ito, K. (2008), Color Universal Design: eight colours told apart by everyone.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
NOT_STARTED = "#BBBBBB"  # planned: not yet begun, so no colour of its own
CONTEXT_COLOUR = "#9E9E9E"  # districts shown only for orientation; cells of an unknown status
CONTEXT_FILL = "#EEEEEE"
OUTLINE_COLOUR = "#333333"
SETTLEMENT_OUTLINE_COLOUR = "#999999"

REGION_COLOURS = {"Karabakh": OKABE_ITO["orange"], "East Zangezur": OKABE_ITO["blue"]}
SETTLEMENT_STATUS_COLOURS = {
    "planned": NOT_STARTED,
    "reconstruction": OKABE_ITO["yellow"],
    "ready": OKABE_ITO["sky_blue"],
    "resettling": OKABE_ITO["bluish_green"],
    "resettled": OKABE_ITO["reddish_purple"],
}
# Each layer's statuses in the order they happen, with their colours and vocabulary (message group).
STATUS_COLOURS = {
    "housing": {
        "planned": NOT_STARTED,
        "under_construction": OKABE_ITO["orange"],
        "completed": OKABE_ITO["sky_blue"],
        "allocated": OKABE_ITO["blue"],
        "occupied": OKABE_ITO["bluish_green"],
    },
    "infrastructure": {
        "planned": NOT_STARTED,
        "under_construction": OKABE_ITO["orange"],
        "completed": OKABE_ITO["bluish_green"],
    },
    "hazard_areas": {
        "suspected": OKABE_ITO["yellow"],
        "confirmed": OKABE_ITO["vermillion"],
        "in_clearance": OKABE_ITO["reddish_purple"],
        "released": OKABE_ITO["bluish_green"],
    },
    "employment_projects": {
        "planned": NOT_STARTED,
        "active": OKABE_ITO["blue"],
        "completed": OKABE_ITO["bluish_green"],
    },
}
# the message group that words each layer's statuses, as the schema declares it
STATUS_TERMS = {layer: LAYERS[layer].field("status").terms for layer in STATUS_COLOURS}

# ColorBrewer YlGnBu, five classes: sequential and colour-blind safe
SEQUENTIAL = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
NO_DATA = "#d9d9d9"


def circle_radius(families) -> np.ndarray:
    """Radius in pixels of a settlement's circle: its area grows with the families returned."""
    return 3 + 0.6 * np.sqrt(np.asarray(families, dtype="float64"))


def reference_families(largest: float) -> list[int]:
    """Up to three round family counts (1, 2, 5 times a power of ten) whose circles explain the
    sizes on a map whose largest settlement has ``largest`` families: the largest round count not
    above it, and about a quarter and a twentieth of that."""
    if not largest or largest < 1 or not np.isfinite(largest):
        return []
    round_counts = [m * 10**e for e in range(7) for m in (1, 2, 5)]
    top = max(c for c in round_counts if c <= largest)
    picked = {top} | {max(c for c in round_counts if c <= top / share) for share in (4, 20) if top / share >= 1}
    return sorted(picked)


@dataclass(frozen=True)
class Classes:
    """Values sorted into the classes of a choropleth.

    Attributes
    ----------
    index : class of each value, 0 lowest, -1 where the value is missing.
    lower, upper : the smallest and largest value in each class (what a legend shows).
    decimals : 0 when every value is a whole number (counts), else 1.
    """

    index: np.ndarray
    lower: list[float]
    upper: list[float]
    decimals: int

    @property
    def all_equal(self) -> bool:
        """Every value present is the same: nothing to compare, so no class stands out."""
        return len(self.upper) == 1

    @property
    def colours(self) -> list[str]:
        """The palette spread over the classes, the top class darkest; a single class is the lowest."""
        count = len(self.upper)
        if count <= 1:
            return SEQUENTIAL[:count]
        return [SEQUENTIAL[round(i * (len(SEQUENTIAL) - 1) / (count - 1))] for i in range(count)]

    def colour_of_each(self) -> list[str]:
        """The colour of each value's class (:data:`NO_DATA` where missing)."""
        palette = np.array([*self.colours, NO_DATA], dtype=object)
        return palette[self.index].tolist()  # index -1 picks NO_DATA

    def labels(self, number: Callable[[float, int], str]) -> list[str]:
        """Each class as "lowest – highest", or its one value; ``number(value, decimals)`` writes a number."""
        labels = []
        for low, high in zip(self.lower, self.upper):
            low_text, high_text = number(low, self.decimals), number(high, self.decimals)
            labels.append(low_text if low_text == high_text else f"{low_text} – {high_text}")
        return labels


def classify(values: pd.Series, classes: int = 5) -> Classes:
    """Sort ``values`` into at most ``classes`` classes for a choropleth.

    Fisher–Jenks natural breaks (mapclassify) when there are more distinct values than classes,
    otherwise one class per distinct value. Each class is labelled by the values it really holds,
    so whole numbers stay whole ("74 – 208") and classes never overlap.
    """
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    missing = np.isnan(numbers)
    present = numbers[~missing]
    if not len(present):
        return Classes(np.full(len(numbers), -1), [], [], 0)
    distinct = np.unique(present)
    if len(distinct) <= classes:
        bins = distinct
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "numba not installed": fine for a few dozen values
            bins = np.asarray(mapclassify.FisherJenks(present, k=classes).bins)
    found = np.searchsorted(bins, np.where(missing, np.inf, numbers), side="left")
    index = np.where(missing, -1, found)
    used = np.unique(index[~missing])  # natural breaks may leave a class empty: drop it
    index = np.where(missing, -1, np.searchsorted(used, index))
    lower = [float(present[index[~missing] == i].min()) for i in range(len(used))]
    upper = [float(present[index[~missing] == i].max()) for i in range(len(used))]
    decimals = 0 if np.array_equal(present, np.round(present)) else 1
    return Classes(index, lower, upper, decimals)


# The return conditions index's severity classes (lib.return_index), from green to vermillion:
# Okabe–Ito's colours in the order a reader takes for better to worse.
SEVERITY_COLOURS = {
    "low": OKABE_ITO["bluish_green"],
    "medium": OKABE_ITO["yellow"],
    "high": OKABE_ITO["orange"],
    "very_high": OKABE_ITO["vermillion"],
}
