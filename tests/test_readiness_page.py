"""The readiness page (AppTest): the answer, the map and the list for a leader; a coordinator's
settlements only; the public asked to sign in."""

from streamlit.testing.v1 import AppTest

from lib import access
from lib.access import Actor
from lib.i18n import Translator
from lib.readiness import STATES
from tests.test_app import _app

PAGE = "pages/readiness.py"
LACHIN = Actor("aysel", access.COORDINATOR, ("AZ-LAC",), "Aysel Məmmədova")
LEADER = Actor("rauf", access.LEADERSHIP)


def _open(actor: Actor | None, language: str = "en", **query) -> AppTest:
    return _app(actor, lang=language, **query).switch_page(PAGE).run()


def _list(at: AppTest, t: Translator):
    # the list is read whole, as a table whose long texts wrap
    return next(d.value for d in at.table if t("readiness.col.lacking") in d.value.columns)


def test_a_leader_reads_the_answer_the_states_and_every_settlement(monkeypatch_module):
    at = _open(LEADER)
    assert not at.exception, [e.message for e in at.exception]
    t = Translator("en")
    assert at.title[0].value == t("readiness.title")
    assert [m.label for m in at.metric] == [t(f"readiness.state.{s}") for s in STATES]
    assert sum(int(m.value) for m in at.metric) == 43
    rows = _list(at, t)
    assert len(rows) == 43
    states = rows[t("readiness.col.state")].tolist()
    # those that can take families come first, those blocked by mines before the rest
    order = [STATES.index(next(s for s in STATES if t(f"readiness.state.{s}") == word)) for word in states]
    assert order == sorted(order)
    lacking = " ".join(rows[t("readiness.col.lacking")].dropna())
    assert "_" not in lacking and "None" not in lacking and "NaT" not in lacking


def test_a_lachin_coordinator_sees_lachins_settlements_only(monkeypatch_module):
    at = _open(LACHIN)
    assert not at.exception, [e.message for e in at.exception]
    t = Translator("en")
    rows = _list(at, t)
    assert set(rows[t("readiness.col.district")]) == {"Lachin"}
    assert sum(int(m.value) for m in at.metric) == len(rows) > 0


def test_the_page_speaks_azerbaijani_and_russian(monkeypatch_module):
    for language in ("az", "ru"):
        at = _open(LEADER, language)
        assert not at.exception, [e.message for e in at.exception]
        t = Translator(language)
        assert at.title[0].value == t("readiness.title")
        assert t("readiness.col.state") in _list(at, t).columns


def test_the_public_is_asked_to_sign_in(monkeypatch_module):
    at = _open(None)
    assert not at.exception, [e.message for e in at.exception]
    assert Translator("en")("access.page_needs_sign_in") in [i.value for i in at.info]
    assert not at.dataframe and not at.table and not at.metric
