"""Village and town boundaries (村界) from a GIS file become the gazetteer places' geometry.

    from geo.boundaries import preview_boundaries, apply_boundaries
    preview = preview_boundaries("村界.zip", name_field="村名", licence="东塍镇政府提供, 内部使用")
    preview.matched, preview.unmatched, preview.invalid, preview.ambiguous   # rows, for a table
    preview.lines()                                  # the same as text (CLI, app caption)
    result = apply_boundaries(preview, user="王工", store=store)  # only after the person confirms

Reading is the importer's: any GIS format geopandas reads, every layer, any declared CRS
(reprojected to WGS-84 with pyproj; metres without a CRS are refused, naming the --crs).
A polygon matches a place by its code (12-digit 统计用区划代码; a 19-digit 坐落单位代码
starts with it) or by its name, compared without 村/村委会/村民委员会/社区/居委会. Invalid
(self-intersecting) polygons are listed; ``make_valid=True`` repairs them with shapely.
Nothing is written until ``apply_boundaries``: then every matched place gets the polygon
(precision ``boundary``, source = the file, licence as stated) in one atomic write of the
gazetteer, and, given a store, its items' areas are re-derived by spatial join
(:mod:`geo.areas`) and unlocated items of a bounded village get its outline.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from geo.gazetteer import GazetteerError, load_gazetteer, normalise_name, rewrite_places

GIS_KINDS = ("geojson", "kml", "kmz", "gpkg", "shp")
BOUNDARY_KINDS = ("village", "town", "town_seat_area")
CODE_FIELDS = ("xzqdm", "zldwdm", "cjqydm", "cun_dm", "village_code", "admin_code", "adcode", "code", "行政区划代码",
               "区划代码", "行政区代码", "代码", "编码", "村代码")
NAME_FIELDS = ("村名", "村名称", "村庄名称", "名称", "xzqmc", "zldwmc", "cjqymc", "行政区名称", "村委会", "name",
               "村", "社区")
_SUFFIX = re.compile(r"(村民委员会|村委会|居民委员会|社区居委会|居委会|社区|村)$")


class BoundaryError(ValueError):
    """A boundary file or preview that cannot be used as asked; the text says why and what to do."""


@dataclass
class BoundaryRow:
    row: int                      # feature number in the file (over all layers)
    name: str | None
    code: str | None
    geometry: dict | None         # WGS-84, after any repair
    place_id: str | None = None
    place_name: str | None = None
    how: str | None = None        # code | name
    reason: str | None = None     # why unmatched / ambiguous
    problem: str | None = None    # invalid polygon (explain_validity) or not a polygon
    repaired: bool = False

    @property
    def label(self) -> str:
        return " ".join(x for x in (self.name, f"({self.code})" if self.code else None) if x) or f"feature {self.row}"


@dataclass
class BoundaryPreview:
    filename: str
    places_path: Path
    rows: list[BoundaryRow] = field(default_factory=list)
    name_field: str | None = None
    code_field: str | None = None
    fields: list[str] = field(default_factory=list)
    licence: str | None = None
    crs_note: str = "WGS-84"
    datum: str = "wgs84"          # contract word for the original datum (cgcs2000 for CGCS2000 files)
    versions: dict[str, int] = field(default_factory=dict)  # place id → version at preview time
    warnings: list[str] = field(default_factory=list)
    make_valid: bool = False

    @property
    def matched(self) -> list[BoundaryRow]:
        return [r for r in self.rows if r.place_id and not r.problem]

    @property
    def unmatched(self) -> list[BoundaryRow]:
        return [r for r in self.rows if not r.place_id and not r.problem and r.reason and "ambiguous" not in r.reason]

    @property
    def ambiguous(self) -> list[BoundaryRow]:
        return [r for r in self.rows if not r.place_id and r.reason and "ambiguous" in r.reason]

    @property
    def invalid(self) -> list[BoundaryRow]:
        return [r for r in self.rows if r.problem]

    @property
    def places(self) -> dict[str, list[BoundaryRow]]:
        """Place id → the matched rows that form its boundary (several polygons of one village are joined)."""
        out: dict[str, list[BoundaryRow]] = {}
        for r in self.matched:
            out.setdefault(r.place_id, []).append(r)
        return out

    @property
    def ready(self) -> bool:
        """Whether ``apply_boundaries`` would write: something matched and no invalid polygon left."""
        return bool(self.matched) and not self.invalid

    def summary(self) -> str:
        return (f"{self.filename}: {len(self.rows)} polygon(s), {self.crs_note}; {len(self.places)} place(s) matched "
                f"({sum(r.how == 'code' for r in self.matched)} by code, {sum(r.how == 'name' for r in self.matched)} "
                f"by name), {len(self.unmatched)} unmatched, {len(self.ambiguous)} ambiguous, "
                f"{len(self.invalid)} invalid")

    def lines(self) -> list[str]:
        out = [self.summary()]
        fields = ", ".join(f"{k} {v}" for k, v in (("name field", self.name_field), ("code field", self.code_field)) if v)
        if fields:
            out.append(f"reading {fields}")
        for pid, rows in self.places.items():
            extra = f" ({len(rows)} polygons joined)" if len(rows) > 1 else ""
            repaired = " (repaired with make_valid)" if any(r.repaired for r in rows) else ""
            out.append(f"  match {rows[0].label} → {rows[0].place_name} [{pid}] by {rows[0].how}{extra}{repaired}")
        for r in self.unmatched:
            out.append(f"  unmatched {r.label}: {r.reason}")
        for r in self.ambiguous:
            out.append(f"  ambiguous {r.label}: {r.reason}")
        for r in self.invalid:
            out.append(f"  invalid {r.label}: {r.problem}")
        if self.invalid:
            out.append(f"{len(self.invalid)} polygon(s) are invalid: fix them in a GIS, or repair them with "
                       "make_valid (--make-valid); nothing is written while any is invalid")
        out.extend(f"warning: {w}" for w in self.warnings)
        return out

    def table(self) -> list[dict]:
        """One dict per polygon, for the app's preview table."""
        out = []
        for r in self.rows:
            state = ("invalid" if r.problem else "matched" if r.place_id else
                     "ambiguous" if r.reason and "ambiguous" in r.reason else "unmatched")
            out.append({"row": r.row, "name": r.name, "code": r.code, "state": state, "place": r.place_name,
                        "place_id": r.place_id, "how": r.how, "note": r.problem or r.reason or
                        ("repaired with make_valid" if r.repaired else "")})
        return out


@dataclass
class BoundaryResult:
    places: list[str] = field(default_factory=list)      # place ids given a boundary
    areas_changed: list[str] = field(default_factory=list)   # item ids whose area the join changed
    located: list[str] = field(default_factory=list)     # item ids now drawn as their village's boundary

    def summary(self) -> str:
        return (f"{len(self.places)} place(s) got their boundary; {len(self.areas_changed)} item area(s) changed by "
                f"the spatial join; {len(self.located)} item(s) located by their village's boundary")


# ---- reading and matching ------------------------------------------------------

def _key(text) -> str:
    return _SUFFIX.sub("", normalise_name(str(text))) if text not in (None, "") else ""


def _code_text(value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text if text.isdigit() else None


def _pick_field(columns: list[str], wanted: str | None, known: tuple[str, ...], what: str, flag: str,
                rows: list[dict], test) -> str | None:
    if wanted:
        if wanted not in columns:
            raise BoundaryError(f"no field {wanted!r} in the file; its fields are {', '.join(columns) or 'none'}; "
                                f"name the {what} with {flag}")
        return wanted
    folded = {c.casefold(): c for c in columns}
    for k in known:
        if k in folded and any(test(r.get(folded[k])) for r in rows):
            return folded[k]
    best, best_hits = None, 0
    for c in columns:
        hits = sum(1 for r in rows if test(r.get(c)))
        if hits > best_hits and hits * 2 >= len(rows):
            best, best_hits = c, hits
    return best


def _read(source, filename: str | None, crs: str | None, layers: tuple[str, ...], places_path):
    from geo.importer import ImportRefused, longitude_hint, read_source
    from geo.importer.limits import DEFAULT_LIMITS
    from geo.importer.readers import READERS, ProjectedWithoutCrs
    from geo.importer.sniff import sniff

    class _Options:
        limits = DEFAULT_LIMITS

    options = _Options()
    options.crs, options.layers = crs, layers
    try:
        data, name = read_source(source, filename, DEFAULT_LIMITS)
        kind = sniff(data, name, DEFAULT_LIMITS)
        if kind not in GIS_KINDS:
            raise BoundaryError(f"{name}: boundaries come as polygons in a GIS file (zipped Shapefile, GeoPackage, "
                                "GeoJSON, KML/KMZ); this is not one")
        try:
            table = READERS[kind](data, name, options)
        except ProjectedWithoutCrs as exc:
            from geo.crs import suggestion_text
            raise BoundaryError(f"{exc}; {suggestion_text(exc.eastings, exc.northings, longitude_hint(places_path))}"
                                ) from None
    except ImportRefused as exc:
        raise BoundaryError(str(exc)) from None
    return name, table


def preview_boundaries(source, filename: str | None = None, *, name_field: str | None = None,
                       code_field: str | None = None, licence: str | None = None, crs: str | None = None,
                       layers: tuple[str, ...] = (), make_valid: bool = False, town: str | None = None,
                       places_path: str | Path | None = None) -> BoundaryPreview:
    """Read the polygons of ``source`` (path or bytes) and match them to gazetteer places; nothing is written."""
    from geo import config
    from geo.coords import convert_geometry

    places_path = Path(places_path) if places_path else config.places_path()
    try:
        gazetteer = load_gazetteer(places_path)
    except GazetteerError as exc:
        raise BoundaryError(str(exc)) from None
    if not len(gazetteer):
        raise BoundaryError(f"{places_path}: the gazetteer has no places to match boundaries to; seed it first "
                            "(python -m geo gazetteer seed)")
    name, table = _read(source, filename, crs, tuple(layers), places_path)
    values = [r.values for r in table.records]
    columns = [c for c in table.columns if c not in ("geometry_type", "geometry_part")]
    codes = _code_index(gazetteer)
    code_col = _pick_field(columns, code_field, CODE_FIELDS, "code field", "--code-field", values,
                           lambda v: bool(_code_text(v)) and (_code_text(v) in codes or _code_text(v)[:12] in codes))
    name_col = _pick_field(columns, name_field, NAME_FIELDS, "name field", "--name-field", values,
                           lambda v: isinstance(v, str) and bool(_key(v)))
    if code_col is None and name_col is None:
        raise BoundaryError(f"{name}: no field holds village codes or names; its fields are "
                            f"{', '.join(columns) or 'none'}: name them with --name-field / --code-field")
    preview = BoundaryPreview(name, places_path, name_field=name_col, code_field=code_col, fields=columns,
                              licence=(licence or "").strip() or None, warnings=list(table.warnings),
                              make_valid=make_valid)
    if table.crs is not None and not table.crs.is_wgs84:
        preview.crs_note = table.crs.storage_note(len(table.records), "polygons")
        preview.datum = table.crs.datum_original
    elif table.datum in ("gcj02", "bd09"):
        preview.crs_note = f"{table.datum.upper()} → WGS-84"
        preview.datum = table.datum
    if not preview.licence:
        preview.warnings.append("no licence stated (--licence): say who made the boundaries and who may use them; "
                                "it is stored with each place")
    index = _name_index(gazetteer, town)
    for rec in table.records:
        geometry = rec.geometry
        if geometry is not None and table.datum in ("gcj02", "bd09"):
            geometry = convert_geometry(geometry, table.datum, "wgs84")
        row = BoundaryRow(rec.row, _text(rec.values.get(name_col)) if name_col else None,
                          _code_text(rec.values.get(code_col)) if code_col else None, geometry)
        _check_polygon(row, make_valid)
        _match(row, gazetteer, codes, index)
        preview.rows.append(row)
    for pid in preview.places:
        preview.versions[pid] = gazetteer.get(pid)["properties"].get("version", 1)
    return preview


def _text(value) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


def _name_index(gazetteer, town: str | None) -> dict[str, list[str]]:
    """Name key (without 村/村委会/社区 …) → ids of admin places, within ``town`` when given."""
    ctx = gazetteer.resolve_town(town) if town else None
    if town and ctx is None:
        raise BoundaryError(f"town {town!r} is not in the gazetteer; leave out --town or seed the town first")
    index: dict[str, list[str]] = {}
    for p in gazetteer.places:
        props = p["properties"]
        if props["kind"] not in BOUNDARY_KINDS:
            continue
        if ctx is not None and p["id"] != ctx["id"] and all(a["id"] != ctx["id"] for a in gazetteer.ancestors(p)):
            continue
        for n in [props["name"], *(props.get("aliases") or [])]:
            k = _key(n)
            if k and p["id"] not in index.setdefault(k, []):
                index[k].append(p["id"])
    return index


def _code_index(gazetteer) -> dict[str, dict]:
    """Code (place id, admin_code, former codes) → place."""
    out: dict[str, dict] = {}
    for p in gazetteer.places:
        props = p["properties"]
        for code in [props.get("admin_code"), *(props.get("former_admin_codes") or []), p["id"]]:
            if code and str(code).isdigit():
                out.setdefault(str(code), p)
    return out


def _match(row: BoundaryRow, gazetteer, codes: dict[str, dict], index: dict[str, list[str]]) -> None:
    by_id = {p["id"]: p for p in gazetteer.places}
    if row.code:
        for code in dict.fromkeys((row.code, row.code[:12])):
            place = codes.get(code)
            if place is not None:
                row.place_id, row.place_name, row.how = place["id"], place["properties"]["name"], "code"
                if row.name and _key(row.name) != _key(place["properties"]["name"]) and \
                        _key(row.name) not in {_key(a) for a in place["properties"].get("aliases") or []}:
                    row.reason = f"the file names it {row.name}; the gazetteer's {code} is {row.place_name}"
                return
    if row.name:
        ids = index.get(_key(row.name), [])
        if len(ids) == 1:
            place = by_id[ids[0]]
            row.place_id, row.place_name, row.how = place["id"], place["properties"]["name"], "name"
            return
        if len(ids) > 1:
            names = ", ".join(f"{by_id[i]['properties']['name']} [{i}]" for i in ids[:5])
            row.reason = f"ambiguous: the name fits {len(ids)} places ({names}); give --code-field or --town"
            return
    if row.code and row.name:
        row.reason = f"neither code {row.code} nor name {row.name} is in the gazetteer"
    elif row.code:
        row.reason = f"code {row.code} is not in the gazetteer"
    elif row.name:
        row.reason = f"no place named {row.name} (with or without 村/村委会/社区) in the gazetteer"
    else:
        row.reason = "the feature has neither a name nor a code"


def _check_polygon(row: BoundaryRow, make_valid: bool) -> None:
    import shapely.geometry
    from shapely.validation import explain_validity
    from shapely.validation import make_valid as repair

    from geo.export.fields import geojson_of
    from geo.validate import _polygonal

    geom = row.geometry
    if geom is None or geom.get("type") not in ("Polygon", "MultiPolygon"):
        row.problem = f"is {'empty' if geom is None else 'a ' + geom['type']}, not a polygon"
        return
    try:
        shape = shapely.geometry.shape(geom)
    except Exception as exc:  # rings too short etc.
        row.problem = f"polygon cannot be built ({exc})"
        return
    if shape.is_valid:
        return
    if not make_valid:
        row.problem = f"invalid polygon ({explain_validity(shape)})"
        return
    fixed = _polygonal(repair(shape))
    if fixed is None or fixed.is_empty:
        row.problem = f"invalid polygon ({explain_validity(shape)}) that make_valid cannot turn into an area"
        return
    row.geometry, row.repaired = geojson_of(fixed), True


# ---- writing -------------------------------------------------------------------

def _joined(rows: list[BoundaryRow]) -> dict:
    import shapely
    import shapely.geometry

    from geo.export.fields import geojson_of

    if len(rows) == 1:
        return copy.deepcopy(rows[0].geometry)
    union = shapely.union_all([shapely.geometry.shape(r.geometry) for r in rows])
    return geojson_of(shapely.orient_polygons(union, exterior_cw=False))


def apply_boundaries(preview: BoundaryPreview, user: str, *, store=None) -> BoundaryResult:
    """Store the matched boundaries as the places' geometry (one atomic write); then, given a store,
    re-derive its items' areas by spatial join and locate its unlocated village items by the outline."""
    from geo.store.base import now_iso

    if not user or not str(user).strip():
        raise BoundaryError("importing boundaries needs a user name (who imported them)")
    if preview.invalid:
        raise BoundaryError(f"{preview.filename}: {len(preview.invalid)} polygon(s) are invalid "
                            f"({preview.invalid[0].label}: {preview.invalid[0].problem}); fix them in a GIS or "
                            "repair them with make_valid (--make-valid); nothing written")
    if not preview.matched:
        raise BoundaryError(f"{preview.filename}: no polygon matched a gazetteer place; nothing written")
    ts = now_iso()
    result = BoundaryResult()

    def change(features: list[dict]):
        places = copy.deepcopy(features)
        by_id = {p["id"]: p for p in places}
        audit = []
        for pid, rows in preview.places.items():
            place = by_id.get(pid)
            if place is None or place["properties"].get("version", 1) != preview.versions.get(pid):
                raise BoundaryError(f"place {pid} changed since the preview (now version "
                                    f"{place['properties'].get('version') if place else 'gone'}); preview again; "
                                    "nothing written")
            props = place["properties"]
            old_geometry = place.get("geometry")
            place["geometry"] = _joined(rows)
            version = props.get("version", 1) + 1
            props.update(precision="boundary", geometry_source="import", represents="extent", original=None,
                         datum=preview.datum, licence=preview.licence, accuracy_m=None, version=version,
                         updated_at=ts, updated_by=user,
                         source=f"{preview.filename} (boundary, {preview.crs_note.split(' → ')[0]}); "
                                f"names and codes: {props.get('source')}"[:2000])
            audit.append({"ts": ts, "user": user, "place": pid, "action": "set_geometry",
                          "old_geometry": old_geometry, "new_geometry": place["geometry"],
                          "version": version, "source": preview.filename})
            result.places.append(pid)
        return places, result.places, audit

    try:
        places = rewrite_places(preview.places_path, change)
    except GazetteerError as exc:
        raise BoundaryError(f"boundaries not saved: {exc}") from None
    if store is not None:
        _update_items(store, places, user, result)
    return result


def _update_items(store, places: list[dict], user: str, result: BoundaryResult) -> None:
    from geo.areas import assign_areas, locate_by_boundary

    items = copy.deepcopy(store.load())
    before = {f["id"]: json.dumps(f, sort_keys=True, ensure_ascii=False) for f in items}
    result.located = locate_by_boundary(items, places)
    result.areas_changed = assign_areas(items, places)
    changed = [f for f in items if json.dumps(f, sort_keys=True, ensure_ascii=False) != before[f["id"]]]
    if changed:
        store.save_items(changed, user=user)
