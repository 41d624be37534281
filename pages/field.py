"""现场 (phones, 360 px portrait): my position, located items nearest first with distance,
one-tap Gaode/Baidu navigation, quick status update."""
import streamlit as st

from geo import field, i18n, locate, ui_app, ui_edit


ctx = ui_app.page_context()
lang = ctx.lang
st.markdown(ui_edit.TOUCH_CSS, unsafe_allow_html=True)  # constant CSS, no data in it
st.header(i18n.t("field_title", lang))
ui_edit.show_flash()
st.caption(i18n.t("field_help", lang))

fix = ui_edit.gps_button(lang, key="field_gps")
with st.expander(i18n.t("field_manual", lang), expanded=False):
    text = st.text_input(i18n.t("paste_coords", lang), key="field_coords", placeholder="121.2612, 28.9301")
    if text:
        try:
            pt = locate.parse_coordinates(text)
        except locate.LocateError as exc:
            st.error(ui_edit.md(exc))
        else:
            fix = {"lon": pt.lon, "lat": pt.lat, "accuracy_m": None}

if not fix:
    st.info(i18n.t("field_no_position", lang))
else:
    nearest = field.nearest_items(ctx.filtered, fix["lon"], fix["lat"], limit=20)
    if not nearest:
        st.info(i18n.t("field_none", lang))
    for n, near in enumerate(nearest, start=1):
        ui_edit.nearby_row(ctx, near, lang, n)
