"""A 20,000-item import killed (SIGKILL, from its parent) at every point of its save, on both engines:
every committed version keeps its whole history, and a save that never committed shows none.

The import is planned once (geo.importer.plan_import); each run forks a child that applies it
(geo.importer.apply_import, what ``python -m geo import --yes`` runs) to a fresh copy of the
store. Deterministic points come from the store's ``GEO_TEST_CRASH_AT`` hook: the child says
where it stopped and waits. At each point but the last the parent copies the data folder (what a
kill there leaves on disk: a SIGKILL loses no written byte) and lets it go on; at the last it
sends SIGKILL. Timed kills land wherever the write happens to be when a condition (audit size,
the data file's rename, a database transaction holding row locks) is met. Runs go side by side:
each is mostly validation of 20,000 items.

The items are benchmark items (geo.synthetic) without geometry: no coordinate is involved.
"""
from __future__ import annotations

import copy
import os
import select
import shutil
import signal
import sys
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from geo.synthetic import generate
from geo.importer import apply_import, plan_import
from geo.store import FileStore, open_store
from geo.store.atomic import CRASH_POINT_ENV, dumps_feature_collection
from geo.store.base import changed_fields

ROOT = Path(__file__).resolve().parent.parent
PLACES = ROOT / "data" / "places.geojson"
N_ITEMS = 20_000
N_BASE = 200  # in the store before the import; the import changes their status (version 2)
IMPORTER = "importer"
RUN_DEADLINE_S = 600  # one run is about a minute on a 2-core machine

pytestmark = pytest.mark.slow


def _without_geometry(f: dict) -> dict:
    f = copy.deepcopy(f)
    f["geometry"] = None
    f["properties"].update(precision="town", geometry_source=None)
    return f


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    items = [_without_geometry(f) for f in generate(N_ITEMS, PLACES, seed=19)]
    base_items = copy.deepcopy(items[:N_BASE])
    base = root / "base"
    FileStore(base).save_items(base_items, user="seed", expected_versions=[None] * N_BASE)
    upload = copy.deepcopy(items)
    for f in upload[:N_BASE]:
        f["properties"]["status"] = "completed" if f["properties"]["status"] != "completed" else "planned"
    preview = plan_import(dumps_feature_collection(upload), "big.geojson", store=FileStore(base))
    assert preview.rows_ok == N_ITEMS and not preview.rows_bad
    return {"root": root, "base": base, "base_items": base_items, "preview": preview}


# ---- running and killing the import --------------------------------------------------------------
_world_preview = None  # set per test: the forked child reads it from the copied memory


@dataclass
class Run:
    """One import, SIGKILLed at the last of ``points`` (``at_stop`` is called at the others while
    the child waits) or as soon as ``when()`` holds."""

    name: str
    open_target: Callable
    points: tuple[str, ...] = ()
    at_stop: Callable[[str], None] | None = None
    when: Callable[[], bool] | None = None
    pid: int = 0
    err: int = -1
    go_on: int = -1
    said: bytearray = field(default_factory=bytearray)
    stops: list[str] = field(default_factory=list)


def _fork_import(run: Run) -> None:
    err_r, err_w = os.pipe()
    in_r, in_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: nothing here may return into pytest
        code = 1
        try:
            os.dup2(err_w, 2)
            os.dup2(in_r, 0)
            sys.stdin = open(0, encoding="utf-8", closefd=False)
            if run.points:
                os.environ[CRASH_POINT_ENV] = ",".join(run.points)
            else:
                os.environ.pop(CRASH_POINT_ENV, None)
            apply_import(_world_preview, run.open_target(), IMPORTER)
            code = 0
        except BaseException:  # noqa: BLE001 - reported to the parent through stderr
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(err_w)
    os.close(in_r)
    os.set_blocking(err_r, False)
    run.pid, run.err, run.go_on = pid, err_r, in_w


def run_all(runs: list[Run]) -> dict[str, bool]:
    """Run the imports side by side; name -> killed by SIGKILL (False: a timed run had ended first)."""
    running = {}
    killed: dict[str, bool] = {}
    # A child that never says where it stopped must fail the test, not hang the suite until its timeout.
    deadline = time.monotonic() + RUN_DEADLINE_S
    try:
        for run in runs:
            _fork_import(run)
            running[run.name] = run
        while running:
            assert time.monotonic() < deadline, (
                f"no word from {sorted(running)} in {RUN_DEADLINE_S} s: "
                + "; ".join(f"{n} said {r.said.decode()[-500:]!r}, stops {r.stops}" for n, r in running.items()))
            # wait for a child to say where it stopped; the short timeout is the polling of the conditions
            ready, _, _ = select.select([r.err for r in running.values()], [], [], 0.002)
            for name, run in list(running.items()):
                kill = False
                if run.err in ready:
                    try:
                        run.said += os.read(run.err, 65536)
                    except BlockingIOError:
                        pass
                    for point in run.points:
                        if point not in run.stops and f"crash point {point}\n".encode() in run.said:
                            run.stops.append(point)
                            if point == run.points[-1]:
                                kill = True
                            else:
                                if run.at_stop:
                                    run.at_stop(point)
                                os.write(run.go_on, b"\n")
                if run.when is not None and run.when():
                    kill = True
                if kill:
                    os.kill(run.pid, signal.SIGKILL)
                done, status = os.waitpid(run.pid, 0 if kill else os.WNOHANG)
                if not done:
                    continue
                del running[name]
                os.close(run.err)
                os.close(run.go_on)
                killed[name] = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
                if run.points:
                    assert killed[name] and run.stops == list(run.points), \
                        f"{name}: ended (status {status}) at {run.stops}: {run.said.decode()[-2000:]}"
                elif not killed[name]:
                    assert run.when(), f"{name}: the import ended (status {status}) before the kill condition held"
    finally:
        for run in running.values():  # a failing test leaves no child behind
            os.kill(run.pid, signal.SIGKILL)
            os.waitpid(run.pid, 0)
    return killed


# ---- what must hold after any crash --------------------------------------------------------------
def _check(store, base_items: list[dict]) -> tuple[bool, int]:
    """(import committed?, history gaps). Raises on a partial import or a history of a lost save.

    A gap is a version an item went through with no history, or a creation missing fields.
    """
    items = store.load()
    assert len(items) in (N_BASE, N_ITEMS), f"{len(items)} items: an import is all or nothing"
    committed = len(items) == N_ITEMS
    fields: dict[tuple[str, int], set] = defaultdict(set)
    newest: dict[str, int] = {}
    for e in store.history():
        fields[(e.item, e.version)].add(e.field)
        newest[e.item] = max(newest.get(e.item, 0), e.version)
    by_id = {f["id"]: f for f in items}
    lost = [i for i in newest if i not in by_id or newest[i] > by_id[i]["properties"]["version"]]
    assert not lost, f"history of a save that never committed: {lost[:3]} (+{len(lost) - 3 if len(lost) > 3 else 0})"
    base = {b["id"]: b for b in base_items}
    gaps = 0
    for f in items:
        version = f["properties"]["version"]
        gaps += sum(1 for v in range(2, version + 1) if not fields[(f["id"], v)])
        gaps += fields[(f["id"], 1)] != _created_fields(base.get(f["id"], f))
    versions = {b: by_id[b]["properties"]["version"] for b in base}
    if committed:  # the import's update of every base item is version 2, and its history says status
        assert all(v >= 2 and "status" in fields[(b, 2)] for b, v in versions.items())
    else:
        assert sum(v == 1 for v in versions.values()) >= N_BASE - 1  # (one may carry a later edit)
    return committed, gaps


def _created_fields(created: dict) -> set:
    return set(changed_fields(None, {"geometry": None, "properties": created["properties"]}))


def _edit_one(store) -> None:
    """A later save: the crash must not make it hide (or expose) any earlier history."""
    item = store.get(store.load()[0]["id"])
    item["properties"]["notes"] = "crash test: a save after the kill"
    store.save_item(item, expected_version=item["properties"]["version"], user="after")


# ---- the file store --------------------------------------------------------------------------------
# Stop points of one run, in the order a save reaches them -> whether the import counts as committed
# there. The run is killed at the last; the data folder is copied at the others.
FILE_POINTS = {
    "audit-partial": False,   # some audit lines written, the rest and the data file not
    "audit-synced": False,    # all audit lines on disk, data file not renamed yet
    "data-written": False,    # new data file written beside the old, not renamed
    "renamed": True,          # data file renamed into place, no commit line yet (killed here)
}
# Where a later save could get the history wrong: it must confirm a commit whose line the kill
# lost, and must not adopt the lines of the save that died.
SAVE_AFTER = {"renamed", "audit-synced", "rename seen"}


@pytest.mark.timeout(1200)
def test_file_store_import_killed_anywhere_keeps_every_committed_history(world, tmp_path):
    global _world_preview
    _world_preview = world["preview"]
    base, base_items = world["base"], world["base_items"]
    base_audit = (base / "audit.jsonl").stat().st_size
    folders, inode = {}, {}

    def fresh(name: str) -> Path:
        folders[name] = tmp_path / name.replace(" ", "-")
        shutil.copytree(base, folders[name])
        inode[name] = (folders[name] / "projects.geojson").stat().st_ino
        return folders[name]

    points = fresh("points")

    def snapshot(point: str) -> None:  # the child is stopped at ``point``: this is what a kill leaves
        folders[point] = tmp_path / point
        shutil.copytree(points, folders[point])

    f_audit, f_rename = fresh("audit few MB"), fresh("rename seen")
    runs = [
        Run("points", lambda: FileStore(points), points=tuple(FILE_POINTS), at_stop=snapshot),
        # Timed: a few MB into the audit append (of about 70), and the instant the data file is
        # renamed (racing the commit line).
        Run("audit few MB", lambda: FileStore(f_audit),
            when=lambda: (f_audit / "audit.jsonl").stat().st_size > base_audit + 4_000_000),
        Run("rename seen", lambda: FileStore(f_rename),
            when=lambda: (f_rename / "projects.geojson").stat().st_ino != inode["rename seen"]),
    ]
    killed = run_all(runs)
    assert all(killed.values()), killed
    folders["renamed"] = folders.pop("points")  # the points run was killed at its last point

    expected = dict(FILE_POINTS, **{"audit few MB": False, "rename seen": True})
    for name, folder in folders.items():
        store = FileStore(folder)  # what the app does at start: a dead writer's temp file moved aside
        assert _check(store, base_items) == (expected[name], 0), name
        if name in SAVE_AFTER:
            _edit_one(store)
            assert _check(FileStore(folder), base_items) == (expected[name], 0), f"{name}, then a save"
    assert sorted(folders) == sorted(expected)
    print(f"file store: a {N_ITEMS}-item import stopped at {len(expected)} points "
          f"({len(killed)} SIGKILLs), history gaps 0: {expected}")


# ---- PostGIS ---------------------------------------------------------------------------------------
@pytest.mark.postgis
@pytest.mark.timeout(1200)
def test_postgis_import_killed_anywhere_keeps_every_committed_history(world, pg_new_url):
    import psycopg

    global _world_preview
    _world_preview = world["preview"]
    base_items = world["base_items"]

    def fresh() -> str:
        url = pg_new_url()
        store = open_store(url)
        store.save_items(copy.deepcopy(base_items), user="seed", expected_versions=[None] * N_BASE)
        store.close()
        return url

    points_url, timed_url = fresh(), fresh()
    seen = {}

    def look(point: str) -> None:  # stopped before COMMIT: another session sees nothing of the import
        store = open_store(points_url)
        seen[point] = _check(store, base_items)
        store.close()

    schema = timed_url.rsplit("%3D", 1)[1].split(",")[0]
    with psycopg.connect(timed_url, autocommit=True) as watcher:
        def writing() -> bool:  # the import's transaction holds row locks on items: it has written
            return watcher.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = 'items' AND l.mode = 'RowExclusiveLock' "
                "AND l.pid <> pg_backend_pid()", (schema,)).fetchone()[0] > 0

        killed = run_all([
            Run("points", lambda: open_store(points_url), points=("pg-before-commit", "pg-committed"), at_stop=look),
            Run("mid-transaction", lambda: open_store(timed_url), when=writing),
        ])
    assert all(killed.values()), killed
    assert seen == {"pg-before-commit": (False, 0)}
    results = {"pg-before-commit": False}
    for name, url, committed in (("pg-committed", points_url, True), ("mid-transaction", timed_url, False)):
        store = open_store(url)
        assert _check(store, base_items) == (committed, 0), name
        _edit_one(store)
        assert _check(store, base_items) == (committed, 0), f"{name}, then a save"
        store.close()
        results[name] = committed
    print(f"postgis: a {N_ITEMS}-item import stopped at {len(results)} points "
          f"({len(killed)} SIGKILLs), history gaps 0: {results}")
