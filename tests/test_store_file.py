"""The GeoJSON file store: atomic writes, stale-version conflicts, audit history, crash recovery,
multi-process saves and merges that keep human edits."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from geo.store import CorruptStore, FileStore, InvalidItem, VersionConflict, open_store
from geo.validate import has_errors, validate_path
from tests.conftest import make_item

ROOT = Path(__file__).resolve().parent.parent


def new_item(item_id="t-1", **props):
    """An item as a caller hands it to save_item (bookkeeping is the store's job)."""
    f = make_item(item_id, **props)
    return f


def test_open_store_picks_file_store_for_a_folder(tmp_path):
    store = open_store(tmp_path)
    assert isinstance(store, FileStore)
    assert store.load() == []


def test_save_then_get_and_file_is_valid(tmp_path):
    store = FileStore(tmp_path)
    saved = store.save_item(new_item("a-1", name="新建道路"), expected_version=None, user="alice")
    assert saved["properties"]["version"] == 1
    assert saved["properties"]["updated_by"] == "alice"
    assert store.get("a-1")["properties"]["name"] == "新建道路"
    assert not has_errors(validate_path(tmp_path / "projects.geojson"))
    # a second store object (another process) sees the same data
    assert FileStore(tmp_path).get("a-1")["properties"]["version"] == 1


def test_stale_version_is_refused_and_nothing_changes(tmp_path):
    store = FileStore(tmp_path)
    first = store.save_item(new_item("a-1"), expected_version=None, user="alice")
    mine = json.loads(json.dumps(first))
    theirs = json.loads(json.dumps(first))
    theirs["properties"]["status"] = "in_progress"
    store.save_item(theirs, expected_version=1, user="bob")
    before = (tmp_path / "projects.geojson").read_bytes()
    mine["properties"]["status"] = "completed"
    with pytest.raises(VersionConflict) as err:
        store.save_item(mine, expected_version=1, user="alice")
    assert "bob" in str(err.value) and "version 1" in str(err.value)
    assert (tmp_path / "projects.geojson").read_bytes() == before
    assert store.get("a-1")["properties"]["status"] == "in_progress"


def test_creating_an_existing_id_is_a_conflict(tmp_path):
    store = FileStore(tmp_path)
    store.save_item(new_item("a-1"), expected_version=None, user="alice")
    with pytest.raises(VersionConflict):
        store.save_item(new_item("a-1"), expected_version=None, user="bob")


def test_audit_history_records_who_when_field_old_new(tmp_path):
    store = FileStore(tmp_path)
    item = store.save_item(new_item("a-1", status="planned"), expected_version=None, user="alice")
    item["properties"]["status"] = "in_progress"
    item["properties"]["notes"] = "开工"
    store.save_item(item, expected_version=1, user="bob")
    hist = store.history("a-1")
    changes = {(e.field, e.old, e.new, e.user) for e in hist if e.action == "update"}
    assert ("status", "planned", "in_progress", "bob") in changes
    assert ("notes", None, "开工", "bob") in changes
    assert all(e.ts for e in hist)
    assert any(e.action == "create" and e.user == "alice" for e in hist)
    assert store.history("other") == []


def test_invalid_item_is_refused_and_nothing_changes(tmp_path):
    store = FileStore(tmp_path)
    store.save_item(new_item("a-1"), expected_version=None, user="alice")
    before = (tmp_path / "projects.geojson").read_bytes()
    bad = store.get("a-1")
    bad["properties"]["status"] = "done-ish"
    with pytest.raises(InvalidItem) as err:
        store.save_item(bad, expected_version=1, user="alice")
    assert "status" in str(err.value) and "done-ish" in str(err.value)
    assert (tmp_path / "projects.geojson").read_bytes() == before


def test_unchanged_save_does_not_bump_version(tmp_path):
    store = FileStore(tmp_path)
    item = store.save_item(new_item("a-1"), expected_version=None, user="alice")
    again = store.save_item(item, expected_version=1, user="alice")
    assert again["properties"]["version"] == 1


def test_corrupt_file_gives_a_clear_error(tmp_path):
    (tmp_path / "projects.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(CorruptStore) as err:
        FileStore(tmp_path).load()
    assert "projects.geojson" in str(err.value) and "not valid JSON" in str(err.value)


def test_cut_audit_line_is_skipped_and_next_entry_starts_clean(tmp_path):
    store = FileStore(tmp_path)
    item = store.save_item(new_item("a-1"), expected_version=None, user="alice")
    with open(tmp_path / "audit.jsonl", "ab") as fh:
        fh.write(b'{"ts": "2026-01-01", "user": "x", "it')  # what a crash mid-append leaves
    item["properties"]["notes"] = "after crash"
    store.save_item(item, expected_version=1, user="bob")
    lines = (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    parsed = [line for line in lines if _parses(line)]
    assert len(parsed) == len(lines) - 1
    assert any(e.field == "notes" and e.new == "after crash" for e in store.history("a-1"))


def _parses(line):
    try:
        json.loads(line)
        return True
    except json.JSONDecodeError:
        return False


# ---- crash safety ---------------------------------------------------------

CRASH_AT_RENAME = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, sys.argv[2])
    from geo.store import FileStore
    store = FileStore(sys.argv[1])
    item = store.get("a-1")
    item["properties"]["notes"] = "never saved"
    # Power cut at the commit point: the temp file is complete, the rename never happens.
    os.replace = lambda *a, **k: os.kill(os.getpid(), 9)
    store.save_item(item, expected_version=item["properties"]["version"], user="crash")
""")


def test_kill_before_rename_leaves_last_good_file_and_start_up_recovers(tmp_path):
    store = FileStore(tmp_path)
    store.save_item(new_item("a-1", notes="good"), expected_version=None, user="alice")
    before = (tmp_path / "projects.geojson").read_bytes()
    proc = subprocess.run([sys.executable, "-c", CRASH_AT_RENAME, str(tmp_path), str(ROOT)])
    assert proc.returncode == -signal.SIGKILL
    assert (tmp_path / "projects.geojson").read_bytes() == before
    leftovers = list(tmp_path.glob(".projects.geojson.tmp-*"))
    assert leftovers, "the killed writer should have left its temp file"
    reopened = FileStore(tmp_path)
    assert reopened.recovered and not list(tmp_path.glob(".projects.geojson.tmp-*"))
    assert all(p.parent.name == "recovered" and p.exists() for p in reopened.recovered)
    assert reopened.get("a-1")["properties"]["notes"] == "good"
    # the store still takes saves after the crash (the lock was released by the kernel)
    item = reopened.get("a-1")
    item["properties"]["notes"] = "later"
    reopened.save_item(item, expected_version=1, user="alice")
    assert FileStore(tmp_path).get("a-1")["properties"]["notes"] == "later"


SAVE_LOOP = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[2])
    from geo.store import FileStore, VersionConflict
    store = FileStore(sys.argv[1])
    while True:
        items = store.load()
        batch = []
        for f in items:
            f = dict(f, properties=dict(f["properties"]))
            f["properties"]["notes"] = str(int(f["properties"]["notes"]) + 1)
            batch.append(f)
        store.save_items(batch, user="loop")
""")


@pytest.mark.slow
def test_random_kills_during_saves_never_corrupt_the_file(tmp_path):
    store = FileStore(tmp_path)
    seed = [new_item(f"a-{i}", notes="0", text="测" * 400) for i in range(1500)]
    store.save_items(seed, user="seed", expected_versions=[None] * len(seed))
    for round_ in range(5):
        audit_lines = _line_count(tmp_path / "audit.jsonl")
        proc = subprocess.Popen([sys.executable, "-c", SAVE_LOOP, str(tmp_path), str(ROOT)])
        try:
            # wait (on a condition) until this writer has committed at least one save, then kill it mid-flight
            _wait_for(lambda: _line_count(tmp_path / "audit.jsonl") > audit_lines or proc.poll() is not None)
            assert proc.poll() is None, "writer died on its own"
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait()
        problems = validate_path(tmp_path / "projects.geojson")
        assert not has_errors(problems), problems[:3]
        notes = {f["properties"]["notes"] for f in FileStore(tmp_path).load()}
        assert len(notes) == 1, "a save is all or nothing: every item carries the same counter"
        # The history is written ahead of the data file, so a kill often lands mid-append: each kill
        # may leave one cut line (the next save starts on a fresh line), never more, and reading
        # the history skips it.
        lines = (tmp_path / "audit.jsonl").read_text("utf-8").splitlines()
        assert sum(not _parses(line) for line in lines) <= round_ + 1
        assert FileStore(tmp_path).history("a-0")


def _line_count(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(1 for _ in fh)
    except FileNotFoundError:
        return 0


def _wait_for(cond, timeout=60.0):
    import time
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)  # polling interval, not a fixed wait


# ---- concurrency ----------------------------------------------------------

def _bump_counter(args):
    directory, n = args
    store = FileStore(directory)
    conflicts = 0
    for _ in range(n):
        while True:
            item = store.get("counter")
            item["properties"]["notes"] = str(int(item["properties"]["notes"]) + 1)
            try:
                store.save_item(item, expected_version=item["properties"]["version"], user=f"p{os.getpid()}")
                break
            except VersionConflict:
                conflicts += 1
    return conflicts


def _create_own(args):
    directory, prefix, n = args
    store = FileStore(directory)
    for i in range(n):
        store.save_item(new_item(f"{prefix}-{i}"), expected_version=None, user=prefix)


def test_concurrent_processes_lose_no_update(tmp_path):
    FileStore(tmp_path).save_item(new_item("counter", notes="0"), expected_version=None, user="seed")
    procs, per_proc = 4, 25
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(procs) as pool:
        pool.map(_bump_counter, [(str(tmp_path), per_proc)] * procs)
        pool.map(_create_own, [(str(tmp_path), f"p{k}", 10) for k in range(procs)])
    store = FileStore(tmp_path)
    assert store.get("counter")["properties"]["notes"] == str(procs * per_proc)
    assert store.get("counter")["properties"]["version"] == 1 + procs * per_proc
    assert len(store.load()) == 1 + procs * 10
    assert not has_errors(validate_path(tmp_path / "projects.geojson"))
    assert len([e for e in store.history("counter") if e.field == "notes" and e.action == "update"]) == procs * per_proc


# ---- merge keeps human edits ---------------------------------------------

def extracted(item_id, **props):
    f = make_item(item_id, **props)
    for key in ("version", "updated_at", "updated_by"):
        f["properties"].pop(key)
    return f


def test_rebuild_keeps_status_notes_and_manual_geometry(tmp_path):
    store = FileStore(tmp_path)
    report = store.merge_extracted([extracted("p-1", name="旧名"), extracted("p-2"), extracted("p-3")])
    assert sorted(report.added) == ["p-1", "p-2", "p-3"]

    item = store.get("p-1")
    item["properties"].update(status="completed", notes="已验收", precision="site",
                              geometry_source="manual")
    item["geometry"] = {"type": "Point", "coordinates": [120.5, 28.5]}
    store.save_item(item, expected_version=1, user="field")
    renamed = store.get("p-2")
    renamed["properties"]["name"] = "人工改名"
    store.save_item(renamed, expected_version=1, user="reviewer")

    report = store.merge_extracted([
        extracted("p-1", name="新名", status="planned", precision="none"),
        extracted("p-2", name="机器名"),
    ])
    p1, p2, p3 = store.get("p-1")["properties"], store.get("p-2")["properties"], store.get("p-3")["properties"]
    assert p1["name"] == "新名"  # machine-owned field follows the new extraction
    assert p1["status"] == "completed" and p1["notes"] == "已验收"
    assert store.get("p-1")["geometry"] == {"type": "Point", "coordinates": [120.5, 28.5]}
    assert p1["geometry_source"] == "manual" and p1["precision"] == "site"
    assert p2["name"] == "人工改名"  # a person's edit of any field survives
    assert "not_in_latest_extraction" in p3["flags"]  # kept, flagged, never deleted
    assert report.kept_missing == ["p-3"]
    assert set(report.kept_human_fields["p-1"]) >= {"status", "notes", "geometry"}
    assert not has_errors(validate_path(tmp_path / "projects.geojson"))


def test_rebuild_with_same_extraction_changes_nothing(tmp_path):
    store = FileStore(tmp_path)
    items = [extracted("p-1"), extracted("p-2")]
    store.merge_extracted(items)
    before = (tmp_path / "projects.geojson").read_bytes()
    report = store.merge_extracted(items)
    assert sorted(report.unchanged) == ["p-1", "p-2"] and not report.updated
    assert (tmp_path / "projects.geojson").read_bytes() == before
