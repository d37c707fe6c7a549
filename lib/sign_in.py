"""Sign-in (placeholder until the sign-in box lands: whoever the session already is)."""

import streamlit as st

from lib.access import PUBLIC_ACTOR, Actor


def signed_in_actor(t) -> Actor:
    return st.session_state.get("actor", PUBLIC_ACTOR)
