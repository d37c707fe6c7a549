"""Import for the coordinators: their file checked, previewed and committed as a new data version;
the versions and the audit log for those who may read them, a restore for the data admin."""

import streamlit as st

from lib import access, import_view
from lib.cache import page_context
from lib.store import store_for_key

page = page_context()
t, actor = page.t, page.actor
store = store_for_key(page.store.key)
page.heading("import", dated=False, needs_districts=False)
may_import = access.may_import(actor)
page.stop_unless(may_import or page.may(access.READ_HISTORY))

import_view.show_flash()
if may_import:
    importing, versions = st.tabs([t("import.tab_import"), t("import.tab_versions")])
    with importing:
        import_view.show_import(store, page)
else:
    versions = st.container()
with versions:
    import_view.show_versions(store, page.store, t, actor)
