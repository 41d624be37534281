"""The gazetteer as a file (``places.geojson``) with its change log (``places_audit.jsonl``) beside it.

The file store keeps its places here; ``geo.gazetteer`` uses one directly for a gazetteer
file named on the command line. Changes are serialised with a file lock and written
atomically, like the items.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from filelock import FileLock, Timeout

from geo.store.atomic import append_lines, atomic_write_bytes, dumps_feature_collection
from geo.store.base import CorruptStore, StoreError
from geo.validate_numbers import loads

LOCK_TIMEOUT_S = 30


class PlacesFile:
    """Places in one GeoJSON FeatureCollection file."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.audit_path = self.path.with_name("places_audit.jsonl")
        self._lock = FileLock(str(self.path.with_name("." + self.path.name + ".lock")), timeout=LOCK_TIMEOUT_S)

    def __repr__(self) -> str:
        return f"PlacesFile({str(self.path)!r})"

    def places_where(self) -> str:
        return str(self.path)

    def revision(self) -> tuple | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def load_places(self) -> dict | None:
        """The FeatureCollection, or None when there is no file."""
        try:
            doc = loads(self.path.read_text(encoding="utf-8-sig"), self.path.name)
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: bad JSON or a bad number
            raise CorruptStore(f"{self.path}: not readable GeoJSON ({exc}); restore it from git or re-run "
                               "python -m geo gazetteer seed") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
            raise CorruptStore(f"{self.path}: not a GeoJSON FeatureCollection; restore it or re-seed")
        return doc

    def replace_places(self, collection: dict) -> None:
        members = {k: v for k, v in collection.items() if k not in ("type", "features")}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            atomic_write_bytes(self.path, dumps_feature_collection(collection["features"], members))

    def update_places(self, change) -> list[dict]:
        """Re-read under the lock, ``change(features) -> (place, audit entry)``, write it back, log the entry.

        Returns every place after the change. ``change`` raises to refuse; nothing is written then.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            doc = self.load_places() or {"type": "FeatureCollection", "features": []}
            features = list(doc["features"])
            new, entry = change(features)
            at = next((n for n, f in enumerate(features) if isinstance(f, dict) and f.get("id") == new["id"]), None)
            if at is None:
                features.append(new)
            else:
                features[at] = new
            members = {k: v for k, v in doc.items() if k not in ("type", "features")}
            atomic_write_bytes(self.path, dumps_feature_collection(features, members))
            append_lines(self.audit_path, [json.dumps(entry, ensure_ascii=False, allow_nan=False)])
        return features

    def rewrite_places(self, change) -> list[dict]:
        """Re-read under the lock, ``change(features) -> (features, audit entries) | None``, write the result.

        For changes of many places at once (seeding a town). ``change`` returns None when there is
        nothing to write, and raises to refuse; nothing is written then. Returns the places after.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            doc = self.load_places()
            features = list(doc["features"]) if doc else []
            result = change(features)
            if result is None:
                return features
            features, entries = result
            members = {k: v for k, v in (doc or {}).items() if k not in ("type", "features")}
            atomic_write_bytes(self.path, dumps_feature_collection(features, members))
            if entries:
                append_lines(self.audit_path, [json.dumps(e, ensure_ascii=False, allow_nan=False) for e in entries])
        return features

    def _locked(self):
        return _Locked(self._lock, self.path)


class _Locked:
    def __init__(self, lock: FileLock, path: Path):
        self.lock, self.path = lock, path

    def __enter__(self):
        try:
            self.lock.acquire()
        except Timeout:
            raise StoreError(f"{self.path}: another change has held the lock for over {LOCK_TIMEOUT_S} s; "
                             "try again, and if it persists check for a stuck process") from None
        return self

    def __exit__(self, *exc):
        self.lock.release()
        return False
