"""编辑此项目 (the editing part of the detail panel, editors only): status, progress, a dated note
with a photo, and moving or drawing the item's own geometry.

Every save goes through ``geo.editing`` / ``geo.locate`` with the version the editor opened,
so a concurrent change is shown as a conflict (在最新版本上应用我的修改 / 放弃我的修改), never
overwritten. The field page's quick status update uses the same save and conflict box.
"""
from __future__ import annotations

import functools

import streamlit as st

from geo import auth, field, i18n, locate, photos
from geo.app.placing_map import draw_map, proposal_from_map
from geo.app.signin import current_user
from geo.app.state import Keys
from geo.app.widgets import describe_geometry, flash, md, show_flash
from geo.auth import User
from geo.contract import STATUSES
from geo.coords import DATUMS
from geo.editing import EditConflict, EditError, edit_item, reapply


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
        st.error(md(i18n.say(exc, lang)))
        return False
    except EditConflict as exc:
        st.session_state[Keys.PENDING_EDIT] = {"item_id": item_id, "kind": kind, "value": value,
                                               "error": exc}
        return False
    except (EditError, field.FieldError) as exc:
        st.error(md(i18n.say(exc, lang)))
        return False
    remember_version(item_id, saved["properties"]["version"])
    flash(i18n.t("saved", lang, version=saved["properties"]["version"]))
    return True


def conflict_box(ctx, item_id: str, lang: str) -> None:
    """The conflict message for a refused save, with 'apply mine to the latest' and 'discard'."""
    pending = st.session_state.get(Keys.PENDING_EDIT)
    if not pending or pending.get("item_id") != item_id:
        return
    st.warning(md(i18n.say(pending["error"], lang)))
    c1, c2 = st.columns(2)
    if c1.button(i18n.t("conflict_reapply", lang), key=Keys.reapply(item_id), type="primary"):
        user = current_user()
        try:
            saved = reapply(ctx.store, item_id, _change_of(pending["kind"], pending["value"], user), user=user)
        except EditConflict as exc:
            pending["error"] = exc
            st.rerun()
        except (auth.NotAllowed, EditError, field.FieldError) as exc:
            st.error(md(i18n.say(exc, lang)))
            return
        st.session_state.pop(Keys.PENDING_EDIT, None)
        remember_version(item_id, saved["properties"]["version"])
        flash(i18n.t("saved", lang, version=saved["properties"]["version"]))
        st.rerun()
    if c2.button(i18n.t("conflict_discard", lang), key=Keys.discard(item_id)):
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
        st.markdown(f"**{i18n.t('progress', lang)}**：{md(prog.text(lang))}")
        if prog.fraction is not None:
            st.progress(prog.fraction)
    _notes_view(ctx, p, lang)
    if not user.can_edit:
        st.info(i18n.t("read_only", lang))
        return
    version = opened_version(feature)
    if version != p.get("version"):
        st.caption(i18n.t("stale_view", lang, yours=version, now=p.get("version")))
    with st.expander(i18n.t("edit_title", lang), expanded=False, icon=":material/edit:"):
        with st.form(Keys.status_form(item_id)):
            status = st.selectbox(i18n.t("status", lang), list(STATUSES), index=list(STATUSES).index(p["status"]),
                                  format_func=lambda s: i18n.status_label(s, lang), key=Keys.status_select(item_id))
            if st.form_submit_button(i18n.t("save_status", lang)):
                if save_change(ctx, item_id, "status", status, lang=lang) or st.session_state.get(Keys.PENDING_EDIT):
                    st.rerun()
        with st.form(Keys.progress_form(item_id)):
            done = st.number_input(i18n.t("progress_done", lang, unit=prog.unit or ""), min_value=0.0,
                                   value=float(prog.done or 0), step=1.0, key=Keys.progress_input(item_id))
            if st.form_submit_button(i18n.t("save_progress", lang)):
                if save_change(ctx, item_id, "progress", done, lang=lang) or st.session_state.get(Keys.PENDING_EDIT):
                    st.rerun()
        _note_form(ctx, feature, lang)
        _geometry_editor(ctx, feature, lang)


def _notes_view(ctx, p: dict, lang: str) -> None:
    notes = p.get("progress_notes") or []
    if not notes:
        return
    st.markdown(f"**{i18n.t('progress_notes', lang)}**")
    for n in reversed(notes[-20:]):
        st.markdown(f"- {md(n.get('date', ''))} · {md(n.get('by', ''))}：{md(n.get('text', ''))}")
        if n.get("photo"):
            try:
                data = photos.photo_bytes(n["photo"], ctx.store)
                if data:
                    st.image(data, width=240)
            except Exception:  # noqa: BLE001  (a missing photo must not break the panel)
                st.caption(i18n.t("photo_missing", lang))


def _note_form(ctx, feature: dict, lang: str) -> None:
    item_id = feature["id"]
    with st.form(Keys.note_form(item_id), clear_on_submit=True):
        text = st.text_area(i18n.t("note_text", lang), key=Keys.note_text(item_id), max_chars=field.NOTE_MAX_CHARS)
        date = st.date_input(i18n.t("note_date", lang), key=Keys.note_date(item_id))
        upload = st.file_uploader(i18n.t("photo", lang), type=None, key=Keys.note_photo(item_id))
        submitted = st.form_submit_button(i18n.t("save_note", lang))
    if not submitted:
        return
    photo_name = None
    if upload is not None:
        try:
            stored = photos.store_photo(upload.getvalue(), upload.name, store=ctx.store)
        except photos.PhotoError as exc:
            st.error(md(i18n.say(exc, lang)))
            return
        photo_name = stored.file
        if stored.has_location:
            st.session_state[Keys.photo_gps(item_id)] = {"lon": stored.lon, "lat": stored.lat, "file": stored.file}
    value = {"text": text, "date": date.isoformat() if date else None, "photo": photo_name}
    if save_change(ctx, item_id, "note", value, lang=lang) or st.session_state.get(Keys.PENDING_EDIT):
        st.rerun()


def _geometry_editor(ctx, feature: dict, lang: str) -> None:
    """Move or draw this item's own geometry: pasted coordinates, the photo's GPS, or a drawing."""
    item_id = feature["id"]
    st.markdown(f"**{i18n.t('move_item', lang)}**")
    photo_gps = st.session_state.get(Keys.photo_gps(item_id))
    if photo_gps:
        st.info(i18n.t("photo_gps_offer", lang, lon=f"{photo_gps['lon']:.6f}", lat=f"{photo_gps['lat']:.6f}"))
        if st.button(i18n.t("use_photo_gps", lang), key=Keys.use_photo_gps(item_id)):
            _save_item_geometry(ctx, feature, {"type": "Point", "coordinates": [photo_gps["lon"], photo_gps["lat"]]},
                                "gps", "wgs84", lang)
            st.session_state.pop(Keys.photo_gps(item_id), None)
    c1, c2 = st.columns([3, 2])
    text = c1.text_input(i18n.t("paste_coords", lang), key=Keys.item_coords(item_id), placeholder="121.2612, 28.9301")
    datum = c2.selectbox(i18n.t("datum", lang), DATUMS, format_func=lambda d: i18n.t("datum_" + d, lang),
                         key=Keys.item_datum(item_id))
    if st.button(i18n.t("move_here", lang), key=Keys.item_move(item_id)) and text:
        try:
            pt = locate.parse_coordinates(text)
        except locate.LocateError as exc:
            st.error(md(i18n.say(exc, lang)))
        else:
            _save_item_geometry(ctx, feature, pt.geometry(), "manual", datum, lang)
    if st.toggle(i18n.t("draw_on_map", lang), key=Keys.item_draw_toggle(item_id)):
        out = draw_map(ctx, key=Keys.item_draw_map(item_id), height=380, focus=feature)
        proposal = proposal_from_map(out, Keys.item_draw_map(item_id))
        if proposal:
            st.session_state[Keys.item_proposal(item_id)] = proposal
        proposal = st.session_state.get(Keys.item_proposal(item_id))
        if proposal:
            st.caption(describe_geometry(proposal["geometry"], lang))
            if st.button(i18n.t("save_geometry", lang), key=Keys.item_save_geometry(item_id), type="primary"):
                st.session_state.pop(Keys.item_proposal(item_id), None)
                _save_item_geometry(ctx, feature, proposal["geometry"], proposal["how"], proposal["datum"], lang)


def _save_item_geometry(ctx, feature: dict, geometry: dict, how: str, datum: str, lang: str) -> None:
    user = current_user()
    try:
        auth.require_editor(user, "place")
        saved = locate.set_item_geometry(ctx.store, feature["id"], geometry, how, user.name,
                                         expected_version=opened_version(feature), datum_original=datum,
                                         confirmed=True)
    except auth.NotAllowed as exc:
        st.error(md(i18n.say(exc, lang)))
        return
    except locate.LocateError as exc:
        st.error(md(i18n.say(exc, lang)))
        return
    except Exception as exc:  # VersionConflict and other store errors: shown, nothing overwritten
        from geo.store import StoreError
        if not isinstance(exc, StoreError):
            raise
        st.error(md(i18n.say(exc, lang)))
        return
    remember_version(feature["id"], saved["properties"]["version"])
    flash(i18n.t("saved", lang, version=saved["properties"]["version"]))
    st.rerun()


__all__ = ["conflict_box", "edit_panel", "opened_version", "remember_version", "save_change"]
