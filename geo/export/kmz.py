"""KMZ export: the KML document zipped as ``doc.kml`` (what Google Earth and 奥维 expect)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from geo.export.kml import document
from geo.store.atomic import atomic_write_bytes


def dumps(features: list[dict], datum: str = "wgs84", source: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", document(features, datum, source))
    return buf.getvalue()


def write(features: list[dict], path: Path, *, datum: str = "wgs84", source: str | None = None) -> list[Path]:
    atomic_write_bytes(path, dumps(features, datum, source))
    return [path]
