"""编辑登录 (the sidebar's sign-in box): who is here. Viewers (not signed in) see everything read-only.

登录 works on the first press: the form's submit button has an ``on_click`` callback, which
Streamlit runs before the script, so a rerun started by the map component at the same moment
cannot swallow it (a rerun interrupts the script, never a callback).

The sign-in lasts: a signed, expiring token (``geo.auth.start_session``) goes into a cookie,
written by a tiny script in the page; a new session (a reload, a shared link, a link from
原文) reads it from ``st.context.cookies`` and is signed in again. 退出登录 revokes the session
id on the server, so the cookie no longer signs in anywhere, and clears the cookie. Every run
checks that the session id is still active, so a sign-out in one tab ends the others too.
"""
from __future__ import annotations

import json

import streamlit as st

from geo import auth, i18n
from geo.app.state import Keys
from geo.app.widgets import md
from geo.auth import User


def current_user() -> User:
    user = st.session_state.get(Keys.AUTH_USER)
    return user if isinstance(user, User) else auth.ANONYMOUS


def _sessions() -> auth.SessionStore:
    return auth.SessionStore.in_data_dir()


def _browser_cookie() -> str | None:
    try:
        return st.context.cookies.get(auth.COOKIE)
    except Exception:  # noqa: BLE001 - no browser (bare mode, AppTest): no cookie
        return None


def _forget(ss) -> None:
    for key in (Keys.AUTH_USER, Keys.AUTH_SESSION, Keys.AUTH_TOKEN, Keys.EDIT_BASE):
        ss.pop(key, None)


def _on_sign_in() -> None:
    """The 登录 button's callback: runs before the script, so no rerun can lose the press."""
    ss = st.session_state
    name, password = ss.get(Keys.AUTH_NAME) or "", ss.get(Keys.AUTH_PASSWORD) or ""
    ss.pop(Keys.AUTH_ERROR, None)
    try:
        user = auth.sign_in(name, password)
    except auth.AuthError as exc:
        ss[Keys.AUTH_ERROR] = exc.message
        return
    _forget(ss)
    ss[Keys.AUTH_USER] = user
    ss.pop(Keys.AUTH_COOKIE_CLEAR, None)
    try:
        session, token = auth.start_session(user, secret=auth.cookie_secret(), sessions=_sessions())
    except OSError as exc:  # the data folder is read-only: signed in for this tab only
        ss[Keys.AUTH_ERROR] = i18n.Message("signin_not_lasting", msg=str(exc))
        return
    ss[Keys.AUTH_SESSION] = session.session_id
    ss[Keys.AUTH_TOKEN] = token


def _on_sign_out() -> None:
    ss = st.session_state
    try:
        auth.end_session(ss.get(Keys.AUTH_SESSION), sessions=_sessions())
    except OSError as exc:
        ss[Keys.AUTH_ERROR] = i18n.Message("signout_not_saved", msg=str(exc))
    _forget(ss)
    ss[Keys.AUTH_COOKIE_CLEAR] = True


def _restore() -> None:
    """Once per browser session: sign in again from the cookie; every run: drop a session ended elsewhere."""
    ss = st.session_state
    user = ss.get(Keys.AUTH_USER)
    if isinstance(user, User):
        sid = ss.get(Keys.AUTH_SESSION)
        if sid and not _sessions().is_active(sid, user.name):  # signed out in another tab, or expired
            _forget(ss)
            ss[Keys.AUTH_COOKIE_CLEAR] = True
            ss[Keys.AUTH_ERROR] = i18n.Message("signin_ended")
        return
    if ss.get(Keys.AUTH_COOKIE_READ):
        return
    ss[Keys.AUTH_COOKIE_READ] = True
    token = _browser_cookie()
    if not token:
        return
    try:
        session = auth.resume_session(token, secret=auth.cookie_secret(), sessions=_sessions())
    except OSError:
        session = None
    if session is None:
        ss[Keys.AUTH_COOKIE_CLEAR] = True  # forged, expired or revoked: the browser forgets it
        return
    ss[Keys.AUTH_USER] = session.user
    ss[Keys.AUTH_SESSION] = session.session_id
    ss[Keys.AUTH_TOKEN] = token


def _cookie_script(token: str | None) -> str:
    """A script that stores (or, with None, deletes) the sign-in cookie for the whole app."""
    name = json.dumps(auth.COOKIE)
    if token is None:
        value, age = '""', 0
    else:
        value, age = json.dumps(token), int(auth.session_hours() * 3600)
    return ("<script>(function(){var s=location.protocol==='https:'?'; Secure':'';"
            f"document.cookie={name}+'='+{value}+'; path=/; max-age={age}; SameSite=Lax'+s;"
            "})();</script>")


def _write_cookie(ss) -> None:
    token = ss.get(Keys.AUTH_TOKEN)
    if token:
        st.html(_cookie_script(token), unsafe_allow_javascript=True, width="content")
    elif ss.get(Keys.AUTH_COOKIE_CLEAR):
        st.html(_cookie_script(None), unsafe_allow_javascript=True, width="content")


def sign_in_box(lang: str) -> User:
    """Sidebar: the signed-in editor and a sign-out button, or a sign-in form. Returns the current user."""
    ss = st.session_state
    _restore()
    user = current_user()
    message = ss.get(Keys.AUTH_ERROR)
    with st.sidebar:
        _write_cookie(ss)
        if user.can_edit:
            st.success(i18n.t("signed_in_as", lang, name=user.name))
            if message is not None:
                st.warning(md(i18n.say(message, lang)))
                ss.pop(Keys.AUTH_ERROR, None)
            st.button(i18n.t("sign_out", lang), key=Keys.AUTH_SIGN_OUT, on_click=_on_sign_out)
            return user
        with st.expander(i18n.t("sign_in_title", lang), expanded=message is not None):
            st.caption(i18n.t("viewer_note", lang))
            if message is not None:
                st.error(md(i18n.say(message, lang)))
                ss.pop(Keys.AUTH_ERROR, None)
            with st.form(Keys.AUTH_FORM, clear_on_submit=True):
                st.text_input(i18n.t("user_name", lang), key=Keys.AUTH_NAME)
                st.text_input(i18n.t("password", lang), type="password", key=Keys.AUTH_PASSWORD)
                st.form_submit_button(i18n.t("sign_in", lang), on_click=_on_sign_in)
    return current_user()


__all__ = ["current_user", "sign_in_box"]
