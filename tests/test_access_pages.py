"""Each role's pages (AppTest): the districts the sidebar offers, the import page's parts, and
the pages a link opens for someone who may not use them."""

import pytest
from streamlit.testing.v1 import AppTest

from lib import access
from lib.access import Actor
from lib.config import PROJECT_ROOT
from lib.i18n import Translator

APP = str(PROJECT_ROOT / "app.py")
LACHIN = Actor("aysel", access.COORDINATOR, ("AZ-LAC",), "Aysel Məmmədova")
LEADER = Actor("rauf", access.LEADERSHIP)
ADMIN = Actor("nigar", access.ADMIN)


def _open(actor: Actor | None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    if actor is not None:
        at.session_state["actor"] = actor
    for key, value in {"lang": "en", **query}.items():
        at.query_params[key] = value
    return at.run()


def test_a_lachin_coordinators_sidebar_offers_lachin_only(monkeypatch_module):
    at = _open(LACHIN)
    assert not at.exception
    assert at.multiselect(key="districts_East Zangezur_en_AZ-LAC").value == ["AZ-LAC"]
    assert at.multiselect(key="districts_East Zangezur_en_AZ-LAC").options == ["Lachin"]
    assert not [w for w in at.multiselect if w.key.startswith("districts_Karabakh")]


def test_a_lachin_coordinators_link_to_aghdam_opens_lachin_and_says_so(monkeypatch_module):
    at = _open(LACHIN, districts="AZ-AGM")
    assert not at.exception
    assert at.multiselect(key="districts_East Zangezur_en_AZ-LAC").value == ["AZ-LAC"]
    assert any("districts=AZ-AGM" in w.value for w in at.warning)


def test_leadership_sees_the_versions_but_no_import_and_no_restore(monkeypatch_module):
    at = _open(LEADER)
    at.switch_page("pages/import_data.py").run()
    assert not at.exception, [e.message for e in at.exception]
    t = Translator("en")
    assert not at.tabs  # no import tab: the versions alone
    assert at.title[0].value == t("versions.title")
    assert not [b for b in at.get("file_uploader")]
    assert t("import.restore_admin_only") in [c.value for c in at.caption]


def test_the_data_admin_may_restore(monkeypatch_module):
    at = _open(ADMIN)
    at.switch_page("pages/import_data.py").run()
    assert not at.exception, [e.message for e in at.exception]
    t = Translator("en")
    assert [tab.label for tab in at.tabs] == [t("import.tab_import"), t("import.tab_versions")]
    assert t("import.restore_admin_only") not in [c.value for c in at.caption]


def test_a_coordinator_imports_for_their_own_districts_only(monkeypatch_module):
    at = _open(LACHIN)
    at.switch_page("pages/import_data.py").run()
    assert not at.exception, [e.message for e in at.exception]
    t = Translator("en")
    assert t("import.your_districts", districts="Lachin") in [c.value for c in at.caption]
    at.radio(key="import_mode_en").set_value("replace").run()
    assert at.multiselect(key="import_districts_en").options == ["Lachin"]


@pytest.mark.parametrize("page", ["pages/explorer.py", "pages/import_data.py"])
def test_a_page_opened_by_someone_who_may_not_use_it_says_so_and_shows_no_records(monkeypatch_module, page):
    # every page is in everyone's menu (a link opened before signing in keeps its page)
    at = _open(None)
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert Translator("en")("access.page_needs_sign_in") in [i.value for i in at.info]
    assert not at.dataframe


def test_a_profile_linked_to_another_district_opens_the_coordinators_own_once_signed_in(monkeypatch_module):
    at = _open(None, district="AZ-AGM", settlement="AZ-AGM-aghdam-city")
    at.switch_page("pages/profile.py").run()
    assert at.selectbox(key="profile_settlement_en").value == "AZ-AGM-aghdam-city"
    at.session_state["actor"] = LACHIN  # she signs in: Aghdam is not hers
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="profile_district_en").value == "AZ-LAC"
    assert at.selectbox(key="profile_settlement_en").value == ""  # the whole district, not Aghdam's city


def test_a_session_idle_past_the_timeout_is_signed_out_and_told_so(monkeypatch_module):
    import time

    from lib.config import get_settings

    at = AppTest.from_file(APP, default_timeout=180)
    idle = (get_settings().session_timeout_minutes + 1) * 60
    at.session_state["actor"] = LACHIN
    at.session_state["actor_via"] = "password"
    at.session_state["actor_seen"] = time.time() - idle
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    told = Translator("en").plural("sign_in.timed_out", get_settings().session_timeout_minutes)
    assert told in [i.value for i in at.info]
    assert at.session_state["actor"] == access.PUBLIC_ACTOR
