"""Overview for the leadership: progress against targets, where, and what holds it back."""

import streamlit as st

from lib import charts, maps, progress, selection
from lib.cache import figure_sources, load_layers, page_context
from lib.i18n import place_names
from lib.map_view import show_map
from lib.presentation import describe_district, indicator_title
from lib.provenance import sources_table
from lib.widgets import chart_or_note, kpi_cards, reader_table

page = page_context()
filters, t, store, metadata = page.filters, page.t, page.store, page.metadata

page.heading("overview")

all_districts = load_layers(store, ["districts"])["districts"]
figures = page.overview_figures()
kpi_cards(figures["kpis"], t)
page.disclosure_note()
with st.expander(t("sources.title")):
    reader_table(sources_table(figure_sources(store.key, store.version, filters.districts), t))

table, summary = figures["table"], figures["summary"]
left, right = st.columns([3, 2])
with left:
    st.subheader(t("overview.map_title"))
    indicator = st.selectbox(
        t("overview.indicator"),
        list(progress.INDICATORS),
        key=f"overview_indicator_{filters.language}",
        format_func=lambda key: t(f"indicator.{key}"),
    )
    column, unit = progress.INDICATORS[indicator]
    title = indicator_title(indicator, unit, t)
    show_map(
        maps.progress_map(
            all_districts,
            table,
            column,
            title,
            summary,
            t,
            **page.map_options,
        ),
        key="overview_map",
        height=520,
    )
with right:
    st.subheader(t("overview.ranking_title"))
    chart_or_note(
        charts.district_ranking(table, column, place_names(table, t), t(unit), t),
        t("overview.nothing_to_rank", indicator=t(f"indicator.{indicator}")),
        key="overview_ranking",
    )

st.subheader(t("overview.trajectory_title"))
st.plotly_chart(
    charts.returns_trajectory(figures["series"], figures["trajectory"], figures["reported"], t),
    width="stretch",
    key="overview_trajectory",
)
st.caption(t("overview.trajectory_note"))

st.subheader(t("overview.blockers_title"))
names = {**selection.names_by_id(table, "district_id", t), **selection.names_by_id(summary, "settlement_id", t)}
if not figures["findings"]:
    st.success(t("blocker.none"))
st.markdown("\n".join(f"- {describe_district(entry, names, t)}" for entry in figures["findings"]))
st.caption(t("overview.demo_note"))
