"""Synthetic, schema-valid plan items spread over a county outline, for benchmarks only.

Every item says what it is: plan ``bench-synthetic-…``, ``geometry_source`` ``manual``
with ``notes`` and ``x_benchmark`` marking it as generated. The coordinates are uniform
random points inside the gazetteer's county outline (seeded, reproducible); they are
benchmark load, not locations of anything, and are only ever written to a temporary
directory, never to ``data/``.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from geo.contract import CATEGORIES, STATUSES
from geo.store.atomic import atomic_write_bytes, dumps_feature_collection

PLAN_PREFIX = "bench-synthetic"
NOTE = "基准测试合成数据（非真实项目）"

# What the items look like: category → (object nouns, units). Words, not sentences of any plan.
_OBJECTS = {
    "road": (["道路硬化", "公路提升改造", "乡村公路", "机耕路"], ["公里", "米"]),
    "rail": (["铁路站场配套"], ["公里"]),
    "bridge": (["桥梁加固", "人行桥新建"], ["座"]),
    "water_supply": (["供水管网", "单村水站提标"], ["公里", "处"]),
    "sewage": (["污水管网", "生活污水处理终端"], ["公里", "处"]),
    "reservoir": (["山塘水库除险加固", "水库清淤"], ["座"]),
    "river": (["河道综合整治", "溪流生态修复"], ["公里"]),
    "farmland": (["高标准农田", "垦造水田"], ["亩"]),
    "forest": (["森林抚育", "珍贵彩色树种造林"], ["亩"]),
    "industrial_park": (["小微企业园", "园区基础设施"], ["亩"]),
    "enterprise": (["企业技改项目", "厂房扩建"], ["个"]),
    "telecom": (["5G基站", "通信基站"], ["个"]),
    "school": (["小学扩建", "幼儿园新建"], ["所"]),
    "health": (["卫生院改造", "村卫生室标准化"], ["所"]),
    "culture": (["文化礼堂", "农家书屋提升"], ["个"]),
    "tourism": (["景区游步道", "民宿集聚区"], ["公里", "处"]),
    "village_renewal": (["美丽乡村精品村", "村庄环境整治"], ["个"]),
    "demolition": (["违章建筑拆除", "旧房拆迁"], ["平方米"]),
    "land": (["低效用地再开发", "土地整治"], ["亩"]),
    "housing": (["农房改造", "安置小区"], ["户", "套"]),
    "other": (["公共服务设施"], ["处"]),
}
_VERBS = {"proposed": ["谋划", "争取"], "planned": ["新建", "实施", "完成"], "in_progress": ["推进", "加快"],
          "completed": ["完成", "建成"], "suspended": ["暂缓"]}
_STATUS_WEIGHTS = [15, 40, 30, 10, 5]
_SHAPES = (("point", 70), ("line", 15), ("polygon", 5), ("coarse", 10))


def county_outline(places_path: Path):
    """The first county outline of the gazetteer, as a shapely geometry."""
    doc = json.loads(Path(places_path).read_text(encoding="utf-8-sig"))
    for f in doc.get("features") or []:
        props = f.get("properties") or {}
        if props.get("kind") == "county" and f.get("geometry"):
            return shape(f["geometry"]), props
    raise ValueError(f"{places_path}: no county outline (kind=county with geometry); "
                     "run `python -m geo gazetteer seed` first")


def town_and_village_names(places_path: Path) -> tuple[list[str], list[str]]:
    doc = json.loads(Path(places_path).read_text(encoding="utf-8-sig"))
    towns, villages = [], []
    for f in doc.get("features") or []:
        props = f.get("properties") or {}
        name = props.get("name")
        if not name:
            continue
        if props.get("kind") == "town":
            towns.append(name)
        elif props.get("kind") == "village":
            villages.append(name)
    return sorted(set(towns)) or ["合成镇"], sorted(set(villages)) or ["甲村", "乙村"]


def points_inside(outline, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform random (lon, lat) inside ``outline`` (rejection sampling on its bounds)."""
    w, s, e, nn = outline.bounds
    shapely.prepare(outline)
    out = np.empty((0, 2))
    while len(out) < n:
        batch = max(1024, int((n - len(out)) * 2.5))
        xy = np.column_stack([rng.uniform(w, e, batch), rng.uniform(s, nn, batch)])
        out = np.vstack([out, xy[shapely.contains_xy(outline, xy[:, 0], xy[:, 1])]])
    return out[:n]


def generate(n: int, places_path: Path, *, seed: int = 8) -> list[dict]:
    """``n`` items; the same ``n`` and ``seed`` give the same items."""
    outline, county_props = county_outline(places_path)
    towns, villages = town_and_village_names(places_path)
    rng = np.random.default_rng(seed)
    pick = random.Random(seed)
    xy = points_inside(outline, n, rng)
    county = county_props.get("name")
    shapes = [s for s, _ in _SHAPES]
    shape_w = [w for _, w in _SHAPES]
    out = []
    for i in range(n):
        lon, lat = float(xy[i, 0]), float(xy[i, 1])
        category = pick.choice(CATEGORIES)
        status = pick.choices(STATUSES, _STATUS_WEIGHTS)[0]
        kind = pick.choices(shapes, shape_w)[0]
        if category in ("road", "river", "sewage", "water_supply") and kind == "point":
            kind = "line"
        town = pick.choice(towns)
        year = pick.choice((2019, 2020, 2021, 2022, 2023, 2024))
        area_roll = pick.random()
        area = pick.choice(villages) if area_roll < 0.7 else ("镇区" if area_roll < 0.85 else "全镇")
        nouns, units = _OBJECTS[category]
        noun = pick.choice(nouns)
        verb = pick.choice(_VERBS[status])
        place = area if area not in ("镇区", "全镇") else town
        value = pick.choice((1, 2, 3, 5, 8, 10, 12, 20, 35, 50, 120, 200, 500))
        unit = pick.choice(units)
        name = f"{place}{noun}"
        text = f"{verb}{name}{value}{unit}"
        geometry, precision = _geometry(kind, lon, lat, pick)
        item_id = f"bench-{seed}-{i:06d}"
        props = {
            "id": item_id, "plan": f"{PLAN_PREFIX}-{year}", "town": town, "county": county, "year": year,
            "section": f"{(i // 40) % 9 + 1}、{category}", "name": name, "category": category, "status": status,
            "plan_verb": verb, "places": [place], "area": area,
            "quantity": {"value": value, "unit": unit, "qualifier": None},
            "budget_wan": float(pick.choice((50, 120, 300, 800, 1500))) if pick.random() < 0.3 else None,
            "text": text, "span": [i * 30, i * 30 + len(text)], "precision": precision,
            "geometry_source": "manual" if geometry else None, "version": 1,
            "updated_at": "2026-01-01T00:00:00+00:00", "updated_by": "bench", "notes": NOTE,
            "x_benchmark": True,
        }
        out.append({"type": "Feature", "id": item_id, "geometry": geometry, "properties": props})
    return out


def _geometry(kind: str, lon: float, lat: float, pick: random.Random) -> tuple[dict | None, str]:
    r = lambda span: round(pick.uniform(-span, span), 6)  # noqa: E731
    lon, lat = round(lon, 6), round(lat, 6)
    if kind == "point":
        return {"type": "Point", "coordinates": [lon, lat]}, pick.choice(("site", "exact"))
    if kind == "line":
        coords = [[lon, lat]]
        for _ in range(pick.randint(1, 4)):
            coords.append([round(coords[-1][0] + r(0.01), 6), round(coords[-1][1] + r(0.01), 6)])
        return {"type": "LineString", "coordinates": coords}, "segment"
    if kind == "polygon":
        dx, dy = abs(r(0.004)) + 0.0005, abs(r(0.003)) + 0.0005
        ring = [[lon, lat], [round(lon + dx, 6), lat], [round(lon + dx, 6), round(lat + dy, 6)],
                [lon, round(lat + dy, 6)], [lon, lat]]
        return {"type": "Polygon", "coordinates": [ring]}, "site"
    return None, pick.choice(("village", "town"))


def write_store(directory: Path, features: list[dict], places_path: Path) -> Path:
    """A data directory (projects.geojson + places.geojson) in ``directory``; the store's own file format."""
    directory.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(directory / "projects.geojson", dumps_feature_collection(features))
    (directory / "places.geojson").write_bytes(Path(places_path).read_bytes())
    return directory
