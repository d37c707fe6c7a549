"""Import for the coordinators: their file checked, previewed and committed as a new data version."""

import streamlit as st

from lib import import_view
from lib.cache import load_layers, page_context, version_history
from lib.i18n import place_names
from lib.importing import IMPORT_MODES, IMPORTABLE_LAYERS, commit_import
from lib.safe_text import escape_markdown
from lib.store import ConflictError, StoreBusy, store_for_key
from lib.widgets import reader_table

page = page_context()
t = page.t
store = store_for_key(page.store.key)
page.heading("import", dated=False, needs_districts=False)

importing, versions = st.tabs([t("import.tab_import"), t("import.tab_versions")])
with importing:
    left, right = st.columns([1, 1])
    layer = left.selectbox(
        t("import.layer"), IMPORTABLE_LAYERS, format_func=lambda n: t(f"layer.{n}"), key=f"import_layer_{t.language}"
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
        preview = import_view.prepared_preview(store, layer, data, upload.name, options, mode, districts, apply, t)
        with detected:
            import_view.show_overrides(preview, t)
        for notice in preview.notices:
            st.caption(escape_markdown(notice.describe(t)))
        if preview.problems:
            st.session_state["import_repairs"] = import_view.show_problems(preview, t)
            if st.session_state["import_repairs"] != apply:
                st.rerun()
        elif preview.changes_nothing:
            st.info(t("import.unchanged"))
        else:
            import_view.show_preview(preview, layers["districts"], layers["settlements"], t, page.tiles)
            note = st.text_input(t("import.note"), key="import_note")
            if st.button(t("import.commit"), type="primary", key="import_commit"):
                try:
                    version = commit_import(store, preview, note=note or None)
                except ConflictError:
                    st.warning(t("import.conflict"))
                except StoreBusy:
                    st.warning(t("import.busy"))
                else:
                    import_view.forget_preview()
                    st.success(t("import.written", version=version))
with versions:
    history, audit = version_history(page.store.key, page.store.version, t.language)
    st.subheader(t("import.history_title"))
    reader_table(history, key="import_history")
    st.subheader(t("import.audit_title"))
    reader_table(audit, key="import_audit")
    with st.form("import_restore"):
        numbers = history[t("history.version")].tolist() if len(history) else []
        chosen = st.selectbox(t("import.restore_version"), numbers[1:], key=f"import_restore_{t.language}")
        sure = st.checkbox(t("import.restore_confirm"))
        if st.form_submit_button(t("import.restore")) and chosen is not None:
            if not sure:
                st.warning(t("import.restore_unconfirmed"))
            else:
                try:
                    restored = store.restore(int(chosen), expected_version=page.store.version)
                except (ConflictError, StoreBusy):
                    st.warning(t("import.conflict"))
                else:
                    st.success(t("import.restored", version=int(chosen), new=restored))
    st.caption(t("import.restore_note"))
