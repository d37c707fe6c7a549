"""The mine action page's Streamlit glue for its two longer parts: what lies near unreleased land
(the clearance priority and its tabs) and mine-risk education. The figures are
:mod:`lib.mine_action`'s and the words :mod:`lib.mine_action_tables`'s; here they are laid out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import mine_action_charts as charts
from lib import mine_action_tables as tables
from lib.i18n import Translator
from lib.widgets import chart_or_note, table_or_note

# The tabs of features near unreleased land: figures key, id field.
FEATURE_TABS = (("houses_near", "house_id"), ("assets_near", "asset_id"))


def show_safety(figures: dict, names: pd.Series, distance: float, t: Translator) -> None:
    """The settlements ranked for clearance with their reasoning, then one tab each for the
    ranking, the settlements near, and the houses and assets near (the nearest shown, with the total)."""
    metres = t.number(distance)
    none_near = t("mine_action.safety_none", distance=metres)  # in the first tab, when so
    st.markdown("\n".join(tables.priority_reasons(figures["priority"], names, distance, t)))
    tabs = st.tabs([t(f"mine_action.tab_{k}") for k in ("priority", "settlements", "houses", "assets")])
    with tabs[0]:
        table_or_note(tables.priority_table(figures["priority"], names, t), none_near, key="ma_priority")
    with tabs[1]:
        table_or_note(tables.near_table(figures["near"], names, t), none_near, key="ma_near")
    for tab, (layer, id_field) in zip(tabs[2:], FEATURE_TABS):
        with tab:
            if len(figures[layer]):
                shown, total = t.number(len(figures[layer])), t.number(figures[f"{layer}_total"])
                st.caption(t("mine_action.nearest_shown", shown=shown, total=total, distance=metres))
            note = t(f"mine_action.none_{layer}", distance=metres)
            table_or_note(tables.features_near_table(figures[layer], id_field, names, t), note, key=f"ma_{layer}")


def show_education(figures: dict, district_names: pd.Series, t: Translator) -> None:
    """Mine-risk education: the sessions held and people reached (the issue asks for both), over
    time and by district."""
    st.caption(t("mine_action.education_note"))
    held = figures["education_by_district"]
    if len(held):
        totals = {k: t.number(held[k].sum()) for k in ("sessions", "people_reached")}
        st.markdown(t("mine_action.education_totals", sessions=totals["sessions"], people=totals["people_reached"]))
    left, right = st.columns(2)
    with left:
        chart = charts.education_over_time(figures["education_over_time"], t)
        chart_or_note(chart, t("mine_action.no_sessions"), key="ma_education")
    with right:
        chart = charts.education_by_district(held, district_names, t)
        chart_or_note(chart, t("mine_action.no_sessions"), key="ma_education_districts")
