"""The readiness page's tables, worded for the reader (pure: a checklist in, a DataFrame of text out)."""

from __future__ import annotations

import pandas as pd

from lib.i18n import Translator, place_names
from lib.readiness import ITEMS

MET, MISSING, NO_RECORD = "✓", "✗", "∅"


def _names(checklist: pd.DataFrame, settlements: pd.DataFrame, t: Translator) -> pd.Series:
    """Each row's settlement name in the reader's language (the id where the settlement is unknown)."""
    names = pd.Series(place_names(settlements, t).to_numpy(), index=settlements["settlement_id"].to_numpy())
    return checklist["settlement_id"].map(names).fillna(checklist["settlement_id"])


def _lacking(row: dict, t: Translator) -> str | None:
    """What a settlement lacks, each item with the date it is expected or why there is none."""
    parts = []
    for item in row["lacking"]:
        name = t(f"readiness.item.{item}")
        if item in row["no_record"]:
            parts.append(t("readiness.no_record", item=name))
        elif pd.isna(row[f"{item}_expected"]):
            parts.append(t("readiness.no_date", item=name))
        else:
            parts.append(t("readiness.lacks_by", item=name, date=t.day(row[f"{item}_expected"])))
    return "; ".join(parts) or None


def _hazard(row: dict, t: Translator) -> str | None:
    if not row["hazard_count"]:
        return None
    return t(
        "readiness.hazard_near",
        count=t.number(row["hazard_count"]),
        ha=t.number(row["hazard_ha"], 1),
        nearest=t.number(row["nearest_m"]),
    )


def settlement_list(
    checklist: pd.DataFrame, settlements: pd.DataFrame, district_names: dict, distance_m: float, t: Translator
) -> pd.DataFrame:
    """The answer's list: each settlement in the checklist's order (ready, ready next month,
    blocked by mines, not ready), its state, free homes, what it lacks and when each missing item
    is expected (or that the data gives no date, or holds no record) and the unreleased hazard
    near it.

    ``district_names`` maps district_id to its name in the reader's language.
    """
    rows = checklist.to_dict("records")
    return pd.DataFrame(
        {
            t("readiness.col.settlement"): _names(checklist, settlements, t).to_numpy(),
            t("readiness.col.district"): checklist["district_id"].map(district_names).fillna(checklist["district_id"]),
            t("readiness.col.state"): [t(f"readiness.state.{s}") for s in checklist["state"]],
            t("readiness.col.free_homes"): [t.number(n) for n in checklist["free_homes"]],  # read, not sorted
            t("readiness.col.lacking"): [_lacking(r, t) for r in rows],
            t("readiness.col.hazard", distance=t.number(distance_m)): [_hazard(r, t) for r in rows],
        }
    )


def checklist_marks(checklist: pd.DataFrame, settlements: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """One row per settlement, one column per item: ✓ met, ✗ missing, ∅ missing without any record."""
    table = {
        t("readiness.col.settlement"): _names(checklist, settlements, t).to_numpy(),
        t("readiness.col.state"): [t(f"readiness.state.{s}") for s in checklist["state"]],
    }
    no_record = checklist["no_record"]
    for item in ITEMS:
        marks = checklist[f"{item}_met"].map({True: MET, False: MISSING})
        unrecorded = no_record.map(lambda items, item=item: item in items)
        table[t(f"readiness.item.{item}")] = marks.mask(unrecorded.to_numpy(dtype=bool), NO_RECORD).to_numpy()
    return pd.DataFrame(table)
