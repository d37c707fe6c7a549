"""The sidebar's place search: Streamlit glue for lib/place_search.py, as lib/map_view.py is for maps.

The results follow the typing (a live text input in a fragment: a pause in the typing reruns the
search alone, not the page). Choosing one opens the district profile on it, with the settlement
chosen and the map on it. The profile offers only the districts of the sidebar's filter, so a
place outside the filter first adds its district to it.
"""

from __future__ import annotations

import streamlit as st

from lib import access
from lib.cache import Snapshot, district_choices, place_index
from lib.i18n import Translator
from lib.place_search import PlaceMatch, search_places
from lib.safe_text import escape_markdown

PROFILE_PAGE = "pages/profile.py"
RESULTS_SHOWN = 6
ICONS = {"settlement": ":material/location_on:", "district": ":material/map:"}
_CHOSEN = "place_search_chosen"


def place_search_box(store: Snapshot, t: Translator, actor: access.Actor) -> None:
    """The search box and its results (places in the districts ``actor``'s sidebar offers); a
    chosen result switches to the profile (and ends the run)."""
    index = place_index(store.key, store.version)
    regions = district_choices(store.key, store.version).set_index("district_id")["economic_region"]
    regions = regions[access.visible_districts(actor, regions.index)].to_dict()
    _search(index, regions, t)


@st.fragment
def _search(index, regions: dict[str, str], t: Translator) -> None:
    chosen = st.session_state.pop(_CHOSEN, None)
    if chosen is not None:
        # a Page, not a path: a path must be among the pages st.navigation has registered, and
        # this runs before app.py calls it (AppTest starts every run without them)
        st.switch_page(st.Page(PROFILE_PAGE), query_params=profile_link(chosen))
    query = st.text_input(
        t("search.label"),
        key=f"place_search_{t.language}",
        type="search",
        live="200ms",  # a short pause: the search itself takes well under a millisecond
        placeholder=t("search.placeholder"),
        help=t("search.help"),
    )
    # every match, then those of the districts offered (a coordinator's own): the places are few
    matches = search_places(index, query or "", t.language, len(index))
    matches = [match for match in matches if match.district_id in regions][:RESULTS_SHOWN]
    if query and query.strip() and not matches:
        st.caption(t("search.no_match", query=escape_markdown(query.strip())))
    results = st.container(gap="xxsmall")
    for match in matches:
        results.button(
            result_label(match, t),
            key=f"place_search_result_{match.place_id}",
            icon=ICONS[match.kind],
            on_click=_choose,
            args=(match, regions[match.district_id], t.language),
            type="tertiary",
        )


def result_label(match: PlaceMatch, t: Translator) -> str:
    """A settlement with its district, a district as the whole district (Markdown, as a button's
    label is: the names shown as written)."""
    name, district = escape_markdown(match.name), escape_markdown(match.district_name)
    if match.kind == "settlement":
        return t("search.settlement_result", name=name, district=district)
    return t("search.district_result", name=name)


def profile_link(match: PlaceMatch) -> dict[str, str]:
    """The profile's query parameters for a place."""
    return {"district": match.district_id, **({"settlement": match.settlement_id} if match.settlement_id else {})}


def _choose(match: PlaceMatch, region: str, language: str) -> None:
    """Before the run: put the place's district into the filter and the place into the profile's
    choosers, clear the box; the run then switches page (a callback cannot).

    The keys are app.py's (the kept filter ``filter_districts_<region>`` and its multiselect) and
    the profile's (its two choosers). A keyed widget keeps its value in the browser whatever its
    new default or index says, so the widgets are given their values through session state.
    """
    state = st.session_state
    kept = state.get(f"filter_districts_{region}", [])
    if match.district_id not in kept:
        state[f"filter_districts_{region}"] = state[f"districts_{region}_{language}"] = [*kept, match.district_id]
    state[f"profile_district_{language}"] = match.district_id
    state[f"profile_settlement_{language}"] = match.settlement_id or ""
    state[f"place_search_{language}"] = ""
    state[_CHOSEN] = match
