"""KML export for 奥维互动地图 and Google Earth: a folder per status, styled by status colour.

KML is WGS-84 by its standard. Many 奥维 users work in GCJ-02, so another datum
may be chosen; the document's description and its ExtendedData ``datum`` then say
so, and our importer reads it back. All text from data is XML-escaped by
ElementTree, and the HTML balloon escapes it once more, so names like
``<script>`` show as text in every viewer.
"""
from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from geo.contract import STATUS_LABELS
from geo.export import in_datum
from geo.export.fields import (
    COLUMN_LABELS, DATUM_NOTES, _number_text, encode_value, extra_properties, table_columns,
)
from geo.report.style import kml_colour, status_colour
from geo.store.atomic import atomic_write_bytes

KML_NS = "http://www.opengis.net/kml/2.2"
# Shown in the balloon, in this order; the ExtendedData carries every field for re-import.
BALLOON_FIELDS = ("category", "status", "area", "places", "quantity.value", "quantity.unit",
                  "budget_wan", "precision", "text", "notes", "id")
DATA_COLUMNS = tuple(c for c in table_columns() if c not in ("lon", "lat", "wkt", "datum"))


def _sub(parent, tag, text=None, **attrs):
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _coords(positions) -> str:
    return " ".join(",".join(_number_text(float(v)) for v in p) for p in positions)


def _geometry(parent, geom: dict) -> None:
    t = geom["type"]
    c = geom.get("coordinates")
    if t == "Point":
        _sub(_sub(parent, "Point"), "coordinates", _coords([c]))
    elif t == "LineString":
        ls = _sub(parent, "LineString")
        _sub(ls, "tessellate", "1")
        _sub(ls, "coordinates", _coords(c))
    elif t == "Polygon":
        poly = _sub(parent, "Polygon")
        for i, ring in enumerate(c):
            boundary = _sub(poly, "outerBoundaryIs" if i == 0 else "innerBoundaryIs")
            _sub(_sub(boundary, "LinearRing"), "coordinates", _coords(ring))
    elif t in ("MultiPoint", "MultiLineString", "MultiPolygon"):
        multi = _sub(parent, "MultiGeometry")
        for part in c:
            _geometry(multi, {"type": t[5:], "coordinates": part})
    elif t == "GeometryCollection":
        multi = _sub(parent, "MultiGeometry")
        for g in geom["geometries"]:
            _geometry(multi, g)


def _balloon(props: dict) -> str:
    rows = []
    for col in BALLOON_FIELDS:
        v = encode_value(col, props)
        if v is None or v == "":
            continue
        text = _number_text(v) if isinstance(v, (int, float)) else str(v)
        rows.append(f"<tr><th>{html.escape(COLUMN_LABELS[col])}</th><td>{html.escape(text)}</td></tr>")
    return f"<h3>{html.escape(str(props.get('name') or ''))}</h3><table>" + "".join(rows) + "</table>"


def document(features: list[dict], datum: str = "wgs84", source: str | None = None,
             title: str = "规划项目") -> bytes:
    features = in_datum(features, datum)
    kml = ET.Element("kml", {"xmlns": KML_NS})
    doc = _sub(kml, "Document")
    _sub(doc, "name", title)
    about = f"坐标系: {DATUM_NOTES[datum]}。"
    if datum != "wgs84":
        about += " 注意: KML 标准为 WGS-84, 本文件按用户选择输出为上述坐标系 (供奥维互动地图等使用)。"
    if source:
        about += f" 数据来源: {source}。"
    _sub(doc, "description", about)
    ext = _sub(doc, "ExtendedData")
    _sub(_sub(ext, "Data", name="datum"), "value", datum)
    for status, label in STATUS_LABELS.items():
        style = _sub(doc, "Style", id=f"status-{status}")
        colour = status_colour(status)
        icon = _sub(style, "IconStyle")
        _sub(icon, "color", kml_colour(colour))
        _sub(icon, "scale", "1.1")
        line = _sub(style, "LineStyle")
        _sub(line, "color", kml_colour(colour))
        _sub(line, "width", "3")
        poly = _sub(style, "PolyStyle")
        _sub(poly, "color", kml_colour(colour, 0x66))
    folders: dict[str, ET.Element] = {}
    for f in features:
        props = f.get("properties") or {}
        status = props.get("status") or "planned"
        if status not in folders:
            folders[status] = _sub(doc, "Folder")
            _sub(folders[status], "name", STATUS_LABELS.get(status, status))
        pm = _sub(folders[status], "Placemark", id=str(f.get("id") or props.get("id") or ""))
        _sub(pm, "name", props.get("name") or "")
        _sub(pm, "description", _balloon(props))
        _sub(pm, "styleUrl", f"#status-{status}")
        data = _sub(pm, "ExtendedData")
        for col in DATA_COLUMNS:
            if col == "extra":
                extra = extra_properties(props)
                value = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None
            else:
                value = encode_value(col, props)
            if value is None:
                continue
            d = _sub(data, "Data", name=col)
            _sub(d, "displayName", COLUMN_LABELS[col])
            _sub(d, "value", _number_text(value) if isinstance(value, (int, float)) else str(value))
        geom = f.get("geometry")
        if geom:
            _sub(_sub(data, "Data", name="geometry_type"), "value", geom["type"])
            _geometry(pm, geom)
    ET.indent(kml, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="utf-8")


def write(features: list[dict], path: Path, *, datum: str = "wgs84", source: str | None = None) -> list[Path]:
    atomic_write_bytes(path, document(features, datum, source))
    return [path]
