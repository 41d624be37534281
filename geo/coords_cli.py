"""``python -m geo convert --from gcj02 --to wgs84 LON LAT``: convert one point between datums."""
from __future__ import annotations

import argparse
import json

from geo.cli import CliError
from geo.coords import DATUMS, DatumError, convert, normalise_datum


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="src", required=True, help=f"datum of the input: {' | '.join(DATUMS)}")
    parser.add_argument("--to", dest="dst", required=True, help=f"datum of the output: {' | '.join(DATUMS)}")
    parser.add_argument("--json", action="store_true", help="print a JSON object instead of 'LON LAT'")
    parser.add_argument("lon", help="longitude in degrees (east positive)")
    parser.add_argument("lat", help="latitude in degrees (north positive)")


def run(args: argparse.Namespace) -> int:
    try:
        src, dst = normalise_datum(args.src), normalise_datum(args.dst)
        lon, lat = float(args.lon), float(args.lat)
    except DatumError as exc:
        raise CliError(str(exc)) from None
    except ValueError:
        raise CliError(f"LON LAT must be numbers in degrees, got {args.lon!r} {args.lat!r} "
                       "(example: python -m geo convert --from gcj02 --to wgs84 121.267072 28.925511)") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise CliError(f"({lon}, {lat}) is not a longitude/latitude pair; did you swap LON and LAT?")
    out_lon, out_lat = convert(lon, lat, src, dst)
    if args.json:
        print(json.dumps({"from": src, "to": dst, "lon": round(out_lon, 8), "lat": round(out_lat, 8)}, allow_nan=False))
    else:
        print(f"{out_lon:.8f} {out_lat:.8f}")
    return 0
