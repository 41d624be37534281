"""GeoPackage export (QGIS, ArcGIS Pro, SuperMap): one layer ``items``, any geometry type, EPSG:4326
(or the ``crs`` asked for, e.g. EPSG:4549, as the layer's srs_id).

Null geometries are kept as they are (GeoPackage allows them), so unlocated items
are in the file and visible in the attribute table.
"""
from __future__ import annotations

import os
from pathlib import Path

from geo.export.ogr import DATA_COLUMNS, cell, column_name, shape, write_layer
from geo.store.atomic import temp_name

LAYER = "items"


def write(features: list[dict], path: Path, *, datum: str = "wgs84", source: str | None = None,
          crs: str | None = None) -> list[Path]:
    names = [column_name(c) for c in DATA_COLUMNS] + ["geometry_type"]
    columns = [[cell(c, f.get("properties") or {}) for f in features] for c in DATA_COLUMNS]
    columns.append([(f.get("geometry") or {}).get("type") for f in features])
    tmp = temp_name(path).with_suffix(".gpkg")
    try:
        write_layer(tmp, names, columns, list(DATA_COLUMNS) + ["geometry_type"],
                    [shape(f.get("geometry")) for f in features], driver="GPKG", geometry_type="Unknown",
                    layer=LAYER, crs=crs, dataset_metadata={"datum": "wgs84", "crs": crs or "EPSG:4326",
                                                            "source": source or ""})
        os.replace(tmp, path)
    finally:
        for p in (tmp, Path(str(tmp) + "-journal"), Path(str(tmp) + "-wal")):
            p.unlink(missing_ok=True)
    return [path]
