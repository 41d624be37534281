"""``python -m geo extract FILE [--format jsonl|json|table]``: print the items of a plan."""
from __future__ import annotations

import json
import sys

from geo.cli import CliError


def configure(parser) -> None:
    parser.add_argument("file", help="plan document: .txt, .html, .docx or .pdf")
    parser.add_argument("--format", choices=("jsonl", "json", "table"), default="jsonl",
                        help="jsonl: one item per line (default); json: one array; table: a readable summary")
    parser.add_argument("--plan-id", help="plan id (default: the file name without extension)")
    parser.add_argument("--town", help="town name, when the title does not say it")
    parser.add_argument("--county", help="county name")
    parser.add_argument("--year", type=int, help="plan year, when the title does not say it")
    parser.add_argument("--known-places", metavar="FILE",
                        help="text file with one known place name per line (e.g. the town's villages)")


def run(args) -> int:
    from . import ExtractError, extract_file
    known = None
    if args.known_places:
        try:
            with open(args.known_places, encoding="utf-8-sig") as fh:
                known = [ln.strip() for ln in fh if ln.strip() and not ln.startswith("#")]
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"{args.known_places}: cannot read the place list ({exc}); give a UTF-8 text file, one name a line") from None
    try:
        doc, items = extract_file(args.file, plan_id=args.plan_id, town=args.town, county=args.county,
                                  year=args.year, known_places=known)
    except ExtractError as exc:
        raise CliError(str(exc)) from None
    for warning in doc.warnings:
        print(f"note: {warning}", file=sys.stderr)
    out = sys.stdout
    if args.format == "jsonl":
        for it in items:
            out.write(json.dumps(it, ensure_ascii=False, allow_nan=False) + "\n")
    elif args.format == "json":
        json.dump(items, out, ensure_ascii=False, indent=1, allow_nan=False)
        out.write("\n")
    else:
        out.write(f"# {doc.title or doc.plan_id}  town={doc.town or '-'} year={doc.year or '-'}  items={len(items)}\n")
        for it in items:
            q = it["quantity"]
            qty = "" if not q else f"{q['value'] if q['value'] is not None else '?'}{q['unit'] or '(无单位)'}"
            out.write("\t".join([it["category"], it["status"], it["name"], "、".join(it["places"]) or "-", qty or "-",
                                 ",".join(it["flags"]) or "-"]) + "\n")
    return 0
