"""待定位: places that items refer to but that have no location, most-referenced first; place one
(map click, drawing, GPS, pasted coordinates, accepted online suggestion) and every item follows; undo."""
import streamlit as st

from geo import i18n, locate, ui_app, ui_edit
from geo.gazetteer import GazetteerError, load_gazetteer
from geo.ui_state import Keys

ctx = ui_app.page_context()
lang = ctx.lang
st.title(i18n.t("page_locate", lang))
st.markdown(ui_edit.TOUCH_CSS, unsafe_allow_html=True)  # constant CSS, no data in it
ui_edit.show_flash()
try:
    gazetteer = load_gazetteer()
except GazetteerError as exc:
    st.error(ui_edit.md(exc))
    st.stop()

queue = locate.unlocated_places(ctx.features, gazetteer)


def _kind(kind: str) -> str:
    try:
        return i18n.t("kind_" + kind, lang)
    except KeyError:
        return kind

st.caption(i18n.t("queue_help", lang))
user = ui_edit.current_user()
if not user.can_edit:
    st.info(i18n.t("read_only", lang))

if not queue:
    st.success(i18n.t("queue_empty", lang))
else:
    ids = [e.place_id for e in queue]
    if st.session_state.get(Keys.LOCATE_PLACE) not in ids:
        st.session_state[Keys.LOCATE_PLACE] = ids[0]
    by_id = {e.place_id: e for e in queue}
    st.selectbox(i18n.t("queue_title", lang), ids, key=Keys.LOCATE_PLACE,
                 format_func=lambda pid: i18n.t("queue_entry", lang, name=by_id[pid].name, kind=_kind(by_id[pid].kind),
                                                n=by_id[pid].count))
    entry = by_id[st.session_state[Keys.LOCATE_PLACE]]
    with st.expander(i18n.t("waiting_items", lang) + f" ({entry.count})", expanded=False):
        st.dataframe([{"name": (f.get("properties") or {}).get("name") or "",
                       "status": i18n.status_label((f.get("properties") or {}).get("status"), lang),
                       "precision": i18n.precision_label((f.get("properties") or {}).get("precision"), lang)}
                      for f in entry.items], hide_index=True, use_container_width=True,
                     column_config={"name": i18n.t("name", lang), "status": i18n.t("status", lang),
                                    "precision": i18n.t("precision", lang)})
    if user.can_edit:
        ui_edit.placement_panel(ctx, gazetteer, entry, lang)

if user.can_edit:
    ui_edit.undo_list(ctx, gazetteer, lang)
