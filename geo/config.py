"""Where data lives and where secrets come from, read the same way by app, CLI and tests."""
from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR_ENV = "GEO_DATA_DIR"
STORE_URL_ENV = "GEO_STORE_URL"
SECRETS_PATHS = (
    PROJECT_ROOT / ".streamlit" / "secrets.toml",
    Path.home() / ".streamlit" / "secrets.toml",
)


def data_dir() -> Path:
    """The data directory: ``$GEO_DATA_DIR`` or ``data/`` of the project."""
    value = os.environ.get(DATA_DIR_ENV)
    path = Path(value) if value else PROJECT_ROOT / "data"
    return path.expanduser().resolve()


def store_url() -> str | None:
    """``$GEO_STORE_URL`` (e.g. postgresql://…) or None for the GeoJSON file store."""
    return os.environ.get(STORE_URL_ENV) or secret("store_url")


def projects_path(directory: Path | None = None) -> Path:
    return (directory or data_dir()) / "projects.geojson"


def places_path(directory: Path | None = None) -> Path:
    return (directory or data_dir()) / "places.geojson"


def plans_dir(directory: Path | None = None) -> Path:
    return (directory or data_dir()) / "plans"


@lru_cache(maxsize=4)
def _secrets_file(path: Path, mtime: float) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _secrets() -> dict:
    merged: dict = {}
    for path in reversed(SECRETS_PATHS):
        if path.is_file():
            merged.update(_secrets_file(path, path.stat().st_mtime))
    return merged


def secret(name: str, default=None):
    """A secret from the environment (``GEO_<NAME>``) or ``secrets.toml``; never from the repo.

    Dotted names reach into tables: ``secret("auth.users")``.
    """
    env = os.environ.get("GEO_" + name.upper().replace(".", "_"))
    if env:
        return env
    node = _secrets()
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node
