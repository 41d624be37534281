"""``python -m geo validate FILE``: one readable line per problem, exit 1 if any is an error.

Locations are also checked against the gazetteer (``places.geojson`` of the data folder, or
``--places``): items outside the county and GCJ-02/BD-09 coordinates labelled WGS-84 are warnings.
``--make-valid -o OUT`` writes a copy whose invalid polygons are repaired; FILE is never changed.
"""
from __future__ import annotations

from pathlib import Path

from geo import config
from geo.cli import CliError
from geo.validate import has_errors, read_collection, repair_polygons, validate_collection, validate_path


def configure(parser) -> None:
    parser.add_argument("file", help="GeoJSON FeatureCollection of plan items")
    parser.add_argument("--quiet", action="store_true", help="print nothing when valid")
    parser.add_argument("--places", default=None,
                        help="gazetteer to check locations against (default: places.geojson in the data folder)")
    parser.add_argument("--no-places", action="store_true", help="skip the location checks")
    parser.add_argument("--make-valid", action="store_true",
                        help="write a copy with invalid polygons repaired (shapely make_valid) to -o OUT")
    parser.add_argument("-o", "--output", default=None, help="where --make-valid writes the repaired copy")


def _places(args):
    if args.no_places:
        return None
    if args.places:
        if not Path(args.places).is_file():
            raise CliError(f"--places {args.places}: no such file; give the gazetteer (places.geojson) or use --no-places")
        return args.places
    default = config.places_path()
    return default if default.is_file() else None


def run(args) -> int:
    places = _places(args)
    if args.make_valid:
        return _make_valid(args, places)
    problems = validate_path(args.file, places=places)
    return _report(args.file, problems, args.quiet)


def _report(name, problems, quiet: bool) -> int:
    for p in problems:
        print(p.line())
    if has_errors(problems):
        errors = sum(p.severity == "error" for p in problems)
        print(f"{name}: {errors} error(s); not valid")
        return 1
    if not quiet:
        print(f"{name}: valid" + (f" ({len(problems)} warning(s))" if problems else ""))
    return 0


def _make_valid(args, places) -> int:
    from geo.store.atomic import atomic_write_bytes, dumps_feature_collection
    from geo.validate_location import load_surroundings

    if not args.output:
        raise CliError("--make-valid needs -o OUT: the repaired copy is written there, the input is never changed")
    src, out = Path(args.file), Path(args.output)
    if out.exists() and src.exists() and out.resolve() == src.resolve():
        raise CliError(f"-o {out} is the input file; write the repaired copy to another file and compare")
    doc, problems = read_collection(src)
    if doc is None:
        for p in problems:
            print(p.line())
        print(f"{src}: cannot be repaired until it is a readable FeatureCollection")
        return 1
    fixed, repaired = repair_polygons(doc)
    extra = {k: v for k, v in fixed.items() if k not in ("type", "features")}
    try:
        atomic_write_bytes(out, dumps_feature_collection(fixed["features"], extra or None))
    except OSError as exc:
        raise CliError(f"-o {out}: cannot be written ({exc.strerror}); choose a writable path") from None
    print(f"repaired {len(repaired)} polygon(s)" + (f": {', '.join(repaired[:20])}" if repaired else "")
          + f"; wrote {out} ({src} is unchanged)")
    surroundings = load_surroundings(places) if places else None
    return _report(out, problems + validate_collection(fixed, out.name, surroundings), args.quiet)
