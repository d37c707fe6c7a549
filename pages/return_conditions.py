"""Return conditions: the index per settlement (map, ranking, classes over time) and employment."""

import streamlit as st

from lib import access, conditions_charts, conditions_maps, employment, return_index
from lib.cache import district_choices, load_layers, page_context
from lib.diagnosis import JOBS_PER_FAMILY_MIN
from lib.i18n import place_names
from lib.map_view import show_map
from lib.widgets import analysis_notes, chart_or_note, reader_table

page = page_context()
filters, t, store = page.filters, page.t, page.store
distance = page.settings.safety_distance_m

page.heading("conditions")
page.stop_unless(page.may(access.READ_RECORDS, filters.districts))

figures = page.return_conditions_figures()
index = figures["index"]
settlements = load_layers(store, ["settlements"], filters.district_ids)["settlements"]
names = place_names(settlements, t).set_axis(settlements["settlement_id"])
districts = district_choices(store.key, store.version).set_index("district_id")[t.name_column]
if index.scores.empty:
    st.info(t("conditions.no_settlements"))
    st.stop()

st.header(t("conditions.index_heading"))
st.caption(t("conditions.method", distance=t.number(distance)))
drivers = return_index.drivers_in_words(index.drivers, t, distance)
all_districts = load_layers(store, ["districts"])["districts"]
places = conditions_maps.places_on_map(settlements, index.scores, drivers)
show_map(
    conditions_maps.conditions_map(all_districts, places, filters.districts, t, **page.map_options),
    key="conditions_map",
    height=560,
)
analysis_notes(settlements, t)

st.subheader(t("conditions.ranking"))
reader_table(return_index.ranking_table(index, names, districts, drivers, t), key="conditions_ranking", every_row=True)

st.subheader(t("conditions.why"))
ranked = return_index.worst_first(index)
chosen = st.selectbox(
    t("conditions.choose_settlement"),
    ranked,
    format_func=names.get,
    # other districts, other options: a widget of their own, which starts from the worst
    key=f"conditions_settlement_{filters.language}_{'-'.join(filters.districts)}",
)
one = return_index.drivers_of(index, chosen)
chart_or_note(
    conditions_charts.settlement_drivers(one, return_index.words_of(one, t, distance), t),
    t("conditions.nothing_adds"),
    key="conditions_why",
)

st.subheader(t("conditions.over_time"))
chart_or_note(
    conditions_charts.severity_over_time(figures["over_time"], t), t("conditions.no_history"), key="conditions_time"
)

st.header(t("employment.heading"))
st.subheader(t("employment.by_sector"))
chart_or_note(conditions_charts.jobs_by_sector(figures["sectors"], t), t("employment.no_projects"), key="jobs_sector")
if not figures["sectors"].empty:
    reader_table(employment.sector_table(figures["sectors"], t), key="jobs_sector_table")

st.subheader(t("employment.against_families"))
chart_or_note(
    conditions_charts.jobs_against_families(figures["jobs"], names, t),
    t("employment.no_families"),
    key="jobs_families",
)

minimum = t.number(JOBS_PER_FAMILY_MIN, 1)
st.subheader(t("employment.behind", jobs=minimum))
if figures["behind"].empty:
    st.success(t("employment.none_behind", jobs=minimum))
else:
    reader_table(employment.behind_table(figures["behind"], names, districts, t), key="jobs_behind")
