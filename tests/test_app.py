"""Streamlit AppTest: every page runs; the shared filters change figures, round-trip the URL and
switch the language.

AppTest runs the router (app.py) only on an app's first run; later runs execute the current
page alone. So behaviours are checked on fresh runs opened from a link (the URL is where the
filters live); changing a sidebar widget by hand is checked in the browser tests.
"""

import pytest
from streamlit.testing.v1 import AppTest

from lib.config import PROJECT_ROOT, get_settings
from lib.i18n import Translator

APP = str(PROJECT_ROOT / "app.py")
PAGES = ["pages/overview.py", "pages/explorer.py", "pages/profile.py", "pages/return_areas.py"]


def _app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _number(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


@pytest.fixture(scope="module")
def app(built_store, monkeypatch_module):
    return _app()


@pytest.fixture(scope="module")
def monkeypatch_module(built_store, settings):
    patch = pytest.MonkeyPatch()
    patch.setenv("GREAT_RETURN_STORE_PATH", str(built_store.path))
    patch.setenv("GREAT_RETURN_BOUNDARIES_FILE", str(settings.boundaries_file))
    get_settings.cache_clear()
    yield patch
    patch.undo()
    get_settings.cache_clear()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(monkeypatch_module, page):
    at = _app(lang="en")
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
