"""AppTest for 新镇计划 on 导入导出: a town chosen from a search box of the national index, what will be
seeded, a plan built into the store; unknown towns, a county without the town and a missing index are
messages; places people placed keep their geometry.

The index is the small one of tests/divisions_fixture.py (built by the real builder); the data folder
is built here. The one placed geometry is a point the test data (tests/app_data.py) already holds.
"""
from __future__ import annotations

import copy
import json

import pytest
from streamlit.testing.v1 import AppTest

from geo.app.state import Keys
from geo.gazetteer import load_gazetteer, write_places
from geo.gazetteer.divisions import open_index
from geo.gazetteer.towns import seed_town
from geo.store import open_store
from tests import app_data
from tests import divisions_fixture as fx
from tests.apptest_support import run_app, sign_in, use_data

DONGCHENG = "331082101"          # 东塍镇 of the fixture index (临海市)
XIAJIE = "331082101200"          # 下街村 of 东塍镇
PLAN = """东塍镇2024年工作计划

一、基础设施建设

完成下街村道路硬化工程。推进临港村文化礼堂建设。新建新城村村级公园一座。
"""


@pytest.fixture
def index_path(tmp_path, monkeypatch):
    path = fx.build(tmp_path / "index", monkeypatch=monkeypatch)
    monkeypatch.setenv("GEO_DIVISIONS", str(path))
    return path


@pytest.fixture
def data_dir(tmp_path, monkeypatch, index_path):
    """A folder that already holds items (tests/app_data.py) and their places."""
    return use_data(monkeypatch, app_data.build(tmp_path / "data"))


def _page(editor: str | None = "anna") -> AppTest:
    at = run_app(timeout=180)
    if editor:
        sign_in(at, editor)
    at.switch_page("pages/exchange.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _search(at: AppTest, query: str, county: str = "") -> AppTest:
    at.text_input(key=Keys.NT_COUNTY).input(county)
    at.text_input(key=Keys.NT_QUERY).input(query)
    return _run(at)


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [m.value for m in at.info] + [m.value for m in at.error]
                    + [m.value for m in at.warning] + [m.value for m in at.success] + [c.value for c in at.caption]
                    ).replace("\\", "")  # markdown escapes of data text


def _errors(at) -> str:
    return " ".join(e.value for e in at.error).replace("\\", "")


def _plan_uploader(at):
    return next(u for u in at.get("file_uploader") if u.key == Keys.nt_upload(0) or u.key.startswith("nt_upload"))


def test_viewer_sees_no_town_search(data_dir):
    at = _page(editor=None)
    assert "新镇计划需要编辑登录" in _texts(at)
    assert not [w for w in at.text_input if w.key == Keys.NT_QUERY]


def test_search_lists_candidates_in_several_counties(data_dir, index_path):
    at = _search(_page(), "古城")
    box = at.selectbox(key=Keys.NT_TOWN)
    found = {t.code: t for t in open_index(index_path).search_towns("古城")}
    assert len({t.county for t in found.values()}) >= 2       # the fixture's name is in two counties
    assert set(box.options) == {f"{t.name} · {t.county} · {t.province} · {t.code}" for t in found.values()}
    # narrowing by county leaves that county's town only
    at = _search(at, "古城", county=next(iter(found.values())).county)
    box = at.selectbox(key=Keys.NT_TOWN)
    assert len(box.options) == 1 and next(iter(found.values())).code in box.options[0]


def test_unknown_town_county_without_it_and_missing_index_are_messages(data_dir, tmp_path, monkeypatch):
    at = _search(_page(), "不存在镇")
    assert "不存在镇" in _errors(at) and "python -m geo gazetteer towns" in _errors(at)
    assert not [s for s in at.selectbox if s.key == Keys.NT_TOWN]
    at = _search(at, "东塍镇", county="黄岩区")
    assert "黄岩区 has no town" in _errors(at) and "临海市" in _errors(at)
    monkeypatch.setenv("GEO_DIVISIONS", str(tmp_path / "nowhere.sqlite"))
    at = _search(at, "东塍镇")
    assert "nowhere.sqlite" in _errors(at) and "bash scripts/setup.sh app" in _errors(at)


def test_what_will_be_seeded_names_villages_and_the_seat_or_its_absence(data_dir, index_path):
    index = open_index(index_path)
    at = _search(_page(), "东塍")
    town = index.town(DONGCHENG)
    current = sum(1 for v in index.villages(DONGCHENG) if v.listing == "current")
    assert town.seat is None
    assert f"{current} 个村" in _texts(at)
    assert any("开源数据没有此镇的驻地位置" in w.value for w in at.warning)
    seated = next(t for t in index.search_towns("水湖") if t.seat is not None)
    at = _search(at, "水湖")
    assert f"{seated.seat.lon:.5f} E" in _texts(at) and not any("驻地位置" in w.value for w in at.warning)


def test_plan_for_a_new_town_seeds_builds_and_keeps_placed_geometry(data_dir, index_path):
    # the folder already has 东塍镇, and someone placed 下街村 (with a point the test data holds)
    places_path = data_dir / "places.geojson"
    seed_town(DONGCHENG, places_path=places_path, index=open_index(index_path))
    placed_point = next(copy.deepcopy(f["geometry"]) for f in app_data.features()
                        if (f.get("geometry") or {}).get("type") == "Point")
    places = load_gazetteer(places_path).places
    for p in places:
        if p["id"] == XIAJIE:
            p["geometry"] = placed_point
            p["properties"].update(precision="site", geometry_source="manual", updated_by="li")
    write_places(places_path, places, changed=[XIAJIE])
    before_ids = {p["id"] for p in places}
    items_before = {f["id"]: f for f in open_store(data_dir).load()}

    at = _search(_page(), "东塍镇")
    assert "数据文件夹已有此镇" in _texts(at)
    assert at.button(key=Keys.NT_BUILD).disabled  # no plan yet
    _plan_uploader(at).set_value(("东塍镇2024年工作计划.txt", PLAN.encode("utf-8"), "text/plain"))
    _run(at)
    at.button(key=Keys.NT_BUILD).click()
    _run(at)
    done = " ".join(s.value for s in at.success).replace("\\", "")
    assert "东塍镇：生成" in done and "保留原有位置 1 个" in done, _texts(at)

    after = {p["id"]: p for p in load_gazetteer(places_path).places}
    assert before_ids <= set(after)                         # nothing dropped
    assert after[XIAJIE]["geometry"] == placed_point          # the placed village kept its location
    assert after[XIAJIE]["properties"]["geometry_source"] == "manual"
    items = {f["id"]: f for f in open_store(data_dir).load()}
    for item_id, item in items_before.items():               # existing items untouched
        assert items[item_id] == item
    new = [f for i, f in items.items() if i not in items_before]
    assert new and all(f["properties"]["town"] == "东塍镇" for f in new)
    villages = {i: p["properties"]["name"] for i, p in after.items()
                if p["properties"]["kind"] == "village" and p["properties"].get("parent") == DONGCHENG}
    linked = {villages[r] for f in new for r in f["properties"].get("place_refs") or [] if r in villages}
    assert linked and all(name in done for name in linked)  # the summary names the villages items link
    assert not _plan_uploader(at).value                      # a fresh uploader after the build


def test_seed_only_adds_the_town_to_an_empty_folder(tmp_path, monkeypatch, index_path):
    data = tmp_path / "empty"
    data.mkdir()
    use_data(monkeypatch, data)
    at = _search(_page(), "水湖镇")
    at.button(key=Keys.NT_SEED_ONLY).click()
    _run(at)
    assert any("地名库：新增" in s.value for s in at.success), _texts(at)
    seeded = json.loads((data / "places.geojson").read_text(encoding="utf-8"))
    town = next(t for t in open_index(index_path).search_towns("水湖镇"))
    ids = {f["id"] for f in seeded["features"]}
    assert town.code in ids and town.county_code in ids
    assert {v.code for v in open_index(index_path).villages(town.code) if v.listing == "current"} <= ids


def test_unreadable_plan_is_a_message_and_nothing_is_written(data_dir):
    places_before = (data_dir / "places.geojson").read_bytes()
    items_before = (data_dir / "projects.geojson").read_bytes()
    at = _search(_page(), "东塍镇")
    _plan_uploader(at).set_value(("plan.pdf", b"%PDF-1.4 not really a pdf", "application/pdf"))
    _run(at)
    at.button(key=Keys.NT_BUILD).click()
    _run(at)
    assert "未完成，数据未改变" in _errors(at)
    assert (data_dir / "places.geojson").read_bytes() == places_before
    assert (data_dir / "projects.geojson").read_bytes() == items_before


def test_english_page_has_the_same_steps(data_dir):
    at = run_app(timeout=180)
    sign_in(at)
    at.toggle(key=Keys.ENGLISH).set_value(True)
    _run(at)
    _run(at.switch_page("pages/exchange.py"))
    assert "A plan for a new town" in [s.value for s in at.subheader]
    assert "Village boundaries" in [s.value for s in at.subheader]
    at = _search(at, "东塍镇")
    assert "Will add: 东塍镇" in _texts(at)
    assert at.button(key=Keys.NT_BUILD).label == "Add the town and build the plan"
