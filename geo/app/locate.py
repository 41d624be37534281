"""待定位 (the locate page): places that items refer to but that have no location, most-referenced
first; place one (map click, drawing, GPS, pasted coordinates, an accepted online suggestion),
confirm it, and every item referring to it follows; 最近的定位 with 撤销 (undo).

The logic is geo.locate; this module is only what the page shows.
"""
from __future__ import annotations

import streamlit as st

from geo import i18n, locate
from geo.app.placing_map import draw_map, proposal_from_map
from geo.app.signin import current_user
from geo.app.state import Keys
from geo.app.widgets import describe_geometry, flash, gps_button, md, show_flash, touch_targets
from geo.auth import User
from geo.coords import DATUMS
from geo.gazetteer import GazetteerError, load_gazetteer


def _kind(kind: str, lang: str) -> str:
    try:
        return i18n.t("kind_" + kind, lang)
    except KeyError:
        return kind


def render(ctx) -> None:
    lang = ctx.lang
    st.title(i18n.t("page_locate", lang))
    touch_targets()
    show_flash()
    try:
        gazetteer = load_gazetteer(store=ctx.store)
    except GazetteerError as exc:
        st.error(md(i18n.say(exc, lang)))
        st.stop()

    queue = locate.unlocated_places(ctx.features, gazetteer)
    st.caption(i18n.t("queue_help", lang))
    user = current_user()
    if not user.can_edit:
        st.info(i18n.t("read_only", lang))

    if not queue:
        st.success(i18n.t("queue_empty", lang))
    else:
        ids = [e.place_id for e in queue]
        if st.session_state.get(Keys.LOCATE_PLACE) not in ids:
            st.session_state[Keys.LOCATE_PLACE] = ids[0]
        by_id = {e.place_id: e for e in queue}
        st.selectbox(i18n.t("queue_title", lang), ids, key=Keys.LOCATE_PLACE,
                     format_func=lambda pid: i18n.t("queue_entry", lang, name=by_id[pid].name,
                                                    kind=_kind(by_id[pid].kind, lang), n=by_id[pid].count))
        entry = by_id[st.session_state[Keys.LOCATE_PLACE]]
        with st.expander(i18n.t("waiting_items", lang) + f" ({entry.count})", expanded=False):
            st.dataframe([{"name": (f.get("properties") or {}).get("name") or "",
                           "status": i18n.status_label((f.get("properties") or {}).get("status"), lang),
                           "precision": i18n.precision_label((f.get("properties") or {}).get("precision"), lang)}
                          for f in entry.items], hide_index=True, use_container_width=True,
                         column_config={"name": i18n.t("name", lang), "status": i18n.t("status", lang),
                                        "precision": i18n.t("precision", lang)})
        if user.can_edit:
            placement_panel(ctx, gazetteer, entry, lang)

    if user.can_edit:
        undo_list(ctx, gazetteer, lang)


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
        proposal = proposal_from_map(out, Keys.LOCATE_MAP)
        if proposal:
            ss[Keys.LOCATE_PROPOSAL] = {**proposal, "place_id": entry.place_id, "accuracy_m": None}
    with tabs[1]:
        fix = gps_button(lang, Keys.LOCATE_GPS)
        if fix and st.button(i18n.t("use_gps", lang), key=Keys.USE_GPS_FIX):
            ss[Keys.LOCATE_PROPOSAL] = {"place_id": entry.place_id, "how": "gps", "datum": "wgs84",
                                        "geometry": {"type": "Point", "coordinates": [fix["lon"], fix["lat"]]},
                                        "accuracy_m": fix["accuracy_m"]}
    with tabs[2]:
        text = st.text_input(i18n.t("paste_coords", lang), key=Keys.LOCATE_PASTE, placeholder="121.2612, 28.9301")
        datum = st.selectbox(i18n.t("datum", lang), DATUMS, key=Keys.LOCATE_PASTE_DATUM,
                             format_func=lambda d: i18n.t("datum_" + d, lang))
        if st.button(i18n.t("use_coords", lang), key=Keys.LOCATE_PASTE_USE) and text:
            try:
                pt = locate.parse_coordinates(text)
            except locate.LocateError as exc:
                st.error(md(i18n.say(exc, lang)))
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
        st.warning(md(i18n.say(exc, lang)))
        return
    if not providers:
        st.caption(i18n.t("online_off", lang))
        return
    ss = st.session_state
    if st.button(i18n.t("online_ask", lang), key=Keys.ONLINE_ASK):
        result = GeocoderChain(gazetteer, providers=providers).geocode(entry.name, entry.town)
        ss[Keys.SUGGESTION] = {"place_id": entry.place_id, "result": result}
    sug = ss.get(Keys.SUGGESTION)
    if not sug or sug["place_id"] != entry.place_id:
        return
    result = sug["result"]
    for note in result.notes:
        st.caption(md(i18n.say(note, lang)))
    if not result.suggestion or result.geometry is None:
        st.info(i18n.t("online_none", lang))
        return
    st.info(i18n.t("online_offer", lang, source=result.source, address=md(result.provider_address or ""),
                   lon=f"{result.lon:.6f}", lat=f"{result.lat:.6f}"))
    if st.button(i18n.t("online_accept", lang), key=Keys.ONLINE_ACCEPT):
        ss[Keys.LOCATE_PROPOSAL] = {"place_id": entry.place_id, "how": result.source, "geometry": result.geometry,
                                    "datum": result.datum_original or "wgs84", "converted": True,
                                    "accuracy_m": None}


def _confirm_proposal(ctx, gazetteer, entry, proposal: dict, user: User, lang: str) -> None:
    ss = st.session_state
    with st.container(border=True):
        st.markdown(f"**{i18n.t('proposal', lang, name=md(entry.name))}**")
        st.caption(describe_geometry(proposal["geometry"], lang) + " · "
                   + i18n.t("datum_" + proposal.get("datum", "wgs84") if proposal.get("datum") in DATUMS
                            else "datum_wgs84", lang)
                   + " · " + i18n.geometry_source_label(proposal["how"], lang))
        acc = proposal.get("accuracy_m")
        confirmed = True
        if proposal["how"] == "gps" and acc is not None and acc > locate.GPS_CONFIRM_ABOVE_M:
            confirmed = st.checkbox(i18n.t("gps_confirm", lang, acc=f"{acc:.0f}"), key=Keys.GPS_CONFIRM_POOR)
        c1, c2 = st.columns(2)
        if c1.button(i18n.t("confirm_place", lang, name=md(entry.name)), key=Keys.CONFIRM_PLACE, type="primary"):
            if not user.can_edit:
                st.error(i18n.t("read_only", lang))
                return
            try:
                result = locate.place(entry.place_id, proposal["geometry"], proposal["how"], user.name,
                                      proposal.get("datum") or "wgs84", proposal.get("accuracy_m"),
                                      store=ctx.store, gazetteer=gazetteer, confirmed=confirmed,
                                      converted=bool(proposal.get("converted")))
            except locate.NeedsConfirmation as exc:
                st.warning(md(i18n.say(exc, lang)))
                return
            except locate.LocateError as exc:
                st.error(md(i18n.say(exc, lang)))
                return
            ss.pop(Keys.LOCATE_PROPOSAL, None)
            ss.pop(Keys.SUGGESTION, None)
            flash(i18n.t("placed", lang, name=md(entry.name), summary=result.summary(lang)))
            st.rerun()
        if c2.button(i18n.t("cancel", lang), key=Keys.CANCEL_PLACE):
            ss.pop(Keys.LOCATE_PROPOSAL, None)
            st.rerun()


def undo_list(ctx, gazetteer, lang: str, limit: int = 10) -> None:
    """Recent placements with an undo button each (editors)."""
    user = current_user()
    recent = locate.undoable(ctx.store)[:limit]
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
        if user.can_edit and c2.button(i18n.t("undo", lang), key=Keys.undo(rec["id"])):
            try:
                res = locate.undo_placement(rec["id"], user.name, store=ctx.store, gazetteer=gazetteer)
            except locate.LocateError as exc:
                st.error(md(i18n.say(exc, lang)))
            else:
                flash(i18n.t("undone", lang, name=md(name), summary=res.summary(lang)))
                st.rerun()


__all__ = ["render", "placement_panel", "undo_list"]
