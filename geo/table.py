"""Items as rows: the list page's table and its CSV/GeoJSON downloads.

Small and reusable; the full export formats (KML, Excel, …) live in ``geo.export``.
"""
from __future__ import annotations

import csv
import io
import json

from geo import i18n
from geo.mapview.popups import quantity_text

COLUMNS = ("name", "category", "status", "area", "quantity", "precision", "geometry_source", "section", "plan",
           "year", "id")
_HEADERS = {
    "name": "name", "category": "category", "status": "status", "area": "area", "quantity": "quantity",
    "precision": "precision", "geometry_source": "geometry_source", "section": "section", "plan": "plan",
    "year": "year", "id": "id",
}


def header(column: str, lang: str = "zh") -> str:
    return i18n.t(_HEADERS[column], lang) if column not in ("plan", "year") else i18n.t(column, lang)


def item_row(feature: dict, lang: str = "zh") -> dict:
    p = feature.get("properties") or {}
    return {
        "name": p.get("name") or "",
        "category": i18n.category_label(p.get("category"), lang),
        "status": i18n.status_label(p.get("status"), lang),
        "area": i18n.area_label(p.get("area"), lang),
        "quantity": quantity_text(p.get("quantity"), lang),
        "precision": i18n.precision_label(p.get("precision"), lang),
        "geometry_source": i18n.geometry_source_label(p.get("geometry_source"), lang),
        "section": p.get("section") or "",
        "plan": p.get("plan") or "",
        "year": p.get("year"),
        "id": feature.get("id") or p.get("id"),
    }


def items_frame(features: list[dict], lang: str = "zh"):
    """A pandas DataFrame, one row per item, headers in the UI language."""
    import pandas as pd

    rows = [item_row(f, lang) for f in features]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.rename(columns={c: header(c, lang) for c in COLUMNS})


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is prefixed with ' (CSV injection)."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv_bytes(features: list[dict], lang: str = "zh") -> bytes:
    """UTF-8 with BOM, so Excel opens Chinese text correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([header(c, lang) for c in COLUMNS] + [i18n.t("source_text", lang)])
    for f in features:
        row = item_row(f, lang)
        writer.writerow([_cell(row[c]) for c in COLUMNS] + [_cell((f.get("properties") or {}).get("text"))])
    return buf.getvalue().encode("utf-8-sig")


def to_geojson_bytes(features: list[dict]) -> bytes:
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")
