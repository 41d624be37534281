"""A JSON file of online answers, so a name is asked of a provider once (Nominatim's policy asks for it).

Failures (timeouts, quota) are not cached; "no result" is, for ``NEGATIVE_TTL_DAYS``.
"""
from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

from filelock import FileLock

from geo import config
from geo.store.atomic import atomic_write_bytes
from geo.validate_numbers import find_bad_numbers

NEGATIVE_TTL_DAYS = 30


def default_cache_path() -> Path:
    return config.data_dir() / "geocode_cache.json"


class GeocodeCache:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_cache_path()
        self._data: dict | None = None

    @staticmethod
    def key(provider: str, query: str) -> str:
        return f"{provider}|{query}"

    def _load(self) -> dict:
        if self._data is None:
            try:
                self._data = json.loads(self.path.read_text(encoding="utf-8"))
                if not isinstance(self._data, dict):
                    self._data = {}
            except (OSError, ValueError):
                self._data = {}  # an unreadable cache is only a cache: start again
        return self._data

    def get(self, provider: str, query: str):
        """(hit, answer): answer is a dict or None (a cached "not found")."""
        entry = self._load().get(self.key(provider, query))
        if entry is None:
            return False, None
        if entry.get("answer") is None:
            try:
                age = _dt.datetime.now(_dt.timezone.utc) - _dt.datetime.fromisoformat(entry["ts"])
            except (KeyError, ValueError):
                return False, None
            if age.days >= NEGATIVE_TTL_DAYS:
                return False, None
        return True, entry.get("answer")

    def put(self, provider: str, query: str, answer: dict | None) -> None:
        if find_bad_numbers(answer):
            return  # an answer with Infinity in it is no answer worth keeping (and not JSON)
        ts = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.path.with_name("." + self.path.name + ".lock")), timeout=30):
            self._data = None
            data = self._load()
            data[self.key(provider, query)] = {"provider": provider, "query": query, "ts": ts, "answer": answer}
            atomic_write_bytes(self.path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True,
                                                     allow_nan=False).encode("utf-8"))
