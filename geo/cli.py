"""``python -m geo <command>``: the one command-line entry point.

Each command lives in the module of its capability, which provides
``configure(parser)`` and ``run(args) -> int``. Only the module of the command
being run is imported, so ``validate`` does not pay for folium or pandas.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# command -> (module, one-line help). Add a line here when a capability gains a command.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("geo.validate_cli", "check a GeoJSON file of items against the contract"),
    "extract": ("geo.extract.cli", "plan document → items (jsonl/json/table)"),
    "extract-eval": ("geo.extract.eval_cli", "extraction quality on the labelled development set, per document and pooled"),
    "convert": ("geo.coords_cli", "convert a point between WGS-84, GCJ-02 and BD-09"),
    "gazetteer": ("geo.gazetteer.cli", "seed, query and inspect the gazetteer of places (places.geojson)"),
    "geocode": ("geo.geocode.cli", "resolve a place name: gazetteer, cache, then configured online providers"),
    "build": ("geo.build_cli", "extract a plan, locate its items from the gazetteer, merge into the store, report"),
    "export": ("geo.export.cli", "export items as GeoJSON, CSV, XLSX, KML/KMZ, GeoPackage or Shapefile"),
    "import": ("geo.importer.cli", "preview and import items from GeoJSON, CSV/XLSX, KML/KMZ, GPKG, Shapefile or a plan"),
    "report": ("geo.report.cli", "printable map and item table as PDF or PNG (A4/A3, offline)"),
    "user": ("geo.auth_cli", "editor accounts: hash a password for secrets.toml, list accounts"),
    "render": ("geo.mapview.cli", "standalone offline HTML map of items"),
    "bench": ("geo.bench", "benchmark map build, payload, filter time vs naive folium"),
    "store": ("geo.store.cli", "store copy SRC DST: move data between a folder and PostGIS"),
    "progress": ("geo.progress.cli", "read a later document (summary, progress list, next plan): propose status updates"),
    "progress-eval": ("geo.progress.evaluate", "score progress matching on the labelled document pairs"),
}


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 1 (or .code)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description="规划项目一张图: plan items as GeoJSON")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            importlib.import_module(module_name).configure(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = _parser(command if command in COMMANDS else None)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return int(module.run(args) or 0)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


# ---- what the commands that read items share ---------------------------------------
def load_items(path) -> list[dict]:
    """Items of a GeoJSON file, refusing (one readable line) a file that breaks the contract."""
    import json
    from pathlib import Path

    from geo.validate import has_errors, validate_path

    problems = validate_path(path)
    if has_errors(problems):
        first = next(p for p in problems if p.severity == "error")
        count = sum(p.severity == "error" for p in problems)
        raise CliError(f"{path}: {first.line()}" + (f" (+{count - 1} more)" if count > 1 else "")
                       + f"; run `python -m geo validate {path}` for the full list and fix them")
    return json.loads(Path(path).read_text(encoding="utf-8-sig"))["features"]


# ---- options shared by the commands that filter items ---------------------------
def add_filter_arguments(parser) -> None:
    """--status/--area/--category, the same for every command that filters items (render, export, report)."""
    from geo.contract import STATUS_LABELS

    parser.add_argument("--status", action="append", default=[], metavar="S",
                        help="keep only these statuses (code or 中文, comma-separated or repeated): "
                        + ", ".join(f"{k}={v}" for k, v in STATUS_LABELS.items()))
    parser.add_argument("--area", action="append", default=[], metavar="A",
                        help="keep only these areas (a village name, 镇区 or 全镇)")
    parser.add_argument("--category", action="append", default=[], metavar="C",
                        help="keep only these categories (code or 中文), e.g. road or 道路")


def _codes(values: list[str], labels: dict[str, str], what: str) -> tuple[str, ...]:
    by_label = {v: k for k, v in labels.items()}
    out = []
    for raw in values:
        for part in raw.replace("，", ",").split(","):
            part = part.strip()
            if not part:
                continue
            code = part if part in labels else by_label.get(part)
            if code is None:
                raise CliError(f"--{what} {part!r} is not known; use one of "
                               + ", ".join(f"{k} ({v})" for k, v in labels.items()))
            out.append(code)
    return tuple(out)


def item_filter(args):
    """The ItemFilter of --status/--area/--category, codes or Chinese labels (see add_filter_arguments)."""
    from geo.contract import CATEGORY_LABELS, STATUS_LABELS
    from geo.query import ItemFilter

    areas = tuple(p.strip() for raw in args.area for p in raw.replace("，", ",").split(",") if p.strip())
    return ItemFilter(statuses=_codes(args.status, STATUS_LABELS, "status"),
                      categories=_codes(args.category, CATEGORY_LABELS, "category"), areas=areas)
