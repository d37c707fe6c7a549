"""Great Return dashboard: the router (page config, shared sidebar, navigation)."""

import streamlit as st

from lib.boundaries import BoundariesUnavailable
from lib.cache import ensure_store
from lib.config import STATIC_DIR
from lib.map_assets import ensure_static_assets

st.set_page_config(page_title="Great Return", page_icon=":house:", layout="wide")

ensure_static_assets(STATIC_DIR)
try:
    ensure_store()
except BoundariesUnavailable as problem:
    st.error("The district boundaries are not available, so the data cannot be built.")
    st.code(str(problem), language=None)
    st.stop()

navigation = st.navigation(
    [st.Page("pages/return_areas.py", title="Return areas", icon=":material/map:", default=True)]
)
navigation.run()
