"""Great Return dashboard: the router (page config, shared sidebar, navigation).

The sidebar's filters live in the URL (lib/filters.py): they are read from the query parameters
on the first run of a session and written back on every run, so any view is a link and the
filters survive switching pages. Pages read them from ``st.session_state["filters"]``.
"""

from datetime import date

import streamlit as st

from lib import access
from lib.boundaries import BoundariesUnavailable
from lib.cache import district_choices, ensure_store, load_metadata
from lib.config import STATIC_DIR
from lib.filters import (
    EARLIEST_DAY,
    FILTER_PARAMS,
    Filters,
    default_filters,
    earlier_comparison_day,
    filters_from_query,
    filters_to_query,
)
from lib.i18n import DATE_FORMATS, DEFAULT_LANGUAGE, LANGUAGES, Translator
from lib.map_assets import ensure_static_assets
from lib.search_box import place_search_box
from lib.sign_in import current_actor, signed_in_actor
from lib.store import StoreNotReady
from lib.widgets import show_link_notes, words_of_streamlit

st.set_page_config(page_title="Great Return", page_icon=":house:", layout="wide")
ensure_static_assets(STATIC_DIR)

try:
    store = ensure_store()
except BoundariesUnavailable as problem:
    st.error(Translator()("app.boundaries_missing"))
    st.code(str(problem), language=None)
    st.stop()
except StoreNotReady as problem:  # no data yet, an unreachable database, a layout this version cannot read
    language = st.query_params.get("lang")
    st.error(Translator(language if language in LANGUAGES else DEFAULT_LANGUAGE)("app.store_not_ready"))
    st.code(str(problem), language=None)
    st.stop()

metadata = load_metadata(store.key, store.version)
data_date = date.fromisoformat(metadata["data_date"])
# who this session is: signed in (by the sign-in box's callbacks before this run, or by the cookie
# of an earlier sign-in), or the public
actor = current_actor()
choices = district_choices(store.key, store.version)
# a coordinator's sidebar offers their own districts (the store refuses the others' records anyway)
choices = choices[choices["district_id"].isin(access.visible_districts(actor, choices["district_id"]))]
defaults = default_filters(list(choices["district_id"]), data_date)

# The URL is the source of truth for any filter not chosen in this session yet (first run, a link).
# Chosen values are kept under filter_* keys, apart from the widgets: a widget whose labels change
# with the language is a new widget, so each language gets its own widget keys (suffix) and starts
# from the kept value.
start = filters_from_query(st.query_params.to_dict(), defaults, set(choices["district_id"]))
state = st.session_state
# Signing in or out may change the districts offered (a coordinator's own): the choices kept for
# the others give way to this actor's defaults, in widgets of their own (a widget keeps its value
# in the browser, which the new options may not hold).
if state.get("filter_offered", "unset") != actor.districts:
    for kept in [key for key in state if key.startswith("filter_districts_")]:
        del state[kept]
    state["filter_offered"] = actor.districts
offered = "" if actor.districts is None else "_" + "-".join(actor.districts)
state.setdefault("filter_language", start.language)
state.setdefault("filter_as_of", start.as_of)
state.setdefault("filter_since", start.since)
state.setdefault("link_notes", start.notes)
regions = dict(list(choices.groupby("economic_region", sort=False)))  # Karabakh first, as choices are
for region, group in regions.items():
    in_region = set(group["district_id"])
    state.setdefault(f"filter_districts_{region}", [d for d in start.districts if d in in_region])


def keep_since_before_as_of(language: str) -> None:
    """Changes are measured from an earlier day: when the two date fields cross, the comparison
    day moves to a year before the "as of" day (a callback, so the field shows the day used)."""
    as_of, since = state.get(f"as_of_{language}"), state.get(f"since_{language}")
    if as_of and since and since > as_of:
        state[f"since_{language}"] = earlier_comparison_day(as_of)


with st.sidebar:
    language = st.selectbox(
        "Dil · Language · Язык",
        list(LANGUAGES),
        index=list(LANGUAGES).index(state["filter_language"]),
        format_func=LANGUAGES.get,
        key="language",
    )
    state["filter_language"] = language
    t = Translator(language)
    words_of_streamlit(t)
    # the box (or who is signed in); its callbacks run before the next run, which starts as the new actor
    signed_in_actor(t, dict(zip(choices["district_id"], choices[t.name_column])))
    place_search_box(store, t, actor)
    st.markdown(f"**{t('sidebar.districts')}**")
    selected: list[str] = []
    for region, group in regions.items():
        names = dict(zip(group["district_id"], group[t.name_column]))
        chosen = st.multiselect(
            t.term("region", region),
            list(names),
            default=state[f"filter_districts_{region}"],
            format_func=names.get,
            key=f"districts_{region}_{language}{offered}",
            placeholder=t("common.choose"),
        )
        state[f"filter_districts_{region}"] = chosen
        selected += chosen
    for day in ("as_of", "since"):
        state[f"filter_{day}"] = st.date_input(
            t(f"sidebar.{day}"),
            # a day kept from before the data changed (an earlier version restored) may lie beyond it
            value=min(max(state[f"filter_{day}"], EARLIEST_DAY), data_date),
            min_value=EARLIEST_DAY,
            max_value=data_date,
            format=DATE_FORMATS[language],
            key=f"{day}_{language}",
            help=t(f"sidebar.{day}_help", date=t.day(data_date)),
            on_change=keep_since_before_as_of,
            args=(language,),
        )

filters = Filters(tuple(sorted(selected)), state["filter_as_of"], state["filter_since"], language)
state["filters"] = filters
# keys the pages own (e.g. the profile's district) stay; the shared ones are rewritten
page_params = {k: v for k, v in st.query_params.to_dict().items() if k not in FILTER_PARAMS}
st.query_params.from_dict({**filters_to_query(filters, defaults), **page_params})
# what the link asked for and could not be shown as written (kept for the session: it arrived once)
show_link_notes(state["link_notes"], t)

# .streamlit/config.toml hides the file list a deep link shows before this router first ran;
# the router's own menu is shown (the option covers both).
st.set_option("client.showSidebarNavigation", True)
# Every page is registered for everyone, so that a link to the explorer opened before signing in
# keeps its page and filters: the page says what it needs (each page and the store check the actor).
navigation = st.navigation(
    [
        st.Page("pages/overview.py", title=t("page.overview"), icon=":material/dashboard:", default=True),
        st.Page("pages/readiness.py", title=t("page.readiness"), icon=":material/checklist:"),
        st.Page("pages/mine_action.py", title=t("page.mine_action"), icon=":material/crisis_alert:"),
        st.Page("pages/return_conditions.py", title=t("page.return_conditions"), icon=":material/thermostat:"),
        st.Page("pages/return_areas.py", title=t("page.return_areas"), icon=":material/map:"),
        st.Page("pages/profile.py", title=t("page.profile"), icon=":material/location_city:"),
        st.Page("pages/explorer.py", title=t("page.explorer"), icon=":material/layers:"),
        st.Page("pages/import_data.py", title=t("page.import"), icon=":material/upload_file:"),
        st.Page("pages/presentation.py", title=t("page.presentation"), icon=":material/co_present:"),
    ]
)
navigation.run()
