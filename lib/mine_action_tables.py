"""The mine action page's tables and sentences in the reader's language (pure): the national
reports beside the data, the settlements near unreleased hazard areas, their clearance priority
with its reasoning, and the houses and assets within the safety distance.

Numbers keep their type (a table still sorts); headings and vocabulary are the catalogues'.
"""

from __future__ import annotations

import pandas as pd

from lib.i18n import Translator, place_names
from lib.safe_text import escape_markdown

PRIORITY_SHOWN = 10  # settlements whose reasoning is written out; the table lists every one
NEAR_ROWS = 1_000  # houses or assets listed, nearest first (the rest are counted per settlement)


def _named(frame: pd.DataFrame, names: pd.Series, column: str = "settlement_id") -> pd.Series:
    ids = frame[column].astype(str)  # the proximity periods hold them as categories
    return ids.map(names).fillna(ids)


def settlement_names(settlements: pd.DataFrame, t: Translator) -> pd.Series:
    """Settlement names in the reader's language by settlement_id."""
    return pd.Series(place_names(settlements, t).to_numpy(), index=settlements["settlement_id"].to_numpy())


def reported_table(reported: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """The national reports (:func:`lib.mine_action.reported_beside_data`) with the data's figure
    beside each (a dash where the data do not record the measure) and the source's address."""
    return pd.DataFrame(
        {
            t("mine_action.col_figure"): [t.term("figure_metric", m) for m in reported["metric"]],
            t("mine_action.col_reported_on"): [t.day(d) for d in reported["date"]],
            t("mine_action.col_reported"): reported["value"].to_numpy(),
            t("field.qualifier"): [t.term("qualifier", q) for q in reported["qualifier"]],
            t("mine_action.col_in_data"): reported["data_value"].round(0).to_numpy(),
            t("field.source"): reported["source"].to_numpy(),
        }
    )


def near_table(near: pd.DataFrame, names: pd.Series, t: Translator) -> pd.DataFrame:
    """Per settlement (:func:`lib.proximity.near_per_settlement`): unreleased polygons and hectares
    within the distance of its outline, the nearest one, and its houses and assets near one."""
    shown = near.sort_values(["houses_near", "hazard_ha"], ascending=False)
    return pd.DataFrame(
        {
            t("mine_action.col_settlement"): _named(shown, names).to_numpy(),
            t("mine_action.col_hazard_count"): shown["hazard_count"].to_numpy(),
            t("mine_action.col_hazard_ha"): shown["hazard_ha"].round(1).to_numpy(),
            t("mine_action.col_nearest_m"): shown["nearest_m"].round(0).to_numpy(),
            t("mine_action.col_houses_near"): shown["houses_near"].to_numpy(),
            t("mine_action.col_assets_near"): shown["assets_near"].to_numpy(),
        }
    )


def priority_table(priority: pd.DataFrame, names: pd.Series, t: Translator) -> pd.DataFrame:
    """The clearance priority (:func:`lib.proximity.clearance_priority`), rank first."""
    return pd.DataFrame(
        {
            t("mine_action.col_rank"): priority["rank"].to_numpy(),
            t("mine_action.col_settlement"): _named(priority, names).to_numpy(),
            t("field.planned_households"): priority["planned_households"].to_numpy(),
            t("mine_action.col_hazard_ha"): priority["hazard_ha"].round(1).to_numpy(),
            t("mine_action.col_nearest_m"): priority["nearest_m"].round(0).to_numpy(),
            t("mine_action.col_houses_near"): priority["houses_near"].to_numpy(),
            t("mine_action.col_score"): priority["score"].round(0).to_numpy(),
        }
    )


def priority_reasons(priority: pd.DataFrame, names: pd.Series, distance_m: float, t: Translator) -> list[str]:
    """Markdown, one line per settlement of the first :data:`PRIORITY_SHOWN`: why it ranks where it
    does ("N planned households × X ha, the whole area of the unreleased hazard areas that come
    within 500 m": a polygon counts whole, so its hectares are not said to lie within the distance)."""
    lines = []
    for row in priority.head(PRIORITY_SHOWN).itertuples():
        reason = t(
            "mine_action.priority_reason",
            households=t.number(row.planned_households),
            hectares=t.number(row.hazard_ha, 1),
            distance=t.number(distance_m),
            count=t.number(row.hazard_count),
            nearest=t.number(row.nearest_m),
            houses=t.number(row.houses_near),
        )
        lines.append(
            f"{row.rank}. **{escape_markdown(str(names.get(row.settlement_id, row.settlement_id)))}**: {reason}"
        )
    return lines


def features_near_table(near: pd.DataFrame, id_field: str, names: pd.Series, t: Translator) -> pd.DataFrame:
    """Houses or assets near unreleased hazard polygons on a day (periods of
    :func:`lib.proximity.near_intervals` that hold it), the :data:`NEAR_ROWS` nearest."""
    shown = near.nsmallest(NEAR_ROWS, "nearest_m")
    return pd.DataFrame(
        {
            t(f"field.{id_field}"): shown[id_field].astype(str).to_numpy(),
            t("mine_action.col_settlement"): _named(shown, names).astype(str).to_numpy(),
            t("mine_action.col_nearest_m"): shown["nearest_m"].round(0).to_numpy(),
        }
    )
