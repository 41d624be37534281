"""The app's state in one place: every session-state and widget key, and view state ⇄ URL query string.

A filtered view is a link: every filter, the basemap, the language and the selected
item live in the query string, so a view can be shared and survives a reload. The
conversion functions are plain (dict in, dataclass out) so they are tested without
a running app; ``init_session`` / ``write_url`` / ``projector_requested`` are the only
places that touch st.query_params.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from typing import Iterable, Mapping

import streamlit as st

from geo import i18n
from geo.contract import AREA_TOWN_SEAT, AREA_WHOLE_TOWN, CATEGORIES, STATUSES
from geo.query import ItemFilter

AREA_KINDS = ("village", "seat", "whole")  # 行政村 / 镇区 / 全镇


class Keys:
    """Every st.session_state key and every widget key the app uses; nothing else names one.

    Keys of widgets that repeat per item (or per upload) are functions of what they repeat for.
    The values are stable: browser and AppTest tests address widgets by them.
    """

    # ---- the view (sidebar filters; mirrored in the URL) ----------------------------
    INITIALISED = "geo_initialised"      # URL has been read into the widgets for this session
    AREA_KINDS = "w_area_kinds"
    VILLAGES = "w_villages"
    TOWNS = "w_towns"                    # 镇 filter, shown when the data folder holds several towns
    STATUSES = "w_statuses"
    CATEGORIES = "w_categories"
    PLANS = "w_plans"
    YEARS = "w_years"
    TEXT = "w_text"
    BASEMAP = "w_basemap"
    ENGLISH = "w_english"
    CHANGED = "w_changed"                # 自规划以来有变化: only items a later document changed or added
    SELECTED = "sel_ids"                 # list of selected item ids (map click, list rows, plan text)
    SELECTED_FROM = "sel_from"           # "map" | "list" | "plan" | "url" | "unlocated"
    CONTEXT = "geo_ctx"                  # this run's loaded data, shared with the pages
    MAP_PAGE = "map_page"                # the st.Page of the map, for links from other pages

    # ---- 地图 (map page, geo.app.map_panel) ---------------------------------------------
    MAP = "map"
    LAST_MAP_CLICK = "last_map_click"    # the st_folium payload already acted on
    FOCUS_AREA = "focus_area"            # area whose unlocated items a badge click lists
    ZOOM_TO = "map_zoom_to"              # bbox of a clicked count cell, consumed by the next map
    MAP_UNLOCATED = "map_unlocated"      # the 未精确定位 panel beside the map

    @staticmethod
    def clear_focus(panel: str) -> str:
        return f"{panel}_clear_focus"

    @staticmethod
    def unlocated_table(panel: str, ids) -> str:
        """A fresh table (and selection) whenever the listed items change."""
        return f"{panel}_{abs(hash(tuple(ids)))}"

    @staticmethod
    def map_datum(map_key: str) -> str:
        """The datum of the basemap a placing map was drawn on (clicks come in that datum)."""
        return map_key + "__datum"

    # ---- 列表 (list page, geo.app.listing) ----------------------------------------------
    LIST_TABLE = "list_table"
    LIST_MAP = "list_map"

    @staticmethod
    def list_table(ids) -> str:
        return f"{Keys.LIST_TABLE}_{abs(hash(tuple(ids)))}"

    # ---- sign-in (sidebar, geo.app.signin) ----------------------------------------------
    AUTH_USER = "auth_user"              # geo.auth.User after sign-in; absent = viewer
    AUTH_FORM = "auth_form"
    AUTH_NAME = "auth_name"
    AUTH_PASSWORD = "auth_password"
    AUTH_SIGN_OUT = "auth_sign_out"

    # ---- editing in the detail panel (geo.app.edit) -------------------------------------
    EDIT_BASE = "edit_base"              # {item_id: version the editor opened}: the version a save expects
    PENDING_EDIT = "pending_edit"        # {item_id, kind, value}: a change refused by a conflict, to re-apply
    EDIT_FLASH = "edit_flash"            # message shown once after a save / undo
    ITEM_DRAW_MAP = "item_draw_map"

    @staticmethod
    def reapply(item_id: str) -> str:
        return f"reapply_{item_id}"

    @staticmethod
    def discard(item_id: str) -> str:
        return f"discard_{item_id}"

    @staticmethod
    def status_form(item_id: str) -> str:
        return f"status_form_{item_id}"

    @staticmethod
    def status_select(item_id: str) -> str:
        return f"status_sel_{item_id}"

    @staticmethod
    def progress_form(item_id: str) -> str:
        return f"progress_form_{item_id}"

    @staticmethod
    def progress_input(item_id: str) -> str:
        return f"progress_in_{item_id}"

    @staticmethod
    def note_form(item_id: str) -> str:
        return f"note_form_{item_id}"

    @staticmethod
    def note_text(item_id: str) -> str:
        return f"note_text_{item_id}"

    @staticmethod
    def note_date(item_id: str) -> str:
        return f"note_date_{item_id}"

    @staticmethod
    def note_photo(item_id: str) -> str:
        return f"note_photo_{item_id}"

    @staticmethod
    def photo_gps(item_id: str) -> str:
        """The GPS position read from a just-uploaded photo, offered as the item's location."""
        return f"photo_gps_{item_id}"

    @staticmethod
    def use_photo_gps(item_id: str) -> str:
        return f"use_photo_gps_{item_id}"

    @staticmethod
    def item_coords(item_id: str) -> str:
        return f"item_coords_{item_id}"

    @staticmethod
    def item_datum(item_id: str) -> str:
        return f"item_datum_{item_id}"

    @staticmethod
    def item_move(item_id: str) -> str:
        return f"item_move_{item_id}"

    @staticmethod
    def item_draw_toggle(item_id: str) -> str:
        return f"item_draw_toggle_{item_id}"

    @staticmethod
    def item_draw_map(item_id: str) -> str:
        return f"{Keys.ITEM_DRAW_MAP}_{item_id}"

    @staticmethod
    def item_proposal(item_id: str) -> str:
        """A drawn geometry for the item awaiting 保存为项目位置."""
        return f"item_proposal_{item_id}"

    @staticmethod
    def item_save_geometry(item_id: str) -> str:
        return f"item_save_geom_{item_id}"

    # ---- GPS ("I am here", geo.app.widgets) ---------------------------------------------
    GPS_REQUEST = "gps_request"          # counter: a new value asks the browser for a new fix
    GPS_FIX = "gps_fix"                  # {lon, lat, accuracy_m, ts} from the browser

    @staticmethod
    def gps_button(where: str) -> str:
        return f"{where}_button"

    @staticmethod
    def gps_component(where: str, request: int) -> str:
        return f"geo_fix_{where}_{request}"

    # ---- 待定位 (locate page, geo.app.locate) -------------------------------------------
    LOCATE_PLACE = "locate_place"        # place id chosen on the 待定位 page
    LOCATE_PROPOSAL = "locate_proposal"  # {place_id, geometry, how, datum, accuracy_m} awaiting confirmation
    LOCATE_SEEN = "locate_seen"          # last map click/drawing payload already turned into a proposal
    LOCATE_MAP = "locate_map"
    LOCATE_GPS = "locate_gps"
    USE_GPS_FIX = "use_gps_fix"
    LOCATE_PASTE = "locate_paste"
    LOCATE_PASTE_DATUM = "locate_paste_datum"
    LOCATE_PASTE_USE = "locate_paste_use"
    SUGGESTION = "geocode_suggestion"    # an online geocoder answer shown for acceptance
    ONLINE_ASK = "online_ask"
    ONLINE_ACCEPT = "online_accept"
    GPS_CONFIRM_POOR = "gps_confirm_poor"
    CONFIRM_PLACE = "confirm_place"
    CANCEL_PLACE = "cancel_place"

    @staticmethod
    def undo(placement_id: str) -> str:
        return f"undo_{placement_id}"

    # ---- 现场 (field page, geo.app.field) -----------------------------------------------
    FIELD_GPS = "field_gps"
    FIELD_COORDS = "field_coords"

    @staticmethod
    def field_status(item_id: str) -> str:
        return f"field_status_{item_id}"

    @staticmethod
    def field_save(item_id: str) -> str:
        return f"field_save_{item_id}"

    # ---- 原文 (plan page and its corrections, geo.app.plan) -----------------------------
    ADD_MISSED_FORM = "add_missed_form"
    MISSED_CLAUSE = "missed_clause"
    MISSED_NAME = "missed_name"
    MISSED_CATEGORY = "missed_category"
    MISSED_STATUS = "missed_status"

    @staticmethod
    def restore(item_id: str) -> str:
        return f"restore_{item_id}"

    @staticmethod
    def drop(item_id: str) -> str:
        return f"drop_{item_id}"

    # ---- 导入导出 (exchange page, geo.app.exchange) -------------------------------------
    EX_DATUM = "ex_datum"
    EX_NAME = "ex_name"
    EX_HTML = "ex_html"                  # (signature, bytes, file name)
    EX_HTML_BASEMAP = "ex_html_basemap"
    EX_HTML_MAKE = "ex_html_make"
    EX_HTML_DOWNLOAD = "ex_html_dl"
    EX_REPORT = "ex_report"              # (signature, bytes, file name, mime)
    EX_PAPER = "ex_paper"
    EX_REPORT_FORMAT = "ex_report_fmt"
    EX_TITLE = "ex_title"
    EX_REPORT_MAKE = "ex_report_make"
    EX_REPORT_DOWNLOAD = "ex_report_dl"
    EX_UPLOAD_N = "ex_upload_n"          # bumping it gives a fresh (empty) uploader
    EX_UPLOAD_SIG = "ex_upload_sig"
    EX_MAPPING = "ex_mapping"            # {column: target} chosen in the mapping step
    EX_IMPORT_DATUM = "ex_import_datum"
    EX_IMPORT_STATUS = "ex_import_status"
    EX_IMPORT_CATEGORY = "ex_import_category"
    EX_FLASH = "ex_flash"                # (kind, message, conflicts) shown once after confirm/cancel
    EX_CONFIRM = "ex_confirm"
    EX_CANCEL = "ex_cancel"
    EX_BAD_ROWS = "ex_bad_rows"
    EX_PREVIEW_TABLE = "ex_preview_table"

    # ---- 新镇计划 (a plan for a new town, on 导入导出, geo.app.new_town) ------------------
    NT_QUERY = "nt_query"                # the town search box
    NT_COUNTY = "nt_county"              # optional county / prefecture / province narrowing the search
    NT_TOWN = "nt_town"                  # the chosen candidate's 9-digit code
    NT_UPLOAD_N = "nt_upload_n"          # bumping it gives a fresh (empty) plan uploader
    NT_BUILD = "nt_build"
    NT_SEED_ONLY = "nt_seed_only"
    NT_FLASH = "nt_flash"                # (kind, [lines]) shown once after seeding / building

    @staticmethod
    def nt_upload(n: int) -> str:
        return f"nt_upload_{n}"

    # ---- 村界导入 (village boundaries, on 导入导出, geo.app.boundaries) --------------------
    BD_UPLOAD_N = "bd_upload_n"
    BD_LICENCE = "bd_licence"
    BD_CRS = "bd_crs"
    BD_NAME_FIELD = "bd_name_field"
    BD_CODE_FIELD = "bd_code_field"
    BD_MAKE_VALID = "bd_make_valid"
    BD_TOWN = "bd_town"                  # match names within this town (several towns in the folder)
    BD_CONFIRM = "bd_confirm"
    BD_CANCEL = "bd_cancel"
    BD_FLASH = "bd_flash"                # (kind, text) shown once after confirm / cancel
    BD_UPLOAD_SIG = "bd_upload_sig"      # (name, size, sha1) of the file the field choices belong to

    @staticmethod
    def bd_upload(n: int) -> str:
        return f"bd_upload_{n}"

    @staticmethod
    def export_download(fmt: str) -> str:
        return f"ex_dl_{fmt}"

    @staticmethod
    def upload(n: int) -> str:
        return f"ex_upload_{n}"

    @staticmethod
    def column_mapping(n: int, column: str) -> str:
        """One selectbox per source column of upload number ``n`` (column names can be anything)."""
        return f"ex_map_{n}_{hashlib.sha1(str(column).encode('utf-8')).hexdigest()[:12]}"

    # ---- 进度文件 (progress documents on the exchange page, geo.app.progress) ------------
    PROG_UPLOAD_N = "prog_upload_n"      # bumping it gives a fresh (empty) uploader
    PROG_REVIEW = "prog_review"          # (signature, Review, n): the proposals the editor is deciding on
    PROG_REVIEW_N = "prog_review_n"      # number of the latest review: its checkboxes start from the defaults
    PROG_FLASH = "prog_flash"            # (kind, message, rows) shown once after 应用
    PROG_APPLY = "prog_apply"
    PROG_EARLIER = "prog_earlier"
    PROG_LATER = "prog_later"
    PROG_COMPARE_TABLE = "prog_compare_table"

    @staticmethod
    def progress_upload(n: int) -> str:
        return f"prog_upload_{n}"

    @staticmethod
    def progress_accept(review_n: int, proposal_key: str) -> str:
        """The accept checkbox of one proposal of review number ``review_n`` (keys are "item:<id>" / "new:<id>")."""
        return f"prog_accept_{review_n}_" + hashlib.sha1(proposal_key.encode("utf-8")).hexdigest()[:12]

    # ---- 投影 (projector page, geo.app.projector) ---------------------------------------
    PROJ_MODE = "proj_mode"
    PROJ_STEP = "proj_step"
    PROJ_BASEMAP = "proj_basemap"
    PROJ_PREV = "proj_prev"              # the page's keyboard script clicks .st-key-<key> button
    PROJ_NEXT = "proj_next"
    PROJ_SCOPE = "projector"             # container key → CSS class st-key-projector
    PROJ_SUMMARY = "proj_summary"

    @staticmethod
    def projector_map(mode: str | None, index: int, basemap: str, n: int) -> str:
        return f"proj_map_{mode}_{index}_{basemap}_{n}"

    # ---- lasting sign-in (geo.app.signin; issue 16) ------------------------------------
    AUTH_SESSION = "auth_session"        # the server-side session id of this sign-in (revocable)
    AUTH_TOKEN = "auth_token"            # the signed token the browser keeps in its cookie
    AUTH_ERROR = "auth_error"            # a geo.i18n.Message shown once in the sign-in box
    AUTH_COOKIE_READ = "auth_cookie_read"    # this session has looked at the browser's cookie
    AUTH_COOKIE_CLEAR = "auth_cookie_clear"  # the browser's cookie is to be deleted (signed out)
    # ---- issue 16 first open: the home page's what-the-data-is line and its undrawn list (geo.app.map_panel) --
    FIRST_OPEN = "first_open"            # container key of the line 「N 项，地图上 M 项：K 个地名待定位」 + 待定位 link
    UNDRAWN = "undrawn"                  # container key of the list of items whose village has no location
    PLAN_PICK = "plan_pick"              # 原文: hidden input the page's script fills with a clicked highlight's item id

    # ---- 待定位 as a worklist, one-click suggestions (geo.app.locate; issue 16) ----------
    WL_TEXT = "wl_text"                  # the worklist's name filter
    WL_KINDS = "wl_kinds"                # the worklist's kind filter
    WL_STATUSES = "wl_statuses"          # the worklist's status filter
    WL_ASK_ALL = "wl_ask_all"            # 为全部待定位地名查询在线建议
    WL_SUGGESTIONS = "wl_suggestions"    # {place_id: GeocodeResult} from the last ask-all
    WL_REJECTED = "wl_rejected"          # place ids whose suggestion a person rejected
    WL_ASK_NOTE = "wl_ask_note"          # what the last ask-all found or why it could not
    WL_ROWS = "wl_rows"                  # the scrolling container of the worklist's rows (CSS .st-key-wl_rows)

    @staticmethod
    def wl_choose(place_id: str) -> str:
        return f"wl_choose_{place_id}"

    @staticmethod
    def wl_accept(place_id: str) -> str:
        return f"wl_accept_{place_id}"

    @staticmethod
    def wl_reject(place_id: str) -> str:
        return f"wl_reject_{place_id}"


# Query-string names (short, stable: they end up in shared links).
_Q = {"towns": "town", "area_kinds": "area", "villages": "village", "statuses": "status", "categories": "category",
      "plans": "plan", "years": "year", "text": "q", "basemap": "basemap", "lang": "lang", "selected": "item",
      "changed": "changed"}


@dataclass(frozen=True)
class ViewState:
    towns: tuple[str, ...] = ()
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
    changed: bool = False    # only items whose status a later document changed since the plan (or added)

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
        return ItemFilter(areas=tuple(sorted(areas)), towns=self.towns, statuses=self.statuses, categories=self.categories,
                          plans=self.plans, years=self.years, text=self.text.strip())

    def area_words(self, lang: str = "zh") -> list[str]:
        """The area choices as a person made them (行政村 as a kind, not every village it stands for)."""
        words = {"village": i18n.t("area_village", lang), "seat": i18n.area_label(AREA_TOWN_SEAT, lang),
                 "whole": i18n.area_label(AREA_WHOLE_TOWN, lang)}
        return [words[k] for k in self.area_kinds if k in words] + list(self.villages)

    def in_words(self, lang: str = "zh", villages_in_data: Iterable[str] = ()) -> str:
        """This view's filter in words (the report's footer), the same words the CLI's report uses."""
        words = i18n.describe_filter(self.item_filter(villages_in_data), lang, areas=self.area_words(lang))
        if self.changed:
            words = ("；" if lang != "en" else "; ").join(w for w in (words, i18n.t("changed_since_plan", lang)) if w)
        return words

    def is_filtered(self) -> bool:
        return any([self.towns, self.area_kinds, self.villages, self.statuses, self.categories, self.plans, self.years,
                    self.text.strip(), self.changed])


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
        towns=tuple(dict.fromkeys(_values(params, _Q["towns"]))),
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
        changed=(_values(params, _Q["changed"]) or [""])[0].strip().lower() in ("1", "true", "yes", "on"),
    )


def to_query(state: ViewState) -> dict[str, str]:
    """Only what differs from the default view, so a plain link stays plain."""
    out: dict[str, str] = {}
    default = ViewState()
    for name, key in _Q.items():
        value = getattr(state, name)
        if value == getattr(default, name):
            continue
        if isinstance(value, bool):
            out[key] = "1"
        elif isinstance(value, tuple):
            out[key] = ",".join(str(v) for v in value)
        else:
            out[key] = str(value)
    return out


# ---- session side ------------------------------------------------------------------
PROJECTOR_FLAG = "projector"  # ?projector=1 on the map page opens the projector page


def projector_requested() -> bool:
    """``?projector=1`` (or true/yes) in the URL: the map page hands over to the projector page."""
    value = st.query_params.get(PROJECTOR_FLAG)
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def init_session(basemaps: Iterable[str]) -> ViewState:
    """On a session's first run, put the URL's state into the widgets' session keys."""
    ss = st.session_state
    if not ss.get(Keys.INITIALISED):
        state = from_query({k: st.query_params.get_all(k) for k in st.query_params.keys()}, basemaps=basemaps)
        ss[Keys.TOWNS] = list(state.towns)
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
        ss[Keys.CHANGED] = state.changed
        ss[Keys.SELECTED_FROM] = "url" if state.selected else None
        ss[Keys.INITIALISED] = True
    return current()


def current() -> ViewState:
    ss = st.session_state
    return ViewState(
        towns=tuple(ss.get(Keys.TOWNS) or ()),
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
        changed=bool(ss.get(Keys.CHANGED)),
    )


def write_url(state: ViewState) -> None:
    """Mirror the state into the query string (only when it changed, to avoid history noise)."""
    wanted = to_query(state)
    have = {k: ",".join(st.query_params.get_all(k)) for k in st.query_params.keys()}
    if have != wanted:
        st.query_params.from_dict(wanted)


def select(ids: Iterable[str], source: str) -> None:
    ss = st.session_state
    ss[Keys.SELECTED] = list(dict.fromkeys(i for i in ids if i))
    ss[Keys.SELECTED_FROM] = source


def clear_filters() -> None:
    ss = st.session_state
    for key in (Keys.TOWNS, Keys.AREA_KINDS, Keys.VILLAGES, Keys.STATUSES, Keys.CATEGORIES, Keys.PLANS, Keys.YEARS):
        ss[key] = []
    ss[Keys.TEXT] = ""
    ss[Keys.CHANGED] = False


__all__ = ["Keys", "ViewState", "from_query", "to_query", "init_session", "current", "write_url", "select",
           "clear_filters", "projector_requested", "AREA_KINDS", "asdict", "replace"]
