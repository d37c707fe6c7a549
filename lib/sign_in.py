"""The sidebar's sign-in: who is using this session, as an :class:`~lib.access.Actor`.

:func:`signed_in_actor` is called by the router (app.py) in the sidebar, right after the language
chooser, on every run. It shows a "Sign in" box (username and password, checked against the
local accounts by :func:`lib.accounts.verify`; and a button per OpenID Connect provider when
``[auth]`` is configured in ``.streamlit/secrets.toml``), or who is signed in and a sign-out
button; it signs a session out after ``session_timeout_minutes`` without any action, and it
keeps the actor in ``st.session_state["actor"]`` (absent: the public).

An OpenID Connect identity (``st.login``) is matched to a local account by its e-mail address,
which gives the role and districts; an address no account has gets the public view. Either way
the accounts file is read on every run (again only when it changed), so an account disabled or
given another role by the command line takes effect at the session's next action.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from functools import cache

import streamlit as st

from lib import accounts
from lib.access import PUBLIC_ACTOR, Actor
from lib.config import get_settings
from lib.i18n import Translator
from lib.safe_text import escape_markdown

# Wall-clock seconds (an OpenID Connect identity's "issued at" is one too); tests may replace it.
clock = time.time
# Failures in a row from which the box says how long the next attempt must wait.
SAY_WAIT_AFTER = 3
# The cookie that keeps a password sign-in across reloads (a signed token, lib.accounts), and how
# often it is renewed while the session is in use (its age is the inactivity the timeout counts).
COOKIE = "great_return_sign_in"
RENEW_COOKIE_AFTER_S = 60
# The last action of each OpenID Connect identity in this process: its cookie outlives a browser
# session, so a new session (a reload) asks how long the identity has been idle.
_LAST_SEEN: dict[str, float] = {}


@cache
def _log_somewhere() -> None:
    """Show the sign-in log on the server's standard error when nobody has configured logging
    (Streamlit configures only its own loggers; without a handler, successes would be lost)."""
    log = logging.getLogger("great_return")
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def _oidc_providers() -> list[str]:
    """The OpenID Connect providers of ``[auth]`` in secrets.toml ("default" for one given
    directly in ``[auth]``); none when sign-in through a provider is not configured."""
    if not st.secrets.load_if_toml_exists():
        return []
    section = st.secrets.get("auth")
    if not isinstance(section, Mapping) or "redirect_uri" not in section or "cookie_secret" not in section:
        return []
    named = [name for name, value in section.items() if isinstance(value, Mapping) and "client_id" in value]
    return (["default"] if "client_id" in section else []) + named


def _oidc_identity() -> dict | None:
    """The claims of the signed-in OpenID Connect identity (``email``, ``name``, ``iat`` ...), or
    ``None`` when nobody signed in through a provider (or none is configured)."""
    user = st.user.to_dict()
    return user if user.get("is_logged_in") else None


def _sign_out(reason: str | None = None) -> None:
    state = st.session_state
    actor = state.pop("actor", PUBLIC_ACTOR)
    via = state.pop("actor_via", None)
    state.pop("actor_seen", None)
    state.pop("cookie_issued", None)
    # the cookie this session started with stays in its request: it may not sign it in again
    state["cookie_spent"] = True
    state["forget_cookie"] = True
    if actor.username:
        accounts.LOG.info("sign-out%s: username=%r", f" ({reason})" if reason else "", actor.username)
    if reason:
        state["sign_in_notice"] = reason
    if via == "oidc":
        _LAST_SEEN.pop(actor.username, None)
        st.logout()  # forgets the identity cookie and leaves through the provider


def _submit(language: str) -> None:
    """The form's callback: check the username and password, remember the outcome."""
    state = st.session_state
    username = state.get(f"sign_in_username_{language}", "")
    password = state.get(f"sign_in_password_{language}", "")
    state[f"sign_in_password_{language}"] = ""  # the password is not kept in the session
    state.pop("sign_in_problem", None)
    if not username.strip() or not password:
        state["sign_in_problem"] = ("sign_in.empty", 0)
        return
    address = st.context.ip_address
    try:
        actor = accounts.verify(username, password, address=address)
    except accounts.SignInThrottled as wait:
        state["sign_in_problem"] = ("sign_in.wait", math.ceil(wait.wait))
        return
    except accounts.AccountError as problem:  # an accounts file that cannot be read
        accounts.LOG.error("sign-in unavailable: %s", problem)
        state["sign_in_problem"] = ("sign_in.unavailable", 0)
        return
    if actor is None:
        if accounts.THROTTLE.failures(username, address) >= SAY_WAIT_AFTER:
            state["sign_in_problem"] = ("sign_in.failed_wait", math.ceil(accounts.THROTTLE.wait(username, address)))
        else:
            state["sign_in_problem"] = ("sign_in.failed", 0)
        return
    state.update(actor=actor, actor_via="password", actor_seen=clock())
    state.pop("sign_in_notice", None)
    state.pop("cookie_issued", None)  # a new cookie for the new sign-in


def _current(timeout: float, providers: list[str]) -> Actor:
    """The session's actor now: timed out, refreshed from the accounts file, or from the OpenID
    Connect identity."""
    state = st.session_state
    now = clock()
    actor: Actor = state.get("actor", PUBLIC_ACTOR)
    if actor.username and now - state.get("actor_seen", now) > timeout:
        _sign_out("timed_out")
        return PUBLIC_ACTOR
    identity = _oidc_identity() if providers else None
    if not actor.username and identity is None:
        actor = _from_cookie(timeout, now)
    try:
        return _refreshed(actor, identity, timeout, now)
    except accounts.AccountError as problem:  # an accounts file that cannot be read: nobody is signed in
        accounts.LOG.error("sign-in unavailable: %s", problem)
        for key in ("actor", "actor_via", "actor_seen"):
            state.pop(key, None)
        state["sign_in_notice"] = "unavailable"
        return PUBLIC_ACTOR


def _from_cookie(timeout: float, now: float) -> Actor:
    """The actor a new session (a reload, a link opened in another tab) is signed in as by the
    cookie of an earlier password sign-in still within the timeout, else the public."""
    state = st.session_state
    token = st.context.cookies.get(COOKIE)
    if not token or state.get("cookie_spent"):
        return PUBLIC_ACTOR
    state["cookie_spent"] = True  # once per session: a sign-out must not be undone by it
    try:
        actor = accounts.actor_from_token(token, timeout)
    except accounts.AccountError:
        actor = None
    if actor is None:  # expired, altered, or the account changed its password or was disabled
        state["forget_cookie"] = True
        return PUBLIC_ACTOR
    accounts.LOG.info("sign-in kept from an earlier session's cookie: username=%r", actor.username)
    state.update(actor=actor, actor_via="password", actor_seen=now)
    return actor


def _cookie_script(value: str, max_age_s: int) -> str:
    """A script that sets (or, with no value, clears) the sign-in cookie for the whole app."""
    return (
        "<script>document.cookie = "
        f"'{COOKIE}={value}; Max-Age={max_age_s}; Path=/; SameSite=Strict'"
        " + (location.protocol === 'https:' ? '; Secure' : '');</script>"
    )


def _keep_cookie(actor: Actor, timeout: int) -> None:
    """Set the sign-in cookie of a password sign-in, renewed now and then while in use; clear a
    cookie that signed nobody in or belongs to a signed-out session."""
    state = st.session_state
    if actor.username and state.get("actor_via") == "password":
        issued = state.get("cookie_issued")
        if issued is None or clock() - issued > RENEW_COOKIE_AFTER_S:
            token = accounts.issue_token(actor.username)
            if token:  # URL-safe characters only: nothing to escape in the script
                st.html(_cookie_script(token, timeout), unsafe_allow_javascript=True)
                state["cookie_issued"] = clock()
    elif state.pop("forget_cookie", False):
        st.html(_cookie_script("", 0), unsafe_allow_javascript=True)


def _refreshed(actor: Actor, identity: dict | None, timeout: float, now: float) -> Actor:
    """The actor as the accounts file and the OpenID Connect identity say now."""
    state = st.session_state
    if identity is not None and state.get("actor_via") != "password":
        email = str(identity.get("email") or "")
        account = accounts.find_by_email(accounts.load(), email) if email else None
        if identity.get("email_verified") is False:
            account = None  # an address the provider has not checked names nobody
        if account is None or account.disabled:
            state["sign_in_notice"] = "unknown_email"
            state["sign_in_email"] = email
            return PUBLIC_ACTOR
        if "actor_seen" not in state:  # a new session of an identity signed in earlier
            idle_since = max(float(identity.get("iat") or now), _LAST_SEEN.get(account.username, 0.0))
            state.update(actor=account.actor, actor_via="oidc")
            if now - idle_since > timeout:
                _sign_out("timed_out")
                return PUBLIC_ACTOR
            accounts.LOG.info("sign-in succeeded through OpenID Connect: username=%r", account.username)
        actor = account.actor
        state.update(actor=actor, actor_via="oidc")
        _LAST_SEEN[actor.username] = now
    elif actor.username:
        refreshed = accounts.current_actor(actor.username)
        if refreshed is None:
            _sign_out("account_gone")
            return PUBLIC_ACTOR
        actor = refreshed
        state["actor"] = actor
    if actor.username:
        state["actor_seen"] = now
    return actor


def _who(actor: Actor, t: Translator, district_names: Mapping[str, str]) -> str:
    name, role = escape_markdown(actor.name), t(f"role.{actor.role}")
    if actor.districts:
        places = ", ".join(escape_markdown(district_names.get(code, code)) for code in actor.districts)
        return t("sign_in.signed_in_as_districts", name=name, role=role, districts=places)
    return t("sign_in.signed_in_as", name=name, role=role)


def _notice(t: Translator) -> None:
    state = st.session_state
    notice = state.pop("sign_in_notice", None)
    if notice == "timed_out":
        minutes = get_settings().session_timeout_minutes
        st.info(t.plural("sign_in.timed_out", minutes), icon=":material/timer_off:")
    elif notice == "account_gone":
        st.warning(t("sign_in.account_gone"))
    elif notice == "unavailable":
        st.error(t("sign_in.unavailable"))
    elif notice == "unknown_email":
        email = escape_markdown(state.pop("sign_in_email", "") or "?")
        st.warning(t("sign_in.unknown_email", email=email))


def _box(t: Translator, providers: list[str]) -> None:
    """The "Sign in" box of a session nobody signed in to."""
    state, language = st.session_state, t.language
    problem = state.get("sign_in_problem")
    with st.expander(t("sign_in.title"), icon=":material/login:"):
        st.caption(t("sign_in.public_view"))
        if providers and _oidc_identity() is not None:  # an identity no account has: leave it
            st.button(t("sign_in.sign_out"), key=f"sign_out_oidc_{language}", on_click=st.logout)
            providers = []
        for provider in providers:
            label = t("sign_in.with_provider_default") if provider == "default" else provider.capitalize()
            if st.button(t("sign_in.with", provider=label), key=f"sign_in_oidc_{provider}_{language}"):
                state.pop("actor_seen", None)
                st.login(None if provider == "default" else provider)
        with st.form(f"sign_in_{language}", border=False, enter_to_submit=True):
            st.text_input(t("sign_in.username"), key=f"sign_in_username_{language}", autocomplete="username")
            st.text_input(
                t("sign_in.password"),
                type="password",
                key=f"sign_in_password_{language}",
                autocomplete="current-password",
            )
            st.form_submit_button(t("sign_in.submit"), on_click=_submit, args=(language,), type="primary")
        if problem:
            message_id, seconds = problem
            text = t.plural(message_id, seconds) if message_id.endswith("wait") else t(message_id)
            st.error(text, icon=":material/error:")


def current_actor() -> Actor:
    """Who this session is at the start of a run, without showing anything: the actor signed in
    (timed out after ``session_timeout_minutes`` idle, refreshed from the accounts file), a new
    session signed in again by its sign-in cookie, or the public. The router asks this first, so
    that a reload or a link opened signed in runs the page it names as that actor at once."""
    return _current(get_settings().session_timeout_minutes * 60, _oidc_providers())


def signed_in_actor(t: Translator, district_names: Mapping[str, str] | None = None) -> Actor:
    """Show the sign-in box (or who is signed in, with a sign-out button) in the current
    container and return the session's actor (:data:`~lib.access.PUBLIC_ACTOR` when nobody is
    signed in), kept in ``st.session_state["actor"]``.

    Parameters
    ----------
    t : the language of the words.
    district_names : a coordinator's districts by code, in that language (codes without it).
    """
    _log_somewhere()
    providers = _oidc_providers()
    timeout = get_settings().session_timeout_minutes * 60
    actor = _current(timeout, providers)
    _keep_cookie(actor, timeout)
    _notice(t)
    if actor.username:
        st.session_state.pop("sign_in_problem", None)
        st.markdown(_who(actor, t, district_names or {}))
        st.button(t("sign_in.sign_out"), key=f"sign_out_{t.language}", on_click=_sign_out, icon=":material/logout:")
        return actor
    st.session_state["actor"] = PUBLIC_ACTOR
    _box(t, providers)
    return PUBLIC_ACTOR
