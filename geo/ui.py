"""Streamlit building blocks shared by the pages (the one geo module that imports Streamlit
besides ``ui_state``): loading data with a clear message when it is broken, the sidebar
filters, the map component, the detail panel and the list of items without a precise location.
"""
from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from geo import config, i18n, ui_state
from geo.contract import AREA_TOWN_SEAT, AREA_WHOLE_TOWN, CATEGORIES, STATUSES
from geo.mapview import base_map, load_places, split_by_precision
from geo.mapview import viewport
from geo.mapview.aggregate import BADGE_ID_PREFIX, areas_of_badge
from geo.mapview.basemaps import available as available_basemaps
from geo.mapview.context import Places
from geo.mapview.popups import quantity_text
from geo.query import filter_with_facets, geometry_bounds
from geo.store import StoreError, open_store
from geo.ui_state import Keys, ViewState

RETURNED = ["last_object_clicked", "last_active_drawing"]


@dataclass
class Context:
    """What every page of one run works with."""

    store: object | None
    features: list[dict]
    problems: list[str]
    places: Places
    state: ViewState
    villages: list[str]
    filtered: list[dict] = field(default_factory=list)
    filter_cache: tuple | None = None  # (ItemFilter, filtered, facet counts) of this run

    @property
    def lang(self) -> str:
        return self.state.lang

    def get(self, item_id: str) -> dict | None:
        return next((f for f in self.features if f.get("id") == item_id), None)


@st.cache_resource(show_spinner=False)
def favicon():
    """The tab icon, drawn here: a Material icon or emoji favicon would be fetched from a CDN."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((2, 2, 62, 62), radius=12, fill="#0072B2")
    draw.polygon([(32, 10), (52, 32), (32, 54), (12, 32)], fill="#E69F00", outline="white")
    draw.ellipse((26, 26, 38, 38), fill="white")
    return img


# ---- data ----------------------------------------------------------------------
def store_target() -> str:
    return config.store_url() or str(config.data_dir())


@st.cache_resource(show_spinner=False)
def _store(target: str):
    return open_store(target)


@st.cache_resource(show_spinner=False, max_entries=2)
def _loaded(target: str, revision) -> list[dict]:
    """All items of a database store at ``revision`` (shared and read-only, like FileStore.load())."""
    return _store(target).load()


@st.cache_data(show_spinner=False)
def _places(path: str, mtime: float) -> Places:
    return load_places(Path(path))


def load_places_cached() -> Places:
    path = config.places_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return Places(problem=f"{path}: not found; copy the gazetteer there or create it with "
                              "`python -m geo gazetteer seed`")
    return _places(str(path), mtime)


def _read_items() -> tuple[object, list[dict], list[str]]:
    """(store, items, problems): never raises, so a broken data folder is a message, not a blank page."""
    problems: list[str] = []
    store, features = None, []
    try:
        target = store_target()
        store = _store(target)
        # A database store's full list is read again only when something changed in it.
        features = _loaded(target, store.revision()) if store.filters_in_database else list(store.load())
    except StoreError as exc:
        problems.append(str(exc))
    except Exception as exc:  # noqa: BLE001  (never a blank page: say what is wrong)
        problems.append(f"{type(exc).__name__}: {exc}")
    return store, [f for f in features if isinstance(f, dict)], problems


def _villages(features: list[dict]) -> list[str]:
    return sorted({(f.get("properties") or {}).get("area") for f in features} - {None, "", AREA_TOWN_SEAT,
                                                                                 AREA_WHOLE_TOWN})


def load_context() -> Context:
    store, features, problems = _read_items()
    places = load_places_cached()
    if places.problem:
        problems.append(places.problem)
    state = ui_state.init_session(available_basemaps().keys())
    return Context(store, features, problems, places, state, _villages(features))


def refresh_items(ctx: Context) -> Context:
    """``ctx`` with its items read again and refiltered; its view state stays as it was."""
    store, features, problems = _read_items()
    if ctx.places.problem:
        problems.append(ctx.places.problem)
    ctx.store, ctx.features, ctx.problems, ctx.villages = store, features, problems, _villages(features)
    ctx.filter_cache = None
    return apply_filters(ctx)


def show_problems(ctx: Context) -> None:
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


# ---- sidebar -------------------------------------------------------------------
def _filter_and_facets(ctx: Context, state: ViewState) -> dict:
    """Filter once per run and keep the sidebar's per-option counts from the same pass."""
    flt = state.item_filter(ctx.villages)
    if ctx.filter_cache is None or ctx.filter_cache[0] != flt:
        if ctx.store is not None and ctx.store.filters_in_database:  # PostGIS: WHERE and GROUP BY in SQL
            filtered = ctx.store.query(flt)
            facets = {"statuses": ctx.store.counts(ui_state.replace(state, statuses=()).item_filter(ctx.villages))["status"],
                      "categories": ctx.store.counts(
                          ui_state.replace(state, categories=()).item_filter(ctx.villages))["category"]}
        else:
            filtered, facets = filter_with_facets(ctx.features, flt, ("statuses", "categories"))
        ctx.filter_cache = (flt, filtered, facets)
    return ctx.filter_cache[2]


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
        state = ui_state.current()
        kinds = {"village": i18n.t("area_village", lang), "seat": i18n.t("area_seat", lang),
                 "whole": i18n.t("area_whole", lang)}
        _keep_valid(Keys.AREA_KINDS, kinds)
        st.multiselect(i18n.t("area", lang), list(kinds), format_func=kinds.get, key=Keys.AREA_KINDS,
                       placeholder="—")
        _keep_valid(Keys.VILLAGES, ctx.villages)
        st.multiselect(i18n.t("villages", lang), ctx.villages, key=Keys.VILLAGES, placeholder="—")
        facets = _filter_and_facets(ctx, state)
        st.multiselect(i18n.t("status", lang), list(STATUSES), key=Keys.STATUSES, placeholder="—",
                       format_func=lambda s: f"{i18n.status_label(s, lang)} ({facets['statuses'].get(s, 0)})")
        st.multiselect(i18n.t("category", lang), list(CATEGORIES), key=Keys.CATEGORIES, placeholder="—",
                       format_func=lambda c: f"{i18n.category_label(c, lang)} ({facets['categories'].get(c, 0)})")
        plans = sorted({(f.get("properties") or {}).get("plan") for f in ctx.features} - {None})
        years = sorted({(f.get("properties") or {}).get("year") for f in ctx.features} - {None})
        _keep_valid(Keys.PLANS, plans)
        _keep_valid(Keys.YEARS, years)
        c1, c2 = st.columns(2)
        c1.multiselect(i18n.t("plan", lang), plans, key=Keys.PLANS, placeholder="—")
        c2.multiselect(i18n.t("year", lang), years, key=Keys.YEARS, placeholder="—")
        st.text_input(i18n.t("search", lang), key=Keys.TEXT)
        basemaps = available_basemaps()
        if ss.get(Keys.BASEMAP) not in basemaps:
            ss[Keys.BASEMAP] = "osm"
        st.selectbox(i18n.t("basemap", lang), list(basemaps), key=Keys.BASEMAP,
                     format_func=lambda k: i18n.t(basemaps[k].label_key, lang))
        st.button(i18n.t("reset", lang), on_click=ui_state.clear_filters)
    return ui_state.current()


def apply_filters(ctx: Context) -> Context:
    _filter_and_facets(ctx, ctx.state)
    ctx.filtered = ctx.filter_cache[1]
    return ctx


def counts_line(ctx: Context) -> None:
    located, coarse = split_by_precision(ctx.filtered)
    lang = ctx.lang
    st.markdown(f"**{i18n.t('count_shown', lang, shown=len(ctx.filtered), total=len(ctx.features))}** · "
                f"{i18n.t('count_drawn', lang, drawn=len(located), unlocated=len(coarse))}")


# ---- map -----------------------------------------------------------------------
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

    basemaps = available_basemaps()
    basemap = basemaps.get(ctx.state.basemap) or basemaps["osm"]
    places = ctx.places
    places_key = (len(places.outlines), len(places.points), str(config.places_path()))
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
    zoom_to = st.session_state.pop(_ZOOM_TO, None)
    if zoom_to:  # a clicked count cell: zoom into it
        from geo.coords import convert
        lon, lat = convert((zoom_to[0] + zoom_to[2]) / 2, (zoom_to[1] + zoom_to[3]) / 2, "wgs84", basemap.datum)
        center, zoom = (lat, lon), max(_zoom_for(zoom_to), int(view_zoom or 0) + 2)
    center_on = set(center_on)
    focus = [f for f in ctx.features if f.get("id") in center_on and f.get("geometry")] if center_on else []
    if focus:
        from geo.coords import convert
        boxes = [geometry_bounds(f["geometry"]) for f in focus]
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        lon, lat = convert((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, "wgs84", basemap.datum)
        center, zoom = (lat, lon), _zoom_for(box)
    if basemap.datum == "gcj02":
        st.caption(i18n.t("gcj_note", ctx.lang))
    return st_folium(m, key=key, height=height, use_container_width=True, returned_objects=returned,
                     feature_group_to_add=fg, center=center, zoom=zoom)


_ZOOM_TO = "map_zoom_to"  # bbox of a clicked count cell (viewport mode), consumed by the next show_map


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
        ss[_ZOOM_TO] = viewport.cell_bbox(str(item_id))
        return True
    ui_state.select([str(item_id)], "map")
    return True


# ---- details -------------------------------------------------------------------
def detail_panel(ctx: Context, item_id: str | None) -> None:
    lang = ctx.lang
    st.subheader(i18n.t("detail", lang))
    feature = ctx.get(item_id) if item_id else None
    if feature is None:
        st.caption(i18n.t("select_hint", lang))
        return
    p = feature.get("properties") or {}
    st.markdown(f"#### {_md_escape(p.get('name') or feature.get('id'))}")
    rows = [
        (i18n.t("category", lang), i18n.category_label(p.get("category"), lang)),
        (i18n.t("status", lang), i18n.status_label(p.get("status"), lang)),
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
    from geo import ui_edit  # editing (editors) / read-only notice (viewers)
    ui_edit.edit_panel(ctx, feature)
    st.markdown(f"**{i18n.t('history', lang)}**")
    history = []
    if ctx.store is not None:
        try:
            history = ctx.store.history(feature.get("id"))
        except Exception as exc:  # noqa: BLE001
            st.warning(str(exc))
    if not history:
        st.caption(i18n.t("no_history", lang))
    else:
        st.dataframe([{"ts": h.ts, "user": h.user, "action": h.action, "field": h.field or "",
                       "old": _short(h.old), "new": _short(h.new)} for h in history[-50:]][::-1],
                     hide_index=True, width="stretch")


def _short(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$"


def _md_escape(text) -> str:
    """Text shown through st.markdown: markdown and HTML characters escaped."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


UNLOCATED_ROWS = 500


def unlocated_panel(ctx: Context, features: list[dict], *, key: str) -> None:
    """Items without a precise location are never hidden: they are listed here."""
    lang = ctx.lang
    _located, coarse = split_by_precision(features)
    focus = st.session_state.get(Keys.FOCUS_AREA)
    if focus is not None:
        coarse = [f for f in coarse if ((f.get("properties") or {}).get("area") or "") in set(focus)]
    focus_label = "、".join(i18n.area_label(a or None, lang) for a in focus or [])
    title = (i18n.t("aggregate_selected", lang, area=focus_label) if focus is not None
             else i18n.t("unlocated", lang)) + f" ({len(coarse)})"
    with st.expander(title, expanded=focus is not None):
        st.caption(i18n.t("unlocated_help", lang))
        if focus is not None and st.button("×", key=key + "_clear_focus"):
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
                             selection_mode="single-row", key=f"{key}_{abs(hash(tuple(ids)))}",
                             column_config={"name": i18n.t("name", lang), "area": i18n.t("area", lang),
                                            "precision": i18n.t("precision", lang), "id": None})
        picked = [ids[i] for i in event.selection.rows if i < len(ids)] if event else []
        if picked and list(st.session_state.get(Keys.SELECTED) or []) != picked:
            ui_state.select(picked, "unlocated")
            st.rerun()


__all__ = ["Context", "load_context", "show_problems", "sidebar", "apply_filters", "counts_line", "show_map",
           "handle_map_click", "detail_panel", "unlocated_panel"]
