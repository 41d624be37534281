"""村界导入 (village boundaries, on 导入导出, editors only): upload a boundary file → preview (the CRS
line, matched by code / by name, unmatched names listed, invalid polygons with a make_valid
checkbox) → nothing is written until 确认导入村界 → ``apply_boundaries`` → summary (places given
polygons, items whose area changed).

The logic is ``geo.boundaries`` (reading, CRS, matching, repair, the atomic write and the spatial
join of the items' areas). Every refusal (an unknown or unparseable .prj, a CRS outside China,
mixed CRSs, metres without a CRS, invalid polygons) is its message; every name from the file is
shown as text.
"""
from __future__ import annotations

import hashlib

import streamlit as st

from geo.app.new_town import editor_and_folder, seeded
from geo.app.state import Keys
from geo.app.widgets import md
from geo.i18n import t

BOUNDARY_TYPES = ["zip", "gpkg", "geojson", "json", "kml", "kmz"]
AUTO = ""


def _show_flash() -> None:
    flash = st.session_state.pop(Keys.BD_FLASH, None)
    if flash:
        kind, text = flash
        getattr(st, kind)(md(text))


def _clear(kind: str, text: str) -> None:
    ss = st.session_state
    ss[Keys.BD_FLASH] = (kind, text)
    ss[Keys.BD_UPLOAD_N] = ss.get(Keys.BD_UPLOAD_N, 0) + 1
    for key in (Keys.BD_MAKE_VALID, Keys.BD_NAME_FIELD, Keys.BD_CODE_FIELD):
        ss.pop(key, None)
    st.rerun()


def crs_line(preview) -> str:
    """The preview's CRS line with the number of features, e.g. "EPSG:4549 … → WGS-84, 12 polygons"."""
    note = preview.crs_note
    return note if "→" in note or "polygons" in note else f"{note}, {len(preview.rows)} polygons"


def section(ctx) -> None:
    from geo.boundaries import BoundaryError, apply_boundaries, preview_boundaries
    from geo.config import places_path

    lang = ctx.lang
    ss = st.session_state
    st.subheader(t("bd_title", lang))
    _show_flash()
    gate = editor_and_folder(ctx, "bd_signin", "bd_folder_only")
    if gate is None:
        return
    user, folder = gate
    st.caption(t("bd_help", lang))
    upload = st.file_uploader(t("bd_file", lang), type=BOUNDARY_TYPES, key=Keys.bd_upload(ss.get(Keys.BD_UPLOAD_N, 0)))
    c1, c2 = st.columns([2, 1])
    licence = c1.text_input(t("bd_licence", lang), key=Keys.BD_LICENCE, max_chars=300)
    crs = c2.text_input(t("bd_crs", lang), key=Keys.BD_CRS, max_chars=40).strip()
    town = _town_box(ctx.store, lang)
    if upload is None:
        return
    data = upload.getvalue()
    signature = (upload.name, len(data), hashlib.sha1(data).hexdigest())
    if ss.get(Keys.BD_UPLOAD_SIG) != signature:  # another file: its own fields, nothing ticked yet
        ss[Keys.BD_UPLOAD_SIG] = signature
        for key in (Keys.BD_MAKE_VALID, Keys.BD_NAME_FIELD, Keys.BD_CODE_FIELD):
            ss.pop(key, None)
    make_valid = bool(ss.get(Keys.BD_MAKE_VALID))
    try:
        preview = preview_boundaries(data, upload.name, name_field=ss.get(Keys.BD_NAME_FIELD) or None,
                                     code_field=ss.get(Keys.BD_CODE_FIELD) or None, licence=licence or None,
                                     crs=crs or None, make_valid=make_valid, town=town,
                                     places_path=places_path(folder))
    except BoundaryError as exc:
        st.error(md(t("bd_refused", lang, msg=exc)))
        return
    except Exception as exc:  # noqa: BLE001  (never a traceback for a bad file)
        st.error(md(t("bd_refused", lang, msg=f"{type(exc).__name__}: {exc}")))
        return
    show_preview(preview, lang)
    if preview.invalid or any(r.repaired for r in preview.rows):
        st.checkbox(t("bd_make_valid", lang), key=Keys.BD_MAKE_VALID)
    b1, b2, _ = st.columns([1.4, 1, 3])
    confirm = b1.button(t("bd_confirm", lang), type="primary", key=Keys.BD_CONFIRM, disabled=not preview.ready,
                        width="stretch")
    cancel = b2.button(t("cancel_import", lang), key=Keys.BD_CANCEL, width="stretch")
    if cancel:
        _clear("info", t("import_cancelled", lang))
    if confirm:
        try:
            result = apply_boundaries(preview, user.name, store=ctx.store)
        except Exception as exc:  # noqa: BLE001  (changed since the preview, store refused: a message)
            st.error(md(t("bd_failed", lang, msg=exc)))
            return
        _clear("success", t("bd_done", lang, places=len(result.places), areas=len(result.areas_changed),
                            located=len(result.located)))


def _town_box(store, lang: str) -> str | None:
    """With several towns in the folder (a county), names can be matched within one of them."""
    towns = list(seeded(store)[1])
    if len(towns) < 2:
        return None
    ss = st.session_state
    if ss.get(Keys.BD_TOWN) not in [AUTO, *towns]:
        ss[Keys.BD_TOWN] = AUTO
    choice = st.selectbox(t("bd_town", lang), [AUTO, *towns], key=Keys.BD_TOWN,
                          format_func=lambda v: t("bd_town_all", lang) if v == AUTO else v)
    return choice or None


def _field_boxes(preview, lang: str) -> None:
    """Name and code field pickers (recognised by default); a change previews again."""
    options = [AUTO] + list(preview.fields)
    label = {AUTO: t("bd_field_auto", lang)}
    c1, c2 = st.columns(2)
    for col, key, text in ((c1, Keys.BD_NAME_FIELD, "bd_name_field"), (c2, Keys.BD_CODE_FIELD, "bd_code_field")):
        if st.session_state.get(key) not in options:
            st.session_state[key] = AUTO
        col.selectbox(t(text, lang), options, key=key, format_func=lambda v: label.get(v, str(v)))


def show_preview(preview, lang: str) -> None:
    st.markdown(f"**{md(t('bd_crs_line', lang, crs=crs_line(preview)))}**")
    places = preview.places
    st.markdown(md(t("bd_summary", lang, places=len(places), code=sum(r.how == "code" for r in preview.matched),
                     name=sum(r.how == "name" for r in preview.matched), unmatched=len(preview.unmatched),
                     ambiguous=len(preview.ambiguous), invalid=len(preview.invalid))))
    fields = ", ".join(f"{k} {v}" for k, v in (("name", preview.name_field), ("code", preview.code_field)) if v)
    if fields:
        st.caption(md(t("bd_fields_line", lang, fields=fields)))
    _field_boxes(preview, lang)
    for title, rows, why in (("bd_unmatched", preview.unmatched, "reason"), ("bd_ambiguous", preview.ambiguous, "reason"),
                             ("bd_invalid", preview.invalid, "problem")):
        if rows:
            st.markdown(f"**{t(title, lang)}** ({len(rows)})")
            st.markdown("\n".join(f"- {md(r.label)}: {md(getattr(r, why) or '')}" for r in rows[:200]))
    if preview.invalid:
        st.warning(t("bd_invalid_help", lang, n=len(preview.invalid)))
    repaired = sum(r.repaired for r in preview.rows)
    if repaired:
        st.caption(t("bd_repaired", lang, n=repaired))
    if not preview.matched:
        st.warning(t("bd_nothing", lang))
    if preview.warnings:
        with st.expander(f"{t('warnings', lang)} ({len(preview.warnings)})"):
            for w in preview.warnings[:200]:
                st.text(w)
    columns = {"row": t("row", lang), "name": t("bd_col_name", lang), "code": t("bd_col_code", lang),
               "state": t("bd_col_state", lang), "place": t("bd_col_place", lang), "note": t("bd_col_note", lang)}
    table = [{columns[k]: r[k] for k in columns} for r in preview.table()]
    st.dataframe(table, hide_index=True, width="stretch")


__all__ = ["section", "show_preview", "crs_line"]
