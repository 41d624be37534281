"""``python -m geo build data/plans/FILE -o data/projects.geojson``: extract, locate, merge, validate, report."""
from __future__ import annotations

import argparse
from pathlib import Path

from geo import config
from geo.cli import CliError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", help="plan file (.txt, .html, .docx, .pdf), e.g. data/plans/dongcheng-2020-work-plan.txt")
    parser.add_argument("-o", "--output", default=None,
                        help="projects.geojson to merge into; its folder is the store (default: DATA_DIR/projects.geojson)")
    parser.add_argument("--places", default=None, help="gazetteer (default: places.geojson beside the output)")
    parser.add_argument("--town", default=None, help="the plan's town when the title does not say, e.g. 东塍镇")
    parser.add_argument("--county", default=None)
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--plan-id", default=None, help="plan id (default: the file name without extension)")
    parser.add_argument("--online", action="store_true",
                        help="also ask configured online geocoders; their answers are suggestions, never locations")
    parser.add_argument("--dry-run", action="store_true", help="report only; do not write the store")


def run(args: argparse.Namespace) -> int:
    from geo.build import build_plan
    from geo.extract import ExtractError
    from geo.gazetteer import GazetteerError
    from geo.store.base import StoreError

    plan = Path(args.plan)
    if not plan.is_file():
        raise CliError(f"{plan}: no such plan file; give the path of a .txt/.html/.docx/.pdf plan (see data/plans/)")
    output = Path(args.output) if args.output else config.projects_path()
    if output.suffix.lower() not in (".geojson", ".json"):
        raise CliError(f"{output}: -o must name a projects.geojson file (its folder is the store)")
    if output.name != "projects.geojson":
        raise CliError(f"{output}: the store file is always called projects.geojson; use -o {output.parent / 'projects.geojson'}")
    places = Path(args.places) if args.places else output.parent / "places.geojson"
    if not places.is_file():
        places = config.places_path()
    if not places.is_file():
        raise CliError(f"{places}: no gazetteer; create it with python -m geo gazetteer seed -o {places}")
    try:
        report = build_plan(plan, output, places_path=places, online=args.online, plan_id=args.plan_id,
                            town=args.town, county=args.county, year=args.year, dry_run=args.dry_run)
    except (ExtractError, GazetteerError, StoreError) as exc:
        raise CliError(str(exc)) from None
    for line in report.lines():
        print(line)
    return 1 if report.problems else 0
