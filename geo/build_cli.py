"""``python -m geo build data/plans/FILE [-o data/projects.geojson]``: extract, locate, merge, validate, report.

Without ``-o`` the build writes to the configured store: GEO_STORE_URL (PostGIS, with the
gazetteer in it) or the data folder.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo import config
from geo.cli import CliError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plans", nargs="+", metavar="PLAN",
                        help="plan files (.txt, .html, .docx, .pdf) or folders of them, "
                             "e.g. data/plans/dongcheng-2020-work-plan.txt")
    parser.add_argument("-o", "--output", default=None,
                        help="projects.geojson to merge into; its folder is the store "
                             "(default: the configured store, GEO_STORE_URL or DATA_DIR/projects.geojson)")
    parser.add_argument("--places", default=None,
                        help="gazetteer file (default: the store's: places.geojson beside the output, or the database's)")
    parser.add_argument("--town", default=None, help="the plan's town when the title does not say, e.g. 东塍镇")
    parser.add_argument("--county", default=None)
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--plan-id", default=None, help="plan id (default: the file name without extension)")
    parser.add_argument("--online", action="store_true",
                        help="also ask configured online geocoders; their answers are suggestions, never locations")
    parser.add_argument("--dry-run", action="store_true", help="report only; do not write the store")


def run(args: argparse.Namespace) -> int:
    from geo.build import build_plan, build_plans, plan_files
    from geo.extract import ExtractError
    from geo.gazetteer import GazetteerError
    from geo.store.base import StoreError

    plans = plan_files(args.plans)
    missing = [p for p in plans if not p.is_file()]
    if missing:
        raise CliError(f"{missing[0]}: no such plan file; give the path of a .txt/.html/.docx/.pdf plan (see data/plans/)")
    if not plans:
        raise CliError(f"{' '.join(args.plans)}: no plan documents (.txt/.html/.docx/.pdf) found there")
    options = dict(online=args.online, plan_id=args.plan_id, town=args.town, county=args.county,
                   year=args.year, dry_run=args.dry_run)
    if args.output or not config.store_url():
        output = Path(args.output) if args.output else config.projects_path()
        if output.suffix.lower() not in (".geojson", ".json"):
            raise CliError(f"{output}: -o must name a projects.geojson file (its folder is the store)")
        if output.name != "projects.geojson":
            raise CliError(f"{output}: the store file is always called projects.geojson; "
                           f"use -o {output.parent / 'projects.geojson'}")
        places = Path(args.places) if args.places else output.parent / "places.geojson"
        if not places.is_file():
            places = config.places_path()
        if not places.is_file():
            raise CliError(f"{places}: no gazetteer; create it with python -m geo gazetteer seed -o {places}")
        target = dict(output=output, places_path=places)
    else:
        from geo.store import open_store

        try:
            store = open_store()
            if args.places is None and not store.load_places():
                raise CliError(f"{store.places_where()}: no gazetteer; copy one in with python -m geo store copy "
                               "DATA_DIR URL, or name a file with --places")
        except StoreError as exc:
            raise CliError(str(exc)) from None
        target = dict(store=store, places_path=Path(args.places) if args.places else None)
    try:
        if len(plans) == 1:
            reports = [build_plan(plans[0], **target, **options)]
        else:
            if args.plan_id:
                raise CliError("--plan-id names one plan; leave it out when building several")
            reports = build_plans(plans, **target, progress=_progress_bar, **options)
    except (ExtractError, GazetteerError, StoreError) as exc:
        raise CliError(str(exc)) from None
    for report in reports:
        for line in report.lines():
            print(line)
    if len(reports) > 1:
        failed = sum(bool(r.problems) for r in reports)
        print(f"{len(reports)} plans, {sum(r.items for r in reports)} items, {failed} with problems")
    return 1 if any(r.problems for r in reports) else 0


def _progress_bar(done: int, total: int, path: Path, report) -> None:
    width = 30
    filled = width * done // total
    status = "error" if report.problems else f"{report.items} items"
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {path.name[:40]}: {status}\033[K")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
