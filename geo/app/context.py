"""What every page of one run works with: the store, its items, the places, the view state
and the items the filter lets through (with the sidebar's per-option counts).

Loading never raises: a broken data folder becomes a message on the page, not a blank page.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from geo import config
from geo.app import state as app_state
from geo.app.state import ViewState
from geo.contract import AREA_TOWN_SEAT, AREA_WHOLE_TOWN
from geo.item_columns import distinct
from geo.mapview.context import places_from_features
from geo.mapview.basemaps import available as available_basemaps
from geo.mapview.context import Places
from geo.progress import changed_since_plan_only
from geo.query import areas_in, filter_with_facets
from geo.store import StoreError, open_store


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
    towns: list[str] = field(default_factory=list)  # the items' towns (a 镇 filter when there are several)

    @property
    def lang(self) -> str:
        return self.state.lang

    def get(self, item_id: str) -> dict | None:
        return next((f for f in self.features if f.get("id") == item_id), None)


# ---- data ----------------------------------------------------------------------
def store_target() -> str:
    return config.store_url() or str(config.data_dir())


@st.cache_resource(show_spinner=False)
def _store(target: str):
    return open_store(target)


@st.cache_resource(show_spinner=False, max_entries=4)
def _places(target: str, revision) -> Places:
    """The map's outlines and place points from the store's gazetteer at ``revision`` (shared, read-only)."""
    store = _store(target)
    where = store.places_where()
    try:
        collection = store.load_places()
    except StoreError as exc:
        return Places(problem=f"{exc}"[:300])
    if collection is None:
        return Places(problem=f"{where}: not found; copy the gazetteer there or create it with "
                              "`python -m geo gazetteer seed`")
    return places_from_features(collection.get("features") or [])


def load_places_cached(store=None) -> Places:
    target = store_target()
    try:
        store = store or _store(target)
        return _places(target, store.places_revision())
    except StoreError as exc:
        return Places(problem=str(exc))


def _read_items() -> tuple[object, list[dict], list[str]]:
    """(store, items, problems): never raises, so a broken data folder is a message, not a blank page."""
    problems: list[str] = []
    store, features = None, []
    try:
        target = store_target()
        store = _store(target)
        features = store.snapshot()  # read again only when something in the store changed
    except StoreError as exc:
        problems.append(str(exc))
    except Exception as exc:  # noqa: BLE001  (never a blank page: say what is wrong)
        problems.append(f"{type(exc).__name__}: {exc}")
    if not all(isinstance(f, dict) for f in features):
        features = [f for f in features if isinstance(f, dict)]
    # else the store's own cached list: the same object run after run, so what is built per list
    # (the filter's columns, the map's index) is built once per change of the data
    return store, features, problems


def _villages(features: list[dict], towns=()) -> list[str]:
    """The village areas of the items of ``towns`` (all items when none is chosen): the area filter follows town."""
    if towns:
        return areas_in(features, towns)
    return sorted(a for a in distinct(features, "area")
                  if isinstance(a, str) and a and a not in (AREA_TOWN_SEAT, AREA_WHOLE_TOWN))


def _towns(features: list[dict]) -> list[str]:
    return sorted(t for t in distinct(features, "town") if isinstance(t, str) and t)


def load_context() -> Context:
    store, features, problems = _read_items()
    places = load_places_cached(store)
    if places.problem:
        problems.append(places.problem)
    view = app_state.init_session(available_basemaps().keys())
    return Context(store, features, problems, places, view, _villages(features, view.towns), towns=_towns(features))


def refresh_items(ctx: Context) -> Context:
    """``ctx`` with its items read again and refiltered; its view state stays as it was."""
    store, features, problems = _read_items()
    if ctx.places.problem:
        problems.append(ctx.places.problem)
    ctx.store, ctx.features, ctx.problems = store, features, problems
    ctx.villages, ctx.towns = _villages(features, ctx.state.towns), _towns(features)
    ctx.filter_cache = None
    return apply_filters(ctx)


# ---- the filter ----------------------------------------------------------------
def filter_and_facets(ctx: Context, view: ViewState) -> dict:
    """Filter once per run and keep the sidebar's per-option counts from the same pass."""
    flt = view.item_filter(ctx.villages)
    wanted = (flt, view.changed)
    if ctx.filter_cache is None or ctx.filter_cache[0] != wanted:
        if view.changed:  # 自规划以来有变化: read from the items themselves (x_progress_source), same on every engine
            filtered, facets = filter_with_facets(changed_since_plan_only(ctx.features), flt,
                                                  ("statuses", "categories"))
        else:
            try:  # each engine its own way: one pass over the list, or SQL
                if ctx.store is None or ctx.problems and not ctx.features:
                    raise LookupError("no readable store")
                filtered, facets = ctx.store.filter_with_facets(flt, ("statuses", "categories"))
            except Exception:  # noqa: BLE001  (unreadable: what was read, i.e. nothing; the problem is already shown)
                filtered, facets = filter_with_facets(ctx.features, flt, ("statuses", "categories"))
        ctx.filter_cache = (wanted, filtered, facets)
    return ctx.filter_cache[2]


def apply_filters(ctx: Context) -> Context:
    filter_and_facets(ctx, ctx.state)
    ctx.filtered = ctx.filter_cache[1]
    return ctx


__all__ = ["Context", "load_context", "refresh_items", "apply_filters", "filter_and_facets", "store_target"]
