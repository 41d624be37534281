"""Item stores. :func:`open_store` is the one place that picks the engine."""
from __future__ import annotations

import importlib
from pathlib import Path

from geo import config
from geo.store.base import (  # noqa: F401  (re-exported: callers import from geo.store)
    AuditEntry, CorruptStore, InvalidItem, ItemFilter, ItemNotFound, ItemStore, MergeReport,
    StoreError, VersionConflict, Viewport,
)
from geo.store.file_store import FileStore

# URL scheme -> "module:Class". A backend is imported only when it is asked for.
ENGINES = {
    "postgresql": "geo.store.postgis:PostgisStore",
    "postgres": "geo.store.postgis:PostgisStore",
}


def open_store(target: str | Path | None = None) -> ItemStore:
    """The store for ``target``: a database URL, a data folder, or (None) the configured one."""
    if target is None:
        target = config.store_url() or config.data_dir()
    text = str(target)
    scheme = text.split("://", 1)[0] if "://" in text else None
    if scheme is None:
        return FileStore(Path(text))
    if scheme not in ENGINES:
        raise StoreError(f"store {text!r}: unknown scheme {scheme!r}; use a folder path or one of "
                         + ", ".join(f"{s}://" for s in ENGINES))
    module_name, cls_name = ENGINES[scheme].split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise StoreError(f"store {scheme}:// is not available here ({exc}); run the set-up again") from None
    return getattr(module, cls_name)(text)
