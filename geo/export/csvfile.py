"""CSV export for Excel and WPS: UTF-8 with BOM, Chinese headers, formula injection neutralised.

Points get 经度/纬度 columns; every other geometry is written as WKT. The datum of
the coordinates is stated in the 坐标系 column of every row (a comment line would
break Excel's header detection).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from geo.export import in_datum
from geo.export.fields import (
    COLUMN_LABELS, DATUM_LABELS, encode_value, extra_properties, neutralise_formula, table_columns, to_wkt,
    _number_text,
)
from geo.store.atomic import atomic_write_bytes


def rows(features: list[dict], datum: str):
    """Header row, then one list of typed cells per item (geometry already in ``datum``)."""
    cols = table_columns()
    yield [COLUMN_LABELS[c] for c in cols]
    for f in features:
        props = f.get("properties") or {}
        geom = f.get("geometry")
        row = []
        for c in cols:
            if c == "lon":
                v = geom["coordinates"][0] if geom and geom["type"] == "Point" else None
            elif c == "lat":
                v = geom["coordinates"][1] if geom and geom["type"] == "Point" else None
            elif c == "wkt":
                v = to_wkt(geom) if geom and geom["type"] != "Point" else None
            elif c == "datum":
                v = DATUM_LABELS[datum]
            elif c == "extra":
                extra = extra_properties(props)
                v = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None
            else:
                v = encode_value(c, props)
            row.append(v)
        yield row


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return _number_text(value)
    return neutralise_formula(str(value))


def dumps(features: list[dict], datum: str = "wgs84") -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows(in_datum(features, datum), datum):
        writer.writerow([cell_text(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write(features: list[dict], path: Path, *, datum: str = "wgs84", source: str | None = None) -> list[Path]:
    atomic_write_bytes(path, dumps(features, datum))
    return [path]
