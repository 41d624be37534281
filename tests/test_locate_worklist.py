"""待定位 as a worklist (issue 16): rows with a status, filters, progress, one-click online suggestions.

Plain functions of geo.locate first, then the page through AppTest. Every coordinate is synthetic
TEST data in a temporary folder (tests/edit_data.py), never written to data/.
"""
from __future__ import annotations

import pytest

from geo import coords
from geo.gazetteer import load_gazetteer
from geo.locate import (
    filter_worklist, online_suggestions, place, placed_place_ids, seat_distance_km, undo_placement, worklist,
    worklist_progress,
)
from geo.field import haversine_m
from geo.geocode import configured_providers
from geo.app.state import Keys
from geo.store import open_store
from tests import edit_data
from tests.apptest_support import run_app, sign_in, use_data
from tests.test_geocode import StandIn, amap_answer


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    return use_data(monkeypatch, edit_data.build(tmp_path / "data"))


@pytest.fixture
def no_online(monkeypatch):
    for name in ("TIANDITU_KEY", "AMAP_KEY", "NOMINATIM_USER_AGENT", "TIANDITU_URL", "AMAP_URL", "NOMINATIM_URL"):
        monkeypatch.delenv("GEO_" + name, raising=False)
    return monkeypatch


def _world(data_dir):
    store = open_store(data_dir)
    return store, load_gazetteer(data_dir / "places.geojson")


def _names(rows):
    return [r.name for r in rows]


# ---- the rows ------------------------------------------------------------------------
def test_worklist_rows_carry_kind_count_and_status(data_dir):
    store, gaz = _world(data_dir)
    rows = worklist(store.load(), gaz)
    by_name = {r.name: r for r in rows}
    assert {"甲村", "乙村", "丙水库"} <= set(by_name)
    assert edit_data.TOWN not in by_name  # the town has its seat: nothing to locate
    assert by_name["甲村"].kind == "village" and by_name["丙水库"].kind == "reservoir"
    counts = [r.count for r in rows]
    assert counts == sorted(counts, reverse=True)  # most-referenced first
    assert by_name["甲村"].count == len([f for f in store.load()
                                        if "甲村" in (f["properties"].get("places") or [])])
    assert {r.status for r in rows} == {"waiting"}
    assert worklist_progress(rows) == (0, len(rows))


def test_a_suggested_place_is_marked_and_a_placed_one_counts_as_located(data_dir):
    store, gaz = _world(data_dir)
    before = worklist(store.load(), gaz)
    reservoir = next(r for r in before if r.name == "丙水库")
    village = next(r for r in before if r.name == "甲村")
    rows = worklist(store.load(), gaz, suggested={reservoir.place_id})
    assert next(r for r in rows if r.name == "丙水库").status == "suggested"
    res = place(village.place_id, {"type": "Point", "coordinates": edit_data.offset(100, 100)}, "manual", "anna",
                store=store, gazetteer=gaz)
    gaz = load_gazetteer(data_dir / "places.geojson")
    rows = worklist(store.load(), gaz, placed=placed_place_ids(store))
    row = next(r for r in rows if r.name == "甲村")
    assert row.status == "located" and row.count == village.count
    assert rows[-1].name == "甲村"  # located rows after the ones still to do
    assert worklist_progress(rows) == (1, len(before))
    undo_placement(res.placement_id, "anna", store=store, gazetteer=gaz)
    gaz = load_gazetteer(data_dir / "places.geojson")
    rows = worklist(store.load(), gaz, placed=placed_place_ids(store))
    assert next(r for r in rows if r.name == "甲村").status == "waiting"
    assert worklist_progress(rows) == (0, len(before))


def test_filter_by_text_kind_and_status(data_dir):
    store, gaz = _world(data_dir)
    rows = worklist(store.load(), gaz, suggested={gaz.lookup("乙村", edit_data.TOWN).place_id})
    assert _names(filter_worklist(rows, "水库")) == ["丙水库"]
    assert _names(filter_worklist(rows, "  甲 ")) == ["甲村"]
    assert set(_names(filter_worklist(rows, kinds=["village"]))) == {"甲村", "乙村"}
    assert _names(filter_worklist(rows, kinds=["village"], statuses=["suggested"])) == ["乙村"]
    assert filter_worklist(rows, "没有这个") == []
    assert filter_worklist(rows) == rows


# ---- online suggestions for the whole queue ---------------------------------------------
def _amap_by_name(points: dict):
    """A stand-in AMap answering each address that ends with a known name with that name's GCJ-02 point."""
    def answer(path, query):
        for name, gcj in points.items():
            if query.get("address", "").endswith(name):
                return 200, amap_answer(gcj, "村庄" if name.endswith("村") else "兴趣点")
        return 200, {"status": "1", "info": "OK", "infocode": "10000", "count": "0", "geocodes": []}
    return answer


def test_online_suggestions_ask_every_entry_and_write_nothing(data_dir, no_online):
    store, gaz = _world(data_dir)
    rows = worklist(store.load(), gaz)
    wgs = edit_data.offset(800, 600)
    gcj = coords.wgs84_to_gcj02(*wgs)
    with StandIn(_amap_by_name({"丙水库": gcj})) as srv:
        no_online.setenv("GEO_AMAP_KEY", "test-key")
        no_online.setenv("GEO_AMAP_URL", srv.url + "/v3/geocode/geo")
        found, failures = online_suggestions(rows, gaz, configured_providers(timeout=2), cache=None)
        asked = [r["query"]["address"] for r in srv.requests]
    assert failures == []
    assert len(asked) == len(rows) and all(any(a.endswith(r.name) for a in asked) for r in rows)
    pid = gaz.lookup("丙水库", edit_data.TOWN).place_id
    assert set(found) == {pid}
    r = found[pid]
    assert r.source == "online:amap" and r.suggestion
    assert (r.lon, r.lat) == pytest.approx(wgs, abs=1e-5)
    assert load_gazetteer(data_dir / "places.geojson").get(pid)["geometry"] is None  # a suggestion only
    km = seat_distance_km(r.lon, r.lat, edit_data.TOWN, gaz)
    assert km == pytest.approx(haversine_m(edit_data.X0, edit_data.Y0, r.lon, r.lat) / 1000, rel=1e-6)
    assert seat_distance_km(r.lon, r.lat, "没有这个镇", gaz) is None


def test_an_unreachable_provider_is_a_failure_not_a_crash(data_dir, no_online):
    from tests.browser_support import free_port
    store, gaz = _world(data_dir)
    rows = worklist(store.load(), gaz)
    no_online.setenv("GEO_AMAP_KEY", "test-key")
    no_online.setenv("GEO_AMAP_URL", f"http://127.0.0.1:{free_port()}/v3/geocode/geo")  # nobody listens
    found, failures = online_suggestions(rows, gaz, configured_providers(timeout=2), cache=None)
    assert found == {} and len(failures) == len(rows) and {f.provider for f in failures} == {"amap"}


# ---- the page --------------------------------------------------------------------------
def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [m.value for m in at.info] + [m.value for m in at.error]
                    + [m.value for m in at.warning] + [m.value for m in at.success] + [c.value for c in at.caption])


def _locate_page(signed_in=True):
    at = run_app(timeout=60)
    if signed_in:
        sign_in(at)
    at.switch_page("pages/locate.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_lists_the_queue_with_progress_and_chooses_a_row(data_dir, no_online):
    store, gaz = _world(data_dir)
    rows = worklist(store.load(), gaz)
    at = _locate_page()
    text = _texts(at)
    assert f"已定位 0 / {len(rows)}" in text
    for r in rows:
        assert r.name in text
    assert not [s for s in at.selectbox if s.key == Keys.LOCATE_PLACE]  # a list, not a select box
    # the first row is the current one; another row's 定位 opens the placing tabs for it
    assert f"正在定位：{rows[0].name}" in text
    other = rows[-1]
    at.button(key=Keys.wl_choose(other.place_id)).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"正在定位：{other.name}" in _texts(at)
    lon, lat = edit_data.offset(-300, 200)
    at.text_input(key=Keys.LOCATE_PASTE).input(f"{lon}, {lat}")
    at.button(key=Keys.LOCATE_PASTE_USE).click().run()
    at.button(key=Keys.CONFIRM_PLACE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    placed = load_gazetteer(data_dir / "places.geojson").get(other.place_id)
    assert placed["geometry"]["coordinates"] == [pytest.approx(lon), pytest.approx(lat)]
    assert f"已定位 1 / {len(rows)}" in _texts(at)


def test_page_filters_by_text_and_kind(data_dir, no_online):
    at = _locate_page()
    at.text_input(key=Keys.WL_TEXT).input("水库").run()
    shown = [b.key for b in at.button if (b.key or "").startswith("wl_choose_")]
    text = _texts(at)
    assert "丙水库" in text and "乙村" not in text
    at.text_input(key=Keys.WL_TEXT).input("").run()
    at.multiselect(key=Keys.WL_KINDS).set_value(["village"]).run()
    text = _texts(at)
    assert "甲村" in text and "乙村" in text and "丙水库" not in text
    at.text_input(key=Keys.WL_TEXT).input("没有这个").run()
    assert "没有符合筛选条件的地名" in _texts(at)
    assert shown is not None


def test_ask_all_without_a_key_says_which_key(data_dir, no_online):
    at = _locate_page()
    at.button(key=Keys.WL_ASK_ALL).click().run()
    assert not at.exception, [e.value for e in at.exception]
    warning = " ".join(w.value for w in at.warning)
    assert "GEO_TIANDITU_KEY" in warning and "GEO_AMAP_KEY" in warning


def test_ask_all_with_an_unreachable_provider_says_what_is_needed(data_dir, no_online):
    from tests.browser_support import free_port
    no_online.setenv("GEO_AMAP_KEY", "test-key")
    no_online.setenv("GEO_AMAP_URL", f"http://127.0.0.1:{free_port()}/v3/geocode/geo")
    at = _locate_page()
    at.button(key=Keys.WL_ASK_ALL).click().run()
    assert not at.exception, [e.value for e in at.exception]
    warning = " ".join(w.value for w in at.warning)
    assert "amap" in warning and "网络" in warning and "没有保存任何内容" in warning


def test_ask_all_then_accept_and_reject(data_dir, no_online):
    store, gaz = _world(data_dir)
    reservoir = gaz.lookup("丙水库", edit_data.TOWN).place_id
    village = gaz.lookup("乙村", edit_data.TOWN).place_id
    wgs_r, wgs_v = edit_data.offset(800, 600), edit_data.offset(-900, 400)
    points = {"丙水库": coords.wgs84_to_gcj02(*wgs_r), "乙村": coords.wgs84_to_gcj02(*wgs_v)}
    with StandIn(_amap_by_name(points)) as srv:
        no_online.setenv("GEO_AMAP_KEY", "test-key")
        no_online.setenv("GEO_AMAP_URL", srv.url + "/v3/geocode/geo")
        at = _locate_page()
        at.button(key=Keys.WL_ASK_ALL).click().run()
        assert not at.exception, [e.value for e in at.exception]
    text = _texts(at)
    assert "2 个有建议" in text
    km = haversine_m(edit_data.X0, edit_data.Y0, *wgs_r) / 1000
    assert f"距镇政府 {km:.1f} km" in text
    assert text.count("有建议") >= 2  # both rows say so
    at.button(key=Keys.wl_reject(village)).click().run()
    assert "已拒绝" in _texts(at)
    assert not [b for b in at.button if b.key == Keys.wl_reject(village)]
    at.button(key=Keys.wl_accept(reservoir)).click().run()
    assert not at.exception, [e.value for e in at.exception]
    gaz = load_gazetteer(data_dir / "places.geojson")
    props = gaz.get(reservoir)["properties"]
    assert props["geometry_source"] == "online:amap"
    assert gaz.get(reservoir)["geometry"]["coordinates"] == [pytest.approx(wgs_r[0], abs=1e-5),
                                                             pytest.approx(wgs_r[1], abs=1e-5)]
    assert gaz.get(village)["geometry"] is None  # rejected: nothing written
    item = open_store(data_dir).get("w-3")
    assert item["properties"]["geometry_source"] == "online:amap" and item["geometry"] is not None
    assert "已定位 1 / " in _texts(at)
    assert [b for b in at.button if (b.key or "").startswith("undo_")]  # undoable like any placement


def test_viewer_sees_the_list_but_no_ask_or_confirm(data_dir, no_online):
    at = _locate_page(signed_in=False)
    assert "只读" in _texts(at) and "甲村" in _texts(at)
    assert not [b for b in at.button if b.key in (Keys.WL_ASK_ALL, Keys.CONFIRM_PLACE)]


def test_names_from_data_are_escaped_in_the_list(data_dir, no_online):
    from tests.conftest import make_item
    gaz = load_gazetteer(data_dir / "places.geojson")
    hostile = "<img src=x onerror=alert(1)>**村"
    gaz.add_place(hostile, "village", user="test", source="TEST", parent="t-town")
    store = open_store(data_dir)
    store.save_item(make_item("evil", town=edit_data.TOWN, places=[hostile], name="x", precision="none"),
                    expected_version=None, user="build")
    at = _locate_page()
    rows = [m.value for m in at.markdown if "onerror" in m.value]
    assert rows and all("\\<img" in r and "\\*\\*" in r for r in rows)


def test_the_worklist_speaks_english_with_the_toggle(data_dir, no_online):
    store, gaz = _world(data_dir)
    rows = worklist(store.load(), gaz)
    from geo import i18n
    at = run_app({"lang": "en"}, timeout=60)
    at.sidebar.text_input(key="auth_name").input("anna")
    at.sidebar.text_input(key="auth_password").input(edit_data.EDITORS["anna"])
    next(b for b in at.sidebar.button if b.label == i18n.t("sign_in", "en")).click().run()
    at.switch_page("pages/locate.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.exception, [e.value for e in at.exception]
    text = _texts(at)
    assert f"Located 0 / {len(rows)}" in text and "To locate" in text and f"Locating: {rows[0].name}" in text
    at.button(key=Keys.WL_ASK_ALL).click().run()
    assert "GEO_AMAP_KEY" in " ".join(w.value for w in at.warning)
    assert at.button(key=Keys.WL_ASK_ALL).label == "Ask the online geocoder for every place to locate"
