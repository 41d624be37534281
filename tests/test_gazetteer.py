"""Gazetteer: seeding from the real source files, lookup with admin context, atomic placing."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo import coords
from geo.config import PROJECT_ROOT
from geo.gazetteer import GazetteerError, SeedError, load_gazetteer, seed_places, validate_place, write_places

SOURCES = PROJECT_ROOT.parent / "shared" / "data" / "gazetteer-sources"
needs_sources = pytest.mark.skipif(not SOURCES.is_dir(), reason="shared gazetteer sources not present")


def source_rows(name):
    with (SOURCES / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def seeded():
    return seed_places(SOURCES)


@needs_sources
def test_every_village_of_the_latest_list_is_a_place_with_its_code(seeded):
    rows = source_rows("dongcheng_villages_codes.csv")
    latest = max(int(k[7:]) for k in rows[0] if k.startswith("in_nbs_"))
    current_codes = {r["admin_code_12"] for r in rows if r[f"in_nbs_{latest}"] == "Y"}
    places = {p["properties"]["admin_code"]: p for p in seeded if p["properties"]["kind"] == "village"}
    assert current_codes <= set(places)
    assert all(places[c]["properties"]["listing"] == "current" for c in current_codes)
    # every code of every year is reachable: as a place's code or as a former code
    all_codes = {p["properties"]["admin_code"] for p in seeded} | {
        c for p in seeded for c in p["properties"].get("former_admin_codes", [])}
    assert {r["admin_code_12"] for r in rows} <= all_codes


@needs_sources
def test_names_used_only_in_older_lists_are_places_with_their_short_names(seeded):
    rows = source_rows("dongcheng_villages_codes.csv")
    former = [r for r in rows if not r["name_2020"]]
    by_name = {p["properties"]["name"]: p for p in seeded}
    for r in former:
        short = r["short_name"]
        name = short if short.endswith("村") else short + "村"
        assert name in by_name, name
        assert r["name_2016"] in by_name[name]["properties"]["aliases"]


@needs_sources
def test_no_coordinate_is_invented(seeded):
    """Every position in the gazetteer is a position of a source file."""
    allowed = {(float(r["lon"]), float(r["lat"])) for r in source_rows("places.csv")}
    outline = json.loads((SOURCES / "linhai_county_amap_wgs84_converted.geojson").read_text(encoding="utf-8"))
    for f in outline["features"]:
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                allowed |= {tuple(p) for p in ring}

    def positions(c):
        if c and isinstance(c[0], (int, float)):
            yield tuple(c[:2])
        else:
            for x in c:
                yield from positions(x)

    located = [p for p in seeded if p["geometry"]]
    assert located
    for p in located:
        for pos in positions(p["geometry"]["coordinates"]):
            assert pos in allowed, (p["id"], pos)
        assert p["properties"]["geometry_source"] and p["properties"]["licence"]
    # villages have no coordinates in any source, so none is located
    assert not [p for p in seeded if p["properties"]["kind"] == "village" and p["geometry"]]


@needs_sources
def test_town_points_are_wgs84_and_keep_the_published_gcj02_original(seeded):
    towns = [p for p in seeded if p["properties"]["kind"] == "town"]
    assert towns
    for t in towns:
        orig = t["properties"]["original"]
        assert orig["datum"] == "gcj02" and t["properties"]["datum"] == "gcj02"
        back = coords.wgs84_to_gcj02(*t["geometry"]["coordinates"])
        assert back == pytest.approx((orig["lon"], orig["lat"]), abs=2e-6)
        assert t["properties"]["represents"] == "seat"


@needs_sources
def test_seed_is_valid_deterministic_and_matches_the_committed_file(seeded, tmp_path):
    assert [p for f in seeded for p in validate_place(f)] == []
    again = seed_places(SOURCES)
    assert [p["id"] for p in again] == [p["id"] for p in seeded]
    committed = PROJECT_ROOT / "data" / "places.geojson"
    if committed.exists():
        ids = {f["id"] for f in json.loads(committed.read_text(encoding="utf-8"))["features"]}
        assert {p["id"] for p in seeded} <= ids


def test_lookup_uses_the_admin_context(tmp_path):
    gaz_path = tmp_path / "places.geojson"
    lon, lat = coords.gcj02_to_wgs84(121.0, 29.0)  # any point: the test is about names
    places = [
        {"type": "Feature", "id": "T1", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": _props("T1", "甲镇", "town", ["甲"], None, geometry_source="seed", precision="site")},
        {"type": "Feature", "id": "T2", "geometry": None, "properties": _props("T2", "乙镇", "town", ["乙"], None)},
        {"type": "Feature", "id": "V1", "geometry": None, "properties": _props("V1", "下街村", "village", ["下街", "下街村委会"], "T1")},
        {"type": "Feature", "id": "V2", "geometry": None, "properties": _props("V2", "下街村", "village", ["下街"], "T2")},
        {"type": "Feature", "id": "V3", "geometry": None, "properties": _props("V3", "岭根村", "village", ["岭根"], "T2")},
    ]
    write_places(gaz_path, places)
    gaz = load_gazetteer(gaz_path)
    assert gaz.lookup("下街", town="乙镇").place_id == "V2"
    assert gaz.lookup("下街", town="甲").place_id == "V1"
    assert gaz.lookup("下街村委会", town="甲镇").place_id == "V1"
    unsure = gaz.lookup("下街")
    assert unsure.alternatives  # two towns have one: the caller is told
    assert gaz.lookup("岭根", town="乙镇").name == "岭根村"
    # loose matches stay inside the plan's town
    assert gaz.lookup("岭根村文旅节点", town="乙镇").partial
    assert gaz.lookup("岭根村文旅节点", town="甲镇") is None
    assert gaz.lookup("   ") is None


def _props(pid, name, kind, aliases, parent, **extra):
    base = {"id": pid, "name": name, "aliases": aliases, "kind": kind, "admin_code": None, "parent": parent,
            "precision": "none", "source": "test", "licence": None, "datum": None, "geometry_source": None,
            "version": 1, "updated_at": "2026-01-01T00:00:00+00:00", "updated_by": "test", "listing": "current"}
    base.update(extra)
    return base


@pytest.fixture
def gaz(tmp_path):
    write_places(tmp_path / "places.geojson", [
        {"type": "Feature", "id": "T1", "geometry": None, "properties": _props("T1", "甲镇", "town", ["甲"], None)},
        {"type": "Feature", "id": "V1", "geometry": None, "properties": _props("V1", "岭根村", "village", ["岭根"], "T1")},
    ])
    return load_gazetteer(tmp_path / "places.geojson")


def test_set_geometry_persists_audits_and_refuses_stale_versions(gaz, tmp_path):
    gcj = (121.2, 28.9)
    wgs = coords.gcj02_to_wgs84(*gcj)
    placed = gaz.set_geometry("V1", {"type": "Point", "coordinates": list(wgs)}, "manual", "site", "editor",
                              datum_original="gcj02", expected_version=1)
    assert placed["properties"]["version"] == 2
    assert placed["properties"]["original"]["datum"] == "gcj02"
    assert (placed["properties"]["original"]["lon"], placed["properties"]["original"]["lat"]) == pytest.approx(gcj, abs=1e-6)
    reread = load_gazetteer(tmp_path / "places.geojson").get("V1")
    assert reread["geometry"]["coordinates"] == list(wgs) and reread["properties"]["geometry_source"] == "manual"
    audit = [json.loads(line) for line in (tmp_path / "places_audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert audit[-1]["place"] == "V1" and audit[-1]["user"] == "editor" and audit[-1]["old_geometry"] is None
    with pytest.raises(GazetteerError, match="your version 1, now 2"):
        gaz.set_geometry("V1", None, "manual", "none", "other", expected_version=1)


def test_bad_geometry_is_refused_and_nothing_changes(gaz, tmp_path):
    before = (tmp_path / "places.geojson").read_bytes()
    with pytest.raises(GazetteerError, match="not saved"):
        gaz.set_geometry("V1", {"type": "Point", "coordinates": [500.0, 28.0]}, "manual", "site", "editor")
    with pytest.raises(GazetteerError, match="not in the gazetteer"):
        gaz.set_geometry("nope", None, "manual", "none", "editor")
    with pytest.raises(GazetteerError, match="needs a user"):
        gaz.set_geometry("V1", None, "manual", "none", "")
    assert (tmp_path / "places.geojson").read_bytes() == before


def test_add_place_and_unlocated_places_referenced(gaz, item_factory):
    added = gaz.add_place("水口山水库", "reservoir", parent="T1", user="editor", source="plan text")
    assert added["id"] == "reservoir:T1:水口山水库" and added["properties"]["town"] == "甲镇"
    with pytest.raises(GazetteerError, match="already exists"):
        gaz.add_place("水口山水库", "reservoir", parent="T1", user="editor", source="plan text")
    items = [item_factory("a", places=["岭根"], town="甲镇"), item_factory("b", places=["岭根村", "水口山水库"], town="甲镇"),
             item_factory("c", places=[], town="甲镇")]
    unlocated = gaz.unlocated_places_referenced(items)
    assert [(e["name"], e["count"]) for e in unlocated] == [("岭根村", 2), ("水口山水库", 1)]
    gaz.set_geometry("V1", {"type": "Polygon", "coordinates": [[[121.2, 28.9], [121.21, 28.9], [121.21, 28.91], [121.2, 28.9]]]},
                     "draw", "boundary", "editor")
    assert [e["name"] for e in gaz.unlocated_places_referenced(items)] == ["水口山水库"]


def run_cli(*argv, env=None):
    return subprocess.run([sys.executable, "-m", "geo", *argv], capture_output=True, text=True, cwd=PROJECT_ROOT, env=env)


@needs_sources
def test_seed_cli_keeps_places_people_located(tmp_path):
    out = tmp_path / "places.geojson"
    done = run_cli("gazetteer", "seed", "--sources", str(SOURCES), "-o", str(out))
    assert done.returncode == 0, done.stderr
    gaz = load_gazetteer(out)
    village = gaz.lookup("岭根", town="东塍镇")
    pos = coords.gcj02_to_wgs84(121.2, 28.95)  # a location a person would have drawn
    gaz.set_geometry(village.place_id, {"type": "Point", "coordinates": list(pos)}, "gps", "site", "field")
    done = run_cli("gazetteer", "seed", "--sources", str(SOURCES), "-o", str(out))
    assert done.returncode == 0 and "1 placed by people kept" in done.stdout
    assert load_gazetteer(out).get(village.place_id)["properties"]["geometry_source"] == "gps"


def test_seed_reports_bad_source_rows(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    gcj = (121.3, 28.9)
    wrong = coords.gcj02_to_wgs84(121.31, 28.9)  # the WGS-84 row of another point
    (src / "places.csv").write_text(
        "name,kind,admin_code,lon,lat,datum,source_repo,source_path,licence_or_note\n"
        f"甲镇,town_seat_point,331082199,{gcj[0]},{gcj[1]},GCJ-02,r,p,n\n"
        f"甲镇,town_seat_point,331082199,{wrong[0]},{wrong[1]},WGS-84 (converted from GCJ-02 row above),r,p,n\n",
        encoding="utf-8")
    with pytest.raises(SeedError, match="places.csv row 3: the WGS-84 point of 甲镇 is not the conversion"):
        seed_places(src)
    with pytest.raises(SeedError, match="no such folder"):
        seed_places(tmp_path / "missing")
    done = run_cli("gazetteer", "seed", "--sources", str(src), "-o", str(tmp_path / "p.geojson"))
    assert done.returncode == 1 and "row 3" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "p.geojson").exists()
