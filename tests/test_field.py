"""Near-me ordering, distance text, navigation links, progress/status/note helpers."""
from __future__ import annotations

import math
from urllib.parse import parse_qs, urlparse

import pytest

from geo.coords import bd09_to_wgs84, gcj02_to_wgs84
from geo.field import (
    FieldError, distance_text, distance_to_geometry_m, gaode_marker_url, baidu_marker_url, haversine_m,
    navigation_links, nearest_items, progress_of, with_note, with_progress, with_status,
)
from tests.conftest import make_item

# Synthetic TEST positions (not real places): a small grid near an arbitrary origin.
O_LON, O_LAT = 121.0, 29.0
M_PER_DEG_LAT = 2 * math.pi * 6371008.8 / 360


def offset(dx_m, dy_m):
    return (O_LON + dx_m / (M_PER_DEG_LAT * math.cos(math.radians(O_LAT))), O_LAT + dy_m / M_PER_DEG_LAT)


def pt(dx, dy):
    return {"type": "Point", "coordinates": list(offset(dx, dy))}


def test_haversine_one_degree_of_latitude():
    assert haversine_m(0, 0, 0, 1) == pytest.approx(M_PER_DEG_LAT, rel=1e-9)
    assert haversine_m(*offset(0, 0), *offset(300, 400)) == pytest.approx(500, rel=2e-3)


@pytest.mark.parametrize("m,text", [(7, "7 m"), (349.6, "350 m"), (999, "1.0 km"), (2440, "2.4 km"), (37400, "37 km")])
def test_distance_text(m, text):
    assert distance_text(m) == text


def test_nearest_items_ordered_and_unlocated_or_coarse_left_out():
    items = [
        make_item("far", geometry=pt(3000, 0), precision="site"),
        make_item("near", geometry=pt(100, 0), precision="site"),
        make_item("mid-line", geometry={"type": "LineString", "coordinates": [list(offset(-800, -500)), list(offset(-800, 500))]},
                  precision="segment"),
        make_item("none", geometry=None, precision="none"),
        make_item("village-proxy", geometry=pt(10, 0), precision="village"),
        make_item("dropped", geometry=pt(5, 0), precision="site", dropped=True),
    ]
    got = nearest_items(items, O_LON, O_LAT)
    assert [n.item_id for n in got] == ["near", "mid-line", "far"]
    assert got[0].distance_text == "100 m"
    assert got[1].distance_m == pytest.approx(800, rel=5e-3)  # to the line's middle, not its ends
    assert got[2].distance_text == "3.0 km"
    assert [n.item_id for n in nearest_items(items, O_LON, O_LAT, limit=1)] == ["near"]


def test_inside_polygon_is_zero():
    ring = [list(offset(-100, -100)), list(offset(100, -100)), list(offset(100, 100)), list(offset(-100, 100)),
            list(offset(-100, -100))]
    assert distance_to_geometry_m(O_LON, O_LAT, {"type": "Polygon", "coordinates": [ring]}) == 0


def test_bad_position_refused():
    with pytest.raises(FieldError):
        nearest_items([], 200, 10)


def test_gaode_link_converts_to_gcj02_as_documented():
    url = gaode_marker_url(O_LON, O_LAT, "测试<点>&x")
    u = urlparse(url)
    assert (u.scheme, u.netloc, u.path) == ("https", "uri.amap.com", "/marker")
    q = parse_qs(u.query)
    glon, glat = map(float, q["position"][0].split(","))
    assert q["coordinate"] == ["gaode"] and q["name"] == ["测试<点>&x"]
    assert (glon, glat) != pytest.approx((O_LON, O_LAT), abs=1e-4)  # GCJ-02 differs by hundreds of metres
    back = gcj02_to_wgs84(glon, glat)
    assert haversine_m(*back, O_LON, O_LAT) < 0.5


def test_baidu_link_converts_to_bd09_lat_first():
    u = urlparse(baidu_marker_url(O_LON, O_LAT, "标题", "内容"))
    assert (u.netloc, u.path) == ("api.map.baidu.com", "/marker")
    q = parse_qs(u.query)
    blat, blon = map(float, q["location"][0].split(","))
    assert q["coord_type"] == ["bd09ll"] and q["output"] == ["html"] and q["src"][0].startswith("webapp.")
    assert q["title"] == ["标题"] and q["content"] == ["内容"]
    assert haversine_m(*bd09_to_wgs84(blon, blat), O_LON, O_LAT) < 0.5


def test_navigation_links_need_geometry():
    assert navigation_links(make_item(geometry=None)) == {}
    links = navigation_links(make_item(geometry=pt(0, 0), precision="site", name="水库"))
    assert set(links) == {"gaode", "baidu"}


def test_progress_against_target():
    item = make_item(quantity={"value": 60, "unit": "个", "qualifier": None})
    assert progress_of(item).done is None
    done = with_progress(item, "23")
    p = progress_of(done)
    assert (p.done, p.target, p.unit) == (23, 60, "个")
    assert p.fraction == pytest.approx(23 / 60)
    assert p.text() == "已完成 23/60个（38%）"
    assert "progress" not in item["properties"]  # the input is not changed
    with pytest.raises(FieldError):
        with_progress(item, -1)
    with pytest.raises(FieldError):
        with_progress(item, "abc")


def test_status_and_note_helpers():
    item = make_item()
    assert with_status(item, "in_progress")["properties"]["status"] == "in_progress"
    with pytest.raises(FieldError, match="unknown status"):
        with_status(item, "done")
    noted = with_note(with_note(item, "开工", by="anna", date="2020-03-01"), "完成一半", by="li", photo="p.jpg")
    notes = noted["properties"]["progress_notes"]
    assert [n["text"] for n in notes] == ["开工", "完成一半"] and notes[1]["photo"] == "p.jpg"
    with pytest.raises(FieldError, match="empty"):
        with_note(item, "  ", by="anna")
    with pytest.raises(FieldError, match="date"):
        with_note(item, "x", by="anna", date="2020-13-01")
    from geo.contract import validate_feature
    assert validate_feature(with_progress(noted, 3)) == []
