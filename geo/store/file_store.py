"""The default store: ``projects.geojson`` plus an append-only ``audit.jsonl`` in the data folder.

Every write holds a file lock across read-check-write, so processes on one
machine serialise; the write itself is atomic (temp + fsync + rename).

The history is written ahead: a save's audit lines are appended and fsynced
*before* the data file is renamed into place, each tagged with the save (a hash
of the data file it writes). After the rename a ``{"commit": tag}`` line follows.
A reader counts a save's lines only when its commit line is in the log or its
tag is the current data file's, so a crash at any point leaves every committed
version with its whole history and no save that never happened with any.
"""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
from pathlib import Path

from filelock import FileLock, Timeout

from geo.contract import validate_feature
from geo.item_columns import filter_loaded
from geo.query import count_items, filter_items
from geo.store.atomic import (
    append_lines, atomic_write_bytes, crash_point, dumps_feature_collection, last_line, leftover_temps,
    move_leftovers_aside,
)
from geo.store.base import (
    LONG_LIVED_ITEMS, AuditEntry, CorruptStore, InvalidItem, ItemFilter, MergeReport, StoreError, VersionConflict,
    Viewport, audit_entries, changed_fields, check_photo_name, is_machine_user, now_iso, plan_merge,
    raise_if_invalid, stamp,
)
from geo.store.places_file import PlacesFile
from geo.validate_numbers import NumberError, keep_long_lived, loads, loads_marking, readable

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
        self._cache_tag: str | None = None
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
        return self._read_tagged()[0]

    def _read_tagged(self) -> tuple[list[dict], str | None]:
        """(features, save tag of the file as read); ([], None) when there is no file yet."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return [], None
        except OSError as exc:
            raise CorruptStore(f"{self.path}: cannot be read ({exc.strerror}); check the file's permissions") from None
        try:
            doc = loads(raw.decode("utf-8-sig"), self.path.name)
        except NumberError as exc:
            raise CorruptStore(
                f"{self.path}: {exc.bad[0].where()}: {exc.bad[0].reason()}"
                + (f" (+{len(exc.bad) - 1} more)" if len(exc.bad) > 1 else "")
                + ". Nothing was changed: correct the value in the file with a text editor, "
                "or restore the file from backup or git"
            ) from None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
            raise CorruptStore(
                f"{self.path}: not valid JSON{where}; restore it from backup or git "
                f"(unsaved temp copies, if any, are in {self.directory / 'recovered'})"
            ) from None
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
            raise CorruptStore(f"{self.path}: not a GeoJSON FeatureCollection; restore it from backup or git")
        return doc["features"], save_tag(raw)

    def load(self) -> list[dict]:
        """All items. The list is shared and cached: treat it as read-only."""
        key = self._stat_key()
        if key is None:
            self._cache_key, self._cache, self._index, self._cache_tag = None, [], {}, None
            return self._cache
        if key != self._cache_key:
            features, tag = self._read_tagged()
            self._cache, self._cache_key, self._cache_tag = features, key, tag
            self._index = {f.get("id"): f for f in features if isinstance(f, dict)}
            if len(features) >= LONG_LIVED_ITEMS:
                keep_long_lived()
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

    def _write(self, features: list[dict], entries: list[AuditEntry], committed: str | None) -> None:
        """Write-ahead: the audit lines (tagged) are on disk before the data file is renamed.

        ``committed``: tag of the data file as read under this lock.
        """
        try:
            data = dumps_feature_collection(features)
            tag = save_tag(data)
            lines = [_entry_line(e, tag) for e in entries]
        except ValueError as exc:  # validation keeps these out; never write what is not JSON
            raise StoreError(f"{self.path}: not saved, a value cannot be written as JSON ({exc}); "
                             "nothing was changed") from None
        if committed is not None and _commit_of(last_line(self.audit_path)) != committed:
            # The file's own commit line may have been lost to a crash just after its rename;
            # say it now, or this save would hide that one's history.
            lines.insert(0, _commit_line(committed))
        append_lines(self.audit_path, lines)
        crash_point("audit-synced")
        atomic_write_bytes(self.path, data)  # the commit point
        self._cache_key = None
        crash_point("renamed")
        append_lines(self.audit_path, [_commit_line(tag, len(entries))])
        crash_point("committed")

    def save_item(self, feature: dict, *, expected_version: int | None, user: str) -> dict:
        """Save one item if nobody saved it since ``expected_version`` (None: a new item)."""
        return self.save_items([feature], user=user, expected_versions=[expected_version])[0]

    def save_items(self, features: list[dict], *, user: str,
                   expected_versions: list[int | None] | None = None) -> list[dict]:
        """Save several items in one atomic write; all are checked before any is written."""
        if expected_versions is None:
            expected_versions = [((f.get("properties") or {}).get("version")) for f in features]
        with self._locked():
            current, committed = self._read_tagged()
            current = list(current)
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
                self._write(current, entries, committed)
            return saved

    def merge_extracted(self, features: list[dict], *, user: str = "build") -> MergeReport:
        """Merge a fresh extraction by id, keeping every human-owned value (see ``base.plan_merge``)."""
        with self._locked():
            current, committed = self._read_tagged()
            current = list(current)
            by_id = {f.get("id"): i for i, f in enumerate(current)}
            report, changed, entries = plan_merge({f.get("id"): f for f in current}, features,
                                                  user=user, ts=now_iso())
            for item_id, new in changed.items():
                if item_id in by_id:
                    current[by_id[item_id]] = new
                else:
                    current.append(new)
            if entries:
                self._write(current, entries, committed)
        return report

    def replace_all(self, features: list[dict], *, user: str, audit: bool = True) -> None:
        """Write a whole collection (store copy, restore); every feature is validated first.

        ``audit=False``: log nothing (a copy into an empty store brings its own history).
        """
        for f in features:
            raise_if_invalid(f)
        with self._locked():
            current, committed = self._read_tagged()
            old = {f.get("id"): f for f in current}
            ts = now_iso()
            entries = []
            for f in features:
                diffs = changed_fields(old.get(f["id"]), f)
                if diffs:
                    entries.extend(audit_entries(ts, user, f["id"], old.get(f["id"]), diffs, f["properties"]["version"], action="restore"))
            self._write(list(features), entries if audit else [], committed)

    # ---- history -------------------------------------------------------
    def history(self, item_id: str | None = None) -> list[AuditEntry]:
        """Audit entries of committed saves, oldest first.

        A line cut by a crash is skipped; so are the lines of a save whose data file never
        replaced the old one (no commit line, not the current file's tag).
        """
        try:
            self.load()
            committed = {self._cache_tag}
        except CorruptStore:
            committed = set()  # the history stays readable while the data file is being fixed
        try:
            fh = open(self.audit_path, encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        wanted = None if item_id is None else json.dumps(item_id, ensure_ascii=False)
        tagged: list[tuple[str | None, AuditEntry]] = []
        with fh:
            for line in fh:
                if wanted is not None and wanted not in line and not line.startswith('{"commit"'):
                    continue  # another item's line: not worth parsing
                try:
                    d, marked = loads_marking(line)
                except (ValueError, RecursionError):
                    continue
                if not isinstance(d, dict):
                    continue
                if "commit" in d and "item" not in d:
                    committed.add(d["commit"])
                    continue
                if marked:  # written before numbers were checked: show them, as text
                    d = readable(d)
                try:
                    entry = AuditEntry(**{k: d.get(k) for k in AuditEntry.__dataclass_fields__})
                except TypeError:
                    continue
                if item_id is None or entry.item == item_id:
                    tagged.append((d.get("save"), entry))
        return [e for tag, e in tagged if tag is None or tag in committed]

    def append_history(self, entries: list[AuditEntry]) -> None:
        """Bring history from another store (store copy): the lines, then their commit line."""
        if not entries:
            return
        tag = "copy-" + os.urandom(8).hex()
        lines = [_entry_line(e, tag) for e in entries]
        with self._locked():
            append_lines(self.audit_path, lines)
            append_lines(self.audit_path, [_commit_line(tag, len(lines))])

    # ---- what a page asks for ------------------------------------------
    def filter_with_facets(self, flt: ItemFilter | None,
                           facets: tuple[str, ...] = ("statuses", "categories")) -> tuple[list[dict], dict]:
        """The items of ``flt`` and the sidebar's per-option counts: array masks over the loaded list's
        columns when it is large (geo.item_columns), one pass over it otherwise."""
        return filter_loaded(self.load(), flt, facets)

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
        append_lines(self.directory / PLACEMENTS_FILE, [json.dumps(record, ensure_ascii=False, allow_nan=False)])

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
                except ValueError:  # a line cut by a crash, or a number Python refuses
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


def save_tag(data: bytes) -> str:
    """Names a save by the data file it writes (a file's tag is the hash of its bytes)."""
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def _entry_line(entry: AuditEntry, tag: str) -> str:
    return json.dumps({**entry.as_dict(), "save": tag}, ensure_ascii=False, allow_nan=False)


def _commit_line(tag: str, entries: int | None = None) -> str:
    d = {"commit": tag} if entries is None else {"commit": tag, "entries": entries, "ts": now_iso()}
    return json.dumps(d)


def _commit_of(line: bytes | None) -> str | None:
    if not line or not line.startswith(b'{"commit"'):
        return None
    try:
        return json.loads(line).get("commit")
    except ValueError:
        return None


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
