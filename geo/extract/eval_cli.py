"""``python -m geo extract-eval``: item recall, place recall, precision and category accuracy of the
extractor on the hand-labelled development set, per document, per split and pooled."""
from __future__ import annotations

import json
import sys
import time

from geo.cli import CliError


def configure(parser) -> None:
    parser.add_argument("--devset", metavar="DIR", help="development set folder with manifest.json (default: tests/devset)")
    parser.add_argument("--split", choices=("all", "dev", "heldout", "heldout2", "bundled"), default="all",
                        help="documents to score (default: all; 'pooled' is every split but bundled)")
    parser.add_argument("--analyser", default=None,
                        help="lexical analyser for place spans: auto (default), none, or one of geo.extract.lexical.ANALYSERS")
    parser.add_argument("--errors", action="store_true",
                        help="also list missed items, missed places, wrong categories and false positives "
                             "(not for the sealed heldout2 split unless it is chosen with --split)")
    parser.add_argument("--json", action="store_true", help="print the whole result as one JSON object")
    parser.add_argument("--compare", action="store_true",
                        help="compare the installed lexical analysers on the split: load time, place spans alone, "
                             "and the whole extractor with each")


def run(args) -> int:
    from . import ExtractError, extract_file
    from .evaluate import DEFAULT_DEVSET, SEALED_SPLITS, SPLITS, DevsetError, evaluate_devset, load_devset
    from . import lexical

    splits = SPLITS if args.split == "all" else (args.split,)
    try:
        docs = load_devset(args.devset or DEFAULT_DEVSET, splits=splits)
    except DevsetError as exc:
        raise CliError(str(exc)) from None
    if args.compare:
        return _compare(docs)
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
        out.write(_row("[pooled, not bundled]", "", result["pooled"]))
    if args.errors:
        for doc_id, r in result["documents"].items():
            if r["split"] in SEALED_SPLITS and args.split != r["split"]:
                continue
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


def _compare(docs) -> int:
    """One row per analyser: model load, its spans alone as places, the extractor with it."""
    from . import extract_file, lexical
    from .evaluate import evaluate_devset, span_recall
    from .places import find_places
    from .structure import split_document

    def grammar_spans(text):
        out = []
        for c in split_document(text)[1]:
            out.extend((c.start + p.start, c.start + p.end) for p in find_places(c.text))
        return out

    out = sys.stdout
    out.write(f"{'analyser':8} {'load_s':>6} {'spans_alone':>11} {'with_grammar':>12} {'item_rec':>8} {'place_rec':>9} "
              f"{'precision':>9} {'category':>8} {'run_s':>6}\n")
    for name in ("none", *lexical.ANALYSERS):
        cls = lexical.ANALYSERS.get(name)
        if cls is not None and not cls.available():
            out.write(f"{name:8} not installed (pip install {cls.package})\n")
            continue
        t0 = time.perf_counter()
        analyser = lexical.get_analyser(name)
        load = time.perf_counter() - t0
        if analyser is None:
            alone = {"recall": None}
            both = span_recall(docs, grammar_spans)
        else:
            def lex_spans(text, analyser=analyser):
                return [(s, e) for s, e, _ in lexical.document_spans(analyser, text)]
            alone = span_recall(docs, lex_spans)
            both = span_recall(docs, lambda t: grammar_spans(t) + lex_spans(t))
        t0 = time.perf_counter()
        r = evaluate_devset(docs, lambda d: extract_file(d.path, plan_id=d.id, known_places=d.known_places,
                                                         analyser=analyser)[1])
        run = time.perf_counter() - t0
        p = r["pooled"] or r["all"]
        out.write(f"{name:8} {load:6.2f} {_fmt(alone['recall']):>11} {_fmt(both['recall']):>12} {_fmt(p['item_recall']):>8} "
                  f"{_fmt(p['place_recall']):>9} {_fmt(p['precision']):>9} {_fmt(p['category_acc']):>8} {run:6.1f}\n")
    return 0
