"""Map explorer for coordinators: layers on and off, a click shows the record, the table and downloads."""

import streamlit as st

from lib import access, exports, maps, selection
from lib.cache import load_layers, page_context
from lib.level_of_detail import View
from lib.map_view import show_map
from lib.widgets import layer_table, linked_choices, record_panel, show_link_notes, status_choosers

TABLE_ROWS = 5_000  # a browser table stays responsive; downloads carry every row

page = page_context()
filters, t, store, metadata = page.filters, page.t, page.store, page.metadata

page.heading("explorer", dated=False)
page.stop_unless(page.may(access.READ_RECORDS, page.filters.districts))

layer_names = {layer: t(f"layer.{layer}") for layer in maps.EXPLORER_LAYERS}
layers_on, link_notes = linked_choices(
    t("explorer.layers"),
    layer_names,
    "layers",
    t,
    key=f"explorer_layers_{filters.language}",
    default=selection.DEFAULT_EXPLORER_LAYERS,
)
show_link_notes(link_notes, t)
loaded = load_layers(
    store, ["settlements", "settlement_boundaries", "returns", *selection.STATUS_LAYERS], filters.district_ids
)
shown_statuses = status_choosers(
    [layer for layer in selection.STATUS_LAYERS if layer in layers_on], t, key=f"statuses_{filters.language}"
)
data = selection.keep_statuses(
    selection.layers_as_of(loaded, filters.as_of, page.totals("settlement_id")), shown_statuses
)

districts = load_layers(store, ["districts"])["districts"]
focus = selection.map_focus(districts, filters.districts)


@st.fragment
def map_and_record():
    """The map and the clicked record. A fragment: what the map reports (a click, its view) reruns
    only this part, not the page's tables and downloads. The base map stays the same; only the
    dense layers and the legend are sent again, and only once zoomed in far enough that the view's
    detail counts or when the layers on change."""
    view = View.from_map_state(st.session_state.get("explorer_map"))
    map_column, record_column = st.columns([3, 1])
    with map_column:
        clicked = show_map(
            maps.explorer_map(data, layers_on, districts, focus, t, **page.map_options),
            feature_group=maps.explorer_layers(data, layers_on, view, t),
            key="explorer_map",
            returned_objects=["last_active_drawing", "bounds", "zoom"],
            height=640,
        )
    with record_column:
        record = selection.record_of(data, (clicked or {}).get("last_active_drawing"))
        record_panel(record, selection.settlement_housing(data, record), filters.as_of, t)


map_and_record()

st.subheader(t("explorer.table"))
table_layers = {layer: layer_names[layer] for layer in layers_on if layer != "returnees"}
table_layer = st.selectbox(
    t("explorer.table_layer"),
    list(table_layers) or ["settlement_boundaries"],
    key=f"explorer_table_layer_{filters.language}",
    format_func=layer_names.get,
)
layer_table(
    selection.table_of(data, table_layer),
    table_layer,
    exports.file_stem(table_layer, filters.districts, filters.as_of),
    t,
    key="explorer_table",
    rows=TABLE_ROWS,
)
