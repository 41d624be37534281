"""The home page on first open: a line that says what the data is (「N 项，地图上 M 项：K 个地名待定位」),
the next step (a link to 待定位 with 「已定位 a / b」), and the items whose village has no location listed
beside the map by village. Plain functions (geo.locate.queue_progress, geo.mapview.aggregate.undrawn_groups)
and the page through AppTest, on the app test data with one village's location removed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import i18n, locate
from geo.contract import AREA_TOWN_SEAT, AREA_WHOLE_TOWN
from geo.gazetteer import load_gazetteer
from geo.mapview import split_by_precision
from geo.mapview.aggregate import badge_point, undrawn_groups
from geo.mapview.context import load_places, places_from_features
from geo.store import open_store
from tests import app_data

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
UNPLACED = "甲村"   # the fixture's village whose location is removed: its village-level items draw nothing
ODD_NAME = "<b>甲村</b>*路灯*"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = app_data.build(tmp_path / "data")
    path = d / "places.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    for f in doc["features"]:
        if f["properties"]["name"] == UNPLACED:
            f["geometry"] = None
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    store = open_store(d)
    # a village-level item with a name that markdown and HTML would read
    item = next(f for f in store.load() if f["properties"]["area"] == UNPLACED
                and f["properties"]["precision"] == "village")
    store.save_item({**item, "properties": {**item["properties"], "name": ODD_NAME}},
                    expected_version=item["properties"]["version"], user="test")
    monkeypatch.setenv("GEO_DATA_DIR", str(d))
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    return d


def _home(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ---- the figures ---------------------------------------------------------------------
def test_queue_progress_counts_the_queue_and_moves_when_a_place_is_placed(data_dir):
    store = open_store(data_dir)
    gazetteer = load_gazetteer(store=store)
    items = store.load()
    queue = locate.unlocated_places(items, gazetteer)
    before = locate.queue_progress(items, gazetteer)
    assert before.waiting == len(queue) and [e.name for e in queue] == [UNPLACED]
    assert before.located == 0 and before.total == before.waiting  # the data's own points were never queued
    # a person placing the village (geometry_source manual, as geo.locate.place records it) takes it out
    # of the queue and into 已定位; the test's places are minimal, so the file is written as place() would
    path = data_dir / "places.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    for f in doc["features"]:
        if f["properties"]["name"] == UNPLACED:
            f["geometry"] = {"type": "Point", "coordinates": [app_data.X0 + 0.01, app_data.Y0 + 0.04]}
            f["properties"]["geometry_source"] = "manual"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    gazetteer = load_gazetteer(store=open_store(data_dir))
    after = locate.queue_progress(store.load(), gazetteer)
    assert (after.located, after.waiting) == (1, before.waiting - 1)
    assert after.total == before.total


def test_queue_progress_leaves_dropped_items_and_counties_out(data_dir):
    store = open_store(data_dir)
    gazetteer = load_gazetteer(store=store)
    items = [f for f in store.load()]
    dropped = [{**f, "properties": {**f["properties"], "dropped": True}} for f in items]
    assert locate.queue_progress(dropped, gazetteer) == locate.QueueProgress(0, 0)
    assert locate.queue_progress([], gazetteer).total == 0


def test_undrawn_groups_are_the_areas_without_a_point(data_dir):
    items = open_store(data_dir).load()
    places = load_places(data_dir / "places.geojson")
    _located, coarse = split_by_precision(items)
    groups = undrawn_groups(coarse, places)
    assert list(groups) == [UNPLACED]
    expected = [f["id"] for f in coarse if f["properties"]["area"] == UNPLACED]
    assert [f["id"] for f in groups[UNPLACED]] == expected and expected
    # every coarse item is either on a badge or in a group, never both, never neither
    drawn = [f for f in coarse if badge_point(f["properties"]["area"] or "", [f], places) is not None]
    assert len(drawn) + sum(len(v) for v in groups.values()) == len(coarse)


def test_undrawn_groups_order_villages_then_seat_town_and_unknown():
    def item(i, area):
        return {"type": "Feature", "id": f"u{i}", "geometry": None,
                "properties": {"name": f"u{i}", "area": area, "town": "无点镇", "precision": "village"}}
    coarse = [item(1, ""), item(2, "乙村"), item(3, AREA_WHOLE_TOWN), item(4, "甲村"), item(5, AREA_TOWN_SEAT),
              item(6, "乙村")]
    groups = undrawn_groups(coarse, places_from_features([]))   # no point at all: nothing can be drawn
    assert list(groups) == sorted(["甲村", "乙村"]) + [AREA_TOWN_SEAT, AREA_WHOLE_TOWN, ""]
    assert [f["id"] for f in groups["乙村"]] == ["u2", "u6"]


# ---- the page ------------------------------------------------------------------------
def test_home_says_what_the_data_is_and_offers_the_next_step(data_dir):
    at = _home()
    items = open_store(data_dir).load()
    located, _coarse = split_by_precision(items)
    progress = locate.queue_progress(items, load_gazetteer(store=open_store(data_dir)))
    line = i18n.t("first_open_line", "zh", n=len(items), m=len(located), k=progress.waiting)
    first = [m.value for m in at.markdown if line in m.value]
    assert first, [m.value for m in at.markdown]
    links = [p.proto for p in at.get("page_link")]
    to_locate = [p for p in links if p.page == "locate"]
    assert len(to_locate) == 1
    assert to_locate[0].label == i18n.t("first_open_next", "zh", a=progress.located, b=progress.total)
    assert f"{progress.located} / {progress.total}" in to_locate[0].label


def test_home_lists_items_whose_village_has_no_location_by_village(data_dir):
    at = _home()
    items = open_store(data_dir).load()
    waiting = [f for f in items if f["properties"]["area"] == UNPLACED
               and f["properties"]["precision"] in ("village", "town", "none")]
    texts = [m.value for m in at.markdown]
    title = i18n.t("undrawn_title", "zh", n=len(waiting))
    assert any(title in v for v in texts), texts
    rows = [v for v in texts if v.startswith("- ") and UNPLACED in v]
    assert len(rows) == 1
    row = rows[0]
    assert f"· {len(waiting)} 项" in row
    for f in waiting:
        if f["properties"]["name"] != ODD_NAME:
            assert f["properties"]["name"] in row
    # a name from data is escaped for markdown: no HTML tag, no emphasis
    assert "<b>" not in row and "\\<b\\>" in row and "\\*路灯\\*" in row
    # the 未精确定位 list is still there with every coarse item
    _located, coarse = split_by_precision(items)
    assert any(e.label.startswith(i18n.t("unlocated", "zh")) and f"({len(coarse)})" in e.label for e in at.expander)


def test_home_in_english(data_dir):
    at = _home("en")
    items = open_store(data_dir).load()
    located, _coarse = split_by_precision(items)
    progress = locate.queue_progress(items, load_gazetteer(store=open_store(data_dir)))
    line = i18n.t("first_open_line", "en", n=len(items), m=len(located), k=progress.waiting)
    assert any(line in m.value for m in at.markdown)
    assert [p.proto.label for p in at.get("page_link") if p.proto.page == "locate"] == [
        i18n.t("first_open_next", "en", a=progress.located, b=progress.total)]


def test_home_with_nothing_to_locate_says_so_without_a_queue_link(tmp_path, monkeypatch):
    d = app_data.build(tmp_path / "data")   # every referenced place has a point there
    monkeypatch.setenv("GEO_DATA_DIR", str(d))
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    at = _home()
    items = open_store(d).load()
    located, _coarse = split_by_precision(items)
    assert any(i18n.t("first_open_line_done", "zh", n=len(items), m=len(located)) in m.value for m in at.markdown)
    assert not [p for p in at.get("page_link") if p.proto.page == "locate"]
    assert not any(v.startswith("**" + i18n.t("undrawn_title", "zh", n=0)[:6]) for v in (m.value for m in at.markdown))
