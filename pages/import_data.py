"""Import for the coordinators: their file checked, previewed and committed as a new data version."""

import streamlit as st

from lib import import_view
from lib.cache import load_layers, page_context
from lib.i18n import place_names
from lib.importing import IMPORT_MODES, IMPORTABLE_LAYERS
from lib.store import store_for_key

page = page_context()
t = page.t
store = store_for_key(page.store.key)
page.heading("import", dated=False, needs_districts=False)

import_view.show_flash()
importing, versions = st.tabs([t("import.tab_import"), t("import.tab_versions")])
with importing:
    left, right = st.columns([1, 1])
    layer = left.selectbox(
        t("import.layer"),
        [*IMPORTABLE_LAYERS, import_view.EVERY_NAMED_LAYER],
        format_func=lambda n: t("import.every_named_layer") if n == import_view.EVERY_NAMED_LAYER else t(f"layer.{n}"),
        key=f"import_layer_{t.language}",
    )
    mode = right.radio(
        t("import.mode"), IMPORT_MODES, format_func=lambda m: t(f"import.mode.{m}"), key=f"import_mode_{t.language}"
    )
    layers = load_layers(page.store, ["districts", "settlements"])
    districts = ()
    if mode == "replace":
        return_areas = layers["districts"][layers["districts"]["economic_region"].notna()]
        names = dict(zip(return_areas["district_id"], place_names(return_areas, t)))
        districts = tuple(
            st.multiselect(
                t("import.replace_districts"),
                list(names),
                format_func=names.get,
                key=f"import_districts_{t.language}",
                placeholder=t("common.choose"),
            )
        )
    upload = st.file_uploader(t("import.file"), help=t("import.file_help"), key="import_file")
    if upload is None:
        st.info(t("import.empty"))
    else:
        data = upload.getvalue()
        detected = st.expander(t("import.detected"), expanded=False)
        options = import_view.chosen_overrides(upload.name, data, t)
        apply = tuple(st.session_state.get("import_repairs", ()))
        previews = import_view.prepared_previews(store, layer, data, upload.name, options, mode, districts, apply, t)
        if not previews:
            st.warning(t("import.no_named_layer", layers=", ".join(IMPORTABLE_LAYERS)))
        else:
            with detected:
                import_view.show_overrides(previews[0], t)
            import_view.show_outcome(store, previews, apply, layers, t, page.tiles)
with versions:
    import_view.show_versions(store, page.store, t)
