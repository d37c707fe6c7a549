"""The return conditions page (AppTest): signed in it shows the index and employment for the
reader's districts; the public is asked to sign in and sees no records."""

from streamlit.testing.v1 import AppTest

from lib import access
from lib.access import Actor
from lib.i18n import Translator
from lib.return_index import SEVERITIES
from tests.test_app import _app

PAGE = "pages/return_conditions.py"
LACHIN = Actor("aysel", access.COORDINATOR, ("AZ-LAC",), "Aysel Məmmədova")
LEADER = Actor("rauf", access.LEADERSHIP)


def _open(actor: Actor | None, language: str = "en", **query) -> AppTest:
    return _app(actor, lang=language, **query).switch_page(PAGE).run()


def _ranking(at: AppTest, t: Translator):
    return next(frame.value for frame in at.table if t("conditions.col.score") in frame.value.columns)


def test_leadership_sees_every_settlement_ranked_with_both_scales_and_drivers(monkeypatch_module):
    at = _open(LEADER)
    assert not at.exception, [e.message for e in at.exception]
    t = Translator("en")
    assert at.title[0].value == t("conditions.title")
    ranking = _ranking(at, t)
    assert len(ranking) == 43
    scores = ranking[t("conditions.col.score")]
    assert scores.is_monotonic_decreasing
    assert scores.between(0, 100).all()
    assert set(ranking[t("conditions.col.severity")]) <= {t.term("conditions.severity", s) for s in SEVERITIES}
    assert ranking[t("conditions.col.drivers")].str.len().gt(1).any()
    headers = [h.value for h in at.header]
    assert headers == [t("conditions.index_heading"), t("employment.heading")]


def test_a_lachin_coordinator_sees_only_lachins_settlements(monkeypatch_module, built_store):
    at = _open(LACHIN)
    assert not at.exception, [e.message for e in at.exception]
    t = Translator("en")
    settlements = built_store.read_layer("settlements", geometry=False)
    lachin = settlements[settlements["district_id"] == "AZ-LAC"]
    ranking = _ranking(at, t)
    assert sorted(ranking[t("conditions.col.settlement")]) == sorted(lachin["name_en"])
    assert set(ranking[t("conditions.col.district")]) == {"Lachin"}


def test_the_page_reads_in_azerbaijani_and_russian_without_english_words(monkeypatch_module):
    for language in ("az", "ru"):
        at = _open(LEADER, language)
        assert not at.exception, [e.message for e in at.exception]
        t = Translator(language)
        assert at.title[0].value == t("conditions.title")
        ranking = _ranking(at, t)
        english = Translator("en")
        assert not set(ranking.columns) & {english(f"conditions.col.{c}") for c in ("score", "severity", "drivers")}
        words = " ".join(ranking[t("conditions.col.drivers")])
        assert "hazard" not in words and "jobs" not in words, words


def test_the_public_is_asked_to_sign_in_and_sees_no_records(monkeypatch_module):
    at = _open(None)
    assert not at.exception, [e.message for e in at.exception]
    assert Translator("en")("access.page_needs_sign_in") in [i.value for i in at.info]
    assert not at.dataframe and not at.table
