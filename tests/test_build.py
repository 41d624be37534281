"""geo.build: items located only from the gazetteer, honest precision, merge keeps human edits."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geo import coords
from geo.build import build_plan
from geo.config import PROJECT_ROOT
from geo.gazetteer import load_gazetteer, write_places
from geo.store import open_store

SOURCES = PROJECT_ROOT.parent / "shared" / "data" / "gazetteer-sources"
SEAT = coords.gcj02_to_wgs84(121.30, 28.90)  # an arbitrary seat, as a source would publish it


def _props(pid, name, kind, aliases, parent, **extra):
    base = {"id": pid, "name": name, "aliases": aliases, "kind": kind, "admin_code": None, "parent": parent,
            "precision": "none", "source": "test", "licence": None, "datum": None, "geometry_source": None,
            "version": 1, "updated_at": "2026-01-01T00:00:00+00:00", "updated_by": "test", "listing": "current"}
    base.update(extra)
    return base


PLAN = """青山镇2021年工作计划

(一)聚焦基础设施,提升城镇品质。

完善交通路网。加快甲岙村至丙岭村公路修建进度,完成镇区供水提升工程,启动前街道路扩建工程。推进信息基础设施建设,新建5G基站30个以上。

(二)聚焦乡村振兴。

发展现代农业。加大农田水利投入,完成水口山水库除险加固工程,支持甲岙村茶叶整合改造,完成丙岭村文化礼堂建设。
"""


@pytest.fixture
def town(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_places(data / "places.geojson", [
        {"type": "Feature", "id": "T", "geometry": {"type": "Point", "coordinates": list(SEAT)},
         "properties": _props("T", "青山镇", "town", ["青山"], None, precision="site", geometry_source="seed", represents="seat")},
        {"type": "Feature", "id": "T:镇区", "geometry": None,
         "properties": _props("T:镇区", "青山镇区", "town_seat_area", ["镇区"], "T", area="镇区")},
        {"type": "Feature", "id": "V1", "geometry": None, "properties": _props("V1", "甲岙村", "village", ["甲岙"], "T")},
        {"type": "Feature", "id": "V2", "geometry": None, "properties": _props("V2", "丙岭村", "village", ["丙岭"], "T")},
        {"type": "Feature", "id": "R", "geometry": None, "properties": _props("R", "水口山水库", "reservoir", [], "T")},
        {"type": "Feature", "id": "S", "geometry": None, "properties": _props("S", "前街", "street", [], "T", area="镇区")},
    ])
    plan = data / "plans" / "yi-2021.txt"
    plan.parent.mkdir()
    plan.write_text(PLAN, encoding="utf-8")
    return data, plan


def by_text(features, fragment):
    hits = [f for f in features if fragment in f["properties"]["text"]]
    assert hits, f"no item with {fragment!r}"
    return hits[0]


def test_nothing_is_located_without_gazetteer_geometry_and_seat_is_never_used(town):
    data, plan = town
    report = build_plan(plan, data / "projects.geojson", places_path=data / "places.geojson")
    assert not report.problems
    items = json.loads((data / "projects.geojson").read_text(encoding="utf-8"))["features"]
    assert report.items == len(items) > 0
    seat = list(SEAT)
    for f in items:
        coords_text = json.dumps(f["geometry"])
        assert str(seat[0]) not in coords_text
    assert all(f["geometry"] is None for f in items)
    g5 = by_text(items, "5G基站")["properties"]
    assert g5["area"] == "全镇" and g5["precision"] == "town"
    tea = by_text(items, "甲岙村茶叶")["properties"]
    assert tea["area"] == "甲岙村" and tea["precision"] == "village" and tea["place_refs"] == ["V1"]
    water = by_text(items, "镇区供水")["properties"]
    assert water["area"] == "镇区"
    assert sum(report.counts.values()) == report.items


def test_a_rebuild_after_places_are_located_locates_every_item_and_draws_segments(town):
    data, plan = town
    build_plan(plan, data / "projects.geojson", places_path=data / "places.geojson")
    gaz = load_gazetteer(data / "places.geojson")
    a = coords.gcj02_to_wgs84(121.32, 28.93)
    b = coords.gcj02_to_wgs84(121.35, 28.95)
    gaz.set_geometry("V1", {"type": "Point", "coordinates": list(a)}, "manual", "site", "editor", datum_original="gcj02")
    gaz.set_geometry("V2", {"type": "Point", "coordinates": list(b)}, "gps", "site", "field")
    report = build_plan(plan, data / "projects.geojson", places_path=data / "places.geojson")
    assert report.merge.updated
    items = {f["id"]: f for f in open_store(data).load()}
    tea = by_text(list(items.values()), "甲岙村茶叶")
    assert tea["geometry"] == {"type": "Point", "coordinates": list(a)}
    assert tea["properties"]["precision"] == "village" and tea["properties"]["geometry_source"] == "gazetteer"
    road = [f for f in items.values() if (f["properties"].get("x_segment") or {}).get("from")]
    if road:  # the extractor recognised "甲岙村至丙岭村": a two-point line, marked segment
        assert road[0]["geometry"]["type"] == "LineString" and road[0]["properties"]["precision"] == "segment"
        assert road[0]["geometry"]["coordinates"] == [list(a), list(b)]
    assert report.counts["village"] + report.counts["segment"] >= 2


def test_rebuild_keeps_human_geometry_and_status(town):
    data, plan = town
    build_plan(plan, data / "projects.geojson", places_path=data / "places.geojson")
    store = open_store(data)
    reservoir = by_text(store.load(), "水口山水库")
    edited = json.loads(json.dumps(reservoir))
    drawn = coords.gcj02_to_wgs84(121.31, 28.91)
    edited["geometry"] = {"type": "Point", "coordinates": list(drawn)}
    edited["properties"].update(geometry_source="manual", precision="site", status="in_progress")
    store.save_item(edited, expected_version=reservoir["properties"]["version"], user="editor")
    report = build_plan(plan, data / "projects.geojson", places_path=data / "places.geojson")
    after = open_store(data).get(reservoir["id"])
    assert after["geometry"]["coordinates"] == list(drawn)
    assert after["properties"]["status"] == "in_progress" and after["properties"]["geometry_source"] == "manual"
    assert reservoir["id"] in report.merge.kept_human_fields or reservoir["id"] in report.merge.unchanged


def run_cli(*argv, **kw):
    return subprocess.run([sys.executable, "-m", "geo", *argv], capture_output=True, text=True, cwd=PROJECT_ROOT, **kw)


def test_build_cli_reports_counts_and_validates(town):
    data, plan = town
    done = run_cli("build", str(plan), "-o", str(data / "projects.geojson"))
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert "items" in first and "located" in first and "town-only" in first and "unlocated" in first
    assert "validation: ok" in done.stdout
    assert run_cli("validate", str(data / "projects.geojson")).returncode == 0


def test_build_cli_bad_input_is_one_clear_line(town, tmp_path):
    data, plan = town
    missing = run_cli("build", str(tmp_path / "nope.txt"), "-o", str(data / "projects.geojson"))
    assert missing.returncode == 1 and "no such plan file" in missing.stderr and "Traceback" not in missing.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    before = (data / "places.geojson").read_bytes()
    done = run_cli("build", str(empty), "-o", str(data / "projects.geojson"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert not (data / "projects.geojson").exists() and (data / "places.geojson").read_bytes() == before


@pytest.mark.slow
@pytest.mark.skipif(not SOURCES.is_dir(), reason="shared gazetteer sources not present")
def test_bundled_plan_builds_with_honest_precision(tmp_path):
    data = tmp_path / "data"
    done = run_cli("gazetteer", "seed", "--sources", str(SOURCES), "-o", str(data / "places.geojson"))
    assert done.returncode == 0, done.stderr
    done = run_cli("build", "data/plans/dongcheng-2020-work-plan.txt", "-o", str(data / "projects.geojson"))
    assert done.returncode == 0, done.stdout + done.stderr
    items = json.loads((data / "projects.geojson").read_text(encoding="utf-8"))["features"]
    # the sources hold no coordinate below town level, so nothing may be drawn
    assert all(f["geometry"] is None for f in items)
    gaz = load_gazetteer(data / "places.geojson")
    current = {p["properties"]["name"] for p in gaz.places if p["properties"]["kind"] == "village"}
    for f in items:
        area = f["properties"]["area"]
        assert area in current | {"镇区", "全镇", None}
        if area in current:
            assert f["properties"]["precision"] == "village"


def test_segment_needs_both_ends_located(town, item_factory):
    from geo.build import item_feature
    from geo.geocode import GeocoderChain
    data, _plan = town
    gaz = load_gazetteer(data / "places.geojson")
    a = coords.gcj02_to_wgs84(121.32, 28.93)
    props = item_factory("seg", places=["甲岙村", "丙岭村"], town="青山镇",
                         x_segment={"along": None, "from": "甲岙村", "to": "丙岭村", "at": None})["properties"]
    gaz.set_geometry("V1", {"type": "Point", "coordinates": list(a)}, "manual", "site", "editor")
    half = item_feature(props, gaz, GeocoderChain(gaz))
    # one end known: no line; the known village is shown at village precision, area 全镇 (two villages)
    assert half["geometry"] == {"type": "Point", "coordinates": list(a)}
    assert half["properties"]["precision"] == "village" and half["properties"]["area"] == "全镇"
    assert "multiple_areas" in half["properties"]["flags"]
    b = coords.gcj02_to_wgs84(121.35, 28.95)
    gaz.set_geometry("V2", {"type": "Point", "coordinates": list(b)}, "manual", "site", "editor")
    full = item_feature(props, gaz, GeocoderChain(gaz))
    assert full["geometry"] == {"type": "LineString", "coordinates": [list(a), list(b)]}
    assert full["properties"]["precision"] == "segment" and full["properties"]["place_refs"] == ["V1", "V2"]
