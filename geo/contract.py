"""The data contract for plan items, read from ``item.schema.json``.

The schema file is the single written definition; the code lists below are read
from it so that the labels cannot drift from what validation accepts.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jsonschema

from geo.validate_numbers import feature_number_problems

SCHEMA_PATH = Path(__file__).with_name("item.schema.json")

CATEGORY_LABELS = {
    "road": "道路", "rail": "铁路", "bridge": "桥梁", "water_supply": "供水",
    "sewage": "污水管网", "reservoir": "水库", "river": "河道", "farmland": "农田",
    "forest": "林业", "industrial_park": "园区", "enterprise": "企业", "telecom": "通信/5G",
    "school": "教育", "health": "卫生", "culture": "文化", "tourism": "文旅",
    "village_renewal": "村庄建设", "demolition": "拆迁/拆违", "land": "土地",
    "housing": "住房", "other": "其他",
}
CATEGORY_LABELS_EN = {
    "road": "Road", "rail": "Rail", "bridge": "Bridge", "water_supply": "Water supply",
    "sewage": "Sewerage", "reservoir": "Reservoir", "river": "River", "farmland": "Farmland",
    "forest": "Forestry", "industrial_park": "Industrial park", "enterprise": "Enterprise",
    "telecom": "Telecom/5G", "school": "Education", "health": "Health", "culture": "Culture",
    "tourism": "Tourism", "village_renewal": "Village works", "demolition": "Demolition",
    "land": "Land", "housing": "Housing", "other": "Other",
}
STATUS_LABELS = {
    "proposed": "谋划/争取", "planned": "计划", "in_progress": "推进中",
    "completed": "已完成", "suspended": "暂缓",
}
STATUS_LABELS_EN = {
    "proposed": "Proposed", "planned": "Planned", "in_progress": "In progress",
    "completed": "Completed", "suspended": "Suspended",
}
PRECISION_LABELS = {
    "exact": "精确", "site": "场地", "segment": "路段/河段", "village": "村级",
    "town": "镇级", "none": "未定位",
}
PRECISION_LABELS_EN = {
    "exact": "Exact", "site": "Site", "segment": "Segment", "village": "Village level",
    "town": "Town level", "none": "Not located",
}
# Geometry sources that a person set; a rebuild must never replace them.
HUMAN_GEOMETRY_SOURCES = frozenset({"manual", "gps", "draw", "import"})
# Fields a rebuild never overwrites, whoever last touched them.
HUMAN_OWNED_FIELDS = frozenset({
    "status", "notes", "progress", "photos", "progress_notes", "dropped",
})
# Area values that are not village names.
AREA_TOWN_SEAT = "镇区"
AREA_WHOLE_TOWN = "全镇"

CONTRACT_FIELDS = (
    "id", "plan", "town", "county", "year", "section", "name", "category", "status",
    "plan_verb", "places", "area", "quantity", "budget_wan", "text", "span",
    "precision", "geometry_source", "version", "updated_at", "updated_by", "notes",
)

# Chinese column headers for tables and exports (CSV, XLSX, reports); codes stay the keys.
FIELD_LABELS = {
    "id": "编号", "plan": "规划", "town": "镇(街道)", "county": "县(市、区)", "year": "年度",
    "section": "章节", "name": "名称", "category": "类别", "status": "状态", "plan_verb": "动词",
    "places": "地名", "area": "所属区域", "quantity": "数量", "budget_wan": "投资(万元)",
    "text": "原文", "span": "原文位置", "precision": "定位精度", "geometry_source": "位置来源",
    "version": "版本", "updated_at": "更新时间", "updated_by": "更新人", "notes": "备注",
    "origin": "来源", "dropped": "已标记错误", "flags": "标记", "edited_fields": "人工修改字段",
    "place_refs": "地名库编号", "progress": "进度", "geometry_meta": "位置信息",
    "photos": "照片", "progress_notes": "进展记录",
}


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _enum(defn: dict) -> tuple:
    return tuple(v for v in defn["enum"] if v is not None)


@lru_cache(maxsize=1)
def code_lists() -> dict[str, tuple]:
    props = schema()["$defs"]["item_properties"]["properties"]
    return {
        "category": _enum(props["category"]),
        "status": _enum(props["status"]),
        "precision": _enum(props["precision"]),
    }


CATEGORIES = tuple(CATEGORY_LABELS)
STATUSES = tuple(STATUS_LABELS)
PRECISIONS = tuple(PRECISION_LABELS)  # best first: exact > site > segment > village > town > none

# How well an item's location is known, as a number: higher is better, "none" (and anything unknown) 0.
PRECISION_RANK = {p: len(PRECISIONS) - 1 - n for n, p in enumerate(PRECISIONS)}


def precision_rank(precision: str | None) -> int:
    return PRECISION_RANK.get(precision, 0)


def coarsest(precisions) -> str:
    """The least precise of ``precisions``: what several places together say about one item."""
    return min(precisions, key=precision_rank)


# Precisions whose geometry is the works themselves: drawn on the map as the item, navigable
# in the field. Every other precision is only a name of a village or the town (counted, listed).
DRAWN_PRECISIONS = ("exact", "site", "segment")
# Precisions at which a geometry may be stored as an item's geometry: a village's point or
# outline stands for a village-level item. A town seat never stands for a project.
ITEM_GEOMETRY_PRECISIONS = DRAWN_PRECISIONS + ("village",)

# Gazetteer kinds that are administrative units rather than things (a name like 岭根村 is an area).
ADMIN_KINDS = ("village", "town_seat_area", "town", "county", "province")

# File suffixes of plan documents (what build reads from a folder, what an upload is taken as).
PLAN_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one feature, phrased for a person."""

    feature: str  # feature id, or "#N" (1-based position) when it has no usable id
    field: str
    message: str
    severity: str = "error"  # or "warning"

    def line(self) -> str:
        tag = "" if self.severity == "error" else "warning: "
        if self.field == "(file)":
            return f"{tag}{self.feature}: {self.message}"
        return f"{tag}feature {self.feature}: {self.field}: {self.message}"


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema())
    cls.check_schema(schema())
    return cls(schema(), format_checker=cls.FORMAT_CHECKER)


def _field_of(error: jsonschema.ValidationError) -> str:
    path = [str(p) for p in error.absolute_path]
    if path and path[0] == "properties":
        path = path[1:]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    if error.validator == "additionalProperties":
        extra = error.message.split("'")[1] if "'" in error.message else ""
        path.append(extra)
    return ".".join(path) or "(feature)"


def _message_of(error: jsonschema.ValidationError) -> str:
    v = error.validator
    if v == "required":
        return "is missing; every item must have it (use null where the contract allows)"
    if v == "enum":
        allowed = ", ".join(str(x) for x in error.validator_value if x is not None)
        return f"{error.instance!r} is not a known code; use one of: {allowed}"
    if v == "additionalProperties":
        return "is not a field of the contract; rename it to x_<name> to keep it as an extra"
    if v == "not" and "crs" in json.dumps(error.validator_value):
        return "has a 'crs' member; RFC 7946 GeoJSON is always WGS-84 lon/lat, remove crs and convert the coordinates"
    if v == "oneOf" and error.absolute_path and list(error.absolute_path)[-1] == "geometry":
        return "is not a valid GeoJSON geometry (type and coordinates [lon, lat] expected)"
    if v == "type":
        return f"{error.instance!r} has the wrong type; expected {error.validator_value}"
    return error.message


def validate_feature(feature, position: int | None = None) -> list[Problem]:
    """Schema problems of one feature; never raises for bad input."""
    fid = _display_id(feature, position)
    if not isinstance(feature, dict):
        return [Problem(fid, "(feature)", f"is a {type(feature).__name__}, expected a GeoJSON Feature object")]
    problems = []
    for error in sorted(_validator().iter_errors(feature), key=lambda e: list(e.absolute_path)):
        # oneOf over geometry types yields one error per branch: report once.
        if error.validator == "oneOf" and list(error.absolute_path)[:1] == ["geometry"]:
            problems.append(Problem(fid, "geometry", _geometry_message(feature.get("geometry"))))
            continue
        problems.append(Problem(fid, _field_of(error), _message_of(error)))
    problems.extend(Problem(fid, name, reason) for name, reason in feature_number_problems(feature))
    props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    if "id" in props and "id" in feature and props["id"] != feature["id"]:
        problems.append(Problem(fid, "properties.id", f"{props['id']!r} differs from the feature id {feature['id']!r}; they must be equal"))
    return problems


def _geometry_message(geom) -> str:
    if not isinstance(geom, dict):
        return f"{type(geom).__name__} is not a geometry object"
    gtype = geom.get("type")
    known = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection")
    if gtype not in known:
        return f"type {gtype!r} is not a GeoJSON geometry type; use one of {', '.join(known)}"
    return (f"{gtype} coordinates are malformed or out of range; expected [lon, lat] in degrees "
            "(lon -180..180, lat -90..90), rings closed with at least 4 positions")


def _display_id(feature, position: int | None) -> str:
    if isinstance(feature, dict):
        fid = feature.get("id")
        if fid is None and isinstance(feature.get("properties"), dict):
            fid = feature["properties"].get("id")
        if isinstance(fid, (str, int)) and str(fid):
            return str(fid)[:80]
    return f"#{position}" if position is not None else "#?"


def is_town_seat(area: str | None) -> bool:
    return area == AREA_TOWN_SEAT


def is_whole_town(area: str | None) -> bool:
    return area == AREA_WHOLE_TOWN
