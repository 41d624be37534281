"""编辑登录 (the sidebar's sign-in box): who is here. Viewers (not signed in) see everything read-only."""
from __future__ import annotations

import streamlit as st

from geo import auth, i18n
from geo.app.state import Keys
from geo.app.widgets import md
from geo.auth import User


def current_user() -> User:
    user = st.session_state.get(Keys.AUTH_USER)
    return user if isinstance(user, User) else auth.ANONYMOUS


def sign_in_box(lang: str) -> User:
    """Sidebar: the signed-in editor and a sign-out button, or a sign-in form. Returns the current user."""
    user = current_user()
    with st.sidebar:
        if user.can_edit:
            st.success(i18n.t("signed_in_as", lang, name=user.name))
            if st.button(i18n.t("sign_out", lang), key=Keys.AUTH_SIGN_OUT):
                st.session_state.pop(Keys.AUTH_USER, None)
                st.session_state.pop(Keys.EDIT_BASE, None)
                st.rerun()
            return user
        with st.expander(i18n.t("sign_in_title", lang), expanded=False):
            st.caption(i18n.t("viewer_note", lang))
            with st.form(Keys.AUTH_FORM, clear_on_submit=True):
                name = st.text_input(i18n.t("user_name", lang), key=Keys.AUTH_NAME)
                password = st.text_input(i18n.t("password", lang), type="password", key=Keys.AUTH_PASSWORD)
                submitted = st.form_submit_button(i18n.t("sign_in", lang))
            if submitted:
                try:
                    st.session_state[Keys.AUTH_USER] = auth.sign_in(name, password)
                except auth.AuthError as exc:
                    st.error(md(i18n.say(exc, lang)))
                else:
                    st.rerun()
    return current_user()


__all__ = ["current_user", "sign_in_box"]
