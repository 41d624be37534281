"""Shared by the GeoPackage and Shapefile writers: items as a typed GeoDataFrame written with ``to_file``.

geopandas (pyogrio engine, GDAL underneath) does the file formats and pyproj the
projection: ``--crs EPSG:4549`` writes Gauss-Krüger metres with the matching .prj /
srs_id, for people who work in their land-survey CRS. Column values use the same codec
as CSV (``fields.py``), so labels, place lists and spans read the same in every format.
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

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


def shape(geometry: dict | None):
    if not geometry:
        return None
    import shapely.geometry

    return shapely.geometry.shape(geometry)


def typed_series(kind: str, values: list):
    """A pandas column whose dtype GDAL maps to the right field type; missing values are NULL, not 0."""
    import pandas as pd

    if kind in INT_FIELDS:
        return pd.array(values, dtype="Int64")
    if kind in FLOAT_FIELDS:
        return pd.array(values, dtype="Float64")
    return pd.array(values, dtype=object)


def items_frame(names: list[str], columns: list[list], kinds: list[str], geometries: list, crs: str | None = None):
    """The GeoDataFrame of one output layer, in WGS-84 or reprojected to ``crs``."""
    import geopandas as gpd

    frame = gpd.GeoDataFrame({n: typed_series(k, v) for n, k, v in zip(names, kinds, columns)},
                             geometry=gpd.GeoSeries(geometries, crs=WGS84_CRS))
    if crs and crs != WGS84_CRS:
        frame = frame.to_crs(crs)
    return frame


def write_layer(path: Path, names: list[str], columns: list[list], kinds: list[str], geometries: list,
                *, driver: str, geometry_type: str, layer: str | None = None, crs: str | None = None,
                **options) -> None:
    frame = items_frame(names, columns, kinds, geometries, crs)
    with warnings.catch_warnings():
        # GDAL warns about things we handled ourselves (e.g. field name laundering we already did).
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        frame.to_file(str(path), driver=driver, engine="pyogrio", layer=layer, encoding="UTF-8",
                      geometry_type=geometry_type, promote_to_multi=False, **options)
