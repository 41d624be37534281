"""Column mapping: which source column is which item field, and turning a mapped record into an item.

Headers are recognised from our own exports (Chinese labels and codes) and common
names (经度/lon/lng/X …); ``--map 列名=field`` overrides. Unrecognised columns are
listed in the preview, never silently guessed.
"""
from __future__ import annotations

import copy
import datetime as _dt
import json
import re
import unicodedata

from geo.coords import DatumError, convert_geometry, normalise_datum
from geo.contract import FIELD_LABELS, validate_feature
from geo.export.fields import (
    COLUMN_LABELS, QUANTITY_COLUMNS, TABLE_FIELDS, CellError, decode_quantity, decode_value, from_wkt,
    restore_formula,
)
from geo.ids import item_id

# Targets a column can be mapped to, beyond the table fields.
SPECIAL_TARGETS = ("lon", "lat", "wkt", "datum", "extra", "address", "geometry_type")
EXTRA_PROPERTIES = ("origin", "dropped", "flags", "edited_fields", "place_refs", "progress",
                    "geometry_meta", "photos", "progress_notes")
TARGETS = (tuple(c for c in TABLE_FIELDS if c != "quantity") + QUANTITY_COLUMNS + SPECIAL_TARGETS
           + EXTRA_PROPERTIES + ("quantity",))  # quantity: the whole object, as GeoJSON carries it

ALIASES = {
    "lon": ("经度", "lon", "lng", "long", "longitude", "x", "东经", "经度坐标"),
    "lat": ("纬度", "lat", "latitude", "y", "北纬", "纬度坐标"),
    "name": ("名称", "项目名称", "项目", "name", "title", "标题"),
    "address": ("地址", "位置", "地点", "详细地址", "address", "location"),
    "category": ("类别", "类型", "分类", "项目类别", "category"),
    "status": ("状态", "项目状态", "status"),
    "notes": ("备注", "说明", "notes", "note"),
    "area": ("所属区域", "区域", "所属村", "村", "area"),
    "budget_wan": ("投资(万元)", "投资", "总投资", "投资额", "budget", "budget_wan"),
    "wkt": ("几何(WKT)", "wkt", "geometry", "几何"),
    "datum": ("坐标系", "datum", "crs"),
    "extra": ("其他属性(JSON)", "extra"),
    "text": ("原文", "内容", "text", "描述"),
}
PRECISION_BY_TYPE = {"Point": "site", "MultiPoint": "site", "LineString": "segment",
                     "MultiLineString": "segment", "Polygon": "site", "MultiPolygon": "site",
                     "GeometryCollection": "site"}


def _key(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    return re.sub(r"\s+", "", t)


def _recognised() -> dict[str, str]:
    table: dict[str, str] = {}
    for target in TARGETS:
        table[_key(target)] = target
        if target in COLUMN_LABELS:
            table[_key(COLUMN_LABELS[target])] = target
        if target in FIELD_LABELS:
            table.setdefault(_key(FIELD_LABELS[target]), target)
    for target, names in ALIASES.items():
        for n in names:
            table.setdefault(_key(n), target)
    return table


def auto_mapping(columns: list[str], overrides: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """({source column: target}, [ignored columns]). Overrides win; x_… columns pass through."""
    overrides = overrides or {}
    known = _recognised()
    mapping, ignored = {}, []
    for col in columns:
        if col in overrides:
            mapping[col] = overrides[col]
        elif re.fullmatch(r"x_[a-z0-9_]+", str(col)):
            mapping[col] = col
        elif _key(col) in known and known[_key(col)] not in mapping.values():
            mapping[col] = known[_key(col)]
        else:
            ignored.append(col)
    return mapping, ignored


def check_overrides(overrides: dict[str, str]) -> list[str]:
    """Messages for ``--map`` targets that are not fields."""
    bad = []
    for col, target in overrides.items():
        if target not in TARGETS and not re.fullmatch(r"x_[a-z0-9_]+", target):
            bad.append(f"--map {col}={target}: {target!r} is not a field; use one of {', '.join(TARGETS)} or x_<name>")
    return bad


def _cell(value):
    if isinstance(value, str):
        return restore_formula(value)
    return value


def _number(value, what: str) -> float:
    try:
        v = float(str(value).strip()) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        raise CellError(f"{what} {value!r} is not a number in degrees") from None
    if v != v or v in (float("inf"), float("-inf")):
        raise CellError(f"{what} {value!r} is not a finite number")
    return v


class RowError(ValueError):
    pass


def _decode(target: str, value):
    """A field value from a cell, a KML string or an already typed GeoJSON value."""
    if target == "places" and isinstance(value, list):
        return [str(v) for v in value]
    if target == "span" and isinstance(value, list):
        return value
    if target == "quantity" and (value is None or isinstance(value, dict)):
        return value
    if target in EXTRA_PROPERTIES:
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise CellError(f"is not JSON ({value[:40]!r})") from None
        return value
    if isinstance(value, (dict, list)):
        raise CellError(f"has a {type(value).__name__}, expected text or a number")
    return decode_value(target, _cell(value))


def build_feature(rec, mapping: dict[str, str], *, datum: str | None, doc_datum: str | None, defaults: dict,
                  provider: str, user: str) -> tuple[dict, int | None, str, set]:
    """(feature ready to validate, version stated in the file or None, datum of its coordinates,
    the fields the file actually provided — an update changes only those)."""
    fields: dict = {}
    extras: dict = {}
    special: dict = {}
    for col, raw in rec.values.items():
        target = mapping.get(col)
        if target is None:
            continue
        try:
            if target in SPECIAL_TARGETS:
                special[target] = _cell(raw)
            elif target.startswith("x_"):
                extras[target] = raw
            elif target == "extra":
                pass
            else:
                value = _decode(target, raw)
                if target in EXTRA_PROPERTIES:
                    if value is not None:
                        extras[target] = value
                else:
                    fields[target] = value
        except CellError as exc:
            label = COLUMN_LABELS.get(target, FIELD_LABELS.get(target, target))
            raise RowError(f"column {col!r} ({label}): {exc}") from None
    extra_text = special.get("extra")
    if extra_text not in (None, ""):
        if isinstance(extra_text, dict):
            extras.update(extra_text)
        else:
            try:
                parsed = json.loads(str(extra_text))
            except json.JSONDecodeError:
                raise RowError("column 其他属性(JSON) is not valid JSON; leave it empty or fix it") from None
            if not isinstance(parsed, dict):
                raise RowError("column 其他属性(JSON) must hold a JSON object")
            extras.update(parsed)
    quantity = fields.pop("quantity", None)
    if quantity is not None and not isinstance(quantity, dict):
        raise RowError("quantity must be an object {value, unit, qualifier}")
    if any(c in fields for c in QUANTITY_COLUMNS):
        quantity = decode_quantity({c: fields.pop(c, None) for c in QUANTITY_COLUMNS})

    # ---- geometry and its datum
    row_datum = datum
    if row_datum is None and special.get("datum"):
        try:
            row_datum = normalise_datum(str(special["datum"]))
        except DatumError as exc:
            raise RowError(f"column 坐标系: {exc}") from None
    row_datum = row_datum or doc_datum or "wgs84"
    geometry = rec.geometry
    if rec.geometry_error:
        raise RowError(rec.geometry_error)
    lon, lat = special.get("lon"), special.get("lat")
    if geometry is None and (lon not in (None, "") or lat not in (None, "")):
        if lon in (None, "") or lat in (None, ""):
            raise RowError("has only one of 经度/纬度; give both or neither")
        try:
            geometry = {"type": "Point", "coordinates": [_number(lon, "经度"), _number(lat, "纬度")]}
        except CellError as exc:
            raise RowError(str(exc)) from None
    if geometry is None and special.get("wkt") not in (None, ""):
        try:
            geometry = from_wkt(str(special["wkt"]))
        except CellError as exc:
            raise RowError(f"column 几何(WKT) {exc}") from None
        if geometry.get("type") == "GeometryCollection" and not geometry["geometries"]:
            geometry = None
    if geometry is not None and row_datum != "wgs84":
        try:
            geometry = convert_geometry(geometry, row_datum, "wgs84")
        except DatumError as exc:
            raise RowError(f"geometry: {exc}") from None

    # ---- properties, with defaults for what the file does not say
    props = dict(defaults)
    for k, v in fields.items():
        if v is not None or defaults.get(k) is None:  # an empty cell falls back to the default
            props[k] = v
    if not props.get("name"):
        raise RowError("has no 名称 (name); every item needs one — map the name column with --map 列名=name")
    address = special.get("address")
    if address and not props.get("places"):
        props["places"] = [str(address).strip()]
    props["quantity"] = quantity
    props.setdefault("text", "")
    props["text"] = props.get("text") or ""
    if not props.get("id"):
        props["id"] = item_id(props["plan"], props["name"], props["text"] or props["name"])
    else:
        props["id"] = str(props["id"])
    if geometry is None:
        props["precision"] = "none" if props.get("precision") in (None, "exact", "site", "segment") else props["precision"]
        props["geometry_source"] = None
    else:
        props["precision"] = props.get("precision") or PRECISION_BY_TYPE.get(geometry.get("type"), "site")
        if props["precision"] == "none":
            props["precision"] = PRECISION_BY_TYPE.get(geometry.get("type"), "site")
        props["geometry_source"] = "import"
        meta = dict(extras.get("geometry_meta") or {})
        meta.update({"datum_original": row_datum, "provider": provider[:200], "placed_by": user,
                     "placed_at": _now()})
        extras["geometry_meta"] = meta
    stated_version = fields.get("version")
    props.update(extras)
    props["version"] = stated_version or 1
    props["updated_at"] = props.get("updated_at") or _now()
    props["updated_by"] = props.get("updated_by") or user
    feature = {"type": "Feature", "id": props["id"], "geometry": geometry, "properties": props}
    provided = set(fields) | set(extras) | ({"quantity"} if quantity is not None or any(
        mapping.get(c) in QUANTITY_COLUMNS + ("quantity",) for c in rec.values) else set())
    if address and "places" not in fields:
        provided.add("places")
    return feature, stated_version, row_datum, provided


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def validate_built(feature: dict, row: int) -> tuple[list[str], list[str]]:
    """(errors, warnings) of a built feature, phrased without the feature id (the row says which)."""
    from geo.validate import geometry_problems

    problems = validate_feature(copy.deepcopy(feature), row)
    problems += geometry_problems(feature["id"], feature.get("geometry"), feature["properties"])
    errors = [f"{p.field}: {p.message}" for p in problems if p.severity == "error"]
    warnings = [f"{p.field}: {p.message}" for p in problems if p.severity != "error"]
    return errors, warnings
