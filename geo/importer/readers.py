"""Readers: each turns one kind of file into ``Record``s (source column → raw value, plus geometry).

They know file formats only; what a column means is decided in ``mapping.py``.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from geo.export.fields import geojson_of
from geo.importer.limits import ImportRefused, Limits, open_zip, read_member


@dataclass
class Record:
    row: int                      # what a person calls this row: spreadsheet row, feature number …
    values: dict = field(default_factory=dict)
    geometry: dict | None = None
    geometry_error: str | None = None


@dataclass
class Table:
    records: list[Record]
    columns: list[str]
    datum: str | None = None      # the datum the document states for itself, if any
    warnings: list[str] = field(default_factory=list)


def _too_many(n: int, name: str, limits: Limits) -> None:
    if n > limits.max_rows:
        raise ImportRefused(f"{name}: more than {limits.max_rows} rows; split the file and import the parts")


# ---- GeoJSON --------------------------------------------------------------------

def read_geojson(data: bytes, name: str, limits: Limits) -> Table:
    from geo.validate import parse_geojson_text

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"{name}: not UTF-8 text (byte {exc.start}); GeoJSON must be UTF-8, re-save it so") from None
    doc, problems = parse_geojson_text(text, name)
    if doc is None:
        raise ImportRefused("; ".join(p.line() for p in problems))
    warnings = [p.line() for p in problems]
    features = doc["features"]
    _too_many(len(features), name, limits)
    records, columns = [], []
    for n, f in enumerate(features, start=1):
        if not isinstance(f, dict):
            records.append(Record(n, {}, None, f"feature {n} is not an object"))
            continue
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        values = dict(props)
        if "id" not in values and isinstance(f.get("id"), (str, int)):
            values["id"] = f["id"]
        for k in values:
            if k not in columns:
                columns.append(k)
        geom = f.get("geometry")
        error = None
        if geom is not None and not (isinstance(geom, dict) and "type" in geom):
            geom, error = None, "geometry is not a GeoJSON geometry object"
        records.append(Record(n, values, geom, error))
    return Table(records, columns, None, warnings)


# ---- CSV / XLSX ------------------------------------------------------------------

def _decode_text(data: bytes, name: str) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(f"{name}: text encoding not recognised; save it as CSV UTF-8 (Excel: 另存为 CSV UTF-8)")


def read_csv(data: bytes, name: str, limits: Limits) -> Table:
    text = _decode_text(data, name)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused(f"{name}: empty; expected a header row and one row per item") from None
    except csv.Error as exc:
        raise ImportRefused(f"{name}: not readable as CSV ({exc})") from None
    header = [h.strip() for h in header]
    records = []
    try:
        for n, row in enumerate(reader, start=2):
            if not any(c.strip() for c in row):
                continue
            _too_many(len(records) + 1, name, limits)
            records.append(Record(n, {h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h}))
    except csv.Error as exc:
        raise ImportRefused(f"{name}: row {reader.line_num}: not readable as CSV ({exc}); check its quotes") from None
    return Table(records, [h for h in header if h])


def read_xlsx(data: bytes, name: str, limits: Limits) -> Table:
    open_zip(data, name, limits)  # the bomb checks, before openpyxl inflates anything
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ImportRefused(f"{name}: not a readable Excel workbook ({type(exc).__name__}); save it again as .xlsx") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise ImportRefused(f"{name}: the first sheet is empty; put a header row and one row per item there")
    header = [str(h).strip() if h is not None else "" for h in header]
    records = []
    for n, row in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in row):
            continue
        _too_many(len(records) + 1, name, limits)
        records.append(Record(n, {h: row[i] if i < len(row) else None for i, h in enumerate(header) if h}))
    wb.close()
    return Table(records, [h for h in header if h])


# ---- KML / KMZ -------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el, tag):
    return [c for c in el if _local(c.tag) == tag]


def _child_text(el, tag) -> str | None:
    for c in el:
        if _local(c.tag) == tag:
            return c.text or ""
    return None


def _kml_coords(text: str | None) -> list[list[float]]:
    out = []
    for token in (text or "").split():
        parts = token.split(",")
        try:
            pos = [float(p) for p in parts if p != ""]
        except ValueError:
            raise ValueError(f"coordinate {token!r} is not lon,lat[,alt]") from None
        if len(pos) < 2 or not all(math.isfinite(v) for v in pos):
            raise ValueError(f"coordinate {token!r} is not lon,lat[,alt]")
        out.append(pos)
    return out


def _kml_geometry(el) -> dict | None:
    t = _local(el.tag)
    if t == "Point":
        c = _kml_coords(_child_text(el, "coordinates"))
        return {"type": "Point", "coordinates": c[0]} if c else None
    if t in ("LineString", "LinearRing"):
        return {"type": "LineString", "coordinates": _kml_coords(_child_text(el, "coordinates"))}
    if t == "Polygon":
        rings = []
        for which in ("outerBoundaryIs", "innerBoundaryIs"):
            for b in _children(el, which):
                for ring in _children(b, "LinearRing"):
                    rings.append(_kml_coords(_child_text(ring, "coordinates")))
        return {"type": "Polygon", "coordinates": rings}
    if t == "MultiGeometry":
        parts = [g for g in (_kml_geometry(c) for c in el) if g]
        return {"type": "GeometryCollection", "geometries": parts}
    return None


def _shape_as(geom: dict | None, wanted: str | None) -> dict | None:
    """KML has only MultiGeometry; give back the GeoJSON type the exporter recorded (or the obvious one)."""
    if not geom or geom["type"] != "GeometryCollection":
        return geom
    parts = geom["geometries"]
    types = {p["type"] for p in parts}
    if wanted is None and len(types) == 1 and parts and next(iter(types)) in ("Point", "LineString", "Polygon"):
        wanted = "Multi" + next(iter(types))
    if wanted in ("MultiPoint", "MultiLineString", "MultiPolygon") and types <= {wanted[5:]}:
        return {"type": wanted, "coordinates": [p["coordinates"] for p in parts]}
    return geom


def read_kml(data: bytes, name: str, limits: Limits) -> Table:
    import xml.etree.ElementTree as ET

    if len(data) > limits.max_xml_bytes:
        raise ImportRefused(f"{name}: KML over {limits.max_xml_bytes // 2**20} MB; split it")
    head = data[:65536].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise ImportRefused(f"{name}: KML with a DOCTYPE/ENTITY declaration is refused (entity expansion attacks); "
                            "KML never needs one, remove it")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ImportRefused(f"{name}: not well-formed XML ({exc}); export the KML again") from None
    datum = None
    doc = next((el for el in root.iter() if _local(el.tag) == "Document"), root)
    for ext in _children(doc, "ExtendedData"):
        for d in _children(ext, "Data"):
            if d.get("name") == "datum":
                datum = (_child_text(d, "value") or "").strip() or None
    records, columns = [], []
    for n, pm in enumerate((el for el in root.iter() if _local(el.tag) == "Placemark"), start=1):
        _too_many(n, name, limits)
        values: dict = {}
        nm = _child_text(pm, "name")
        if nm is not None:
            values["name"] = nm.strip()
        for ext in _children(pm, "ExtendedData"):
            for d in ext.iter():
                if _local(d.tag) == "Data" and d.get("name"):
                    values[d.get("name")] = _child_text(d, "value") or ""
                elif _local(d.tag) == "SimpleData" and d.get("name"):
                    values[d.get("name")] = d.text or ""
        desc = _child_text(pm, "description")
        if desc and "id" not in values and "notes" not in values:
            from bs4 import BeautifulSoup
            values["notes"] = BeautifulSoup(desc, "html.parser").get_text(" ", strip=True) or None
        wanted = values.pop("geometry_type", None)
        geom, error = None, None
        try:
            for el in pm:
                if _local(el.tag) in ("Point", "LineString", "LinearRing", "Polygon", "MultiGeometry"):
                    geom = _shape_as(_kml_geometry(el), wanted)
                    break
        except ValueError as exc:
            geom, error = None, str(exc)
        for k in values:
            if k not in columns:
                columns.append(k)
        records.append(Record(n, values, geom, error))
    if not records:
        raise ImportRefused(f"{name}: no Placemark found; is this a KML of places?")
    return Table(records, columns, datum)


def read_kmz(data: bytes, name: str, limits: Limits) -> Table:
    zf = open_zip(data, name, limits)
    kmls = [n for n in zf.namelist() if n.lower().endswith(".kml")]
    main = "doc.kml" if "doc.kml" in kmls else (kmls[0] if kmls else None)
    if main is None:
        raise ImportRefused(f"{name}: a KMZ without a .kml inside; export it again")
    return read_kml(read_member(zf, main, name), f"{name}:{main}", limits)


# ---- GeoPackage / Shapefile (GDAL through pyogrio) -------------------------------

def _ogr_layers(path: Path) -> list[tuple[str, dict, list]]:
    """(layer name, field names, rows of (values, geometry)) of every layer of a GDAL dataset."""
    import pyogrio
    import pyogrio.raw
    import shapely

    out = []
    for layer_name, _gtype in pyogrio.list_layers(str(path)):
        meta, _fids, geoms, field_data = pyogrio.raw.read(str(path), layer=layer_name, encoding="UTF-8")
        names = list(meta["fields"])
        rows = []
        count = len(geoms) if geoms is not None else (len(field_data[0]) if field_data else 0)
        for i in range(count):
            values = {}
            for j, fname in enumerate(names):
                v = field_data[j][i]
                if hasattr(v, "item"):
                    v = v.item()
                values[fname] = v
            g = geoms[i] if geoms is not None else None
            rows.append((values, geojson_of(shapely.from_wkb(g)) if g is not None else None))
        out.append((layer_name, names, rows))
    return out


def _join_continuations(values: dict) -> dict:
    """Shapefile text over 254 bytes continues in field_2, field_3 … (see geo.export.shp); join them."""
    from geo.export.shp import continuation_name

    consumed, out = set(), {}
    for key, value in values.items():  # GDAL keeps field order: a base field precedes its continuations
        if key in consumed:
            continue
        n = 2
        while (more := continuation_name(key, n)) in values and more != key:
            consumed.add(more)
            if values[more]:
                value = (value or "") + values[more]
            n += 1
        out[key] = value
    return out


def _ogr_table(path: Path, name: str, limits: Limits, shapefile: bool) -> Table:
    from geo.export.shp import SHAPEFILE_FIELDS

    try:
        layers = _ogr_layers(path)
    except Exception as exc:  # pyogrio raises DataSourceError etc. with GDAL's message
        raise ImportRefused(f"{name}: GDAL cannot read it ({str(exc).splitlines()[0][:160]})") from None
    short_to_col = {v: k for k, v in SHAPEFILE_FIELDS.items()}
    records: list[Record] = []
    columns: list[str] = []
    collections: dict[str, Record] = {}
    for layer_name, _names, rows in layers:
        for i, (values, geom) in enumerate(rows, start=1):
            if shapefile:
                values = _join_continuations(values)
            values = {short_to_col.get(k, k.replace("quantity_", "quantity.") if k.startswith("quantity_") else k): v
                      for k, v in values.items()}
            gtype = values.pop("geometry_type", None)
            part = values.pop("geometry_part", None)
            if geom and gtype in ("MultiPoint", "MultiLineString", "MultiPolygon") and geom["type"] == gtype[5:]:
                geom = {"type": gtype, "coordinates": [geom["coordinates"]]}
            if shapefile and geom and geom["type"] in ("Polygon", "MultiPolygon"):
                geom = _ccw(geom)
            if shapefile and gtype == "GeometryCollection" and values.get("id"):
                rec = collections.get(values["id"])
                if rec is None:
                    rec = Record(len(records) + 1, values, {"type": "GeometryCollection", "geometries": []})
                    rec.parts = []  # type: ignore[attr-defined]
                    collections[values["id"]] = rec
                    records.append(rec)
                rec.parts.append((part if part is not None and part == part else 0, geom))  # type: ignore[attr-defined]
                continue
            for k in values:
                if k not in columns:
                    columns.append(k)
            records.append(Record(len(records) + 1, values, geom))
            _too_many(len(records), name, limits)
    for rec in collections.values():
        rec.geometry = {"type": "GeometryCollection",
                        "geometries": [g for _, g in sorted(rec.parts, key=lambda p: p[0]) if g]}  # type: ignore[attr-defined]
    return Table(records, columns, "wgs84")


def _ccw(geom: dict) -> dict:
    """RFC 7946 ring order (exterior counter-clockwise); Shapefile stores exteriors clockwise."""
    import shapely

    return geojson_of(shapely.orient_polygons(shapely.geometry.shape(geom), exterior_cw=False))


def read_gpkg(data: bytes, name: str, limits: Limits) -> Table:
    with tempfile.TemporaryDirectory(prefix="geo-import-") as tmp:
        path = Path(tmp) / "upload.gpkg"
        if data[:4] == b"PK\x03\x04":
            zf = open_zip(data, name, limits)
            member = next(n for n in zf.namelist() if n.lower().endswith(".gpkg"))
            data = read_member(zf, member, name)
        path.write_bytes(data)
        return _ogr_table(path, name, limits, shapefile=False)


def read_shp(data: bytes, name: str, limits: Limits) -> Table:
    if data[:4] != b"PK\x03\x04":
        raise ImportRefused(f"{name}: a Shapefile is several files (.shp .shx .dbf .prj .cpg); "
                            "zip them together and import the .zip")
    zf = open_zip(data, name, limits)
    with tempfile.TemporaryDirectory(prefix="geo-import-") as tmp:
        shp_files = []
        for member in zf.namelist():
            base = re.split(r"[\\/]", member)[-1]
            if not base or base.startswith(".") or not re.fullmatch(r"[^\x00-\x1f]+\.(shp|shx|dbf|prj|cpg)", base, re.I):
                continue  # only the parts of shapefiles, flattened: no path from the zip reaches the disk
            target = Path(tmp) / base
            target.write_bytes(read_member(zf, member, name))
            if base.lower().endswith(".shp"):
                shp_files.append(target)
        if not shp_files:
            raise ImportRefused(f"{name}: no .shp inside the zip")
        tables = [_ogr_table(p, f"{name}:{p.name}", limits, shapefile=True) for p in sorted(shp_files)]
    merged = Table([], [], "wgs84")
    collections: dict[str, Record] = {}
    for t in tables:
        for rec in t.records:
            gid = rec.values.get("id")
            if rec.geometry and rec.geometry["type"] == "GeometryCollection" and gid in collections:
                prev = collections[gid]
                prev.parts += rec.parts  # type: ignore[attr-defined]
                prev.geometry = {"type": "GeometryCollection", "geometries": [
                    g for _, g in sorted(prev.parts, key=lambda p: p[0]) if g]}  # type: ignore[attr-defined]
                continue
            if rec.geometry and rec.geometry["type"] == "GeometryCollection":
                collections[gid] = rec
            rec.row = len(merged.records) + 1
            merged.records.append(rec)
        merged.columns += [c for c in t.columns if c not in merged.columns]
    _too_many(len(merged.records), name, limits)
    return merged


READERS = {"geojson": read_geojson, "csv": read_csv, "xlsx": read_xlsx, "kml": read_kml, "kmz": read_kmz,
           "gpkg": read_gpkg, "shp": read_shp}
