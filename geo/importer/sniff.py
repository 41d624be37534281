"""What kind of file an upload is, judged by its content (the extension is only a tie-breaker)."""
from __future__ import annotations

import zipfile

from geo.contract import PLAN_SUFFIXES
from geo.importer.limits import ImportRefused, Limits, open_zip

KINDS = ("geojson", "csv", "xlsx", "kml", "kmz", "gpkg", "shp", "plan")
JSON_SUFFIXES = (".geojson", ".json")


def _utf16(data: bytes) -> str | None:
    """The UTF-16 codec of ``data`` (BOM, or the NUL bytes of ASCII in UTF-16), else None."""
    if data.startswith(b"\xff\xfe"):
        return "utf-16"
    if data.startswith(b"\xfe\xff"):
        return "utf-16"
    head = data[:200]
    if len(head) >= 8 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return "utf-16-le"
    if len(head) >= 8 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return "utf-16-be"
    return None


def decode_text(data: bytes, name: str, what: str) -> str:
    """Text of an upload in UTF-8 (with or without BOM), UTF-16 (Windows "Unicode") or GB18030."""
    codec = _utf16(data)
    for enc in ((codec,) if codec else ("utf-8-sig", "gb18030")):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    if what == "CSV":
        raise ImportRefused(f"{name}: text encoding not recognised; save it as CSV UTF-8 (Excel: 另存为 CSV UTF-8)")
    raise ImportRefused(f"{name}: the text is in no encoding we read (UTF-8, UTF-16, GB18030); "
                        f"save the {what} again as UTF-8")


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
    codec = _utf16(head)
    if codec:
        text = head[:4096 - 4096 % 2].decode(codec, errors="ignore").lstrip("\ufeff").lstrip()
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="ignore").lstrip()
    low = text[:2048].lower()
    if text.startswith(("{", "[")):
        return "geojson"
    if suffix in JSON_SUFFIXES or (len(data) < 64 and text.strip() in ("null", "true", "false")):
        return "geojson"  # a .geojson holding no collection (``null``) is a bad GeoJSON, not a plan
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
