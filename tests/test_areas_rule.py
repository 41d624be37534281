"""Every item has an area (a village, 镇区 or 全镇); placing a place moves its items' areas; the 村 filter's
choices are every village of the town with its item count.

Every place, name and coordinate here is synthetic TEST data built in a temporary folder.
"""
from __future__ import annotations

import pytest

from geo.areas import area_rule, town_villages, village_options
from geo.build import item_feature
from geo.contract import AREA_TOWN_SEAT, AREA_WHOLE_TOWN
from geo.gazetteer import load_gazetteer
from geo.geocode import GeocoderChain
from geo.locate import place, undo_placement
from geo.store import open_store
from tests.conftest import make_item

LON, LAT = 121.1, 28.9  # arbitrary TEST origin
D = 0.01                # a TEST village boundary is a D × D square east of the origin


def test_area_rule():
    assert area_rule(["甲村"], False) == ("甲村", [])
    assert area_rule([], True) == (AREA_TOWN_SEAT, [])
    assert area_rule([], False) == (AREA_WHOLE_TOWN, [])          # names no village and no seat-area place
    assert area_rule([], False, town_known=False) == (None, [])   # not even the town is known
    assert area_rule(["甲村", "乙村"], False) == (AREA_WHOLE_TOWN, ["甲村", "乙村"])
    assert area_rule(["甲村"], True) == (AREA_WHOLE_TOWN, ["甲村", AREA_TOWN_SEAT])


@pytest.fixture
def town(tmp_path):
    gaz = load_gazetteer(tmp_path / "places.geojson")
    t = gaz.add_place("测试镇", "town", user="test", source="TEST", place_id="t1")
    for name in ("甲村", "乙村", "丁村"):
        gaz.add_place(name, "village", user="test", source="TEST", parent=t["id"])
    gaz.add_place("丙水库", "reservoir", user="test", source="TEST", parent=t["id"])
    gaz.add_place("测试镇区", "town_seat_area", user="test", source="TEST", parent=t["id"])
    return tmp_path, load_gazetteer(tmp_path / "places.geojson")


def _built(gaz, item_id, places):
    props = make_item(item_id, town="测试镇", places=places)["properties"]
    return item_feature(props, gaz, GeocoderChain(gaz))["properties"]


def test_build_gives_every_item_of_a_known_town_an_area(town):
    _, gaz = town
    assert _built(gaz, "a", ["甲村"])["area"] == "甲村"
    assert _built(gaz, "b", ["测试镇区"])["area"] == AREA_TOWN_SEAT
    # a reservoir of the town (in no village), a name the gazetteer lacks, nothing named: the town as a whole
    reservoir = _built(gaz, "c", ["丙水库"])
    assert reservoir["area"] == AREA_WHOLE_TOWN and reservoir["precision"] == "town"
    unknown = _built(gaz, "d", ["不存在的厂"])
    assert unknown["area"] == AREA_WHOLE_TOWN and unknown["precision"] == "none"
    assert _built(gaz, "e", [])["area"] == AREA_WHOLE_TOWN
    both = _built(gaz, "f", ["甲村", "乙村"])
    assert both["area"] == AREA_WHOLE_TOWN and both["x_areas"] == ["甲村", "乙村"]
    assert "multiple_areas" in both["flags"]


def _square(lon, lat):
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + D, lat], [lon + D, lat + D], [lon, lat + D],
                                                [lon, lat]]]}


def test_placing_a_place_sets_its_items_area_through_the_store_and_undo_restores_it(town):
    folder, gaz = town
    jia = gaz.lookup("甲村", "测试镇").place_id
    gaz.set_geometry(jia, _square(LON, LAT), "import", "boundary", "test")
    store = open_store(folder)
    item = make_item("r1", town="测试镇", places=["丙水库"], area=AREA_WHOLE_TOWN, precision="town",
                     place_refs=[gaz.lookup("丙水库", "测试镇").place_id])
    store.save_item(item, expected_version=None, user="build")
    before = store.get("r1")["properties"]["version"]
    gaz = load_gazetteer(folder / "places.geojson")
    reservoir = gaz.lookup("丙水库", "测试镇").place_id
    inside = {"type": "Point", "coordinates": [LON + D / 2, LAT + D / 2]}
    result = place(reservoir, inside, "manual", "王工", store=store, gazetteer=gaz)
    assert result.located == ["r1"]
    placed = store.get("r1")["properties"]
    assert placed["area"] == "甲村" and placed["version"] == before + 1
    audit = [e for e in store.history("r1") if e.field_name == "area"]
    assert audit and audit[-1].old == AREA_WHOLE_TOWN and audit[-1].new == "甲村" and audit[-1].user == "王工"
    undo_placement(result.placement_id, "王工", store=store, gazetteer=load_gazetteer(folder / "places.geojson"))
    assert store.get("r1")["properties"]["area"] == AREA_WHOLE_TOWN


def test_placing_outside_every_boundary_keeps_the_area_by_name(town):
    folder, gaz = town
    store = open_store(folder)
    reservoir = gaz.lookup("丙水库", "测试镇").place_id
    item = make_item("r2", town="测试镇", places=["丙水库"], area=None, precision="town", place_refs=[reservoir])
    store.save_item(item, expected_version=None, user="build")
    place(reservoir, {"type": "Point", "coordinates": [LON - D, LAT - D]}, "manual", "王工", store=store,
          gazetteer=gaz)
    assert store.get("r2")["properties"]["area"] == AREA_WHOLE_TOWN  # an old item without area gets one


def test_village_options_list_every_village_with_counts_zero_last(town):
    _, gaz = town
    villages = town_villages(gaz.places, ["测试镇"])
    assert villages == ["甲村", "乙村", "丁村"]
    items = [make_item("1", area="乙村"), make_item("2", area="乙村"), make_item("3", area="丁村"),
             make_item("4", area=AREA_WHOLE_TOWN), make_item("5", area="旧村"),  # a village only an item names
             make_item("6", area="丁村", dropped=True), make_item("7", area="甲村", town="别的镇")]
    options = village_options(villages, items, ["测试镇"])
    assert options == [("乙村", 2), ("丁村", 1), ("旧村", 1), ("甲村", 0)]


def test_former_villages_are_not_offered(tmp_path):
    places = [{"properties": {"kind": "village", "name": "新村", "town": "测试镇", "listing": "current"}},
              {"properties": {"kind": "village", "name": "老村", "town": "测试镇", "listing": "former"}},
              {"properties": {"kind": "village", "name": "外村", "town": "别的镇"}}]
    assert town_villages(places, ["测试镇"]) == ["新村"]
    assert town_villages(places) == ["新村", "外村"]


def test_fill_missing_areas_gives_old_items_an_area_through_the_store(town):
    from geo.areas import fill_missing_areas

    folder, gaz = town
    store = open_store(folder)
    jia, yi = (gaz.lookup(n, "测试镇").place_id for n in ("甲村", "乙村"))
    old = [make_item("o1", places=["丙水库"], place_refs=[gaz.lookup("丙水库", "测试镇").place_id]),
           make_item("o2", places=["甲村", "乙村"], place_refs=[jia, yi], x_areas=["甲村", "乙村"]),
           make_item("o3", places=["甲村"], place_refs=[jia]),
           make_item("o4", places=[], area="乙村"),
           make_item("o5", places=[], town=None)]
    store.save_items(old, user="build", expected_versions=[None] * len(old))
    assert sorted(fill_missing_areas(store, gaz, user="王工")) == ["o1", "o2", "o3"]
    got = {f["id"]: f["properties"] for f in store.load()}
    assert got["o1"]["area"] == AREA_WHOLE_TOWN
    assert got["o2"]["area"] == AREA_WHOLE_TOWN and got["o2"]["x_areas"] == ["甲村", "乙村"]
    assert got["o3"]["area"] == "甲村" and got["o4"]["area"] == "乙村" and got["o5"]["area"] is None
    assert [e.new for e in store.history("o1") if e.field_name == "area"] == [AREA_WHOLE_TOWN]
    assert fill_missing_areas(store, gaz, user="王工") == []
