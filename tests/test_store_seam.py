"""What the app and the pipelines keep besides items goes through the store, so both engines hold it:
the gazetteer (and its change log), the 待定位 placement log, photo files, filtered items with the
sidebar's counts; and ``build`` writes into whichever store is configured, PostGIS included.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from PIL import Image

from geo import locate, photos
from geo.build import build_plan
from geo.config import PROJECT_ROOT
from geo.gazetteer import load_gazetteer, write_places
from geo.query import ItemFilter, filter_with_facets
from geo.store import open_store
from tests.conftest import make_item
from tests.test_build import PLAN, SEAT, _props


@pytest.fixture(params=["file", pytest.param("postgis", marks=pytest.mark.postgis)])
def store(request, tmp_path):
    target = str(tmp_path / "data") if request.param == "file" else request.getfixturevalue("pg_url")
    s = open_store(target)
    yield s
    if hasattr(s, "close"):
        s.close()


def _places():
    return [
        {"type": "Feature", "id": "T", "geometry": {"type": "Point", "coordinates": list(SEAT)},
         "properties": _props("T", "青山镇", "town", ["青山"], None, precision="site", geometry_source="seed",
                              represents="seat")},
        {"type": "Feature", "id": "T:镇区", "geometry": None,
         "properties": _props("T:镇区", "青山镇区", "town_seat_area", ["镇区"], "T", area="镇区")},
        {"type": "Feature", "id": "V1", "geometry": None, "properties": _props("V1", "甲岙村", "village", ["甲岙"], "T")},
        {"type": "Feature", "id": "V2", "geometry": None, "properties": _props("V2", "丙岭村", "village", ["丙岭"], "T")},
        {"type": "Feature", "id": "R", "geometry": None, "properties": _props("R", "水口山水库", "reservoir", [], "T")},
    ]


def test_the_gazetteer_lives_in_the_store_and_changes_are_logged_there(store):
    assert load_gazetteer(store=store).places == []  # nothing there yet: an empty gazetteer, not an error
    write_places(None, _places(), store=store)
    gaz = load_gazetteer(store=store)
    assert len(gaz) == 5 and gaz.lookup("甲岙", "青山镇").place_id == "V1"
    point = {"type": "Point", "coordinates": [SEAT[0] + 0.01, SEAT[1] + 0.01]}
    before = store.places_revision()
    gaz.set_geometry("V1", point, "manual", "site", "anna")
    assert store.places_revision() != before
    again = load_gazetteer(store=store)  # a fresh read sees the change: it was written to the store
    assert again.get("V1")["geometry"] == point and again.get("V1")["properties"]["version"] == 2
    added = again.add_place("新桥", "facility", user="anna", source="survey", parent="T")
    assert load_gazetteer(store=store).get(added["id"])["properties"]["name"] == "新桥"
    assert [f["id"] for f in store.load_places()["features"]][:5] == ["T", "T:镇区", "V1", "V2", "R"]


def test_placing_a_place_locates_items_and_the_log_and_undo_live_in_the_store(store):
    write_places(None, _places(), store=store)
    gaz = load_gazetteer(store=store)
    item = make_item("q-1", town="青山镇", places=["水口山水库"], name="水口山水库除险加固", category="reservoir")
    store.save_item(item, expected_version=None, user="build")
    result = locate.place("R", {"type": "Point", "coordinates": [SEAT[0] + 0.02, SEAT[1]]}, "manual", "anna",
                          store=store, gazetteer=gaz)
    assert result.located == ["q-1"] and store.get("q-1")["geometry"] is not None
    assert [r["id"] for r in locate.undoable(store)] == [result.placement_id]
    undo = locate.undo_placement(result.placement_id, "li", store=store, gazetteer=gaz)
    assert undo.restored == ["q-1"] and store.get("q-1")["geometry"] is None
    assert [r["action"] for r in locate.placements(store)] == ["place", "undo"]
    assert load_gazetteer(store=store).get("R")["geometry"] is None


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 10)).save(buf, "PNG")
    return buf.getvalue()


def test_photo_files_are_kept_in_the_store(store):
    data = _png()
    stored = photos.store_photo(data, "field.png", store=store)
    assert photos.photo_bytes(stored.file, store) == data
    assert store.photo_names() == [stored.file]
    assert photos.photo_bytes("20260101-0000000000000000.jpg", store) is None
    with pytest.raises(photos.PhotoError):
        photos.photo_bytes("../escape.png", store)


def test_filtered_items_with_facets_match_the_reference_on_both_engines(store):
    items = [make_item(f"f-{n}", status=s, category=c, area=a) for n, (s, c, a) in enumerate([
        ("planned", "road", "甲岙村"), ("planned", "school", "镇区"), ("completed", "road", "全镇"),
        ("in_progress", "river", "甲岙村"), ("completed", "school", None)])]
    store.save_items(items, user="build", expected_versions=[None] * len(items))
    for flt in (ItemFilter(), ItemFilter(statuses=("planned",)), ItemFilter(categories=("road",), areas=("甲岙村",)),
                ItemFilter(statuses=("completed",), categories=("school",))):
        got, facets = store.filter_with_facets(flt, ("statuses", "categories"))
        want, want_facets = filter_with_facets(store.load(), flt, ("statuses", "categories"))
        assert [f["id"] for f in got] == [f["id"] for f in want]
        assert facets == want_facets
    snap = store.snapshot()
    assert [f["id"] for f in snap] == [f["id"] for f in store.load()] and store.snapshot() is snap
    store.save_item(make_item("f-9"), expected_version=None, user="build")
    assert "f-9" in [f["id"] for f in store.snapshot()]


@pytest.mark.postgis
def test_build_writes_straight_into_postgis_and_checks_what_it_wrote(pg_url, tmp_path, monkeypatch):
    pg = open_store(pg_url)
    write_places(None, _places(), store=pg)
    plan = tmp_path / "qingshan-2021.txt"
    plan.write_text(PLAN, encoding="utf-8")
    report = build_plan(plan, store=pg)
    assert report.items > 0 and report.problems == [] and len(report.merge.added) == report.items
    held = pg.load()
    assert sorted(f["id"] for f in held) == sorted(report.ids)
    assert all(f["properties"]["plan"] == "qingshan-2021" for f in held)
    # the CLI does the same with GEO_STORE_URL and no -o: nothing is written to a data folder
    data = tmp_path / "empty-data"
    data.mkdir()
    env = {**os.environ, "GEO_STORE_URL": pg_url, "GEO_DATA_DIR": str(data)}
    proc = subprocess.run([sys.executable, "-m", "geo", "build", str(plan), "--plan-id", "qingshan-cli"],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "validation: ok" in proc.stdout
    assert {f["properties"]["plan"] for f in pg.load()} == {"qingshan-2021", "qingshan-cli"}
    assert not (data / "projects.geojson").exists()
    pg.close()


@pytest.mark.postgis
def test_store_copy_carries_the_placement_log_and_photo_files(pg_url, tmp_path):
    from geo.store.cli import copy_store

    src = open_store(tmp_path / "src")
    write_places(None, _places(), store=src)
    src.save_item(make_item("c-1", town="青山镇", places=["丙岭村"]), expected_version=None, user="build")
    placed = locate.place("V2", {"type": "Point", "coordinates": [SEAT[0], SEAT[1] + 0.02]}, "manual", "anna",
                          store=src, gazetteer=load_gazetteer(store=src))
    photo = photos.store_photo(_png(), "p.png", store=src)
    copy_store(str(tmp_path / "src"), pg_url)
    copy_store(pg_url, str(tmp_path / "back"))
    for target in (pg_url, str(tmp_path / "back")):
        s = open_store(target)
        assert [r["id"] for r in locate.undoable(s)] == [placed.placement_id]
        assert photos.photo_bytes(photo.file, s) == _png()
        assert load_gazetteer(store=s).get("V2")["geometry"] is not None


def test_many_places_change_at_once_through_the_store_or_not_at_all(store):
    from geo.gazetteer import GazetteerError, rewrite_places

    write_places(None, _places(), store=store)
    before = store.places_revision()

    def rename_villages(features):
        for f in features:
            if f["properties"]["kind"] == "village":
                f["properties"]["aliases"] = f["properties"]["aliases"] + ["新名"]
        changed = [f["id"] for f in features if f["properties"]["kind"] == "village"]
        return features, changed, [{"action": "test_rewrite", "places": changed}]

    rewrite_places(store, rename_villages)
    gaz = load_gazetteer(store=store)
    assert all("新名" in gaz.get(v)["properties"]["aliases"] for v in ("V1", "V2"))
    assert store.places_revision() != before

    def break_one(features):
        features[2]["properties"]["kind"] = "not-a-kind"
        return features, [features[2]["id"]], []

    with pytest.raises(GazetteerError):
        rewrite_places(store, break_one)  # an invalid changed place: nothing is written
    assert load_gazetteer(store=store).get("V1")["properties"]["kind"] == "village"
    unchanged = store.places_revision()
    assert rewrite_places(store, lambda features: None) and store.places_revision() == unchanged
