"""AppTest of the sidebar's place search: a spelling typed, a result chosen, the profile opened on it."""

from streamlit.testing.v1 import AppTest

from lib.i18n import Translator


def _results(at: AppTest) -> dict[str, str]:
    # the sidebar's other buttons (signing in) are not results
    return {
        button.key.removeprefix("place_search_result_"): button.label
        for button in at.sidebar.button
        if (button.key or "").startswith("place_search_result_")
    }


def test_a_plain_latin_spelling_opens_the_settlement_on_the_profile_and_adds_its_district(app_with_router):
    at = app_with_router(lang="en", districts="AZ-FUZ")
    at.text_input(key="place_search_en").input("Susa").run()
    assert list(_results(at).items())[:2] == [
        ("AZ-SUS-shusha-city", "Shusha city · Shusha"),
        ("AZ-SUS", "Shusha · whole district"),
    ]

    at.button(key="place_search_result_AZ-SUS-shusha-city").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == Translator("en")("profile.title")
    assert at.selectbox(key="profile_district_en").value == "AZ-SUS"
    assert at.selectbox(key="profile_settlement_en").value == "AZ-SUS-shusha-city"
    assert at.multiselect(key="districts_Karabakh_en").value == ["AZ-FUZ", "AZ-SUS"]  # Shusha was not chosen
    assert dict(at.query_params) == {
        "lang": "en",
        "districts": "AZ-FUZ,AZ-SUS",
        "district": "AZ-SUS",
        "settlement": "AZ-SUS-shusha-city",
    }
    assert at.text_input(key="place_search_en").value == ""  # the box is cleared for the next search
    assert _results(at) == {}


def test_on_the_profile_a_russian_spelling_opens_another_district_then_a_settlement(app_with_router):
    at = app_with_router(lang="ru", districts="AZ-LAC,AZ-XCI")
    at.switch_page("pages/profile.py").run()
    at.text_input(key="place_search_ru").input("Ходжалы").run()
    assert _results(at)["AZ-XCI"] == "Ходжалы · весь район"

    at.button(key="place_search_result_AZ-XCI").click().run()
    assert not at.exception
    assert at.selectbox(key="profile_district_ru").value == "AZ-XCI"
    assert at.selectbox(key="profile_settlement_ru").value == ""  # the whole district

    at.text_input(key="place_search_ru").input("Zabux").run()
    at.button(key="place_search_result_AZ-LAC-zabukh").click().run()
    assert at.selectbox(key="profile_district_ru").value == "AZ-LAC"
    assert at.selectbox(key="profile_settlement_ru").value == "AZ-LAC-zabukh"
    assert at.multiselect(key="districts_East Zangezur_ru").value == ["AZ-LAC"]  # already chosen: unchanged
    assert at.query_params["settlement"] == "AZ-LAC-zabukh"


def test_nothing_found_is_said_in_the_chosen_language(app_with_router):
    at = app_with_router()
    at.text_input(key="place_search_az").input("qwerty").run()
    assert not at.exception
    assert _results(at) == {}
    assert Translator("az")("search.no_match", query="qwerty") in [caption.value for caption in at.sidebar.caption]
