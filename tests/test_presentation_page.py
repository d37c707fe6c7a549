"""The presentation page (AppTest): every slide speaks the audience's language with its date and
sources, the figures are the public's whoever presents, and the bar moves through the story."""

import pytest
from streamlit.testing.v1 import AppTest

from lib import access, slides
from lib.access import Actor
from lib.i18n import Translator
from tests.test_app import _app

PAGE = "pages/presentation.py"
LEADER = Actor("rauf", access.LEADERSHIP)


def _open(actor: Actor | None = None, language: str = "en", **query) -> AppTest:
    return _app(actor, lang=language, **query).switch_page(PAGE).run()


def _text(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "title", "metric") for e in getattr(at, kind))


@pytest.mark.parametrize("slide", slides.SLIDES)
@pytest.mark.parametrize("language", ["az", "en", "ru"])
def test_each_slide_has_its_title_its_data_date_and_no_raw_words(monkeypatch_module, slide, language):
    at = _open(None, language, slide=slide)
    assert not at.exception, [e.message for e in at.exception]
    t = Translator(language)
    assert at.title[0].value == t(f"slide.{slide}.title")
    footer = at.caption[-1].value
    assert t("presentation.data_date", date="").split("{")[0].strip()[:8] in footer
    text = _text(at)
    for raw in ("None", "nan", "NaT", "_returned", "slide."):
        assert raw not in text, (slide, raw)


def test_the_figures_are_the_publics_whoever_presents(monkeypatch_module):
    public = {m.label: m.value for m in _open(None, slide="target").metric}
    leader = {m.label: m.value for m in _open(LEADER, slide="target").metric}
    assert public == leader and len(public) == 3


def test_the_arrows_move_through_the_story_and_round_again(monkeypatch_module):
    t = Translator("en")
    at = _open(None, slide="spotlight")
    at.button(key="slide_forward").click().run()
    assert at.title[0].value == t("slide.target.title")
    assert at.query_params["slide"] == "target"
    at.button(key="slide_back").click().run()
    at.button(key="slide_back").click().run()
    assert at.title[0].value == t("slide.readiness.title")


def test_a_link_opens_the_talk_on_its_slide_and_an_unknown_slide_on_the_first(monkeypatch_module):
    t = Translator("en")
    assert _open(None, slide="jobs").title[0].value == t("slide.jobs.title")
    assert _open(None, slide="nonsense").title[0].value == t("slide.target.title")


def test_the_trend_slides_name_their_reported_sources(monkeypatch_module):
    for slide in ("land", "houses", "jobs", "target"):
        footer = _open(None, slide=slide).caption[-1].value
        assert "](http" in footer, (slide, footer)


def test_the_menu_offers_both_briefings_both_maps_and_the_slides_chart(monkeypatch_module):
    t = Translator("ru")
    at = _open(None, "ru", slide="land", district="AZ-SUS")
    labels = [button.proto.label for button in at.get("download_button")]
    files = ("briefing_programme", "briefing_district", "map_programme", "map_district", "chart_png", "chart_svg")
    assert labels == [t(f"presentation.download.{key}", district="Шуша") for key in files]


def test_a_link_to_an_unknown_district_offers_the_spotlights_downloads(monkeypatch_module):
    def labels(**link):
        return [button.proto.label for button in _open(None, "en", slide="land", **link).get("download_button")]

    assert labels(district="AZ-NOPE") == labels()


def test_a_slide_without_a_chart_offers_no_chart_image(monkeypatch_module):
    labels = [button.proto.label for button in _open(None, slide="spotlight").get("download_button")]
    assert len(labels) == 4 and not [label for label in labels if "chart" in label]


def test_the_chooser_opens_any_slide(monkeypatch_module):
    # (the menu's language is checked in the browser: AppTest runs a page without the router)
    at = _open(None, "ru", slide="target")
    at.button_group(key="slide_chooser_0_ru").set_value(slides.SLIDES.index("jobs")).run()
    assert at.title[0].value == Translator("ru")("slide.jobs.title")
