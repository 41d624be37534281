"""``python -m geo render IN.geojson -o OUT.html``: the map as one offline HTML file (see geo.mapview.standalone)."""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from geo import config
from geo.cli import CliError, add_filter_arguments, item_filter
from geo.contract import CATEGORIES, PRECISIONS, STATUSES
from geo.mapview.basemaps import ORDER
from geo.mapview.context import load_places
from geo.mapview.offline import MissingAsset
from geo.mapview.standalone import render_html, write_html
from geo.query import filter_items
from geo.validate_numbers import NumberError, loads


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="GeoJSON FeatureCollection of items (e.g. data/projects.geojson)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="HTML file to write")
    add_filter_arguments(parser)
    parser.add_argument("--basemap", default="osm", choices=ORDER,
                        help="tiles to show when online (default osm; 'none' draws only outline and items)")
    parser.add_argument("--places", type=Path, default=None,
                        help="gazetteer for outline and village points (default: places.geojson beside the input, "
                             "else the data folder's)")
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    parser.add_argument("--title", default=None)


def _read(path: Path) -> list[dict]:
    try:
        doc = loads(path.read_text(encoding="utf-8-sig"), path.name)
    except NumberError as exc:
        raise CliError(f"{exc}; fix it (python -m geo validate {path} lists them all)") from None
    except FileNotFoundError:
        raise CliError(f"{path}: no such file; give a GeoJSON file of items") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot be read ({exc}); check the path") from None
    except json.JSONDecodeError as exc:
        raise CliError(f"{path}: not valid JSON at line {exc.lineno} column {exc.colno}; "
                       "check it with python -m geo validate") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise CliError(f"{path}: not a GeoJSON FeatureCollection; give the items file (projects.geojson)")
    problems = [(i, problem) for i, f in enumerate(doc["features"], 1) if (problem := render_problem(f))]
    if problems:
        i, problem = problems[0]
        feature = doc["features"][i - 1]
        name = feature.get("id") if isinstance(feature, dict) and isinstance(feature.get("id"), (str, int)) else f"#{i}"
        raise CliError(f"{path}: feature {name}: {problem} ({len(problems)} feature(s) with problems); "
                       f"run python -m geo validate {path} for all of them")
    return doc["features"]


# What the map draws and shows, checked for every item. The full data contract (JSON Schema,
# ~3 ms an item) is checked when items are saved and by `python -m geo validate`; here it would
# take minutes for a county's file, so the render checks what it relies on.
_CODES = {"status": STATUSES, "category": CATEGORIES, "precision": PRECISIONS}
_TEXTS = ("name", "text", "area")
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def render_problem(feature) -> str | None:
    """Why the map cannot show ``feature`` truthfully (one line with the fix), or None."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return "is not a GeoJSON Feature object"
    props = feature.get("properties")
    if not isinstance(props, dict):
        return "properties: must be an object"
    for field, codes in _CODES.items():
        if props.get(field) not in codes:
            return f"{field}: {props.get(field)!r} is not one of {', '.join(codes)}"
    for field in _TEXTS:
        if props.get(field) is not None and not isinstance(props.get(field), str):
            return f"{field}: must be text or null"
    if not isinstance(props.get("places", []), list):
        return "places: must be a list of place names"
    return geometry_problem(feature.get("geometry"))


def geometry_problem(geometry) -> str | None:
    if geometry is None:
        return None
    if not isinstance(geometry, dict):
        return "geometry: must be a GeoJSON geometry object or null"
    gtype = geometry.get("type")
    if gtype == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list):
            return "geometry: a GeometryCollection needs a list of geometries"
        return next((p for p in map(geometry_problem, parts) if p), None)
    if gtype not in _DEPTH:
        return f"geometry: type {gtype!r} is not a GeoJSON geometry type"
    if not _nested_positions(geometry.get("coordinates"), _DEPTH[gtype]):
        return (f"geometry: {gtype} coordinates are malformed or out of range; expected [lon, lat] in degrees "
                "(lon -180..180, lat -90..90)")
    return None


def _nested_positions(value, depth: int) -> bool:
    if depth == 0:
        return (isinstance(value, (list, tuple)) and len(value) >= 2
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value[:2])
                and -180 <= value[0] <= 180 and -90 <= value[1] <= 90)
    return isinstance(value, (list, tuple)) and bool(value) and all(_nested_positions(v, depth - 1) for v in value)


def run(args: argparse.Namespace) -> int:
    features = _read(args.input)
    places_path = args.places
    if places_path is None:
        beside = args.input.parent / "places.geojson"
        places_path = beside if beside.is_file() else config.places_path()
    places = load_places(places_path)
    if places.problem:
        raise CliError(f"gazetteer {places.problem}; fix it or pass --places")
    chosen = filter_items(features, item_filter(args))
    try:
        html = render_html(chosen, basemap=args.basemap, places=places, lang=args.lang, all_features=features,
                           title=args.title)
    except MissingAsset as exc:
        raise CliError(str(exc)) from None
    try:
        write_html(args.output, html)
    except OSError as exc:
        raise CliError(f"{args.output}: cannot be written ({exc.strerror or exc}); check the folder exists") from None
    print(f"{args.output}: {len(chosen)} of {len(features)} items, {len(html) // 1024} kB")
    return 0
