"""``python -m geo progress DOC [--yes] [--data DIR]``: a later document's progress, proposed, then applied.

Without ``--yes`` it prints the proposals and writes nothing. With ``--yes`` it applies every
update and new item; a status a person set is listed as a conflict and left for an editor.
``--compare EARLIER`` prints what became of each work of an earlier document instead.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from geo.cli import CliError
from geo.contract import CATEGORY_LABELS, STATUS_LABELS

QUOTE_CHARS = 70


def configure(parser) -> None:
    parser.add_argument("document", metavar="DOC",
                        help="the later document: work summary, half-year report, progress list or next year's plan "
                             "(.txt .html .docx .pdf)")
    parser.add_argument("--yes", action="store_true", help="apply the updates and new items (without it: preview only)")
    parser.add_argument("--data", default=None, metavar="DIR",
                        help="data folder or postgresql:// URL of the items (default: GEO_DATA_DIR / GEO_STORE_URL)")
    parser.add_argument("--town", default=None, help="the document's town when its title does not say, e.g. 枫泽镇")
    parser.add_argument("--county", default=None)
    parser.add_argument("--year", type=int, default=None, help="the document's year when its title does not say")
    parser.add_argument("--accept", action="append", default=[], metavar="KEY",
                        help="apply only these proposals (keys as printed; repeatable); a conflict is applied only "
                             "when named here")
    parser.add_argument("--editor", default=None,
                        help="who decided (recorded in the history as '<editor> via progress:<file>')")
    parser.add_argument("--compare", default=None, metavar="EARLIER",
                        help="compare with an earlier document (continued / completed / put off / new) instead")
    parser.add_argument("--json", action="store_true", help="print the proposals as one JSON object")


def _label(status: str | None) -> str:
    return STATUS_LABELS.get(status, "—") if status else "—"


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def _print_proposal(p, show_key: bool = True) -> None:
    change = f"{_label(p.status_before)} → {_label(p.status)}" if p.status and p.status != p.status_before \
        else _label(p.status_before or p.status)
    progress = f"  进度 {p.progress_text()}" if p.progress is not None else ""
    cat = CATEGORY_LABELS.get(p.category, p.category or "")
    print(f"  {p.name}  [{cat}]  {change}{progress}" + (f"   key {p.key}" if show_key else ""))
    ev = p.evidence
    cue = f"（{ev.cue}）" if ev.cue else ""
    print(f"      line {ev.line}: “{_quote(ev.quote)}”{cue}")
    if p.conflict:
        print(f"      conflict: {p.conflict}")
    for more in p.more_evidence[:2]:
        print(f"      also line {more.line}: “{_quote(more.quote)}”")


def _store_and_places(data: str | None):
    from geo import config
    from geo.gazetteer import GazetteerError, load_gazetteer
    from geo.store import StoreError, open_store

    try:
        store = open_store(data)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    folder = Path(data) if data and "://" not in data else (None if (data or config.store_url()) else config.data_dir())
    places = folder / "places.geojson" if folder is not None else config.places_path()
    try:
        gazetteer = load_gazetteer(places) if places.is_file() else None
    except GazetteerError as exc:
        raise CliError(f"{places}: {exc}") from None
    plans_dir = folder / "plans" if folder is not None else config.plans_dir()
    return store, gazetteer, plans_dir


def run(args) -> int:
    from geo.progress import ProgressError, apply_review, compare_files, propose, read_file
    from geo.store import StoreError

    if args.compare:
        try:
            comparison = compare_files(args.compare, args.document, town=args.town)
        except ProgressError as exc:
            raise CliError(str(exc)) from None
        return _print_comparison(comparison, args.json)

    store, gazetteer, plans_dir = _store_and_places(args.data)
    try:
        known = gazetteer.names() if gazetteer is not None else None
        document = read_file(args.document, town=args.town, county=args.county, year=args.year, known_places=known)
        review = propose(store, document, town=args.town, county=args.county, gazetteer=gazetteer,
                         plans_dir=plans_dir)
    except ProgressError as exc:
        raise CliError(str(exc)) from None
    except StoreError as exc:
        raise CliError(str(exc)) from None

    if args.json:
        print(json.dumps(review.as_dict(), ensure_ascii=False))
    else:
        _print_review(review)
    accept = set(args.accept) or None
    if accept:
        unknown = accept - {p.key for p in review.proposals}
        if unknown:
            raise CliError(f"--accept {sorted(unknown)[0]}: no such proposal; use a key printed above")
    if not args.yes:
        n = len(accept) if accept else len(review.updates) + len(review.new_items)
        if not args.json:
            print(f"preview only: nothing written; run again with --yes to apply {n} proposals")
        return 0
    editor = args.editor or (None if not accept else os.environ.get("USER"))
    try:
        result = apply_review(store, review, accept, editor=editor)
    except StoreError as exc:
        raise CliError(f"nothing written: {exc}") from None
    for item_id, why in result.conflicts:
        print(f"  not written: item {item_id}: {why}")
    if result.conflicts:
        raise CliError("nothing written: items changed since the proposals were made; run the command again")
    print(f"applied as {result.user}: {result.summary()}")
    return 0


def _print_review(review) -> None:
    print(review.summary())
    for w in review.warnings:
        print(f"warning: {w}")
    groups = (("updates", review.updates), ("new items (the document as their source)", review.new_items),
              ("conflicts: a person set these; an editor decides (apply one with --accept KEY)", review.conflicts),
              ("mentioned, no change", review.unchanged))
    for title, proposals in groups:
        if not proposals:
            continue
        print(f"{title}:")
        for p in proposals:
            _print_proposal(p)


def _print_comparison(comparison, as_json: bool) -> int:
    from geo.progress.compare import OUTCOMES

    if as_json:
        print(json.dumps(comparison.as_dict(), ensure_ascii=False))
        return 0
    print(comparison.summary())
    for outcome, label in OUTCOMES.items():
        rows = comparison.by_outcome(outcome)
        if not rows:
            continue
        print(f"{label} ({outcome}):")
        for r in rows:
            where = f"  line {r.evidence.line}: “{_quote(r.evidence.quote)}”" if r.evidence else ""
            print(f"  {r.name}{where}")
    return 0
