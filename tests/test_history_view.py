"""修改记录 made readable (geo.history_view): local time, labels instead of codes, no internal fields."""
from __future__ import annotations

import functools
import re
from datetime import datetime, timezone

import pytest

from geo import field, history_view, i18n
from geo.auth import User
from geo.editing import edit_item
from geo.store import open_store
from geo.store.base import AuditEntry
from tests import edit_data

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)
ZH = re.compile(r"[\u4e00-\u9fff]")


def _e(field_name, old, new, *, ts="2026-12-02T10:19:00+00:00", user="anna", action="update", version=2):
    return AuditEntry(ts=ts, user=user, item="x", action=action, field=field_name, old=old, new=new, version=version)


def test_time_is_shown_in_china_local_time():
    assert history_view.local_time("2026-12-02T10:19:00+00:00", now=NOW) == "12月2日 18:19"
    assert history_view.local_time("2026-12-02T10:19:00Z", "en", now=NOW) == "2 Dec 18:19"
    # past midnight in Shanghai is the next day
    assert history_view.local_time("2026-12-02T16:30:00+00:00", now=NOW) == "12月3日 00:30"
    # another year says which
    assert history_view.local_time("2025-03-01T00:00:00+00:00", now=NOW) == "2025年3月1日 08:00"
    # a time without offset is UTC; nonsense is shown as it is, never a traceback
    assert history_view.local_time("2026-12-02T10:19:00", now=NOW) == "12月2日 18:19"
    assert history_view.local_time("yesterday", now=NOW) == "yesterday"


def test_headers_are_words_in_the_readers_language():
    assert list(history_view.headers("zh").values()) == ["时间", "修改人", "字段", "原值", "新值"]
    assert not any(ZH.search(h) for h in history_view.headers("en").values())


def test_codes_become_labels():
    rows = history_view.history_rows([_e("status", "planned", "in_progress"), _e("category", "road", "school")],
                                     now=NOW)
    assert [(r.what, r.old, r.new) for r in rows] == [
        ("类别", i18n.category_label("road"), i18n.category_label("school")),
        ("状态", i18n.status_label("planned"), i18n.status_label("in_progress"))]
    assert rows[0].old != "road" and rows[1].new != "in_progress"
    en = history_view.history_rows([_e("status", "planned", "in_progress")], "en", now=NOW)
    assert (en[0].what, en[0].old, en[0].new) == ("Status", i18n.status_label("planned", "en"),
                                                  i18n.status_label("in_progress", "en"))
    assert rows[0].when == "12月2日 18:19" and rows[0].who == "anna"


def test_internal_fields_are_left_out():
    entries = [_e("geometry_source", "extracted", "manual"), _e("x_geometry_from", None, "p-1"),
               _e("version", 1, 2), _e("updated_at", None, "2026-12-02"), _e("geometry_meta", None, {"a": 1}),
               _e("edited_fields", [], ["status"]), _e("notes", None, "看过了")]
    rows = history_view.history_rows(entries, now=NOW)
    assert [(r.what, r.new) for r in rows] == [("备注", "看过了")]


def test_creation_is_one_row_with_the_name():
    entries = [_e(f, None, v, action="create", version=1, user="build")
               for f, v in (("name", "新建某路"), ("status", "planned"), ("span", [0, 3]), ("id", "x"))]
    entries.append(_e("status", "planned", "completed", ts="2026-12-03T01:00:00+00:00"))
    rows = history_view.history_rows(entries, now=NOW)
    assert [(r.what, r.who, r.new) for r in rows] == [("状态", "anna", "已完成"), ("新建项目", "build", "新建某路")]


def test_locations_notes_and_lists_are_readable():
    point = {"type": "Point", "coordinates": [100.1234567, 30.5]}
    line = {"type": "LineString", "coordinates": [[100, 30], [100.1, 30], [100.2, 30.1]]}
    entries = [
        _e("geometry", point, line),
        _e("progress_notes[3]", None, {"date": "2026-12-02", "text": "开工了", "by": "li", "photo": "p1.jpg"}),
        _e("places", ["甲村"], ["甲村", "乙村"]),
        _e("quantity", None, {"value": 60.0, "unit": "个", "qualifier": "about"}),
        _e("progress", None, {"done": 23, "updated_at": "2026-12-02T10:19:00+00:00"}),
        _e("dropped", None, True),
    ]
    rows = {r.what: (r.old, r.new) for r in history_view.history_rows(entries, now=NOW)}
    assert rows["位置"] == ("点：100.123457, 30.500000", "线（3 个顶点）")
    placed = history_view.history_rows([_e("geometry", None, point)], now=NOW)[0]
    assert (placed.old, placed.new) == ("无位置", "点：100.123457, 30.500000")
    assert rows["进展记录"] == ("（新增）", "2026-12-02 开工了（li）（附照片）")
    assert rows["地名"] == ("甲村", "甲村、乙村")
    assert rows["数量"] == ("", "约60个")
    assert rows["进度"] == ("", "已完成 23")
    assert rows["已标记错误"] == ("", "是")
    # nothing shows as code or JSON
    assert not any("{" in v or "[" in v for pair in rows.values() for v in pair)


def test_removed_location_is_said_in_words():
    rows = history_view.history_rows([_e("geometry", {"type": "Point", "coordinates": [1, 2]}, None)], now=NOW)
    assert rows[0].new == "无位置"


def test_newest_first_and_limited():
    entries = [_e("notes", None, f"n{i}", ts=f"2026-12-02T10:{i:02d}:00+00:00") for i in range(10)]
    rows = history_view.history_rows(entries, now=NOW, limit=3)
    assert [r.new for r in rows] == ["n9", "n8", "n7"]


def test_table_of_a_real_edit_history(tmp_path):
    data = edit_data.build(tmp_path / "data")
    store = open_store(data)
    user = User("anna", "editor")
    edit_item(store, "five-g", functools.partial(field.with_status, status="in_progress"), expected_version=1,
              user=user)
    table = history_view.history_table(store.history("five-g"), "zh")
    assert list(table[0]) == ["时间", "修改人", "字段", "原值", "新值"]
    assert (table[0]["修改人"], table[0]["字段"], table[0]["原值"], table[0]["新值"]) == (
        "anna", "状态", i18n.status_label("planned"), i18n.status_label("in_progress"))
    assert re.fullmatch(r"(\d{4}年)?\d{1,2}月\d{1,2}日 \d{2}:\d{2}", table[0]["时间"])
    assert table[-1]["字段"] == "新建项目"
    text = " ".join(v for row in table for v in row.values())
    for internal in ("geometry_source", "version", "updated_at", "planned", "in_progress", "T"):
        assert internal not in text.split(), internal
    en = history_view.history_table(store.history("five-g"), "en")
    assert list(en[0]) == ["Time", "By", "Field", "Old value", "New value"]
    assert (en[0]["Old value"], en[0]["New value"]) == (i18n.status_label("planned", "en"),
                                                         i18n.status_label("in_progress", "en"))
