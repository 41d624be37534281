"""The app's state in one place: session-state keys, and filter state ⇄ URL query string.

A filtered view is a link: every filter, the basemap, the language and the selected
item live in the query string, so a view can be shared and survives a reload. The
conversion functions are plain (dict in, dataclass out) so they are tested without
Streamlit; ``read_url`` / ``write_url`` are the only places that touch st.query_params.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Iterable, Mapping

from geo.contract import AREA_TOWN_SEAT, AREA_WHOLE_TOWN, CATEGORIES, STATUSES
from geo.query import ItemFilter

AREA_KINDS = ("village", "seat", "whole")  # 行政村 / 镇区 / 全镇


class Keys:
    """Every st.session_state key the app uses."""

    INITIALISED = "geo_initialised"      # URL has been read into the widgets for this session
    AREA_KINDS = "w_area_kinds"
    VILLAGES = "w_villages"
    STATUSES = "w_statuses"
    CATEGORIES = "w_categories"
    PLANS = "w_plans"
    YEARS = "w_years"
    TEXT = "w_text"
    BASEMAP = "w_basemap"
    ENGLISH = "w_english"
    SELECTED = "sel_ids"                 # list of selected item ids (map click, list rows, plan text)
    SELECTED_FROM = "sel_from"           # "map" | "list" | "plan" | "url"
    LAST_MAP_CLICK = "last_map_click"    # the st_folium payload already acted on
    FOCUS_AREA = "focus_area"            # area whose unlocated items a badge click lists
    CONTEXT = "geo_ctx"                  # this run's loaded data, shared with the pages
    LIST_TABLE = "list_table"
    MAP = "map"
    MAP_PAGE = "map_page"                # the st.Page of the map, for links from other pages
    LIST_MAP = "list_map"
    # editing, locating and the field page (geo.ui_edit)
    AUTH_USER = "auth_user"              # geo.auth.User after sign-in; absent = viewer
    EDIT_BASE = "edit_base"              # {item_id: version the editor opened}: the version a save expects
    PENDING_EDIT = "pending_edit"        # {item_id, kind, value}: a change refused by a conflict, to re-apply
    EDIT_FLASH = "edit_flash"            # message shown once after a save / undo
    LOCATE_PLACE = "locate_place"        # place id chosen on the 待定位 page
    LOCATE_PROPOSAL = "locate_proposal"  # {place_id, geometry, how, datum, accuracy_m} awaiting confirmation
    LOCATE_SEEN = "locate_seen"          # last map click/drawing payload already turned into a proposal
    LOCATE_MAP = "locate_map"
    ITEM_DRAW_MAP = "item_draw_map"
    GPS_REQUEST = "gps_request"          # counter: a new value asks the browser for a new fix
    GPS_FIX = "gps_fix"                  # {lon, lat, accuracy_m, ts} from the browser
    SUGGESTION = "geocode_suggestion"    # an online geocoder answer shown for acceptance


# Query-string names (short, stable: they end up in shared links).
_Q = {"area_kinds": "area", "villages": "village", "statuses": "status", "categories": "category",
      "plans": "plan", "years": "year", "text": "q", "basemap": "basemap", "lang": "lang", "selected": "item"}


@dataclass(frozen=True)
class ViewState:
    area_kinds: tuple[str, ...] = ()
    villages: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    text: str = ""
    basemap: str = "osm"
    lang: str = "zh"
    selected: tuple[str, ...] = field(default=())

    def item_filter(self, villages_in_data: Iterable[str] = ()) -> ItemFilter:
        """The store filter. 行政村 without named villages means every village in the data."""
        areas: set[str] = set(self.villages)
        if "seat" in self.area_kinds:
            areas.add(AREA_TOWN_SEAT)
        if "whole" in self.area_kinds:
            areas.add(AREA_WHOLE_TOWN)
        if "village" in self.area_kinds and not self.villages:
            areas |= set(villages_in_data)
            if not areas - {AREA_TOWN_SEAT, AREA_WHOLE_TOWN}:
                areas.add("\0no-village")  # 行政村 chosen but the data has none: match nothing
        return ItemFilter(areas=tuple(sorted(areas)), statuses=self.statuses, categories=self.categories,
                          plans=self.plans, years=self.years, text=self.text.strip())

    def is_filtered(self) -> bool:
        return any([self.area_kinds, self.villages, self.statuses, self.categories, self.plans, self.years,
                    self.text.strip()])


def _values(params: Mapping, key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    out: list[str] = []
    for item in items:
        out += [v for v in str(item).split(",") if v != ""]
    return out


def from_query(params: Mapping, *, basemaps: Iterable[str] = ("osm",)) -> ViewState:
    """A ViewState from query parameters; unknown codes are dropped, never an error."""
    years = []
    for y in _values(params, _Q["years"]):
        if y.strip().isdigit():
            years.append(int(y))
    basemap = (_values(params, _Q["basemap"]) or ["osm"])[0]
    lang = (_values(params, _Q["lang"]) or ["zh"])[0]
    text = params.get(_Q["text"]) or ""
    if isinstance(text, (list, tuple)):
        text = text[0] if text else ""
    return ViewState(
        area_kinds=tuple(v for v in _values(params, _Q["area_kinds"]) if v in AREA_KINDS),
        villages=tuple(dict.fromkeys(_values(params, _Q["villages"]))),
        statuses=tuple(v for v in _values(params, _Q["statuses"]) if v in STATUSES),
        categories=tuple(v for v in _values(params, _Q["categories"]) if v in CATEGORIES),
        plans=tuple(dict.fromkeys(_values(params, _Q["plans"]))),
        years=tuple(dict.fromkeys(years)),
        text=str(text)[:200],
        basemap=basemap if basemap in set(basemaps) else "osm",
        lang=lang if lang in ("zh", "en") else "zh",
        selected=tuple(dict.fromkeys(_values(params, _Q["selected"])))[:50],
    )


def to_query(state: ViewState) -> dict[str, str]:
    """Only what differs from the default view, so a plain link stays plain."""
    out: dict[str, str] = {}
    default = ViewState()
    for name, key in _Q.items():
        value = getattr(state, name)
        if value == getattr(default, name):
            continue
        if isinstance(value, tuple):
            out[key] = ",".join(str(v) for v in value)
        else:
            out[key] = str(value)
    return out


# ---- Streamlit side --------------------------------------------------------------
def _st():
    import streamlit as st  # only the UI functions below need Streamlit
    return st


def init_session(basemaps: Iterable[str]) -> ViewState:
    """On a session's first run, put the URL's state into the widgets' session keys."""
    st = _st()
    ss = st.session_state
    if not ss.get(Keys.INITIALISED):
        state = from_query({k: st.query_params.get_all(k) for k in st.query_params.keys()}, basemaps=basemaps)
        ss[Keys.AREA_KINDS] = list(state.area_kinds)
        ss[Keys.VILLAGES] = list(state.villages)
        ss[Keys.STATUSES] = list(state.statuses)
        ss[Keys.CATEGORIES] = list(state.categories)
        ss[Keys.PLANS] = list(state.plans)
        ss[Keys.YEARS] = list(state.years)
        ss[Keys.TEXT] = state.text
        ss[Keys.BASEMAP] = state.basemap
        ss[Keys.ENGLISH] = state.lang == "en"
        ss[Keys.SELECTED] = list(state.selected)
        ss[Keys.SELECTED_FROM] = "url" if state.selected else None
        ss[Keys.INITIALISED] = True
    return current()


def current() -> ViewState:
    ss = _st().session_state
    return ViewState(
        area_kinds=tuple(ss.get(Keys.AREA_KINDS) or ()),
        villages=tuple(ss.get(Keys.VILLAGES) or ()),
        statuses=tuple(ss.get(Keys.STATUSES) or ()),
        categories=tuple(ss.get(Keys.CATEGORIES) or ()),
        plans=tuple(ss.get(Keys.PLANS) or ()),
        years=tuple(ss.get(Keys.YEARS) or ()),
        text=ss.get(Keys.TEXT) or "",
        basemap=ss.get(Keys.BASEMAP) or "osm",
        lang="en" if ss.get(Keys.ENGLISH) else "zh",
        selected=tuple(ss.get(Keys.SELECTED) or ()),
    )


def write_url(state: ViewState) -> None:
    """Mirror the state into the query string (only when it changed, to avoid history noise)."""
    st = _st()
    wanted = to_query(state)
    have = {k: ",".join(st.query_params.get_all(k)) for k in st.query_params.keys()}
    if have != wanted:
        st.query_params.from_dict(wanted)


def select(ids: Iterable[str], source: str) -> None:
    ss = _st().session_state
    ss[Keys.SELECTED] = list(dict.fromkeys(i for i in ids if i))
    ss[Keys.SELECTED_FROM] = source


def clear_filters() -> None:
    ss = _st().session_state
    for key in (Keys.AREA_KINDS, Keys.VILLAGES, Keys.STATUSES, Keys.CATEGORIES, Keys.PLANS, Keys.YEARS):
        ss[key] = []
    ss[Keys.TEXT] = ""


__all__ = ["Keys", "ViewState", "from_query", "to_query", "init_session", "current", "write_url", "select",
           "clear_filters", "AREA_KINDS", "asdict", "replace"]
