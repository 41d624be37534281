"""Shared set-up of the progress tests: a plan of a fictional town built into a throwaway store."""
from __future__ import annotations

import shutil
from pathlib import Path

from geo.extract import extract_file
from geo.store import open_store

DOCS = Path(__file__).parent / "progress_docs"


def build_store(target, plan: str = "fengze/2022-plan.txt"):
    """The plan's items in a store at ``target`` (a folder or a postgresql URL), as ``build`` merges them."""
    doc, items = extract_file(DOCS / plan)
    features = [{"type": "Feature", "id": p["id"], "geometry": None, "properties": dict(p)} for p in items]
    store = open_store(target)
    store.merge_extracted(features, user="build")
    if "://" not in str(target):
        (Path(target) / "plans").mkdir(exist_ok=True)
        shutil.copy(DOCS / plan, Path(target) / "plans" / f"{doc.plan_id}{Path(plan).suffix}")
    return store


def item_named(store, fragment: str) -> dict:
    hits = [f for f in store.load() if fragment in f["properties"]["text"]]
    assert len(hits) == 1, f"{fragment!r}: {len(hits)} items"
    return hits[0]
