"""地图 (the map page): the item map with its clicks (an item selects it; a village/town count
badge lists that area's items; a count cell zooms in) and the 未精确定位 list beside it.
The list page's map is this map too. The placing map (click / draw) is geo.app.placing_map.
"""
from __future__ import annotations

import copy
import json
import math

import streamlit as st

from geo import i18n, locate
from geo.app import detail
from geo.app import state as app_state
from geo.app.context import Context, store_target
from geo.app.state import Keys
from geo.app.widgets import counts_line, md, show_problems
from geo.mapview import base_map, split_by_precision
from geo.mapview import viewport
from geo.mapview.aggregate import BADGE_ID_PREFIX, areas_of_badge, undrawn_groups
from geo.mapview.basemaps import available as available_basemaps
from geo.mapview.context import Places
from geo.query import geometry_bounds

RETURNED = ["last_object_clicked", "last_active_drawing"]
UNLOCATED_ROWS = 500
UNDRAWN_GROUPS = 30      # villages listed beside the map per rerun (county scale); the list page has every item
UNDRAWN_NAMES = 8        # item names per village in that list
LOCATE_PAGE = "pages/locate.py"


# ---- the page --------------------------------------------------------------------
def render(ctx: Context) -> None:
    lang = ctx.lang
    st.title(i18n.t("app_title", lang))
    show_problems(ctx)
    first_open_line(ctx)
    counts_line(ctx)
    selected = list(ctx.state.selected)
    from_elsewhere = st.session_state.get(Keys.SELECTED_FROM) not in (None, "map")
    left, right = st.columns([2, 1], gap="medium")
    with left:
        out = show_map(ctx, ctx.filtered, key=Keys.MAP, selected=selected,
                       center_on=selected if from_elsewhere else ())
        if handle_map_click(out):
            st.rerun()
    with right:
        detail.detail_panel(ctx, selected[0] if selected else None)
        unlocated_panel(ctx, ctx.filtered, key=Keys.MAP_UNLOCATED)


# ---- what the data is, and the next step ------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=4)
def _queue_progress(target: str, revision, places_revision, _store, _features) -> locate.QueueProgress | None:
    """The 待定位 queue's figures, once per change of the items or the gazetteer (not on every rerun)."""
    from geo.gazetteer import GazetteerError, load_gazetteer

    try:
        gazetteer = load_gazetteer(store=_store)
    except GazetteerError:
        return None  # the page's problems line already says what is wrong with the places
    return locate.queue_progress(_features, gazetteer)


def queue_progress(ctx: Context) -> locate.QueueProgress | None:
    if ctx.store is None:
        return None
    try:
        revision, places_revision = ctx.store.revision(), ctx.store.places_revision()
    except Exception:  # noqa: BLE001  (a store that cannot say its revision: no figures, never a traceback)
        return None
    return _queue_progress(store_target(), revision, places_revision, ctx.store, ctx.features)


def first_open_line(ctx: Context) -> None:
    """「56 项，地图上 0 项：30 个地名待定位」 and the way to 待定位 with its progress (已定位 a / b)."""
    lang = ctx.lang
    if not ctx.features:
        return
    located, _coarse = split_by_precision(ctx.features)
    progress = queue_progress(ctx)
    with st.container(key=Keys.FIRST_OPEN):
        if progress is None:
            return
        key = "first_open_line" if progress.waiting else "first_open_line_done"
        st.markdown("**" + md(i18n.t(key, lang, n=len(ctx.features), m=len(located), k=progress.waiting)) + "**")
        if progress.total:
            label = ("first_open_next" if progress.waiting else "first_open_progress")
            st.page_link(LOCATE_PAGE, label=i18n.t(label, lang, a=progress.located, b=progress.total),
                         icon=":material/pin_drop:")


# ---- the item map ----------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_base_map(basemap_key: str, lang: str, bounds, places_key: tuple, categories: tuple, _places: Places):
    basemap = available_basemaps()[basemap_key]
    return base_map(basemap=basemap, bounds=bounds, places=_places, categories=categories, lang=lang)


def _zoom_for(bounds) -> int:
    w, s, e, n = bounds
    extent = max(e - w, n - s, 1e-4)
    return max(3, min(16, int(math.log2(360 / extent)) - 1))


def show_map(ctx: Context, features: list[dict], *, key: str, height: int = 620, selected=(), center_on=()):
    """The map component; returns its last interaction (click) payload."""
    from streamlit_folium import st_folium

    from geo.coords import convert

    basemaps = available_basemaps()
    basemap = basemaps.get(ctx.state.basemap) or basemaps["osm"]
    places = ctx.places
    places_key = (len(places.outlines), len(places.points), store_target())
    bounds, cats = viewport.overview(ctx.features, places)  # once per loaded list, not per rerun
    m = copy.deepcopy(_cached_base_map(basemap.key, ctx.lang, bounds, places_key, cats, places))
    # Many items: only the current view is sent (st_folium's last bounds), as counts per cell when dense.
    view_box, view_zoom = viewport.view_from_returned(st.session_state.get(key), basemap.datum)
    fg, plan = viewport.map_layer(features, ctx.features, places, view=view_box or bounds, lang=ctx.lang,
                                  datum=basemap.datum, selected=selected)
    returned = RETURNED
    if plan.per_view:  # rerun on move/zoom to send the new view (bounded payload)
        returned = RETURNED + ["bounds", "zoom"]
        note = "view_mode_cells" if plan.mode == "cells" else "view_mode_features"
        st.caption(i18n.t(note, ctx.lang, n=plan.located, shown=len(plan.features)))
    center = zoom = None
    zoom_to = st.session_state.pop(Keys.ZOOM_TO, None)
    if zoom_to:  # a clicked count cell: zoom into it
        lon, lat = convert((zoom_to[0] + zoom_to[2]) / 2, (zoom_to[1] + zoom_to[3]) / 2, "wgs84", basemap.datum)
        center, zoom = (lat, lon), max(_zoom_for(zoom_to), int(view_zoom or 0) + 2)
    center_on = set(center_on)
    focus = [f for f in ctx.features if f.get("id") in center_on and f.get("geometry")] if center_on else []
    if focus:
        boxes = [geometry_bounds(f["geometry"]) for f in focus]
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        lon, lat = convert((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, "wgs84", basemap.datum)
        center, zoom = (lat, lon), _zoom_for(box)
    if basemap.datum == "gcj02":
        st.caption(i18n.t("gcj_note", ctx.lang))
    return st_folium(m, key=key, height=height, use_container_width=True, returned_objects=returned,
                     feature_group_to_add=fg, center=center, zoom=zoom)


def handle_map_click(out) -> bool:
    """Act on a new click (item → select it; count badge → list that area). True when something changed."""
    if not out:
        return False
    drawing = out.get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    item_id = props.get("id")
    if not item_id:
        return False
    payload = json.dumps([out.get("last_object_clicked"), item_id], sort_keys=True)
    ss = st.session_state
    if ss.get(Keys.LAST_MAP_CLICK) == payload:
        return False
    ss[Keys.LAST_MAP_CLICK] = payload
    if str(item_id).startswith(BADGE_ID_PREFIX):
        ss[Keys.FOCUS_AREA] = areas_of_badge(str(item_id))
        return True
    if str(item_id).startswith(viewport.CELL_ID_PREFIX):
        ss[Keys.ZOOM_TO] = viewport.cell_bbox(str(item_id))
        return True
    app_state.select([str(item_id)], "map")
    return True


# ---- 未精确定位: the items the map shows only as counts -----------------------------------
def unlocated_panel(ctx: Context, features: list[dict], *, key: str) -> None:
    """Items without a precise location are never hidden: they are listed here."""
    lang = ctx.lang
    _located, coarse = split_by_precision(features)
    focus = st.session_state.get(Keys.FOCUS_AREA)
    if focus is not None:
        focused = [f for f in coarse if ((f.get("properties") or {}).get("area") or "") in set(focus)]
        if focused:
            coarse = focused
        else:  # the filter changed since the badge click and leaves none of its items: the filter wins
            focus = st.session_state[Keys.FOCUS_AREA] = None
    undrawn_panel(ctx, coarse)
    focus_label = "、".join(i18n.area_label(a or None, lang) for a in focus or [])
    title = (i18n.t("aggregate_selected", lang, area=focus_label) if focus is not None
             else i18n.t("unlocated", lang)) + f" ({len(coarse)})"
    with st.expander(title, expanded=focus is not None):
        st.caption(i18n.t("unlocated_help", lang))
        if focus is not None and st.button(i18n.t("clear_focus", lang), key=Keys.clear_focus(key)):
            st.session_state[Keys.FOCUS_AREA] = None
            st.rerun()
        if not coarse:
            return
        if len(coarse) > UNLOCATED_ROWS:  # county scale: a bounded table per rerun; the list page has them all
            st.caption(i18n.t("rows_capped", lang, shown=UNLOCATED_ROWS, n=len(coarse)))
            coarse = coarse[:UNLOCATED_ROWS]
        rows = [{"name": (f.get("properties") or {}).get("name") or "",
                 "area": i18n.area_label((f.get("properties") or {}).get("area"), lang),
                 "precision": i18n.precision_label((f.get("properties") or {}).get("precision"), lang),
                 "id": f.get("id")} for f in coarse]
        ids = [r["id"] for r in rows]
        event = st.dataframe(rows, hide_index=True, width="stretch", on_select="rerun",
                             selection_mode="single-row", key=Keys.unlocated_table(key, ids),
                             column_config={"name": i18n.t("name", lang), "area": i18n.t("area", lang),
                                            "precision": i18n.t("precision", lang), "id": None})
        picked = [ids[i] for i in event.selection.rows if i < len(ids)] if event else []
        if picked and list(st.session_state.get(Keys.SELECTED) or []) != picked:
            app_state.select(picked, "unlocated")
            st.rerun()


def undrawn_panel(ctx: Context, coarse: list[dict]) -> None:
    """The coarse items the map cannot show at all (their village has no location), by village."""
    lang = ctx.lang
    groups = undrawn_groups(coarse, ctx.places)
    if not groups:
        return
    sep = "、" if lang != "en" else ", "
    with st.container(border=True, key=Keys.UNDRAWN):
        st.markdown("**" + md(i18n.t("undrawn_title", lang, n=sum(len(v) for v in groups.values()))) + "**")
        st.caption(i18n.t("undrawn_help", lang))
        for area, items in list(groups.items())[:UNDRAWN_GROUPS]:
            names = [str((f.get("properties") or {}).get("name") or f.get("id")) for f in items]
            shown = sep.join(names[:UNDRAWN_NAMES]) + ("…" if len(names) > UNDRAWN_NAMES else "")
            st.markdown("- " + md(i18n.t("undrawn_group", lang, area=i18n.area_label(area or None, lang),
                                         n=len(items), names=shown)))
        if len(groups) > UNDRAWN_GROUPS:
            st.caption(i18n.t("undrawn_more", lang, n=len(groups) - UNDRAWN_GROUPS))


__all__ = ["render", "show_map", "handle_map_click", "unlocated_panel", "undrawn_panel", "first_open_line"]
