"""The extractor on other places' real reports (../shared/corpus/reports): never crashes, sane items.

Timing is printed, not asserted (performance is measured, not gated).
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from geo.contract import validate_feature
from geo.extract import extract_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reports"
REPORTS = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not REPORTS, reason="../shared/corpus/reports is not beside the clone")
@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.stem)
def test_reports_of_other_places_give_sane_items(path):
    t0 = time.perf_counter()
    doc, items = extract_file(path)
    elapsed = time.perf_counter() - t0
    print(f"\n{path.name}: {len(doc.text)} chars, {len(items)} items, {elapsed:.2f} s, title={doc.title!r} year={doc.year}")
    assert doc.year and 1990 < doc.year < 2100
    assert items, "a government report always names some works"
    # sane: bounded by the number of clauses, spans valid, contract valid, no chrome, names short
    assert len(items) < len(doc.text) / 40
    for p in items:
        s, e = p["span"]
        assert doc.text[s:e] == p["text"] and 0 < e - s < 400
        assert not p["text"].startswith(("# source", "# title"))
        assert 1 <= len(p["name"]) <= 60
        assert all(len(name) >= 2 for name in p["places"])
        feature = {"type": "Feature", "id": p["id"], "geometry": None,
                   "properties": {**p, "version": 1, "updated_at": "2026-01-01T00:00:00+00:00", "updated_by": "test"}}
        assert validate_feature(feature) == []
    ids = [p["id"] for p in items]
    assert len(ids) == len(set(ids))
    # reports describe finished work: some items of the review part are completed
    if doc.is_report:
        assert any(p["status"] == "completed" for p in items)


def test_a_long_plan_is_processed_quickly():
    """Prints the time for a 20,000-character plan (the bundled plan repeated); asserts only that it finishes."""
    plan = Path(__file__).resolve().parents[1] / "data" / "plans" / "dongcheng-2020-work-plan.txt"
    text = plan.read_text(encoding="utf-8")
    body = text[text.index(")聚焦"):text.rindex("打印")]
    long_text = text[:text.index(")聚焦")] + body * (20000 // len(body) + 1)
    from geo.extract import extract_text
    t0 = time.perf_counter()
    doc, items = extract_text(long_text[:20000], plan_id="long")
    print(f"\n20,000-char plan: {len(items)} items in {time.perf_counter() - t0:.2f} s")
    assert items
