"""Importing a plan document runs the extractor and merges like a rebuild: human edits survive."""
from __future__ import annotations

from geo.config import PROJECT_ROOT
from geo.importer import apply_import, plan_import
from geo.store import open_store

PLAN = PROJECT_ROOT / "data" / "plans" / "dongcheng-2020-work-plan.txt"


def test_plan_document_is_extracted_previewed_and_merged(tmp_path):
    store = open_store(tmp_path / "data")
    preview = plan_import(PLAN, store=store)
    assert preview.kind == "plan" and preview.rows_ok > 0 and preview.rows_bad == []
    assert store.load() == []
    result = apply_import(preview, store, user="规划员")
    assert len(result.added) == preview.rows_ok
    first = store.get(result.added[0])
    first["properties"]["status"] = "completed"
    store.save_item(first, expected_version=first["properties"]["version"], user="规划员")
    again = apply_import(plan_import(PLAN.read_bytes(), "a/b\\" + PLAN.name, store=store), store, user="规划员")
    assert again.added == []
    assert store.get(first["id"])["properties"]["status"] == "completed"
