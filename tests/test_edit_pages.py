"""AppTest: sign-in, read-only viewers, status update, conflict, 待定位 placement + undo, field page ordering."""
from __future__ import annotations


import pytest
from streamlit.testing.v1 import AppTest

from geo import i18n
from geo.store import open_store
from geo.app.state import Keys
from tests import edit_data
from tests.apptest_support import run_app, sign_in, use_data



@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    return use_data(monkeypatch, edit_data.build(tmp_path / "data"))


def _run(query=None, page=None) -> AppTest:
    at = run_app(query, timeout=60)
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


_sign_in = sign_in


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [m.value for m in at.info] + [m.value for m in at.error]
                    + [m.value for m in at.warning] + [m.value for m in at.success] + [c.value for c in at.caption])


def test_viewer_sees_read_only_detail(data_dir):
    at = _run({"item": "five-g"})
    assert "只读" in _texts(at)
    assert not [s for s in at.selectbox if s.key == "status_sel_five-g"]


def test_wrong_password_refused(data_dir):
    at = _sign_in(_run(), "anna", "nope-nope")
    assert "用户名或密码不正确" in _texts(at)
    assert Keys.AUTH_USER not in at.session_state


def test_editor_updates_status_and_history_records_it(data_dir):
    at = _sign_in(_run({"item": "five-g"}))
    assert "已登录：anna" in _texts(at)
    at.selectbox(key="status_sel_five-g").set_value("in_progress")
    next(b for b in at.button if b.label == "保存状态").click().run()
    assert not at.exception
    item = open_store(data_dir).get("five-g")
    assert item["properties"]["status"] == "in_progress"
    assert [(e.user, e.new) for e in open_store(data_dir).history("five-g") if e.field == "status" and e.action == "update"] == \
        [("anna", "in_progress")]
    # 修改记录 in the detail panel: Chinese headers, labels, no internal fields
    table = at.table[-1].value
    assert list(table.columns) == ["时间", "修改人", "字段", "原值", "新值"]
    first = table.iloc[0].tolist()
    assert first[1:] == ["anna", "状态", i18n.status_label("planned"), i18n.status_label("in_progress")]
    assert "geometry_source" not in table.to_string() and "in_progress" not in table.to_string()


def test_progress_against_target(data_dir):
    at = _sign_in(_run({"item": "five-g"}))
    at.number_input(key="progress_in_five-g").set_value(23)
    next(b for b in at.button if b.label == "保存进度").click().run()
    assert open_store(data_dir).get("five-g")["properties"]["progress"]["done"] == 23
    assert "已完成 23/60个" in _texts(at)


def test_concurrent_edit_shows_conflict_and_keeps_both(data_dir):
    at = _sign_in(_run({"item": "five-g"}))  # anna opens version 1
    store = open_store(data_dir)
    other = store.get("five-g")
    other["properties"]["status"] = "completed"
    store.save_item(other, expected_version=1, user="li")  # li saves in between
    at.selectbox(key="status_sel_five-g").set_value("suspended")
    next(b for b in at.button if b.label == "保存状态").click().run()
    assert "保存冲突" in _texts(at) and "li" in _texts(at)
    assert open_store(data_dir).get("five-g")["properties"]["status"] == "completed"  # not overwritten
    next(b for b in at.button if b.label == "在最新版本上应用我的修改").click().run()
    hist = [(e.user, e.new) for e in open_store(data_dir).history("five-g") if e.field == "status" and e.action == "update"]
    assert hist == [("li", "completed"), ("anna", "suspended")]


def test_viewer_gets_no_status_controls_on_field_page(data_dir):
    at = _run(page="pages/field.py")
    at.text_input(key="field_coords").input(f"{edit_data.X0}, {edit_data.Y0}").run()
    assert "只读模式" in _texts(at)
    assert "近处学校" in _texts(at)  # the list is there, read-only
    assert not [b for b in at.button if (b.key or "").startswith("field_save_")]
    assert not [s for s in at.selectbox if (s.key or "").startswith("field_status_")]
    assert open_store(data_dir).get("near-a")["properties"]["status"] == "planned"


def test_editor_gets_status_controls_on_field_page(data_dir):
    at = _sign_in(_run())
    at.switch_page("pages/field.py").run()
    at.text_input(key="field_coords").input(f"{edit_data.X0}, {edit_data.Y0}").run()
    at.selectbox(key="field_status_near-a").set_value("completed")
    at.button(key="field_save_near-a").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert open_store(data_dir).get("near-a")["properties"]["status"] == "completed"


def test_field_page_orders_by_distance(data_dir):
    at = _run(page="pages/field.py")
    at.text_input(key="field_coords").input(f"{edit_data.Y0}, {edit_data.X0}").run()  # lat first: detected
    import re
    rows = [m.value.replace("\\", "") for m in at.markdown if re.match(r"\*\*\d+\. ", m.value)]
    names = [re.match(r"\*\*\d+\. (.+?)\*\*", r).group(1) for r in rows]
    assert names[:4] == ["近处学校", "中距离桥梁", "5G基站", "远处道路"]
    assert "300 m" in rows[0] and "1.2 km" in rows[1]


def test_queue_lists_most_referenced_first_and_paste_places_it(data_dir):
    at = _sign_in(_run())
    at.switch_page("pages/locate.py").run()
    assert "正在定位：甲村（村，2 个项目）" in _texts(at)  # the worklist's first row is the current place
    lon, lat = edit_data.offset(100, 100)
    at.text_input(key="locate_paste").input(f"{lon}, {lat}")
    at.button(key="locate_paste_use").click().run()
    at.button(key="confirm_place").click().run()
    assert not at.exception, [e.value for e in at.exception]
    store = open_store(data_dir)
    for item_id in ("w-1", "w-2"):
        p = store.get(item_id)
        assert p["geometry"]["coordinates"] == [pytest.approx(lon), pytest.approx(lat)]
        assert p["properties"]["precision"] == "village" and p["properties"]["updated_by"] == "anna"
    assert "已定位 甲村" in _texts(at)
    # undo
    undo = [b for b in at.button if b.key and b.key.startswith("undo_")]
    assert len(undo) == 1
    undo[0].click().run()
    assert open_store(data_dir).get("w-1")["geometry"] is None
    assert "已撤销" in _texts(at)


def test_viewer_cannot_place(data_dir):
    at = _run(page="pages/locate.py")
    assert "只读" in _texts(at)
    assert not [b for b in at.button if b.key == "confirm_place"]


def test_names_from_data_are_escaped_on_field_page(data_dir):
    from tests.conftest import make_item
    hostile = "<img src=x onerror=alert(1)> **bold** [link](http://x)"
    store = open_store(data_dir)
    store.save_item(make_item("evil", town=edit_data.TOWN, name=hostile, precision="site", geometry_source="manual",
                              geometry={"type": "Point", "coordinates": edit_data.offset(50, 0)}),
                    expected_version=None, user="build")
    at = _run(page="pages/field.py")
    at.text_input(key="field_coords").input(f"{edit_data.X0}, {edit_data.Y0}").run()
    row = next(m.value for m in at.markdown if "onerror" in m.value)
    import re
    assert not re.search(r"(?<!\\)<img", row) and "\\<img" in row and "\\*\\*bold" in row and "\\[link\\]" in row


def test_a_refusal_reads_in_the_language_the_reader_chose(data_dir):
    import re
    at = _run({"lang": "en"}, page="pages/field.py")
    at.text_input(key="field_coords").input("1 2 3").run()
    errors = [e.value for e in at.error]
    assert any("found 3 numbers" in e for e in errors), errors
    assert not any(re.search(r"[\u4e00-\u9fff]", e) for e in errors), errors
    at = _run(page="pages/field.py")
    at.text_input(key="field_coords").input("1 2 3").run()
    assert any("3 个数字" in e.value for e in at.error)


def _with_cookie(monkeypatch, token):
    """The browser's sign-in cookie as a new session (a reload, a shared link) would send it."""
    from geo.app import signin
    monkeypatch.setattr(signin, "_browser_cookie", lambda: token)


def test_sign_in_lasts_across_sessions_until_signed_out(data_dir, monkeypatch):
    at = _sign_in(_run({"item": "five-g"}))
    token = at.session_state[Keys.AUTH_TOKEN]
    assert token and "anna" not in token.split(".")[-1]
    # the page writes the token into a cookie
    assert any("document.cookie" in h.proto.body and token in h.proto.body for h in at.get("html"))
    _with_cookie(monkeypatch, token)
    again = _run({"item": "five-g"})  # a new session: a reload or a shared link
    assert "已登录：anna" in _texts(again)
    assert [s for s in again.selectbox if s.key == "status_sel_five-g"]
    # 退出登录 in the new session ends the sign-in everywhere
    again.button(key=Keys.AUTH_SIGN_OUT).click().run()
    assert not again.exception
    assert Keys.AUTH_USER not in again.session_state
    assert any("max-age=0" in h.proto.body for h in again.get("html"))  # the cookie is deleted
    at.run()  # the first session (another tab) notices on its next run
    assert Keys.AUTH_USER not in at.session_state and "登录已结束" in _texts(at)
    third = _run({"item": "five-g"})  # the old cookie no longer signs in
    assert Keys.AUTH_USER not in third.session_state and "只读" in _texts(third)


def test_a_forged_cookie_signs_nobody_in(data_dir, monkeypatch):
    at = _sign_in(_run())
    token = at.session_state[Keys.AUTH_TOKEN]
    _with_cookie(monkeypatch, token[:-3] + ("abc" if not token.endswith("abc") else "xyz"))
    again = _run()
    assert Keys.AUTH_USER not in again.session_state
    assert not again.exception
