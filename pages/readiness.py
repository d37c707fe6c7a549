"""Next convoy: which settlements can take families next month, which are blocked by mines, and
what each of the others lacks and when it is expected."""

import streamlit as st

from lib import access, readiness, readiness_charts, readiness_maps, readiness_tables, selection, widgets
from lib.cache import load_layers, page_context
from lib.diagnosis import JOBS_PER_FAMILY_MIN
from lib.map_view import show_map

page = page_context()
filters, t, store = page.filters, page.t, page.store

page.heading("readiness")
page.stop_unless(page.may(access.READ_RECORDS, filters.districts))

figures = page.readiness_figures()
checklist = figures["checklist"]
loaded = load_layers(store, ["settlements", "settlement_boundaries"], filters.district_ids)
settlements = loaded["settlements"]
districts = load_layers(store, ["districts"])["districts"]
distance = page.settings.safety_distance_m

# the answer first: how many settlements can take families, now and next month, and how many mines block
counts = readiness.counts_by_state(checklist)
for column, (state, count) in zip(st.columns(len(counts)), counts.items()):
    column.metric(t(f"readiness.state.{state}"), t.number(count))
st.caption(t("readiness.horizon", date=t.day(readiness.horizon(filters.as_of)), distance=t.number(distance)))

district_names = dict(zip(filters.districts, page.district_names(filters.districts)))
rows = readiness_tables.settlement_list(checklist, settlements, district_names, distance, t)
show_map(
    readiness_maps.readiness_map(
        checklist,
        rows[t("readiness.col.lacking")],
        settlements,
        loaded["settlement_boundaries"],
        districts,
        selection.map_focus(districts, filters.districts, loaded["settlement_boundaries"]),
        t,
        **page.map_options,
    ),
    key="readiness_map",
    height=520,
)
widgets.analysis_notes(settlements, t)
st.subheader(t("readiness.list"))
widths = {t("readiness.col.state"): "medium", t("readiness.col.lacking"): "large"}
widgets.reader_table(rows, key="readiness_list", widths=widths, every_row=True)
st.caption(
    t(
        "readiness.method",
        days=readiness.NEXT_MONTH_DAYS,
        distance=t.number(distance),
        jobs=t.number(JOBS_PER_FAMILY_MIN, 1),
    )
)

st.subheader(t("readiness.checklist"))
st.caption(t("readiness.checklist_note"))
widgets.reader_table(readiness_tables.checklist_marks(checklist, settlements, t), key="readiness_checklist")

st.subheader(t("readiness.pipeline"))
widgets.chart_or_note(
    readiness_charts.housing_pipeline(figures["pipeline"], selection.names_by_id(settlements, "settlement_id", t), t),
    t("readiness.no_pipeline"),
    key="readiness_pipeline",
)
st.subheader(t("readiness.infrastructure"))
widgets.chart_or_note(
    readiness_charts.infrastructure_completion(figures["infrastructure"], t),
    t("readiness.no_infrastructure"),
    key="readiness_infrastructure",
)
