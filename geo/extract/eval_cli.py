"""``python -m geo extract-eval``: item recall, place recall, precision and category accuracy of the
extractor on the hand-labelled development set, per document, per split and pooled."""
from __future__ import annotations

import json
import sys
import time

from geo.cli import CliError


def configure(parser) -> None:
    parser.add_argument("--devset", metavar="DIR", help="development set folder with manifest.json (default: tests/devset)")
    parser.add_argument("--split", choices=("all", "dev", "heldout", "bundled"), default="all",
                        help="documents to score (default: all; 'pooled' is dev + heldout)")
    parser.add_argument("--analyser", default=None,
                        help="lexical analyser for place spans: auto (default), none, or one of geo.extract.lexical.ANALYSERS")
    parser.add_argument("--errors", action="store_true",
                        help="also list missed items, missed places, wrong categories and false positives")
    parser.add_argument("--json", action="store_true", help="print the whole result as one JSON object")


def run(args) -> int:
    from . import ExtractError, extract_file
    from .evaluate import DEFAULT_DEVSET, SPLITS, DevsetError, evaluate_devset, load_devset
    from . import lexical

    splits = SPLITS if args.split == "all" else (args.split,)
    try:
        docs = load_devset(args.devset or DEFAULT_DEVSET, splits=splits)
    except DevsetError as exc:
        raise CliError(str(exc)) from None
    try:
        analyser = lexical.get_analyser(args.analyser)
    except lexical.AnalyserError as exc:
        raise CliError(str(exc)) from None

    def extract(doc):
        try:
            _, items = extract_file(doc.path, plan_id=doc.id, known_places=doc.known_places, analyser=analyser)
        except ExtractError as exc:
            raise CliError(str(exc)) from None
        return items

    t0 = time.perf_counter()
    result = evaluate_devset(docs, extract)
    elapsed = time.perf_counter() - t0
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1, default=list)
        sys.stdout.write("\n")
        return 0
    out = sys.stdout
    out.write(f"analyser: {analyser.name if analyser else 'none'}; {len(docs)} documents in {elapsed:.1f} s\n")
    head = f"{'document':24} {'split':8} {'gold':>4} {'pred':>4} {'item_rec':>8} {'place_rec':>9} {'precision':>9} {'category':>8}\n"
    out.write(head)
    for doc_id, r in result["documents"].items():
        out.write(_row(doc_id, r["split"], r))
    out.write("-" * (len(head) - 1) + "\n")
    for name, r in result["splits"].items():
        out.write(_row(f"[{name}]", name, r))
    if result["pooled"]:
        out.write(_row("[pooled dev+heldout]", "", result["pooled"]))
    if args.errors:
        for doc_id, r in result["documents"].items():
            _errors(out, doc_id, r)
    return 0


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def _row(name, split, r) -> str:
    return (f"{name:24} {split:8} {r['gold']:>4} {r['pred']:>4} {_fmt(r['item_recall']):>8} {_fmt(r['place_recall']):>9} "
            f"{_fmt(r['precision']):>9} {_fmt(r['category_acc']):>8}\n")


def _errors(out, doc_id, r) -> None:
    if not any(r[k] for k in ("misses", "place_misses", "wrong_category", "false_positives")):
        return
    out.write(f"\n## {doc_id}\n")
    for m in r["misses"]:
        out.write(f"  missed: {m}\n")
    for gp, text, got in r["place_misses"]:
        out.write(f"  place missed: {gp}  in {text}  (got {'、'.join(got) or '-'})\n")
    for text, want, got in r["wrong_category"]:
        out.write(f"  category: {text}  want {want}, got {got}\n")
    for t in r["false_positives"]:
        out.write(f"  false positive: {t}\n")
