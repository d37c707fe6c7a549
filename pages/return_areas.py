"""Return areas: headline figures and the map of districts and settlements."""

import streamlit as st

from lib import maps
from lib.cache import load_layers, page_context
from lib.map_view import show_map
from lib.tables import sources_table
from lib.widgets import kpi_cards, reader_table

page = page_context()
filters, t, store, metadata = page.filters, page.t, page.store, page.metadata

page.heading("return_areas", dated=False)
all_districts = load_layers(store, ["districts"])["districts"]
figures = page.return_areas_figures()
kpi_cards(figures["headlines"], t, per_row=3)  # five long labels do not fit one row at 1366 px
page.disclosure_note()

return_map = maps.return_areas_map(all_districts, figures["summary"], t, **page.map_options)
show_map(return_map, key="return_areas_map", height=620)

with st.expander(t("sources.title")):
    reader_table(sources_table(metadata, t))
    st.caption(
        t(
            "sources.version",
            version=metadata["data_version"],
            built=t.day(metadata["built_at"]),
            seed=metadata["demo_seed"],
            scale=metadata["demo_scale"],
        )
    )
