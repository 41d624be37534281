"""新镇计划 (a plan for a new town, on 导入导出, editors only): pick a town of China from a search box,
see what will be seeded (villages, seat point or "no open source places this town's seat"), upload
its plan, then seed the town into the data folder and build the plan into the store.

The logic is the library's: ``geo.gazetteer.divisions`` (search), ``geo.gazetteer.towns`` (seed,
which never overwrites a place's geometry) and ``geo.build.build_town_plan``. A missing national
index, an unknown town or a county without it is a message naming it and what to run.
"""
from __future__ import annotations

import streamlit as st

from geo.app.signin import current_user
from geo.app.state import Keys
from geo.app.widgets import md
from geo.i18n import t

PLAN_TYPES = ["txt", "docx", "pdf", "html", "htm"]
CANDIDATES = 50  # the picker's length; more matches ask for the county


def _folder(store):
    """The data folder of a file store (None for PostGIS: the app seeds folders only)."""
    return getattr(store, "directory", None)


def editor_and_folder(ctx, signin_key: str, folder_only_key: str):
    """(signed-in editor, data folder) for a section that writes the data folder (新镇计划, 村界导入);
    None after saying why not (not signed in; a PostGIS store)."""
    user = current_user()
    if not user.can_edit:
        st.info(t(signin_key, ctx.lang))
        return None
    if ctx.store is None:
        return None
    folder = _folder(ctx.store)
    if folder is None:
        st.info(t(folder_only_key, ctx.lang, where=ctx.store.places_where()))
        return None
    return user, folder


def candidate_label(town, lang: str) -> str:
    """town · county · province · code (former towns say so)."""
    label = " · ".join([town.name, town.county, town.province, town.code])
    if town.listing != "current":
        label += t("nt_former", lang, first=town.years[0], last=town.years[1])
    return label


def _show_flash() -> None:
    flash = st.session_state.pop(Keys.NT_FLASH, None)
    if flash:
        kind, lines = flash
        getattr(st, kind)("\n\n".join(md(line) for line in lines))


@st.cache_data(show_spinner=False, max_entries=8)
def _seeded(where: str, revision, _store) -> tuple[frozenset, tuple]:
    """(place ids, names of the town places) of the store's gazetteer at ``revision`` (read once per change)."""
    from geo.gazetteer.towns import seeded_towns

    try:
        features = (_store.load_places() or {}).get("features") or []
    except Exception:  # noqa: BLE001  (an unreadable gazetteer is shown by the page already)
        return frozenset(), ()
    return (frozenset(f.get("id") for f in features),
            tuple(sorted({p["properties"]["name"] for p in seeded_towns(features)})))


def seeded(store) -> tuple[frozenset, tuple]:
    """What the data folder's gazetteer holds: its place ids and the names of its towns."""
    return _seeded(store.places_where(), store.places_revision(), store)


def _held_codes(store) -> frozenset:
    return seeded(store)[0]


def section(ctx) -> None:
    from geo.gazetteer.divisions import DivisionsError, open_index

    lang = ctx.lang
    ss = st.session_state
    st.subheader(t("nt_title", lang))
    _show_flash()
    gate = editor_and_folder(ctx, "nt_signin", "nt_folder_only")
    if gate is None:
        return
    user, folder = gate
    st.caption(t("nt_help", lang))
    c1, c2 = st.columns([2, 1])
    query = c1.text_input(t("nt_search", lang), key=Keys.NT_QUERY, max_chars=40).strip()
    county = c2.text_input(t("nt_county", lang), key=Keys.NT_COUNTY, max_chars=40).strip()
    if not query:
        return
    try:
        index = open_index()
        candidates = index.search_towns(query, within=county or None, limit=CANDIDATES)
    except DivisionsError as exc:
        st.error(md(t("nt_index_missing", lang, msg=exc)))
        return
    if not candidates:
        try:
            index.find_town(query, county or None)
            message = f"{query}"
        except DivisionsError as exc:
            message = str(exc)
        st.error(md(t("nt_unknown", lang, msg=message)))
        return
    by_code = {c.code: c for c in candidates}
    if ss.get(Keys.NT_TOWN) not in by_code:
        ss[Keys.NT_TOWN] = candidates[0].code
    more = len(candidates) >= CANDIDATES
    st.caption(t("nt_n_candidates_more" if more else "nt_n_candidates", lang, n=len(candidates)))
    code = st.selectbox(t("nt_candidates", lang), list(by_code), key=Keys.NT_TOWN,
                        format_func=lambda c: candidate_label(by_code[c], lang))
    town = by_code[code]
    _what_will_be_seeded(index, town, ctx.store, lang)
    n = ss.get(Keys.NT_UPLOAD_N, 0)
    upload = st.file_uploader(t("nt_plan", lang), type=PLAN_TYPES, key=Keys.nt_upload(n))
    b1, b2, _ = st.columns([1.4, 1.2, 2])
    build = b1.button(t("nt_build", lang), type="primary", key=Keys.NT_BUILD, disabled=upload is None,
                      width="stretch")
    seed_only = b2.button(t("nt_seed_only", lang), key=Keys.NT_SEED_ONLY, width="stretch")
    if build and upload is not None:
        _build(town, upload, folder, ctx.store, user.name, index, lang)
    elif seed_only:
        _seed(town, folder, user.name, index, lang)


def _what_will_be_seeded(index, town, store, lang: str) -> None:
    villages = index.villages(town.code)
    current = sum(1 for v in villages if v.listing == "current")
    st.markdown(md(t("nt_will_seed", lang, town=town.name, region=town.region, code=town.code, villages=current,
                     former=len(villages) - current, year=town.years[1])))
    if town.seat is not None:
        st.caption(md(t("nt_seat", lang, lon=town.seat.lon, lat=town.seat.lat, source=town.seat.source)))
    else:
        from geo.gazetteer.seats import NO_SEAT_MESSAGE
        st.warning(md(t("nt_no_seat", lang, note=town.seat_note or NO_SEAT_MESSAGE)))
    if town.code in _held_codes(store):
        st.caption(t("nt_already", lang))


def _seed_lines(seed, lang: str) -> list[str]:
    lines = [t("nt_seeded", lang, added=seed.added, updated=seed.updated, unchanged=seed.unchanged,
               kept=len(seed.kept_geometry))]
    if seed.seat:
        lines.append(t("nt_seat", lang, lon=seed.seat["lon"], lat=seed.seat["lat"], source=seed.seat["source"]))
    else:
        lines.append(t("nt_no_seat", lang, note=seed.seat_note))
    return lines


def _done(kind: str, lines: list[str]) -> None:
    ss = st.session_state
    ss[Keys.NT_FLASH] = (kind, lines)
    ss[Keys.NT_UPLOAD_N] = ss.get(Keys.NT_UPLOAD_N, 0) + 1
    st.rerun()


def _build(town, upload, folder, store, user: str, index, lang: str) -> None:
    from geo.build import build_town_plan

    try:
        with st.spinner(t("nt_build", lang)):
            result = build_town_plan(upload.getvalue(), upload.name, town, folder, store=store, user=user,
                                     index=index)
    except Exception as exc:  # noqa: BLE001  (unknown town, unreadable plan, store refused: a message)
        st.error(md(t("nt_failed", lang, msg=exc)))
        return
    report = result.build
    c = report.counts
    lines = [t("nt_built", lang, town=town.name, items=report.items, located=c["located"] + c["segment"],
               village=c["village"], towns=c["town"], unlocated=c["unlocated"], linked=len(result.villages_linked),
               total=result.villages_total)]
    if result.villages_linked:
        lines.append(t("nt_linked", lang, names="、".join(result.villages_linked)))
    lines += _seed_lines(result.seed, lang)
    if report.merge is not None:
        lines.append(t("nt_store_line", lang, msg=report.merge.summary()))
    if report.problems:
        lines.append(t("nt_problems", lang, n=len(report.problems), first=report.problems[0].line()))
    _done("warning" if report.problems else "success", lines)


def _seed(town, folder, user: str, index, lang: str) -> None:
    from geo.config import places_path
    from geo.gazetteer.towns import seed_town

    try:
        seed = seed_town(town, places_path=places_path(folder), index=index)
    except Exception as exc:  # noqa: BLE001
        st.error(md(t("nt_failed", lang, msg=exc)))
        return
    _done("success", [f"{town.name} ({town.region}, {town.code})"] + _seed_lines(seed, lang))


__all__ = ["section", "candidate_label", "seeded"]
