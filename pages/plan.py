"""原文: the plan text with every item highlighted where it stands; clicking one selects it."""
import streamlit as st

from geo import config, i18n, plantext, ui, ui_app, ui_corrections
from geo.ui_state import Keys, to_query

ctx = ui_app.page_context()
lang = ctx.lang
st.title(i18n.t("page_plan", lang))
ui.show_problems(ctx)

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
selected = list(ctx.state.selected)
st.caption(i18n.t("items_in_text", lang, n=len(plantext.marks(items, len(text)))))
left, right = st.columns([3, 2], gap="medium")
with right:
    with st.expander(i18n.t("toc", lang), expanded=False):
        st.html(plantext.toc_html(text))
    ui.detail_panel(ctx, selected[0] if selected else None)
    if selected:
        st.page_link(st.session_state[Keys.MAP_PAGE], label=i18n.t("show_on_map", lang), icon=":material/map:")
    plan_items = [f for f in ctx.features if (f.get("properties") or {}).get("plan") == plan]
    ui_corrections.corrections_panel(ctx, plan_items, text, ctx.get(selected[0]) if selected else None, lang)
with left:
    params = to_query(ctx.state)
    params.pop("item", None)
    st.html(plantext.PLAN_CSS + plantext.render_html(text, items, link_params=params, selected=set(selected),
                                                     lang=lang))
