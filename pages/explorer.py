"""Map explorer for coordinators: layers on and off, a click shows the record, the table and downloads."""

import streamlit as st

from lib import exports, maps, selection, styling
from lib.cache import load_layers, page_context
from lib.filters import choices_from_link
from lib.level_of_detail import View
from lib.map_view import show_map
from lib.tables import EMPTY, readable_table, record_table
from lib.widgets import download_button, download_buttons, show_link_notes

TABLE_ROWS = 5_000  # a browser table stays responsive; downloads carry every row

page = page_context()
filters, t, store, metadata = page.filters, page.t, page.store, page.metadata

st.title(t("explorer.title"))
page.stop_without_districts()

linked_layers, link_notes = choices_from_link(
    st.query_params.to_dict(), "layers", maps.EXPLORER_LAYERS, selection.DEFAULT_EXPLORER_LAYERS
)
show_link_notes(link_notes, t)
layers_on = st.multiselect(
    t("explorer.layers"),
    maps.EXPLORER_LAYERS,
    key=f"explorer_layers_{filters.language}",
    placeholder=t("common.choose"),
    default=linked_layers,
    format_func=lambda layer: t(f"layer.{layer}"),
)
st.query_params["layers"] = ",".join(layers_on)
loaded = load_layers(
    store, ["settlements", "settlement_boundaries", "returns", *selection.STATUS_LAYERS], filters.district_ids
)
data = selection.layers_as_of(loaded, filters.as_of, page.totals("settlement_id"))
with st.expander(t("explorer.statuses")):
    for layer in [layer for layer in selection.STATUS_LAYERS if layer in layers_on]:
        statuses = list(styling.STATUS_COLOURS[layer])
        kept = st.multiselect(
            t(f"layer.{layer}"),
            statuses,
            default=statuses,
            key=f"statuses_{layer}_{filters.language}",
            format_func=lambda s, layer=layer: t.term(styling.STATUS_TERMS[layer], s),
        )
        data[layer] = selection.keep_statuses(data[layer], kept)

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
            maps.explorer_map(data, layers_on, districts, focus, t, **page.basemap),
            feature_group=maps.explorer_layers(data, layers_on, view, t),
            key="explorer_map",
            returned_objects=["last_active_drawing", "bounds", "zoom"],
            height=640,
        )
    with record_column:
        st.subheader(t("explorer.record"))
        record = selection.record_of(data, (clicked or {}).get("last_active_drawing"))
        if record is None:
            st.info(t("explorer.click_hint"))
            return
        st.dataframe(
            record_table(record, t), hide_index=True, width="stretch", placeholder=EMPTY, key="explorer_record"
        )
        houses = selection.settlement_housing(data, record)
        if houses is not None:
            download_button(
                t.plural("explorer.download_settlement_housing", len(houses)),
                houses,
                "housing",
                exports.file_stem("housing", [record["settlement_id"]], filters.as_of),
                key="download_settlement_housing",
            )


map_and_record()

st.subheader(t("explorer.table"))
table_layers = [layer for layer in layers_on if layer != "returnees"] or ["settlement_boundaries"]
table_layer = st.selectbox(
    t("explorer.table_layer"),
    table_layers,
    key=f"explorer_table_layer_{filters.language}",
    format_func=lambda layer: t(f"layer.{layer}"),
)
table = selection.table_of(data, table_layer)
if table.empty:
    st.info(t("explorer.empty", layer=t(f"layer.{table_layer}")))
else:
    if len(table) > TABLE_ROWS:
        st.caption(t.plural("explorer.rows_shown", len(table), shown=t.number(TABLE_ROWS)))
    else:
        st.caption(t.plural("explorer.rows", len(table)))
    st.dataframe(
        readable_table(table.head(TABLE_ROWS), selection.schema_layer(table_layer), t),
        hide_index=True,
        width="stretch",
        placeholder=EMPTY,
        key="explorer_table",
    )
    download_buttons(
        table, table_layer, exports.file_stem(table_layer, filters.districts, filters.as_of), t, key="download"
    )
