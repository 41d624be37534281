"""What kind of file an upload is, judged by its content (the extension is only a tie-breaker)."""
from __future__ import annotations

import zipfile

from geo.contract import PLAN_SUFFIXES
from geo.importer.limits import Limits, open_zip

KINDS = ("geojson", "csv", "xlsx", "kml", "kmz", "gpkg", "shp", "plan")


def _zip_kind(data: bytes, name: str, limits: Limits) -> str:
    zf = open_zip(data, name, limits)
    names = [n.lower() for n in zf.namelist()]
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        return "plan"
    if any(n.endswith(".kml") for n in names):
        return "kmz"
    if any(n.endswith(".shp") for n in names):
        return "shp"
    if any(n.endswith(".gpkg") for n in names):
        return "gpkg"
    return "zip"


def sniff(data: bytes, filename: str, limits: Limits) -> str:
    """One of KINDS, or 'unknown'."""
    suffix = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    if data[:4] == b"PK\x03\x04" or (data[:4] == b"PK\x05\x06"):
        return _zip_kind(data, filename, limits)
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if data.startswith(b"%PDF-"):
        return "plan"
    if data[:4] == b"\x00\x00\x27\x0a":  # shapefile main header (file code 9994)
        return "shp"
    head = data[:4096]
    for bom in (b"\xef\xbb\xbf",):
        if head.startswith(bom):
            head = head[len(bom):]
    try:
        text = head.decode("utf-8", errors="ignore").lstrip()
    except Exception:  # pragma: no cover - decode with ignore does not raise
        text = ""
    low = text[:2048].lower()
    if text.startswith(("{", "[")):
        return "geojson"
    if "<kml" in low:
        return "kml"
    if low.startswith(("<!doctype html", "<html")) or "<body" in low:
        return "plan"
    first_line = text.splitlines()[0] if text else ""
    if suffix in (".csv", ".tsv") or (first_line.count(",") >= 1 and suffix not in PLAN_SUFFIXES):
        return "csv"
    if suffix in PLAN_SUFFIXES or text:
        return "plan"
    return "unknown"
