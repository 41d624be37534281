"""Readers: each turns one kind of file into ``Record``s (source column → raw value, plus geometry).

They know file formats only; what a column means is decided in ``mapping.py``.

- GeoJSON is parsed as JSON (it is the store's own contract: typed properties, our limits);
  an older file's ``crs`` member is honoured and its geometry reprojected to WGS-84.
- CSV and XLSX are tables of cells.
- Every GIS format (KML/KMZ, GeoPackage, zipped Shapefile) is read with
  ``geopandas.read_file`` (pyogrio engine), every layer of it (KML folders, GPKG layers,
  the .shp files of a zip), and reprojected from its declared CRS with ``to_crs``.
- Geometry leaves a reader in WGS-84; ``Table.crs`` says what it was.
"""
from __future__ import annotations

import contextlib
import csv
import io
import math
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from geo.crs import CrsError, SourceCrs, in_china, looks_projected, parse_crs, prj_crs, source_crs
from geo.export.fields import geojson_of
from geo.importer.limits import ImportRefused, Limits, open_zip, read_member
from geo.importer.sniff import decode_text


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
    crs: SourceCrs | None = None  # the CRS the geometry was in before the reader made it WGS-84
    crs_notes: list[str] = field(default_factory=list)  # "EPSG:4549 … → WGS-84, 12 features"


class ProjectedWithoutCrs(ImportRefused):
    """Coordinates in metres and no CRS stated: refused; the importer adds which --crs to state."""

    def __init__(self, name: str, eastings: list[float], northings: list[float]):
        self.name, self.eastings, self.northings = name, eastings, northings
        x, y = eastings[0], northings[0]
        super().__init__(f"{name}: coordinates like [{x:.2f}, {y:.2f}] are metres of a projected CRS "
                         "(e.g. EPSG:4549 CGCS2000 3-degree Gauss-Krüger), not degrees, and the file states no CRS")


def _too_many(n: int, name: str, limits: Limits) -> None:
    if n > limits.max_rows:
        raise ImportRefused(f"{name}: more than {limits.max_rows} rows; split the file and import the parts")


# ---- GeoJSON --------------------------------------------------------------------

def read_geojson(data: bytes, name: str, options) -> Table:
    from geo.validate import parse_geojson_text

    limits = options.limits
    text = decode_text(data, name, "GeoJSON")
    doc, problems = parse_geojson_text(text, name)
    if doc is None:
        stripped = text.strip()
        if stripped in ("null", "true", "false") or stripped[:1] in ('"', "-") or stripped[:1].isdigit():
            what = f"holds the JSON value {stripped[:20]}, not a GeoJSON FeatureCollection"
        else:
            what = "; ".join(p.message if p.field == "(file)" else f"{p.field} {p.message}" for p in problems)
        raise ImportRefused(f"{name}: {what}; export the layer again as GeoJSON (a FeatureCollection)")
    warnings = [p.line() for p in problems if p.field != "crs"]  # a crs member is read, not just warned about
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
    table = Table(records, columns, None, warnings)
    declared = _geojson_crs(doc["crs"], name) if "crs" in doc else None
    _to_wgs84_records(table, settle_crs(declared, options.crs, name), name)
    return table


def _geojson_crs(member, name: str):
    """The CRS of an older GeoJSON's ``crs`` member ({"type": "name", "properties": {"name": URN}})."""
    props = member.get("properties") if isinstance(member, dict) else None
    urn = props.get("name") if isinstance(props, dict) else None
    if not isinstance(member, dict) or member.get("type") != "name" or not isinstance(urn, str):
        raise ImportRefused(f"{name}: the 'crs' member is not of the form {{\"type\": \"name\", \"properties\": "
                            "{\"name\": \"urn:ogc:def:crs:EPSG::4549\"}}; export the layer again, or remove the "
                            "member and state the CRS with --crs EPSG:xxxx")
    try:
        return parse_crs(urn, f"{name}: the crs member")
    except CrsError as exc:
        raise ImportRefused(str(exc)) from None


def settle_crs(declared, stated: str | None, name: str) -> SourceCrs | None:
    """The CRS to read a file in: what it declares, else what the user stated; both and different: refused."""
    try:
        stated_crs = parse_crs(stated, "--crs") if stated else None
        if declared is not None and stated_crs is not None and not declared.equals(stated_crs, ignore_axis_order=True):
            from geo.crs import label
            raise ImportRefused(f"{name}: the file declares {label(declared)} but --crs says {label(stated_crs)}; "
                                "leave out --crs (the file's own CRS is used) or fix the file's CRS")
        chosen = declared if declared is not None else stated_crs
        return source_crs(chosen, name) if chosen is not None else None
    except CrsError as exc:
        raise ImportRefused(str(exc)) from None


def _sample(geometries) -> tuple[list[float], list[float]]:
    from geo.query import iter_positions

    xs, ys = [], []
    for g in geometries:
        for p in iter_positions(g):
            if len(p) >= 2 and all(isinstance(v, (int, float)) and math.isfinite(v) for v in p[:2]):
                xs.append(float(p[0]))
                ys.append(float(p[1]))
                break  # one position per feature is enough to judge the units
    return xs, ys


def check_units(xs: list[float], ys: list[float], src: SourceCrs | None, name: str) -> None:
    """Metres without a CRS are refused (ProjectedWithoutCrs); degrees are what they say."""
    if src is None and xs:
        metres = [(x, y) for x, y in zip(xs, ys) if looks_projected((x, y, x, y))]
        if len(metres) * 2 > len(xs):  # a few stray numbers are row errors, most of them are the file's units
            raise ProjectedWithoutCrs(name, [x for x, _ in metres], [y for _, y in metres])


def check_landed(xs: list[float], ys: list[float], src: SourceCrs, name: str) -> None:
    """After reprojection the features must lie in China: else the declared CRS does not fit the numbers."""
    if not xs or src.is_wgs84:
        return
    inside = sum(1 for x, y in zip(xs, ys) if in_china(x, y))
    if inside * 2 < len(xs):
        x, y = sorted(xs)[len(xs) // 2], sorted(ys)[len(ys) // 2]
        raise ImportRefused(f"{name}: in {src.label} the coordinates land around {x:.4f}°E {y:.4f}°N, outside "
                            "China: the CRS does not fit the numbers (a zone prefix in the easting, or the wrong "
                            "zone?); state the right one with --crs EPSG:xxxx")


def _to_wgs84_records(table: Table, src: SourceCrs | None, name: str) -> None:
    located = [r for r in table.records if isinstance(r.geometry, dict)]
    xs, ys = _sample(r.geometry for r in located)
    check_units(xs, ys, src, name)
    if src is None or not located:
        if src is not None:
            table.crs = src
        return
    table.crs, table.datum = src, src.datum_original
    if not src.is_wgs84:
        import geopandas as gpd
        import shapely.geometry

        shapes, keep = [], []
        for r in located:
            try:
                shapes.append(shapely.geometry.shape(r.geometry))
                keep.append(r)
            except Exception:  # a malformed geometry: the row check names it, in its own coordinates
                continue
        moved = gpd.GeoSeries(shapes, crs=src.crs).to_crs(4326)
        for r, g in zip(keep, moved):
            r.geometry = geojson_of(g)
        xs, ys = _sample(r.geometry for r in keep)
        check_landed(xs, ys, src, name)
        table.crs_notes.append(src.storage_note(len(located)))


# ---- CSV / XLSX ------------------------------------------------------------------

def read_csv(data: bytes, name: str, options) -> Table:
    limits = options.limits
    text = decode_text(data, name, "CSV")
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


def read_xlsx(data: bytes, name: str, options) -> Table:
    limits = options.limits
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


# ---- GIS formats through geopandas (KML/KMZ, GeoPackage, zipped Shapefile) -------

# Columns LIBKML adds for KML's own structure (styling, time, view); they are not item data.
_KML_STRUCTURE = ("timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude", "visibility",
                  "drawOrder", "icon", "snippet")


@contextlib.contextmanager
def _quiet_gdal(notes: list[str]):
    """GDAL's warnings (through pyogrio) become notes of the preview instead of lines on stderr."""
    import logging

    loggers = [logging.getLogger(n) for n in ("pyogrio", "pyogrio._err", "pyogrio._io", "fiona")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for w in caught:
            text = str(w.message).splitlines()[0][:200] if str(w.message) else ""
            if text and text not in notes:
                notes.append(text)
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def _gdal_message(exc: Exception, path: Path, name: str) -> str:
    """GDAL's own first line, with the temp path it names replaced by the user's file name."""
    text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    for p in (str(path), str(path.parent)):
        text = text.replace(p, name)
    return text


def _python_value(v):
    """A cell from a GeoDataFrame as a plain Python value (None for missing)."""
    import pandas as pd

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "isoformat"):
        try:
            return None if v != v else v.isoformat()  # NaT != NaT
        except (TypeError, ValueError):
            return v.isoformat()
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _frame_rows(gdf) -> list[tuple[dict, dict | None]]:
    import shapely

    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    data = {c: gdf[c].astype(object).tolist() for c in columns}
    geoms = shapely.orient_polygons(gdf.geometry.values, exterior_cw=False)  # RFC 7946 ring order
    rows = []
    for i, g in enumerate(geoms):
        values = {c: _python_value(data[c][i]) for c in columns}
        rows.append((values, geojson_of(g) if g is not None and not g.is_empty else None))
    return rows


@dataclass
class _Layer:
    name: str
    frame: object          # GeoDataFrame
    crs: object = None     # pyproj.CRS or None


def _read_layers(path: Path, name: str, options, *, encoding: str | None = None,
                 prj: dict[str, str] | None = None) -> tuple[list[_Layer], list[str]]:
    """Every layer of a GDAL dataset (or those named with --layer), with the CRS each declares."""
    import geopandas as gpd
    import pyogrio

    notes: list[str] = []
    try:
        with _quiet_gdal(notes):
            available = [str(n) for n, _ in pyogrio.list_layers(str(path))]
    except Exception as exc:  # pyogrio raises DataSourceError etc. with GDAL's message
        raise ImportRefused(f"{name}: GDAL cannot read it ({_gdal_message(exc, path, name)})") from None
    wanted = list(getattr(options, "layers", None) or ())
    missing = [w for w in wanted if w not in available]
    if missing:
        raise ImportRefused(f"{name}: no layer {', '.join(missing)}; its layers are {', '.join(available)}")
    layers = []
    for layer_name in (wanted or available):
        try:
            with _quiet_gdal(notes):
                kwargs = {"encoding": encoding} if encoding else {}
                frame = gpd.read_file(str(path), layer=layer_name, engine="pyogrio", **kwargs)
        except Exception as exc:
            raise ImportRefused(f"{name}: layer {layer_name}: GDAL cannot read it "
                                f"({_gdal_message(exc, path, name)})") from None
        crs = frame.crs
        if crs is None and prj and layer_name in prj:
            try:
                crs = prj_crs(prj[layer_name], f"{name}: {layer_name}.prj")  # GDAL could not read it either
            except CrsError as exc:
                raise ImportRefused(str(exc)) from None
        _too_many(len(frame), name, options.limits)
        layers.append(_Layer(layer_name, frame, crs))
    return layers, [f"GDAL: {_gdal_message(Exception(n), path, name)}" for n in notes[:3]]


def _settle_layers_crs(layers: list[_Layer], options, name: str) -> SourceCrs | None:
    """One CRS for the file: layers that declare different ones are refused (one import, one CRS)."""
    from geo.crs import label

    declared = [(layer, layer.crs) for layer in layers if len(layer.frame) and layer.frame.geometry.notna().any()]
    distinct: list = []
    for _layer, crs in declared:
        if not any((crs is None and d is None) or (crs is not None and d is not None and crs.equals(d))
                   for d in distinct):
            distinct.append(crs)
    if len(distinct) > 1:
        listing = ", ".join(f"{layer.name} ({label(crs) if crs is not None else 'no CRS'})" for layer, crs in declared)
        raise ImportRefused(f"{name}: its layers declare different CRSs: {listing}; import them one at a time "
                            "with --layer NAME (each is then read in its own CRS)")
    return settle_crs(distinct[0] if distinct else None, getattr(options, "crs", None), name)


def _ogr_table(layers: list[_Layer], name: str, options, notes: list[str], *, shapefile: bool,
               kml: bool = False) -> Table:
    from geo.export.shp import SHAPEFILE_FIELDS

    src = _settle_layers_crs(layers, options, name)
    table = Table([], [], None, list(notes))
    located = 0
    for layer in layers:
        frame = layer.frame
        has_geometry = frame.geometry.notna() & ~frame.geometry.is_empty
        xs, ys = _bounds_sample(frame[has_geometry])
        check_units(xs, ys, src, name)
        if src is not None and not src.is_wgs84 and has_geometry.any():
            frame = frame.set_crs(src.crs, allow_override=True).to_crs(4326)
            xs, ys = _bounds_sample(frame[has_geometry])
            check_landed(xs, ys, src, name)
        located += int(has_geometry.sum())
        layer.frame = frame
    if src is not None:
        table.crs, table.datum = src, src.datum_original
        if located and not src.is_wgs84:  # WGS-84 files are what the store holds: the datum line says so
            table.crs_notes.append(src.storage_note(located) + (f" in {len(layers)} layers" if len(layers) > 1 else ""))
    else:
        table.datum = "wgs84"
    short_to_col = {v: k for k, v in SHAPEFILE_FIELDS.items()}
    collections: dict[str, Record] = {}
    for layer in layers:
        for values, geom in _frame_rows(layer.frame):
            if kml:
                values = _kml_values(values)
            if shapefile:
                values = _join_continuations(values)
            values = {short_to_col.get(k, k.replace("quantity_", "quantity.") if k.startswith("quantity_") else k): v
                      for k, v in values.items()}
            gtype = values.pop("geometry_type", None)
            part = values.pop("geometry_part", None)
            if geom and gtype in ("MultiPoint", "MultiLineString", "MultiPolygon") and geom["type"] == gtype[5:]:
                geom = {"type": gtype, "coordinates": [geom["coordinates"]]}
            if kml:
                geom = _shape_as(geom, gtype)
            if shapefile and gtype == "GeometryCollection" and values.get("id"):
                rec = collections.get(values["id"])
                if rec is None:
                    rec = Record(len(table.records) + 1, values, {"type": "GeometryCollection", "geometries": []})
                    rec.parts = []  # type: ignore[attr-defined]
                    collections[values["id"]] = rec
                    table.records.append(rec)
                rec.parts.append((part if part is not None else 0, geom))  # type: ignore[attr-defined]
                continue
            for k in values:
                if k not in table.columns:
                    table.columns.append(k)
            table.records.append(Record(len(table.records) + 1, values, geom))
            _too_many(len(table.records), name, options.limits)
    for rec in collections.values():
        rec.geometry = {"type": "GeometryCollection",
                        "geometries": [g for _, g in sorted(rec.parts, key=lambda p: p[0]) if g]}  # type: ignore[attr-defined]
    return table


def _bounds_sample(frame) -> tuple[list[float], list[float]]:
    """One position per feature (the lower-left corner of its bounds) to judge units and landing."""
    if not len(frame):
        return [], []
    b = frame.geometry.bounds
    return b["minx"].tolist(), b["miny"].tolist()


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


# ---- KML / KMZ ------------------------------------------------------------------

def _kml_values(values: dict) -> dict:
    """A LIBKML row as the fields a Placemark carries: its name, ExtendedData, description as notes."""
    out = {k: v for k, v in values.items() if k not in _KML_STRUCTURE and v not in (None, "")}
    for ours, libkml in (("name", "Name"), ("id", "id2"), ("name", "name2")):
        if libkml in out:
            value = out.pop(libkml)
            out.setdefault(ours, value.strip() if isinstance(value, str) else value)
    desc = out.pop("description", None)
    if desc and "id" not in out and "notes" not in out:
        from bs4 import BeautifulSoup
        out["notes"] = BeautifulSoup(str(desc), "html.parser").get_text(" ", strip=True) or None
    return out


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


_KML_DATUM = re.compile(rb'<Data\s+name="datum"\s*>\s*<value>\s*([A-Za-z0-9_-]{2,12})\s*</value>')


def _kml_utf8(data: bytes, name: str) -> bytes:
    """The KML as UTF-8 XML (GDAL reads UTF-8; 奥维 and some Windows tools save UTF-16)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:2] in (b"<\x00", b"\x00<"):
        text = decode_text(data, name, "KML")
        text = re.sub(r'^(\s*<\?xml[^>]*encoding=")[^"]*(")', r"\1UTF-8\2", text, count=1)
        return text.encode("utf-8")
    return data


def read_kml(data: bytes, name: str, options) -> Table:
    limits = options.limits
    if len(data) > limits.max_xml_bytes:
        raise ImportRefused(f"{name}: KML over {limits.max_xml_bytes // 2**20} MB; split it")
    data = _kml_utf8(data, name)
    if b"<!doctype" in data[:65536].lower() or b"<!entity" in data.lower():
        raise ImportRefused(f"{name}: KML with a DOCTYPE/ENTITY declaration is refused (entity expansion attacks); "
                            "KML never needs one, remove it")
    import xml.etree.ElementTree as ET

    try:
        ET.fromstring(data)  # a well-formedness check with a message people can act on, before GDAL
    except ET.ParseError as exc:
        raise ImportRefused(f"{name}: not well-formed XML ({exc}); export the KML again") from None
    head = data.split(b"<Placemark", 1)[0]
    m = _KML_DATUM.search(head)  # the datum our KML export states for the document
    with tempfile.TemporaryDirectory(prefix="geo-import-") as tmp:
        path = Path(tmp) / "upload.kml"
        path.write_bytes(data)
        layers, notes = _read_layers(path, name, options)
        layers = [layer for layer in layers if len(layer.frame)]
        if not layers:
            raise ImportRefused(f"{name}: no Placemark found; is this a KML of places?")
        table = _ogr_table(layers, name, options, notes, shapefile=False, kml=True)
    if m:
        table.datum = m.group(1).decode("ascii")
    return table


def read_kmz(data: bytes, name: str, options) -> Table:
    zf = open_zip(data, name, options.limits)
    kmls = [n for n in zf.namelist() if n.lower().endswith(".kml")]
    main = "doc.kml" if "doc.kml" in kmls else (kmls[0] if kmls else None)
    if main is None:
        raise ImportRefused(f"{name}: a KMZ without a .kml inside; export it again")
    return read_kml(read_member(zf, main, name), f"{name}:{main}", options)


# ---- GeoPackage / Shapefile -----------------------------------------------------

def read_gpkg(data: bytes, name: str, options) -> Table:
    with tempfile.TemporaryDirectory(prefix="geo-import-") as tmp:
        path = Path(tmp) / "upload.gpkg"
        if data[:4] == b"PK\x03\x04":
            zf = open_zip(data, name, options.limits)
            member = next(n for n in zf.namelist() if n.lower().endswith(".gpkg"))
            data = read_member(zf, member, name)
        path.write_bytes(data)
        layers, notes = _read_layers(path, name, options)
        return _ogr_table(layers, name, options, notes, shapefile=False)


def read_shp(data: bytes, name: str, options) -> Table:
    if data[:4] != b"PK\x03\x04":
        raise ImportRefused(f"{name}: a Shapefile is several files (.shp .shx .dbf .prj .cpg); "
                            "zip them together and import the .zip")
    zf = open_zip(data, name, options.limits)
    with tempfile.TemporaryDirectory(prefix="geo-import-") as tmp:
        folder = Path(tmp)
        stems: dict[str, set[str]] = {}
        for member in zf.namelist():
            base = re.split(r"[\\/]", member)[-1]
            if not base or base.startswith(".") or not re.fullmatch(r"[^\x00-\x1f]+\.(shp|shx|dbf|prj|cpg)", base, re.I):
                continue  # only the parts of shapefiles, flattened: no path from the zip reaches the disk
            stem, suffix = base.rsplit(".", 1)
            (folder / f"{stem}.{suffix.lower()}").write_bytes(read_member(zf, member, name))
            stems.setdefault(stem, set()).add(suffix.lower())
        if not any("shp" in parts for parts in stems.values()):
            raise ImportRefused(f"{name}: no .shp inside the zip")
        prj = {stem: (folder / f"{stem}.prj").read_text(encoding="utf-8", errors="replace")
               for stem, parts in stems.items() if "prj" in parts}
        for stem, text in prj.items():  # GDAL stops at an unreadable .prj with a bare "missing ["
            try:
                prj_crs(text, f"{name}: {stem}.prj")
            except CrsError as exc:
                raise ImportRefused(str(exc)) from None
        # Without a .cpg GDAL would guess Latin-1; Chinese shapefiles are UTF-8 (ours) or GBK (older ArcGIS).
        encoding = None if all("cpg" in parts for parts in stems.values() if "shp" in parts) else "UTF-8"
        try:
            layers, notes = _read_layers(folder, name, options, encoding=encoding, prj=prj)
        except ImportRefused:
            if encoding is None:
                raise
            layers, notes = _read_layers(folder, name, options, encoding="GB18030", prj=prj)
            notes.append("no .cpg beside the .shp and the text is not UTF-8: read as GBK (GB18030)")
        return _ogr_table(layers, name, options, notes, shapefile=True)


READERS = {"geojson": read_geojson, "csv": read_csv, "xlsx": read_xlsx, "kml": read_kml, "kmz": read_kmz,
           "gpkg": read_gpkg, "shp": read_shp}
