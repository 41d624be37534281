"""``python -m geo report IN.geojson -o OUT.pdf|OUT.png [--title T] [--status S] [--area A] [--category C] [--paper A4|A3]``."""
from __future__ import annotations

from pathlib import Path

from geo.cli import CliError, add_filter_arguments, item_filter, load_items
from geo.i18n import describe_filter
from geo.query import filter_items


def configure(parser) -> None:
    parser.add_argument("input", help="GeoJSON file of items, e.g. data/projects.geojson")
    parser.add_argument("-o", "--output", required=True, help="OUT.pdf (all pages) or OUT.png (OUT-2.png … for the table)")
    parser.add_argument("--title", default=None, help="title printed on every page (default: 规划项目一张图)")
    parser.add_argument("--paper", default="A4", type=str.upper, choices=["A4", "A3"], help="paper size, landscape")
    parser.add_argument("--places", default=None, help="places.geojson with the outline (default: the data folder's)")
    add_filter_arguments(parser)


def run(args) -> int:
    from geo.report import ReportError, render_report

    flt = item_filter(args)
    features = filter_items(load_items(args.input), flt)
    try:
        paths = render_report(features, args.output, title=args.title, paper=args.paper,
                              source=Path(args.input).name, filter_text=describe_filter(flt) or None,
                              places_path=Path(args.places) if args.places else None)
    except ReportError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{args.output}: cannot be written ({exc.strerror or exc}); choose another -o path") from None
    located = sum(1 for f in features if f.get("geometry"))
    print(f"{len(features)} item(s) ({located} on the map, {len(features) - located} 未定位 in the table) → "
          + ", ".join(str(p) for p in paths))
    return 0
