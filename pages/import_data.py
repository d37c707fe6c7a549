"""Import for the coordinators: their file checked, previewed and committed as a new data version;
the versions and the audit log for those who may read them, a restore for the data admin."""

import streamlit as st

from lib import access, import_view
from lib.cache import page_context
from lib.store import store_for_key

page = page_context()
t, actor = page.t, page.actor
store = store_for_key(page.store.key)
may_import = access.may_import(actor)
# leadership reads the versions and the audit log here, and imports nothing
page.heading("import" if may_import or actor.role == access.PUBLIC else "versions", dated=False, needs_districts=False)
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
