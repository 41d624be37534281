"""Synthetic items for the export/import/report tests: every geometry type, Chinese text, hostile strings.

Coordinates are made-up TEST geometry near 121°E 28.8°N (inside China, so GCJ-02 applies); never data.
"""
from __future__ import annotations

from tests.conftest import make_item

HOSTILE_NAME = '=HYPERLINK("http://evil")<script>alert(1)</script>&"\''


def sample_items() -> list[dict]:
    ring = [[121.10, 28.80], [121.12, 28.80], [121.12, 28.82], [121.10, 28.82], [121.10, 28.80]]
    hole = [[121.105, 28.805], [121.105, 28.81], [121.11, 28.81], [121.11, 28.805], [121.105, 28.805]]
    return [
        make_item("t-point", name="东塍镇卫生院改造", category="health", status="in_progress",
                  geometry={"type": "Point", "coordinates": [121.123456789012, 28.876543210987]},
                  precision="site", geometry_source="gazetteer", places=["东塍村", "岭下村"], area="东塍村",
                  quantity={"value": 5.5, "unit": "公里", "qualifier": "about"}, budget_wan=1500.5,
                  notes="备注：含“引号”，逗号, 和换行\n第二行", x_review="已复核"),
        make_item("t-line", name="溪流整治", category="river", status="completed",
                  text="完成溪流整治" * 60,  # long: over the 254-byte .dbf limit
                  geometry={"type": "LineString", "coordinates": [[121.1, 28.8], [121.15, 28.85], [121.2, 28.83]]},
                  precision="segment", quantity={"value": 3, "unit": None, "qualifier": None}),
        make_item("t-poly", name="工业园区", category="industrial_park", status="proposed",
                  geometry={"type": "Polygon", "coordinates": [ring, hole]}, precision="site", area="镇区"),
        make_item("t-mpoly", name="农田片区", category="farmland", status="planned",
                  geometry={"type": "MultiPolygon", "coordinates": [[ring]]}, precision="village"),
        make_item("t-mline", name="道路两段", category="road", status="planned",
                  geometry={"type": "MultiLineString", "coordinates": [[[121.0, 28.7], [121.01, 28.71]],
                                                                       [[121.02, 28.72], [121.03, 28.73]]]},
                  precision="segment"),
        make_item("t-mpoint", name="5G基站", category="telecom", status="planned",
                  geometry={"type": "MultiPoint", "coordinates": [[121.05, 28.75], [121.06, 28.76]]},
                  precision="site"),
        make_item("t-gc", name="水库及配套", category="reservoir", status="suspended",
                  geometry={"type": "GeometryCollection", "geometries": [
                      {"type": "Point", "coordinates": [121.3, 28.9]},
                      {"type": "LineString", "coordinates": [[121.3, 28.9], [121.31, 28.91]]}]},
                  precision="site"),
        make_item("t-none", name="未定位的项目", category="other", status="planned", area="全镇"),
        make_item("t-hostile", name=HOSTILE_NAME, category="culture", status="planned",
                  notes="-2+3", area="@SUM(A1)",
                  geometry={"type": "Point", "coordinates": [121.2, 28.9]}, precision="village"),
    ]


# Properties that an import sets itself (provenance of the geometry, bookkeeping).
IMPORT_SETS = {"geometry_source", "geometry_meta", "version", "updated_at", "updated_by"}


def content(feature: dict) -> dict:
    return {k: v for k, v in feature["properties"].items() if k not in IMPORT_SETS}
