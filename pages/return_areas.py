"""Return areas: headline figures and the map of districts and settlements."""

from datetime import date

import streamlit as st

from streamlit_folium import st_folium

from lib import labels, maps, metrics
from lib.cache import ensure_store, load_layers, load_metadata
from lib.config import get_settings

settings = get_settings()
store = ensure_store()
metadata = load_metadata(str(store.path), store.data_version())
data_date = metadata["data_date"]

st.title("The Great Return: return areas")
as_of = st.sidebar.date_input(
    "As of",
    value=date.fromisoformat(data_date),
    key="as_of",
    help=f"The data covers events up to {labels.day(data_date)}.",
)

layers = load_layers(
    store, ["districts", "settlements", "returns", "housing", "hazard_areas", "employment_projects", "reported_figures"]
)

columns = st.columns(5)
for column, headline in zip(columns, metrics.headline_figures(layers, as_of, data_date)):
    column.metric(labels.HEADLINE_LABELS[headline.key], labels.number(headline.value))
    column.caption(labels.headline_caption(headline))

summary = metrics.settlement_summary(layers["settlements"], layers["returns"], layers["housing"], as_of)
return_map = maps.return_areas_map(
    layers["districts"], summary, tiles_url=settings.tiles_url, tiles_attribution=settings.tiles_attribution
)
st_folium(return_map, key="return_areas_map", returned_objects=[], use_container_width=True, height=620)

with st.expander("Data sources and licences"):
    st.dataframe(labels.sources_table(metadata), hide_index=True, use_container_width=True)
    st.caption(
        f"Data version {metadata['data_version']}, built {metadata['built_at']} "
        f"(demonstration seed {metadata['demo_seed']}, scale {metadata['demo_scale']:g})."
    )
