"""Streamlit pieces for editing (UI helpers; the logic is in geo.auth, geo.editing, geo.locate, geo.field,
geo.photos): the sign-in box, the editing part of the detail panel, the placement widgets of the 待定位
page, the browser GPS fix, and the rows of the field page.

Viewers (not signed in) see everything read-only; every save goes through ``geo.editing`` /
``geo.locate`` with the version the editor opened, so a concurrent change is shown as a
conflict, never overwritten.
"""
from __future__ import annotations

import functools
import html
import time

import streamlit as st

from geo import auth, field, i18n, locate
from geo.auth import User
from geo.contract import STATUSES
from geo.editing import EditConflict, EditError, edit_item, reapply
from geo.ui_state import Keys

_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$"

# Large touch targets for phones (field page and editing buttons).
TOUCH_CSS = """
<style>
div[data-testid="stButton"] button, a[data-testid="stBaseLinkButton-secondary"],
a[data-testid="stBaseLinkButton-primary"], div[data-testid="stFormSubmitButton"] button {
  min-height: 48px; font-size: 1.05rem;
}
div[data-testid="stSelectbox"] div[data-baseweb="select"] { min-height: 48px; }
</style>
"""


def md(text) -> str:
    """Text from data, safe inside st.markdown (markdown and HTML characters escaped)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


# ---------------------------------------------------------------------------
# who is here
# ---------------------------------------------------------------------------
def current_user() -> User:
    user = st.session_state.get(Keys.AUTH_USER)
    return user if isinstance(user, User) else auth.ANONYMOUS


def sign_in_box(lang: str) -> User:
    """Sidebar: the signed-in editor and a sign-out button, or a sign-in form. Returns the current user."""
    user = current_user()
    with st.sidebar:
        if user.can_edit:
            st.success(i18n.t("signed_in_as", lang, name=user.name))
            if st.button(i18n.t("sign_out", lang), key="auth_sign_out"):
                st.session_state.pop(Keys.AUTH_USER, None)
                st.session_state.pop(Keys.EDIT_BASE, None)
                st.rerun()
            return user
        with st.expander(i18n.t("sign_in_title", lang), expanded=False):
            st.caption(i18n.t("viewer_note", lang))
            with st.form("auth_form", clear_on_submit=True):
                name = st.text_input(i18n.t("user_name", lang), key="auth_name")
                password = st.text_input(i18n.t("password", lang), type="password", key="auth_password")
                submitted = st.form_submit_button(i18n.t("sign_in", lang))
            if submitted:
                try:
                    st.session_state[Keys.AUTH_USER] = auth.sign_in(name, password)
                except auth.AuthError as exc:
                    st.error(md(exc))
                else:
                    st.rerun()
    return current_user()


# ---------------------------------------------------------------------------
# the version an editor opened, conflicts
# ---------------------------------------------------------------------------
def opened_version(feature: dict) -> int:
    """The version of ``feature`` this session first showed the editor (what a save will expect)."""
    bases = st.session_state.setdefault(Keys.EDIT_BASE, {})
    item_id = feature["id"]
    if item_id not in bases:
        bases[item_id] = feature["properties"]["version"]
    return bases[item_id]


def remember_version(item_id: str, version: int | None = None) -> None:
    """After a save: the version this session now has open (None: forget it)."""
    bases = st.session_state.setdefault(Keys.EDIT_BASE, {})
    if version is None:
        bases.pop(item_id, None)
    else:
        bases[item_id] = version


def flash(message: str, kind: str = "success") -> None:
    st.session_state[Keys.EDIT_FLASH] = (kind, message)


def show_flash() -> None:
    msg = st.session_state.pop(Keys.EDIT_FLASH, None)
    if msg:
        getattr(st, msg[0], st.info)(msg[1])


def _change_of(kind: str, value, user: User):
    if kind == "status":
        return functools.partial(field.with_status, status=value)
    if kind == "progress":
        return functools.partial(field.with_progress, done=value)
    if kind == "note":
        return functools.partial(field.with_note, by=user.name, **value)
    raise ValueError(kind)


def save_change(ctx, item_id: str, kind: str, value, *, lang: str) -> bool:
    """Save one change as the current user; shows refusal/conflict/error messages. True when saved."""
    user = current_user()
    feature = ctx.get(item_id) if ctx is not None else None
    store = ctx.store
    if feature is None or store is None:
        st.error(i18n.t("edit_failed", lang, msg=item_id))
        return False
    expected = opened_version(feature)
    try:
        saved = edit_item(store, item_id, _change_of(kind, value, user), user=user, expected_version=expected)
    except auth.NotAllowed as exc:
        st.error(md(exc))
        return False
    except EditConflict as exc:
        st.session_state[Keys.PENDING_EDIT] = {"item_id": item_id, "kind": kind, "value": value,
                                               "message": str(exc)}
        return False
    except (EditError, field.FieldError) as exc:
        st.error(md(exc))
        return False
    remember_version(item_id, saved["properties"]["version"])
    flash(i18n.t("saved", lang, version=saved["properties"]["version"]))
    return True


def conflict_box(ctx, item_id: str, lang: str) -> None:
    """The conflict message for a refused save, with 'apply mine to the latest' and 'discard'."""
    pending = st.session_state.get(Keys.PENDING_EDIT)
    if not pending or pending.get("item_id") != item_id:
        return
    st.warning(md(pending["message"]))
    c1, c2 = st.columns(2)
    if c1.button(i18n.t("conflict_reapply", lang), key=f"reapply_{item_id}", type="primary"):
        user = current_user()
        try:
            saved = reapply(ctx.store, item_id, _change_of(pending["kind"], pending["value"], user), user=user)
        except EditConflict as exc:
            pending["message"] = str(exc)
            st.rerun()
        except (auth.NotAllowed, EditError, field.FieldError) as exc:
            st.error(md(exc))
            return
        st.session_state.pop(Keys.PENDING_EDIT, None)
        remember_version(item_id, saved["properties"]["version"])
        flash(i18n.t("saved", lang, version=saved["properties"]["version"]))
        st.rerun()
    if c2.button(i18n.t("conflict_discard", lang), key=f"discard_{item_id}"):
        st.session_state.pop(Keys.PENDING_EDIT, None)
        remember_version(item_id)
        st.rerun()


# ---------------------------------------------------------------------------
# detail panel: editing
# ---------------------------------------------------------------------------
def edit_panel(ctx, feature: dict) -> None:
    """Status, progress, dated note with photo, move/draw geometry — editors only."""
    lang = ctx.lang
    user = current_user()
    item_id = feature["id"]
    show_flash()
    conflict_box(ctx, item_id, lang)
    p = feature.get("properties") or {}
    prog = field.progress_of(feature)
    if prog.target is not None or prog.done is not None:
        st.markdown(f"**{i18n.t('progress', lang)}**：{md(prog.text())}")
        if prog.fraction is not None:
            st.progress(prog.fraction)
    _notes_view(p, lang)
    if not user.can_edit:
        st.info(i18n.t("read_only", lang))
        return
    version = opened_version(feature)
    if version != p.get("version"):
        st.caption(i18n.t("stale_view", lang, yours=version, now=p.get("version")))
    with st.expander(i18n.t("edit_title", lang), expanded=False, icon=":material/edit:"):
        with st.form(f"status_form_{item_id}"):
            status = st.selectbox(i18n.t("status", lang), list(STATUSES), index=list(STATUSES).index(p["status"]),
                                  format_func=lambda s: i18n.status_label(s, lang), key=f"status_sel_{item_id}")
            if st.form_submit_button(i18n.t("save_status", lang)):
                if save_change(ctx, item_id, "status", status, lang=lang) or st.session_state.get(Keys.PENDING_EDIT):
                    st.rerun()
        with st.form(f"progress_form_{item_id}"):
            done = st.number_input(i18n.t("progress_done", lang, unit=prog.unit or ""), min_value=0.0,
                                   value=float(prog.done or 0), step=1.0, key=f"progress_in_{item_id}")
            if st.form_submit_button(i18n.t("save_progress", lang)):
                if save_change(ctx, item_id, "progress", done, lang=lang) or st.session_state.get(Keys.PENDING_EDIT):
                    st.rerun()
        _note_form(ctx, feature, lang)
        _geometry_editor(ctx, feature, lang)


def _notes_view(p: dict, lang: str) -> None:
    notes = p.get("progress_notes") or []
    if not notes:
        return
    st.markdown(f"**{i18n.t('progress_notes', lang)}**")
    for n in reversed(notes[-20:]):
        st.markdown(f"- {md(n.get('date', ''))} · {md(n.get('by', ''))}：{md(n.get('text', ''))}")
        if n.get("photo"):
            try:
                from geo.photos import photo_path
                path = photo_path(n["photo"])
                if path.is_file():
                    st.image(str(path), width=240)
            except Exception:  # noqa: BLE001  (a missing photo must not break the panel)
                st.caption(i18n.t("photo_missing", lang))


def _note_form(ctx, feature: dict, lang: str) -> None:
    from geo import photos
    item_id = feature["id"]
    with st.form(f"note_form_{item_id}", clear_on_submit=True):
        text = st.text_area(i18n.t("note_text", lang), key=f"note_text_{item_id}", max_chars=field.NOTE_MAX_CHARS)
        date = st.date_input(i18n.t("note_date", lang), key=f"note_date_{item_id}")
        upload = st.file_uploader(i18n.t("photo", lang), type=None, key=f"note_photo_{item_id}")
        submitted = st.form_submit_button(i18n.t("save_note", lang))
    if not submitted:
        return
    photo_name = None
    if upload is not None:
        try:
            stored = photos.store_photo(upload.getvalue(), upload.name)
        except photos.PhotoError as exc:
            st.error(md(exc))
            return
        photo_name = stored.file
        if stored.has_location:
            st.session_state[f"photo_gps_{item_id}"] = {"lon": stored.lon, "lat": stored.lat, "file": stored.file}
    value = {"text": text, "date": date.isoformat() if date else None, "photo": photo_name}
    if save_change(ctx, item_id, "note", value, lang=lang) or st.session_state.get(Keys.PENDING_EDIT):
        st.rerun()


def _geometry_editor(ctx, feature: dict, lang: str) -> None:
    """Move or draw this item's own geometry: pasted coordinates, the photo's GPS, or a drawing."""
    item_id = feature["id"]
    st.markdown(f"**{i18n.t('move_item', lang)}**")
    photo_gps = st.session_state.get(f"photo_gps_{item_id}")
    if photo_gps:
        st.info(i18n.t("photo_gps_offer", lang, lon=f"{photo_gps['lon']:.6f}", lat=f"{photo_gps['lat']:.6f}"))
        if st.button(i18n.t("use_photo_gps", lang), key=f"use_photo_gps_{item_id}"):
            _save_item_geometry(ctx, feature, {"type": "Point", "coordinates": [photo_gps["lon"], photo_gps["lat"]]},
                                "gps", "wgs84", lang)
            st.session_state.pop(f"photo_gps_{item_id}", None)
    c1, c2 = st.columns([3, 2])
    text = c1.text_input(i18n.t("paste_coords", lang), key=f"item_coords_{item_id}", placeholder="121.2612, 28.9301")
    datum = c2.selectbox(i18n.t("datum", lang), DATUM_CHOICES, format_func=lambda d: i18n.t("datum_" + d, lang),
                         key=f"item_datum_{item_id}")
    if st.button(i18n.t("move_here", lang), key=f"item_move_{item_id}") and text:
        try:
            pt = locate.parse_coordinates(text)
        except locate.LocateError as exc:
            st.error(md(exc))
        else:
            _save_item_geometry(ctx, feature, pt.geometry(), "manual", datum, lang)
    if st.toggle(i18n.t("draw_on_map", lang), key=f"item_draw_toggle_{item_id}"):
        out = draw_map(ctx, key=f"{Keys.ITEM_DRAW_MAP}_{item_id}", height=380, focus=feature)
        proposal = _proposal_from_map(out, f"{Keys.ITEM_DRAW_MAP}_{item_id}")
        if proposal:
            st.session_state[f"item_proposal_{item_id}"] = proposal
        proposal = st.session_state.get(f"item_proposal_{item_id}")
        if proposal:
            st.caption(describe_geometry(proposal["geometry"], lang))
            if st.button(i18n.t("save_geometry", lang), key=f"item_save_geom_{item_id}", type="primary"):
                st.session_state.pop(f"item_proposal_{item_id}", None)
                _save_item_geometry(ctx, feature, proposal["geometry"], proposal["how"], proposal["datum"], lang)


def _save_item_geometry(ctx, feature: dict, geometry: dict, how: str, datum: str, lang: str) -> None:
    user = current_user()
    try:
        auth.require_editor(user, "place")
        saved = locate.set_item_geometry(ctx.store, feature["id"], geometry, how, user.name,
                                         expected_version=opened_version(feature), datum_original=datum,
                                         confirmed=True)
    except auth.NotAllowed as exc:
        st.error(md(exc))
        return
    except locate.LocateError as exc:
        st.error(md(exc))
        return
    except Exception as exc:  # VersionConflict and other store errors: shown, nothing overwritten
        from geo.store import StoreError
        if not isinstance(exc, StoreError):
            raise
        st.error(md(exc))
        return
    remember_version(feature["id"], saved["properties"]["version"])
    flash(i18n.t("saved", lang, version=saved["properties"]["version"]))
    st.rerun()


# ---------------------------------------------------------------------------
# maps for placing (click / draw)
# ---------------------------------------------------------------------------
DATUM_CHOICES = ("wgs84", "gcj02", "bd09")


def draw_map(ctx, *, key: str, height: int = 520, focus: dict | None = None, place: dict | None = None):
    """A map with the current items and a Draw toolbar; returns st_folium's payload.

    Clicks and drawings are in the displayed basemap's datum (GCJ-02 on Gaode tiles);
    :func:`_proposal_from_map` records that datum so the placement converts it back.
    """
    from folium.plugins import Draw
    from streamlit_folium import st_folium

    from geo.mapview import base_map, data_bounds, data_layer
    from geo.mapview import offline
    from geo.mapview.basemaps import available
    from geo.query import geometry_bounds

    basemaps = available()
    basemap = basemaps.get(ctx.state.basemap) or basemaps["osm"]
    bounds = None
    if focus is not None and focus.get("geometry"):
        bounds = geometry_bounds(focus["geometry"])
    if bounds is None and place is not None:
        bounds = _place_context_bounds(ctx, place)
    if bounds is None:
        bounds = data_bounds(ctx.features, ctx.places)
    m = base_map(basemap=basemap, bounds=bounds, places=ctx.places, lang=ctx.lang,
                 categories=sorted({(f.get("properties") or {}).get("category") for f in ctx.features} - {None}))
    data_layer(ctx.features, ctx.places, lang=ctx.lang, datum=basemap.datum, clustered=False).add_to(m)
    Draw(export=False, position="topleft",
         draw_options={"polyline": {"shapeOptions": {"color": "#d62728"}}, "polygon": {"allowIntersection": False},
                       "marker": True, "rectangle": False, "circle": False, "circlemarker": False},
         edit_options={"edit": False, "remove": True}).add_to(m)
    offline.localise(m)
    if basemap.datum == "gcj02":
        st.caption(i18n.t("gcj_note", ctx.lang))
    st.session_state[key + "__datum"] = basemap.datum
    return st_folium(m, key=key, height=height, use_container_width=True,
                     returned_objects=["last_clicked", "last_active_drawing", "all_drawings"])


def _place_context_bounds(ctx, place: dict):
    """Open the placing map on the place's town (its seat point), else the data."""
    from geo.query import geometry_bounds
    town = (place.get("properties") or {}).get("town")
    pt = ctx.places.point_for(town) if town else None
    if pt and pt.get("geometry"):
        w, s, e, n = geometry_bounds(pt["geometry"])
        pad = 0.04
        return (w - pad, s - pad, e + pad, n + pad)
    return None


def _proposal_from_map(out, map_key: str) -> dict | None:
    """A new click or drawing on the map ``map_key`` as {geometry, how, datum}; None when nothing new happened."""
    if not out:
        return None
    datum = st.session_state.get(map_key + "__datum", "wgs84")
    key = map_key
    seen = st.session_state.setdefault(Keys.LOCATE_SEEN, {})
    drawings = out.get("all_drawings") or []
    sig_draw = repr(drawings[-1]) if drawings else None
    click = out.get("last_clicked")
    sig_click = repr(click) if click else None
    before = seen.get(key, {})
    seen[key] = {"draw": sig_draw, "click": sig_click}
    if sig_draw and sig_draw != before.get("draw"):
        geom = (drawings[-1] or {}).get("geometry")
        if geom and geom.get("type") in ("Point", "LineString", "Polygon"):
            how = "manual" if geom["type"] == "Point" else "draw"
            return {"geometry": geom, "how": how, "datum": datum}
    if sig_click and sig_click != before.get("click"):
        return {"geometry": {"type": "Point", "coordinates": [click["lng"], click["lat"]]}, "how": "manual",
                "datum": datum}
    return None


def describe_geometry(geometry: dict, lang: str) -> str:
    gtype = geometry.get("type")
    if gtype == "Point":
        lon, lat = geometry["coordinates"][:2]
        return i18n.t("proposal_point", lang, lon=f"{lon:.6f}", lat=f"{lat:.6f}")
    n = len(geometry["coordinates"][0]) - 1 if gtype == "Polygon" else len(geometry.get("coordinates") or [])
    return i18n.t("proposal_shape", lang, kind=i18n.t("shape_" + gtype.lower(), lang), n=n)


# ---------------------------------------------------------------------------
# GPS from the browser
# ---------------------------------------------------------------------------
def gps_button(lang: str, key: str = "gps") -> dict | None:
    """"I am here": asks the browser for a position (needs HTTPS or localhost). Returns the last fix or None.

    The fix is {lon, lat, accuracy_m, ts}; errors (permission denied, no fix) are shown.
    """
    from streamlit_js_eval import get_geolocation
    ss = st.session_state
    if st.button(i18n.t("gps_here", lang), key=f"{key}_button", type="primary", width="stretch",
                 icon=":material/my_location:"):
        ss[Keys.GPS_REQUEST] = int(ss.get(Keys.GPS_REQUEST, 0)) + 1
        ss.pop(Keys.GPS_FIX, None)
    request = ss.get(Keys.GPS_REQUEST)
    if request and Keys.GPS_FIX not in ss:
        answer = get_geolocation(component_key=f"geo_fix_{key}_{request}")
        if answer is None:
            st.caption(i18n.t("gps_waiting", lang))
        elif "error" in answer:
            ss[Keys.GPS_REQUEST] = 0
            st.error(i18n.t("gps_error", lang, msg=html.escape(str((answer.get("error") or {}).get("message") or
                                                                     answer.get("error")))))
        else:
            c = answer.get("coords") or {}
            ss[Keys.GPS_FIX] = {"lon": float(c["longitude"]), "lat": float(c["latitude"]),
                                "accuracy_m": float(c.get("accuracy") or 0), "ts": time.time()}
            st.rerun()
    fix = ss.get(Keys.GPS_FIX)
    if fix:
        st.markdown(i18n.t("gps_fix", lang, lon=f"{fix['lon']:.6f}", lat=f"{fix['lat']:.6f}",
                           acc=f"{fix['accuracy_m']:.0f}"))
        if fix["accuracy_m"] > locate.GPS_CONFIRM_ABOVE_M:
            st.warning(i18n.t("gps_poor", lang, acc=f"{fix['accuracy_m']:.0f}"))
    return fix


# ---------------------------------------------------------------------------
# 待定位 page: placing a place
# ---------------------------------------------------------------------------
def placement_panel(ctx, gazetteer, entry, lang: str) -> None:
    """Every way to place one queue entry, one proposal at a time, confirmed before it is saved."""
    user = current_user()
    place_feature = gazetteer.get(entry.place_id)
    ss = st.session_state
    tabs = st.tabs([i18n.t("how_map", lang), i18n.t("how_gps", lang), i18n.t("how_paste", lang),
                    i18n.t("how_online", lang)])
    with tabs[0]:
        st.caption(i18n.t("map_hint", lang))
        out = draw_map(ctx, key=Keys.LOCATE_MAP, place=place_feature)
        proposal = _proposal_from_map(out, Keys.LOCATE_MAP)
        if proposal:
            ss[Keys.LOCATE_PROPOSAL] = {**proposal, "place_id": entry.place_id, "accuracy_m": None}
    with tabs[1]:
        fix = gps_button(lang, key="locate_gps")
        if fix and st.button(i18n.t("use_gps", lang), key="use_gps_fix"):
            ss[Keys.LOCATE_PROPOSAL] = {"place_id": entry.place_id, "how": "gps", "datum": "wgs84",
                                        "geometry": {"type": "Point", "coordinates": [fix["lon"], fix["lat"]]},
                                        "accuracy_m": fix["accuracy_m"]}
    with tabs[2]:
        text = st.text_input(i18n.t("paste_coords", lang), key="locate_paste", placeholder="121.2612, 28.9301")
        datum = st.selectbox(i18n.t("datum", lang), DATUM_CHOICES, key="locate_paste_datum",
                             format_func=lambda d: i18n.t("datum_" + d, lang))
        if st.button(i18n.t("use_coords", lang), key="locate_paste_use") and text:
            try:
                pt = locate.parse_coordinates(text)
            except locate.LocateError as exc:
                st.error(md(exc))
            else:
                if pt.swapped:
                    st.info(i18n.t("coords_swapped", lang))
                ss[Keys.LOCATE_PROPOSAL] = {"place_id": entry.place_id, "how": "manual", "datum": datum,
                                            "geometry": pt.geometry(), "accuracy_m": None}
    with tabs[3]:
        _online_suggestion(gazetteer, entry, lang)
    proposal = ss.get(Keys.LOCATE_PROPOSAL)
    if proposal and proposal.get("place_id") == entry.place_id:
        _confirm_proposal(ctx, gazetteer, entry, proposal, user, lang)


def _online_suggestion(gazetteer, entry, lang: str) -> None:
    from geo.geocode import GeocoderChain, configured_providers
    try:
        providers = configured_providers()
    except Exception as exc:  # noqa: BLE001  (a bad provider setting must not break the page)
        st.warning(md(exc))
        return
    if not providers:
        st.caption(i18n.t("online_off", lang))
        return
    ss = st.session_state
    if st.button(i18n.t("online_ask", lang), key="online_ask"):
        result = GeocoderChain(gazetteer, providers=providers).geocode(entry.name, entry.town)
        ss[Keys.SUGGESTION] = {"place_id": entry.place_id, "result": result}
    sug = ss.get(Keys.SUGGESTION)
    if not sug or sug["place_id"] != entry.place_id:
        return
    result = sug["result"]
    for w in result.warnings:
        st.caption(w)
    if not result.suggestion or result.geometry is None:
        st.info(i18n.t("online_none", lang))
        return
    st.info(i18n.t("online_offer", lang, source=result.source, address=md(result.provider_address or ""),
                   lon=f"{result.lon:.6f}", lat=f"{result.lat:.6f}"))
    if st.button(i18n.t("online_accept", lang), key="online_accept"):
        ss[Keys.LOCATE_PROPOSAL] = {"place_id": entry.place_id, "how": result.source, "geometry": result.geometry,
                                    "datum": result.datum_original or "wgs84", "converted": True,
                                    "accuracy_m": None}


def _confirm_proposal(ctx, gazetteer, entry, proposal: dict, user: User, lang: str) -> None:
    ss = st.session_state
    with st.container(border=True):
        st.markdown(f"**{i18n.t('proposal', lang, name=md(entry.name))}**")
        st.caption(describe_geometry(proposal["geometry"], lang) + " · "
                   + i18n.t("datum_" + proposal.get("datum", "wgs84") if proposal.get("datum") in DATUM_CHOICES
                            else "datum_wgs84", lang)
                   + " · " + i18n.geometry_source_label(proposal["how"], lang))
        acc = proposal.get("accuracy_m")
        confirmed = True
        if proposal["how"] == "gps" and acc is not None and acc > locate.GPS_CONFIRM_ABOVE_M:
            confirmed = st.checkbox(i18n.t("gps_confirm", lang, acc=f"{acc:.0f}"), key="gps_confirm_poor")
        c1, c2 = st.columns(2)
        if c1.button(i18n.t("confirm_place", lang, name=md(entry.name)), key="confirm_place", type="primary"):
            if not user.can_edit:
                st.error(str(auth.NotAllowed(i18n.t("read_only", lang))))
                return
            try:
                result = locate.place(entry.place_id, proposal["geometry"], proposal["how"], user.name,
                                      proposal.get("datum") or "wgs84", proposal.get("accuracy_m"),
                                      store=ctx.store, gazetteer=gazetteer, confirmed=confirmed,
                                      converted=bool(proposal.get("converted")))
            except locate.NeedsConfirmation as exc:
                st.warning(md(exc))
                return
            except locate.LocateError as exc:
                st.error(md(exc))
                return
            ss.pop(Keys.LOCATE_PROPOSAL, None)
            ss.pop(Keys.SUGGESTION, None)
            flash(i18n.t("placed", lang, name=md(entry.name), summary=result.summary()))
            st.rerun()
        if c2.button(i18n.t("cancel", lang), key="cancel_place"):
            ss.pop(Keys.LOCATE_PROPOSAL, None)
            st.rerun()


def undo_list(ctx, gazetteer, lang: str, limit: int = 10) -> None:
    """Recent placements with an undo button each (editors)."""
    user = current_user()
    recent = locate.undoable()[:limit]
    if not recent:
        return
    st.subheader(i18n.t("recent_placements", lang))
    for rec in recent:
        place_feature = gazetteer.get(rec["place_id"])
        name = place_feature["properties"]["name"] if place_feature else rec["place_id"]
        c1, c2 = st.columns([4, 1])
        c1.markdown(i18n.t("placement_line", lang, name=md(name), user=md(rec.get("user", "")),
                           ts=md(rec.get("ts", "")[:16].replace("T", " ")),
                           how=md(i18n.geometry_source_label(rec.get("how"), lang)),
                           n=len(rec.get("items") or [])))
        if user.can_edit and c2.button(i18n.t("undo", lang), key=f"undo_{rec['id']}"):
            try:
                res = locate.undo_placement(rec["id"], user.name, store=ctx.store, gazetteer=gazetteer)
            except locate.LocateError as exc:
                st.error(md(exc))
            else:
                flash(i18n.t("undone", lang, name=md(name), summary=res.summary()))
                st.rerun()


# ---------------------------------------------------------------------------
# field page rows
# ---------------------------------------------------------------------------
def nearby_row(ctx, near: field.Nearby, lang: str, index: int) -> None:
    f = near.feature
    p = f.get("properties") or {}
    item_id = f["id"]
    with st.container(border=True):
        st.markdown(f"**{index}. {md(p.get('name') or item_id)}**  \n"
                    f"{md(i18n.t('distance', lang))} {md(near.distance_text)} · {md(i18n.status_label(p.get('status'), lang))} · "
                    f"{md(i18n.category_label(p.get('category'), lang))}")
        prog = field.progress_of(f)
        if prog.target is not None:
            st.caption(prog.text())
        links = field.navigation_links(f)
        if links:
            c1, c2 = st.columns(2)
            c1.link_button(i18n.t("nav_gaode", lang), links["gaode"], width="stretch", icon=":material/navigation:")
            c2.link_button(i18n.t("nav_baidu", lang), links["baidu"], width="stretch", icon=":material/navigation:")
        conflict_box(ctx, item_id, lang)
        opened_version(f)
        c3, c4 = st.columns([3, 2])
        status = c3.selectbox(i18n.t("status", lang), list(STATUSES), index=list(STATUSES).index(p["status"]),
                              format_func=lambda s: i18n.status_label(s, lang), key=f"field_status_{item_id}",
                              label_visibility="collapsed")
        if c4.button(i18n.t("save_status_short", lang), key=f"field_save_{item_id}", width="stretch"):
            if save_change(ctx, item_id, "status", status, lang=lang) or st.session_state.get(Keys.PENDING_EDIT):
                st.rerun()


__all__ = ["TOUCH_CSS", "conflict_box", "current_user", "draw_map", "edit_panel", "gps_button", "md",
           "nearby_row", "opened_version", "placement_panel", "save_change", "show_flash", "sign_in_box",
           "undo_list"]
