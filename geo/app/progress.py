"""进度文件 (progress document, on the 导入导出 page for signed-in editors): a later document of the town
(work summary, half-year report, progress list, next year's plan) read into proposals — one per item it
reports on, each with the evidence highlighted in the document's text — that the editor accepts or
rejects one by one; 应用 applies the accepted ones. A second tab compares two documents.

The logic is geo.progress, the same functions ``python -m geo progress DOC`` uses: ``read_bytes`` →
``propose`` → ``apply_review`` (version-checked, audited, all or nothing), ``compare_documents``.
Nothing is written before 应用. The parse of an upload is cached by the file's digest; the proposals
are kept for the session, so what is applied is exactly what the editor saw: an item someone else
saved in between makes the store refuse the batch, the conflict is listed, and the proposals are made
again from the current data.
"""
from __future__ import annotations

import hashlib

import streamlit as st

from geo import config, i18n
from geo.app.signin import current_user
from geo.app.state import Keys
from geo.app.widgets import md
from geo.i18n import t
from geo.progress import (
    CONFLICT, NEW, OUTCOMES, OUTCOMES_EN, UPDATE, ProgressError, apply_review, compare_documents,
    default_accept, evidence_html, propose, read_bytes,
)

DOCUMENT_TYPES = ["txt", "docx", "pdf", "html", "htm"]
EVIDENCE_CONTEXT = 30   # characters of the document's text shown either side of the evidence sentence

# Constant CSS (no data in it): the two kinds of highlight evidence_html marks.
_CSS = """
<style>
mark.progress-work { background: #ffe08a; padding: 0 1px; }
mark.progress-cue { background: #9fd8a8; padding: 0 1px; }
.progress-evidence { font-size: 0.92rem; line-height: 1.5; }
</style>
"""


@st.cache_data(show_spinner=False, max_entries=16)
def _read_document(digest: str, name: str, known: tuple[str, ...], _data: bytes):
    """(document, None) or (None, one-line error): the upload read once per file digest."""
    try:
        return read_bytes(_data, name, known_places=list(known) or None), None
    except ProgressError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001  (never a traceback for a bad file)
        return None, f"{name}: {type(exc).__name__}: {exc}"


def _gazetteer(store):
    from geo.gazetteer import load_gazetteer

    try:
        return load_gazetteer(store=store)
    except Exception:  # noqa: BLE001  (the gazetteer only helps: place names, locating new items)
        return None


def _plans_dir(store):
    """The plans' texts: a folder store's own plans/ (propose finds it), else the configured folder."""
    return None if getattr(store, "directory", None) is not None else config.plans_dir()


def _digest(upload) -> str:
    return hashlib.sha256(upload.getvalue()).hexdigest()


def _read(upload, gazetteer):
    digest = _digest(upload)
    known = tuple(sorted(gazetteer.names())) if gazetteer is not None else ()
    document, error = _read_document(digest, upload.name, known, upload.getvalue())
    return digest, document, error


# ---- the proposals ------------------------------------------------------------------
def _status_change(p, lang: str) -> str:
    before = i18n.status_label(p.status_before, lang) if p.status_before else "—"
    if p.status and p.status != p.status_before:
        return f"{before} → {i18n.status_label(p.status, lang)}"
    return before if p.status_before else i18n.status_label(p.status, lang)


def _progress_value(p) -> str:
    if p.action == NEW:
        q = p.target or {}
        return f"{q.get('value')}{q.get('unit') or ''}" if q.get("value") is not None else ""
    return p.progress_text() or ""


def _proposal_rows(review, proposals, n: int, lang: str, *, default: set[str], with_checkbox: bool = True) -> None:
    widths = [0.7, 2.2, 1.6, 1.1, 5.4] if with_checkbox else [2.2, 1.6, 1.1, 5.4]
    head = st.columns(widths)
    labels = ([t("progress_accept", lang)] if with_checkbox else []) + [
        t("progress_item", lang), t("progress_change", lang), t("progress_value", lang), t("progress_evidence", lang)]
    for col, label in zip(head, labels):
        col.markdown(f"**{label}**")
    for p in proposals:
        cols = st.container(border=True).columns(widths, vertical_alignment="top")
        if with_checkbox:
            cols[0].checkbox(t("progress_accept", lang), value=p.key in default, key=Keys.progress_accept(n, p.key),
                             label_visibility="collapsed")
            cols = cols[1:]
        cols[0].markdown(md(p.name))
        cols[1].markdown(md(_status_change(p, lang)))
        if p.explanation:
            cols[1].caption(md(p.explanation))  # how the status was read, e.g. 完成量 4 未达目标 5公里
        cols[2].markdown(md(_progress_value(p)))
        line = t("progress_line", lang, line=p.evidence.line)
        cols[3].markdown(f'<div class="progress-evidence"><small>{line}</small> '
                         f'{evidence_html(review.document.text, p, context=EVIDENCE_CONTEXT)}</div>',
                         unsafe_allow_html=True)  # evidence_html escapes every character of the document
        if p.conflict:
            cols[3].caption(md(p.conflict))


def _accepted(review, n: int) -> set[str]:
    ss = st.session_state
    return {p.key for p in review.proposals if p.action in (UPDATE, NEW, CONFLICT)
            and ss.get(Keys.progress_accept(n, p.key), p.key in default_accept(review))}


def _show_flash(lang: str) -> None:
    flash = st.session_state.pop(Keys.PROG_FLASH, None)
    if not flash:
        return
    kind, message, rows = flash
    getattr(st, kind)(message)
    if rows:  # (item id, item name, why)
        st.dataframe([{"id": i, t("progress_item", lang): name, t("reason", lang): why} for i, name, why in rows],
                     hide_index=True, width="stretch")


def _make_review(ctx, upload, lang: str):
    """The session's review of this upload (made once per file and store state the editor saw), or None."""
    ss = st.session_state
    held = ss.get(Keys.PROG_REVIEW)
    signature = (upload.name, _digest(upload))
    if held and held[0] == signature:  # ticking a box reruns the page: the review stands as it was shown
        return held[1], held[2]
    gazetteer = _gazetteer(ctx.store)
    _, document, error = _read(upload, gazetteer)
    if error:
        st.error(t("progress_refused", lang, msg=md(error)))
        return None
    try:
        review = propose(ctx.store, document, gazetteer=gazetteer, plans_dir=_plans_dir(ctx.store))
    except ProgressError as exc:
        st.error(t("progress_refused", lang, msg=md(exc)))
        return None
    except Exception as exc:  # noqa: BLE001  (a store that cannot be read: say so, never a traceback)
        st.error(t("progress_refused", lang, msg=md(f"{type(exc).__name__}: {exc}")))
        return None
    n = int(ss.get(Keys.PROG_REVIEW_N, 0)) + 1
    ss[Keys.PROG_REVIEW_N] = n
    ss[Keys.PROG_REVIEW] = (signature, review, n)
    return review, n


def review_tab(ctx, user, lang: str) -> None:
    ss = st.session_state
    _show_flash(lang)
    st.caption(t("progress_help", lang))
    upload = st.file_uploader(t("progress_file", lang), type=DOCUMENT_TYPES,
                              key=Keys.progress_upload(ss.get(Keys.PROG_UPLOAD_N, 0)))
    if upload is None:
        return
    made = _make_review(ctx, upload, lang)
    if made is None:
        return
    review, n = made
    d = review.document
    kind = d.kind_label if lang != "en" else d.kind.replace("_", " ")
    st.markdown("**" + md(t("progress_summary", lang, name=d.name, kind=kind, town=review.town,
                              year=f"（{d.year}）" if d.year and lang != "en" else (f" ({d.year})" if d.year else ""),
                              updates=len(review.updates), new=len(review.new_items),
                              conflicts=len(review.conflicts), unchanged=len(review.unchanged),
                              considered=review.items_considered)) + "**")
    for w in review.warnings:
        st.warning(md(w))
    st.markdown(_CSS, unsafe_allow_html=True)
    default = default_accept(review)
    groups = ((t("progress_updates", lang), review.updates), (t("progress_new", lang), review.new_items),
              (t("progress_conflicts", lang), review.conflicts))
    for title, proposals in groups:
        if proposals:
            st.markdown(f"##### {title} ({len(proposals)})")
            _proposal_rows(review, proposals, n, lang, default=default)
    if review.unchanged:
        with st.expander(f"{t('progress_unchanged', lang)} ({len(review.unchanged)})"):
            _proposal_rows(review, review.unchanged, n, lang, default=set(), with_checkbox=False)
    accept = _accepted(review, n)
    st.caption(t("progress_chosen", lang, n=len(accept)))
    if st.button(t("progress_apply", lang), type="primary", key=Keys.PROG_APPLY, disabled=not accept):
        _apply(ctx, review, accept, user, lang)


def _apply(ctx, review, accept: set[str], user, lang: str) -> None:
    ss = st.session_state
    try:
        result = apply_review(ctx.store, review, accept, editor=user.name)
    except Exception as exc:  # noqa: BLE001  (the store refused: nothing was written)
        st.error(t("progress_failed", lang, msg=md(f"{type(exc).__name__}: {exc}")))
        return
    ss.pop(Keys.PROG_REVIEW, None)  # stale now either way: applied, or made against items changed since
    names = {p.item_id: p.name for p in review.proposals}
    if result.conflicts:
        ss[Keys.PROG_FLASH] = ("error", t("progress_not_written", lang),
                               [(i, names.get(i, ""), why) for i, why in result.conflicts])
        st.rerun()
    rejected = sum(1 for p in review.proposals if p.action in (UPDATE, NEW, CONFLICT) and p.key not in accept)
    ss[Keys.PROG_FLASH] = ("success", t("progress_applied", lang, user=result.user, updated=len(result.updated),
                                        created=len(result.created), rejected=rejected,
                                        skipped=len(result.skipped), conflicts=len(result.conflicts)),
                           [(i, names.get(i, ""), why) for i, why in result.skipped])
    ss[Keys.PROG_UPLOAD_N] = int(ss.get(Keys.PROG_UPLOAD_N, 0)) + 1  # a fresh uploader
    st.rerun()


# ---- two documents side by side -----------------------------------------------------
def compare_tab(ctx, lang: str) -> None:
    st.caption(t("progress_compare_help", lang))
    c1, c2 = st.columns(2)
    earlier = c1.file_uploader(t("progress_earlier", lang), type=DOCUMENT_TYPES, key=Keys.PROG_EARLIER)
    later = c2.file_uploader(t("progress_later", lang), type=DOCUMENT_TYPES, key=Keys.PROG_LATER)
    if earlier is None or later is None:
        return
    gazetteer = _gazetteer(ctx.store)
    docs = []
    for upload in (earlier, later):
        _digest, document, error = _read(upload, gazetteer)
        if error:
            st.error(t("progress_refused", lang, msg=md(error)))
            return
        docs.append(document)
    try:
        comparison = compare_documents(*docs)
    except ProgressError as exc:
        st.error(t("progress_refused", lang, msg=md(exc)))
        return
    labels = OUTCOMES_EN if lang == "en" else OUTCOMES
    counts = comparison.counts()
    st.markdown("**" + md(f"{docs[0].name} → {docs[1].name}") + "** · "
                + "，".join(f"{labels[k]} {n}" for k, n in counts.items()))
    rows = []
    for outcome in ("completed", "put_off", "continued", "new", "not_mentioned"):
        for r in comparison.by_outcome(outcome):
            ev = r.evidence
            rows.append({t("progress_outcome", lang): labels[r.outcome], t("progress_item", lang): r.name,
                         t("progress_earlier_text", lang): r.earlier_text or "",
                         t("progress_change", lang): i18n.status_label(r.status, lang) if r.status else "",
                         t("progress_evidence", lang): (f"{t('progress_line', lang, line=ev.line)}：{ev.quote}"
                                                        if ev else "")})
    st.dataframe(rows, hide_index=True, width="stretch", key=Keys.PROG_COMPARE_TABLE)


def render_section(ctx) -> None:
    """The 进度文件 section of the 导入导出 page (editors only: applying writes)."""
    lang = ctx.lang
    user = current_user()
    if not user.can_edit:
        return
    st.subheader(t("progress_title", lang))
    if ctx.store is None:
        st.error(i18n.t("data_error", lang, msg="; ".join(ctx.problems) or "no store"))
        return
    review, compare = st.tabs([t("progress_tab_review", lang), t("progress_tab_compare", lang)])
    with review:
        review_tab(ctx, user, lang)
    with compare:
        compare_tab(ctx, lang)


__all__ = ["render_section", "review_tab", "compare_tab"]
