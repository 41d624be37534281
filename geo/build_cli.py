"""``python -m geo build data/plans/FILE [-o data/projects.geojson]``: extract, locate, merge, validate, report.

Without ``-o`` the build writes to the configured store: GEO_STORE_URL (PostGIS, with the
gazetteer in it) or the data folder. The plan's town comes from ``--town``/``--county`` or,
without them, from the document (title and text, checked against the national index). A town
the data folder's gazetteer does not hold yet is seeded into it first (its villages, seat and
county: ``geo.gazetteer.towns.seed_town``), so a build works on an empty data folder and several
towns' plans make one county's folder.
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
    parser.add_argument("--town", default=None, help="the plan's town (name, short name or 9-digit code), e.g. "
                                                     "上盘镇; default: detected from the document")
    parser.add_argument("--county", default=None, help="county (or prefecture) of the town when several towns share "
                                                       "its name, e.g. 临海市")
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
    options = dict(online=args.online, plan_id=args.plan_id, year=args.year, dry_run=args.dry_run)
    if args.output or not config.store_url():
        output = Path(args.output) if args.output else config.projects_path()
        if output.suffix.lower() not in (".geojson", ".json"):
            raise CliError(f"{output}: -o must name a projects.geojson file (its folder is the store)")
        if output.name != "projects.geojson":
            raise CliError(f"{output}: the store file is always called projects.geojson; "
                           f"use -o {output.parent / 'projects.geojson'}")
        places = Path(args.places) if args.places else output.parent / "places.geojson"
        try:
            plan_options = _towns_of_plans(plans, places, args)
        except (ExtractError, GazetteerError) as exc:
            raise CliError(str(exc)) from None
        if not places.is_file():
            raise CliError(f"{places}: no gazetteer; give the plan's town with --town (and --county) to seed it, "
                           f"or create it with python -m geo gazetteer seed --town TOWN --data {places.parent}")
        target = dict(output=output, places_path=places)
    else:
        from geo.store import open_store

        try:
            store = open_store()
            if args.places is None and not store.load_places():
                raise CliError(f"{store.places_where()}: no gazetteer; seed a folder with python -m geo gazetteer "
                               "seed --town TOWN --data DIR, then copy it in with python -m geo store copy DIR URL, "
                               "or name a file with --places")
        except StoreError as exc:
            raise CliError(str(exc)) from None
        target = dict(store=store, places_path=Path(args.places) if args.places else None)
        plan_options = {p: {"town": args.town, "county": args.county} for p in plans}
    try:
        if len(plans) == 1:
            reports = [build_plan(plans[0], **target, **options, **plan_options.get(plans[0], {}))]
        else:
            if args.plan_id:
                raise CliError("--plan-id names one plan; leave it out when building several")
            reports = build_plans(plans, **target, progress=_progress_bar, plan_options=plan_options, **options)
    except (ExtractError, GazetteerError, StoreError) as exc:
        raise CliError(str(exc)) from None
    for report in reports:
        for line in report.lines():
            print(line)
    if len(reports) > 1:
        failed = sum(bool(r.problems) for r in reports)
        print(f"{len(reports)} plans, {sum(r.items for r in reports)} items, {failed} with problems")
    return 1 if any(r.problems for r in reports) else 0


def _towns_of_plans(plans: list[Path], places: Path, args) -> dict[Path, dict]:
    """{plan: {town, county}} for every plan, seeding each town the gazetteer does not hold yet.

    Raises before anything is written when a town is unknown or ambiguous, or the plan unreadable.
    """
    from geo.extract import ExtractError, extract_file
    from geo.gazetteer import load_gazetteer
    from geo.gazetteer.detect import detect_town
    from geo.gazetteer.divisions import open_index
    from geo.gazetteer.towns import seed_town

    gazetteer = load_gazetteer(places) if places.is_file() else None
    held = {p["id"] for p in gazetteer.places} if gazetteer is not None else set()
    towns: dict[Path, object] = {}
    options: dict[Path, dict] = {}
    if args.town:
        town = open_index().find_town(args.town, args.county)
        if len(plans) == 1:
            extract_file(plans[0])  # an unreadable plan stops here, before the gazetteer changes
        towns = {p: town for p in plans}
    else:
        for plan in plans:
            try:
                doc, _ = extract_file(plan)
            except ExtractError:
                if len(plans) == 1:
                    raise
                continue  # the batch reports it and goes on with the others
            known = gazetteer.resolve_town(doc.town) if gazetteer is not None and doc.town else None
            if known is not None and not args.county:
                options[plan] = {"town": doc.town, "county": doc.county}
                continue  # the gazetteer holds the plan's town already: nothing to look up
            found = detect_town(doc.text, title=doc.title, town=doc.town, county=args.county or doc.county)
            if found.town is not None:
                towns[plan] = found.town
            elif gazetteer is not None and not found.ambiguous:
                print(f"warning: {plan}: {found.message()}; names are looked up without a town", file=sys.stderr)
            else:
                raise CliError(f"{plan}: {found.message()}")
    for plan, town in towns.items():
        if town.code not in held:
            report = seed_town(town, places_path=places)
            held.add(town.code)
            for line in report.lines():
                print(line)
        options[plan] = {"town": town.name, "county": town.county}
    return options


def _progress_bar(done: int, total: int, path: Path, report) -> None:
    width = 30
    filled = width * done // total
    status = "error" if report.problems else f"{report.items} items"
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {path.name[:40]}: {status}\033[K")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
