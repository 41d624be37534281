"""Any town: the division index, seat matching, seeding and building, on a small index built by the
real builder (tests/divisions_fixture.py), so these run without the national index."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from geo.config import PROJECT_ROOT
from geo.gazetteer import load_gazetteer
from geo.gazetteer.detect import detect_town
from geo.gazetteer.divisions import AmbiguousTown, IndexMissing, UnknownTown, open_index, village_name
from geo.gazetteer.divisions_build import is_current
from geo.gazetteer.towns import seed_town
from tests import divisions_fixture as fx


@pytest.fixture
def index_path(tmp_path, monkeypatch):
    path = fx.build(tmp_path / "index", monkeypatch=monkeypatch)
    monkeypatch.setenv("GEO_DIVISIONS", str(path))
    return path


@pytest.fixture
def index(index_path):
    return open_index(index_path)


def run_cli(*argv, env_index=None):
    env = dict(os.environ)
    if env_index is not None:
        env["GEO_DIVISIONS"] = str(env_index)
    return subprocess.run([sys.executable, "-m", "geo", *argv], capture_output=True, text=True, cwd=PROJECT_ROOT,
                          env=env, timeout=300)


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()} if folder.exists() else {}


# ---- names ----------------------------------------------------------------
@pytest.mark.parametrize("nbs, plan", [("岭根村委会", "岭根村"), ("岭根村民委员会", "岭根村"), ("娄村村委会", "娄村"),
                                       ("多福巷社区居委会", "多福巷社区"), ("东城居委会", "东城社区"),
                                       ("敦达乌苏嘎查委员会", "敦达乌苏嘎查"), ("新月村委会（新月工业小区）", "新月村"),
                                       ("西铁营村", "西铁营村")])
def test_nbs_committee_names_become_the_names_plans_use(nbs, plan):
    assert village_name(nbs) == plan


# ---- the index ------------------------------------------------------------
def test_former_units_and_names_come_from_the_older_list(index):
    villages = {v.code: v for v in index.villages("331082101")}
    assert villages["331082101213"].listing == "former" and villages["331082101213"].years == (2018, 2018)
    assert villages["331082101247"].name == "康谷村" and "康二村" in villages["331082101247"].former_names
    assert villages["331082101200"].listing == "current" and "下街村委会" in villages["331082101200"].former_nbs_names
    assert index.town("331082150").listing == "former"
    assert index.town("331082001").name == "古城街道"  # 2018's 古城街道办事处


def test_town_search_with_and_without_suffix_and_county(index):
    assert [t.code for t in index.search_towns("东塍")] == ["331082101"]
    assert {t.code for t in index.search_towns("古城")} == {"331082001", "331003001"}
    assert index.find_town("东塍镇").code == "331082101"
    assert index.find_town("古城街道", within="黄岩区").code == "331003001"
    assert index.find_town("古城", within="临海").code == "331082001"
    with pytest.raises(AmbiguousTown) as amb:
        index.find_town("古城街道")
    assert {t.code for t in amb.value.candidates} == {"331082001", "331003001"} and "--county" in str(amb.value)
    with pytest.raises(UnknownTown, match="黄岩区 has no town"):
        index.find_town("东塍镇", within="黄岩区")
    with pytest.raises(UnknownTown, match="in no NBS list"):
        index.find_town("不存在镇")


def test_a_missing_index_says_what_to_run(tmp_path):
    with pytest.raises(IndexMissing, match="bash scripts/setup.sh app"):
        open_index(tmp_path / "nope.sqlite")
    (tmp_path / "bad.sqlite").write_bytes(b"not a database")
    with pytest.raises(IndexMissing, match="setup.sh"):
        open_index(tmp_path / "bad.sqlite")
    assert not is_current(tmp_path / "bad.sqlite")


# ---- seats ----------------------------------------------------------------
def test_a_seat_only_where_geonames_names_the_town_unambiguously(index):
    assert (index.town("340121100").seat.lon, index.town("340121100").seat.lat) == fx.SEAT_OF_SHUIHU
    assert index.town("331082101").seat is None       # the only 东塍镇 row lies in another province
    assert "another prefecture" in index.town("331082103").seat_note  # admin2 3399 is not 3310
    for code in ("331082001", "331003001"):           # one row, two towns of the name in the province
        assert index.town(code).seat is None and "other towns" in index.town(code).seat_note


# ---- seeding --------------------------------------------------------------
def test_seeding_a_town_writes_its_parents_villages_and_aliases(index, tmp_path):
    report = seed_town("东塍", tmp_path / "data", index=index)
    assert report.villages_current == report.nbs_current == 7 and report.villages_former == 1
    gaz = load_gazetteer(tmp_path / "data" / "places.geojson")
    ids = {p["id"] for p in gaz.places}
    assert {"33", "331082", "331082101", "331082101:镇区", "331082101213"} <= ids
    assert gaz.get("331082101")["properties"]["parent"] == "331082"
    assert gaz.get("331082")["properties"]["parent"] == "33"
    assert gaz.lookup("东塍").place_id == "331082101"        # not 东塍村: the short name stays the town's
    assert gaz.lookup("东塍村").place_id == "331082101248"
    assert gaz.lookup("康二村").place_id == "331082101247"   # a former name
    assert gaz.lookup("东城居委会").place_id == "331082101001"
    assert gaz.lookup("临港", "东塍镇").place_id == "331082101249"
    assert gaz.lookup("下街村民委员会").place_id == "331082101200"
    assert all(p["geometry"] is None for p in gaz.places)   # GeoNames places no 东塍镇 of Zhejiang
    assert "no open source places this town's seat" in "\n".join(report.lines())


def test_a_seat_is_a_town_precision_point_with_source_licence_and_datum(index, tmp_path):
    report = seed_town("340121100", tmp_path, index=index)  # the picker passes the code
    town = load_gazetteer(tmp_path / "places.geojson").get("340121100")
    props = town["properties"]
    assert town["geometry"] == {"type": "Point", "coordinates": list(fx.SEAT_OF_SHUIHU)}
    assert props["precision"] == "town" and props["represents"] == "seat" and props["datum"] == "wgs84"
    assert "GeoNames 9000001" in props["source"] and "CC BY 4.0" in props["licence"]
    assert report.seat["source"].startswith("GeoNames 9000001")


def test_reseeding_keeps_what_people_placed_and_never_drops_a_place(index, tmp_path):
    seed_town("东塍镇", tmp_path, index=index)
    path = tmp_path / "places.geojson"
    gaz = load_gazetteer(path)
    placed = {"type": "Point", "coordinates": [121.25, 28.93]}
    gaz.set_geometry("331082101200", placed, "manual", "site", "anna")
    gaz.add_place("岙里坑水库", "reservoir", user="anna", source="plan", parent="331082101")
    before = path.read_bytes()
    again = seed_town("东塍镇", tmp_path, index=index)
    assert again.updated == 0 and again.added == 0 and not again.written and path.read_bytes() == before
    seed_town("汇溪镇", tmp_path, index=index)                  # a second town of the county
    gaz = load_gazetteer(path)
    assert gaz.get("331082101200")["geometry"] == placed
    assert gaz.get("331082101200")["properties"]["geometry_source"] == "manual"
    assert gaz.lookup("岙里坑水库") is not None and gaz.get("331082103200") is not None
    assert len([p for p in gaz.places if p["id"] == "331082"]) == 1


def test_a_seat_point_set_before_is_kept_and_the_geonames_point_added_beside_it(index, tmp_path):
    seed_town("水湖镇", tmp_path, index=index)
    gaz = load_gazetteer(tmp_path / "places.geojson")
    moved = {"type": "Point", "coordinates": [117.11, 32.11]}
    gaz.set_geometry("340121100", moved, "import", "site", "anna")
    report = seed_town("340121100", tmp_path, index=index)  # the picker passes the code
    town = load_gazetteer(tmp_path / "places.geojson").get("340121100")
    assert town["geometry"] == moved and report.seat is None and "kept the seat point" in report.seat_note
    assert [list(fx.SEAT_OF_SHUIHU)] == [[o["lon"], o["lat"]] for o in town["properties"]["other_points"]]


def test_seeding_refuses_bad_input_before_writing(index, tmp_path):
    seed_town("东塍镇", tmp_path, index=index)
    before = snapshot(tmp_path)
    with pytest.raises(AmbiguousTown):
        seed_town("古城街道", tmp_path, index=index)
    with pytest.raises(UnknownTown):
        seed_town("东塍镇", tmp_path, within="长丰县", index=index)
    assert snapshot(tmp_path) == before


# ---- CLI ------------------------------------------------------------------
def test_cli_seed_towns_and_bad_input_are_one_clear_line(index_path, tmp_path):
    data = tmp_path / "data"
    done = run_cli("gazetteer", "seed", "--town", "东塍镇", "--county", "临海市", "--data", str(data),
                   env_index=index_path)
    assert done.returncode == 0, done.stderr
    assert "7 villages" in done.stdout and "no open source places this town's seat" in done.stdout
    listed = run_cli("gazetteer", "towns", "古城", env_index=index_path)
    assert listed.returncode == 0 and "331082001" in listed.stdout and "黄岩区" in listed.stdout
    before = snapshot(data)
    for argv, words in ((("--town", "古城街道"), ("2 towns", "--county")),
                        (("--town", "东塍镇", "--county", "长丰县"), ("长丰县 has no town",)),
                        (("--town", "不存在镇"), ("in no NBS list",))):
        bad = run_cli("gazetteer", "seed", *argv, "--data", str(data), env_index=index_path)
        assert bad.returncode == 1 and "Traceback" not in bad.stderr, bad.stderr
        assert all(w in bad.stderr for w in words) and len(bad.stderr.strip().splitlines()) == 1
    missing = run_cli("gazetteer", "seed", "--town", "东塍镇", "--data", str(data), env_index=tmp_path / "none")
    assert missing.returncode == 1 and "bash scripts/setup.sh app" in missing.stderr
    assert snapshot(data) == before


PLAN = """东塍镇2024年工作计划

一、基础设施
完成临港、新城和旧城3村生活污水治理提升工程。
二、乡村振兴
加快康二村精品桃培育基地建设,推进下街村委会办公用房改造,完成东城社区文化家园建设。
"""


def test_build_on_an_empty_folder_seeds_the_town_and_links_bare_village_names(index_path, tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    data = tmp_path / "data"
    done = run_cli("build", str(plan), "--town", "东塍镇", "--county", "临海市", "-o", str(data / "projects.geojson"),
                   env_index=index_path)
    assert done.returncode == 0, done.stdout + done.stderr
    items = json.loads((data / "projects.geojson").read_text(encoding="utf-8"))["features"]
    by_text = {f["properties"]["text"]: f["properties"] for f in items}
    three = next(p for t, p in by_text.items() if "临港" in t)
    assert set(three["place_refs"]) >= {"331082101249", "331082101250", "331082101251"}
    for fragment, code, area in (("康二村", "331082101247", "康谷村"), ("下街村委会", "331082101200", "下街村"),
                                 ("东城社区", "331082101001", "东城社区")):
        item = next(p for t, p in by_text.items() if fragment in t)
        assert code in item["place_refs"] and item["area"] == area, item
    assert all(f["geometry"] is None for f in items)
    assert {p["town"] for p in by_text.values()} == {"东塍镇"} and {p["county"] for p in by_text.values()} == {"临海市"}


def test_build_without_town_detects_it_or_asks_for_the_county(index_path, tmp_path):
    plan = tmp_path / "gucheng.txt"
    plan.write_text("古城街道2024年工作计划\n\n完成东湖社区文化礼堂建设。\n", encoding="utf-8")
    data = tmp_path / "data"
    asked = run_cli("build", str(plan), "-o", str(data / "projects.geojson"), env_index=index_path)
    assert asked.returncode == 1 and "Traceback" not in asked.stderr
    assert "331082001" in asked.stderr and "331003001" in asked.stderr and "--county" in asked.stderr
    assert not data.exists() or snapshot(data) == {}
    done = run_cli("build", str(plan), "--county", "黄岩区", "-o", str(data / "projects.geojson"), env_index=index_path)
    assert done.returncode == 0, done.stderr
    item = json.loads((data / "projects.geojson").read_text(encoding="utf-8"))["features"][0]["properties"]
    assert item["place_refs"] == ["331003001001"] and item["county"] == "黄岩区"
    plan.write_text("古城街道2024年工作计划\n\n临海市古城街道完成东湖社区文化礼堂建设。\n", encoding="utf-8")
    found = detect_town(plan.read_text(encoding="utf-8"), title="古城街道2024年工作计划", index=open_index(index_path))
    assert found.town.code == "331082001" and "临海市" in found.message()
