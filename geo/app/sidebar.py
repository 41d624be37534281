"""The sidebar's filters (镇 when the data holds several towns, 区域, 村 (every village of the town, with its item count), 状态, 类别, 规划, 年度, 搜索, 自规划以来有变化, 底图, English, 清除筛选).

Each status and category option shows how many items it would add, counted in the same
pass that filters the items (``geo.app.context.filter_and_facets``).
"""
from __future__ import annotations

import streamlit as st

from geo import i18n
from geo.app import state as app_state
from geo.app.context import Context, filter_and_facets
from geo.app.state import Keys, ViewState
from geo.contract import CATEGORIES, STATUSES
from geo.item_columns import distinct
from geo.mapview.basemaps import available as available_basemaps
from geo.areas import town_villages, village_options
from geo.query import areas_in


def _keep_valid(key: str, options) -> None:
    ss = st.session_state
    if key in ss:
        ss[key] = [v for v in ss[key] if v in set(options)]


def sidebar(ctx: Context) -> ViewState:
    """The filter widgets; returns the state after this run's input."""
    ss = st.session_state
    with st.sidebar:
        st.toggle(i18n.t("english", ctx.lang), key=Keys.ENGLISH)
        lang = "en" if ss.get(Keys.ENGLISH) else "zh"
        st.subheader(i18n.t("filters", lang))
        view = app_state.current()
        kinds = {"village": i18n.t("area_village", lang), "seat": i18n.t("area_seat", lang),
                 "whole": i18n.t("area_whole", lang)}
        _keep_valid(Keys.TOWNS, ctx.towns)
        if len(ctx.towns) > 1:  # several towns in one data folder (a county): filter per town
            st.multiselect(i18n.t("town_filter", lang), ctx.towns, key=Keys.TOWNS, placeholder="—")
        ctx.villages = areas_in(ctx.features, ss.get(Keys.TOWNS) or ())  # the villages of the chosen towns
        _keep_valid(Keys.AREA_KINDS, kinds)
        st.multiselect(i18n.t("area", lang), list(kinds), format_func=kinds.get, key=Keys.AREA_KINDS,
                       placeholder="—")
        # every village of the town(s), with its items; villages without items after them, marked (0)
        options = village_options(town_villages(ctx.places.villages, ss.get(Keys.TOWNS) or ()), ctx.features,
                                  ss.get(Keys.TOWNS) or ())
        counts = dict(options)
        _keep_valid(Keys.VILLAGES, counts)
        st.multiselect(i18n.t("villages", lang), list(counts), key=Keys.VILLAGES, placeholder="—",
                       format_func=lambda v: i18n.t("village_option", lang, village=v, n=counts.get(v, 0)),
                       help=i18n.t("village_option_help", lang))
        facets = filter_and_facets(ctx, view)
        st.multiselect(i18n.t("status", lang), list(STATUSES), key=Keys.STATUSES, placeholder="—",
                       format_func=lambda s: f"{i18n.status_label(s, lang)} ({facets['statuses'].get(s, 0)})")
        st.multiselect(i18n.t("category", lang), list(CATEGORIES), key=Keys.CATEGORIES, placeholder="—",
                       format_func=lambda c: f"{i18n.category_label(c, lang)} ({facets['categories'].get(c, 0)})")
        plans = sorted(distinct(ctx.features, "plan") - {None})
        years = sorted(distinct(ctx.features, "year") - {None})
        _keep_valid(Keys.PLANS, plans)
        _keep_valid(Keys.YEARS, years)
        c1, c2 = st.columns(2)
        c1.multiselect(i18n.t("plan", lang), plans, key=Keys.PLANS, placeholder="—")
        c2.multiselect(i18n.t("year", lang), years, key=Keys.YEARS, placeholder="—")
        st.text_input(i18n.t("search", lang), key=Keys.TEXT)
        st.toggle(i18n.t("changed_since_plan", lang), key=Keys.CHANGED, help=i18n.t("changed_since_plan_help", lang))
        basemaps = available_basemaps()
        if ss.get(Keys.BASEMAP) not in basemaps:
            ss[Keys.BASEMAP] = "osm"
        st.selectbox(i18n.t("basemap", lang), list(basemaps), key=Keys.BASEMAP,
                     format_func=lambda k: i18n.t(basemaps[k].label_key, lang))
        st.button(i18n.t("reset", lang), on_click=app_state.clear_filters)
    return app_state.current()


__all__ = ["sidebar"]
