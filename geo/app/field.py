"""现场 (the field page, phones at 360 px portrait): my position, located items nearest first with
the distance, one-tap Gaode/Baidu navigation and a quick status update."""
from __future__ import annotations

import streamlit as st

from geo import field, i18n, locate
from geo.app.edit import conflict_box, opened_version, save_change
from geo.app.signin import current_user
from geo.app.state import Keys
from geo.app.widgets import gps_button, md, show_flash, touch_targets
from geo.contract import STATUSES


def render(ctx) -> None:
    lang = ctx.lang
    touch_targets()
    st.header(i18n.t("field_title", lang))
    show_flash()
    st.caption(i18n.t("field_help", lang))
    if not current_user().can_edit:
        st.info(i18n.t("read_only", lang))

    fix = gps_button(lang, Keys.FIELD_GPS)
    with st.expander(i18n.t("field_manual", lang), expanded=False):
        text = st.text_input(i18n.t("paste_coords", lang), key=Keys.FIELD_COORDS, placeholder="121.2612, 28.9301")
        if text:
            try:
                pt = locate.parse_coordinates(text)
            except locate.LocateError as exc:
                st.error(md(i18n.say(exc, lang)))
            else:
                fix = {"lon": pt.lon, "lat": pt.lat, "accuracy_m": None}

    if not fix:
        st.info(i18n.t("field_no_position", lang))
    else:
        nearest = field.nearest_items(ctx.filtered, fix["lon"], fix["lat"], limit=20)
        if not nearest:
            st.info(i18n.t("field_none", lang))
        for n, near in enumerate(nearest, start=1):
            nearby_row(ctx, near, lang, n)


def nearby_row(ctx, near: field.Nearby, lang: str, index: int) -> None:
    f = near.feature
    p = f.get("properties") or {}
    item_id = f["id"]
    with st.container(border=True):
        st.markdown(f"**{index}. {md(p.get('name') or item_id)}**  \n"
                    f"{md(i18n.t('distance', lang))} {md(near.distance_text)} · {md(i18n.status_label(p.get('status'), lang))} · "
                    f"{md(i18n.category_label(p.get('category'), lang))}")
        prog = field.progress_of(f)
        if prog.target is not None:
            st.caption(prog.text(lang))
        links = field.navigation_links(f)
        if links:
            c1, c2 = st.columns(2)
            c1.link_button(i18n.t("nav_gaode", lang), links["gaode"], width="stretch", icon=":material/navigation:")
            c2.link_button(i18n.t("nav_baidu", lang), links["baidu"], width="stretch", icon=":material/navigation:")
        if not current_user().can_edit:  # viewers get no edit controls (the status is in the line above)
            return
        conflict_box(ctx, item_id, lang)
        opened_version(f)
        c3, c4 = st.columns([3, 2])
        status = c3.selectbox(i18n.t("status", lang), list(STATUSES), index=list(STATUSES).index(p["status"]),
                              format_func=lambda s: i18n.status_label(s, lang), key=Keys.field_status(item_id),
                              label_visibility="collapsed")
        if c4.button(i18n.t("save_status_short", lang), key=Keys.field_save(item_id), width="stretch"):
            if save_change(ctx, item_id, "status", status, lang=lang) or st.session_state.get(Keys.PENDING_EDIT):
                st.rerun()



__all__ = ["render", "nearby_row"]
