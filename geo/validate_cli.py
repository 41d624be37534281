"""``python -m geo validate FILE``: one readable line per problem, exit 1 if any is an error."""
from __future__ import annotations

from geo.validate import has_errors, validate_path


def configure(parser) -> None:
    parser.add_argument("file", help="GeoJSON FeatureCollection of plan items")
    parser.add_argument("--quiet", action="store_true", help="print nothing when valid")


def run(args) -> int:
    problems = validate_path(args.file)
    for p in problems:
        print(p.line())
    if has_errors(problems):
        errors = sum(p.severity == "error" for p in problems)
        print(f"{args.file}: {errors} error(s); not valid")
        return 1
    if not args.quiet:
        print(f"{args.file}: valid" + (f" ({len(problems)} warning(s))" if problems else ""))
    return 0
