"""Exports of items to the files other tools open: one format per module, chosen here by name.

    from geo.export import export_items, export_bytes, FORMATS
    paths = export_items(features, "kml", "out.kml", datum="gcj02")
    data, filename, mime = export_bytes(features, "csv", basename="东塍镇项目")

Every writer takes WGS-84 items (the store's RFC 7946 GeoJSON) and converts to
the requested datum itself; formats whose standard fixes the datum refuse others.
``crs="EPSG:4549"`` (SHP, GPKG) writes projected coordinates with the matching .prj /
srs_id (pyproj through geopandas); ``datum`` is for the Chinese web-map offsets, which
are no CRS. A Shapefile set asked for as ``x.shp.zip`` (or ``x.zip``) is written as one zip.
"""
from __future__ import annotations

import copy
import importlib
import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from geo.coords import DatumError, convert_geometry, normalise_datum
from geo.filenames import safe_filename


class ExportError(Exception):
    """An export that cannot be made as asked; the text says why and what to do."""


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    suffix: str
    mime: str
    datums: tuple[str, ...]  # datums this format may carry; the first is its standard
    label: str
    projected: bool = False  # may be written in another CRS (--crs)


_ALL = ("wgs84", "gcj02", "bd09")
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("geojson", "geo.export.geojson", ".geojson", "application/geo+json", ("wgs84",), "GeoJSON (RFC 7946)"),
    Format("csv", "geo.export.csvfile", ".csv", "text/csv", _ALL, "CSV (Excel, UTF-8)"),
    Format("xlsx", "geo.export.xlsx", ".xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ALL, "Excel 表格 (XLSX)"),
    Format("kml", "geo.export.kml", ".kml", "application/vnd.google-earth.kml+xml", _ALL, "KML (奥维/Google Earth)"),
    Format("kmz", "geo.export.kmz", ".kmz", "application/vnd.google-earth.kmz", _ALL, "KMZ (压缩 KML)"),
    Format("gpkg", "geo.export.gpkg", ".gpkg", "application/geopackage+sqlite3", ("wgs84",), "GeoPackage (QGIS)",
           True),
    Format("shp", "geo.export.shp", ".shp", "application/zip", ("wgs84",), "Shapefile (ArcGIS/SuperMap)", True),
)}


def get_format(name: str) -> Format:
    key = (name or "").strip().lower().lstrip(".")
    if key not in FORMATS:
        raise ExportError(f"unknown export format {name!r}; use one of {', '.join(FORMATS)}")
    return FORMATS[key]


def check_datum(fmt: Format, datum: str) -> str:
    try:
        datum = normalise_datum(datum)
    except DatumError as exc:
        raise ExportError(str(exc)) from None
    if datum not in fmt.datums:
        raise ExportError(f"{fmt.name} files are always {fmt.datums[0].upper()} by their standard; "
                          f"export without --datum, or choose csv, xlsx, kml or kmz for {datum}")
    return datum


def check_crs(fmt: Format, crs: str | None) -> str | None:
    """The EPSG code to write ``fmt`` in (None: WGS-84); ExportError for a format or CRS that cannot be."""
    if crs is None or not str(crs).strip():
        return None
    from geo.crs import CrsError, label, parse_crs, source_crs

    try:
        parsed = parse_crs(crs, "--crs")
        source_crs(parsed, "--crs")  # refuses CRSs that are not for China
    except CrsError as exc:
        raise ExportError(str(exc)) from None
    code = parsed.to_epsg()
    if code is None:
        raise ExportError(f"--crs {crs}: give the CRS as an EPSG code (e.g. EPSG:4549), so the .prj is exact")
    if not fmt.projected and code != 4326:
        raise ExportError(f"{fmt.name} files are WGS-84 by their standard; --crs {label(parsed)} is for shp and gpkg")
    return None if code == 4326 else f"EPSG:{code}"


def in_datum(features: list[dict], datum: str) -> list[dict]:
    """Copies of the (WGS-84) features with geometry converted to ``datum``."""
    out = []
    for f in features:
        g = copy.deepcopy(f)
        if datum != "wgs84" and g.get("geometry"):
            g["geometry"] = convert_geometry(g["geometry"], "wgs84", datum)
        out.append(g)
    return out


def export_items(features: list[dict], fmt: str, path: str | Path, *, datum: str = "wgs84",
                 source: str | None = None, crs: str | None = None) -> list[Path]:
    """Write ``features`` as ``fmt`` to ``path``; returns every file written (Shapefile writes several,
    or one zip when ``path`` ends in .zip)."""
    spec = get_format(fmt)
    datum = check_datum(spec, datum)
    crs = check_crs(spec, crs)
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise ExportError(f"folder {path.parent} does not exist; create it or choose another -o path")
    writer = importlib.import_module(spec.module)
    options = {"crs": crs} if spec.projected else {}
    if spec.name == "shp" and path.suffix.lower() == ".zip":
        from geo.store.atomic import atomic_write_bytes

        stem = path.name[:-len(".zip")]
        stem = stem[:-len(".shp")] if stem.lower().endswith(".shp") else stem
        with tempfile.TemporaryDirectory(prefix="geo-export-") as tmp:
            parts = writer.write(list(features), Path(tmp) / (stem + ".shp"), datum=datum, source=source, **options)
            atomic_write_bytes(path, _zip(parts))
        return [path]
    return writer.write(list(features), path, datum=datum, source=source, **options)


def _zip(paths: list[Path]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in paths:
            zf.write(p, p.name)
    return buf.getvalue()


def export_bytes(features: list[dict], fmt: str, *, datum: str = "wgs84", source: str | None = None,
                 basename: str = "projects", crs: str | None = None) -> tuple[bytes, str, str]:
    """(content, file name, MIME type) for a download button. A Shapefile set comes as one .zip."""
    spec = get_format(fmt)
    safe = safe_filename(basename, "projects")
    with tempfile.TemporaryDirectory(prefix="geo-export-") as tmp:
        paths = export_items(features, fmt, Path(tmp) / (safe + spec.suffix), datum=datum, source=source, crs=crs)
        if len(paths) == 1 and spec.name != "shp":
            return paths[0].read_bytes(), paths[0].name, spec.mime
        return _zip(paths), safe + "-shp.zip", "application/zip"
