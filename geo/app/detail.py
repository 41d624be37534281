"""详情 (the detail panel beside the map, the list and the plan text): the selected item's fields,
its source sentence, the editing part (geo.app.edit) and its change history (修改记录)."""
from __future__ import annotations

import streamlit as st

from geo import history_view, i18n
from geo.app import edit
from geo.app.widgets import md
from geo.mapview.popups import quantity_text
from geo.progress import change_words, changes_since_plan


def detail_panel(ctx, item_id: str | None) -> None:
    lang = ctx.lang
    st.subheader(i18n.t("detail", lang))
    feature = ctx.get(item_id) if item_id else None
    if feature is None:
        st.caption(i18n.t("select_hint", lang))
        return
    p = feature.get("properties") or {}
    st.markdown(f"#### {md(p.get('name') or feature.get('id'))}")
    rows = [
        (i18n.t("category", lang), i18n.category_label(p.get("category"), lang)),
        (i18n.t("status", lang), i18n.status_label(p.get("status"), lang)),
        (i18n.t("change_col", lang), change_words(changes_since_plan([feature]).get(feature.get("id")), lang)),
        (i18n.t("area", lang), i18n.area_label(p.get("area"), lang)),
        (i18n.t("quantity", lang), quantity_text(p.get("quantity"), lang)),
        (i18n.t("budget", lang), "" if p.get("budget_wan") is None else str(p.get("budget_wan"))),
        (i18n.t("precision", lang), i18n.precision_label(p.get("precision"), lang)),
        (i18n.t("geometry_source", lang), i18n.geometry_source_label(p.get("geometry_source"), lang)),
        (i18n.t("places", lang), "、".join(p.get("places") or [])),
        (i18n.t("section", lang), p.get("section") or ""),
        (i18n.t("notes", lang), p.get("notes") or ""),
        (i18n.t("id", lang), str(feature.get("id"))),
    ]
    st.dataframe({"k": [k for k, v in rows if v], "v": [v for k, v in rows if v]}, hide_index=True,
                 width="stretch", column_config={"k": st.column_config.TextColumn(" ", width="small"),
                                                 "v": st.column_config.TextColumn(" ", width="large")})
    if p.get("text"):
        st.markdown(f"**{i18n.t('source_text', lang)}**")
        st.text(p["text"])  # plain text: never interpreted as markdown or HTML
    edit.edit_panel(ctx, feature)  # editing (editors) / read-only notice (viewers)
    history_table(ctx, feature, lang)


def history_table(ctx, feature: dict, lang: str) -> None:
    """修改记录: the item's audit entries, newest first."""
    st.markdown(f"**{i18n.t('history', lang)}**")
    history = []
    if ctx.store is not None:
        try:
            history = ctx.store.history(feature.get("id"))
        except Exception as exc:  # noqa: BLE001
            st.warning(str(exc))
    rows = history_view.history_table(history, lang) if history else []
    if not rows:
        st.caption(i18n.t("no_history", lang))
    else:
        # st.table wraps long values, so the whole change is readable; it renders markdown: escape data
        st.table([{md(k): md(v) for k, v in row.items()} for row in rows], hide_index=True, border="horizontal")


__all__ = ["detail_panel", "history_table"]
