"""Checking a GeoJSON file of items against the contract, with messages a person can act on.

Used by ``python -m geo validate``, by imports before anything is merged, and by
the app when it opens the data folder. Never raises for bad input.
"""
from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from pathlib import Path

from geo.contract import DRAWN_PRECISIONS, Problem, validate_feature
from geo.query import iter_positions
from geo.validate_numbers import locate, loads_marking

MAX_FILE_BYTES = 512 * 1024 * 1024
# jsonschema takes about 1.5 ms per item: 100 000 items is a few minutes and well under 1 GB.
# A whole county is tens of thousands of items; anything larger is split by plan or town.
MAX_FEATURES = 100_000
MAX_NESTING = 64

# Mainland China with a margin, for telling swapped lon/lat and projected metres apart.
CHINA_BBOX = (73.0, 17.0, 136.0, 54.0)


def _in_china(lon: float, lat: float) -> bool:
    w, s, e, n = CHINA_BBOX
    return w <= lon <= e and s <= lat <= n


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
# A Feature object: counted before parsing so that a huge file is refused without building it in memory.
_FEATURE_MARK = re.compile(r'"type"\s*:\s*"Feature"\s*[,}]')


def _nesting_too_deep(text: str, limit: int = MAX_NESTING) -> bool:
    """Deeper than ``limit`` brackets outside strings (C-speed passes: files run to hundreds of MB)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub('""', text))
    return max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit


def count_features(text: str) -> int:
    """Features in a GeoJSON text without parsing it (an upper bound: a string can fake one)."""
    return len(_FEATURE_MARK.findall(text))


def parse_geojson_text(text: str, source: str = "input") -> tuple[dict | None, list[Problem]]:
    """Parse and check the envelope; returns (collection or None, problems)."""
    if not text.strip():
        return None, [Problem(source, "(file)", "is empty; expected a GeoJSON FeatureCollection")]
    n_features = count_features(text)
    if n_features > MAX_FEATURES:
        return None, [Problem(source, "features", f"about {n_features} features is over the limit of {MAX_FEATURES} "
                              "that one validation handles; split the file (e.g. one file per plan or town)")]
    if _nesting_too_deep(text):
        return None, [Problem(source, "(file)", f"JSON is nested deeper than {MAX_NESTING} levels; "
                              "GeoJSON never needs that, the file is damaged or hostile")]
    try:
        doc, bad_numbers = loads_marking(text)
    except json.JSONDecodeError as exc:
        hint = "the file ends early (truncated?)" if exc.pos >= len(text.rstrip()) - 1 else "fix the JSON syntax there"
        return None, [Problem(source, "(file)", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}; {hint}")]
    except RecursionError:
        return None, [Problem(source, "(file)", "JSON is nested too deeply to read")]
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if bad_numbers:
        return None, number_problems(doc, source)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        return None, [Problem(source, "type", f"is {got!r}; expected a GeoJSON FeatureCollection")]
    problems = []
    if "crs" in doc:
        problems.append(Problem(source, "crs", "the collection declares a 'crs'; RFC 7946 GeoJSON is WGS-84 lon/lat only. "
                                "Convert the coordinates to WGS-84 and remove the crs member"))
    if not isinstance(doc.get("features"), list):
        return None, problems + [Problem(source, "features", "is missing or not a list")]
    if len(doc["features"]) > MAX_FEATURES:
        return None, problems + [Problem(source, "features", f"{len(doc['features'])} features is over the limit of "
                                         f"{MAX_FEATURES} that one validation handles; split the file (e.g. per plan or town)")]
    return doc, problems


def number_problems(doc, source: str, limit: int = 20) -> list[Problem]:
    """One problem per bad number (not finite, too large) of a parsed document, by feature and field."""
    bad = locate(doc)
    out = [Problem(source, "(file)", f"{b.where()}: {b.reason()}") for b in bad[:limit]]
    if len(bad) > limit:
        out.append(Problem(source, "(file)", f"{len(bad) - limit} more numbers like these; fix them all"))
    return out


def geometry_problems(fid: str, geometry, props: dict) -> list[Problem]:
    """Checks the schema cannot express: projected metres, swapped axes, invalid rings, precision."""
    problems: list[Problem] = []
    precision = props.get("precision")
    if geometry is None:
        if precision in DRAWN_PRECISIONS:
            problems.append(Problem(fid, "precision", f"is {precision!r} but the item has no geometry; "
                                    "use town, village or none until it is located"))
        return problems
    if not isinstance(geometry, dict):
        return problems
    if precision == "none":
        problems.append(Problem(fid, "precision", "is 'none' but the item has a geometry; say how well it is known "
                                "(exact, site, segment, village or town)"))
    pts = [p for p in iter_positions(geometry) if len(p) >= 2 and all(isinstance(v, (int, float)) for v in p[:2])]
    if any(not (math.isfinite(p[0]) and math.isfinite(p[1])) for p in pts):
        problems.append(Problem(fid, "geometry", "has NaN or infinite coordinates"))
        return problems
    if pts and not any(_in_china(p[0], p[1]) for p in pts) and all(_in_china(p[1], p[0]) for p in pts):
        problems.append(Problem(fid, "geometry", f"longitude and latitude look swapped ({pts[0][0]}, {pts[0][1]} "
                                "falls outside China, inside it when swapped); GeoJSON order is [lon, lat]"))
        return problems
    if pts and all(abs(p[0]) > 180 or abs(p[1]) > 90 for p in pts):
        problems.append(Problem(fid, "geometry", f"coordinates like {pts[0][:2]} are metres of a projected CRS "
                                "(e.g. EPSG:4549 CGCS2000 3-degree Gauss-Krüger), not degrees; "
                                "re-export as WGS-84 (EPSG:4326) lon/lat"))
        return problems
    if geometry.get("type") in ("Polygon", "MultiPolygon"):
        problems.extend(_polygon_problems(fid, geometry))
    if precision == "segment" and geometry.get("type") not in ("LineString", "MultiLineString"):
        problems.append(Problem(fid, "precision", f"is 'segment' but the geometry is a {geometry.get('type')}; "
                                "a segment is a LineString", severity="warning"))
    return problems


def _polygon_problems(fid: str, geometry: dict) -> list[Problem]:
    try:
        from shapely.geometry import shape
        from shapely.validation import explain_validity
        geom = shape(geometry)
    except Exception as exc:  # malformed rings: the schema check reports the details
        return [Problem(fid, "geometry", f"polygon cannot be built: {exc}")]
    if geom.is_valid:
        return []
    return [Problem(fid, "geometry", f"invalid polygon ({explain_validity(geom)}); fix it in a GIS, or write a "
                    "repaired copy with `python -m geo validate FILE --make-valid -o FIXED.geojson` (shapely make_valid)")]


def validate_collection(doc: dict, source: str = "input", surroundings=None) -> list[Problem]:
    """Problems of every feature; with ``surroundings`` (see ``geo.validate_location``) also
    warnings for items outside the county and for GCJ-02/BD-09 coordinates labelled WGS-84."""
    problems: list[Problem] = []
    ids = Counter()
    for n, feature in enumerate(doc.get("features") or [], start=1):
        schema_problems = validate_feature(feature, n)
        if isinstance(feature, dict):
            fid = feature.get("id") if isinstance(feature.get("id"), str) else f"#{n}"
            if isinstance(feature.get("id"), (str, int, float)):  # a list/object id is a schema error, not a key
                ids[feature.get("id")] += 1
            props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
            geo_problems = geometry_problems(fid, feature.get("geometry"), props) if "geometry" in feature else []
            if any(p.field == "geometry" for p in geo_problems):
                # the specific diagnosis (swapped, projected…) replaces the schema's generic one
                schema_problems = [p for p in schema_problems if p.field != "geometry"]
            problems.extend(schema_problems + geo_problems)
        else:
            problems.extend(schema_problems)
    for fid, count in ids.items():
        if fid is not None and count > 1:
            problems.append(Problem(str(fid), "id", f"is used by {count} features; ids must be unique"))
    if surroundings is not None:
        from geo.validate_location import location_problems
        bad_geometry = {p.feature for p in problems if p.field == "geometry" and p.severity == "error"}
        problems.extend(location_problems([f for f in doc.get("features") or [] if isinstance(f, dict)],
                                          surroundings, source=source, skip=bad_geometry))
    return problems


def validate_path(path: str | Path, places: str | Path | None = None) -> list[Problem]:
    """All problems of a GeoJSON file; an unreadable file is one problem, not an exception.

    ``places``: a gazetteer file (places.geojson) to check locations against (county outline,
    datum); without it only the file itself is checked.
    """
    doc, problems = read_collection(path)
    if doc is None:
        return problems
    surroundings = None
    if places is not None:
        from geo.validate_location import load_surroundings
        surroundings = load_surroundings(places)
    return problems + validate_collection(doc, Path(path).name, surroundings)


def read_collection(path: str | Path) -> tuple[dict | None, list[Problem]]:
    """(FeatureCollection or None, envelope problems) of a file; never raises for bad input."""
    path = Path(path)
    source = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [Problem(source, "(file)", f"cannot be opened: {exc.strerror}")]
    if size > MAX_FILE_BYTES:
        return None, [Problem(source, "(file)", f"is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit; split it")]
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(source, "(file)", f"is not UTF-8 text (byte {exc.start}); GeoJSON must be UTF-8. "
                              "Is this a binary file, or was it saved in GBK? Re-save as UTF-8")]
    except OSError as exc:
        return None, [Problem(source, "(file)", f"cannot be read: {exc.strerror}")]
    return parse_geojson_text(text, source)


def repair_polygons(doc: dict) -> tuple[dict, list[str]]:
    """A copy of ``doc`` whose invalid polygons are repaired with shapely ``make_valid``.

    Only the polygonal part of the repair is kept (a bow-tie becomes two triangles; slivers that
    collapse to lines are dropped). Returns (new collection, ids of repaired features); ``doc`` is
    not modified.
    """
    import copy

    from shapely.geometry import mapping, shape
    from shapely.validation import make_valid

    out = copy.deepcopy(doc)
    repaired = []
    for n, f in enumerate(out.get("features") or [], start=1):
        geom = f.get("geometry") if isinstance(f, dict) else None
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        try:
            shp = shape(geom)
            if shp.is_valid:
                continue
            fixed = _polygonal(make_valid(shp))
        except Exception:  # malformed rings cannot be repaired here: the validator names them
            continue
        if fixed is None or fixed.is_empty:
            continue
        f["geometry"] = json.loads(json.dumps(mapping(fixed)))  # tuples -> lists
        repaired.append(f.get("id") if isinstance(f.get("id"), str) else f"#{n}")
    return out, repaired


def _polygonal(geom):
    from shapely.geometry import MultiPolygon, Polygon
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = []
    for g in getattr(geom, "geoms", []):
        if isinstance(g, Polygon):
            parts.append(g)
        elif isinstance(g, MultiPolygon):
            parts.extend(g.geoms)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
