"""Signing in and out in Chromium with each role, in Azerbaijani, the default language."""

import pytest

from lib import accounts
from lib.access import ADMIN, COORDINATOR, LEADERSHIP
from tests.browser.conftest import click_until_shown

PASSWORD = "Şəhər2026!"
ACCOUNTS = {
    "aysel": (COORDINATOR, ["AZ-LAC"], "Aysel Məmmədova", "(Rayon koordinatoru: Laçın)"),
    "leyla": (LEADERSHIP, [], "Leyla Həsənova", "(Rəhbərlik)"),
    "rauf": (ADMIN, [], "Rauf Əliyev", "(Məlumat administratoru)"),
}


@pytest.fixture(scope="module")
def accounts_file(tmp_path_factory):
    file = tmp_path_factory.mktemp("accounts") / "accounts.toml"
    for username, (role, districts, name, _) in ACCOUNTS.items():
        accounts.add(username, PASSWORD, role, districts, display_name=name, path=file)
    return file


@pytest.mark.parametrize("username", list(ACCOUNTS))
def test_each_role_signs_in_sees_who_it_is_and_signs_out(start_app, app_env, accounts_file, offline_page, username):
    url = start_app(env={**app_env, "GREAT_RETURN_ACCOUNTS_FILE": str(accounts_file)})
    page = offline_page.page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Böyük Qayıdışın gedişi").wait_for()
    sidebar = page.get_by_test_id("stSidebar")
    username_field = sidebar.get_by_label("İstifadəçi adı")
    click_until_shown(sidebar.get_by_text("Daxil ol", exact=True).first, username_field)
    username_field.fill(username)
    sidebar.get_by_label("Parol", exact=True).fill(PASSWORD)
    sidebar.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    _, _, name, role_words = ACCOUNTS[username]
    sidebar.get_by_text(f"Daxil olmusunuz: {name} {role_words}").wait_for()
    offline_page.screenshot(f"signed-in-{username}")
    sidebar.get_by_role("button", name="Çıxış").click()
    sidebar.get_by_text("Daxil ol", exact=True).first.wait_for()
    # the signed-in part stays on screen, greyed, until the run after the sign-out ends
    sidebar.get_by_role("button", name="Çıxış").wait_for(state="detached", timeout=30_000)
    assert sidebar.get_by_role("button", name="Çıxış").count() == 0
    assert page.get_by_test_id("stException").count() == 0
    assert offline_page.blocked == []


def test_a_sign_in_outlives_a_reload_and_a_sign_out_does_not(app_url, offline_page):
    from tests.browser.conftest import settled_map_frame, sign_in, sign_out

    page = offline_page.page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{app_url}/explorer?lang=en", wait_until="domcontentloaded")
    page.get_by_text("Sign in (in the sidebar) to see this page").wait_for()
    sign_in(page, "aysel", "en")
    page.get_by_role("heading", name="Map explorer").wait_for()
    page.reload(wait_until="domcontentloaded")  # a new session: the cookie signs it in again
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Signed in as Aysel Məmmədova").wait_for(timeout=60_000)
    page.get_by_role("heading", name="Map explorer").wait_for()
    # as a user does, once the page is drawn: a click while the map reports its first view can be
    # lost between that fragment's run and the run the click asks for
    settled_map_frame(page)
    sign_out(page, "en")
    page.get_by_text("Sign in (in the sidebar) to see this page").wait_for(timeout=60_000)
    page.reload(wait_until="domcontentloaded")
    page.get_by_text("Sign in (in the sidebar) to see this page").wait_for(timeout=60_000)
    assert sidebar.get_by_text("Signed in as").count() == 0
    assert page.get_by_test_id("stException").count() == 0
