"""The store contract, run against both engines: the GeoJSON file store and PostGIS.

Whatever the app, CLI and exports may ask of a store must give the same answer on
either. File-only concerns (atomic write, crash recovery) are in test_store_file.py.
"""
from __future__ import annotations

import copy
import multiprocessing
import os
import random

import pytest

from geo.query import count_items, filter_items
from geo.store import FileStore, InvalidItem, ItemFilter, StoreError, VersionConflict, open_store
from tests.conftest import make_item


@pytest.fixture(params=["file", pytest.param("postgis", marks=pytest.mark.postgis)])
def store_target(request, tmp_path):
    """What open_store() is given: a data folder, or a postgresql:// URL of an empty schema."""
    if request.param == "file":
        return str(tmp_path / "data")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_target):
    s = open_store(store_target)
    yield s
    if hasattr(s, "close"):
        s.close()


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


def saved(store, item_id, user="alice", **props):
    return store.save_item(make_item(item_id, **props), expected_version=None, user=user)


def ids(features):
    return [f["id"] for f in features]


# Synthetic test geometry (abstract positions, not places): a small grid around (10, 10).
def seed(store):
    rows = [
        ("r-1", dict(area="镇区", status="planned", category="road", name="镇区道路提升",
                     geometry=point(10.0, 10.0), precision="site", geometry_source="manual")),
        ("r-2", dict(area="甲村", status="completed", category="road", name="甲村道路硬化",
                     geometry={"type": "LineString", "coordinates": [[10.5, 10.5], [11.5, 11.5]]},
                     precision="segment", geometry_source="draw")),
        ("w-1", dict(area="乙村", status="in_progress", category="reservoir", name="乙村水库除险加固",
                     notes="汛前完成", geometry=point(12.0, 12.0), precision="village", geometry_source="gazetteer")),
        ("s-1", dict(area="全镇", status="proposed", category="telecom", name="5G基站建设", places=["甲村", "乙村"])),
        ("x-1", dict(area="镇区", status="planned", category="school", name="中心小学扩建", dropped=True,
                     geometry=point(10.2, 10.2), precision="site", geometry_source="manual")),
        ("y-1", dict(area=None, status="suspended", category="other", name="Ｗｉｄｅ Ｎａｍｅ 项目", year=2021,
                     plan="other-plan", geometry={"type": "Polygon", "coordinates": [[[9, 9], [9.5, 9], [9.5, 9.5], [9, 9]]]},
                     precision="site", geometry_source="draw")),
    ]
    for item_id, props in rows:
        saved(store, item_id, text=props["name"], **props)
    return [r[0] for r in rows]


# ---- save / get / query --------------------------------------------------
def test_save_get_load_keep_store_order(store):
    order = seed(store)
    assert ids(store.load()) == order
    got = store.get("r-2")
    assert got["properties"]["version"] == 1 and got["properties"]["updated_by"] == "alice"
    assert got["geometry"] == {"type": "LineString", "coordinates": [[10.5, 10.5], [11.5, 11.5]]}
    assert got["properties"]["id"] == got["id"] == "r-2"
    assert store.get("nope") is None
    # an update keeps the item's place in the order
    changed = copy.deepcopy(store.get("r-1"))
    changed["properties"]["notes"] = "改线"
    store.save_item(changed, expected_version=1, user="bob")
    assert ids(store.load()) == order
    # another store object on the same target (another app server) sees it
    other = open_store(store.url if hasattr(store, "url") else store.directory)
    assert other.get("r-1")["properties"]["notes"] == "改线"


def test_saving_unchanged_item_does_not_bump_version(store):
    seed(store)
    same = store.get("w-1")
    again = store.save_item(same, expected_version=1, user="bob")
    assert again["properties"]["version"] == 1
    assert store.get("w-1")["properties"]["updated_by"] == "alice"


@pytest.mark.parametrize("flt, expected", [
    (ItemFilter(), ["r-1", "r-2", "w-1", "s-1", "y-1"]),
    (ItemFilter(include_dropped=True), ["r-1", "r-2", "w-1", "s-1", "x-1", "y-1"]),
    (ItemFilter(areas=("镇区",)), ["r-1"]),
    (ItemFilter(areas=("镇区",), include_dropped=True), ["r-1", "x-1"]),
    (ItemFilter(areas=(None,)), ["y-1"]),
    (ItemFilter(statuses=("planned", "completed")), ["r-1", "r-2"]),
    (ItemFilter(categories=("road",), statuses=("completed",)), ["r-2"]),
    (ItemFilter(years=(2021,)), ["y-1"]),
    (ItemFilter(plans=("test-plan",)), ["r-1", "r-2", "w-1", "s-1"]),
    (ItemFilter(precisions=("site",)), ["r-1", "y-1"]),
    (ItemFilter(text="道路"), ["r-1", "r-2"]),
    (ItemFilter(text="甲村 道路"), ["r-2"]),          # every word must match
    (ItemFilter(text="乙村"), ["w-1", "s-1"]),         # area, places
    (ItemFilter(text="汛前"), ["w-1"]),                # notes
    (ItemFilter(text="wide name"), ["y-1"]),           # NFKC + casefold: full-width Latin
    (ItemFilter(text="%"), []),                         # LIKE wildcards are plain characters
    (ItemFilter(text="_"), []),
    (ItemFilter(bbox=(9.9, 9.9, 10.1, 10.1)), ["r-1"]),
    (ItemFilter(bbox=(9.9, 9.9, 10.3, 10.3), include_dropped=True), ["r-1", "x-1"]),
    (ItemFilter(bbox=(11.0, 11.0, 13.0, 13.0)), ["r-2", "w-1"]),
    (ItemFilter(bbox=(12.0, 12.0, 12.0, 12.0)), ["w-1"]),  # touching the edge counts
    (ItemFilter(bbox=(9.4, 9.4, 9.45, 9.45)), ["y-1"]),     # inside the polygon's bounds
    (ItemFilter(bbox=(20.0, 20.0, 21.0, 21.0)), []),
    (ItemFilter(bbox=(9.0, 9.0, 13.0, 13.0), categories=("road",), text="甲村"), ["r-2"]),
])
def test_filters(store, flt, expected):
    seed(store)
    assert ids(store.query(flt)) == expected


def test_counts_match_the_reference(store):
    seed(store)
    for flt in (None, ItemFilter(), ItemFilter(include_dropped=True), ItemFilter(areas=("镇区", "甲村")),
                ItemFilter(bbox=(9.0, 9.0, 11.0, 11.0)), ItemFilter(text="zzz")):
        got = store.counts(flt)
        assert got == count_items(store.load(), flt)
    c = store.counts()
    assert c["total"] == 5 and c["located"] == 4
    assert c["category"] == {"road": 2, "reservoir": 1, "telecom": 1, "other": 1}
    assert c["area"] == {"镇区": 1, "甲村": 1, "乙村": 1, "全镇": 1, None: 1}


def test_viewport_limits_and_counts(store):
    seed(store)
    vp = store.viewport(ItemFilter(), (9.0, 9.0, 13.0, 13.0), limit=2)
    assert ids(vp.features) == ["r-1", "r-2"] and vp.total == 4 and vp.truncated
    vp = store.viewport(ItemFilter(categories=("road",)), (9.0, 9.0, 13.0, 13.0), limit=10)
    assert ids(vp.features) == ["r-1", "r-2"] and vp.total == 2 and not vp.truncated
    vp = store.viewport(None, (9.0, 9.0, 13.0, 13.0), limit=0)
    assert vp.features == [] and vp.total == 4


def test_random_filters_agree_with_reference(store):
    """Many items and random filters: the store's answer equals geo.query.filter_items over load()."""
    rng = random.Random(7)
    areas = ["镇区", "全镇", "甲村", "乙村", None]
    statuses = ["proposed", "planned", "in_progress", "completed", "suspended"]
    cats = ["road", "river", "school", "telecom"]
    words = ["道路", "河道", "学校", "基站", "改造", "新建"]
    items = []
    for i in range(150):
        geom = None
        if rng.random() < 0.8:
            x, y = rng.uniform(0, 4), rng.uniform(0, 4)
            if rng.random() < 0.5:
                geom = point(round(x, 6), round(y, 6))
            else:
                geom = {"type": "LineString", "coordinates": [[x, y], [x + rng.uniform(0, 1), y + rng.uniform(-1, 1)]]}
        items.append(make_item(f"q-{i:03d}", area=rng.choice(areas), status=rng.choice(statuses),
                               category=rng.choice(cats), name=rng.choice(words) + str(i),
                               text=" ".join(rng.sample(words, 2)), dropped=rng.random() < 0.1,
                               year=rng.choice([2020, 2021]), geometry=geom,
                               precision="site" if geom else "none",
                               geometry_source="manual" if geom else None))
    store.save_items(items, user="alice", expected_versions=[None] * len(items))
    everything = store.load()
    for _ in range(60):
        w, s = rng.uniform(-0.5, 4), rng.uniform(-0.5, 4)
        flt = ItemFilter(
            areas=tuple(rng.sample(areas, rng.randint(0, 2))),
            statuses=tuple(rng.sample(statuses, rng.randint(0, 2))),
            categories=tuple(rng.sample(cats, rng.randint(0, 2))),
            years=tuple(rng.sample([2020, 2021], rng.randint(0, 1))),
            text=rng.choice(["", "", "道路", "新建 改造", "1"]),
            bbox=rng.choice([None, (w, s, w + rng.uniform(0, 2), s + rng.uniform(0, 2))]),
            include_dropped=rng.random() < 0.3,
        )
        assert ids(store.query(flt)) == ids(filter_items(everything, flt)), flt
        assert store.counts(flt) == count_items(everything, flt), flt


# ---- conflicts, validation, history --------------------------------------
def test_stale_version_is_refused_and_nothing_changes(store):
    first = saved(store, "a-1")
    mine, theirs = copy.deepcopy(first), copy.deepcopy(first)
    theirs["properties"]["status"] = "completed"
    store.save_item(theirs, expected_version=1, user="bob")
    mine["properties"]["notes"] = "我的修改"
    with pytest.raises(VersionConflict) as err:
        store.save_item(mine, expected_version=1, user="carol")
    assert err.value.expected == 1 and err.value.actual == 2 and err.value.updated_by == "bob"
    assert "reload" in str(err.value)
    now = store.get("a-1")
    assert now["properties"]["status"] == "completed" and now["properties"]["notes"] is None
    assert now["properties"]["version"] == 2
    # creating an id that already exists is a conflict too, not an overwrite
    with pytest.raises(VersionConflict):
        store.save_item(make_item("a-1", name="另一个"), expected_version=None, user="dave")
    assert store.get("a-1")["properties"]["name"] == "测试项目"


def test_batch_with_one_conflict_saves_nothing(store):
    saved(store, "a-1")
    batch = [make_item("b-1"), make_item("a-1", notes="x")]
    with pytest.raises(VersionConflict):
        store.save_items(batch, user="bob", expected_versions=[None, 5])
    assert store.get("b-1") is None
    assert store.get("a-1")["properties"]["notes"] is None


def test_invalid_item_refused_and_nothing_changed(store):
    saved(store, "a-1")
    before_items, before_history = store.load(), store.history()
    bad = make_item("b-2", category="spaceport")
    with pytest.raises(InvalidItem) as err:
        store.save_items([make_item("b-1"), bad], user="bob", expected_versions=[None, None])
    assert "category" in str(err.value) and "b-2" in str(err.value)
    broken = copy.deepcopy(store.get("a-1"))
    broken["geometry"] = {"type": "Point", "coordinates": [500, 10]}
    with pytest.raises(InvalidItem):
        store.save_item(broken, expected_version=1, user="bob")
    assert store.load() == before_items
    assert store.history() == before_history
    assert store.get("b-1") is None


def test_audit_history_records_who_what_when(store):
    first = saved(store, "a-1", user="alice")
    edit = copy.deepcopy(first)
    edit["properties"]["status"] = "in_progress"
    edit["geometry"] = point(10.0, 10.0)
    edit["properties"]["precision"] = "site"
    edit["properties"]["geometry_source"] = "gps"
    store.save_item(edit, expected_version=1, user="bob")
    saved(store, "b-1", user="carol")
    hist = store.history("a-1")
    assert {e.item for e in hist} == {"a-1"}
    assert [e.action for e in hist if e.user == "alice"] == ["create"] * len([e for e in hist if e.user == "alice"])
    bob = {e.field: e for e in hist if e.user == "bob"}
    assert set(bob) == {"status", "geometry", "precision", "geometry_source"}
    assert (bob["status"].old, bob["status"].new, bob["status"].version) == ("planned", "in_progress", 2)
    assert bob["geometry"].old is None and bob["geometry"].new == point(10.0, 10.0)
    assert bob["status"].ts.endswith("+00:00")
    everything = store.history()
    assert {e.item for e in everything} == {"a-1", "b-1"}
    assert everything.index(hist[0]) < everything.index(bob["status"])  # oldest first
    # a person's edit is remembered as theirs
    assert "status" in store.get("a-1")["properties"]["edited_fields"]


# ---- merge ---------------------------------------------------------------
def extracted(item_id, **props):
    f = make_item(item_id, **props)
    for k in ("version", "updated_at", "updated_by"):
        f["properties"].pop(k, None)
    f["properties"]["version"] = 1
    return f


def test_merge_keeps_human_edits_and_flags_items_gone(store):
    first = store.merge_extracted([extracted("m-1", name="旧名"), extracted("m-2"), extracted("m-3")], user="build")
    assert first.added == ["m-1", "m-2", "m-3"]
    # people edit: status, notes, a GPS location, and a name (an edited field)
    m1 = copy.deepcopy(store.get("m-1"))
    m1["properties"].update(status="completed", notes="已验收", name="人工改名",
                            precision="exact", geometry_source="gps")
    m1["geometry"] = point(10.0, 10.0)
    store.save_item(m1, expected_version=1, user="field-worker")
    # a rebuild: m-1 re-extracted with other values, m-2 unchanged, m-3 gone, m-4 new
    report = store.merge_extracted([
        extracted("m-1", name="新名", status="planned", text="新的原文", precision="town", geometry_source="gazetteer",
                  geometry=point(11.0, 11.0)),
        extracted("m-2"),
        extracted("m-4"),
    ], user="build")
    assert report.added == ["m-4"] and report.updated == ["m-1"] and report.unchanged == ["m-2"]
    assert report.kept_missing == ["m-3"]
    assert set(report.kept_human_fields["m-1"]) >= {"status", "notes", "name", "geometry"}
    m1 = store.get("m-1")
    p = m1["properties"]
    assert (p["status"], p["notes"], p["name"]) == ("completed", "已验收", "人工改名")
    assert m1["geometry"] == point(10.0, 10.0) and p["geometry_source"] == "gps" and p["precision"] == "exact"
    assert p["text"] == "新的原文"  # machine-owned fields do follow the plan
    assert p["version"] == 3
    m3 = store.get("m-3")
    assert "not_in_latest_extraction" in m3["properties"]["flags"]
    # running the same merge again changes nothing
    again = store.merge_extracted([
        extracted("m-1", name="新名", status="planned", text="新的原文", precision="town", geometry_source="gazetteer",
                  geometry=point(11.0, 11.0)),
        extracted("m-2"), extracted("m-4"),
    ], user="build")
    assert again.added == [] and again.updated == [] and sorted(again.unchanged) == ["m-1", "m-2", "m-4"]
    assert again.kept_missing == ["m-3"] and store.get("m-3")["properties"]["version"] == m3["properties"]["version"]
    # merge history is recorded as such
    assert any(e.action == "merge" and e.field == "text" for e in store.history("m-1"))
    # m-3 comes back: flag cleared
    store.merge_extracted([extracted("m-3")], user="build")
    assert "flags" not in store.get("m-3")["properties"]


def test_merge_with_invalid_item_changes_nothing(store):
    store.merge_extracted([extracted("m-1"), extracted("m-2")], user="build")
    before = store.load(), store.history()
    with pytest.raises(InvalidItem):
        store.merge_extracted([extracted("m-1", text="变了"), extracted("m-9", status="unknown")], user="build")
    assert (store.load(), store.history()) == before


def test_replace_all_and_history_copy(store):
    seed(store)
    items = store.load()
    hist = store.history()
    trimmed = items[:3]
    store.replace_all(trimmed, user="restore")
    assert store.load() == trimmed
    assert store.history()[:len(hist)] == hist
    store.replace_all(items, user="restore", audit=False)
    assert store.load() == items
    with pytest.raises(InvalidItem):
        bad = copy.deepcopy(items[0])
        bad["properties"]["status"] = "?"
        store.replace_all([bad], user="restore")
    assert store.load() == items


# ---- concurrency: no lost update -------------------------------------------
def _bump(target: str, item_id: str, saves: int) -> int:
    """Worker process: ``saves`` successful increments of x_counter, retrying on conflict."""
    store = open_store(target)
    retries = 0
    done = 0
    while done < saves:
        item = store.get(item_id)
        item["properties"]["x_counter"] += 1
        try:
            store.save_item(item, expected_version=item["properties"]["version"], user=f"worker-{os.getpid()}")
            done += 1
        except VersionConflict:
            retries += 1
        except StoreError as exc:  # e.g. the file lock timed out under load: try again, like a person would
            if "lock" not in str(exc):
                raise
            retries += 1
    return retries


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_concurrent_writers_lose_no_update(store_target):
    writers, saves = 8, 200
    store = open_store(store_target)
    store.save_item(make_item("hot-1", x_counter=0), expected_version=None, user="alice")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(writers) as pool:
        # a bounded wait: a stuck writer fails the test instead of hanging the suite
        retries = pool.starmap_async(_bump, [(store_target, "hot-1", saves)] * writers).get(timeout=480)
    final = store.get("hot-1")["properties"]
    assert final["x_counter"] == writers * saves
    assert final["version"] == writers * saves + 1
    steps = [(e.old, e.new, e.version) for e in store.history("hot-1") if e.field == "x_counter" and e.action == "update"]
    assert sorted(steps) == [(n, n + 1, n + 2) for n in range(writers * saves)]
    print(f"{type(store).__name__}: {writers}x{saves} saves, {sum(retries)} conflicts retried")
