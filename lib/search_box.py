"""The sidebar's place search: Streamlit glue for lib/place_search.py, as lib/map_view.py is for maps.

The results follow the typing (a live text input in a fragment: a pause in the typing reruns the
search alone, not the page). Choosing one opens the district profile on it, with the settlement
chosen and the map on it. The profile offers only the districts of the sidebar's filter, so a
place outside the filter first adds its district to it.
"""

from __future__ import annotations

import streamlit as st

from lib.cache import district_choices, place_index
from lib.i18n import Translator
from lib.place_search import PlaceMatch, search_places
from lib.store import GeoPackageStore

PROFILE_PAGE = "pages/profile.py"
RESULTS_SHOWN = 6
ICONS = {"settlement": ":material/location_on:", "district": ":material/map:"}
# Session-state keys that app.py and the profile page own: the kept district filter of a region
# (app.py's filter_districts_<region>), its multiselect (districts_<region>_<language>), and the
# profile's choosers (profile_district_<language>, profile_settlement_<language>).
_CHOSEN = "place_search_chosen"
_PROFILE_CHOOSERS = ("profile_district_", "profile_settlement_")


def place_search_box(store: GeoPackageStore, t: Translator) -> None:
    """The search box and its results; a chosen result switches to the profile (and ends the run)."""
    version = store.data_version()
    index = place_index(str(store.path), version)
    regions = district_choices(str(store.path), version).set_index("district_id")["economic_region"].to_dict()
    _search(index, regions, t)


@st.fragment
def _search(index, regions: dict[str, str], t: Translator) -> None:
    chosen = st.session_state.pop(_CHOSEN, None)
    if chosen is not None:
        # a Page, not a path: a path is looked up among the pages st.navigation has registered,
        # which it has not yet done in this run (the sidebar comes before it)
        st.switch_page(st.Page(PROFILE_PAGE), query_params=profile_link(chosen))
    query = st.text_input(
        t("search.label"),
        key=f"place_search_{t.language}",
        type="search",
        live=True,
        placeholder=t("search.placeholder"),
        help=t("search.help"),
    )
    matches = search_places(index, query or "", t.language, RESULTS_SHOWN)
    if query and query.strip() and not matches:
        st.caption(t("search.no_match", query=query.strip()))
    for match in matches:
        st.button(
            result_label(match, t),
            key=f"place_search_result_{match.place_id}",
            icon=ICONS[match.kind],
            on_click=_choose,
            args=(match, regions[match.district_id], t.language),
            type="tertiary",
            width="stretch",
        )


def result_label(match: PlaceMatch, t: Translator) -> str:
    """A settlement with its district, a district as the whole district."""
    if match.kind == "settlement":
        return t("search.settlement_result", name=match.name, district=match.district_name)
    return t("search.district_result", name=match.name)


def profile_link(match: PlaceMatch) -> dict[str, str]:
    """The profile's query parameters for a place."""
    return {"district": match.district_id, **({"settlement": match.settlement_id} if match.settlement_id else {})}


def _choose(match: PlaceMatch, region: str, language: str) -> None:
    """Before the run: put the place's district into the filter, let the profile read its choosers
    from the link again, clear the box; the run then switches page (a callback cannot)."""
    state = st.session_state
    kept = state.get(f"filter_districts_{region}", [])
    if match.district_id not in kept:
        state[f"filter_districts_{region}"] = [*kept, match.district_id]
        # a widget given its value through session state warns; without state it starts from the kept filter
        state.pop(f"districts_{region}_{language}", None)
    for key in [k for k in state if str(k).startswith(_PROFILE_CHOOSERS)]:
        del state[key]
    state[f"place_search_{language}"] = ""
    state[_CHOSEN] = match
