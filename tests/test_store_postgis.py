"""PostGIS-only behaviour: migrations, several app servers at once, connection errors."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from geo.store import StoreError, open_store
from geo.store.postgis import PostgisStore, migrate, migrations, redact
from tests.conftest import make_item

pytestmark = pytest.mark.postgis


def test_open_store_picks_postgis_for_a_url(pg_url):
    store = open_store(pg_url)
    assert isinstance(store, PostgisStore)
    assert store.load() == []
    assert [n for n, _ in store.schema_versions()] == [n for n, _, _ in migrations()]


def test_app_servers_starting_together_migrate_once(pg_url):
    start = threading.Barrier(6)

    def boot(_):
        store = PostgisStore(pg_url)
        start.wait()
        try:
            return store.item_count()
        finally:
            store.close()

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(boot, range(6))) == [0] * 6
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT version, name FROM schema_version ORDER BY version").fetchall()
    assert rows == [(n, name) for n, name, _ in migrations()]


def test_failed_migration_changes_nothing(pg_url):
    store = PostgisStore(pg_url)
    store.save_item(make_item("a-1"), expected_version=None, user="alice")
    broken = migrations() + [(999, "999_broken.sql", "ALTER TABLE items ADD COLUMN x int; SELECT no_such_function();")]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        with pytest.raises(StoreError, match="999_broken.sql"):
            migrate(conn, broken)
        cols = [r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'items' "
            "AND table_schema = current_schema()")]
        assert "x" not in cols
        assert 999 not in [r[0] for r in conn.execute("SELECT version FROM schema_version")]
        # a good later migration is applied exactly once
        extra = migrations() + [(2000, "2000_note.sql", "CREATE TABLE note (t text)")]
        assert migrate(conn, extra) == ["2000_note.sql"]
        assert migrate(conn, extra) == []
    assert store.get("a-1")["properties"]["version"] == 1


def test_two_servers_one_database_conflict_not_overwrite(pg_url):
    a, b = PostgisStore(pg_url), PostgisStore(pg_url)
    first = a.save_item(make_item("a-1"), expected_version=None, user="alice")
    mine, theirs = dict(first), dict(first)
    theirs["properties"] = dict(first["properties"], status="completed")
    mine["properties"] = dict(first["properties"], notes="mine")
    b.save_item(theirs, expected_version=1, user="bob")
    with pytest.raises(StoreError, match="changed by bob"):
        a.save_item(mine, expected_version=1, user="alice")
    assert a.get("a-1")["properties"]["status"] == "completed"


def test_unreachable_server_is_a_clear_error_without_password():
    store = PostgisStore("postgresql://me:topsecret@127.0.0.1:1/geo", connect_timeout=2)
    with pytest.raises(StoreError) as err:
        store.load()
    assert "cannot connect" in str(err.value) and "topsecret" not in str(err.value)
    assert "topsecret" not in repr(store)
    assert redact("postgresql://me:pw@h:5/db") == "postgresql://me:***@h:5/db"


def test_photo_metadata_follows_the_item(pg_url):
    store = PostgisStore(pg_url)
    photo = {"file": "a.jpg", "caption": "开工", "lon": 10.0, "lat": 10.0, "added_by": "bob"}
    saved = store.save_item(make_item("a-1", photos=[photo]), expected_version=None, user="bob")
    assert [(p["file"], p["lon"], p["lat"]) for p in store.photos("a-1")] == [("a.jpg", 10.0, 10.0)]
    saved["properties"]["photos"] = []
    store.save_item(saved, expected_version=1, user="bob")
    assert store.photos("a-1") == []


def test_one_store_shared_by_many_threads(pg_url):
    """Streamlit runs sessions on threads: one store object, lent-out connections, no lost update."""
    store = PostgisStore(pg_url + "&application_name=threads-test", max_idle=2)
    store.save_item(make_item("hot-1", x_counter=0), expected_version=None, user="alice")
    from geo.store import VersionConflict

    def bump(_):
        done = 0
        while done < 25:
            item = store.get("hot-1")
            item["properties"]["x_counter"] += 1
            try:
                store.save_item(item, expected_version=item["properties"]["version"], user="editor")
                done += 1
            except VersionConflict:
                pass
            store.counts()
        return done

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(bump, range(8))) == 200
    assert store.get("hot-1")["properties"]["x_counter"] == 200
    with psycopg.connect(pg_url) as conn:
        sessions = conn.execute("SELECT count(*) FROM pg_stat_activity "
                                "WHERE application_name = 'threads-test'").fetchone()[0]
    assert sessions <= 2  # the idle ones kept (max_idle); the rest were closed
    store.close()


def test_reindex_rebuilds_derived_columns(pg_url):
    from geo.store import ItemFilter

    store = PostgisStore(pg_url)
    store.save_item(make_item("a-1", name="水库加固", geometry={"type": "Point", "coordinates": [10, 10]},
                              precision="site", geometry_source="manual"), expected_version=None, user="alice")
    with psycopg.connect(pg_url, autocommit=True) as conn:  # as if older code had derived them differently
        conn.execute("UPDATE items SET search = '', bxmin = NULL, geom = NULL, status = NULL")
    assert store.query(ItemFilter(text="水库")) == []
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run([sys.executable, "-m", "geo", "store", "reindex", pg_url], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "reindexed 1 items" in done.stdout
    assert [f["id"] for f in store.query(ItemFilter(text="水库", statuses=("planned",)))] == ["a-1"]
    assert [f["id"] for f in store.query(ItemFilter(bbox=(9, 9, 11, 11)))] == ["a-1"]
    assert store.get("a-1")["properties"]["version"] == 1
