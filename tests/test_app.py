"""Streamlit AppTest: every page runs; the shared filters change figures, round-trip the URL and
switch the language.

AppTest runs the router (app.py) only on an app's first run; later runs execute the current
page alone. So behaviours are checked on fresh runs opened from a link (the URL is where the
filters live); changing a sidebar widget by hand is checked in the browser tests.
"""

import json
import re
from collections.abc import Sequence
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe, UnknownElement

from lib import access, maps
from lib.config import PROJECT_ROOT, get_settings
from lib.i18n import Translator, catalogue
from lib.schema import LAYERS
from lib.tables import DERIVED_FIELDS

APP = str(PROJECT_ROOT / "app.py")
PAGES = [
    "pages/overview.py",
    "pages/explorer.py",
    "pages/profile.py",
    "pages/return_areas.py",
    "pages/readiness.py",
    "pages/return_conditions.py",
    "pages/import_data.py",
    "pages/presentation.py",
]


# Who the tests open the pages as: leadership reads every page with exact figures; the public
# view and the other roles have their own tests (tests/test_access_pages.py, test_disclosure.py).
LEADER = access.Actor("rauf", access.LEADERSHIP, display_name="Rauf Əliyev")
ADMIN = access.Actor("nigar", access.ADMIN, display_name="Nigar Hüseynova")
# the role each page is opened as where any role will do: one that may use all of it
ROLE_FOR_PAGE = {"pages/import_data.py": ADMIN}


def _app(actor: access.Actor | None = LEADER, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    if actor is not None:
        at.session_state["actor"] = actor
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _number(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


@pytest.fixture(scope="module")
def app(built_store, monkeypatch_module):
    return _app()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(monkeypatch_module, page):
    at = _app(ROLE_FOR_PAGE.get(page, LEADER), lang="en")
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title, f"{page} shows no title"


def test_default_view_is_azerbaijani_with_all_return_districts(app):
    t = Translator("az")
    assert app.title[0].value == t("overview.title")
    assert app.metric[0].label == t("kpi.families_returned")
    chosen = (
        app.multiselect(key="districts_Karabakh_az").value + app.multiselect(key="districts_East Zangezur_az").value
    )
    assert len(chosen) == 14
    assert dict(app.query_params) == {}  # the default view is the plain address


def test_language_switch_changes_labels_and_number_format(monkeypatch_module):
    azerbaijani, english, russian = _app(), _app(lang="en"), _app(lang="ru")
    assert english.selectbox(key="language").value == "en"
    assert [at.metric[0].label for at in (azerbaijani, english, russian)] == [
        "Qayıdan ailələr",
        "Families returned",
        "Вернувшиеся семьи",
    ]
    assert "." in azerbaijani.metric[0].value and "," in english.metric[0].value  # 4.966 vs 4,966
    assert "\xa0" in russian.metric[0].value  # 4 966 with a no-break space
    assert len({_number(at.metric[0].value) for at in (azerbaijani, english, russian)}) == 1
    assert english.query_params["lang"] == "en"


def test_district_filter_changes_the_figures(monkeypatch_module):
    everything = _number(_app(lang="en").metric[0].value)
    lachin = _app(lang="en", districts="AZ-LAC")
    assert lachin.multiselect(key="districts_East Zangezur_en").value == ["AZ-LAC"]
    assert lachin.multiselect(key="districts_Karabakh_en").value == []
    assert 0 < _number(lachin.metric[0].value) < everything


def test_filters_round_trip_through_the_url(monkeypatch_module):
    query = {"lang": "ru", "districts": "AZ-FUZ,AZ-LAC", "as_of": "2024-12-31", "since": "2024-06-30"}
    at = _app(**query)
    assert not at.exception
    assert dict(at.query_params) == query
    assert str(at.date_input(key="as_of_ru").value) == "2024-12-31"
    at.switch_page("pages/explorer.py").run()
    assert {key: at.query_params[key] for key in query} == query


def test_an_earlier_as_of_date_shows_the_reported_total(monkeypatch_module):
    at = _app(lang="en", as_of="2023-12-31")
    assert _number(at.metric[0].value) == 1186  # PM Asadov's total for the end of 2023


def test_unknown_district_in_a_link_is_reported_not_fatal(monkeypatch_module):
    at = _app(lang="en", districts="AZ-LAC,AZ-XYZ")
    assert not at.exception
    assert any("districts=AZ-XYZ" in w.value for w in at.warning)
    assert at.multiselect(key="districts_East Zangezur_en").value == ["AZ-LAC"]


def test_no_district_selected_shows_a_helpful_empty_state(monkeypatch_module):
    at = _app(lang="en", districts="")
    assert not at.exception
    assert at.info[0].value == Translator("en")("empty.no_districts")


def test_missing_boundaries_give_instructions_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("GREAT_RETURN_BOUNDARIES_FILE", str(tmp_path / "absent.geojson"))
    monkeypatch.setenv("GREAT_RETURN_STORE_PATH", str(tmp_path / "store.gpkg"))
    get_settings.cache_clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        get_settings.cache_clear()
    assert not at.exception
    assert Translator("az")("app.boundaries_missing") == at.error[0].value
    assert "GREAT_RETURN_BOUNDARIES_FILE" in at.code[0].value


# --- Every page reads in the chosen language: nothing raw, nothing English, no "None" ----------

SHOWN_FIELDS = {"body", "label", "options", "help", "placeholder", "delta", "text", "caption"}
EMPTY_WORDS = re.compile(r"\b(None|nan|NaN|NaT)\b")


def _raw_words() -> tuple[set[str], set[str]]:
    """Schema names (fields, layers) and every allowed value of the schema as stored."""
    names = {f.name for spec in LAYERS.values() for f in spec.fields} | set(LAYERS) | set(DERIVED_FIELDS)
    names |= set(maps.EXPLORER_LAYERS)
    values = {str(v) for spec in LAYERS.values() for f in spec.fields if f.allowed for v in f.allowed}
    return names, values


def _english_words(language: str) -> set[str]:
    """English wordings of the vocabularies that differ from the language's own."""
    en, other = Translator("en"), Translator(language)
    return {
        en.term(f.terms, v)
        for spec in LAYERS.values()
        for f in spec.fields
        if f.terms
        for v in f.allowed
        if en.term(f.terms, v) != other.term(f.terms, v)
    }


def _strings(message) -> list[str]:
    """The strings a protobuf element shows (its label, options, body, ...), not its ids and keys."""
    found = []
    for descriptor, value in message.ListFields():
        if descriptor.name in SHOWN_FIELDS and isinstance(value, str):
            found.append(value)
        elif descriptor.name in SHOWN_FIELDS and isinstance(value, Sequence):
            found += [v for v in value if isinstance(v, str)]
    return found


def _plotly_texts(spec: dict, problems: list[str], language: str) -> list[str]:
    texts = [trace.get("name", "") for trace in spec.get("data", [])]
    for name, axis in spec.get("layout", {}).items():
        if not name.startswith(("xaxis", "yaxis")):
            continue
        title = axis.get("title", {})
        texts.append(title.get("text", "") if isinstance(title, dict) else str(title))
        texts += [str(tick) for tick in axis.get("ticktext", [])]
        if axis.get("type") == "date" and language != "en" and not axis.get("ticktext"):
            problems.append(f"{name} is a date axis that plotly would word in English")
    return texts


def _visible_texts(at: AppTest, language: str, problems: list[str]) -> list[str]:
    texts: list[str] = []

    def walk(node):
        if isinstance(node, Dataframe):
            frame = node.value
            texts.extend(str(c) for c in frame.columns)
            texts.extend(str(v) for v in frame.astype("object").to_numpy().ravel() if v is not None and v == v)
        elif isinstance(node, UnknownElement) and node.type == "plotly_chart":
            texts.extend(_plotly_texts(json.loads(node.proto.spec), problems, language))
        elif hasattr(node, "proto") and node.proto is not None and not isinstance(node, UnknownElement):
            texts.extend(_strings(node.proto))
        children = getattr(node, "children", None) or {}
        for child in children.values() if isinstance(children, dict) else children:
            walk(child)

    walk(at._tree)
    return texts


def _raw_on_screen(at: AppTest, language: str) -> list[str]:
    names, values = _raw_words()
    english = _english_words(language) if language != "en" else set()
    if language == "en":
        # plain English words ("families", "ready") are both a schema name and its English wording
        english_words = {text for text in catalogue("en").messages.values()}
        names = {name for name in names if "_" in name}
        values = {v for v in values if v not in english_words}
    problems: list[str] = []
    for text in _visible_texts(at, language, problems):
        if text in names or text in values or text in english:
            problems.append(f"raw or English word on screen: {text!r}")
        elif any("_" in name and name in text for name in names | values):
            problems.append(f"schema name inside a text: {text!r}")
        elif EMPTY_WORDS.search(text):
            problems.append(f"an empty value shown as a word: {text!r}")
    return sorted(set(problems))


SCREENS = [
    ("pages/overview.py", {}),
    ("pages/explorer.py", {"layers": ",".join(maps.EXPLORER_LAYERS)}),
    ("pages/profile.py", {"district": "AZ-LAC"}),
    ("pages/profile.py", {"district": "AZ-LAC", "settlement": "AZ-LAC-zabukh"}),
    ("pages/return_areas.py", {}),
    ("pages/mine_action.py", {}),
    ("pages/readiness.py", {}),
    ("pages/readiness.py", {"as_of": "2025-06-01"}),  # every state on screen
    ("pages/return_conditions.py", {}),
    ("pages/import_data.py", {}),
]


@pytest.mark.parametrize("language", ["az", "ru", "en"])
@pytest.mark.parametrize(("page", "query"), SCREENS, ids=[f"{p[6:-3]}-{len(q)}" for p, q in SCREENS])
def test_every_page_reads_in_the_language_with_nothing_raw(monkeypatch_module, language, page, query):
    at = _app(ROLE_FOR_PAGE.get(page, LEADER), lang=language, **query)
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    problems = _raw_on_screen(at, language)
    if page == "pages/explorer.py":
        # every layer's table, one after the other, as a coordinator would open them
        for layer in [layer for layer in maps.EXPLORER_LAYERS if layer != "returnees"][1:]:
            at.selectbox(key=f"explorer_table_layer_{language}").select(layer).run()
            assert at.selectbox(key=f"explorer_table_layer_{language}").value == layer
            problems += _raw_on_screen(at, language)
    assert problems == []


# --- A link with any date opens a working page and says what it changed ----------------------

LINK_CASES = {
    "as_of after the data date": ({"as_of": "2031-01-01"}, "pages/overview.py", "as_of=2031-01-01"),
    "since after the data date": ({"since": "2031-01-01"}, "pages/explorer.py", "since=2031-01-01"),
    "as_of before the programme": ({"as_of": "2015-05-05"}, "pages/profile.py", "as_of=2015-05-05"),
    "since after as_of": ({"as_of": "2024-06-30", "since": "2025-06-30"}, "pages/return_areas.py", "since=2025-06-30"),
    "unknown district on the profile": ({"district": "AZ-XYZ"}, "pages/profile.py", "district=AZ-XYZ"),
    "unknown layer on the explorer": ({"layers": "housing,roads"}, "pages/explorer.py", "layers=roads"),
}


@pytest.mark.parametrize("case", list(LINK_CASES))
def test_a_link_with_an_unusable_value_opens_a_working_page_and_says_what_changed(monkeypatch_module, case):
    query, page, named = LINK_CASES[case]
    at = _app(lang="en", **query)
    # the shared filters are read by the router on the first run, a page's own on the page's run
    warnings = [warning.value for warning in at.warning]
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title, "the page did not draw"
    warnings += [warning.value for warning in at.warning]
    assert any(named in warning for warning in warnings), warnings


def test_a_late_as_of_in_a_link_shows_the_data_date_in_the_date_field(monkeypatch_module):
    at = _app(lang="en", as_of="2031-01-01")
    data_date = at.date_input(key="as_of_en").max
    assert at.date_input(key="as_of_en").value == data_date


def test_what_holds_it_back_has_one_entry_per_district(monkeypatch_module):
    at = _app(lang="en")
    assert Translator("en")("overview.blockers_title") in [h.value for h in at.subheader]
    entries = [line for block in at.markdown for line in block.value.splitlines() if line.startswith("- **")]
    districts = [line.split("**")[1] for line in entries]
    assert entries and len(districts) == len(set(districts))


def test_the_percentage_card_changes_in_percentage_points(monkeypatch_module):
    at = _app(lang="ru", since="2024-12-31")
    works = next(m for m in at.metric if m.label == Translator("ru")("kpi.infrastructure_completion"))
    assert works.delta.startswith("+") and works.delta.endswith("п.п."), works.delta


def test_the_profile_without_a_district_opens_on_the_one_with_most_returns(monkeypatch_module, built_store):
    at = _app(lang="en")
    at.switch_page("pages/profile.py").run()
    assert not at.exception
    returns = built_store.read_layer("returns", geometry=False)
    settlements = built_store.read_layer("settlements", geometry=False)
    families = returns.merge(settlements[["settlement_id", "district_id"]]).groupby("district_id")["families"].sum()
    assert at.selectbox(key="profile_district_en").value == families.idxmax()
    assert at.query_params["district"] == families.idxmax()


def test_a_profile_with_no_returns_says_so_instead_of_an_empty_chart(monkeypatch_module):
    at = _app(lang="en", as_of="2021-06-30")
    at.query_params["district"] = "AZ-LAC"
    at.switch_page("pages/profile.py").run()
    assert not at.exception
    assert Translator("en")("profile.no_returns") in [info.value for info in at.info]


def test_an_early_day_shows_a_sentence_instead_of_an_empty_ranking(monkeypatch_module):
    at = _app(lang="en", as_of="2021-06-30")
    assert not at.exception
    assert any("nothing to rank" in info.value for info in at.info)


def test_an_as_of_day_before_the_comparison_day_moves_the_comparison_field(app_with_router):
    at = app_with_router(lang="en")
    at.date_input(key="as_of_en").set_value(date(2022, 1, 1)).run()
    assert not at.exception
    assert at.date_input(key="since_en").value == date(2021, 1, 1)
    assert at.query_params["since"] == "2021-01-01"
    assert not at.warning, [w.value for w in at.warning]  # nothing the user asked for was refused
