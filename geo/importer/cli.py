"""``python -m geo import FILE [--store DIR] [--yes] [--map 列名=field ...] [--datum D]``.

Prints the preview (rows that will be added/updated, bad rows with their row number
and reason); writes only with ``--yes``.
"""
from __future__ import annotations

import os

from geo.cli import CliError
from geo.importer import ImportOptions, ImportRefused, apply_import, plan_import

PREVIEW_ROWS = 30


def configure(parser) -> None:
    parser.add_argument("file", help="GeoJSON, CSV, XLSX, KML, KMZ, GPKG, zipped Shapefile, or a plan "
                        "document (.txt .docx .pdf .html)")
    parser.add_argument("--store", default=None, help="data folder or postgresql:// URL (default: GEO_DATA_DIR)")
    parser.add_argument("--yes", action="store_true", help="write the valid rows (without it: preview only)")
    parser.add_argument("--map", action="append", default=[], metavar="列名=field",
                        help="say which field a column holds, e.g. --map 项目=name --map X=lon")
    parser.add_argument("--datum", default=None,
                        help="datum of the file's coordinates: wgs84, gcj02 (高德/奥维) or bd09 (百度); "
                        "default: what the file states, else wgs84")
    parser.add_argument("--crs", default=None, metavar="EPSG:xxxx",
                        help="CRS of the coordinates when the file states none, e.g. EPSG:4549 (CGCS2000 "
                        "3-degree Gauss-Krüger CM 120°E); a file's own .prj / srs_id / crs is used without it")
    parser.add_argument("--layer", action="append", default=[], metavar="NAME",
                        help="read only this layer of a multi-layer file (GPKG, KML folders); repeatable")
    parser.add_argument("--make-valid", action="store_true",
                        help="repair invalid (self-intersecting) polygons with shapely make_valid instead of "
                        "refusing those rows")
    parser.add_argument("--plan", default=None, help="plan id for the imported items (default: from the file name)")
    parser.add_argument("--town", default=None)
    parser.add_argument("--county", default=None)
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--user", default=None, help="who is importing (audit log); default $USER")


def _mapping(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise CliError(f"--map {pair!r}: expected COLUMN=field, e.g. --map 项目名称=name")
        col, target = pair.rsplit("=", 1)
        out[col.strip()] = target.strip()
    return out


def run(args) -> int:
    from geo.store import StoreError, open_store

    user = args.user or os.environ.get("USER") or "import"
    options = ImportOptions(mapping=_mapping(args.map), datum=args.datum, plan_id=args.plan, town=args.town,
                            county=args.county, year=args.year, user=user, crs=args.crs,
                            layers=tuple(args.layer), make_valid=args.make_valid)
    try:
        store = open_store(args.store)
        preview = plan_import(args.file, None, options, store=store)
    except ImportRefused as exc:
        raise CliError(str(exc)) from None
    except StoreError as exc:
        raise CliError(str(exc)) from None
    print(preview.summary())
    if preview.mapping:
        print("columns: " + ", ".join(f"{c}→{t}" for c, t in preview.mapping.items()))
    for row in preview.table()[:PREVIEW_ROWS]:
        where = f"{row['经度']:.6f},{row['纬度']:.6f}" if row["经度"] is not None else row["几何"]
        print(f"  row {row['行']}: {row['处理'] or '-'}  {row['编号']}  {row['名称']}  [{row['类别']}/{row['状态']}]  {where}")
    if preview.rows_ok > PREVIEW_ROWS:
        print(f"  … and {preview.rows_ok - PREVIEW_ROWS} more")
    for row, reason in preview.rows_bad:
        print(f"  bad row {row}: {reason}")
    for w in preview.warnings[:20]:
        print(f"  warning: {w}")
    if not args.yes:
        print("preview only: nothing written; run again with --yes to import the valid rows")
        return 1 if preview.rows_bad and not preview.rows_ok else 0
    if not preview.rows_ok:
        if preview.rows_bad:
            raise CliError(f"{preview.filename}: no valid rows to import; fix the bad rows listed above")
        raise CliError(f"{preview.filename}: holds no items to import; check that it is the file you meant")
    try:
        result = apply_import(preview, store, user)
    except StoreError as exc:
        raise CliError(f"nothing imported: {exc}") from None
    print("imported: " + result.summary())
    for item, reason in result.conflicts:
        print(f"  conflict {item}: {reason}")
    return 0
