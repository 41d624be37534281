"""Shapefile export (ArcGIS, SuperMap, older QGIS), with the format's limits handled and written down.

- Field names are at most 10 characters: ``SHAPEFILE_FIELDS`` is the mapping, and it is
  written beside the data as ``<name>.fields.txt`` (UTF-8) with the Chinese label of each.
- Text is UTF-8 and a ``.cpg`` says so (GDAL writes it). A .dbf text field holds at most
  254 bytes (84 Chinese characters), so a longer value continues in ``<field>_2``,
  ``<field>_3`` … ; our importer joins them again.
- One shapefile holds one geometry kind, so mixed items are split into ``<name>_point``,
  ``<name>_multipoint``, ``<name>_line`` and ``<name>_polygon`` (a single kind keeps
  ``<name>`` itself). Items without geometry are kept as null-shape records in the first
  file. A GeometryCollection is written part by part into the files of its parts, each
  row with the same id, ``geom_type`` GeometryCollection and its ``geom_part`` index.
- Coordinates are WGS-84 (EPSG:4326) unless ``crs`` asks for another (e.g. EPSG:4549); the .prj says which.
"""
from __future__ import annotations

from pathlib import Path

from geo.export.fields import COLUMN_LABELS, FLOAT_FIELDS, INT_FIELDS
from geo.export.ogr import DATA_COLUMNS, cell, shape, write_layer

SHAPEFILE_FIELDS = {
    "id": "id", "name": "name", "category": "category", "status": "status", "area": "area",
    "places": "places", "town": "town", "county": "county", "year": "year", "plan": "plan",
    "section": "section", "plan_verb": "plan_verb", "quantity.value": "qty_value",
    "quantity.unit": "qty_unit", "quantity.qualifier": "qty_qual", "budget_wan": "budget_wan",
    "text": "text", "span": "span", "precision": "precision", "geometry_source": "geom_src",
    "notes": "notes", "version": "version", "updated_at": "updated_at", "updated_by": "updated_by",
    "extra": "extra", "geometry_type": "geom_type", "geometry_part": "geom_part",
}
DBF_TEXT_BYTES = 254
KINDS = {"Point": "point", "MultiPoint": "multipoint", "LineString": "line", "MultiLineString": "line",
         "Polygon": "polygon", "MultiPolygon": "polygon"}
LAYER_GEOMETRY = {"point": "Point", "multipoint": "MultiPoint", "line": "LineString", "polygon": "Polygon"}
SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def split_utf8(text: str, limit: int = DBF_TEXT_BYTES) -> list[str]:
    """Pieces of ``text`` of at most ``limit`` UTF-8 bytes, never cutting a character."""
    pieces, current, size = [], [], 0
    for ch in text:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += n
    pieces.append("".join(current))
    return pieces


def continuation_name(base: str, n: int) -> str:
    suffix = f"_{n}"
    return base[:10 - len(suffix)] + suffix


def _rows(features: list[dict]) -> dict[str, list[tuple[dict, dict | None, int | None, str | None]]]:
    """kind → [(properties, geometry part, part index, original type)] in input order."""
    layers: dict[str, list] = {k: [] for k in LAYER_GEOMETRY}
    nulls = []
    for f in features:
        props, geom = f.get("properties") or {}, f.get("geometry")
        if not geom:
            nulls.append((props, None, None, None))
        elif geom["type"] == "GeometryCollection":
            for i, part in enumerate(geom["geometries"]):
                layers[KINDS[part["type"]]].append((props, part, i, "GeometryCollection"))
        else:
            layers[KINDS[geom["type"]]].append((props, geom, None, geom["type"]))
    used = [k for k in LAYER_GEOMETRY if layers[k]] or ["point"]
    layers[used[0]] = nulls + layers[used[0]]
    return {k: layers[k] for k in used}


def write(features: list[dict], path: Path, *, datum: str = "wgs84", source: str | None = None,
          crs: str | None = None) -> list[Path]:
    path = Path(path)
    stem = path.with_suffix("")
    layers = _rows(features)
    single = len(layers) == 1
    written: list[Path] = []
    continuation: dict[str, int] = {}
    for kind, rows in layers.items():
        target = path.with_suffix(".shp") if single else Path(f"{stem}_{kind}.shp")
        names, kinds, columns = [], [], []
        for col in DATA_COLUMNS:
            values = [cell(col, props) for props, *_ in rows]
            short = SHAPEFILE_FIELDS[col]
            if col in INT_FIELDS or col in FLOAT_FIELDS:
                names.append(short), kinds.append(col), columns.append(values)
                continue
            pieces = [split_utf8(v) if v else [v] for v in values]
            width = max((len(p) for p in pieces), default=1)
            continuation[col] = max(continuation.get(col, 1), width)
            for n in range(width):
                names.append(short if n == 0 else continuation_name(short, n + 1))
                kinds.append("text")
                columns.append([p[n] if n < len(p) else None for p in pieces])
        names += [SHAPEFILE_FIELDS["geometry_type"], SHAPEFILE_FIELDS["geometry_part"]]
        kinds += ["text", "version"]
        columns += [[t for *_, t in rows], [i for _, _, i, _ in rows]]
        for suffix in SIDECARS:
            target.with_suffix(suffix).unlink(missing_ok=True)
        write_layer(target, names, columns, kinds, [shape(g) for _, g, _, _ in rows],
                    driver="ESRI Shapefile", geometry_type=LAYER_GEOMETRY[kind], crs=crs)
        written += [target.with_suffix(s) for s in SIDECARS if target.with_suffix(s).exists()]
    notes = path.with_suffix(".fields.txt")
    notes.write_text(field_notes(layers, continuation, source, crs), encoding="utf-8")
    return written + [notes]


def field_notes(layers: dict, continuation: dict[str, int], source: str | None, crs: str | None = None) -> str:
    from geo.crs import label, parse_crs

    crs_text = "WGS-84 (EPSG:4326, .prj)" if not crs or crs == "EPSG:4326" else f"{label(parse_crs(crs))} (.prj)"
    lines = ["字段对照 (Shapefile 字段名最多 10 个字符) / field names of this shapefile", "",
             "shapefile 字段\t项目字段 (contract)\t中文名"]
    for col, short in SHAPEFILE_FIELDS.items():
        label = COLUMN_LABELS.get(col, {"geometry_type": "原几何类型", "geometry_part": "几何集合中的序号"}.get(col, ""))
        lines.append(f"{short}\t{col}\t{label}")
        for n in range(2, continuation.get(col, 1) + 1):
            lines.append(f"{continuation_name(short, n)}\t{col} (续 {n})\t{label} (续 {n})")
    lines += ["",
              f"编码: UTF-8 (.cpg)。坐标系: {crs_text}。",
              f"文本超过 {DBF_TEXT_BYTES} 字节时在 <字段>_2、<字段>_3 … 中续写, 读取时按顺序拼接。",
              "无几何的条目 (未定位) 以空几何记录保存在第一个文件中。",
              "文件: " + ", ".join(layers) + " (几何类型混合时按类型分文件)。",
              "几何集合 (GeometryCollection) 按部件写入相应文件, 各行编号相同, geom_part 为部件序号。"]
    if source:
        lines.append(f"数据来源: {source}")
    return "\n".join(lines) + "\n"
