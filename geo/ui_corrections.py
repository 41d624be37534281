"""Plan-text page: an editor drops a wrong extraction or adds a clause the extractor missed."""
from __future__ import annotations

import streamlit as st

from geo import auth, i18n, ui_edit, ui_state
from geo.contract import CATEGORIES, STATUSES
from geo.corrections import CorrectionError, item_from_clause, with_dropped
from geo.editing import EditConflict, EditError, edit_item
from geo.store.base import StoreError


def corrections_panel(ctx, plan_items: list[dict], plan_text: str, selected: dict | None, lang: str) -> None:
    user = ui_edit.current_user()
    if not user.can_edit:
        st.caption(i18n.t("edit_needs_signin", lang))
        return
    st.markdown(f"**{i18n.t('corrections', lang)}**")
    ui_edit.show_flash()
    if selected is not None:
        _drop_or_restore(ctx, selected, user, lang)
    dropped = [f for f in plan_items if (f.get("properties") or {}).get("dropped")]
    if dropped:
        with st.expander(f"{i18n.t('dropped_list', lang)} ({len(dropped)})"):
            for f in dropped:
                c1, c2 = st.columns([3, 1])
                c1.markdown(ui_edit.md(f["properties"].get("name") or f["id"]))
                if c2.button(i18n.t("restore_item", lang), key=f"restore_{f['id']}"):
                    _save_dropped(ctx, f, False, user, lang)
    _add_missed(ctx, plan_items, plan_text, user, lang)


def _drop_or_restore(ctx, feature: dict, user, lang: str) -> None:
    is_dropped = bool(feature["properties"].get("dropped"))
    if is_dropped:
        st.info(i18n.t("dropped_note", lang))
    label = i18n.t("restore_item" if is_dropped else "drop_item", lang)
    if st.button(label, key=f"drop_{feature['id']}"):
        _save_dropped(ctx, feature, not is_dropped, user, lang)


def _save_dropped(ctx, feature: dict, dropped: bool, user, lang: str) -> None:
    try:
        saved = edit_item(ctx.store, feature["id"], lambda f: with_dropped(f, dropped), user=user,
                          expected_version=ui_edit.opened_version(feature))
    except (auth.NotAllowed, EditConflict, EditError) as exc:
        st.error(ui_edit.md(exc))
        return
    ui_edit.remember_version(feature["id"], saved["properties"]["version"])
    ui_edit.flash(i18n.t("saved", lang, version=saved["properties"]["version"]))
    st.rerun()


def _add_missed(ctx, plan_items: list[dict], plan_text: str, user, lang: str) -> None:
    with st.expander(i18n.t("add_missed", lang)):
        with st.form("add_missed_form", clear_on_submit=False):
            clause = st.text_area(i18n.t("clause", lang), key="missed_clause")
            name = st.text_input(i18n.t("item_name", lang), key="missed_name")
            c1, c2 = st.columns(2)
            category = c1.selectbox(i18n.t("category", lang), list(CATEGORIES), key="missed_category",
                                    format_func=lambda c: i18n.category_label(c, lang))
            status = c2.selectbox(i18n.t("status", lang), list(STATUSES), index=list(STATUSES).index("planned"),
                                  key="missed_status", format_func=lambda s: i18n.status_label(s, lang))
            submitted = st.form_submit_button(i18n.t("add_item", lang))
    if not submitted:
        return
    plan = dict((plan_items[0].get("properties") or {})) if plan_items else {}
    try:
        auth.require_editor(user)
        feature = item_from_clause(plan_text, clause, plan=plan, name=name, category=category, status=status)
        saved = ctx.store.save_item(feature, expected_version=None, user=user.name)
    except (auth.NotAllowed, CorrectionError, StoreError) as exc:
        st.error(ui_edit.md(exc))
        return
    ui_state.select([saved["id"]], "plan")
    ui_edit.flash(i18n.t("item_added", lang, name=saved["properties"]["name"]))
    st.rerun()
