"""Synthetic data for the app and map tests, written through the store API.

The coordinates are test data around an arbitrary spot (not a real place of the plan);
they never go into data/.
"""
from __future__ import annotations

import json
from pathlib import Path

from geo.store import open_store
from tests.conftest import make_item

PLAN_ID = "test-plan"
XSS_NAME = "<img src=x onerror=alert(1)>"
X0, Y0 = 100.0, 30.0  # synthetic origin of the test geometry

SENTENCES = [
    ("一、交通建设", None),
    ("新建甲村至乙村道路3公里。", dict(name="甲乙道路", category="road", status="planned", area="甲村",
                                 precision="segment", geometry_source="manual",
                                 geometry={"type": "LineString", "coordinates": [[X0, Y0], [X0 + 0.03, Y0 + 0.02]]})),
    ("完成中心小学扩建。", dict(name="中心小学扩建", category="school", status="completed", area="镇区",
                                precision="site", geometry_source="manual",
                                geometry={"type": "Point", "coordinates": [X0 + 0.06, Y0 + 0.05]})),
    ("二、水利建设", None),
    ("推进乙村水库除险加固。", dict(name="乙村水库加固", category="reservoir", status="in_progress", area="乙村",
                                   precision="site", geometry_source="draw",
                                   geometry={"type": "Polygon", "coordinates": [[[X0 + 0.08, Y0], [X0 + 0.1, Y0],
                                             [X0 + 0.1, Y0 + 0.015], [X0 + 0.08, Y0 + 0.015], [X0 + 0.08, Y0]]]})),
    ("谋划乙村高标准农田200亩。", dict(name="乙村高标准农田", category="farmland", status="proposed", area="乙村",
                                     precision="site", geometry_source="gps",
                                     geometry={"type": "Point", "coordinates": [X0 + 0.02, Y0 + 0.07]})),
    ("新建卫生院一所。", dict(name=XSS_NAME, category="health", status="planned", area="全镇", precision="site",
                             geometry_source="manual", geometry={"type": "Point", "coordinates": [X0 + 0.11, Y0 + 0.08]})),
    ("三、村庄建设", None),
    ("实施甲村道路硬化。", dict(name="甲村道路硬化", category="road", status="planned", area="甲村",
                               precision="village")),
    ("建设甲村5G基站2个。", dict(name="甲村5G基站", category="telecom", status="planned", area="甲村",
                               precision="village")),
    ("争取全镇文化礼堂提升。", dict(name="文化礼堂提升", category="culture", status="proposed", area="全镇",
                                   precision="town")),
    ("暂缓旧厂房改造。", dict(name="旧厂房改造", category="other", status="suspended", area=None, precision="none")),
]


def plan_text() -> tuple[str, list[tuple[int, int, dict]]]:
    text, spans = "", []
    for sentence, item in SENTENCES:
        start = len(text)
        text += sentence + "\n"
        if item:
            spans.append((start, start + len(sentence), item))
    return text, spans


def features() -> list[dict]:
    text, spans = plan_text()
    out = []
    section = None
    for i, (start, end, item) in enumerate(spans):
        props = dict(item)
        geometry = props.pop("geometry", None)
        out.append(make_item(f"t-{i + 1:04d}", plan=PLAN_ID, text=text[start:end], span=[start, end],
                             places=[props["area"]] if props.get("area") else [], geometry=geometry,
                             section=section, **props))
    return out


def places() -> dict:
    def point(name, kind, x, y, aliases=()):
        return {"type": "Feature", "id": f"p-{name}", "properties": {"name": name, "kind": kind,
                "aliases": list(aliases)}, "geometry": {"type": "Point", "coordinates": [x, y]}}
    return {"type": "FeatureCollection", "features": [
        point("测试镇", "town", X0 + 0.05, Y0 + 0.04, ["测试"]),
        point("甲村", "village", X0 + 0.01, Y0 + 0.04),
        point("乙村", "village", X0 + 0.09, Y0 + 0.03),
        {"type": "Feature", "id": "p-county", "properties": {"name": "测试县", "kind": "county", "aliases": []},
         "geometry": {"type": "Polygon", "coordinates": [[[X0 - 0.05, Y0 - 0.05], [X0 + 0.2, Y0 - 0.05],
                      [X0 + 0.2, Y0 + 0.15], [X0 - 0.05, Y0 + 0.15], [X0 - 0.05, Y0 - 0.05]]]}},
    ]}


def build(directory: Path) -> Path:
    """Write items (through the store), places and the plan text into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    store = open_store(directory)
    feats = features()
    saved = store.save_items(feats, user="test", expected_versions=[None] * len(feats))
    # One human edit, so an item has a change history to show.
    edited = dict(saved[1], properties={**saved[1]["properties"], "notes": "已验收"})
    store.save_item(edited, expected_version=saved[1]["properties"]["version"], user="reviewer")
    (directory / "places.geojson").write_text(json.dumps(places(), ensure_ascii=False), encoding="utf-8")
    plans = directory / "plans"
    plans.mkdir(exist_ok=True)
    (plans / f"{PLAN_ID}.txt").write_text(plan_text()[0], encoding="utf-8")
    return directory


# Expected shapes on the unfiltered map (derived from the data above, not typed in).
def expected_counts(feats=None) -> dict:
    from geo.mapview import split_by_precision

    feats = features() if feats is None else feats
    located, coarse = split_by_precision(feats)
    points = [f for f in located if f["geometry"]["type"] == "Point"]
    return {"markers": len(points), "paths": len(located) - len(points), "coarse": len(coarse)}


if __name__ == "__main__":
    import sys
    build(Path(sys.argv[1]))
