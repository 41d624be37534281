"""地图 (the map page): the item map with its clicks (an item selects it; a village/town count
badge lists that area's items; a count cell zooms in) and the 未精确定位 list beside it.
The list page's map is this map too. The placing map (click / draw) is geo.app.placing_map.
"""
from __future__ import annotations

import copy
import json
import math

import streamlit as st

from geo import i18n
from geo.app import detail
from geo.app import state as app_state
from geo.app.context import Context, store_target
from geo.app.state import Keys
from geo.app.widgets import counts_line, show_problems
from geo.mapview import base_map, split_by_precision
from geo.mapview import viewport
from geo.mapview.aggregate import BADGE_ID_PREFIX, areas_of_badge
from geo.mapview.basemaps import available as available_basemaps
from geo.mapview.context import Places
from geo.query import geometry_bounds

RETURNED = ["last_object_clicked", "last_active_drawing"]
UNLOCATED_ROWS = 500


# ---- the page --------------------------------------------------------------------
def render(ctx: Context) -> None:
    lang = ctx.lang
    st.title(i18n.t("app_title", lang))
    show_problems(ctx)
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


__all__ = ["render", "show_map", "handle_map_click", "unlocated_panel"]
