"""The default store: ``projects.geojson`` plus an append-only ``audit.jsonl`` in the data folder.

Every write holds a file lock across read-check-write, so processes on one
machine serialise; the write itself is atomic (temp + fsync + rename).
"""
from __future__ import annotations

import copy
import dataclasses
import json
import os
from pathlib import Path

from filelock import FileLock, Timeout

from geo.contract import validate_feature
from geo.query import count_items, filter_items, filter_with_facets
from geo.store.atomic import (
    append_lines, atomic_write_bytes, dumps_feature_collection, leftover_temps, move_leftovers_aside,
)
from geo.store.base import (
    AuditEntry, CorruptStore, InvalidItem, ItemFilter, MergeReport, StoreError, VersionConflict,
    Viewport, audit_entries, changed_fields, check_photo_name, is_machine_user, now_iso, plan_merge,
    raise_if_invalid, stamp,
)
from geo.store.places_file import PlacesFile

LOCK_TIMEOUT_S = 30
PLACES_FILE = "places.geojson"
PLACEMENTS_FILE = "placements.jsonl"
PHOTOS_DIR = "photos"


class FileStore:
    """Items in one GeoJSON FeatureCollection file."""

    def __init__(self, directory: Path | str):
        self.directory = Path(directory)
        self.path = self.directory / "projects.geojson"
        self.audit_path = self.directory / "audit.jsonl"
        self._lock = FileLock(str(self.directory / ".projects.geojson.lock"), timeout=LOCK_TIMEOUT_S)
        self._cache_key: tuple | None = None
        self._cache: list[dict] = []
        self._index: dict[str, dict] = {}
        # What start-up had to tidy; the app shows it so nobody wonders where a save went.
        self.recovered: list[Path] = []
        if self.directory.is_dir() and leftover_temps(self.path):
            # A live writer's temp file exists only while it holds the lock: taking the
            # lock first means only a dead writer's leftovers are moved.
            with self._locked():
                self.recovered = move_leftovers_aside(self.path)

    def __repr__(self) -> str:
        return f"FileStore({str(self.directory)!r})"

    # ---- reading -------------------------------------------------------
    def _stat_key(self) -> tuple | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _read(self) -> list[dict]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise CorruptStore(f"{self.path}: cannot be read ({exc.strerror}); check the file's permissions") from None
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
            raise CorruptStore(
                f"{self.path}: not valid JSON{where}; restore it from backup or git "
                f"(unsaved temp copies, if any, are in {self.directory / 'recovered'})"
            ) from None
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
            raise CorruptStore(f"{self.path}: not a GeoJSON FeatureCollection; restore it from backup or git")
        return doc["features"]

    def load(self) -> list[dict]:
        """All items. The list is shared and cached: treat it as read-only."""
        key = self._stat_key()
        if key is None:
            self._cache_key, self._cache, self._index = None, [], {}
            return self._cache
        if key != self._cache_key:
            features = self._read()
            self._cache, self._cache_key = features, key
            self._index = {f.get("id"): f for f in features if isinstance(f, dict)}
        return self._cache

    def revision(self) -> tuple | None:
        """Changes whenever the file is written (atomic rename: new inode, mtime, size)."""
        return self._stat_key()

    def get(self, item_id: str) -> dict | None:
        self.load()
        found = self._index.get(item_id)
        return copy.deepcopy(found) if found is not None else None

    def query(self, flt: ItemFilter | None = None) -> list[dict]:
        return filter_items(self.load(), flt)

    def counts(self, flt: ItemFilter | None = None) -> dict:
        return count_items(self.load(), flt)

    def viewport(self, flt: ItemFilter | None, bbox: tuple[float, float, float, float],
                 limit: int = 2000) -> Viewport:
        """Items of ``flt`` whose bounds meet ``bbox`` (west, south, east, north), at most ``limit``."""
        rows = filter_items(self.load(), dataclasses.replace(flt or ItemFilter(), bbox=tuple(bbox)))
        return Viewport(features=rows[:max(0, int(limit))], total=len(rows))

    # ---- writing -------------------------------------------------------
    def _locked(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        return _LockGuard(self._lock, self.path)

    def _write(self, features: list[dict], entries: list[AuditEntry]) -> None:
        atomic_write_bytes(self.path, dumps_feature_collection(features))
        append_lines(self.audit_path, [json.dumps(e.as_dict(), ensure_ascii=False) for e in entries])
        self._cache_key = None

    def save_item(self, feature: dict, *, expected_version: int | None, user: str) -> dict:
        """Save one item if nobody saved it since ``expected_version`` (None: a new item)."""
        return self.save_items([feature], user=user, expected_versions=[expected_version])[0]

    def save_items(self, features: list[dict], *, user: str,
                   expected_versions: list[int | None] | None = None) -> list[dict]:
        """Save several items in one atomic write; all are checked before any is written."""
        if expected_versions is None:
            expected_versions = [((f.get("properties") or {}).get("version")) for f in features]
        with self._locked():
            current = list(self._read())
            by_id = {f.get("id"): i for i, f in enumerate(current)}
            ts = now_iso()
            entries: list[AuditEntry] = []
            saved = []
            for feature, expected in zip(features, expected_versions):
                item_id = feature.get("id") or (feature.get("properties") or {}).get("id")
                pos = by_id.get(item_id)
                old = current[pos] if pos is not None else None
                actual = (old or {}).get("properties", {}).get("version", 0) if old else 0
                if (expected or 0) != actual:
                    raise VersionConflict(item_id, expected or 0, actual, (old or {}).get("properties", {}).get("updated_by"))
                diffs = changed_fields(old, feature)
                if old is not None and not diffs:
                    saved.append(copy.deepcopy(old))
                    continue
                edited = () if is_machine_user(user) else diffs.keys()
                new = stamp(feature, version=actual + 1, user=user, ts=ts, edited=edited)
                problems = validate_feature(new)
                if problems:
                    raise InvalidItem(item_id, problems)
                entries.extend(audit_entries(ts, user, item_id, old, diffs, actual + 1))
                if pos is None:
                    by_id[item_id] = len(current)
                    current.append(new)
                else:
                    current[pos] = new
                saved.append(copy.deepcopy(new))
            if entries:
                self._write(current, entries)
            return saved

    def merge_extracted(self, features: list[dict], *, user: str = "build") -> MergeReport:
        """Merge a fresh extraction by id, keeping every human-owned value (see ``base.plan_merge``)."""
        with self._locked():
            current = list(self._read())
            by_id = {f.get("id"): i for i, f in enumerate(current)}
            report, changed, entries = plan_merge({f.get("id"): f for f in current}, features,
                                                  user=user, ts=now_iso())
            for item_id, new in changed.items():
                if item_id in by_id:
                    current[by_id[item_id]] = new
                else:
                    current.append(new)
            if entries:
                self._write(current, entries)
        return report

    def replace_all(self, features: list[dict], *, user: str, audit: bool = True) -> None:
        """Write a whole collection (store copy, restore); every feature is validated first.

        ``audit=False``: log nothing (a copy into an empty store brings its own history).
        """
        for f in features:
            raise_if_invalid(f)
        with self._locked():
            old = {f.get("id"): f for f in self._read()}
            ts = now_iso()
            entries = []
            for f in features:
                diffs = changed_fields(old.get(f["id"]), f)
                if diffs:
                    entries.extend(audit_entries(ts, user, f["id"], old.get(f["id"]), diffs, f["properties"]["version"], action="restore"))
            self._write(list(features), entries if audit else [])

    # ---- history -------------------------------------------------------
    def history(self, item_id: str | None = None) -> list[AuditEntry]:
        """Audit entries, oldest first; a line cut by a crash is skipped, not fatal."""
        out = []
        try:
            fh = open(self.audit_path, encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return out
        with fh:
            for line in fh:
                try:
                    d = json.loads(line)
                    entry = AuditEntry(**{k: d.get(k) for k in AuditEntry.__dataclass_fields__})
                except (json.JSONDecodeError, TypeError):
                    continue
                if item_id is None or entry.item == item_id:
                    out.append(entry)
        return out

    def append_history(self, entries: list[AuditEntry]) -> None:
        """Bring history from another store (store copy)."""
        with self._locked():
            append_lines(self.audit_path, [json.dumps(e.as_dict(), ensure_ascii=False) for e in entries])

    # ---- what a page asks for ------------------------------------------
    def filter_with_facets(self, flt: ItemFilter | None,
                           facets: tuple[str, ...] = ("statuses", "categories")) -> tuple[list[dict], dict]:
        """The items of ``flt`` and the sidebar's per-option counts, in one pass over the loaded list."""
        return filter_with_facets(self.load(), flt, facets)

    def snapshot(self) -> list[dict]:
        """All items (shared, read-only); re-read only when the file changed."""
        return self.load()

    # ---- places (the gazetteer): places.geojson beside the items -----------
    @property
    def places_file(self) -> PlacesFile:
        return PlacesFile(self.directory / PLACES_FILE)

    def load_places(self) -> dict | None:
        return self.places_file.load_places()

    def replace_places(self, collection: dict) -> None:
        self.places_file.replace_places(collection)

    def update_places(self, change) -> list[dict]:
        return self.places_file.update_places(change)

    def rewrite_places(self, change) -> list[dict]:
        return self.places_file.rewrite_places(change)

    def places_revision(self) -> tuple | None:
        return self.places_file.revision()

    def places_where(self) -> str:
        return self.places_file.places_where()

    # ---- the 待定位 placement log: placements.jsonl ------------------------
    def append_placement(self, record: dict) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        append_lines(self.directory / PLACEMENTS_FILE, [json.dumps(record, ensure_ascii=False)])

    def placements(self) -> list[dict]:
        """Placement and undo records, oldest first; a line cut by a crash is skipped."""
        out = []
        try:
            fh = open(self.directory / PLACEMENTS_FILE, encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return out
        with fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(rec, dict):
                    out.append(rec)
        return out

    # ---- photo files: photos/ ----------------------------------------------
    def put_photo(self, name: str, data: bytes) -> None:
        """Write a photo under its generated name (temp + fsync + rename: never half a photo)."""
        folder = self.directory / PHOTOS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        name = check_photo_name(name)
        tmp = folder / f".{name}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / name)

    def photo_bytes(self, name: str) -> bytes | None:
        try:
            return (self.directory / PHOTOS_DIR / check_photo_name(name)).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return None

    def photo_names(self) -> list[str]:
        folder = self.directory / PHOTOS_DIR
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))




class _LockGuard:
    def __init__(self, lock: FileLock, path: Path):
        self.lock, self.path = lock, path

    def __enter__(self):
        try:
            self.lock.acquire()
        except Timeout:
            raise StoreError(
                f"{self.path}: another save has held the lock for over {LOCK_TIMEOUT_S} s; "
                "try again, and if it persists check for a stuck process"
            ) from None
        return self

    def __exit__(self, *exc):
        self.lock.release()
        return False
