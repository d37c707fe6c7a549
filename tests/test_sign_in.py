"""The sidebar's sign-in (lib/sign_in.py) in Streamlit's AppTest: signing in and out, errors and
the throttle's wait in plain words, the session timeout, an account disabled meanwhile, and an
OpenID Connect identity matched to an account by its e-mail address."""

import sys
import time

import pytest
from streamlit.testing.v1 import AppTest

from lib import accounts
from lib.access import COORDINATOR, LEADERSHIP, PUBLIC_ACTOR, ROLES, Actor
from lib.config import get_settings
from lib.i18n import LANGUAGES, catalogue

PASSWORD = "Şəhər2026!"


def sidebar_app():
    """A page with the sign-in box alone, in the language named by the session's "lang"."""
    import streamlit as st

    from lib.i18n import Translator
    from lib.sign_in import signed_in_actor

    with st.sidebar:
        actor = signed_in_actor(Translator(st.session_state.get("lang", "en")), {"AZ-LAC": "Laçın"})
    st.text(f"actor={actor.username}|{actor.role}|{actor.districts}")


@pytest.fixture(autouse=True)
def main_module_kept(monkeypatch):
    """Streamlit's script runner makes the script ``sys.modules["__main__"]`` and leaves it there;
    a later test starting a process with multiprocessing's "spawn" would then run this test's
    script (which AppTest alone can call) in the child. Put the real one back."""
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand."""
    clock = Clock()
    monkeypatch.setattr(accounts, "THROTTLE", accounts.Throttle(clock=clock))
    return clock


@pytest.fixture
def file(tmp_path, monkeypatch, clock):
    from lib import sign_in

    monkeypatch.setattr(sign_in, "_LAST_SEEN", {})  # no identity seen by an earlier test's session
    file = tmp_path / "accounts.toml"
    monkeypatch.setenv("GREAT_RETURN_ACCOUNTS_FILE", str(file))
    get_settings.cache_clear()
    accounts.add("aysel", PASSWORD, COORDINATOR, ["AZ-LAC"], display_name="Aysel Məmmədova", path=file)
    accounts.add("leyla", PASSWORD, LEADERSHIP, display_name="Leyla", email="leyla@example.az", path=file)
    yield file
    get_settings.cache_clear()


def _open(language: str = "en", **user) -> AppTest:
    at = AppTest.from_function(sidebar_app, default_timeout=30)
    at.session_state["lang"] = language
    if user:
        at.secrets["auth"] = {
            "redirect_uri": "http://localhost:8501/oauth2callback",
            "cookie_secret": "not-a-secret-only-a-test",
            "client_id": "dashboard",
            "client_secret": "not-a-secret",
            "server_metadata_url": "https://id.example.az/.well-known/openid-configuration",
        }
        at.user = user
    return at.run()


def _sign_in(at: AppTest, username: str, password: str) -> AppTest:
    language = at.session_state["lang"]
    at.sidebar.text_input(key=f"sign_in_username_{language}").input(username)
    at.sidebar.text_input(key=f"sign_in_password_{language}").input(password)
    submit = next(b for b in at.sidebar.button if b.label == catalogue(language).messages["sign_in.submit"])
    return submit.click().run()


def _actor(at: AppTest) -> str:
    return at.text[0].value


def _sidebar_words(at: AppTest) -> str:
    return " ".join(
        e.value for kind in ("markdown", "caption", "error", "info", "warning") for e in getattr(at.sidebar, kind)
    )


def test_nobody_signed_in_gets_the_public_view_and_a_sign_in_box(file):
    at = _open()
    assert not at.exception
    assert _actor(at) == "actor=|public|None"
    assert at.session_state["actor"] == PUBLIC_ACTOR
    assert [e.label for e in at.sidebar.expander] == ["Sign in"]
    assert "you see the public view" in _sidebar_words(at)


def test_the_right_password_signs_in_and_says_who_with_words_for_the_role_and_district(file):
    at = _sign_in(_open(), "Aysel", PASSWORD)
    assert not at.exception
    assert _actor(at) == "actor=aysel|coordinator|('AZ-LAC',)"
    assert at.session_state["actor"] == Actor("aysel", COORDINATOR, ("AZ-LAC",), "Aysel Məmmədova")
    assert "Signed in as **Aysel Məmmədova** (District coordinator: Laçın)" in _sidebar_words(at)
    assert "coordinator" not in _sidebar_words(at).replace("District coordinator", "")  # no raw role code
    assert at.session_state["sign_in_password_en"] == ""  # the password is not kept
    assert not at.sidebar.expander  # the box gave way to the sign-out button
    assert [b.label for b in at.sidebar.button] == ["Sign out"]


def test_signing_out_returns_to_the_public_view(file):
    at = _sign_in(_open(), "leyla", PASSWORD)
    at = at.sidebar.button(key="sign_out_en").click().run()
    assert _actor(at) == "actor=|public|None"
    assert [e.label for e in at.sidebar.expander] == ["Sign in"]


def test_a_wrong_password_says_so_and_after_several_failures_how_long_to_wait(file, clock):
    at = _sign_in(_open(), "aysel", "Seher2026!")
    assert _actor(at) == "actor=|public|None"
    assert [e.value for e in at.sidebar.error] == ["The username or password is wrong, or the account is disabled."]
    for _ in range(2):
        clock.now += 60
        at = _sign_in(at, "aysel", "Seher2026!")
    assert [e.value for e in at.sidebar.error] == [
        "The username or password is wrong, or the account is disabled. "
        "After several failed attempts, the next one is possible in 4 seconds."
    ]
    clock.now += 1
    at = _sign_in(at, "aysel", PASSWORD)  # too soon, even with the right password
    assert [e.value for e in at.sidebar.error] == ["Too many failed attempts: wait 3 seconds, then try again."]
    assert _actor(at) == "actor=|public|None"
    clock.now += 3
    assert _actor(_sign_in(at, "aysel", PASSWORD)) == "actor=aysel|coordinator|('AZ-LAC',)"


def test_an_empty_form_asks_for_both_fields(file):
    at = _sign_in(_open(), "aysel", "")
    assert [e.value for e in at.sidebar.error] == ["Type your username and password."]


def test_a_session_idle_longer_than_the_timeout_is_signed_out_and_says_so(file):
    at = _sign_in(_open(), "aysel", PASSWORD)
    at.session_state["actor_seen"] = time.time() - 29 * 60
    at = at.run()
    assert _actor(at).startswith("actor=aysel")  # 29 minutes: still signed in, and the clock restarts
    at.session_state["actor_seen"] = time.time() - 31 * 60
    at = at.run()
    assert _actor(at) == "actor=|public|None"
    assert [e.value for e in at.sidebar.info] == [
        "Signed out after 30 minutes without any action; you now see the public view."
    ]


def test_an_account_disabled_meanwhile_is_signed_out_at_its_next_action(file):
    at = _sign_in(_open(), "aysel", PASSWORD)
    accounts.disable("aysel", path=file)
    at = at.run()
    assert _actor(at) == "actor=|public|None"
    assert [e.value for e in at.sidebar.warning] == [
        "Your account was disabled or removed: you are signed out and see the public view."
    ]


def test_a_role_changed_meanwhile_applies_at_the_next_action(file):
    at = _sign_in(_open(), "aysel", PASSWORD)
    accounts.set_role("aysel", role=LEADERSHIP, path=file)
    assert _actor(at.run()) == "actor=aysel|leadership|None"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("az", ["Daxil ol", "Daxil olmusunuz: **Aysel Məmmədova** (Rayon koordinatoru: Laçın)", "Çıxış"]),
        ("ru", ["Вход", "Вы вошли как **Aysel Məmmədova** (Координатор района: Laçın)", "Выйти"]),
    ],
)
def test_the_box_speaks_the_chosen_language(file, language, words):
    at = _open(language)
    assert [e.label for e in at.sidebar.expander] == [words[0]]
    at = _sign_in(at, "aysel", PASSWORD)
    assert words[1] in _sidebar_words(at)
    assert [b.label for b in at.sidebar.button] == [words[2]]


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_role_has_a_word_in_every_language(language):
    assert all(catalogue(language).messages.get(f"role.{role}", "").strip() for role in ROLES)


def test_an_openid_connect_identity_gets_the_role_of_the_account_with_its_email(file):
    at = _open(is_logged_in=True, email="Leyla@Example.az", name="Leyla", iat=time.time())
    assert not at.exception
    assert _actor(at) == "actor=leyla|leadership|None"
    assert "Signed in as **Leyla** (Leadership)" in _sidebar_words(at)


def test_an_openid_connect_identity_no_account_has_gets_the_public_view_saying_why(file):
    at = _open(is_logged_in=True, email="stranger@example.org", iat=time.time())
    assert _actor(at) == "actor=|public|None"
    assert "stranger@example.org" in at.sidebar.warning[0].value
    assert "no account of the dashboard has this address" in at.sidebar.warning[0].value


def test_an_openid_connect_identity_idle_too_long_is_signed_out(file):
    at = _open(is_logged_in=True, email="leyla@example.az", iat=time.time() - 31 * 60)
    assert _actor(at) == "actor=|public|None"
    assert at.user["is_logged_in"] is False  # st.logout: the identity cookie is forgotten


def test_a_configured_provider_offers_its_button_beside_the_password_form(file):
    at = _open(is_logged_in=False)
    assert "Sign in with your organisation's account" in [b.label for b in at.sidebar.button]
    assert at.sidebar.text_input(key="sign_in_username_en") is not None


def test_an_accounts_file_that_cannot_be_read_signs_nobody_in_and_says_so(file):
    at = _sign_in(_open(), "aysel", PASSWORD)
    file.write_text("[accounts.aysel]\nrole = \n", encoding="utf-8")  # broken by a hand edit
    at = at.run()
    assert not at.exception
    assert _actor(at) == "actor=|public|None"
    assert [e.value for e in at.sidebar.error] == [
        "Signing in is not possible now: the accounts file cannot be read. "
        "The administrator finds the reason in the server's log."
    ]
    at = _sign_in(at, "aysel", PASSWORD)
    assert _actor(at) == "actor=|public|None" and len(at.sidebar.error) == 1
