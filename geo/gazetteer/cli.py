"""``python -m geo gazetteer seed|lookup|unlocated``: build and query data/places.geojson."""
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
    seed = sub.add_parser("seed", help="(re)build places.geojson from the gazetteer source files")
    seed.add_argument("--sources", default=str(DEFAULT_SOURCES), help="folder of the source files (has README.md)")
    seed.add_argument("-o", "--output", default=None, help="places file to write (default: DATA_DIR/places.geojson)")
    seed.add_argument("--force", action="store_true",
                      help="overwrite places placed by people (geometry set by manual/gps/draw/online) — normally kept")
    look = sub.add_parser("lookup", help="find the place a name refers to")
    look.add_argument("name")
    look.add_argument("--town", default=None, help="admin context, e.g. 东塍镇")
    look.add_argument("--places", default=None, help="places file (default: DATA_DIR/places.geojson)")
    unl = sub.add_parser("unlocated", help="places items refer to that have no location yet")
    unl.add_argument("--items", default=None, help="projects.geojson (default: DATA_DIR/projects.geojson)")
    unl.add_argument("--places", default=None)


def _source_timestamp(sources: Path) -> str:
    mtimes = [p.stat().st_mtime for p in sources.iterdir() if p.is_file()]
    if not mtimes:
        return SEED_TS
    return _dt.datetime.fromtimestamp(int(max(mtimes)), _dt.timezone.utc).isoformat()


def run(args: argparse.Namespace) -> int:
    try:
        if args.action == "seed":
            return _seed(args)
        if args.action == "lookup":
            gaz = load_gazetteer(args.places)
            m = gaz.lookup(args.name, args.town)
            print(json.dumps(None if m is None else {
                "query": args.name, "place_id": m.place_id, "name": m.name, "kind": m.kind, "how": m.how,
                "score": m.score, "alternatives": list(m.alternatives),
                "located": m.geometry is not None}, ensure_ascii=False, indent=1, allow_nan=False))
            return 0 if m else 1
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


def _seed(args) -> int:
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
