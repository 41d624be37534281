"""``python -m geo store copy``: folder -> PostGIS -> folder loses nothing (items, history, places)."""
from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo.store import FileStore, open_store
from tests.conftest import make_item

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgis


def geo_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def copy_ok(src, dst, *extra):
    done = geo_cli("store", "copy", str(src), str(dst), *extra)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def places_of(folder: Path):
    path = folder / "places.geojson"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def assert_same_store(a: Path | str, b: Path | str):
    sa, sb = open_store(a), open_store(b)
    assert sa.load() == sb.load()
    assert [f["id"] for f in sa.load()] == [f["id"] for f in sb.load()]
    assert sa.history() == sb.history()


def test_bundled_data_round_trips(tmp_path, pg_url, pg_new_url):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("projects.geojson", "audit.jsonl", "places.geojson"):
        if (ROOT / "data" / name).exists():
            shutil.copy2(ROOT / "data" / name, src / name)
    if not (src / "projects.geojson").exists():
        pytest.skip("no bundled data/projects.geojson yet")
    items = FileStore(src).load()
    assert items, "bundled store is empty"
    out = copy_ok(src, pg_url)
    assert f"copied {len(items)} items" in out.stdout
    back = tmp_path / "back"
    copy_ok(pg_url, back)
    assert_same_store(src, back)
    assert places_of(back) == places_of(src)
    # and a second round trip (another database) gives the first one back byte for byte
    again, second = tmp_path / "again", pg_new_url()
    copy_ok(back, second)
    copy_ok(second, again)
    assert (again / "projects.geojson").read_bytes() == (back / "projects.geojson").read_bytes()
    if (src / "places.geojson").exists():
        assert (again / "places.geojson").read_bytes() == (back / "places.geojson").read_bytes()
    done = geo_cli("validate", str(back / "projects.geojson"))
    assert done.returncode == 0, done.stdout + done.stderr


def rich_folder(folder: Path) -> None:
    """A store exercising every kind of value: all geometry types, extras, history from edits and merges."""
    store = FileStore(folder)
    geoms = [
        None,
        {"type": "Point", "coordinates": [10.123456789012345, 10.000000001]},
        {"type": "Point", "coordinates": [10.0, 10.0, 35.5]},
        {"type": "MultiPoint", "coordinates": [[10, 10], [10.5, 10.5]]},
        {"type": "LineString", "coordinates": [[10, 10], [11, 11], [12, 10]]},
        {"type": "MultiLineString", "coordinates": [[[10, 10], [11, 11]], [[12, 12], [13, 13]]]},
        {"type": "Polygon", "coordinates": [[[10, 10], [11, 10], [11, 11], [10, 11], [10, 10]]]},
        {"type": "MultiPolygon", "coordinates": [[[[10, 10], [11, 10], [11, 11], [10, 10]]]]},
        {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [10, 10]},
                                                      {"type": "LineString", "coordinates": [[10, 10], [11, 11]]}]},
        {"type": "Polygon", "coordinates": [[[10, 10], [11, 10], [11, 11], [10, 11]]]},  # ring not closed
    ]
    for i, g in enumerate(geoms):
        f = make_item(f"c-{i}", geometry=g, precision="site" if g else "none",
                      geometry_source="manual" if g else None, name=f"项目{i}<b>&",
                      quantity={"value": 2.5, "unit": "公里", "qualifier": "at_least"} if i % 2 else None,
                      budget_wan=1200 if i % 3 == 0 else (12.0 if i % 3 == 1 else None),
                      x_source_page=i, x_nested={"a": [1, {"b": None}], "z": "末"},
                      photos=[{"file": f"p{i}.jpg", "caption": "现场", "lon": 10.1, "lat": 10.2}] if i == 1 else [])
        if i == 2:
            f["bbox"] = [10.0, 10.0, 10.0, 10.0]  # a foreign member of the Feature
        store.save_item(f, expected_version=None, user="alice")
    edit = copy.deepcopy(store.get("c-1"))
    edit["properties"]["status"] = "completed"
    edit["properties"]["notes"] = "引号\"与\n换行"
    store.save_item(edit, expected_version=1, user="bob")
    dropped = copy.deepcopy(store.get("c-3"))
    dropped["properties"]["dropped"] = True
    store.save_item(dropped, expected_version=1, user="carol")
    (folder / "places.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "name": "测试地名", "x_sources": ["unit test"],
        "features": [
            {"type": "Feature", "id": "pl-1", "geometry": {"type": "Point", "coordinates": [10, 10]},
             "properties": {"id": "pl-1", "name": "甲村", "kind": "village"}},
            {"type": "Feature", "id": "pl-2", "geometry": None, "properties": {"id": "pl-2", "name": "乙村", "kind": "village"}},
        ]}, ensure_ascii=False), encoding="utf-8")


def test_every_kind_of_value_round_trips(tmp_path, pg_url):
    src = tmp_path / "src"
    rich_folder(src)
    copy_ok(src, pg_url)
    pg = open_store(pg_url)
    assert pg.get("c-2")["bbox"] == [10.0, 10.0, 10.0, 10.0]
    assert [p["file"] for p in pg.photos("c-1")] == ["p1.jpg"]
    back = tmp_path / "back"
    out = copy_ok(pg_url, back)
    assert "2 places" in out.stdout
    assert_same_store(src, back)
    assert places_of(back) == places_of(src)
    # the bbox query finds the unclosed-ring item in PostGIS as in the file
    from geo.store import ItemFilter
    flt = ItemFilter(bbox=(10.9, 10.9, 10.95, 10.95), include_dropped=True)
    assert [f["id"] for f in pg.query(flt)] == [f["id"] for f in FileStore(src).query(flt)]


def test_copy_refuses_a_store_that_has_items_unless_replace(tmp_path, pg_url):
    src = tmp_path / "src"
    rich_folder(src)
    copy_ok(src, pg_url)
    pg = open_store(pg_url)
    before = pg.load()
    other = tmp_path / "other"
    FileStore(other).save_item(make_item("o-1"), expected_version=None, user="dave")
    done = geo_cli("store", "copy", str(other), pg_url)
    assert done.returncode == 1
    assert "already holds" in done.stderr and "--replace" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert pg.load() == before
    old_history = pg.history()
    copy_ok(other, pg_url, "--replace")
    assert [f["id"] for f in pg.load()] == ["o-1"]
    history = pg.history()
    assert history[:len(old_history)] == old_history  # nothing forgotten
    assert any(e.action == "restore" and e.item == "o-1" for e in history)


def test_copy_reports_bad_input_in_one_line(tmp_path, pg_url):
    missing = geo_cli("store", "copy", str(tmp_path / "nope"), pg_url)
    assert missing.returncode == 1 and "no such folder" in missing.stderr and "Traceback" not in missing.stderr
    bad_url = geo_cli("store", "copy", str(tmp_path), "postgresql://nobody:secret@127.0.0.1:1/none")
    assert bad_url.returncode == 1 and "cannot connect" in bad_url.stderr
    assert "secret" not in bad_url.stderr  # the password is never printed
    # an invalid item in SRC: nothing copied
    src = tmp_path / "src"
    rich_folder(src)
    doc = json.loads((src / "projects.geojson").read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["status"] = "maybe"
    (src / "projects.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    done = geo_cli("store", "copy", str(src), pg_url)
    assert done.returncode == 1 and "c-0" in done.stderr and "status" in done.stderr
    assert open_store(pg_url).load() == [] and open_store(pg_url).history() == []


def test_copy_without_gazetteer(tmp_path, pg_url):
    src = tmp_path / "src"
    FileStore(src).save_item(make_item("a-1"), expected_version=None, user="alice")
    out = copy_ok(src, pg_url)
    assert "no gazetteer" in out.stdout
    back = tmp_path / "back"
    copy_ok(pg_url, back)
    assert not (back / "places.geojson").exists()
    assert_same_store(src, back)
