"""``python -m geo progress`` and ``progress-eval`` as a person runs them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.progress_support import DOCS, build_store, item_named

ROOT = Path(__file__).resolve().parent.parent


def geo(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def _one_clear_line(result):
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    return lines[0]


def test_preview_lists_proposals_and_writes_nothing(tmp_path):
    store = build_store(tmp_path)
    before = store.path.read_bytes()
    r = geo("progress", DOCS / "fengze" / "2022-summary.txt", "--data", tmp_path)
    assert r.returncode == 0, r.stderr
    assert "updates:" in r.stdout and "new items" in r.stdout
    assert "建成5G基站46个" in r.stdout and "进度 46/40个" in r.stdout
    assert "preview only: nothing written" in r.stdout
    assert store.path.read_bytes() == before


def test_yes_applies_and_names_the_document_in_the_history(tmp_path):
    store = build_store(tmp_path)
    r = geo("progress", DOCS / "shiwan" / "2021-09-progress.docx", "--data", build_store(tmp_path / "s", "shiwan/2021-plan.txt").directory, "--yes")
    assert r.returncode == 0, r.stderr
    assert "applied as progress:2021-09-progress.docx" in r.stdout
    r = geo("progress", DOCS / "fengze" / "2022-summary.txt", "--data", tmp_path, "--yes")
    assert r.returncode == 0, r.stderr
    assert item_named(store, "5G基站")["properties"]["status"] == "completed"
    users = {e.user for e in store.history()}
    assert "progress:2022-summary.txt" in users


def test_json_output_is_plain_data_for_the_app(tmp_path):
    build_store(tmp_path)
    r = geo("progress", DOCS / "fengze" / "2022-halfyear.txt", "--data", tmp_path, "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout.splitlines()[0])
    assert data["document"]["kind"] == "half_year" and data["town"] == "枫泽镇"
    p = next(p for p in data["proposals"] if "石门坑水库" in p["name"])
    assert p["status"] == "in_progress" and p["evidence"]["line"] >= 1 and p["key"].startswith("item:")


def test_a_document_of_another_town_says_so_and_stops(tmp_path):
    store = build_store(tmp_path)
    before = store.path.read_bytes()
    line = _one_clear_line(geo("progress", DOCS / "liutang" / "2023-halfyear.html", "--data", tmp_path, "--yes"))
    assert "柳塘街道" in line and "枫泽镇" in line
    assert store.path.read_bytes() == before


def test_a_document_without_progress_says_so(tmp_path):
    build_store(tmp_path)
    notice = tmp_path / "notice.txt"
    notice.write_text("枫泽镇关于召开安全生产工作会议的通知\n定于1月10日上午9时在镇会议室召开会议，请准时参加。\n",
                      encoding="utf-8")
    assert "no recognisable progress" in _one_clear_line(geo("progress", notice, "--data", tmp_path))


@pytest.mark.parametrize("content,expect", [
    (None, "no such file"),
    (b"", "empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
    (b"PK\x03\x04broken", "damaged"),
])
def test_unreadable_files_get_the_extractors_one_line_error(tmp_path, content, expect):
    build_store(tmp_path)
    path = tmp_path / "doc.docx"
    if content is not None:
        path.write_bytes(content)
    assert expect in _one_clear_line(geo("progress", path, "--data", tmp_path))


def test_an_empty_store_says_to_build_the_plan_first(tmp_path):
    line = _one_clear_line(geo("progress", DOCS / "fengze" / "2022-summary.txt", "--data", tmp_path))
    assert "build" in line


def test_compare_two_documents():
    r = geo("progress", DOCS / "fengze" / "2023-plan.txt", "--compare", DOCS / "fengze" / "2022-plan.txt", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    rows = {row["name"]: row["outcome"] for row in data["rows"]}
    assert rows["溪口大桥危桥改造"] == "put_off"
    assert rows["枫泽至岭下公路改建工程"] == "continued"
    assert rows["新建岭下村污水处理设施"] == "new"
    assert rows["新建5G基站40个以上"] == "not_mentioned"


@pytest.mark.slow
def test_benchmark_meets_the_targets_on_the_labelled_pairs():
    r = geo("progress-eval")
    assert r.returncode == 0, r.stderr
    figures = json.loads(r.stdout.strip().splitlines()[-1])
    for store in ("reviewed", "extracted"):
        for group in ("development", "held_out", "untouched"):
            f = figures[store][group]
            assert f["precision"] >= 0.9, (store, group, f)
            assert f["recall"] >= 0.85, (store, group, f)
            assert f["unmentioned_changes"] == 0, (store, group, f)
    assert "pooled untouched" in r.stdout
