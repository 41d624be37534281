"""导入导出 (the exchange page): downloads of the current filter (every export format, the offline
HTML map, the printable report) and, for signed-in editors, imports with a preview that writes
nothing until 确认导入. The logic is geo.export, geo.importer, geo.report, geo.mapview.standalone.

Exports follow the current filter (the same URL state as the map and the list). Imports are for
signed-in editors only: upload → preview (bad rows with row number and reason, column mapping for
CSV/XLSX, datum) → nothing is written until 确认导入 → apply_import → summary with conflicts.
"""
from __future__ import annotations

import hashlib

import streamlit as st

from geo import config, i18n
from geo.app import boundaries, new_town, progress
from geo.app.signin import current_user
from geo.app.state import Keys
from geo.app.widgets import counts_line, show_problems
from geo.contract import CATEGORIES, STATUSES
from geo.coords import DATUMS
from geo.export import FORMATS, ExportError, export_bytes
from geo.filenames import safe_filename
from geo.ids import content_digest
from geo.i18n import t
from geo.importer import ImportOptions, ImportRefused, apply_import, plan_import
from geo.importer.limits import DEFAULT_LIMITS
from geo.importer.mapping import TARGETS
from geo.mapview.basemaps import available as available_basemaps
from geo.projector import meeting_title


IMPORT_TYPES = ["geojson", "json", "csv", "xlsx", "kml", "kmz", "gpkg", "zip", "txt", "docx", "pdf", "html", "htm"]
UNUSED = "\0unused"



@st.cache_data(show_spinner=False, max_entries=64)
def _export_cached(key: str, fmt: str, datum: str, basename: str, source: str, _features: list[dict]):
    return export_bytes(_features, fmt, datum=datum, source=source, basename=basename)


def _file_name(text) -> str:
    return safe_filename(text, "projects", max_chars=80)


def _source(ctx) -> str:
    plans = sorted({(f.get("properties") or {}).get("plan") for f in ctx.features} - {None})
    return "、".join(plans) or str(config.data_dir())


# ---- export ----------------------------------------------------------------------
def export_section(ctx) -> None:
    lang = ctx.lang
    ss = st.session_state
    features = ctx.filtered
    st.subheader(t("export_title", lang))
    st.caption(t("export_items", lang, n=len(features), total=len(ctx.features)))
    ss.setdefault(Keys.EX_NAME, _file_name(meeting_title(ctx.features, lang)))
    c1, c2 = st.columns(2)
    datum = c1.selectbox(t("export_datum", lang), DATUMS, key=Keys.EX_DATUM,
                         format_func=lambda d: i18n.t("datum_" + d, lang))
    basename = _file_name(c2.text_input(t("export_name", lang), key=Keys.EX_NAME))
    key = content_digest(features)
    source = _source(ctx)
    cols = st.columns(4)
    for n, spec in enumerate(FORMATS.values()):
        use = datum if datum in spec.datums else spec.datums[0]
        col = cols[n % 4]
        try:
            data, filename, mime = _export_cached(key, spec.name, use, basename, source, features)
        except ExportError as exc:
            col.warning(t("export_failed", lang, fmt=spec.label, msg=exc))
            continue
        except Exception as exc:  # noqa: BLE001  (a failing writer must not take the page down)
            col.warning(t("export_failed", lang, fmt=spec.label, msg=f"{type(exc).__name__}: {exc}"))
            continue
        col.download_button(f"{spec.label} · {max(1, len(data) // 1024)} KB", data, file_name=filename, mime=mime,
                            key=Keys.export_download(spec.name), width="stretch", on_click="ignore",
                            icon=":material/download:")
        col.caption(i18n.t("datum_" + use, lang) if len(spec.datums) > 1 else t("export_fixed", lang))


def html_section(ctx) -> None:
    from geo.mapview.standalone import render_html
    from geo.mapview.offline import MissingAsset

    lang = ctx.lang
    ss = st.session_state
    st.subheader(t("html_title", lang))
    st.caption(t("html_help", lang))
    basemaps = available_basemaps()
    if ss.get(Keys.EX_HTML_BASEMAP) not in basemaps:
        ss[Keys.EX_HTML_BASEMAP] = "osm"
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    basemap = c1.selectbox(i18n.t("basemap", lang), list(basemaps), key=Keys.EX_HTML_BASEMAP,
                           format_func=lambda k: i18n.t(basemaps[k].label_key, lang))
    signature = (content_digest(ctx.filtered), basemap, lang, ss.get(Keys.EX_NAME))
    if c2.button(t("html_make", lang), key=Keys.EX_HTML_MAKE, width="stretch"):
        try:
            html = render_html(ctx.filtered, basemap=basemap, places=ctx.places, lang=lang,
                               all_features=ctx.features, title=meeting_title(ctx.features, lang))
        except MissingAsset as exc:
            st.error(str(exc))
        else:
            name = _file_name(ss.get(Keys.EX_NAME) or "projects") + ".html"
            ss[Keys.EX_HTML] = (signature, html.encode("utf-8"), name)
    made = ss.get(Keys.EX_HTML)
    if made and made[0] == signature:
        st.download_button(t("html_download", lang, name=made[2], kb=max(1, len(made[1]) // 1024)), made[1],
                           file_name=made[2], mime="text/html", key=Keys.EX_HTML_DOWNLOAD, on_click="ignore",
                           icon=":material/download:")


def report_section(ctx) -> None:
    from geo.report import ReportError, render_report_bytes

    lang = ctx.lang
    ss = st.session_state
    st.subheader(t("report_title", lang))
    ss.setdefault(Keys.EX_TITLE, meeting_title(ctx.features, lang))
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1.4], vertical_alignment="bottom")
    title = c1.text_input(t("report_heading", lang), key=Keys.EX_TITLE, max_chars=80)
    paper = c2.selectbox(t("report_paper", lang), ("A4", "A3"), key=Keys.EX_PAPER)
    fmt = c3.selectbox(t("report_format", lang), ("pdf", "png"), key=Keys.EX_REPORT_FORMAT, format_func=str.upper)
    signature = (content_digest(ctx.filtered), title, paper, fmt)
    if c4.button(t("report_make", lang), key=Keys.EX_REPORT_MAKE, width="stretch"):
        try:
            data = render_report_bytes(ctx.filtered, fmt, title=title or None, paper=paper, source=_source(ctx),
                                       filter_text=ctx.state.in_words(lang, ctx.villages) or None)
        except ReportError as exc:
            st.error(t("report_failed", lang, msg=exc))
        else:
            name = _file_name(title or ss.get(Keys.EX_NAME) or "report") + f"-{paper}.{fmt}"
            ss[Keys.EX_REPORT] = (signature, data, name, "application/pdf" if fmt == "pdf" else "image/png")
    made = ss.get(Keys.EX_REPORT)
    if made and made[0] == signature:
        st.download_button(t("report_download", lang, name=made[2], kb=max(1, len(made[1]) // 1024)), made[1],
                           file_name=made[2], mime=made[3], key=Keys.EX_REPORT_DOWNLOAD, on_click="ignore",
                           icon=":material/download:")


# ---- import ----------------------------------------------------------------------
def _show_flash(lang: str) -> None:
    flash = st.session_state.pop(Keys.EX_FLASH, None)
    if not flash:
        return
    kind, message, conflicts = flash
    getattr(st, kind)(message)
    if conflicts:
        st.markdown(f"**{t('conflicts', lang)}**")
        st.dataframe([{"id": i, t("reason", lang): r} for i, r in conflicts], hide_index=True, width="stretch")


def _clear_upload() -> None:
    ss = st.session_state
    ss[Keys.EX_UPLOAD_N] = ss.get(Keys.EX_UPLOAD_N, 0) + 1
    ss.pop(Keys.EX_MAPPING, None)
    ss.pop(Keys.EX_UPLOAD_SIG, None)


def _map_key(column: str) -> str:
    return Keys.column_mapping(st.session_state.get(Keys.EX_UPLOAD_N, 0), column)


def _mapping_changed(column: str, recognised_as: str | None) -> None:
    """Selectbox callback (runs before the script): the next preview already uses the new mapping."""
    ss = st.session_state
    chosen = ss.setdefault(Keys.EX_MAPPING, {})
    value = ss.get(_map_key(column))
    if value == UNUSED or value is None:
        chosen.pop(column, None)
    elif value == recognised_as:
        chosen.pop(column, None)
    else:
        chosen[column] = value


def _mapping_step(preview, lang: str) -> None:
    """Selectboxes: each source column → a field. Recognised columns can be re-targeted, others mapped or left."""
    ss = st.session_state
    chosen = ss.setdefault(Keys.EX_MAPPING, {})
    columns = list(preview.mapping) + [c for c in preview.ignored_columns if c not in preview.mapping]
    if not columns:
        return
    with st.expander(t("mapping_title", lang), expanded=bool(preview.ignored_columns) or bool(preview.rows_bad)):
        st.caption(t("mapping_help", lang))
        labels = _target_labels()
        cols = st.columns(3)
        for n, col in enumerate(columns):
            auto = None if col in chosen else preview.mapping.get(col)
            # A column the importer recognised has no "(not used)": the importer would recognise it again.
            options = ([UNUSED] if (col not in preview.mapping or col in chosen) else []) + list(TARGETS)
            current = chosen.get(col, preview.mapping.get(col, UNUSED))
            if current not in options:
                options.append(current)
            cols[n % 3].selectbox(str(col), options, index=options.index(current), key=_map_key(col),
                                  on_change=_mapping_changed, args=(col, auto),
                                  format_func=lambda v: t("mapping_unused", lang) if v == UNUSED
                                  else labels.get(v, v))


def _target_labels() -> dict[str, str]:
    from geo.contract import FIELD_LABELS
    from geo.export.fields import COLUMN_LABELS
    extra = {"lon": "经度", "lat": "纬度", "wkt": "几何(WKT)", "datum": "坐标系", "address": "地址",
             "extra": "其他属性(JSON)", "geometry_type": "几何类型"}
    out = {}
    for target in TARGETS:
        label = extra.get(target) or COLUMN_LABELS.get(target) or FIELD_LABELS.get(target)
        out[target] = f"{label} ({target})" if label and label != target else target
    return out


def import_section(ctx) -> None:
    lang = ctx.lang
    ss = st.session_state
    st.subheader(t("import_title", lang))
    _show_flash(lang)
    user = current_user()
    if not user.can_edit:
        st.info(t("import_signin", lang))
        return
    if ctx.store is None:
        st.error(i18n.t("data_error", lang, msg="; ".join(ctx.problems) or "no store"))
        return
    limits = DEFAULT_LIMITS
    st.caption(t("import_limits", lang, mb=limits.max_bytes // 2**20, rows=limits.max_rows))
    upload = st.file_uploader(t("import_file", lang), type=IMPORT_TYPES, key=Keys.upload(ss.get(Keys.EX_UPLOAD_N, 0)))
    c1, c2, c3 = st.columns(3)
    datum = c1.selectbox(t("import_datum", lang), ("",) + DATUMS, key=Keys.EX_IMPORT_DATUM,
                         format_func=lambda d: t("datum_auto", lang) if not d else i18n.t("datum_" + d, lang))
    status = c2.selectbox(t("import_status", lang), STATUSES, index=STATUSES.index("planned"), key=Keys.EX_IMPORT_STATUS,
                          format_func=lambda s: i18n.status_label(s, lang))
    category = c3.selectbox(t("import_category", lang), CATEGORIES, index=CATEGORIES.index("other"),
                            key=Keys.EX_IMPORT_CATEGORY, format_func=lambda c: i18n.category_label(c, lang))
    if upload is None:
        return
    data = upload.getvalue()
    signature = (upload.name, len(data), hashlib.sha1(data).hexdigest())
    if ss.get(Keys.EX_UPLOAD_SIG) != signature:  # another file: forget the previous file's column mapping
        ss[Keys.EX_UPLOAD_SIG] = signature
        ss[Keys.EX_MAPPING] = {}
    options = ImportOptions(mapping=dict(ss.get(Keys.EX_MAPPING) or {}), datum=datum or None, default_status=status,
                            default_category=category, user=user.name, limits=limits)
    try:
        preview = plan_import(data, upload.name, options, store=ctx.store)
    except ImportRefused as exc:
        st.error(t("import_refused", lang, msg=exc))
        return
    except Exception as exc:  # noqa: BLE001  (never a traceback for a bad file)
        st.error(t("import_refused", lang, msg=f"{type(exc).__name__}: {exc}"))
        return
    if preview.kind in ("csv", "xlsx"):
        _mapping_step(preview, lang)
    show_preview(preview, lang)
    b1, b2, _ = st.columns([1, 1, 3])
    confirm = b1.button(t("confirm_import", lang), type="primary", key=Keys.EX_CONFIRM, disabled=not preview.rows_ok,
                        width="stretch")
    cancel = b2.button(t("cancel_import", lang), key=Keys.EX_CANCEL, width="stretch")
    if cancel:
        _clear_upload()
        ss[Keys.EX_FLASH] = ("info", t("import_cancelled", lang), [])
        st.rerun()
    if confirm:
        try:
            result = apply_import(preview, ctx.store, user.name)
        except Exception as exc:  # noqa: BLE001  (store refused: e.g. a version conflict in between)
            st.error(t("import_failed", lang, msg=f"{type(exc).__name__}: {exc}"))
            return
        _clear_upload()
        ss[Keys.EX_FLASH] = ("success", t("import_done", lang, added=len(result.added), updated=len(result.updated),
                                    unchanged=len(result.unchanged), conflicts=len(result.conflicts)),
                       list(result.conflicts))
        st.rerun()


def show_preview(preview, lang: str) -> None:
    located = sum(1 for f in preview.features if f.get("geometry"))
    st.markdown(f"**{t('preview_summary', lang, ok=preview.rows_ok, located=located, bad=len(preview.rows_bad))}**")
    counts = {"new": 0, "update": 0, "unchanged": 0, "conflict": 0}
    for action in preview.actions.values():
        key = action.split(":", 1)[0]
        counts[key] = counts.get(key, 0) + 1
    if preview.actions:
        st.markdown(t("actions_line", lang, **counts))
    if preview.datums:
        st.caption(i18n.t("datum", lang) + "：" + "，".join(f"{i18n.t('datum_' + d, lang)} ({n})"
                                                          for d, n in preview.datums.items()))
    if preview.rows_bad:
        st.markdown(f"**{t('bad_rows', lang)}** ({len(preview.rows_bad)})")
        st.dataframe([{t("row", lang): r, t("reason", lang): reason} for r, reason in preview.rows_bad],
                     hide_index=True, width="stretch", key=Keys.EX_BAD_ROWS)
    conflicts = [(i, a.split(": ", 1)[1] if ": " in a else a) for i, a in preview.actions.items()
                 if a.startswith("conflict")]
    if conflicts:
        st.markdown(f"**{t('conflicts', lang)}** ({len(conflicts)})")
        st.dataframe([{"id": i, t("reason", lang): r} for i, r in conflicts], hide_index=True, width="stretch")
    if preview.warnings:
        with st.expander(f"{t('warnings', lang)} ({len(preview.warnings)})"):
            for w in preview.warnings[:200]:
                st.text(w)
    if preview.features:
        st.dataframe(preview.table(), hide_index=True, width="stretch", key=Keys.EX_PREVIEW_TABLE)
    else:
        st.warning(t("nothing_to_import", lang))


def render(ctx) -> None:
    lang = ctx.lang
    st.title(t("page_exchange", lang))
    show_problems(ctx)
    counts_line(ctx)
    export_section(ctx)
    st.divider()
    html_section(ctx)
    st.divider()
    report_section(ctx)
    st.divider()
    import_section(ctx)
    if current_user().can_edit:  # progress documents write: editors only
        st.divider()
        progress.render_section(ctx)
    st.divider()
    new_town.section(ctx)
    st.divider()
    boundaries.section(ctx)


__all__ = ["render", "export_section", "html_section", "report_section", "import_section", "show_preview"]
