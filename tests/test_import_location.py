"""The import preview warns, before anything is written, when coordinates look GCJ-02 though read as
WGS-84, or lie outside the county; choosing the right datum makes the warning go away."""
from __future__ import annotations

import json
from pathlib import Path

from geo import coords
from geo.importer import ImportOptions, plan_import

PLACES = Path(__file__).resolve().parent.parent / "data" / "places.geojson"


def _seat(name="东塍镇"):
    doc = json.loads(PLACES.read_text(encoding="utf-8"))
    f = next(f for f in doc["features"] if f["properties"]["name"] == name and f["geometry"])
    return f["geometry"]["coordinates"]


def _sheet(lon, lat, place="东塍镇") -> bytes:
    return f"名称,地名,经度,纬度\n镇综合服务中心,{place},{lon:.7f},{lat:.7f}\n".encode("utf-8-sig")


def test_gcj_coordinates_read_as_wgs84_are_flagged_in_the_preview():
    lon, lat = _seat()
    glon, glat = coords.convert(lon, lat, "wgs84", "gcj02")  # what a Gaode pick gives for that spot
    preview = plan_import(_sheet(glon, glat), "高德坐标.csv", ImportOptions(places_path=PLACES))
    flagged = [w for w in preview.warnings if "GCJ-02" in w]
    assert flagged and "--datum" in flagged[0]
    right = plan_import(_sheet(glon, glat), "高德坐标.csv", ImportOptions(datum="gcj02", places_path=PLACES))
    assert not [w for w in right.warnings if "GCJ-02" in w or "BD-09" in w]
    stored = right.features[0]["geometry"]["coordinates"]
    assert abs(stored[0] - lon) < 1e-6 and abs(stored[1] - lat) < 1e-6


def test_a_row_far_outside_the_county_is_flagged_with_its_distance():
    preview = plan_import(_sheet(116.4, 39.9, place="北京"), "远处.csv", ImportOptions(places_path=PLACES))
    assert any("outside the outline" in w and "km" in w for w in preview.warnings), preview.warnings
