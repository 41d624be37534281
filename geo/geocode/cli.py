"""``python -m geo geocode NAME [--town 东塍镇]``: resolve one name through the chain, print JSON."""
from __future__ import annotations

import argparse
import json

from geo.cli import CliError
from geo.gazetteer import GazetteerError, load_gazetteer
from geo.geocode.chain import GeocoderChain, configured_providers


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="place name as written in a plan, e.g. 岭根 or 牛头山水库")
    parser.add_argument("--town", default=None, help="the plan's town (admin context), e.g. 东塍镇")
    parser.add_argument("--places", default=None, help="gazetteer file (default: DATA_DIR/places.geojson)")
    parser.add_argument("--offline", action="store_true", help="do not ask online providers even if configured")
    parser.add_argument("--full", action="store_true", help="print every field, including the geometry")


def run(args: argparse.Namespace) -> int:
    try:
        gazetteer = load_gazetteer(args.places)
    except GazetteerError as exc:
        raise CliError(str(exc)) from None
    if not gazetteer.places:
        raise CliError(f"{gazetteer.path}: no gazetteer; create it with python -m geo gazetteer seed")
    providers = [] if args.offline else configured_providers()
    result = GeocoderChain(gazetteer, providers=providers).geocode(args.name, args.town)
    out = result.to_dict()
    if not args.full:
        keep = ("name", "town", "matched_place", "place_id", "kind", "how", "lon", "lat", "precision", "source",
                "located", "suggestion", "fallback_from", "represents", "alternatives", "warnings")
        out["located"] = result.located
        out = {k: out.get(k) for k in keep}
    print(json.dumps(out, ensure_ascii=False, indent=1, allow_nan=False))
    return 0
