"""Reviewers correct the extraction on the plan page: add a missed clause, drop a wrong item.
Both are a person's edits: audited, version-checked, hidden/kept as asked, and kept through rebuilds."""
from __future__ import annotations


import pytest
from streamlit.testing.v1 import AppTest

from geo.contract import validate_feature
from geo.corrections import CorrectionError, find_clause, item_from_clause, with_dropped
from geo.query import ItemFilter
from geo.store import open_store
from tests import app_data
from tests.apptest_support import run_app, sign_in, use_data
from tests.conftest import make_item

MISSED = "启动丁村污水管网建设。"
PLAN = {"plan": "p", "town": "测试镇", "county": None, "year": 2020}


def test_find_clause_as_written_and_across_line_breaks():
    text = "一、概述\n完成甲村道路硬化。推进乙村\n水库加固。"
    assert text[slice(*find_clause(text, "完成甲村道路硬化。"))] == "完成甲村道路硬化。"
    start, end = find_clause(text, "推进乙村水库加固。")
    assert text[start:end] == "推进乙村\n水库加固。"


@pytest.mark.parametrize("clause, expect", [("", "为空"), ("完全不在原文里的话", "找不到"), ("甲村", "出现了 2 次")])
def test_find_clause_refuses_what_cannot_be_placed(clause, expect):
    with pytest.raises(CorrectionError, match=expect):
        find_clause("甲村道路。甲村公厕。", clause)


def test_item_from_clause_is_a_valid_located_in_text_item():
    text = "一、水利\n" + MISSED + "\n"
    f = item_from_clause(text, MISSED, plan=PLAN, name="丁村污水管网", category="sewage", status="planned")
    p = f["properties"]
    assert text[p["span"][0]:p["span"][1]] == MISSED and p["text"] == MISSED
    assert p["origin"] == "manual" and f["geometry"] is None and p["section"]
    stamped = {**f, "properties": {**p, "version": 1, "updated_at": "2026-01-01T00:00:00+00:00", "updated_by": "t"}}
    assert validate_feature(stamped) == []


def test_bad_category_and_empty_name_are_refused_with_the_fix():
    with pytest.raises(CorrectionError, match="unknown category"):
        item_from_clause(MISSED, MISSED, plan=PLAN, name="x", category="spaceport", status="planned")
    with pytest.raises(CorrectionError, match="no name"):
        item_from_clause(MISSED, MISSED, plan=PLAN, name=" ", category="sewage", status="planned")


def test_dropped_items_are_hidden_kept_and_survive_a_rebuild(tmp_path):
    store = open_store(tmp_path)
    extracted = [make_item("e-1", plan="p"), make_item("e-2", plan="p")]
    for f in extracted:
        for key in ("version", "updated_at", "updated_by"):
            f["properties"].pop(key)
    store.merge_extracted(extracted)
    store.save_item(with_dropped(store.get("e-1")), expected_version=1, user="reviewer")
    manual = item_from_clause(MISSED, MISSED, plan=PLAN | {"plan": "p"}, name="丁村污水管网", category="sewage",
                              status="planned")
    store.save_item(manual, expected_version=None, user="reviewer")
    assert [f["id"] for f in store.query(ItemFilter())] == ["e-2", manual["id"]]
    assert {f["id"] for f in store.query(ItemFilter(include_dropped=True))} == {"e-1", "e-2", manual["id"]}

    store.merge_extracted(extracted)  # a rebuild that still finds e-1 and never found the manual item
    assert store.get("e-1")["properties"]["dropped"] is True
    assert "not_in_latest_extraction" not in (store.get(manual["id"])["properties"].get("flags") or [])
    assert any(e.field == "dropped" and e.user == "reviewer" for e in store.history("e-1"))


# ---- the plan page ----------------------------------------------------------------------------

@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = app_data.build(tmp_path / "data")
    plan_file = d / "plans" / f"{app_data.PLAN_ID}.txt"
    plan_file.write_text(plan_file.read_text(encoding="utf-8") + MISSED + "\n", encoding="utf-8")
    return use_data(monkeypatch, d)


def _plan_page(query=None, signed_in=True) -> AppTest:
    at = run_app(query, timeout=60)
    if signed_in:
        sign_in(at, "anna")
    at.switch_page("pages/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_viewer_gets_no_correction_form(data_dir):
    at = _plan_page(signed_in=False)
    assert not [t for t in at.text_area if t.key == "missed_clause"]
    assert any("登录为编辑" in c.value for c in at.caption)


def test_editor_adds_a_missed_clause_and_it_is_highlighted(data_dir):
    at = _plan_page()
    at.text_area(key="missed_clause").input(MISSED)
    at.text_input(key="missed_name").input("丁村污水管网")
    at.selectbox(key="missed_category").select("sewage")
    next(b for b in at.button if b.label == "添加").click().run()
    assert not at.exception, [e.value for e in at.exception]
    added = [f for f in open_store(data_dir).load() if f["properties"].get("origin") == "manual"]
    assert len(added) == 1 and added[0]["properties"]["text"] == MISSED
    assert added[0]["properties"]["updated_by"] == "anna"
    at.run()
    html = " ".join(h.proto.body for h in at.get("html"))
    assert f'data-item="{added[0]["id"]}"' in html


def test_editor_drops_a_wrong_item_and_can_restore_it(data_dir):
    item = open_store(data_dir).load()[-1]["id"]
    at = _plan_page({"item": item})
    next(b for b in at.button if b.label == "误提取，移除此条").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert open_store(data_dir).get(item)["properties"]["dropped"] is True
    html = " ".join(h.proto.body for h in at.get("html"))
    assert f'data-item="{item}"' not in html  # no longer highlighted as an item
    next(b for b in at.button if b.label == "恢复此条").click().run()
    assert "dropped" not in open_store(data_dir).get(item)["properties"]
