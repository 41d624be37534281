"""The 待定位 queue, placing a place (click, GPS, paste, draw), relocation of items, undo, item moves.

Every coordinate here is synthetic TEST data in a temporary folder, never written to data/.
"""
from __future__ import annotations

import json

import pytest

from geo.coords import wgs84_to_bd09, wgs84_to_gcj02
from geo.field import haversine_m
from geo.gazetteer import load_gazetteer
from geo.locate import (
    LocateError, NeedsConfirmation, parse_coordinates, place, placements, set_item_geometry, undo_placement,
    undoable, unlocated_places,
)
from geo.store import VersionConflict, open_store
from tests.conftest import make_item

LON, LAT = 121.1, 28.9  # arbitrary TEST point


@pytest.fixture
def world(tmp_path):
    """A tiny test town: gazetteer with unlocated villages and a reservoir, and items referring to them."""
    gaz = load_gazetteer(tmp_path / "places.geojson")
    town = gaz.add_place("测试镇", "town", user="test", source="TEST", place_id="t1")
    for name in ("甲村", "乙村"):
        gaz.add_place(name, "village", user="test", source="TEST", parent=town["id"])
    gaz.add_place("丙水库", "reservoir", user="test", source="TEST", parent=town["id"])
    store = open_store(tmp_path)
    items = [
        make_item("i1", town="测试镇", places=["甲村"], name="甲村道路"),
        make_item("i2", town="测试镇", places=["甲村", "丙水库"], name="丙水库加固", category="reservoir"),
        make_item("i3", town="测试镇", places=["乙村"], name="乙村公厕"),
        make_item("i4", town="测试镇", places=["甲"], name="甲村绿化"),  # short name: alias/variant lookup
        make_item("i5", town="测试镇", places=["甲村", "乙村"], name="甲村至乙村道路",
                  x_segment={"from": "甲村", "to": "乙村"}),
        make_item("i6", town="测试镇", places=[], name="全镇5G", area="全镇"),
    ]
    for it in items:
        it["properties"]["version"] = 1
        store.save_item({**it, "properties": {**it["properties"]}}, expected_version=None, user="build")
    return tmp_path, store, load_gazetteer(tmp_path / "places.geojson")


def _place_id(gaz, name):
    return gaz.lookup(name, "测试镇").place_id


def test_queue_most_referenced_first_with_waiting_items(world):
    _, store, gaz = world
    queue = unlocated_places(store.load(), gaz)
    assert [e.name for e in queue][:1] == ["甲村"]
    first = queue[0]
    assert sorted(i["id"] for i in first.items) == ["i1", "i2", "i4", "i5"]
    counts = [e.count for e in queue]
    assert counts == sorted(counts, reverse=True)
    assert "测试镇" not in [e.name for e in queue]


def test_click_places_village_and_every_item_referring_to_it(world):
    d, store, gaz = world
    pid = _place_id(gaz, "甲村")
    res = place(pid, {"type": "Point", "coordinates": [LON, LAT]}, "manual", "anna", store=store, gazetteer=gaz,
                directory=d)
    assert sorted(res.located) == ["i1", "i2", "i4", "i5"]
    i1 = store.get("i1")
    assert i1["geometry"]["coordinates"] == [LON, LAT]
    p = i1["properties"]
    assert p["precision"] == "village" and p["geometry_source"] == "manual" and p["place_refs"] == [pid]
    assert p["geometry_meta"]["placed_by"] == "anna" and p["geometry_meta"]["datum_original"] == "wgs84"
    assert p["version"] == 2 and "geometry" in p["edited_fields"]
    fields = {e.field for e in store.history("i1") if e.user == "anna"}
    assert {"geometry", "precision", "geometry_source"} <= fields
    # the place itself records who/how
    placed = load_gazetteer(d / "places.geojson").get(pid)
    assert placed["geometry"]["coordinates"] == [LON, LAT] and placed["properties"]["updated_by"] == "anna"
    assert placed["properties"]["geometry_source"] == "manual"
    # untouched items stay untouched
    assert store.get("i3")["geometry"] is None and store.get("i6")["properties"]["version"] == 1
    # the queue no longer lists it
    assert "甲村" not in [e.name for e in unlocated_places(store.load(), gaz)]


def test_site_beats_village_and_segment_when_both_ends_known(world):
    d, store, gaz = world
    place(_place_id(gaz, "甲村"), {"type": "Point", "coordinates": [LON, LAT]}, "manual", "anna",
          store=store, gazetteer=gaz, directory=d)
    res = place(_place_id(gaz, "丙水库"), {"type": "Point", "coordinates": [LON + 0.01, LAT]}, "manual", "anna",
                store=store, gazetteer=gaz, directory=d)
    assert res.located == ["i2"]
    assert store.get("i2")["properties"]["precision"] == "site"
    assert store.get("i2")["geometry"]["coordinates"] == [pytest.approx(LON + 0.01), LAT]
    # i5 is a village point until the other end is known, then a segment between both
    assert store.get("i5")["properties"]["precision"] == "village"
    place(_place_id(gaz, "乙村"), {"type": "Point", "coordinates": [LON, LAT + 0.02]}, "manual", "li",
          store=store, gazetteer=gaz, directory=d)
    i5 = store.get("i5")
    assert i5["properties"]["precision"] == "segment"
    assert i5["geometry"]["type"] == "LineString"
    assert i5["geometry"]["coordinates"] == [[LON, LAT], [LON, pytest.approx(LAT + 0.02)]]
    # placing the village again must not pull the site-located reservoir item back to the village
    place(_place_id(gaz, "甲村"), {"type": "Point", "coordinates": [LON + 0.001, LAT]}, "manual", "anna",
          store=store, gazetteer=gaz, directory=d)
    assert store.get("i2")["properties"]["precision"] == "site"
    assert store.get("i1")["geometry"]["coordinates"] == [pytest.approx(LON + 0.001), LAT]


def test_gcj02_and_bd09_input_converted_on_entry(world):
    d, store, gaz = world
    glon, glat = wgs84_to_gcj02(LON, LAT)
    place(_place_id(gaz, "甲村"), {"type": "Point", "coordinates": [glon, glat]}, "manual", "anna", "gcj02",
          store=store, gazetteer=gaz, directory=d)
    lon, lat = store.get("i1")["geometry"]["coordinates"]
    assert haversine_m(lon, lat, LON, LAT) < 0.05
    assert store.get("i1")["properties"]["geometry_meta"]["datum_original"] == "gcj02"
    blon, blat = wgs84_to_bd09(LON, LAT + 0.01)
    place(_place_id(gaz, "乙村"), {"type": "Point", "coordinates": [blon, blat]}, "manual", "anna", "bd09",
          store=store, gazetteer=gaz, directory=d)
    lon, lat = store.get("i3")["geometry"]["coordinates"]
    assert haversine_m(lon, lat, LON, LAT + 0.01) < 0.05


def test_gps_accuracy_stored_and_poor_fix_needs_confirmation(world):
    d, store, gaz = world
    pid = _place_id(gaz, "乙村")
    pt = {"type": "Point", "coordinates": [LON, LAT]}
    with pytest.raises(NeedsConfirmation, match="120"):
        place(pid, pt, "gps", "anna", accuracy_m=120, store=store, gazetteer=gaz, directory=d)
    assert store.get("i3")["geometry"] is None  # nothing saved
    place(pid, pt, "gps", "anna", accuracy_m=120, confirmed=True, store=store, gazetteer=gaz, directory=d)
    meta = store.get("i3")["properties"]["geometry_meta"]
    assert meta["accuracy_m"] == 120 and store.get("i3")["properties"]["geometry_source"] == "gps"
    assert load_gazetteer(d / "places.geojson").get(pid)["properties"]["accuracy_m"] == 120


def test_drawn_line_and_polygon(world):
    d, store, gaz = world
    line = {"type": "LineString", "coordinates": [[LON, LAT], [LON + 0.01, LAT + 0.01]]}
    place(_place_id(gaz, "丙水库"), line, "draw", "anna", store=store, gazetteer=gaz, directory=d)
    assert store.get("i2")["geometry"]["type"] == "LineString"
    bad = {"type": "Polygon", "coordinates": [[[LON, LAT], [LON + 0.01, LAT + 0.01], [LON + 0.01, LAT],
                                               [LON, LAT + 0.01], [LON, LAT]]]}
    with pytest.raises(LocateError, match="invalid polygon"):
        place(_place_id(gaz, "乙村"), bad, "draw", "anna", store=store, gazetteer=gaz, directory=d)


def test_undo_restores_place_and_items_and_refuses_twice(world):
    d, store, gaz = world
    pid = _place_id(gaz, "甲村")
    res = place(pid, {"type": "Point", "coordinates": [LON, LAT]}, "manual", "anna", store=store, gazetteer=gaz,
                directory=d)
    assert [r["id"] for r in undoable(d, pid)] == [res.placement_id]
    undo = undo_placement(res.placement_id, "li", store=store, gazetteer=gaz, directory=d)
    assert sorted(undo.restored) == ["i1", "i2", "i4", "i5"]
    i1 = store.get("i1")
    assert i1["geometry"] is None and i1["properties"]["precision"] == "none"
    assert "place_refs" not in i1["properties"] and i1["properties"]["version"] == 3
    assert load_gazetteer(d / "places.geojson").get(pid)["geometry"] is None
    assert [e.user for e in store.history("i1") if e.field == "geometry"] == ["anna", "li"]
    with pytest.raises(LocateError, match="already undone"):
        undo_placement(res.placement_id, "li", store=store, gazetteer=gaz, directory=d)
    assert undoable(d, pid) == []
    assert [r["action"] for r in placements(d)] == ["place", "undo"]


def test_undo_leaves_items_changed_since(world):
    d, store, gaz = world
    pid = _place_id(gaz, "乙村")
    res = place(pid, {"type": "Point", "coordinates": [LON, LAT]}, "manual", "anna", store=store, gazetteer=gaz,
                directory=d)
    i3 = store.get("i3")
    set_item_geometry(store, "i3", {"type": "Point", "coordinates": [LON + 0.002, LAT]}, "manual", "wang",
                      expected_version=i3["properties"]["version"])
    undo = undo_placement(res.placement_id, "li", store=store, gazetteer=gaz, directory=d)
    assert "i3" in undo.skipped
    assert store.get("i3")["geometry"]["coordinates"] == [pytest.approx(LON + 0.002), LAT]


def test_item_set_on_itself_is_not_moved_by_a_placement(world):
    d, store, gaz = world
    i1 = store.get("i1")
    set_item_geometry(store, "i1", {"type": "Point", "coordinates": [LON + 0.003, LAT]}, "gps", "wang",
                      expected_version=1, accuracy_m=8)
    res = place(_place_id(gaz, "甲村"), {"type": "Point", "coordinates": [LON, LAT]}, "manual", "anna",
                store=store, gazetteer=gaz, directory=d)
    assert "i1" in res.kept and store.get("i1")["geometry"]["coordinates"] == [pytest.approx(LON + 0.003), LAT]
    with pytest.raises(VersionConflict):
        set_item_geometry(store, "i1", {"type": "Point", "coordinates": [LON, LAT]}, "manual", "li",
                          expected_version=i1["properties"]["version"])


def test_placement_log_records_who_how_datum(world):
    d, store, gaz = world
    place(_place_id(gaz, "乙村"), {"type": "Point", "coordinates": [LON, LAT]}, "gps", "anna", accuracy_m=5,
          store=store, gazetteer=gaz, directory=d)
    rec = json.loads((d / "placements.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert (rec["user"], rec["how"], rec["datum_original"], rec["accuracy_m"]) == ("anna", "gps", "wgs84", 5)
    assert rec["place_before"]["geometry"] is None and rec["items"][0]["id"] == "i3"


def test_unknown_place_and_bad_how(world):
    d, store, gaz = world
    with pytest.raises(LocateError, match="not in the gazetteer"):
        place("nope", {"type": "Point", "coordinates": [LON, LAT]}, "manual", "anna", store=store, gazetteer=gaz,
              directory=d)
    with pytest.raises(LocateError, match="how"):
        place(_place_id(gaz, "乙村"), {"type": "Point", "coordinates": [LON, LAT]}, "guess", "anna",
              store=store, gazetteer=gaz, directory=d)


@pytest.mark.parametrize("text,lon,lat,swapped", [
    ("121.26, 28.93", 121.26, 28.93, False),
    ("28.93,121.26", 121.26, 28.93, True),
    ("121.26，28.93", 121.26, 28.93, False),
    ("121.26 28.93", 121.26, 28.93, False),
    ("lat=28.93 lng=121.26", 121.26, 28.93, False),
    ("纬度：28.93 经度：121.26", 121.26, 28.93, False),
    ("N28.5 E121.25", 121.25, 28.5, False),
    ("28°55'48\"N 121°15'36\"E", 121.26, 28.93, True),
    ("北纬28度55分48秒 东经121度15分36秒", 121.26, 28.93, True),
    ("121°15′36″E, 28°55′48″N", 121.26, 28.93, False),
    ("-33.86, 151.21", 151.21, -33.86, True),
])
def test_parse_coordinates(text, lon, lat, swapped):
    p = parse_coordinates(text)
    assert (p.lon, p.lat) == (pytest.approx(lon, abs=1e-6), pytest.approx(lat, abs=1e-6))
    assert p.swapped is swapped


@pytest.mark.parametrize("text,needle", [
    ("", "no coordinates"), ("121.26", "found 1 numbers"), ("1 2 3", "found 3"),
    ("45.1, 60.2", "cannot tell"), ("0,0", "cannot tell"), ("28°75'00\"N 121°0'0\"E", "below 60"),
    ("lat=95 lon=121", "latitude 95"),
])
def test_parse_coordinates_errors(text, needle):
    with pytest.raises(LocateError, match=needle):
        parse_coordinates(text)
