"""The app's frame: page config, the shared context, the sidebar, sign-in and the page router.

``app.py`` calls :func:`run`; every ``pages/`` file starts with :func:`page_context` and then
hands over to its module here (pages/list.py → geo.app.listing, pages/plan.py → geo.app.plan, …).
"""
from __future__ import annotations

import contextvars

import streamlit as st

from geo import i18n
from geo.app import context, map_panel, signin, ui_texts
from geo.app import state as app_state
from geo.app.sidebar import sidebar
from geo.app.state import Keys


@st.cache_resource(show_spinner=False)
def favicon():
    """The tab icon, drawn here: a Material icon or emoji favicon would be fetched from a CDN."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((2, 2, 62, 62), radius=12, fill="#0072B2")
    draw.polygon([(32, 10), (52, 32), (32, 54), (12, 32)], fill="#E69F00", outline="white")
    draw.ellipse((26, 26, 38, 38), fill="white")
    return img


def map_page() -> None:
    """地图: the default page (its body is geo.app.map_panel)."""
    map_panel.render(st.session_state[Keys.CONTEXT])


def run() -> None:
    """Build the shared context, then hand over to the page the URL asks for."""
    st.set_page_config(page_title="规划项目一张图", page_icon=favicon(), layout="wide",
                       initial_sidebar_state="auto")
    ctx = context.load_context()
    ctx.state = sidebar(ctx)
    signin.sign_in_box(ctx.lang)
    ui_texts.translate_widgets(ctx.lang)  # the multiselect's "Select all" / "No results" in Chinese
    context.apply_filters(ctx)
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
    if page is pages[0] and app_state.projector_requested():  # ?projector=1 on the map page: meeting-room view
        st.switch_page(next(p for p in pages if p.url_path == "projector"))
    token = _ROUTED.set(True)
    try:
        page.run()
    finally:
        _ROUTED.reset(token)
    app_state.write_url(app_state.current())


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
    return context.refresh_items(ctx)


__all__ = ["run", "page_context", "map_page", "favicon"]
