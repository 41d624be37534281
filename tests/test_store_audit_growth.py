"""The audit records what changed: a note added to an item with 999 notes logs that note, not
both whole lists, so the log grows linearly with the number of saves (both engines)."""
from __future__ import annotations

import pytest

from geo.field import with_note
from geo.store import FileStore, open_store
from tests.conftest import make_item

SAVES = 1000


def _note_text(i: int) -> str:
    return f"第{i}次巡查：现场施工正常，已拍照存档"


def _add_notes(store, audit_size) -> list[int]:
    """Save SAVES notes one by one; the audit's size after each save."""
    item = store.save_item(make_item("n-1"), expected_version=None, user="seed")
    sizes = [audit_size()]
    for i in range(SAVES):
        item = store.save_item(with_note(item, _note_text(i), by="field", date="2026-03-01"),
                               expected_version=item["properties"]["version"], user="field")
        sizes.append(audit_size())
    return sizes


def _check_linear(store, sizes: list[int]) -> None:
    per_save = [b - a for a, b in zip(sizes, sizes[1:])]
    first, last = per_save[:100], per_save[-100:]
    # Whole lists would make the last saves ~1000x the first; one note each keeps them level.
    assert max(last) <= 1.3 * max(first), (sum(first) / 100, sum(last) / 100)
    assert sizes[-1] - sizes[0] < 400 * SAVES, "a few hundred bytes per note save"
    history = [e for e in store.history("n-1") if e.user == "field"]
    assert len(history) == SAVES
    last_entry = history[-1]
    assert last_entry.field == f"progress_notes[{SAVES - 1}]" and last_entry.field_name == "progress_notes"
    assert last_entry.old is None and last_entry.new["text"] == _note_text(SAVES - 1)
    assert last_entry.version == SAVES + 1
    assert len(store.get("n-1")["properties"]["progress_notes"]) == SAVES


@pytest.mark.slow
def test_file_store_audit_grows_linearly_with_note_saves(tmp_path):
    store = FileStore(tmp_path)
    sizes = _add_notes(store, lambda: (tmp_path / "audit.jsonl").stat().st_size)
    _check_linear(store, sizes)


@pytest.mark.slow
@pytest.mark.postgis
def test_postgis_audit_grows_linearly_with_note_saves(pg_url):
    store = open_store(pg_url)

    def audit_size() -> int:
        return store._fetch("SELECT coalesce(sum(octet_length(coalesce(old::text, '')) "
                            "+ octet_length(coalesce(new::text, ''))), 0) FROM audit")[0][0]

    sizes = _add_notes(store, audit_size)
    _check_linear(store, sizes)


def test_edits_and_removals_in_a_list_are_logged_by_element(tmp_path):
    store = FileStore(tmp_path)
    item = store.save_item(make_item("l-1"), expected_version=None, user="seed")
    for i in range(3):
        item = store.save_item(with_note(item, _note_text(i), by="field", date="2026-03-01"),
                               expected_version=item["properties"]["version"], user="field")
    notes = item["properties"]["progress_notes"]
    edited = [notes[0], dict(notes[1], text="更正：第1次巡查发现渗漏"), notes[2]]
    item["properties"]["progress_notes"] = edited
    item = store.save_item(item, expected_version=item["properties"]["version"], user="editor")
    item["properties"]["progress_notes"] = [edited[1], edited[2]]
    store.save_item(item, expected_version=item["properties"]["version"], user="remover")
    by_user = {u: [(e.field, e.old, e.new) for e in store.history("l-1") if e.user == u] for u in ("editor", "remover")}
    assert by_user["editor"] == [("progress_notes[1]", notes[1], edited[1])]
    assert by_user["remover"] == [("progress_notes[0]", notes[0], None)]
    first = [e for e in store.history("l-1") if e.user == "field"][0]
    assert first.field == "progress_notes" and first.new == [notes[0]]  # the first note: the list it starts
