"""AppTest for 进度文件 on the 导入导出 page: a later document of the town → proposals with highlighted evidence,
accepted or rejected one by one, applied with 应用; bad documents refused with a message; an item changed
meanwhile listed as a conflict with nothing lost; "changed since the plan" on the list; two documents compared.

The town, its plan and its summary are fictional and written in tests/progress_app_data.py; expectations are
derived from what the library proposes for them, not typed here.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo import i18n, table
from geo.app.state import Keys
from geo.progress import default_accept, propose, read_text
from geo.store import open_store
from tests import edit_data
from tests import progress_app_data as D
from tests.apptest_support import run_app, sign_in, use_data


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    return use_data(monkeypatch, D.build(tmp_path / "data"))


def _page(query=None, *, editor: str | None = "anna") -> AppTest:
    at = run_app(query, timeout=120)
    if editor:  # sign in on the map page: AppTest shows the sidebar of the first page only
        sign_in(at, editor)
    at.switch_page("pages/exchange.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [m.value for m in at.info] + [m.value for m in at.error]
                    + [m.value for m in at.warning] + [m.value for m in at.success] + [c.value for c in at.caption])


def _upload(at, name: str, text: str, n: int = 0) -> AppTest:
    at.file_uploader(key=Keys.progress_upload(n)).set_value((name, text.encode("utf-8"), "text/plain")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _expected(data_dir, name=D.SUMMARY_NAME, text=D.SUMMARY):
    """What the library proposes for the document against the store (the CLI's review)."""
    return propose(open_store(data_dir), read_text(text, name=name))


def _apply(at) -> AppTest:
    at.button(key=Keys.PROG_APPLY).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_viewer_sees_no_progress_section(data_dir):
    at = _page(editor=None)
    assert not [u for u in at.file_uploader if u.key and u.key.startswith("prog_")]
    assert "进度文件" not in [s.value for s in at.subheader]


def test_proposals_table_accept_reject_apply(data_dir):
    store = open_store(data_dir)
    before = {f["id"]: f for f in store.load()}
    review = _expected(data_dir)
    assert len(review.updates) >= 2 and review.new_items
    at = _page()
    _upload(at, D.SUMMARY_NAME, D.SUMMARY)
    text = _texts(at)
    for p in review.updates + review.new_items:  # every proposal listed with its evidence highlighted
        assert p.name in text.replace("\\", "")
        box = at.checkbox(key=Keys.progress_accept(1, p.key))
        assert box.value is (p.key in default_accept(review))
    marked = [m.value for m in at.markdown if "progress-work" in m.value]
    assert len(marked) >= len(review.updates) + len(review.new_items)
    assert any(f'<mark class="progress-work">' in m for m in marked)
    assert {f["id"]: f for f in store.load()} == before  # nothing written before 应用

    rejected, *accepted = review.updates
    at.checkbox(key=Keys.progress_accept(1, rejected.key)).uncheck().run()
    assert not at.exception
    _apply(at)
    assert any("已应用" in s.value for s in at.success), _texts(at)

    after = {f["id"]: f for f in open_store(data_dir).load()}
    assert after[rejected.item_id] == before[rejected.item_id]  # rejected: untouched
    for p in accepted:
        props = after[p.item_id]["properties"]
        assert props["status"] == p.status
        assert D.SUMMARY_NAME in props["progress_notes"][-1]["text"]
        users = {e.user for e in store.history(p.item_id)}
        assert f"anna via progress:{D.SUMMARY_NAME}" in users
    for p in review.new_items:
        assert after[p.item_id]["properties"]["plan"] == read_text(D.SUMMARY, name=D.SUMMARY_NAME).plan_id
    untouched = set(before) - {p.item_id for p in review.proposals}
    for item_id in untouched:
        assert after[item_id] == before[item_id]
    # a fresh uploader after applying
    assert at.file_uploader(key=Keys.progress_upload(1)).value in (None, [])


def test_changed_since_the_plan_on_the_list(data_dir):
    review = _expected(data_dir)
    at = _page()
    _upload(at, D.SUMMARY_NAME, D.SUMMARY)
    _apply(at)
    at = run_app({"changed": "1"})  # a shared link: the toggle lives in the URL
    assert at.sidebar.toggle(key=Keys.CHANGED).value is True
    changed = {p.item_id for p in review.updates if "status" in p.changes} | {p.item_id for p in review.new_items}
    total = len(open_store(data_dir).load())
    counts = i18n.t("count_shown", shown=len(changed), total=total)
    assert any(counts in m.value for m in at.markdown), "the map shows only what changed since the plan"
    at.switch_page("pages/list.py").run()
    assert not at.exception, [e.value for e in at.exception]
    frame = next(d.value for d in at.dataframe if "自规划以来的变化" in d.value.columns)
    assert set(frame[table.header("id")]) == changed
    words = " ".join(frame["自规划以来的变化"])
    assert D.SUMMARY_NAME in words and "→" in words and "新增" in words
    assert at.query_params.get("changed") in ("1", ["1"])
    # the map page's detail panel names the change of a selected item
    target = next(p for p in review.updates if "status" in p.changes)
    at = run_app({"changed": "1", "item": target.item_id})
    details = " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert "自规划以来的变化" in details and D.SUMMARY_NAME in details and i18n.status_label(target.status) in details


def test_a_document_of_another_town_is_refused(data_dir):
    before = (data_dir / "projects.geojson").read_bytes()
    at = _page()
    _upload(at, D.OTHER_TOWN_NAME, D.OTHER_TOWN)
    errors = " ".join(e.value for e in at.error)
    assert "松岭乡" in errors and D.TOWN in errors
    assert not [b for b in at.button if b.key == Keys.PROG_APPLY]
    assert (data_dir / "projects.geojson").read_bytes() == before


def test_a_document_without_progress_says_so(data_dir):
    at = _page()
    _upload(at, D.NO_PROGRESS_NAME, D.NO_PROGRESS)
    assert "no recognisable progress" in " ".join(e.value for e in at.error)
    assert not [b for b in at.button if b.key == Keys.PROG_APPLY]


def test_unreadable_file_is_refused_with_a_message(data_dir):
    at = _page()
    at.file_uploader(key=Keys.progress_upload(0)).set_value(("x.docx", b"PK\x03\x04broken", "application/zip")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "无法使用此文件" in " ".join(e.value for e in at.error)


def test_an_item_changed_meanwhile_is_a_conflict_and_nothing_is_lost(data_dir):
    review = _expected(data_dir)
    at = _page()
    _upload(at, D.SUMMARY_NAME, D.SUMMARY)
    # someone saves one of the proposed items after the proposals were shown
    target = review.updates[0]
    store = open_store(data_dir)
    current = store.get(target.item_id)
    store.save_item({**current, "properties": {**current["properties"], "notes": "现场核实中"}},
                    expected_version=current["properties"]["version"], user="li")
    before = {f["id"]: f for f in store.load()}
    _apply(at)
    assert any("未写入任何数据" in e.value for e in at.error), _texts(at)
    conflicts = next(d.value for d in at.dataframe if "原因" in d.value.columns)
    assert target.item_id in list(conflicts["id"]) and "li" in " ".join(conflicts["原因"])
    assert {f["id"]: f for f in open_store(data_dir).load()} == before  # nothing written, li's note kept
    # the proposals were made again on the current data: applying now works and keeps li's note
    assert at.checkbox(key=Keys.progress_accept(2, target.key)).value is True
    _apply(at)
    props = open_store(data_dir).get(target.item_id)["properties"]
    assert props["notes"] == "现场核实中" and props["status"] == target.status


def test_a_status_a_person_set_is_a_conflict_not_applied_by_default(data_dir):
    review = _expected(data_dir)
    target = review.updates[0]
    store = open_store(data_dir)
    current = store.get(target.item_id)
    mine = next(s for s in ("in_progress", "planned") if s != target.status and s != current["properties"]["status"])
    store.save_item({**current, "properties": {**current["properties"], "status": mine}},
                    expected_version=current["properties"]["version"], user="li")
    at = _page()
    _upload(at, D.SUMMARY_NAME, D.SUMMARY)
    assert "冲突" in _texts(at)
    box = at.checkbox(key=Keys.progress_accept(1, target.key))
    assert box.value is False
    _apply(at)
    assert open_store(data_dir).get(target.item_id)["properties"]["status"] == mine


def test_hostile_script_in_the_evidence_is_shown_as_text(data_dir):
    at = _page()
    _upload(at, D.HOSTILE_NAME, D.HOSTILE)
    html = " ".join(m.value for m in at.markdown if m.allow_html)
    assert "&lt;script&gt;" in html and "&lt;img" in html
    assert D.HOSTILE_SCRIPT not in html and "<img" not in html
    for m in at.markdown:  # markdown of names is escaped too
        assert "<script>" not in m.value


def test_compare_two_documents(data_dir):
    at = _page()
    at.file_uploader(key=Keys.PROG_EARLIER).set_value((f"{D.TOWN}2024年工作计划.txt", D.PLAN.encode(), "text/plain"))
    at.file_uploader(key=Keys.PROG_LATER).set_value((D.SUMMARY_NAME, D.SUMMARY.encode(), "text/plain")).run()
    assert not at.exception, [e.value for e in at.exception]
    from geo.progress import compare_documents

    expected = compare_documents(read_text(D.PLAN, name="plan.txt"), read_text(D.SUMMARY, name=D.SUMMARY_NAME))
    frame = next(d.value for d in at.dataframe if "结果" in d.value.columns)
    assert len(frame) == len(expected.rows)
    got = dict(zip(frame["项目"], frame["结果"]))
    from geo.progress import OUTCOMES
    for row in expected.rows:
        assert got[row.name] == OUTCOMES[row.outcome]
    assert {"已完成", "暂缓/推迟", "新增"} <= set(got.values())


def test_changed_since_the_plan_is_url_state():
    from geo.app.state import ViewState, from_query, to_query

    assert from_query({"changed": "1"}).changed is True
    assert from_query({"changed": "no"}).changed is False
    assert to_query(ViewState(changed=True)) == {"changed": "1"}
    assert to_query(ViewState()) == {}
    assert ViewState(changed=True).is_filtered()
    assert i18n.t("changed_since_plan") in ViewState(changed=True).in_words()


def test_no_ui_string_key_is_defined_twice():
    """A second definition of a key in geo/i18n.py silently replaces the first (and breaks its page)."""
    import ast
    from pathlib import Path

    import geo.i18n

    module = ast.parse(Path(geo.i18n.__file__).read_text(encoding="utf-8"))
    keys = [k.value for node in ast.walk(module) if isinstance(node, ast.Dict)
            for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
            and isinstance(node.values[node.keys.index(k)], ast.Tuple)]
    assert sorted({k for k in keys if keys.count(k) > 1}) == []


def test_the_section_in_english(data_dir):
    at = run_app({"lang": "en"}, timeout=120)
    at.sidebar.text_input(key=Keys.AUTH_NAME).input("anna")
    at.sidebar.text_input(key=Keys.AUTH_PASSWORD).input(edit_data.EDITORS["anna"])
    next(b for b in at.sidebar.button if b.label == i18n.t("sign_in", "en")).click().run()
    at.switch_page("pages/exchange.py").run()
    assert not at.exception, [e.value for e in at.exception]
    _upload(at, D.SUMMARY_NAME, D.SUMMARY)
    text = _texts(at)
    assert i18n.t("progress_updates", "en") in text and i18n.t("progress_title", "en") in [s.value for s in at.subheader]
    _apply(at)
    assert any(s.value.startswith("Applied (anna via progress:") for s in at.success), _texts(at)


@pytest.mark.postgis
def test_applying_on_postgis(data_dir, pg_url, monkeypatch):
    from geo.store.cli import copy_store

    copy_store(str(data_dir), pg_url)
    monkeypatch.setenv("GEO_STORE_URL", pg_url)
    review = _expected(pg_url)
    at = _page()
    _upload(at, D.SUMMARY_NAME, D.SUMMARY)
    _apply(at)
    assert any("已应用" in s.value for s in at.success), _texts(at)
    store = open_store(pg_url)
    for p in review.updates:
        assert store.get(p.item_id)["properties"]["status"] == p.status
        assert any(e.user == f"anna via progress:{D.SUMMARY_NAME}" for e in store.history(p.item_id))
    assert all(store.get(p.item_id) is not None for p in review.new_items)
