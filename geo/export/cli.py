"""``python -m geo export IN.geojson --format FMT -o OUT [--datum D] [--crs EPSG:xxxx] [--status S] …``.

Filters with the CLI's shared options exactly like the map (``geo.query.filter_items``).
"""
from __future__ import annotations

from pathlib import Path

from geo.cli import CliError, add_filter_arguments, item_filter, load_items
from geo.export import FORMATS, ExportError, export_items
from geo.query import filter_items


def configure(parser) -> None:
    parser.add_argument("input", help="GeoJSON file of items, e.g. data/projects.geojson")
    parser.add_argument("--format", "-f", required=True, choices=list(FORMATS), help="output format")
    parser.add_argument("-o", "--output", required=True,
                        help="output file (a Shapefile set is named after it; x.shp.zip writes it as one zip)")
    parser.add_argument("--datum", default="wgs84",
                        help="coordinates of csv/xlsx/kml/kmz: wgs84 (default), gcj02 (高德/奥维) or bd09 (百度)")
    parser.add_argument("--crs", default=None, metavar="EPSG:xxxx",
                        help="shp/gpkg in a projected CRS, e.g. EPSG:4549 (CGCS2000 3-degree Gauss-Krüger CM 120°E); "
                        "default WGS-84 (EPSG:4326)")
    add_filter_arguments(parser)


def run(args) -> int:
    features = filter_items(load_items(args.input), item_filter(args))
    try:
        paths = export_items(features, args.format, args.output, datum=args.datum, source=Path(args.input).name,
                             crs=args.crs)
    except ExportError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{args.output}: cannot be written ({exc.strerror or exc}); choose another -o path") from None
    located = sum(1 for f in features if f.get("geometry"))
    print(f"{len(features)} item(s) ({located} located, {len(features) - located} 未定位) → "
          + ", ".join(str(p) for p in paths))
    return 0
