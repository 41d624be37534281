"""The app's frame: page config, shared context, sidebar, sign-in and the page router.

``app.py`` calls :func:`run`; every page file starts with :func:`page_context`.
"""
from __future__ import annotations

import contextvars

import streamlit as st

from geo import i18n, ui, ui_edit, ui_projector, ui_state
from geo.ui_state import Keys


def map_page() -> None:
    ctx = st.session_state[Keys.CONTEXT]
    lang = ctx.lang
    st.title(i18n.t("app_title", lang))
    ui.show_problems(ctx)
    ui.counts_line(ctx)
    selected = list(ctx.state.selected)
    from_elsewhere = st.session_state.get(Keys.SELECTED_FROM) not in (None, "map")
    left, right = st.columns([2, 1], gap="medium")
    with left:
        out = ui.show_map(ctx, ctx.filtered, key=Keys.MAP, selected=selected,
                          center_on=selected if from_elsewhere else ())
        if ui.handle_map_click(out):
            st.rerun()
    with right:
        ui.detail_panel(ctx, selected[0] if selected else None)
        ui.unlocated_panel(ctx, ctx.filtered, key="map_unlocated")


def run() -> None:
    """Build the shared context, then hand over to the page the URL asks for."""
    st.set_page_config(page_title="规划项目一张图", page_icon=ui.favicon(), layout="wide",
                       initial_sidebar_state="auto")
    ctx = ui.load_context()
    ctx.state = ui.sidebar(ctx)
    ui_edit.sign_in_box(ctx.lang)
    ui.apply_filters(ctx)
    st.session_state[Keys.CONTEXT] = ctx
    lang = ctx.lang
    pages = [
        st.Page(map_page, title=i18n.t("page_map", lang), icon=":material/map:", default=True),
        st.Page("pages/list.py", title=i18n.t("page_list", lang), icon=":material/table:", url_path="list"),
        st.Page("pages/plan.py", title=i18n.t("page_plan", lang), icon=":material/article:", url_path="plan"),
        st.Page("pages/locate.py", title=i18n.t("page_locate", lang), icon=":material/pin_drop:", url_path="locate"),
        st.Page("pages/field.py", title=i18n.t("page_field", lang), icon=":material/explore:", url_path="field"),
        st.Page("pages/projector.py", title=i18n.t("page_projector", lang), icon=":material/co_present:",
                url_path="projector"),
        st.Page("pages/exchange.py", title=i18n.t("page_exchange", lang), icon=":material/swap_vert:",
                url_path="exchange"),
    ]
    st.session_state[Keys.MAP_PAGE] = pages[0]
    page = st.navigation(pages, position="sidebar")
    if page is pages[0] and ui_projector.flag_requested():  # ?projector=1 on the map page: meeting-room view
        st.switch_page(next(p for p in pages if p.url_path == "projector"))
    token = _ROUTED.set(True)
    try:
        page.run()
    finally:
        _ROUTED.reset(token)
    ui_state.write_url(ui_state.current())


# Set while run() hands over to a page: a page file running without it was started by
# Streamlit directly, and any context in the session is from an earlier run.
_ROUTED: contextvars.ContextVar[bool] = contextvars.ContextVar("geo_routed", default=False)


def page_context():
    """The shared context for a page file.

    Streamlit runs a ``pages/`` file directly (its old multipage mode) for the first
    request of a freshly started server when that request is a deep link such as
    ``/list?status=planned`` (and AppTest's switch_page always does). The session's
    context is then missing or from an earlier run, so the app's own router runs from
    here: it builds a fresh context and re-enters this page through ``st.navigation``
    with the link intact; the outer run then stops. A context from an earlier run is
    reused for its view state, with the items read again.
    """
    if _ROUTED.get():
        return st.session_state[Keys.CONTEXT]
    ctx = st.session_state.get(Keys.CONTEXT)
    if ctx is None:
        run()
        st.stop()
    # Started directly with a context from an earlier run (AppTest's switch_page does this):
    # keep that run's view and filters, but read the items afresh.
    return ui.refresh_items(ctx)
