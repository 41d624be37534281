"""How item properties become table cells and back: one codec for CSV, XLSX, KML data and Shapefile.

Exports and imports both use this module, so whatever one writes the other reads.
Code lists (category, status, precision) are written as their Chinese labels and
read back from a label, the English label or the code.
"""
from __future__ import annotations

import json
import math

from geo.contract import (
    CATEGORY_LABELS, CATEGORY_LABELS_EN, FIELD_LABELS, PRECISION_LABELS, PRECISION_LABELS_EN,
    STATUS_LABELS, STATUS_LABELS_EN,
)

DATUM_LABELS = {"wgs84": "WGS-84", "gcj02": "GCJ-02", "bd09": "BD-09"}
DATUM_NOTES = {
    "wgs84": "WGS-84 经纬度 (GPS、KML/GeoJSON 标准坐标)",
    "gcj02": "GCJ-02 经纬度 (国测局火星坐标, 高德/腾讯/奥维互动地图使用)",
    "bd09": "BD-09 经纬度 (百度地图坐标)",
}
QUALIFIER_LABELS = {"at_least": "不少于", "about": "约", "more_than": "以上"}

# Fields written as columns of their own, in this order; quantity is split into three.
TABLE_FIELDS = (
    "id", "name", "category", "status", "area", "places", "town", "county", "year", "plan",
    "section", "plan_verb", "quantity", "budget_wan", "text", "span", "precision",
    "geometry_source", "notes", "version", "updated_at", "updated_by",
)
QUANTITY_COLUMNS = ("quantity.value", "quantity.unit", "quantity.qualifier")
COLUMN_LABELS = {
    **{f: FIELD_LABELS[f] for f in TABLE_FIELDS if f != "quantity"},
    "quantity.value": "数量", "quantity.unit": "单位", "quantity.qualifier": "数量限定",
    "lon": "经度", "lat": "纬度", "wkt": "几何(WKT)", "datum": "坐标系",
    "extra": "其他属性(JSON)",
}
CODE_LISTS = {
    "category": (CATEGORY_LABELS, CATEGORY_LABELS_EN),
    "status": (STATUS_LABELS, STATUS_LABELS_EN),
    "precision": (PRECISION_LABELS, PRECISION_LABELS_EN),
    "quantity.qualifier": (QUALIFIER_LABELS, {}),
}
INT_FIELDS = frozenset({"year", "version"})
FLOAT_FIELDS = frozenset({"budget_wan", "quantity.value"})
# Nullable strings: an empty cell means null. text is the one string that is never null.
NULLABLE_TEXT = frozenset({"area", "town", "county", "section", "plan_verb", "geometry_source",
                           "notes", "quantity.unit"})
PLACES_SEPARATOR = "、"
# A spreadsheet treats a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def table_columns() -> list[str]:
    """Column codes of a CSV/XLSX export, in order (geometry and extras last)."""
    cols: list[str] = []
    for f in TABLE_FIELDS:
        cols.extend(QUANTITY_COLUMNS if f == "quantity" else [f])
    return cols + ["lon", "lat", "wkt", "datum", "extra"]


def neutralise_formula(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (and to one already starting with ``'``)."""
    if text and (text.startswith(FORMULA_TRIGGERS) or text.startswith("'")):
        return "'" + text
    return text


def restore_formula(text: str) -> str:
    """Undo :func:`neutralise_formula` when reading our own export back."""
    if len(text) >= 2 and text[0] == "'" and (text[1] in "'" or text[1:].startswith(FORMULA_TRIGGERS)):
        return text[1:]
    return text


def _number_text(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def encode_value(column: str, props: dict):
    """The cell for ``column`` of an item: str, int, float or None (empty)."""
    if column.startswith("quantity."):
        q = props.get("quantity") or {}
        value = q.get(column.split(".", 1)[1])
    else:
        value = props.get(column)
    if value is None:
        return None
    if column in CODE_LISTS:
        return CODE_LISTS[column][0].get(value, value)
    if column == "places":
        return PLACES_SEPARATOR.join(value)
    if column == "span":
        return f"{value[0]}-{value[1]}"
    if column in INT_FIELDS or column in FLOAT_FIELDS:
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def extra_properties(props: dict) -> dict:
    """Properties outside the table columns (origin, flags, progress, x_… extras)."""
    return {k: v for k, v in props.items() if k not in TABLE_FIELDS}


class CellError(ValueError):
    """A cell that cannot be read; the message names the column and what is expected."""


def code_from_text(column: str, text: str) -> str:
    labels, labels_en = CODE_LISTS[column]
    t = text.strip()
    if t in labels:
        return t
    for table in (labels, labels_en):
        for code, label in table.items():
            if t == label or t.casefold() == label.casefold():
                return code
    allowed = "、".join(labels.values())
    raise CellError(f"{t!r} is not a known {FIELD_LABELS.get(column, column)}; use one of: {allowed}")


def decode_value(column: str, cell):
    """Inverse of :func:`encode_value` for one cell (str from CSV/KML, typed from XLSX)."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        text = ""
    elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if column in INT_FIELDS:
            if float(cell) != int(cell):
                raise CellError(f"{cell!r} is not a whole number")
            return int(cell)
        if column in FLOAT_FIELDS:
            return float(cell)
        text = _number_text(cell)
    else:
        text = str(cell).strip() if column != "text" else str(cell)
    if column == "text":
        return text
    if text == "":
        if column == "places":
            return []
        return None
    if column in CODE_LISTS:
        return code_from_text(column, text)
    if column in INT_FIELDS:
        try:
            return int(float(text)) if float(text).is_integer() else _bad_number(text, whole=True)
        except ValueError:
            return _bad_number(text, whole=True)
    if column in FLOAT_FIELDS:
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            return _bad_number(text)
        if not math.isfinite(value):
            return _bad_number(text)
        return value
    if column == "places":
        return [p.strip() for p in text.split(PLACES_SEPARATOR) if p.strip()]
    if column == "span":
        parts = text.split("-")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            raise CellError(f"{text!r} is not a span; expected START-END, e.g. 120-158")
        return [int(parts[0]), int(parts[1])]
    return text


def _bad_number(text: str, whole: bool = False):
    raise CellError(f"{text!r} is not a {'whole ' if whole else ''}number")


def decode_quantity(values: dict) -> dict | None:
    """{value, unit, qualifier} from the three quantity cells (already decoded), or None if all empty."""
    if all(values.get(c) is None for c in QUANTITY_COLUMNS):
        return None
    return {"value": values.get("quantity.value"), "unit": values.get("quantity.unit"),
            "qualifier": values.get("quantity.qualifier")}


# ---- geometry as text ----------------------------------------------------------

def _pos(p) -> str:
    return " ".join(_number_text(float(v)) for v in p)


def _ring_list(rings) -> str:
    return ", ".join("(" + ", ".join(_pos(p) for p in ring) + ")" for ring in rings)


def to_wkt(geometry: dict | None) -> str:
    """WKT of a GeoJSON geometry with every digit kept (shapely would round the last one)."""
    if not geometry:
        return ""
    t = geometry["type"]
    c = geometry.get("coordinates")
    if t == "Point":
        return f"POINT ({_pos(c)})"
    if t == "MultiPoint":
        return "MULTIPOINT (" + ", ".join(f"({_pos(p)})" for p in c) + ")"
    if t == "LineString":
        return "LINESTRING (" + ", ".join(_pos(p) for p in c) + ")"
    if t == "MultiLineString":
        return f"MULTILINESTRING ({_ring_list(c)})"
    if t == "Polygon":
        return f"POLYGON ({_ring_list(c)})"
    if t == "MultiPolygon":
        return "MULTIPOLYGON (" + ", ".join(f"({_ring_list(poly)})" for poly in c) + ")"
    if t == "GeometryCollection":
        return "GEOMETRYCOLLECTION (" + ", ".join(to_wkt(g) for g in geometry["geometries"]) + ")"
    raise ValueError(f"unknown geometry type {t!r}")


def _lists(value):
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return float(value)


def from_wkt(text: str) -> dict:
    """GeoJSON geometry (lists, not tuples) from WKT; ValueError with a readable message."""
    import shapely

    try:
        geom = shapely.from_wkt(text.strip())
    except Exception as exc:  # shapely raises GEOSException with GEOS's own wording
        raise CellError(f"is not valid WKT ({str(exc).splitlines()[0][:120]})") from None
    return geojson_of(geom)


def geojson_of(geom) -> dict:
    """A shapely geometry as a GeoJSON dict with list coordinates."""
    gi = geom.__geo_interface__
    return _listify_geometry(gi)


def _listify_geometry(gi: dict) -> dict:
    if gi["type"] == "GeometryCollection":
        return {"type": "GeometryCollection", "geometries": [_listify_geometry(g) for g in gi["geometries"]]}
    return {"type": gi["type"], "coordinates": _lists(gi["coordinates"])}
