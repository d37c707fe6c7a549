"""District and settlement profile: figures, settlements, timelines and the map zoomed to it."""

import streamlit as st

from lib import charts, exports, maps, progress, selection, widgets
from lib.cache import load_layers, page_context
from lib.i18n import place_names
from lib.map_view import show_map
from lib.tables import settlement_rows

# A district at a glance in a third of the page: past this many features a layer is shown as
# grid cells (the explorer shows the detail).
PROFILE_FEATURE_BUDGET = 1_500
PROFILE_LAYERS = ["settlement_boundaries", "returnees", "housing", "hazard_areas", "infrastructure"]
# the public reads no records: the settlements' outlines and the families returned to each, summed
PUBLIC_PROFILE_LAYERS = ["settlement_boundaries", "returnees"]

page = page_context()
filters, t, store, metadata = page.filters, page.t, page.store, page.metadata

page.heading("profile")

districts = load_layers(store, ["districts"])["districts"]
names = selection.names_by_id(districts, "district_id", t, filters.districts)
district_id, link_notes = widgets.linked_choice(
    t("profile.district"),
    names,
    "district",
    key=f"profile_district_{filters.language}",
    # no district asked for: the one most families have returned to
    default=progress.district_with_most_returns(page.totals(), filters.as_of, list(names)),
    on_change=widgets.forget_link_param("settlement"),  # a settlement of the district left behind
)
records = page.scope.reads_records
loaded = load_layers(
    store, progress.LAYERS_NEEDED if records else ["settlements", "settlement_boundaries"], [district_id]
)
settlement_id, settlement_notes = widgets.linked_choice(
    t("profile.settlement"),
    selection.names_by_id(loaded["settlements"], "settlement_id", t),
    "settlement",
    key=f"profile_settlement_{filters.language}",
    none_label=t("profile.whole_district"),
)
widgets.show_link_notes(link_notes + settlement_notes, t)

figures = page.profile_figures(district_id, settlement_id)
widgets.kpi_cards(figures["kpis"], t)
page.disclosure_note()

scope = selection.profile_scope(loaded, settlement_id)
data = selection.layers_as_of(scope, filters.as_of, summary=figures["summary"])
focus = selection.map_focus(districts, [district_id], data["settlement_boundaries"] if settlement_id else None)
shown = PROFILE_LAYERS if records else PUBLIC_PROFILE_LAYERS
map_column, table_column = st.columns([3, 2])
with map_column:
    # nothing here reports back to the page, so the layers go into the map itself: one render
    profile_map = maps.explorer_map(data, shown, districts, focus, t, **page.map_options)
    maps.explorer_layers(data, shown, None, t, PROFILE_FEATURE_BUDGET).add_to(profile_map)
    show_map(profile_map, key="profile_map", height=560)
with table_column:
    st.subheader(t("profile.settlements_table"))
    widgets.reader_table(settlement_rows(data["settlement_summary"], t), key="profile_settlements")

st.subheader(t("profile.timeline"))
summary = data["settlement_summary"]
widgets.chart_or_note(
    charts.settlement_timeline(summary, place_names(summary, t), filters.as_of, t)
    if charts.any_stage_reached(summary, filters.as_of)
    else None,
    t("profile.no_timeline"),
    key="profile_timeline",
)
st.subheader(t("profile.returns_title"))
widgets.chart_or_note(
    None if figures["returns"] is None else charts.returns_trajectory(figures["returns"], None, None, t),
    t(figures["no_returns"], threshold=page.threshold),
    key="profile_returns",
)

if records:
    widgets.download_button(
        t("profile.download_housing"),
        data["housing"],
        "housing",
        exports.file_stem("housing", [settlement_id or district_id], filters.as_of),
        key="profile_download_housing",
    )
