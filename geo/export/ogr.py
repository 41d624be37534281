"""Shared by the GeoPackage and Shapefile writers: items as typed OGR columns written with pyogrio.

GDAL (through pyogrio, a runtime dependency) does the file formats; geopandas is
not needed. Column values use the same codec as CSV (``fields.py``), so labels,
place lists and spans read the same in every format.
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np

from geo.export.fields import extra_properties, encode_value, table_columns, FLOAT_FIELDS, INT_FIELDS

WGS84_CRS = "EPSG:4326"
DATA_COLUMNS = tuple(c for c in table_columns() if c not in ("lon", "lat", "wkt", "datum"))


def column_name(col: str) -> str:
    return col.replace(".", "_")


def cell(col: str, props: dict):
    if col == "extra":
        extra = extra_properties(props)
        return json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None
    return encode_value(col, props)


def wkb(geometry: dict | None):
    if not geometry:
        return None
    import shapely.geometry

    return shapely.geometry.shape(geometry).wkb


def typed_array(col: str, values: list):
    """(numpy array, null mask or None) for one column."""
    if col in INT_FIELDS or col in FLOAT_FIELDS:
        mask = np.array([v is None for v in values])
        dtype = np.int64 if col in INT_FIELDS else np.float64
        arr = np.array([0 if v is None else v for v in values], dtype=dtype)
        return arr, (mask if mask.any() else None)
    return np.array(values, dtype=object), None


def write_layer(path: Path, names: list[str], columns: list[list], kinds: list[str], geometries: list,
                *, driver: str, geometry_type: str, layer: str | None = None, **options) -> None:
    data, masks = [], []
    for kind, values in zip(kinds, columns):
        arr, mask = typed_array(kind, values)
        data.append(arr)
        masks.append(mask)
    import pyogrio.raw

    with warnings.catch_warnings():
        # GDAL warns about things we handled ourselves (e.g. field name laundering we already did).
        warnings.simplefilter("ignore", RuntimeWarning)
        pyogrio.raw.write(str(path), np.array(geometries, dtype=object), data, names, field_mask=masks,
                          driver=driver, geometry_type=geometry_type, crs=WGS84_CRS, encoding="UTF-8",
                          layer=layer, promote_to_multi=False, **options)
