"""GeoJSON export: an RFC 7946 FeatureCollection (WGS-84 lon/lat, no crs member), UTF-8 without BOM."""
from __future__ import annotations

import json
from pathlib import Path

from geo.store.atomic import atomic_write_bytes


def dumps(features: list[dict]) -> bytes:
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


def write(features: list[dict], path: Path, *, datum: str = "wgs84", source: str | None = None) -> list[Path]:
    # RFC 7946 fixes the datum; the registry refuses any other before we get here.
    atomic_write_bytes(path, dumps(features))
    return [path]
