"""Imports: preview first, write only on confirmation, never lose what the store already has.

    from geo.importer import ImportOptions, plan_import, apply_import
    preview = plan_import(uploaded_bytes, "项目表.xlsx", ImportOptions(datum="gcj02"), store=store)
    preview.rows_ok, preview.rows_bad        # 12, [(5, "column '经度': 'abc' is not a number …")]
    preview.table()                          # rows to show: 行, 编号, 名称, 类别, 状态, 经度, 纬度, 处理
    result = apply_import(preview, store, user="王工")   # only after the person confirms

Kinds: GeoJSON, CSV/XLSX (column mapping, datum choice), KML/KMZ, GeoPackage,
zipped Shapefile, and plan documents (.txt/.docx/.pdf/.html through the extractor).
The kind is judged by content, not by the file name.

CRS: a file that declares its CRS (.prj, GPKG srs_id, an older GeoJSON's ``crs``) is
reprojected to WGS-84 (pyproj) and ``preview.crs_notes`` says so ("EPSG:4549 … → WGS-84,
12 features"). Numbers in metres without a CRS are refused, naming the ``--crs`` to state
(``ImportOptions.crs``); a CRS that does not fit China or the numbers is refused.

Merge rules (``apply_import``):
- a new id is added;
- an existing id is updated with the fields the file provides (others kept);
  imported geometry gets geometry_source "import" and geometry_meta.datum_original;
- a row from one of our exports whose version differs from the store's is a conflict
  and skipped (someone changed the item since the export) — re-export and redo;
- a row identical to the store (geometry within 1e-7°) is left alone;
- plan documents merge like a re-extraction (human edits kept).
"""
from __future__ import annotations

import contextlib
import copy
import math
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from geo.contract import CATEGORY_LABELS, STATUS_LABELS
from geo.query import iter_positions
from geo.importer.limits import DEFAULT_LIMITS, ImportRefused, Limits, check_size
from geo.importer.mapping import (
    RowError, auto_mapping, build_feature, check_overrides, validate_built,
)
from geo.importer.readers import READERS, ProjectedWithoutCrs, Table
from geo.filenames import safe_filename
from geo.importer.sniff import sniff

__all__ = ["ImportOptions", "ImportPreview", "ImportResult", "ImportRefused", "Limits", "plan_import",
           "apply_import"]

GEOMETRY_TOLERANCE_DEG = 1e-7
_BOOKKEEPING = ("version", "updated_at", "updated_by", "edited_fields")


@dataclass
class ImportOptions:
    mapping: dict[str, str] = field(default_factory=dict)  # source column → field (overrides recognition)
    datum: str | None = None        # datum of the file's coordinates; None: as the file states, else WGS-84
    plan_id: str | None = None      # for rows without a plan, and for plan documents
    town: str | None = None
    county: str | None = None
    year: int | None = None
    default_status: str = "planned"
    default_category: str = "other"
    user: str = "import"
    kind: str | None = None         # force a kind instead of sniffing
    limits: Limits = DEFAULT_LIMITS
    places_path: Path | None = None  # gazetteer for the location checks; None: the data folder's
    crs: str | None = None          # CRS of the coordinates when the file states none ("EPSG:4549")
    layers: tuple[str, ...] = ()    # only these layers of a multi-layer file (default: every layer)
    make_valid: bool = False        # repair invalid polygons (shapely make_valid) instead of refusing the row


@dataclass
class ImportPreview:
    filename: str
    kind: str
    features: list[dict] = field(default_factory=list)         # valid rows, as they would be saved
    rows: list[int] = field(default_factory=list)              # row number of each feature
    rows_bad: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    datums: dict[str, int] = field(default_factory=dict)       # datum → rows with coordinates in it
    stated_versions: dict[str, int | None] = field(default_factory=dict)
    provided: dict[str, set] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)      # id → new | update | unchanged | conflict: …
    document: object = None                                    # plan kind: the extractor's document
    crs_notes: list[str] = field(default_factory=list)         # "EPSG:4549 … → WGS-84, 12 features"

    @property
    def rows_ok(self) -> int:
        return len(self.features)

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for a in self.actions.values():
            key = a.split(":", 1)[0]
            counts[key] = counts.get(key, 0) + 1
        located = sum(1 for f in self.features if f.get("geometry"))
        parts = [f"{self.filename} ({self.kind}): {self.rows_ok} row(s) ok ({located} located), "
                 f"{len(self.rows_bad)} bad"]
        if counts:
            names = {"new": "new", "update": "to update", "unchanged": "unchanged", "conflict": "conflicts"}
            parts.append(", ".join(f"{counts[k]} {names[k]}" for k in names if k in counts))
        if self.crs_notes:
            parts.extend(self.crs_notes)
        elif self.datums:
            parts.append("coordinates read as " + ", ".join(f"{d} ({n})" for d, n in self.datums.items()))
        return "; ".join(parts)

    def table(self) -> list[dict]:
        """One dict per valid row, for showing the preview (Chinese headers)."""
        out = []
        for row, f in zip(self.rows, self.features):
            p = f["properties"]
            g = f.get("geometry")
            lon = lat = None
            if g and g["type"] == "Point":
                lon, lat = g["coordinates"][:2]
            out.append({"行": row, "编号": f["id"], "名称": p["name"],
                        "类别": CATEGORY_LABELS.get(p["category"], p["category"]),
                        "状态": STATUS_LABELS.get(p["status"], p["status"]),
                        "几何": g["type"] if g else "未定位", "经度": lon, "纬度": lat,
                        "处理": self.actions.get(f["id"], "")})
        return out


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.conflicts)} conflict(s) skipped")


def read_source(source, filename: str | None, limits: Limits) -> tuple[bytes, str]:
    """(bytes, safe display name) of an upload (bytes + its name) or a path, within the size limit."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = safe_filename(filename)
        check_size(data, name, limits)
        return data, name
    path = Path(source)
    name = safe_filename(filename or path.name)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot be opened ({exc.strerror}); check the path") from None
    if not path.is_file():
        raise ImportRefused(f"{path}: not a file")
    if size > limits.max_bytes:
        raise ImportRefused(f"{name}: {size / 2**20:.1f} MB is over the import limit of "
                            f"{limits.max_bytes / 2**20:.0f} MB; split the file")
    return path.read_bytes(), name


def _default_plan(name: str) -> str:
    stem = name.rsplit(".", 1)[0]
    return "import-" + (re.sub(r"[^\w.-]+", "-", stem).strip("-") or "file")


_TEMP_PATH = re.compile(re.escape(tempfile.gettempdir()) + r"""/geo-import-[^/\s'"]+(?:/[^\s'":;,)]*)?""")


def _scrubbed(text: str, name: str) -> str:
    """A message with our temp copies' paths replaced by the name of the user's file."""
    return _TEMP_PATH.sub(name, text)


def plan_import(source, filename: str | None = None, options: ImportOptions | None = None,
                store=None) -> ImportPreview:
    """Read, map and validate a file; nothing is written. ``store`` (optional) fills ``actions``.

    Messages (refusals, warnings, bad rows) name the user's file, never a temp copy of it.
    """
    options = options or ImportOptions()
    data, name = read_source(source, filename, options.limits)
    try:
        preview = _plan(data, name, options, store)
    except ImportRefused as exc:
        raise ImportRefused(_scrubbed(str(exc), name)) from None
    preview.warnings = [_scrubbed(w, name) for w in preview.warnings]
    preview.rows_bad = [(row, _scrubbed(reason, name)) for row, reason in preview.rows_bad]
    return preview


def _plan(data: bytes, name: str, options: ImportOptions, store) -> ImportPreview:
    if not data.strip():
        raise ImportRefused(f"{name}: the file is empty")
    bad_maps = check_overrides(options.mapping)
    if bad_maps:
        raise ImportRefused("; ".join(bad_maps))
    datum = None
    if options.datum:
        from geo.coords import DatumError, normalise_datum
        try:
            datum = normalise_datum(options.datum)
        except DatumError as exc:
            raise ImportRefused(str(exc)) from None
    kind = options.kind or sniff(data, name, options.limits)
    if kind == "plan":
        preview = _plan_document(data, name, options)
    elif kind in READERS:
        if datum not in (None, "wgs84") and options.crs:
            raise ImportRefused(f"--datum {datum} is for longitude/latitude from Chinese web maps; a file in "
                                f"{options.crs} has none: give --crs or --datum, not both")
        try:
            table = READERS[kind](data, name, options)
            if table.crs is not None and not table.crs.is_wgs84 and datum not in (None, "wgs84"):
                raise ImportRefused(f"{name}: the file is in {table.crs.label}; --datum {datum} applies only to "
                                    "longitude/latitude from Chinese web maps: leave it out")
            preview = _preview_table(table, name, kind, options, datum, store)
        except ProjectedWithoutCrs as exc:
            from geo.crs import suggestion_text
            raise ImportRefused(f"{exc}; {suggestion_text(exc.eastings, exc.northings, longitude_hint(options.places_path))}"
                                ) from None
    else:
        raise ImportRefused(f"{name}: not a file type the import knows; use GeoJSON, CSV, XLSX, KML/KMZ, "
                            "GeoPackage, a zipped Shapefile, or a plan document (.txt .docx .pdf .html)")
    preview.warnings += _location_warnings(preview, name, options)
    if store is not None:
        preview.actions = {f["id"]: _action(preview, f, store.get(f["id"]))[0] for f in preview.features}
    return preview


def longitude_hint(places_path=None) -> float | None:
    """Longitude of the places the data folder is about (its county or towns), to pick a Gauss-Krüger zone."""
    from geo import config
    from geo.gazetteer import GazetteerError, load_gazetteer

    try:
        places = load_gazetteer(places_path or config.places_path()).places
    except (GazetteerError, OSError):
        return None
    from geo.query import geometry_bounds

    lons = []
    for p in places:
        b = geometry_bounds(p.get("geometry"))
        if b and p["properties"].get("kind") in ("county", "town", "village"):
            lons.append((b[0] + b[2]) / 2)
    return sorted(lons)[len(lons) // 2] if lons else None


def _location_warnings(preview: ImportPreview, name: str, options: ImportOptions) -> list[str]:
    """Rows outside the county, or coordinates that look GCJ-02/BD-09 though read as WGS-84.

    Shown in the preview before anything is written, so a wrong datum choice is caught while
    it can still be changed.
    """
    from geo import config
    from geo.validate_location import load_surroundings, location_problems

    located = [f for f in preview.features if f.get("geometry")]
    if not located:
        return []
    surroundings = load_surroundings(options.places_path or config.places_path())
    return [p.line() for p in location_problems(located, surroundings, source=name)]


def _stored_defaults(rec, mapping: dict[str, str], store) -> dict | None:
    """The stored item a row refers to by id, as defaults: a sheet of ids and statuses needs no names."""
    if store is None:
        return None
    id_cols = [c for c, t in mapping.items() if t == "id"]
    fid = next((str(rec.values[c]).strip() for c in id_cols if rec.values.get(c) not in (None, "")), None)
    existing = store.get(fid) if fid else None
    if existing is None:
        return None
    return {k: v for k, v in existing["properties"].items() if k not in _BOOKKEEPING}


def _preview_table(table: Table, name: str, kind: str, options: ImportOptions, datum: str | None,
                   store=None) -> ImportPreview:
    mapping, ignored = auto_mapping(table.columns, options.mapping)
    preview = ImportPreview(name, kind, mapping=mapping, ignored_columns=ignored, warnings=list(table.warnings),
                            crs_notes=list(table.crs_notes))
    stated = _stated_crs(table, mapping, name, options)  # CSV/XLSX numbers in a CRS the user states
    doc_datum = stated.datum_original if stated is not None else table.datum
    if stated is not None:
        datum = None
    provider = f"file:{name}" + (f" {table.crs.label.split(' ')[0]}" if table.crs is not None else "")
    if not any(t == "name" for t in mapping.values()) and table.records:
        preview.warnings.append("no column is recognised as 名称 (name); map one with --map 列名=name")
    defaults = {"plan": options.plan_id or _default_plan(name), "town": options.town, "county": options.county,
                "year": options.year, "section": None, "category": options.default_category,
                "status": options.default_status, "plan_verb": None, "places": [], "area": None,
                "budget_wan": None, "span": None, "precision": None, "geometry_source": None, "notes": None}
    seen: dict[str, int] = {}
    address_only = 0
    for rec in table.records:
        try:
            stored = _stored_defaults(rec, mapping, store)
            feature, version, used_datum, provided = build_feature(
                rec, mapping, datum=datum, doc_datum=doc_datum, defaults={**defaults, **(stored or {})},
                provider=provider, user=options.user)
        except RowError as exc:
            preview.rows_bad.append((rec.row, str(exc)))
            continue
        if stated is not None and feature.get("geometry") and rec.geometry is None:
            try:
                feature["geometry"] = _reproject_row(feature["geometry"], stated, rec.row)
            except RowError as exc:
                preview.rows_bad.append((rec.row, str(exc)))
                continue
        repaired = _repair(feature) if options.make_valid else False
        errors, warnings = validate_built(feature, rec.row)
        if repaired:
            warnings.append("invalid polygon repaired with make_valid (check its outline)")
        errors = [e + ("; or import with --make-valid to repair it" if "invalid polygon" in e else "")
                  for e in errors]
        if errors:
            preview.rows_bad.append((rec.row, "; ".join(errors)))
            continue
        fid = feature["id"]
        if fid in seen:
            preview.rows_bad.append((rec.row, f"id {fid} repeats row {seen[fid]}; ids must be unique in one import"))
            continue
        seen[fid] = rec.row
        preview.warnings += [f"row {rec.row}: {w}" for w in warnings]
        if feature.get("geometry"):
            preview.datums[used_datum] = preview.datums.get(used_datum, 0) + 1
        elif "places" in provided and any(mapping.get(c) == "address" for c in rec.values):
            address_only += 1
        preview.features.append(feature)
        preview.rows.append(rec.row)
        preview.stated_versions[fid] = version
        preview.provided[fid] = provided
    if stated is not None:
        located = [f["geometry"] for f in preview.features if f.get("geometry")]
        if located:
            from geo.importer.readers import _sample, check_landed
            check_landed(*_sample(located), stated, name)
            preview.crs_notes.append(stated.storage_note(len(located), "rows"))
    if address_only:
        preview.warnings.append(f"{address_only} row(s) have an address but no coordinates: they are imported as "
                                "未定位 (address kept in 地名); locate them on the map")
    if ignored:
        preview.warnings.append("columns not used: " + ", ".join(ignored)
                                + " (map one with --map 列名=field if it holds item data)")
    return preview


def _raw_positions(table: Table, mapping: dict[str, str]) -> tuple[list[float], list[float]]:
    """One (x, y) per record as the file has it: the lon/lat columns (or WKT), to judge their units."""
    lon_cols = [c for c, t in mapping.items() if t == "lon"]
    lat_cols = [c for c, t in mapping.items() if t == "lat"]
    xs, ys = [], []
    for rec in table.records:
        try:
            x = float(str(rec.values.get(lon_cols[0])).strip()) if lon_cols else math.nan
            y = float(str(rec.values.get(lat_cols[0])).strip()) if lat_cols else math.nan
        except (TypeError, ValueError):
            continue
        if math.isfinite(x) and math.isfinite(y):
            xs.append(x)
            ys.append(y)
    return xs, ys


def _stated_crs(table: Table, mapping: dict[str, str], name: str, options: ImportOptions):
    """The CRS the user stated for a table of cells (CSV/XLSX); refuses metres without one."""
    from geo.importer.readers import check_units, settle_crs

    if table.crs is not None or table.datum is not None:
        return None  # GIS formats and GeoJSON: the reader settled the CRS already
    stated = settle_crs(None, options.crs, name)
    check_units(*_raw_positions(table, mapping), stated, name)
    return stated if stated is not None and not stated.is_wgs84 else None


def _reproject_row(geometry: dict, stated, row: int) -> dict:
    from geo.crs import reproject_geometry, transformer_to_wgs84

    try:
        return reproject_geometry(geometry, transformer_to_wgs84(stated))
    except Exception as exc:  # shapely/pyproj refuse malformed shapes: the row is then reported as is
        raise RowError(f"geometry cannot be reprojected from {stated.label} ({exc})") from None


def _repair(feature: dict) -> bool:
    """Replace an invalid polygon of ``feature`` by its make_valid repair; True if it was repaired."""
    from geo.validate import repair_polygons

    fixed, ids = repair_polygons({"type": "FeatureCollection", "features": [feature]})
    if ids:
        feature["geometry"] = fixed["features"][0]["geometry"]
    return bool(ids)


def _plan_document(data: bytes, name: str, options: ImportOptions) -> ImportPreview:
    try:
        from geo.extract import extract_file
    except ImportError:
        raise ImportRefused(f"{name}: importing plan documents needs the extractor (geo.extract.extract_file), "
                            "which is not installed in this copy") from None
    from geo.extract.errors import ExtractError

    preview = ImportPreview(name, "plan")
    with tempfile.TemporaryDirectory(prefix="geo-import-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            with _quiet_readers() as notes:
                doc, items = extract_file(path, plan_id=options.plan_id, town=options.town, county=options.county,
                                          year=options.year)
        except ExtractError as exc:
            raise ImportRefused(f"{name}: " + str(exc).replace(f"{path}: ", "").replace(str(path), name)) from None
    if notes:
        preview.warnings.append(f"{name}: the reader noted: " + "; ".join(notes[:3])
                                + (" (the text may be incomplete: check the items)" if kind_is_pdf(data) else ""))
    preview.document = doc
    _too_many = options.limits.max_rows
    if len(items) > _too_many:
        raise ImportRefused(f"{name}: {len(items)} items, over the limit of {_too_many}; split the document")
    from geo.importer.mapping import _now

    for n, item in enumerate(items, start=1):
        props = copy.deepcopy(item.get("properties", item) if isinstance(item, dict) else {})
        geometry = item.get("geometry") if isinstance(item, dict) and "properties" in item else None
        props.setdefault("version", 1)
        props.setdefault("updated_at", _now())
        props.setdefault("updated_by", options.user)
        feature = {"type": "Feature", "id": props.get("id"), "geometry": geometry, "properties": props}
        errors, warnings = validate_built(feature, n)
        if errors:
            preview.rows_bad.append((n, f"{props.get('name') or '?'}: " + "; ".join(errors)))
            continue
        preview.features.append(feature)
        preview.rows.append(n)
        preview.warnings += [f"item {n}: {w}" for w in warnings]
    return preview


def kind_is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-")


@contextlib.contextmanager
def _quiet_readers():
    """pypdf (and python-docx) log repairs of damaged files to stderr; collect them as one preview warning."""
    import logging
    import warnings

    notes: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record):
            text = record.getMessage().strip().splitlines()[0][:160] if record.getMessage().strip() else ""
            if text and text not in notes:
                notes.append(text)

    handler = _Collect(logging.WARNING)
    loggers = [logging.getLogger(n) for n in ("pypdf", "PyPDF2", "docx")]
    saved = [(lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.propagate = False
        lg.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield notes
        for w in caught:
            text = str(w.message).strip().splitlines()[0][:160] if str(w.message).strip() else ""
            if text and text not in notes:
                notes.append(text)
    finally:
        for lg, (propagate, level) in zip(loggers, saved):
            lg.removeHandler(handler)
            lg.propagate, lg.level = propagate, level


# ---- merging ---------------------------------------------------------------------

def _shape_key(geometry):
    if geometry.get("type") == "GeometryCollection":
        return ("GC", tuple(_shape_key(g) for g in geometry.get("geometries") or []))
    return (geometry.get("type"), len(list(iter_positions(geometry))))


def geometry_close(a: dict | None, b: dict | None, tol: float = GEOMETRY_TOLERANCE_DEG) -> bool:
    """Same type and structure, every position within ``tol`` degrees."""
    if a is None or b is None:
        return a is b
    if _shape_key(a) != _shape_key(b):
        return False
    return all(math.isclose(p[0], q[0], abs_tol=tol) and math.isclose(p[1], q[1], abs_tol=tol)
               for p, q in zip(iter_positions(a), iter_positions(b)))


def _merged(preview: ImportPreview, feature: dict, existing: dict) -> dict:
    """The existing item with the fields the file provides taken from it (an import is a person's decision)."""
    out = copy.deepcopy(existing)
    props, new = out["properties"], feature["properties"]
    provided = preview.provided.get(feature["id"], set(new))
    for key in provided:
        if key in _BOOKKEEPING or key in ("geometry_source", "geometry_meta", "id"):
            continue
        if key == "precision" and not feature.get("geometry") and existing.get("geometry"):
            continue  # the file has no geometry: keep the stored one and its precision
        props[key] = copy.deepcopy(new.get(key))
    if feature.get("geometry") and not geometry_close(feature["geometry"], existing.get("geometry")):
        out["geometry"] = copy.deepcopy(feature["geometry"])
        props["geometry_source"] = "import"
        props["geometry_meta"] = copy.deepcopy(new.get("geometry_meta"))
        props["precision"] = new.get("precision")
    return out


def _action(preview: ImportPreview, feature: dict, existing: dict | None) -> tuple[str, dict | None]:
    from geo.store.base import changed_fields

    if existing is None:
        return "new", feature
    stated = preview.stated_versions.get(feature["id"])
    actual = existing["properties"].get("version")
    if stated is not None and stated != actual:
        who = existing["properties"].get("updated_by")
        return (f"conflict: changed in the store since this file was made (file version {stated}, "
                f"store version {actual}, last by {who}); export again and redo the change"), None
    merged = _merged(preview, feature, existing)
    if not changed_fields(existing, merged):
        return "unchanged", None
    return "update", merged


def apply_import(preview: ImportPreview, store, user: str) -> ImportResult:
    """Write a confirmed preview into ``store``; all saves are one atomic write (FileStore)."""
    result = ImportResult()
    if preview.kind == "plan":
        report = store.merge_extracted(preview.features, user=user)
        result.added, result.updated, result.unchanged = report.added, report.updated, report.unchanged
        return result
    to_save = []
    for feature in preview.features:
        existing = store.get(feature["id"])
        action, target = _action(preview, feature, existing)
        if action == "new":
            new = copy.deepcopy(target)
            new["properties"]["version"] = 0  # expected version of a new item: "not in the store yet"
            to_save.append(new)
            result.added.append(feature["id"])
        elif action == "update":
            to_save.append(target)  # carries the store's version: a save in between is a VersionConflict
            result.updated.append(feature["id"])
        elif action == "unchanged":
            result.unchanged.append(feature["id"])
        else:
            result.conflicts.append((feature["id"], action.split(": ", 1)[1]))
    if to_save:
        store.save_items(to_save, user=user)
    return result
