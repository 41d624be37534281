"""原文 (the plan page): the plan text with every item highlighted where it stands (clicking one
selects it), the detail panel, and 校对提取结果 — an editor drops a wrong extraction or adds a
clause the extractor missed."""
from __future__ import annotations

import streamlit as st

from geo import auth, config, i18n, plantext
from geo.app import state as app_state
from geo.app.detail import detail_panel
from geo.app.edit import opened_version, remember_version
from geo.app.signin import current_user
from geo.app.state import Keys, to_query
from geo.app.widgets import flash, md, show_flash, show_problems
from geo.contract import CATEGORIES, STATUSES
from geo.corrections import CorrectionError, item_from_clause, with_dropped
from geo.editing import EditConflict, EditError, edit_item
from geo.store.base import StoreError


# 原文: a click on a highlight selects its item in this session, without loading the page again. The
# highlights stay links (?item=…, for a new tab and for browsers without scripts); this script takes plain
# left clicks, writes the item id into the page's hidden text input and commits it (Enter), which reruns
# the page with the item selected. The id is read from the link's data-item attribute, never run.
PICK_CSS = f"""<style>.st-key-{Keys.PLAN_PICK} {{position:absolute!important;left:-10000px!important;width:1px!important;
height:1px!important;overflow:hidden!important}}</style>"""
PICK_JS = f"""
<script>
(function () {{
  const root = window;
  const handler = (e) => {{
    if (e.button !== 0 || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const a = e.target && e.target.closest ? e.target.closest('a.geo-mark[data-item]') : null;
    if (!a) return;
    const input = root.document.querySelector('.st-key-{Keys.PLAN_PICK} input');
    if (!input) return;
    e.preventDefault();
    const setter = Object.getOwnPropertyDescriptor(root.HTMLInputElement.prototype, 'value').set;
    input.focus();
    setter.call(input, a.getAttribute('data-item'));
    input.dispatchEvent(new Event('input', {{bubbles: true}}));
    input.dispatchEvent(new KeyboardEvent('keydown', {{key: 'Enter', code: 'Enter', keyCode: 13, which: 13, bubbles: true}}));
  }};
  if (root.__geoPlanPick) root.document.removeEventListener('click', root.__geoPlanPick, true);
  root.__geoPlanPick = handler;
  root.document.addEventListener('click', handler, true);
}})();
</script>
"""


def _picked(item_ids: frozenset) -> None:
    """The hidden input's callback: select the clicked item (only an item of this plan), then empty it."""
    ss = st.session_state
    value = str(ss.get(Keys.PLAN_PICK) or "").strip()
    ss[Keys.PLAN_PICK] = ""
    if value in item_ids:
        app_state.select([value], "plan")


def render(ctx) -> None:
    lang = ctx.lang
    st.title(i18n.t("page_plan", lang))
    show_problems(ctx)

    plans = sorted({(f.get("properties") or {}).get("plan") for f in ctx.features} - {None})
    plan = st.selectbox(i18n.t("plan", lang), plans) if len(plans) > 1 else (plans[0] if plans else None)
    path = plantext.plan_path(config.plans_dir(), plan) if plan else None
    if path is None:
        st.info(i18n.t("plan_missing", lang, path=f"{config.plans_dir()}/{plan or '?'}.txt"))
        st.stop()
    try:
        text = plantext.read_plan(path)
    except plantext.PlanTextError as exc:
        st.error(str(exc))
        st.stop()

    # Every item of the plan that passes the filters is marked; the rest of the text stays plain.
    items = [f for f in ctx.filtered if (f.get("properties") or {}).get("plan") == plan]
    selected = list(app_state.current().selected)  # the session's: a highlight click selects within this run
    st.caption(i18n.t("items_in_text", lang, n=len(plantext.marks(items, len(text)))))
    left, right = st.columns([3, 2], gap="medium")
    with right:
        with st.expander(i18n.t("toc", lang), expanded=False):
            st.html(plantext.toc_html(text))
        detail_panel(ctx, selected[0] if selected else None)
        if selected:
            st.page_link(st.session_state[Keys.MAP_PAGE], label=i18n.t("show_on_map", lang), icon=":material/map:")
        plan_items = [f for f in ctx.features if (f.get("properties") or {}).get("plan") == plan]
        corrections_panel(ctx, plan_items, text, ctx.get(selected[0]) if selected else None, lang)
    with left:
        params = to_query(ctx.state)
        params.pop("item", None)
        # the plan's own text first; the web page's chrome the extractor skipped is folded away below it
        shown = plantext.marks(items, len(text))
        chrome = plantext.chrome_runs(text, keep=plantext.marks(plan_items_all(ctx, plan), len(text)))
        st.html(plantext.PLAN_CSS + plantext.legend_html(shown, lang))
        st.html(plantext.PLAN_CSS + plantext.render_html(text, items, link_params=params, selected=set(selected),
                                                         lang=lang, fold=chrome))
        st.html(PICK_CSS)
        st.text_input("item", key=Keys.PLAN_PICK, on_change=_picked,
                      args=(frozenset(str(f.get("id")) for f in items),), label_visibility="collapsed")
        st.html(PICK_JS, unsafe_allow_javascript=True)
        if chrome:
            lines = plantext.chrome_lines(text, chrome)
            with st.expander(i18n.t("plan_chrome_n", lang, n=len(lines)), expanded=False):
                st.caption(i18n.t("plan_chrome_help", lang))
                st.html(plantext.PLAN_CSS + plantext.chrome_html(text, chrome))


def plan_items_all(ctx, plan) -> list[dict]:
    """Every item of the plan, filtered or not (a span of any of them is never folded away as chrome)."""
    return [f for f in ctx.features if (f.get("properties") or {}).get("plan") == plan]


def corrections_panel(ctx, plan_items: list[dict], plan_text: str, selected: dict | None, lang: str) -> None:
    user = current_user()
    if not user.can_edit:
        st.caption(i18n.t("edit_needs_signin", lang))
        return
    st.markdown(f"**{i18n.t('corrections', lang)}**")
    show_flash()
    if selected is not None:
        _drop_or_restore(ctx, selected, user, lang)
    dropped = [f for f in plan_items if (f.get("properties") or {}).get("dropped")]
    if dropped:
        with st.expander(f"{i18n.t('dropped_list', lang)} ({len(dropped)})"):
            for f in dropped:
                c1, c2 = st.columns([3, 1])
                c1.markdown(md(f["properties"].get("name") or f["id"]))
                if c2.button(i18n.t("restore_item", lang), key=Keys.restore(f["id"])):
                    _save_dropped(ctx, f, False, user, lang)
    _add_missed(ctx, plan_items, plan_text, user, lang)


def _drop_or_restore(ctx, feature: dict, user, lang: str) -> None:
    is_dropped = bool(feature["properties"].get("dropped"))
    if is_dropped:
        st.info(i18n.t("dropped_note", lang))
    label = i18n.t("restore_item" if is_dropped else "drop_item", lang)
    if st.button(label, key=Keys.drop(feature["id"])):
        _save_dropped(ctx, feature, not is_dropped, user, lang)


def _save_dropped(ctx, feature: dict, dropped: bool, user, lang: str) -> None:
    try:
        saved = edit_item(ctx.store, feature["id"], lambda f: with_dropped(f, dropped), user=user,
                          expected_version=opened_version(feature))
    except (auth.NotAllowed, EditConflict, EditError) as exc:
        st.error(md(i18n.say(exc, lang)))
        return
    remember_version(feature["id"], saved["properties"]["version"])
    flash(i18n.t("saved", lang, version=saved["properties"]["version"]))
    st.rerun()


def _add_missed(ctx, plan_items: list[dict], plan_text: str, user, lang: str) -> None:
    with st.expander(i18n.t("add_missed", lang)):
        with st.form(Keys.ADD_MISSED_FORM, clear_on_submit=False):
            clause = st.text_area(i18n.t("clause", lang), key=Keys.MISSED_CLAUSE)
            name = st.text_input(i18n.t("item_name", lang), key=Keys.MISSED_NAME)
            c1, c2 = st.columns(2)
            category = c1.selectbox(i18n.t("category", lang), list(CATEGORIES), key=Keys.MISSED_CATEGORY,
                                    format_func=lambda c: i18n.category_label(c, lang))
            status = c2.selectbox(i18n.t("status", lang), list(STATUSES), index=list(STATUSES).index("planned"),
                                  key=Keys.MISSED_STATUS, format_func=lambda s: i18n.status_label(s, lang))
            submitted = st.form_submit_button(i18n.t("add_item", lang))
    if not submitted:
        return
    plan = dict((plan_items[0].get("properties") or {})) if plan_items else {}
    try:
        auth.require_editor(user)
        feature = item_from_clause(plan_text, clause, plan=plan, name=name, category=category, status=status)
        saved = ctx.store.save_item(feature, expected_version=None, user=user.name)
    except (auth.NotAllowed, CorrectionError, StoreError) as exc:
        st.error(md(i18n.say(exc, lang)))
        return
    app_state.select([saved["id"]], "plan")
    flash(i18n.t("item_added", lang, name=saved["properties"]["name"]))
    st.rerun()


__all__ = ["render", "corrections_panel"]
