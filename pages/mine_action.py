"""Mine action: hazardous land and its release (IMAS), what lies near unreleased land, and
mine-risk education, beside the nationally reported figures."""

import streamlit as st

from lib import access, hazard_maps, mine_action_view
from lib import mine_action_charts as charts
from lib import mine_action_tables as tables
from lib.cache import load_layers, page_context
from lib.i18n import place_names
from lib.level_of_detail import View
from lib.map_view import show_map
from lib.widgets import chart_or_note, kpi_cards, table_or_note

page = page_context()
filters, t, store = page.filters, page.t, page.store

page.heading("mine_action")
page.stop_unless(page.may(access.READ_RECORDS, filters.districts))

bases, figures = page.mine_action_bases(), page.mine_action_figures()
distance = page.settings.safety_distance_m
kpi_cards(figures["kpis"], t, per_row=3)  # long labels: five do not fit one row at 1366 px
st.caption(t("mine_action.demo_note"))
if not figures["every_return_area"]:
    st.info(t("mine_action.national_apart"))
with st.expander(t("mine_action.reported_title"), expanded=True):
    table_or_note(tables.reported_table(figures["reported"], t), t("mine_action.no_reports"))

districts = load_layers(store, ["districts"])["districts"]
district_names = place_names(districts, t).set_axis(districts["district_id"])
left, right = st.columns(2)
with left:
    st.subheader(t("mine_action.status_title"))
    chart_or_note(charts.status_by_device(figures["status_by_device"], t), t("mine_action.nothing"), key="ma_status")
    st.subheader(t("mine_action.release_title"))
    chart = charts.released_over_time(figures["released_over_time"], figures["reported_cleared"], t)
    chart_or_note(chart, t("mine_action.nothing"), key="ma_release")
with right:
    land = figures["land_by_district"]
    st.subheader(t("mine_action.district_title"))
    chart = charts.land_by_district(land, land["district_id"].map(district_names), t)
    chart_or_note(chart, t("mine_action.nothing"), key="ma_districts")
    st.subheader(t("mine_action.items_title"))
    chart_or_note(charts.items_found(figures["items_found"], t), t("mine_action.nothing"), key="ma_items")

st.subheader(t("mine_action.map_title"))
st.caption(t("mine_action.map_note", distance=t.number(distance)))


@st.fragment
def hazard_map():
    """The map: a move or zoom reruns only it (detail comes once zoomed in, as on the explorer)."""
    base = hazard_maps.base_map(bases["settlement_boundaries"], districts, filters.districts, t, **page.map_options)
    view = View.from_map_state(st.session_state.get("mine_action_map"))
    layers = hazard_maps.hazard_layers(page.mine_action_map_layers(), filters.as_of, distance, view, t)
    show_map(base, feature_group=layers, key="mine_action_map", returned_objects=["bounds", "zoom"], height=600)


hazard_map()

st.subheader(t("mine_action.safety_title"))
st.caption(t("mine_action.safety_note", distance=t.number(distance)))
mine_action_view.show_safety(figures, tables.settlement_names(bases["settlements"], t), distance, t)

st.subheader(t("mine_action.education_title"))
mine_action_view.show_education(figures, district_names, t)
