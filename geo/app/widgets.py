"""Small pieces several pages share: escaping data for markdown, touch-sized buttons, the one-time
message after a save, the data-problem banners, the counts line, the browser GPS fix and the
description of a drawn geometry."""
from __future__ import annotations

import html
import json
import time

import streamlit as st

from geo import config, i18n, locate
from geo.app.state import Keys
from geo.mapview import split_by_precision

_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$"

# Large touch targets for phones (field page and editing buttons).
TOUCH_CSS = """
<style>
div[data-testid="stButton"] button, a[data-testid="stBaseLinkButton-secondary"],
a[data-testid="stBaseLinkButton-primary"], div[data-testid="stFormSubmitButton"] button {
  min-height: 48px; font-size: 1.05rem;
}
div[data-testid="stSelectbox"] div[data-baseweb="select"] { min-height: 48px; }
</style>
"""


def md(text) -> str:
    """Text from data, safe inside st.markdown (markdown and HTML characters escaped)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


def short(value) -> str:
    """A history value in at most 80 characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


def touch_targets() -> None:
    st.markdown(TOUCH_CSS, unsafe_allow_html=True)  # constant CSS, no data in it


# ---- the message shown once after a save / undo --------------------------------------
def flash(message: str, kind: str = "success") -> None:
    st.session_state[Keys.EDIT_FLASH] = (kind, message)


def show_flash() -> None:
    msg = st.session_state.pop(Keys.EDIT_FLASH, None)
    if msg:
        getattr(st, msg[0], st.info)(msg[1])


# ---- what is wrong with the data, what is shown --------------------------------------
def show_problems(ctx) -> None:
    lang = ctx.lang
    for p in ctx.problems:
        if "places" in p and ctx.places.problem == p:
            st.warning(i18n.t("places_error", lang, msg=p))
        else:
            st.error(i18n.t("data_error", lang, msg=p))
    if not ctx.features and not [p for p in ctx.problems if p != ctx.places.problem]:
        st.info(i18n.t("data_empty", lang, path=config.data_dir()))
    # FileStore moved a dead writer's temp file aside at start-up; shown until someone deletes it.
    recovered = [p for p in (getattr(ctx.store, "recovered", None) or []) if p.exists()]
    if recovered:
        st.warning(i18n.t("store_recovered", lang, n=len(recovered), path=recovered[0].parent))
    from geo.assets import missing_files
    missing = missing_files()
    if missing:
        st.warning(i18n.t("assets_missing", lang, n=len(missing)))


def counts_line(ctx) -> None:
    located, coarse = split_by_precision(ctx.filtered)
    lang = ctx.lang
    st.markdown(f"**{i18n.t('count_shown', lang, shown=len(ctx.filtered), total=len(ctx.features))}** · "
                f"{i18n.t('count_drawn', lang, drawn=len(located), unlocated=len(coarse))}")


# ---- geometry in words --------------------------------------------------------------
def describe_geometry(geometry: dict, lang: str) -> str:
    gtype = geometry.get("type")
    if gtype == "Point":
        lon, lat = geometry["coordinates"][:2]
        return i18n.t("proposal_point", lang, lon=f"{lon:.6f}", lat=f"{lat:.6f}")
    n = len(geometry["coordinates"][0]) - 1 if gtype == "Polygon" else len(geometry.get("coordinates") or [])
    return i18n.t("proposal_shape", lang, kind=i18n.t("shape_" + gtype.lower(), lang), n=n)


# ---- GPS from the browser ("我在这里") --------------------------------------------------
def gps_button(lang: str, where: str = "gps") -> dict | None:
    """"I am here": asks the browser for a position (needs HTTPS or localhost). Returns the last fix or None.

    The fix is {lon, lat, accuracy_m, ts}; errors (permission denied, no fix) are shown.
    """
    from streamlit_js_eval import get_geolocation
    ss = st.session_state
    if st.button(i18n.t("gps_here", lang), key=Keys.gps_button(where), type="primary", width="stretch",
                 icon=":material/my_location:"):
        ss[Keys.GPS_REQUEST] = int(ss.get(Keys.GPS_REQUEST, 0)) + 1
        ss.pop(Keys.GPS_FIX, None)
    request = ss.get(Keys.GPS_REQUEST)
    if request and Keys.GPS_FIX not in ss:
        answer = get_geolocation(component_key=Keys.gps_component(where, request))
        if answer is None:
            st.caption(i18n.t("gps_waiting", lang))
        elif "error" in answer:
            ss[Keys.GPS_REQUEST] = 0
            st.error(i18n.t("gps_error", lang, msg=html.escape(str((answer.get("error") or {}).get("message") or
                                                                     answer.get("error")))))
        else:
            c = answer.get("coords") or {}
            ss[Keys.GPS_FIX] = {"lon": float(c["longitude"]), "lat": float(c["latitude"]),
                                "accuracy_m": float(c.get("accuracy") or 0), "ts": time.time()}
            st.rerun()
    fix = ss.get(Keys.GPS_FIX)
    if fix:
        st.markdown(i18n.t("gps_fix", lang, lon=f"{fix['lon']:.6f}", lat=f"{fix['lat']:.6f}",
                           acc=f"{fix['accuracy_m']:.0f}"))
        if fix["accuracy_m"] > locate.GPS_CONFIRM_ABOVE_M:
            st.warning(i18n.t("gps_poor", lang, acc=f"{fix['accuracy_m']:.0f}"))
    return fix


__all__ = ["TOUCH_CSS", "md", "short", "touch_targets", "flash", "show_flash", "show_problems", "counts_line",
           "describe_geometry", "gps_button"]
