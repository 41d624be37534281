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


def _status(status: str, lang: str) -> str:
    return i18n.t("wl_status_" + status, lang)


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

    st.caption(i18n.t("queue_help", lang))
    user = current_user()
    if not user.can_edit:
        st.info(i18n.t("read_only", lang))

    ss = st.session_state
    suggestions = {pid: r for pid, r in (ss.get(Keys.WL_SUGGESTIONS) or {}).items()
                   if pid not in (ss.get(Keys.WL_REJECTED) or set())}
    rows = locate.worklist(ctx.features, gazetteer, placed=locate.placed_place_ids(ctx.store),
                           suggested=suggestions)
    if not any(r.status != "located" for r in rows):
        st.success(i18n.t("queue_empty", lang))
    if rows:
        entry = worklist_panel(rows, lang)
        if user.can_edit:
            ask_all_panel(ctx, gazetteer, rows, suggestions, user, lang)
        if entry is not None:
            st.markdown("**" + i18n.t("wl_current", lang, name=md(entry.name), kind=md(_kind(entry.kind, lang)),
                                      n=entry.count) + "**")
            with st.expander(i18n.t("waiting_items", lang) + f" ({entry.count})", expanded=False):
                st.dataframe([{"name": (f.get("properties") or {}).get("name") or "",
                               "status": i18n.status_label((f.get("properties") or {}).get("status"), lang),
                               "precision": i18n.precision_label((f.get("properties") or {}).get("precision"), lang)}
                              for f in entry.items], hide_index=True, use_container_width=True,
                             column_config={"name": i18n.t("name", lang), "status": i18n.t("status", lang),
                                            "precision": i18n.t("precision", lang)})
            if user.can_edit:
                placement_panel(ctx, gazetteer, entry, lang, suggestions=suggestions)

    if user.can_edit:
        undo_list(ctx, gazetteer, lang)


def _choose(place_id: str) -> None:
    st.session_state[Keys.LOCATE_PLACE] = place_id


def worklist_panel(rows: list, lang: str):
    """The worklist: progress, filters, one row per place (name, kind, items, status, 定位); returns the
    chosen row (the first place still to locate when none was chosen)."""
    ss = st.session_state
    st.subheader(i18n.t("wl_title", lang))
    done, total = locate.worklist_progress(rows)
    st.markdown("**" + i18n.t("wl_progress", lang, done=done, total=total) + "**")
    st.progress(done / total if total else 0.0)
    c1, c2, c3 = st.columns([2, 1, 1])
    text = c1.text_input(i18n.t("wl_filter_text", lang), key=Keys.WL_TEXT)
    kinds_present = sorted({r.kind for r in rows}, key=lambda k: _kind(k, lang))
    kinds = c2.multiselect(i18n.t("wl_filter_kind", lang), kinds_present, key=Keys.WL_KINDS, placeholder="—",
                           format_func=lambda k: _kind(k, lang))
    statuses = c3.multiselect(i18n.t("wl_filter_status", lang), list(locate.WORKLIST_STATUSES),
                              key=Keys.WL_STATUSES, placeholder="—", format_func=lambda s_: _status(s_, lang))
    shown = locate.filter_worklist(rows, text, kinds, statuses)
    by_id = {r.place_id: r for r in rows}
    if ss.get(Keys.LOCATE_PLACE) not in by_id:
        first = next((r for r in rows if r.status != "located"), None)
        ss[Keys.LOCATE_PLACE] = first.place_id if first else None
    current = ss.get(Keys.LOCATE_PLACE)
    if not shown:
        st.info(i18n.t("wl_none_match", lang))
    else:
        widths = [4, 2, 1, 2, 2]
        head = st.columns(widths)
        for col, key in zip(head, ("wl_col_name", "wl_col_kind", "wl_col_items", "wl_col_status")):
            col.markdown(f"**{i18n.t(key, lang)}**")
        with st.container(height=min(300, 60 + 48 * len(shown)), key=Keys.WL_ROWS):
            for r in shown:
                cols = st.columns(widths, vertical_alignment="center")
                cols[0].markdown(md(r.name))
                cols[1].markdown(md(_kind(r.kind, lang)))
                cols[2].markdown(str(r.count))
                cols[3].markdown(_status(r.status, lang))
                if r.place_id == current:
                    cols[4].markdown("**" + i18n.t("wl_chosen", lang) + "**")
                else:
                    cols[4].button(i18n.t("wl_choose", lang), key=Keys.wl_choose(r.place_id),
                                   on_click=_choose, args=(r.place_id,))
    return by_id.get(current) if current else None


def placement_panel(ctx, gazetteer, entry, lang: str, *, suggestions: dict | None = None) -> None:
    """Every way to place one queue entry, one proposal at a time, confirmed before it is saved.

    The confirmation sits beside the map (Enter confirms), so it is in view on a 1366×768 screen."""
    user = current_user()
    place_feature = gazetteer.get(entry.place_id)
    ss = st.session_state
    left, right = st.columns([3, 1])
    with left:
        tabs = st.tabs([i18n.t("how_map", lang), i18n.t("how_gps", lang), i18n.t("how_paste", lang),
                        i18n.t("how_online", lang)])
        with tabs[0]:
            st.caption(i18n.t("map_hint", lang))
            out = draw_map(ctx, key=Keys.LOCATE_MAP, place=place_feature, height=480,
                           suggestions=_suggestion_markers(suggestions or {}, gazetteer, lang))
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
    with right:
        proposal = ss.get(Keys.LOCATE_PROPOSAL)
        if proposal and proposal.get("place_id") == entry.place_id:
            _confirm_proposal(ctx, gazetteer, entry, proposal, user, lang)
            st.html(ENTER_CONFIRMS_JS, unsafe_allow_javascript=True)
        else:
            st.caption(i18n.t("wl_no_proposal", lang))


# Enter (outside a text field) presses 确认定位, from the page and from the map's iframe (same origin).
# No data goes into this script.
ENTER_CONFIRMS_JS = f"""
<script>
(function () {{
  const root = window.parent && window.parent.document ? window.parent : window;
  const handler = (e) => {{
    if (e.key !== 'Enter' || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.repeat) return;
    const tag = (e.target && e.target.tagName || '').toLowerCase();
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || tag === 'button'
        || (e.target && e.target.isContentEditable)) return;
    const b = root.document.querySelector('.st-key-{Keys.CONFIRM_PLACE} button');
    if (b && !b.disabled) {{ e.preventDefault(); b.click(); }}
  }};
  if (root.__geoEnterConfirms) root.document.removeEventListener('keydown', root.__geoEnterConfirms, true);
  root.__geoEnterConfirms = handler;
  root.document.addEventListener('keydown', handler, true);
  const hookFrames = () => {{
    for (const f of root.document.querySelectorAll('iframe')) {{
      try {{
        const d = f.contentDocument;
        if (d && d.__geoEnterConfirms !== handler) {{
          if (d.__geoEnterConfirms) d.removeEventListener('keydown', d.__geoEnterConfirms, true);
          d.__geoEnterConfirms = handler; d.addEventListener('keydown', handler, true);
        }}
      }} catch (err) {{ /* another origin: not ours */ }}
    }}
  }};
  if (root.__geoEnterFrames) clearInterval(root.__geoEnterFrames);
  root.__geoEnterFrames = setInterval(hookFrames, 1000);
  hookFrames();
}})();
</script>
"""


def _suggestion_markers(suggestions: dict, gazetteer, lang: str) -> list[dict]:
    """The pending online suggestions as {lon, lat, label} (WGS-84) for the placing map."""
    out = []
    for pid, r in suggestions.items():
        place = gazetteer.get(pid)
        if place is None or place.get("geometry") is not None or r.lon is None or r.lat is None:
            continue
        out.append({"lon": r.lon, "lat": r.lat,
                    "label": i18n.t("wl_suggestion_tip", lang, name=place["properties"]["name"])})
    return out


def ask_all_panel(ctx, gazetteer, rows, suggestions: dict, user: User, lang: str) -> None:
    """为全部待定位地名查询在线建议, then every suggestion with 接受 / 拒绝 (editors)."""
    from geo.geocode import configured_providers
    ss = st.session_state
    if st.button(i18n.t("wl_ask_all", lang), key=Keys.WL_ASK_ALL):
        try:
            providers = configured_providers()
        except Exception as exc:  # noqa: BLE001  (a bad provider setting must not break the page)
            ss[Keys.WL_ASK_NOTE] = ("warning", md(i18n.say(exc, lang)))
            providers = None
        if providers is not None and not providers:
            ss[Keys.WL_ASK_NOTE] = ("warning", i18n.t("wl_no_provider", lang))
        elif providers:
            waiting = [r for r in rows if r.status != "located"]
            with st.spinner(i18n.t("wl_ask_all", lang)):
                found, failures = locate.online_suggestions(waiting, gazetteer, providers)
            ss[Keys.WL_SUGGESTIONS] = found
            ss[Keys.WL_REJECTED] = set()
            if failures and not found:
                names = sorted({f.provider for f in failures})
                errors = sorted({f.error for f in failures})
                ss[Keys.WL_ASK_NOTE] = ("warning", i18n.t("wl_unreachable", lang, providers=md("、".join(names)),
                                                          errors=md(", ".join(errors))))
            else:
                ss[Keys.WL_ASK_NOTE] = ("info", i18n.t("wl_ask_done", lang, n=len(waiting), found=len(found)))
            st.rerun()
    note = ss.get(Keys.WL_ASK_NOTE)
    if note:
        (st.warning if note[0] == "warning" else st.info)(note[1])
    pending = {pid: r for pid, r in suggestions.items()
               if gazetteer.get(pid) is not None and gazetteer.get(pid).get("geometry") is None}
    rejected = [gazetteer.get(pid)["properties"]["name"] for pid in sorted(ss.get(Keys.WL_REJECTED) or ())
                if gazetteer.get(pid) is not None]
    if not pending and not rejected:
        return
    st.markdown(f"**{i18n.t('wl_suggestions', lang)}**")
    for name in rejected:
        st.caption(i18n.t("wl_rejected", lang, name=md(name)))
    for pid, r in pending.items():
        place = gazetteer.get(pid)
        km = locate.seat_distance_km(r.lon, r.lat, place["properties"].get("town") or r.town, gazetteer)
        distance = i18n.t("wl_distance", lang, km=f"{km:.1f}") if km is not None else ""
        c1, c2, c3 = st.columns([6, 1, 1], vertical_alignment="center")
        c1.markdown(i18n.t("wl_suggestion_line", lang, name=md(place["properties"]["name"]),
                           address=md(r.provider_address or "—"), source=md(i18n.geometry_source_label(r.source, lang)),
                           distance=distance))
        # callbacks: they run before the next script run, so a map rerun at the same moment cannot swallow them
        c2.button(i18n.t("wl_accept", lang), key=Keys.wl_accept(pid), type="primary", on_click=_accept,
                  args=(ctx.store, pid, r, user.name, lang))
        c3.button(i18n.t("wl_reject", lang), key=Keys.wl_reject(pid), on_click=_reject,
                  args=(pid, place["properties"]["name"], lang))


def _accept(store, place_id: str, result, user_name: str, lang: str) -> None:
    """接受: place the suggestion like any placement (how=online:NAME; undoable), then forget it."""
    ss = st.session_state
    try:
        gazetteer = load_gazetteer(store=store)
        name = (gazetteer.get(place_id) or {"properties": {"name": place_id}})["properties"]["name"]
        placed = locate.place(place_id, result.geometry, result.source, user_name, result.datum_original or "wgs84",
                              store=store, gazetteer=gazetteer, converted=True)
    except (locate.LocateError, GazetteerError) as exc:
        flash(md(i18n.say(exc, lang)), "error")
        return
    (ss.get(Keys.WL_SUGGESTIONS) or {}).pop(place_id, None)
    flash(i18n.t("placed", lang, name=md(name), summary=placed.summary(lang)))


def _reject(place_id: str, name: str, lang: str) -> None:
    # said where the suggestion was (not as a flash, which goes on the next rerun and moves the page under
    # the reader's pointer: the placing map reruns the page once when its suggestions change)
    st.session_state.setdefault(Keys.WL_REJECTED, set()).add(place_id)


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
        if st.button(i18n.t("confirm_place", lang, name=md(entry.name)), key=Keys.CONFIRM_PLACE, type="primary",
                     width="stretch"):
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
        st.caption(i18n.t("wl_enter_hint", lang))
        if st.button(i18n.t("cancel", lang), key=Keys.CANCEL_PLACE, width="stretch"):
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
