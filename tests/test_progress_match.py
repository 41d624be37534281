"""Matching later documents to items: wording changes, places, numbers, status words, targets."""
from __future__ import annotations

import pytest

from geo.progress import ProgressError, read_text, review_items
from geo.progress import match as M
from geo.progress.status import read_cue
from tests.conftest import make_item

TOWN = ("枫泽镇", "枫泽")


def item(item_id, text, places=(), quantity=None, status="planned", year=2022, **extra):
    return make_item(item_id, text=text, name=text, places=list(places), quantity=quantity, status=status,
                     town="枫泽镇", county="明川县", year=year, plan="fengze-2022-plan", **extra)


def review(features, body, title="枫泽镇2022年工作总结"):
    doc = read_text(f"{title}\n{body}\n", name="summary.txt")
    return review_items(features, doc)


def by_item(rv):
    return {p.item_id: p for p in rv.proposals if p.action != "new"}


def test_numbers_suffixes_verbs_and_village_names_do_not_change_the_work():
    assert M.normalise("溪口安置小区二期") == M.normalise("溪口安置小区2期")
    assert M.work_core("加快推进石门坑水库除险加固工程", ["石门坑水库"]) == \
        M.work_core("石门坑水库除险加固项目通过竣工验收", ["石门坑水库"]) == "除险加固"
    assert "后湾茶叶基地" in M.place_variants("后湾村茶叶基地")
    assert "老街" in M.place_variants("枫泽老街", TOWN)
    assert "竹坑水库" in M.place_variants("竹坑水库山塘")


def test_the_same_project_is_matched_across_wording():
    items = [item("a", "完成石门坑水库除险加固工程", ["石门坑水库"]),
             item("b", "扶持后湾村茶叶基地扩面提质", ["后湾村茶叶基地"]),
             item("c", "改造枫泽老街路面1.2公里", ["枫泽老街"], {"value": 1.2, "unit": "公里", "qualifier": None})]
    rv = review(items, "石门坑水库除险加固项目通过竣工验收。后湾茶叶基地扩面提质稳步推进。老街路面改造全面完成，改造路面一点二公里。")
    got = by_item(rv)
    assert got["a"].status == "completed" and "通过竣工验收" in got["a"].evidence.quote
    assert got["b"].status == "in_progress"
    assert got["c"].status == "completed"


def test_another_reservoir_with_the_same_works_is_never_merged():
    items = [item("a", "完成石门坑水库除险加固工程", ["石门坑水库"])]
    rv = review(items, "黄泥岭水库除险加固工程完成主体施工。")
    assert "a" not in by_item(rv)
    assert [p.name for p in rv.new_items] == ["黄泥岭水库除险加固工程"]
    assert rv.new_items[0].status == "in_progress"


def test_a_village_shared_by_two_works_does_not_merge_them():
    items = [item("a", "推进东岸村、西岸村农房风貌提升", ["东岸村", "西岸村"]),
             item("b", "新建东岸村幼儿园", ["东岸村幼儿园"])]
    rv = review(items, "东岸村新建文化礼堂1家。", title="枫泽镇2022年工作总结")
    assert by_item(rv) == {}


def test_a_sentence_about_one_of_two_reservoirs_leaves_the_item_in_progress():
    items = [item("a", "推进上塘水库、龙潭水库除险加固工程", ["上塘水库", "龙潭水库"])]
    one = by_item(review(items, "龙潭水库除险加固工程完工。"))["a"]
    assert one.status == "in_progress"
    assert "龙潭水库已完成" in one.explanation and "上塘水库未提及" in one.explanation
    both = by_item(review(items, "龙潭水库除险加固工程完工，上塘水库除险加固工程通过验收。"))["a"]
    assert both.status == "completed"


@pytest.mark.parametrize("clause,forward,status", [
    ("通过竣工验收", False, "completed"),
    ("已建成投用", False, "completed"),
    ("主体完工，正在扫尾", False, "in_progress"),
    ("完成前期设计", False, "in_progress"),
    ("完成路基土石方40%", False, "in_progress"),
    ("正在施工", False, "in_progress"),
    ("暂缓实施", False, "suspended"),
    ("尚未启动", False, "suspended"),
    ("因资金原因推迟", False, "suspended"),
    ("谋划建设", True, "planned"),
    ("启动建设", True, "planned"),
    ("续建", True, "in_progress"),
    ("继续暂缓", True, "suspended"),
])
def test_status_from_tense_and_verbs(clause, forward, status):
    assert read_cue(clause, forward=forward).status == status


def test_progress_against_the_target_in_chinese_or_arabic_numbers():
    five_g = item("g", "新建5G基站60个以上", quantity={"value": 60, "unit": "个", "qualifier": "at_least"})
    done = by_item(review([five_g], "建成5G基站62个。"))["g"]
    assert (done.status, done.progress, done.progress_text()) == ("completed", 62, "62/60个")
    short = by_item(review([five_g], "建成5G基站五十个。"))["g"]
    assert (short.status, short.progress) == ("in_progress", 50)


def test_units_are_converted_and_never_mixed():
    road = item("r", "新建农村公路4公里", quantity={"value": 4, "unit": "公里", "qualifier": None})
    p = by_item(review([road], "新建农村公路3500米。"))["r"]
    assert p.progress == 3.5
    farmland = item("f", "新建高标准农田8000亩", quantity={"value": 8000, "unit": "亩", "qualifier": None})
    assert "f" not in by_item(review([farmland, road], "新建高标准农田8个。新建农村公路3500米。"))


def test_next_years_new_target_is_a_new_item_not_a_change():
    road = item("r", "新建农村公路4公里", quantity={"value": 4, "unit": "公里", "qualifier": None})
    rv = review([road], "一、2023年工作安排\n再新建农村公路三公里。", title="枫泽镇2023年工作计划")
    assert by_item(rv) == {}
    assert [p.status for p in rv.new_items] == ["planned"]
    carried = review([road], "一、2023年工作安排\n完成去年结转的农村公路建设任务1.5公里。", title="枫泽镇2023年工作计划")
    assert by_item(carried)["r"].status == "in_progress"


def test_a_plan_never_moves_an_item_back():
    started = item("s", "加快推进枫泽至岭下公路改建工程", ["枫泽", "岭下"], status="in_progress")
    p = by_item(review([started], "谋划枫泽至岭下公路改建工程。", title="枫泽镇2023年工作计划"))["s"]
    assert p.status == "in_progress" and p.action == "unchanged"


def test_items_the_document_does_not_mention_get_no_proposal():
    items = [item("a", "完成石门坑水库除险加固工程", ["石门坑水库"]), item("b", "新建东岸村幼儿园", ["东岸村幼儿园"])]
    rv = review(items, "石门坑水库除险加固项目通过竣工验收。")
    assert set(by_item(rv)) == {"a"}


def test_document_of_another_town_is_refused():
    items = [item("a", "完成石门坑水库除险加固工程", ["石门坑水库"])]
    doc = read_text("柳塘街道2023年上半年工作总结\n翠湖小区改造已完工。\n", name="liutang.txt")
    with pytest.raises(ProgressError, match="柳塘街道.*枫泽镇"):
        review_items(items, doc)


def test_document_without_progress_is_refused():
    items = [item("a", "完成石门坑水库除险加固工程", ["石门坑水库"])]
    doc = read_text("枫泽镇关于召开安全生产工作会议的通知\n定于1月10日上午9时在镇会议室召开会议。\n", name="notice.txt")
    with pytest.raises(ProgressError, match="no recognisable progress"):
        review_items(items, doc)


def test_evidence_spans_index_the_document_text():
    items = [item("a", "完成石门坑水库除险加固工程", ["石门坑水库"])]
    rv = review(items, "一、工作回顾\n另外，石门坑水库除险加固项目通过竣工验收。")
    ev = by_item(rv)["a"].evidence
    text = rv.document.text
    assert text[ev.start:ev.end] == "石门坑水库除险加固项目通过竣工验收"
    assert text[ev.cue_start:ev.cue_end] in ("通过竣工验收", "竣工", "验收")
    assert ev.line == text.count("\n", 0, ev.start) + 1


def test_evidence_html_marks_the_work_and_escapes_the_document():
    from geo.progress import evidence_html

    items = [item("a", "完成石门坑水库除险加固工程", ["石门坑水库"])]
    rv = review(items, "<script>alert(1)</script>石门坑水库除险加固项目通过竣工验收。")
    html = evidence_html(rv.document.text, by_item(rv)["a"])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<mark class="progress-work">' in html and '<mark class="progress-cue">' in html


def test_items_without_a_town_are_still_matched():
    items = [make_item("a", text="完成石门坑水库除险加固工程", places=["石门坑水库"], town=None)]
    rv = review_items(items, read_text("2022年工作总结\n石门坑水库除险加固项目通过竣工验收。\n", name="s.txt"))
    assert by_item(rv)["a"].status == "completed"
