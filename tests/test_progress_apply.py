"""Applying a later document through the store: version check, audit, notes, person-set statuses, new items."""
from __future__ import annotations

from pathlib import Path

import pytest

from geo.contract import validate_feature
from geo.progress import apply_review, changes_since_plan, propose, read_file
from tests.progress_support import DOCS, build_store, item_named

SUMMARY = DOCS / "fengze" / "2022-summary.txt"


@pytest.fixture
def store(tmp_path):
    return build_store(tmp_path)


def _bytes(store):
    return (store.path.read_bytes(), store.audit_path.read_bytes())


def test_proposing_writes_nothing(store):
    before = _bytes(store)
    review = propose(store, read_file(SUMMARY))
    assert review.updates and review.new_items
    assert _bytes(store) == before


def test_applying_changes_status_and_progress_and_quotes_the_document(store):
    review = propose(store, read_file(SUMMARY))
    result = apply_review(store, review)
    assert result.updated and result.created and not result.conflicts
    five_g = item_named(store, "5G基站")["properties"]
    assert five_g["status"] == "completed" and five_g["progress"]["done"] == 46
    note = five_g["progress_notes"][-1]
    assert "2022-summary.txt" in note["text"] and "建成5G基站46个" in note["text"] and "第" in note["text"]
    assert note["by"] == "progress:2022-summary.txt"
    src = five_g["x_progress_source"]
    assert src["document"] == "2022-summary.txt" and src["plan_status"] == "planned"
    assert read_file(SUMMARY).text[src["span"][0]:src["span"][1]] == "建成5G基站46个"
    history = store.history(item_named(store, "5G基站")["id"])
    assert {e.field for e in history if e.user == "progress:2022-summary.txt"} >= {"status", "progress", "progress_notes"}


def test_items_the_document_does_not_mention_keep_everything(store):
    untouched = {f["id"]: f for f in store.load() if "供水管网" in f["properties"]["text"]
                 or "粮食生产功能区" in f["properties"]["text"]}
    assert len(untouched) == 2
    apply_review(store, propose(store, read_file(SUMMARY)))
    for item_id, before in untouched.items():
        assert store.get(item_id) == before


def test_new_items_are_valid_contract_items_sourced_from_the_document(store):
    document = read_file(SUMMARY)
    review = propose(store, document)
    apply_review(store, review)
    for p in review.new_items:
        stored = store.get(p.item_id)
        props = stored["properties"]
        assert validate_feature(stored) == []
        assert props["plan"] == document.plan_id and props["town"] == "枫泽镇"
        assert document.text[props["span"][0]:props["span"][1]] == props["text"]
    names = {p.name for p in review.new_items}
    assert "黄泥岭水库除险加固工程" in names
    reservoir = item_named(store, "石门坑水库")["properties"]
    assert "黄泥岭" not in str(reservoir.get("progress_notes"))


def test_reading_the_same_document_again_proposes_nothing(store):
    apply_review(store, propose(store, read_file(SUMMARY)))
    again = propose(store, read_file(SUMMARY))
    assert not again.updates and not again.new_items and not again.conflicts


def test_a_status_a_person_set_is_a_conflict_not_overwritten(store):
    bridge = item_named(store, "溪口大桥危桥改造")
    edited = dict(bridge, properties=dict(bridge["properties"], status="in_progress"))
    store.save_item(edited, expected_version=bridge["properties"]["version"], user="anna")
    review = propose(store, read_file(SUMMARY))
    conflict = next(p for p in review.conflicts if p.item_id == bridge["id"])
    assert conflict.status == "suspended" and "anna" in conflict.conflict
    apply_review(store, review)
    assert store.get(bridge["id"])["properties"]["status"] == "in_progress"  # the person's status stands
    # an editor who decides for the document applies it by name
    review = propose(store, read_file(SUMMARY))
    result = apply_review(store, review, {f"item:{bridge['id']}"}, editor="bo")
    assert result.updated == [bridge["id"]]
    assert store.get(bridge["id"])["properties"]["status"] == "suspended"
    assert store.history(bridge["id"])[-1].user == "bo via progress:2022-summary.txt"


def test_a_status_set_by_an_earlier_document_may_be_updated_by_a_later_one(store):
    apply_review(store, propose(store, read_file(DOCS / "fengze" / "2022-halfyear.txt")))
    assert item_named(store, "石门坑水库")["properties"]["status"] == "in_progress"
    review = propose(store, read_file(SUMMARY))
    assert not review.conflicts
    apply_review(store, review)
    props = item_named(store, "石门坑水库")["properties"]
    assert props["status"] == "completed" and len(props["progress_notes"]) == 2
    assert props["x_progress_source"]["plan_status"] == "planned"


def test_an_item_changed_meanwhile_is_a_conflict_and_nothing_is_written(store):
    review = propose(store, read_file(SUMMARY))
    target = item_named(store, "5G基站")
    changed = dict(target, properties=dict(target["properties"], notes="现场核实中"))
    store.save_item(changed, expected_version=target["properties"]["version"], user="carl")
    before = _bytes(store)
    result = apply_review(store, review)
    assert not result.written
    assert [item_id for item_id, _ in result.conflicts] == [target["id"]]
    assert "carl" in result.conflicts[0][1]
    assert _bytes(store) == before
    assert store.get(target["id"])["properties"]["notes"] == "现场核实中"


def test_changes_since_the_plan_are_read_from_the_items(store):
    review = propose(store, read_file(SUMMARY))
    apply_review(store, review)
    changes = changes_since_plan(store.load())
    five_g = item_named(store, "5G基站")
    assert changes[five_g["id"]].change == "status" and changes[five_g["id"]].plan_status == "planned"
    assert all(changes[p.item_id].change == "new" for p in review.new_items)
    assert item_named(store, "供水管网")["id"] not in changes


@pytest.mark.postgis
def test_applying_on_postgis_is_version_checked_the_same_way(pg_url):
    store = build_store(pg_url)
    review = propose(store, read_file(SUMMARY))
    target = item_named(store, "5G基站")
    store.save_item(dict(target, properties=dict(target["properties"], notes="x")),
                    expected_version=target["properties"]["version"], user="carl")
    result = apply_review(store, review)
    assert result.conflicts and not result.written
    review = propose(store, read_file(SUMMARY))
    result = apply_review(store, review)
    assert result.updated and result.created
    assert item_named(store, "5G基站")["properties"]["status"] == "completed"
    assert any(e.user == "progress:2022-summary.txt" for e in store.history(target["id"]))


def test_the_bundled_plan_and_a_summary_in_the_issues_words(tmp_path):
    """岙里坑水库除险加固工程通过完工验收 ↔ 岙里坑水库除险加固; one of the two reservoirs of one item."""
    import shutil

    from geo.progress import read_text
    from geo.store import open_store

    bundled = Path(__file__).resolve().parent.parent / "data"
    shutil.copy(bundled / "projects.geojson", tmp_path / "projects.geojson")
    store = open_store(tmp_path)
    doc = read_text("东塍镇2020年工作总结\n一、2020年工作回顾\n岙里坑水库除险加固工程通过完工验收。下坦溪水库除险加固工程完工。"
                    "建成5G基站62个。牛头山水库除险加固工程启动。\n", name="东塍镇2020年工作总结.txt")
    review = propose(store, doc)
    got = {p.name: p for p in review.proposals}
    assert got["岙里坑水库除险加固"].status == "completed"
    assert "通过完工验收" in got["岙里坑水库除险加固"].evidence.cue
    assert got["水口山水库、下坦溪水库除险加固工程"].status == "in_progress"
    assert (got["新建5G基站60个以上"].status, got["新建5G基站60个以上"].progress) == ("completed", 62)
    # the item of 牛头山水库 is about its water source: the works on its dam are a new item
    assert [p.name for p in review.new_items] == ["牛头山水库除险加固工程启动"]
    assert not any("牛头山" in p.name for p in review.updates)
