"""``python -m geo render IN.geojson -o OUT.html``: the app's map as one offline HTML file."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from geo import config
from geo.cli import CliError, add_filter_arguments, item_filter
from geo.contract import validate_feature
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
    features = []
    for i, f in enumerate(doc["features"], 1):
        problems = [p for p in validate_feature(f, i) if p.severity == "error"]
        if problems:
            raise CliError(f"{path}: {problems[0].line()} ({len(problems)} problem(s)); "
                           f"run python -m geo validate {path} for all of them")
        features.append(f)
    return features


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
