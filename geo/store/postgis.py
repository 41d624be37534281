"""The county-scale store: items, history, places and photo metadata in PostgreSQL/PostGIS.

Same interface and semantics as :class:`geo.store.file_store.FileStore` (merge and
bookkeeping come from ``base``), with filters, text search, counts and viewport
queries run as SQL. Concurrency comes from transactions: a save is
``UPDATE … WHERE id = %s AND version = %s`` and a row count of 0 is a
:class:`VersionConflict`, so any number of app servers on one database never lose
an update. Each thread (and each process) uses its own connection.

What a person saved is kept as given (``props``, ``geojson``, ``extra``: jsonb),
so a copy to a folder and back is lossless; the indexed columns beside them are
derived on every write.
"""
from __future__ import annotations

import copy
import json
import os
import re
import threading
import zlib
from contextlib import contextmanager
from dataclasses import replace
from importlib import resources
from typing import Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.types.json import Jsonb, set_json_loads

from geo.contract import CONTRACT_FIELDS, validate_feature
from geo.query import COUNT_FIELDS, FACET_FIELDS, geometry_bounds, search_terms, search_text
from geo.store.atomic import crash_point
from geo.store.base import (
    LONG_LIVED_ITEMS, AuditEntry, CorruptStore, InvalidItem, ItemFilter, MergeReport, StoreError, VersionConflict, Viewport,
    audit_entries, changed_fields, check_photo_name, is_machine_user, now_iso, plan_merge, raise_if_invalid,
    stamp,
)
from geo.validate_numbers import NumberError, collector_paused, keep_long_lived, loads, loads_marking, locate, readable

# One constant for every app server: migrations run by one of them at a time.
MIGRATION_LOCK_KEY = zlib.crc32(b"geo.store.postgis migrations")
MIGRATIONS_PACKAGE = "geo.store.migrations"

# Indexed columns an ItemFilter restricts, with the property each mirrors.
_FILTER_COLUMNS = (("areas", "area"), ("towns", "town"), ("statuses", "status"), ("categories", "category"),
                   ("plans", "plan"), ("years", "year"), ("precisions", "precision"))
_ITEM_COLUMNS = ("id", "version", "plan", "town", "county", "year", "area", "status", "category",
                 "precision", "dropped", "search", "updated_at", "updated_by", "props", "geojson",
                 "extra", "geom", "bxmin", "bymin", "bxmax", "bymax")
_FEATURE_KEYS = ("type", "id", "geometry", "properties")


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        user = f"{parts.username}:***@" if parts.username else ""
        parts = parts._replace(netloc=user + host)
    return urlunsplit(parts)


def migrations() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of every migration, in order."""
    out = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        m = re.match(r"^(\d+)_.*\.sql$", entry.name)
        if m:
            out.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    out.sort()
    numbers = [n for n, _, _ in out]
    if len(set(numbers)) != len(numbers):
        raise StoreError(f"{MIGRATIONS_PACKAGE}: two migrations share a number ({numbers}); renumber them")
    return out


def migrate(conn: psycopg.Connection, scripts: list[tuple[int, str, str]] | None = None) -> list[str]:
    """Apply the migrations (default: this package's) the database lacks; returns the names applied.

    One transaction under an advisory lock: app servers starting together wait
    for each other, and a failed migration leaves the schema as it was.
    """
    applied_now = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                     " version integer PRIMARY KEY, name text NOT NULL,"
                     " applied_at timestamptz NOT NULL DEFAULT now())")
        done = {row[0] for row in conn.execute("SELECT version FROM schema_version")}
        for number, name, sql in (migrations() if scripts is None else scripts):
            if number in done:
                continue
            try:
                conn.execute(sql)
            except psycopg.Error as exc:
                raise StoreError(f"migration {name} failed: {_db_message(exc)}; nothing was changed. "
                                 "If it needs PostGIS, run CREATE EXTENSION postgis as a superuser first") from None
            conn.execute("INSERT INTO schema_version (version, name) VALUES (%s, %s)", (number, name))
            applied_now.append(name)
    return applied_now


def _db_message(exc: psycopg.Error) -> str:
    diag = getattr(exc, "diag", None)
    text = (diag.message_primary if diag and diag.message_primary else str(exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class PostgisStore:
    """Items in PostgreSQL/PostGIS at ``url`` (postgresql://user:pass@host:port/db?options=…)."""

    def __init__(self, url: str, *, connect_timeout: int = 10, max_idle: int = 4):
        self.url = url
        self.connect_timeout = connect_timeout
        self.max_idle = max_idle
        self._lock = threading.Lock()
        self._idle: list[psycopg.Connection] = []
        self._pid = os.getpid()
        self._inherited: list[psycopg.Connection] = []
        self._migrated = False
        self.recovered: list = []  # FileStore parity: nothing to tidy in a database
        self._snapshot: tuple | None = None  # (revision, items) of the last snapshot()

    def __repr__(self) -> str:
        return f"PostgisStore({redact(self.url)!r})"

    # ---- connections ---------------------------------------------------
    # A few idle connections are kept and lent out one operation (or transaction)
    # at a time, so Streamlit's many short-lived threads share them safely.
    @contextmanager
    def _borrow(self) -> Iterator[psycopg.Connection]:
        conn = self._take()
        try:
            yield conn
        finally:
            self._give(conn)

    def _take(self) -> psycopg.Connection:
        with self._lock:
            if self._pid != os.getpid():
                # A forked child must not touch (or, by closing, end) its parent's sessions.
                self._inherited.extend(self._idle)
                self._idle, self._pid = [], os.getpid()
            while self._idle:
                conn = self._idle.pop()
                if not conn.closed and not conn.broken:
                    return conn
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=self.connect_timeout)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {redact(self.url)}: {_db_message(exc)}; "
                             "check GEO_STORE_URL and that the database server is running") from None
        # jsonb holds numbers Python cannot read back (a 5000-digit integer written by hand in SQL)
        set_json_loads(_loads_json, conn)
        if not self._migrated:
            try:
                migrate(conn)
            except BaseException:
                conn.close()
                raise
            self._migrated = True
        return conn

    def _give(self, conn: psycopg.Connection) -> None:
        idle = (not conn.closed and not conn.broken
                and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE)
        with self._lock:
            if idle and self._pid == os.getpid() and len(self._idle) < self.max_idle:
                self._idle.append(conn)
                return
        if self._pid == os.getpid():
            conn.close()

    def close(self) -> None:
        """Close the idle connections (the store can still be used: it reconnects)."""
        with self._lock:
            idle, self._idle = self._idle, []
        if self._pid == os.getpid():
            for conn in idle:
                conn.close()

    def _fetch(self, sql: str, params=()) -> list[tuple]:
        try:
            with self._borrow() as conn, collector_paused():
                return conn.execute(sql, params).fetchall()
        except psycopg.OperationalError as exc:
            raise StoreError(f"{redact(self.url)}: {_db_message(exc)}; try again") from None
        except NumberError:
            raise self._bad_number_error() from None

    def _bad_number_error(self) -> CorruptStore:
        """Which item holds the number Python could not read, and how to fix it."""
        rows = []
        try:
            with self._borrow() as conn:
                rows = conn.execute("SELECT id, props::text, geojson::text, extra::text FROM items "
                                    "ORDER BY seq").fetchall()
        except psycopg.Error:
            pass
        for item_id, *texts in rows:
            for column, text in zip(("props", "geojson", "extra"), texts):
                if text is None:
                    continue
                doc, marked = loads_marking(text)
                if marked:
                    bad = locate(doc)[0]
                    return CorruptStore(
                        f"{redact(self.url)}: item {item_id}, field {bad.field}: {bad.reason()}. Nothing was "
                        f"changed: correct it in the database (items.{column} of id {item_id!r}) "
                        "or restore the database from backup")
        return CorruptStore(f"{redact(self.url)}: a stored value holds a number no JSON reader accepts; "
                            "find it in the places or audit tables, correct it or restore from backup")

    def _features(self, sql: str, params=()) -> list[dict]:
        rows = self._fetch(sql, params)
        with collector_paused():
            return [_feature(r) for r in rows]

    # ---- reading -------------------------------------------------------
    _FEATURE_SELECT = "SELECT id, props, geojson, extra FROM items"

    def load(self) -> list[dict]:
        """All items in store order (a fresh list: the caller may keep it)."""
        return self._features(self._FEATURE_SELECT + " ORDER BY seq")

    def get(self, item_id: str) -> dict | None:
        rows = self._fetch(self._FEATURE_SELECT + " WHERE id = %s", (item_id,))
        return _feature(rows[0]) if rows else None

    def query(self, flt: ItemFilter | None = None) -> list[dict]:
        where, params = _where(flt or ItemFilter())
        return self._features(f"{self._FEATURE_SELECT} WHERE {where} ORDER BY seq", params)

    def counts(self, flt: ItemFilter | None = None) -> dict:
        """Same as :func:`geo.query.count_items`, as one GROUP BY in the database."""
        where, params = _where(flt or ItemFilter())
        sets = ", ".join(f"({c})" for c in COUNT_FIELDS)
        cols = ", ".join(COUNT_FIELDS)
        grouping = ", ".join(f"GROUPING({c})" for c in COUNT_FIELDS)
        rows = self._fetch(
            f"SELECT {cols}, {grouping}, count(*), count(geojson) FROM items WHERE {where} "
            f"GROUP BY GROUPING SETS ({sets}, ())", params)
        out: dict = {"total": 0, "located": 0, **{c: {} for c in COUNT_FIELDS}}
        n = len(COUNT_FIELDS)
        for row in rows:
            values, flags, total, located = row[:n], row[n:2 * n], row[2 * n], row[2 * n + 1]
            if all(flags):
                out["total"], out["located"] = total, located
                continue
            for col, value, flag in zip(COUNT_FIELDS, values, flags):
                if not flag:
                    out[col][value] = total
        return out

    def viewport(self, flt: ItemFilter | None, bbox: tuple[float, float, float, float],
                 limit: int = 2000) -> Viewport:
        """Items of ``flt`` whose bounds meet ``bbox`` (west, south, east, north), at most ``limit``."""
        where, params = _where(replace(flt or ItemFilter(), bbox=tuple(bbox)))
        rows = self._fetch(f"SELECT id, props, geojson, extra, count(*) OVER () FROM items WHERE {where} "
                           "ORDER BY seq LIMIT %s", params + [max(0, int(limit))])
        if rows:
            total = rows[0][4]
        else:
            total = self._fetch(f"SELECT count(*) FROM items WHERE {where}", params)[0][0]
        with collector_paused():
            features = [_feature(r[:4]) for r in rows]
        return Viewport(features=features, total=total)

    # ---- writing -------------------------------------------------------
    def _transaction(self):
        return _Transaction(self)

    def save_item(self, feature: dict, *, expected_version: int | None, user: str) -> dict:
        """Save one item if nobody saved it since ``expected_version`` (None: a new item)."""
        return self.save_items([feature], user=user, expected_versions=[expected_version])[0]

    def save_items(self, features: list[dict], *, user: str,
                   expected_versions: list[int | None] | None = None) -> list[dict]:
        """Save several items in one transaction; any conflict or invalid item saves none."""
        if expected_versions is None:
            expected_versions = [((f.get("properties") or {}).get("version")) for f in features]
        with self._transaction() as conn:
            ts = now_iso()
            state: dict[str, dict | None] = {}  # what this transaction has written so far
            saved = []
            for feature, expected in zip(features, expected_versions):
                item_id = feature.get("id") or (feature.get("properties") or {}).get("id")
                if item_id in state:
                    old = state[item_id]
                else:
                    old = _read_one(conn, item_id)
                actual = (old or {}).get("properties", {}).get("version", 0) if old else 0
                if (expected or 0) != actual:
                    raise VersionConflict(item_id, expected or 0, actual,
                                          (old or {}).get("properties", {}).get("updated_by"))
                diffs = changed_fields(old, feature)
                if old is not None and not diffs:
                    saved.append(copy.deepcopy(old))
                    continue
                edited = () if is_machine_user(user) else diffs.keys()
                new = stamp(feature, version=actual + 1, user=user, ts=ts, edited=edited)
                problems = validate_feature(new)
                if problems:
                    raise InvalidItem(item_id, problems)
                _write_item(conn, new, expected_version=actual if old is not None else None)
                _insert_audit(conn, audit_entries(ts, user, item_id, old, diffs, actual + 1))
                state[item_id] = new
                saved.append(copy.deepcopy(new))
            return saved

    def merge_extracted(self, features: list[dict], *, user: str = "build") -> MergeReport:
        """Merge a fresh extraction by id, keeping every human-owned value (see ``base.plan_merge``)."""
        with self._transaction() as conn:
            plans = sorted({p for p in ((f.get("properties") or {}).get("plan") for f in features) if p is not None})
            ids = [f["id"] for f in features]
            # Lock what the merge may touch, so a concurrent save waits (and then conflicts).
            rows = conn.execute(
                "SELECT id, props, geojson, extra FROM items WHERE id = ANY(%s) OR plan = ANY(%s) "
                "ORDER BY seq FOR UPDATE", (ids, plans)).fetchall()
            current = {r[0]: _feature(r) for r in rows}
            original_version = {i: f["properties"]["version"] for i, f in current.items()}
            report, changed, entries = plan_merge(current, features, user=user, ts=now_iso())
            for item_id, new in changed.items():
                _write_item(conn, new, expected_version=original_version.get(item_id))
            _insert_audit(conn, entries)
        return report
    def replace_all(self, features: list[dict], *, user: str, audit: bool = True) -> None:
        """Make the store hold exactly ``features``, in that order (store copy, restore).

        Every feature is validated first; changes are logged as ``restore`` unless
        ``audit`` is False (a copy into an empty store brings its history along).
        """
        seen: set = set()
        for f in features:
            raise_if_invalid(f)
            if f["id"] in seen:
                raise StoreError(f"item {f['id']}: appears twice in the collection; remove one copy and try again")
            seen.add(f["id"])
        with self._transaction() as conn:
            conn.execute("LOCK TABLE items IN EXCLUSIVE MODE")
            entries = []
            if audit:
                old = {r[0]: _feature(r) for r in conn.execute(self._FEATURE_SELECT).fetchall()}
                ts = now_iso()
                for f in features:
                    diffs = changed_fields(old.get(f["id"]), f)
                    if diffs:
                        entries.extend(audit_entries(ts, user, f["id"], old.get(f["id"]), diffs,
                                                f["properties"]["version"], action="restore"))
            conn.execute("DELETE FROM items")
            _copy_items(conn, features)
            _insert_audit(conn, entries)

    # ---- history -------------------------------------------------------
    def history(self, item_id: str | None = None) -> list[AuditEntry]:
        """Audit entries, oldest first (each save's entries are in its own transaction)."""
        # old/new as text: a number Python cannot read is shown as text, not an error
        sql = 'SELECT ts, "user", item, action, field, old::text, new::text, version FROM audit'
        if item_id is None:
            rows = self._fetch(sql + " ORDER BY seq")
        else:
            rows = self._fetch(sql + " WHERE item = %s ORDER BY seq", (item_id,))
        return [AuditEntry(*r[:5], _history_value(r[5]), _history_value(r[6]), r[7]) for r in rows]

    def append_history(self, entries: list[AuditEntry]) -> None:
        """Bring history from another store (store copy)."""
        with self._transaction() as conn:
            _insert_audit(conn, entries)

    # ---- places (gazetteer) --------------------------------------------
    def load_places(self) -> dict | None:
        """The gazetteer as a FeatureCollection, or None when none was stored."""
        members = self._fetch("SELECT members FROM collections WHERE name = 'places'")
        rows = self._fetch("SELECT props, geojson, extra FROM places ORDER BY seq")
        if not members and not rows:
            return None
        features = []
        for props, geojson, extra in rows:
            f = {"type": "Feature"}
            f.update(extra or {})
            f["geometry"] = geojson
            f["properties"] = props
            features.append(f)
        fc = {"type": "FeatureCollection"}
        fc.update(members[0][0] if members else {})
        fc["features"] = features
        return fc

    def replace_places(self, collection: dict) -> None:
        """Store ``collection`` (a GeoJSON FeatureCollection of places) as the gazetteer."""
        features = collection.get("features") if isinstance(collection, dict) else None
        if not isinstance(features, list):
            raise StoreError("places: not a GeoJSON FeatureCollection (no features list); check the gazetteer file")
        members = {k: v for k, v in collection.items() if k not in ("type", "features")}
        with self._transaction() as conn:
            _write_places(conn, features, members)

    # ---- administration --------------------------------------------------
    def schema_versions(self) -> list[tuple[int, str]]:
        return [(r[0], r[1]) for r in self._fetch("SELECT version, name FROM schema_version ORDER BY version")]

    def reindex(self) -> int:
        """Recompute every derived column (search text, bounds, geometry) from the saved GeoJSON.

        Needed only when the code deriving them changes (e.g. ``geo.query.search_text``);
        versions and history are untouched. Returns the number of items.
        """
        with self._transaction() as conn:
            conn.execute("LOCK TABLE items IN EXCLUSIVE MODE")
            features = [_feature(r) for r in conn.execute(self._FEATURE_SELECT + " ORDER BY seq").fetchall()]
            derived = _ITEM_COLUMNS[2:14] + _ITEM_COLUMNS[17:]
            sets = ", ".join(f"{c} = %s" for c in derived)
            rows = []
            for f in features:
                row = _row(f)
                rows.append(row[2:14] + row[17:] + (f["id"],))
            with conn.cursor() as cur:
                cur.executemany(f"UPDATE items SET {sets} WHERE id = %s", rows)
            conn.execute("DELETE FROM photos")
            photo_rows = [r for f in features for r in _photo_rows(f)]
            if photo_rows:
                with conn.cursor().copy("COPY photos (item_id, pos, file, caption, taken_at, added_by, added_at, geom) "
                                        "FROM STDIN") as cp:
                    for r in photo_rows:
                        cp.write_row(r)
        self.analyze()
        return len(features)

    def analyze(self) -> None:
        """Refresh the planner's statistics (after a bulk load)."""
        self._fetch_none("ANALYZE items")

    def _fetch_none(self, sql: str) -> None:
        with self._borrow() as conn:
            conn.execute(sql)

    def item_count(self) -> int:
        return self._fetch("SELECT count(*) FROM items")[0][0]

    def revision(self) -> tuple:
        """Changes whenever any item is added or saved (every save bumps a version)."""
        return tuple(self._fetch("SELECT count(*), coalesce(max(seq), 0), coalesce(sum(version), 0) FROM items")[0])

    def photos(self, item_id: str | None = None) -> list[dict]:
        """Photo metadata rows (kept in step with each item's properties.photos)."""
        sql = ("SELECT item_id, pos, file, caption, taken_at, added_by, added_at, "
               "ST_X(geom), ST_Y(geom) FROM photos")
        rows = self._fetch(sql + (" WHERE item_id = %s" if item_id else "") + " ORDER BY item_id, pos",
                           (item_id,) if item_id else ())
        keys = ("item", "pos", "file", "caption", "taken_at", "added_by", "added_at", "lon", "lat")
        return [dict(zip(keys, r)) for r in rows]

    # ---- what a page asks for ------------------------------------------
    def filter_with_facets(self, flt: ItemFilter | None,
                           facets: tuple[str, ...] = ("statuses", "categories")) -> tuple[list[dict], dict]:
        """The items of ``flt`` (WHERE) and, per facet, counts among items matching every other condition
        (one GROUP BY each), as :func:`geo.query.filter_with_facets` computes them."""
        flt = flt or ItemFilter()
        out = {}
        for facet in facets:
            column = FACET_FIELDS[facet]
            if column not in COUNT_FIELDS:
                raise StoreError(f"facet {facet!r}: counts by {column} are not kept; use one of "
                                 + ", ".join(f for f, c in FACET_FIELDS.items() if c in COUNT_FIELDS))
            out[facet] = self.counts(replace(flt, **{facet: ()}))[column]
        return self.query(flt), out

    def snapshot(self) -> list[dict]:
        """All items, shared and read-only, read from the database again only when something changed."""
        revision = self.revision()
        with self._lock:
            cached = self._snapshot
        if cached is not None and cached[0] == revision:
            return cached[1]
        features = self.load()
        with self._lock:
            self._snapshot = (revision, features)
        if len(features) >= LONG_LIVED_ITEMS:
            keep_long_lived()
        return features

    # ---- places (the gazetteer): the places table ---------------------------
    def update_places(self, change) -> list[dict]:
        """In one transaction: lock the places, ``change(features) -> (place, audit entry)``, write that
        place, log the entry. Returns every place after the change; ``change`` raises to refuse."""
        with self._transaction() as conn:
            conn.execute("LOCK TABLE places IN EXCLUSIVE MODE")
            rows = conn.execute("SELECT seq, props, geojson, extra FROM places ORDER BY seq").fetchall()
            features = [_place_feature(r[1:]) for r in rows]
            new, entry = change(list(features))
            at = next((n for n, f in enumerate(features) if f.get("id") == new["id"]), None)
            if at is None:
                seq = (rows[-1][0] + 1) if rows else 0
                conn.execute("INSERT INTO places (seq, id, name, kind, props, geojson, extra, geom) "
                             "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", _place_row(seq, new))
                features.append(new)
            else:
                conn.execute("UPDATE places SET id = %s, name = %s, kind = %s, props = %s, geojson = %s, extra = %s, "
                             "geom = %s WHERE seq = %s", _place_row(rows[at][0], new)[1:] + (rows[at][0],))
                features[at] = new
            conn.execute("INSERT INTO collections (name, members) VALUES ('places', '{}'::jsonb) "
                         "ON CONFLICT (name) DO NOTHING")
            conn.execute("INSERT INTO places_audit (entry) VALUES (%s)", (_json(entry),))
        return features

    def rewrite_places(self, change) -> list[dict]:
        """In one transaction: lock the places, ``change(features) -> (features, audit entries) | None``,
        write them all and log the entries (many places at once: seeding, boundaries)."""
        with self._transaction() as conn:
            conn.execute("LOCK TABLE places IN EXCLUSIVE MODE")
            members = conn.execute("SELECT members FROM collections WHERE name = 'places'").fetchall()
            rows = conn.execute("SELECT seq, props, geojson, extra FROM places ORDER BY seq").fetchall()
            features = [_place_feature(r[1:]) for r in rows]
            result = change(list(features))
            if result is None:
                return features
            features, entries = result
            _write_places(conn, features, members[0][0] if members else {})
            for entry in entries:
                conn.execute("INSERT INTO places_audit (entry) VALUES (%s)", (_json(entry),))
        return features

    def places_revision(self) -> tuple:
        """Changes whenever a place is added, changed or the gazetteer replaced."""
        return tuple(self._fetch(
            "SELECT (SELECT count(*) FROM places), (SELECT coalesce(sum(length(props::text) + "
            "coalesce(length(geojson::text), 0)), 0) FROM places), (SELECT coalesce(max(seq), 0) FROM places_audit)")[0])

    def places_where(self) -> str:
        return f"{redact(self.url)} (places table)"

    # ---- the 待定位 placement log ------------------------------------------
    def append_placement(self, record: dict) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT INTO placements (record) VALUES (%s)", (_json(record),))

    def placements(self) -> list[dict]:
        """Placement and undo records, oldest first."""
        return [r[0] for r in self._fetch("SELECT record FROM placements ORDER BY seq")]

    # ---- photo files ---------------------------------------------------------
    def put_photo(self, name: str, data: bytes) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT INTO photo_files (name, data) VALUES (%s, %s) "
                         "ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data", (check_photo_name(name), data))

    def photo_bytes(self, name: str) -> bytes | None:
        rows = self._fetch("SELECT data FROM photo_files WHERE name = %s", (check_photo_name(name),))
        return bytes(rows[0][0]) if rows else None

    def photo_names(self) -> list[str]:
        return [r[0] for r in self._fetch("SELECT name FROM photo_files ORDER BY name")]


class _Transaction:
    """``with store._transaction() as conn``: one database transaction; database errors become StoreError."""

    def __init__(self, store: PostgisStore):
        self.store = store

    def __enter__(self) -> psycopg.Connection:
        self.conn = self.store._take()
        try:
            self.tx = self.conn.transaction()
            self.tx.__enter__()
        except BaseException:
            self.store._give(self.conn)
            raise
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if exc is None:
            crash_point("pg-before-commit")  # everything written, audit included; not committed
        try:
            self.tx.__exit__(exc_type, exc, tb)
        except psycopg.Error as commit_exc:
            if exc is None:
                raise StoreError(f"{redact(self.store.url)}: the save failed ({_db_message(commit_exc)}); "
                                 "nothing was changed, try again") from None
        finally:
            self.store._give(self.conn)
        if exc is None:
            crash_point("pg-committed")
        if isinstance(exc, NumberError):
            raise self.store._bad_number_error() from None
        if isinstance(exc, ValueError) and "JSON compliant" in str(exc):  # from _dumps_json
            raise StoreError("a value is Infinity or NaN, which JSON does not allow; nothing was changed; "
                             "use a finite number, or null if unknown") from None
        if isinstance(exc, psycopg.errors.SerializationFailure | psycopg.errors.DeadlockDetected):
            raise StoreError("another save touched the same items at the same moment; nothing was changed, "
                             "try again") from None
        if isinstance(exc, psycopg.errors.DataError | psycopg.errors.UntranslatableCharacter):
            raise StoreError(f"the database refused a value ({_db_message(exc)}); nothing was changed; "
                             "remove control characters or non-finite numbers and save again") from None
        if isinstance(exc, psycopg.OperationalError):
            raise StoreError(f"{redact(self.store.url)}: {_db_message(exc)}; nothing was changed, try again") from None
        if isinstance(exc, psycopg.Error):
            raise StoreError(f"the database refused the save ({_db_message(exc)}); nothing was changed") from None
        return False


# ---- rows <-> features ---------------------------------------------------
def _ordered(props: dict) -> dict:
    """jsonb sorts keys by length; give them back in the contract's order (values untouched)."""
    out = {k: props[k] for k in CONTRACT_FIELDS if k in props}
    if len(out) != len(props):
        out.update((k, v) for k, v in props.items() if k not in out)
    return out


def _feature(row) -> dict:
    item_id, props, geojson, extra = row[:4]
    f = {"type": "Feature", "id": item_id, "geometry": geojson, "properties": _ordered(props)}
    if extra:
        for k, v in extra.items():
            f.setdefault(k, v)
    return f


def _place_feature(row) -> dict:
    props, geojson, extra = row
    f = {"type": "Feature"}
    f.update(extra or {})
    f["geometry"] = geojson
    f["properties"] = props
    return f


def _place_row(seq: int, f: dict) -> tuple:
    """A places row as replace_places writes it (seq, id, name, kind, props, geojson, extra, geom)."""
    props = f.get("properties")
    p = props if isinstance(props, dict) else {}
    extra = {k: v for k, v in f.items() if k not in ("type", "geometry", "properties")}
    pid = f.get("id", p.get("id"))
    return (seq, None if pid is None else str(pid), _text_or_none(p.get("name")),
            _text_or_none(p.get("kind") or p.get("type")), _json(props), _json(f.get("geometry")),
            _json(extra) if extra else None, _ewkb(f.get("geometry")))


def _read_one(conn, item_id) -> dict | None:
    row = conn.execute("SELECT id, props, geojson, extra FROM items WHERE id = %s", (item_id,)).fetchone()
    return _feature(row) if row else None


def _json(value) -> Jsonb | None:
    return None if value is None else Jsonb(value, _dumps_json)


def _dumps_json(value) -> str:
    return json.dumps(value, allow_nan=False)  # Infinity and NaN are not JSON: a ValueError, not a bad row


def _loads_json(data):
    return loads(data, "database")


def _history_value(text: str | None):
    if text is None:
        return None
    doc, marked = loads_marking(text)
    return readable(doc) if marked else doc


def _text_or_none(value) -> str | None:
    return value if isinstance(value, str) else None


def _int_or_none(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _ewkb(geometry) -> str | None:
    """Hex EWKB (SRID 4326) for the index column; the saved GeoJSON stays the truth.

    A geometry shapely cannot build falls back to its bounding box so the item
    still shows up in viewport queries.
    """
    if not geometry:
        return None
    import shapely
    from shapely.geometry import shape

    try:
        geom = shape(geometry)
    except Exception:  # noqa: BLE001 - any malformed geometry: index by its bounds instead
        b = geometry_bounds(geometry)
        if b is None:
            return None
        geom = shapely.box(*b) if (b[0], b[1]) != (b[2], b[3]) else shapely.Point(b[0], b[1])
    # the column is 2-D: heights stay in the saved GeoJSON
    return shapely.to_wkb(shapely.set_srid(shapely.force_2d(geom), 4326), hex=True, include_srid=True)


def _row(feature: dict) -> tuple:
    props = feature["properties"]
    geometry = feature.get("geometry")
    bounds = geometry_bounds(geometry) or (None, None, None, None)
    extra = {k: v for k, v in feature.items() if k not in _FEATURE_KEYS}
    return (feature["id"], props["version"], _text_or_none(props.get("plan")), _text_or_none(props.get("town")),
            _text_or_none(props.get("county")), _int_or_none(props.get("year")), _text_or_none(props.get("area")),
            _text_or_none(props.get("status")), _text_or_none(props.get("category")),
            _text_or_none(props.get("precision")), bool(props.get("dropped")), search_text(props),
            _text_or_none(props.get("updated_at")), _text_or_none(props.get("updated_by")),
            _json(props), _json(geometry), _json(extra) if extra else None, _ewkb(geometry), *bounds)


def _write_item(conn, feature: dict, *, expected_version: int | None) -> None:
    """Insert (expected None) or update only if the row still has ``expected_version``."""
    row = _row(feature)
    item_id = feature["id"]
    if expected_version is None:
        cols = ", ".join(_ITEM_COLUMNS)
        marks = ", ".join(["%s"] * len(_ITEM_COLUMNS))
        cur = conn.execute(f"INSERT INTO items ({cols}) VALUES ({marks}) ON CONFLICT (id) DO NOTHING", row)
        if cur.rowcount != 1:
            raise _conflict_now(conn, item_id, 0)
    else:
        sets = ", ".join(f"{c} = %s" for c in _ITEM_COLUMNS[1:])
        cur = conn.execute(f"UPDATE items SET {sets} WHERE id = %s AND version = %s",
                           row[1:] + (item_id, expected_version))
        if cur.rowcount != 1:
            raise _conflict_now(conn, item_id, expected_version)
    _sync_photos(conn, feature, new=expected_version is None)


def _conflict_now(conn, item_id: str, expected: int) -> VersionConflict:
    row = conn.execute("SELECT version, updated_by FROM items WHERE id = %s", (item_id,)).fetchone()
    return VersionConflict(item_id, expected, row[0] if row else 0, row[1] if row else None)


def _photo_rows(feature: dict) -> list[tuple]:
    out = []
    for pos, photo in enumerate(feature["properties"].get("photos") or []):
        if not isinstance(photo, dict) or not isinstance(photo.get("file"), str):
            continue
        lon, lat = photo.get("lon"), photo.get("lat")
        point = None
        if isinstance(lon, (int, float)) and isinstance(lat, (int, float)) and not isinstance(lon, bool):
            import shapely

            point = shapely.to_wkb(shapely.set_srid(shapely.Point(lon, lat), 4326), hex=True, include_srid=True)
        out.append((feature["id"], pos, photo["file"], photo.get("caption"), photo.get("taken_at"),
                    photo.get("added_by"), photo.get("added_at"), point))
    return out


def _sync_photos(conn, feature: dict, *, new: bool = False) -> None:
    if not new:  # a new row has no photo rows yet (they cascade away with their item)
        conn.execute("DELETE FROM photos WHERE item_id = %s", (feature["id"],))
    rows = _photo_rows(feature)
    if rows:
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO photos (item_id, pos, file, caption, taken_at, added_by, added_at, geom) "
                            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)


def _copy_items(conn, features: Iterable[dict]) -> None:
    """Bulk insert in the given order (COPY: 100,000 items in seconds, not minutes)."""
    photo_rows = []
    with conn.cursor().copy(f"COPY items ({', '.join(_ITEM_COLUMNS)}) FROM STDIN") as cp:
        for f in features:
            cp.write_row(_row(f))
            photo_rows.extend(_photo_rows(f))
    if photo_rows:
        with conn.cursor().copy("COPY photos (item_id, pos, file, caption, taken_at, added_by, added_at, geom) "
                                "FROM STDIN") as cp:
            for r in photo_rows:
                cp.write_row(r)


def _insert_audit(conn, entries: list[AuditEntry]) -> None:
    if not entries:
        return
    with conn.cursor().copy('COPY audit (ts, "user", item, action, field, old, new, version) FROM STDIN') as cp:
        for e in entries:
            cp.write_row((e.ts, e.user, e.item, e.action, e.field, _json(e.old), _json(e.new), e.version))


# ---- filters as SQL --------------------------------------------------------
def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(flt: ItemFilter) -> tuple[str, list]:
    """SQL condition and parameters selecting exactly what :func:`geo.query.matches` selects."""
    clauses, params = ["TRUE"], []
    if not flt.include_dropped:
        clauses.append("NOT dropped")
    for attr, col in _FILTER_COLUMNS:
        wanted = list(getattr(flt, attr) or ())
        if not wanted:
            continue
        present = [v for v in wanted if v is not None]
        if col == "year":  # 2020 and 2020.0 are the same year in Python's ``in``
            present = [int(v) for v in present if isinstance(v, (int, float)) and float(v).is_integer()]
        cond = f"{col} = ANY(%s)"
        params.append(present)
        if None in wanted:
            cond = f"({cond} OR {col} IS NULL)"
        clauses.append(cond)
    if flt.bbox is not None:
        w, s, e, n = (float(v) for v in flt.bbox)
        # && uses the GiST index (its float boxes are rounded outward, so it never misses);
        # the exact bounds then decide, as geo.query.matches does.
        clauses.append("geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326) "
                       "AND bxmin <= %s AND bxmax >= %s AND bymin <= %s AND bymax >= %s")
        params += [min(w, e), min(s, n), max(w, e), max(s, n), e, w, n, s]
    for term in search_terms(flt.text):
        clauses.append("search LIKE %s")
        params.append("%" + _like_escape(term) + "%")
    return " AND ".join(clauses), params


def _write_places(conn, features: list, members: dict) -> None:
    """Replace the gazetteer inside the open transaction ``conn``."""
    conn.execute("DELETE FROM places")
    conn.execute("INSERT INTO collections (name, members) VALUES ('places', %s) "
                 "ON CONFLICT (name) DO UPDATE SET members = EXCLUDED.members", (_json(members),))
    with conn.cursor().copy("COPY places (seq, id, name, kind, props, geojson, extra, geom) "
                            "FROM STDIN") as cp:
        for pos, f in enumerate(features):
            if not isinstance(f, dict):
                raise StoreError(f"places: feature #{pos + 1} is not an object; fix the gazetteer file")
            props = f.get("properties")
            p = props if isinstance(props, dict) else {}
            extra = {k: v for k, v in f.items() if k not in ("type", "geometry", "properties")}
            pid = f.get("id", p.get("id"))
            cp.write_row((pos, None if pid is None else str(pid), _text_or_none(p.get("name")),
                          _text_or_none(p.get("kind") or p.get("type")), _json(props),
                          _json(f.get("geometry")), _json(extra) if extra else None,
                          _ewkb(f.get("geometry"))))
