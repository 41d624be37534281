"""``python -m geo gazetteer seed|towns|villages|lookup|unlocated|boundaries``: build and query data/places.geojson.

``seed --town 上盘镇 --county 临海市 [--data DIR]`` seeds a town from the national index;
``seed --sources DIR`` rebuilds from a folder of collected source files (the reference set);
``boundaries FILE`` stores village or town outlines from a boundary file as the places' geometry.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
from pathlib import Path

from geo import config
from geo.cli import CliError
from geo.gazetteer.core import GazetteerError, load_gazetteer, write_places
from geo.gazetteer.seed import SEED_TS, SeedError, seed_places

DEFAULT_SOURCES = config.PROJECT_ROOT.parent / "shared" / "data" / "gazetteer-sources"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    seed = sub.add_parser("seed", help="add a town (its villages, seat, county) to places.geojson, or rebuild it "
                                       "from a folder of source files")
    seed.add_argument("--town", default=None, help="town to seed from the national index: name (上盘镇, 上盘), "
                                                   "former name or 9-digit code")
    seed.add_argument("--county", default=None, help="county (or prefecture, province) that holds the town, "
                                                     "when several towns share the name, e.g. 临海市")
    seed.add_argument("--data", default=None, help="data folder whose places.geojson is written (default: DATA_DIR)")
    seed.add_argument("--sources", default=None, help="instead of --town: folder of collected source files "
                                                      f"(has README.md), e.g. {DEFAULT_SOURCES}")
    seed.add_argument("-o", "--output", default=None, help="places file to write (default: DATA_DIR/places.geojson)")
    seed.add_argument("--force", action="store_true",
                      help="overwrite places placed by people (geometry set by manual/gps/draw/online) — normally kept")
    towns = sub.add_parser("towns", help="search the national index for towns (乡镇/街道) by name")
    towns.add_argument("query", help="name or the start of it: 古城, 古城街道, 上盘")
    towns.add_argument("--county", default=None, help="only towns in this county, prefecture or province")
    towns.add_argument("--limit", type=int, default=50)
    towns.add_argument("--json", action="store_true", help="one JSON object per town")
    vil = sub.add_parser("villages", help="every village of a town in the national index, with its 12-digit code")
    vil.add_argument("town")
    vil.add_argument("--county", default=None)
    look = sub.add_parser("lookup", help="find the place a name refers to")
    look.add_argument("name")
    look.add_argument("--town", default=None, help="admin context, e.g. 东塍镇")
    look.add_argument("--places", default=None, help="places file (default: DATA_DIR/places.geojson)")
    unl = sub.add_parser("unlocated", help="places items refer to that have no location yet")
    unl.add_argument("--items", default=None, help="projects.geojson (default: DATA_DIR/projects.geojson)")
    unl.add_argument("--places", default=None)
    bnd = sub.add_parser("boundaries", help="village/town boundaries from a GIS file become the places' geometry")
    bnd.add_argument("file", help="polygons: zipped Shapefile, GeoPackage, GeoJSON or KML/KMZ, in any declared CRS")
    bnd.add_argument("--name-field", default=None, help="field holding the village name, e.g. 村名 (default: guessed)")
    bnd.add_argument("--code-field", default=None,
                     help="field holding the 12-digit 区划代码, e.g. XZQDM (default: guessed)")
    bnd.add_argument("--licence", default=None, help="who made the boundaries and who may use them (stored)")
    bnd.add_argument("--crs", default=None, metavar="EPSG:xxxx", help="CRS of a file that states none")
    bnd.add_argument("--layer", action="append", default=[], metavar="NAME", help="only this layer; repeatable")
    bnd.add_argument("--town", default=None, help="match names only within this town")
    bnd.add_argument("--make-valid", action="store_true", help="repair invalid polygons with shapely make_valid")
    bnd.add_argument("--places", default=None, help="places file (default: DATA_DIR/places.geojson)")
    bnd.add_argument("--store", default=None,
                     help="data folder or postgresql:// URL whose items get areas by spatial join (default: GEO_DATA_DIR)")
    bnd.add_argument("--yes", action="store_true", help="write (without it: preview only)")
    bnd.add_argument("--user", default=None, help="who is importing (audit); default $USER")


def _source_timestamp(sources: Path) -> str:
    mtimes = [p.stat().st_mtime for p in sources.iterdir() if p.is_file()]
    if not mtimes:
        return SEED_TS
    return _dt.datetime.fromtimestamp(int(max(mtimes)), _dt.timezone.utc).isoformat()


def run(args: argparse.Namespace) -> int:
    try:
        if args.action == "seed":
            return _seed_town(args) if args.town else _seed(args)
        if args.action == "towns":
            return _towns(args)
        if args.action == "villages":
            return _villages(args)
        if args.action == "lookup":
            gaz = load_gazetteer(args.places)
            m = gaz.lookup(args.name, args.town)
            print(json.dumps(None if m is None else {
                "query": args.name, "place_id": m.place_id, "name": m.name, "kind": m.kind, "how": m.how,
                "score": m.score, "alternatives": list(m.alternatives),
                "located": m.geometry is not None}, ensure_ascii=False, indent=1, allow_nan=False))
            return 0 if m else 1
        if args.action == "boundaries":
            return _boundaries(args)
        if args.action == "unlocated":
            gaz = load_gazetteer(args.places)
            items_path = Path(args.items) if args.items else config.projects_path()
            try:
                items = json.loads(items_path.read_text(encoding="utf-8"))["features"]
            except (OSError, ValueError, KeyError) as exc:
                raise CliError(f"{items_path}: cannot read items ({exc}); run python -m geo build first") from None
            for e in gaz.unlocated_places_referenced(items):
                print(f"{e['count']:3d}  {e['name']}  ({e['kind']}, {e['place_id']})")
            return 0
    except (SeedError, GazetteerError) as exc:
        raise CliError(str(exc)) from None
    return 2


def _seed_town(args) -> int:
    from geo.gazetteer.towns import seed_town

    if args.sources:
        raise CliError("give either --town (national index) or --sources (a folder of source files), not both")
    out = Path(args.output) if args.output else None
    report = seed_town(args.town, Path(args.data) if args.data else None, within=args.county, places_path=out)
    for line in report.lines():
        print(line)
    return 0


def _towns(args) -> int:
    from geo.gazetteer.divisions import open_index

    found = open_index().search_towns(args.query, within=args.county, limit=max(1, args.limit))
    if not found:
        where = f" in {args.county}" if args.county else ""
        raise CliError(f"no town called {args.query!r}{where} in the NBS lists; try a shorter name")
    for t in found:
        if args.json:
            print(json.dumps(t.as_dict(), ensure_ascii=False))
            continue
        seat = f"seat GeoNames {t.seat.geonameid}" if t.seat else "no seat point"
        former = "" if t.listing == "current" else f"  former (NBS {t.years[0]}–{t.years[1]})"
        print(f"{t.name}\t{t.region}\t{t.code}\t{seat}{former}")
    return 0


def _villages(args) -> int:
    from geo.gazetteer.divisions import open_index

    index = open_index()
    town = index.find_town(args.town, args.county)
    for v in index.villages(town.code):
        former = "" if v.listing == "current" else f"  former (NBS {v.years[0]}–{v.years[1]})"
        also = f"  also {'、'.join(v.former_names)}" if v.former_names else ""
        print(f"{v.code}\t{v.name}\t{v.nbs_name}{former}{also}")
    return 0


def _boundaries(args) -> int:
    import os

    from geo.boundaries import BoundaryError, apply_boundaries, preview_boundaries
    from geo.store import StoreError, open_store

    try:
        preview = preview_boundaries(args.file, name_field=args.name_field, code_field=args.code_field,
                                     licence=args.licence, crs=args.crs, layers=tuple(args.layer),
                                     make_valid=args.make_valid, town=args.town, places_path=args.places)
    except BoundaryError as exc:
        raise CliError(str(exc)) from None
    for line in preview.lines():
        print(line)
    if not args.yes:
        print("preview only: nothing written; run again with --yes to store the matched boundaries")
        return 0 if preview.ready else 1
    try:
        store = open_store(args.store) if args.store or not args.places else None
        result = apply_boundaries(preview, args.user or os.environ.get("USER") or "import", store=store)
    except (BoundaryError, StoreError) as exc:
        raise CliError(str(exc)) from None
    print("stored: " + result.summary())
    return 0


def _seed(args) -> int:
    if not args.sources:
        raise CliError("say what to seed: --town NAME [--county COUNTY] (from the national index), "
                       "or --sources DIR (a folder of collected source files)")
    sources = Path(args.sources)
    out = Path(args.output) if args.output else config.places_path()
    places = seed_places(sources)
    ts = _source_timestamp(sources)
    for p in places:
        p["properties"]["updated_at"] = ts
    kept = 0
    if out.exists() and not args.force:
        # Locations people set after seeding survive a re-seed: seed data never overwrites them.
        existing = {f["id"]: f for f in load_gazetteer(out).places}
        merged = []
        for p in places:
            old = existing.pop(p["id"], None)
            if old and old["properties"].get("geometry_source") not in (None, "seed"):
                merged.append(old)
                kept += 1
            elif old and old["properties"].get("aliases") != p["properties"]["aliases"]:
                extra = [a for a in old["properties"]["aliases"] if a not in p["properties"]["aliases"]]
                p["properties"]["aliases"] += extra
                merged.append(p)
            else:
                merged.append(p)
        merged += [f for f in existing.values() if f["properties"].get("updated_by") != "seed"]
        kept += sum(1 for f in existing.values() if f["properties"].get("updated_by") != "seed")
        places = merged
    write_places(out, places)
    located = sum(1 for p in places if p.get("geometry"))
    kinds: dict[str, int] = {}
    for p in places:
        kinds[p["properties"]["kind"]] = kinds.get(p["properties"]["kind"], 0) + 1
    print(f"wrote {out}: {len(places)} places ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}); "
          f"{located} with geometry, {len(places) - located} without; {kept} placed by people kept")
    return 0
