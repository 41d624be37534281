"""Plausibility of item locations against the gazetteer: outside the county, and WGS-84 labels on
coordinates that are really GCJ-02 (Gaode/Tencent) or BD-09 (Baidu).

Both are warnings, never errors: a project may legitimately reach over the county line, and a
site may lie anywhere around its village. The checks compare only against geometry the
gazetteer has a source for (the county outline, town seats and places people located).

Distances use a local equirectangular approximation around the county: within a county
(< 200 km across) it is off by well under 1 %, plenty for "3.2 km outside".
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from geo.contract import Problem
from geo.coords import convert
from geo.query import representative_point
from geo.validate_numbers import NumberError, loads

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320
# Beyond this an item is reported as outside the outline (the outline itself is approximate).
OUTSIDE_TOLERANCE_KM = 0.2
# An item this close to the shifted (GCJ-02/BD-09) position of a place it names, and this far from
# the place's WGS-84 position, carries the shift: nobody places a site on the shifted spot by chance.
ON_SHIFTED_SPOT_M = 30.0
OFF_TRUE_SPOT_M = 100.0
# Systematic check: at least this many items naming a located place, whose median offset from
# those places is within this fraction of the datum shift.
MIN_PAIRS = 3
SHIFT_MATCH_FRACTION = 0.3

FIX_DATUM = ("if the source was Gaode/AMap/Tencent (GCJ-02) or Baidu (BD-09), re-import it with "
             "`python -m geo import FILE --datum gcj02` (or bd09), or convert single points with "
             "`python -m geo convert --from gcj02 --to wgs84 LON LAT`")


@dataclass
class Surroundings:
    """What locations are checked against: the county outline and points of named places (WGS-84)."""

    source: str = "places.geojson"
    county_name: str | None = None
    county: object | None = None            # shapely geometry in local km, or None
    origin: tuple[float, float] = (0.0, 0.0)
    points: dict[str, tuple[str, float, float]] = field(default_factory=dict)  # name/alias -> (name, lon, lat)
    problem: str | None = None
    km: object | None = None                 # (N, 2) lon/lat array -> local km, for shapely.transform


def metres_between(a: tuple[float, float], b: tuple[float, float], lat0: float | None = None) -> float:
    lat0 = (a[1] + b[1]) / 2 if lat0 is None else lat0
    dx = (a[0] - b[0]) * KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    dy = (a[1] - b[1]) * KM_PER_DEG_LAT
    return math.hypot(dx, dy) * 1000.0


def load_surroundings(path: str | Path | None) -> Surroundings | None:
    """The gazetteer's county outline and located points; None when there is no gazetteer file.

    A gazetteer that cannot be read gives Surroundings with ``problem`` set (the checks are skipped
    and the validator says so), never an exception.
    """
    if path is None or not Path(path).is_file():
        return None
    path = Path(path)
    try:
        doc = loads(path.read_text(encoding="utf-8-sig"), path.name)
        features = [f for f in doc["features"] if isinstance(f, dict)]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        why = str(exc) if isinstance(exc, NumberError) else type(exc).__name__
        return Surroundings(source=path.name, problem=f"{path.name} cannot be read ({why}); "
                            "location checks skipped. Restore it from git or run `python -m geo gazetteer seed`")
    from shapely import prepare, transform, unary_union
    from shapely.geometry import shape

    out = Surroundings(source=path.name)
    outlines, names = [], []
    for f in features:
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        geom = f.get("geometry")
        if not isinstance(geom, dict):
            continue
        if props.get("kind") == "county" and geom.get("type") in ("Polygon", "MultiPolygon"):
            try:
                outlines.append(shape(geom))
            except Exception:  # a broken outline only disables the county check
                continue
            names.append(props.get("name"))
        elif geom.get("type") == "Point":
            coords = geom.get("coordinates") or []
            if len(coords) < 2 or not all(isinstance(v, (int, float)) for v in coords[:2]):
                continue
            for n in [props.get("name"), *(props.get("aliases") or [])]:
                if isinstance(n, str) and n and n not in out.points:
                    out.points[n] = (props.get("name") or n, float(coords[0]), float(coords[1]))
    if outlines:
        county = unary_union(outlines)
        c = county.centroid
        out.origin = (c.x, c.y)
        out.county_name = "、".join(n for n in names if n) or "the county"
        scale_x = KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(c.y))

        def km(xy):
            return (xy - (c.x, c.y)) * (scale_x, KM_PER_DEG_LAT)

        out.county = transform(county, km)
        prepare(out.county)  # most items lie inside: the intersects test is then cheap
        out.km = km
    return out


def _geometry_km(geometry: dict, surroundings: Surroundings):
    from shapely import transform
    from shapely.geometry import shape
    return transform(shape(geometry), surroundings.km)


def _direction(dx: float, dy: float) -> str:
    names = ["east", "north-east", "north", "north-west", "west", "south-west", "south", "south-east"]
    return names[int(((math.degrees(math.atan2(dy, dx)) + 22.5) % 360) // 45)]


def location_problems(features: list[dict], surroundings: Surroundings | None, *, source: str = "input",
                      skip: set[str] = frozenset()) -> list[Problem]:
    """Warnings for items outside the county and for coordinates that look GCJ-02/BD-09.

    ``features`` are item Features whose geometry already passed the structural checks; ids in
    ``skip`` (features with geometry errors) are left out.
    """
    if surroundings is None:
        return []
    if surroundings.problem:
        return [Problem(surroundings.source, "(file)", surroundings.problem, severity="warning")]
    problems: list[Problem] = []
    pairs = []  # (feature id, place name, item lon/lat, place lon/lat)
    for n, f in enumerate(features, start=1):
        geom = f.get("geometry") if isinstance(f, dict) else None
        fid = f.get("id") if isinstance(f, dict) and isinstance(f.get("id"), str) else f"#{n}"
        if not isinstance(geom, dict) or fid in skip:
            continue
        if surroundings.county is not None:
            try:
                g = _geometry_km(geom, surroundings)
                d_km = 0.0 if surroundings.county.intersects(g) else surroundings.county.distance(g)
            except Exception:  # malformed geometry: reported by the structural checks
                d_km = 0.0
            if d_km > OUTSIDE_TOLERANCE_KM:
                problems.append(Problem(fid, "geometry", (
                    f"lies {d_km:.1f} km outside the outline of {surroundings.county_name} "
                    f"(from {surroundings.source}); check the coordinates: another county, swapped digits, "
                    "or a datum other than WGS-84?"), severity="warning"))
        if surroundings.points:
            props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
            named = [props.get("name"), *(props.get("places") or [])]
            label = None
            for name in dict.fromkeys(x for x in named if isinstance(x, str)):
                hit = surroundings.points.get(name)
                if hit is None:
                    continue
                label = label or representative_point(geom)
                if label is not None:
                    pairs.append((fid, hit[0], label, (hit[1], hit[2])))
    problems += _datum_problems(pairs, source)
    return problems


def _datum_problems(pairs, source: str) -> list[Problem]:
    problems: list[Problem] = []
    flagged = set()
    for datum, label in (("gcj02", "GCJ-02"), ("bd09", "BD-09")):
        for fid, place, item, true in pairs:
            if fid in flagged:
                continue
            shifted = convert(true[0], true[1], "wgs84", datum)
            on_shift = metres_between(item, shifted)
            off_true = metres_between(item, true)
            if on_shift <= ON_SHIFTED_SPOT_M and off_true >= OFF_TRUE_SPOT_M:
                flagged.add(fid)
                problems.append(Problem(fid, "geometry", (
                    f"sits {on_shift:.0f} m from the {label} position of {place} but {off_true:.0f} m from its "
                    f"WGS-84 position: the coordinates look like {label} labelled as WGS-84 "
                    f"(estimated offset {off_true:.0f} m); {FIX_DATUM}"), severity="warning"))
    # Systematic shift: the median offset of items from the places they name equals the datum shift.
    if len(pairs) >= MIN_PAIRS:
        lat0 = statistics.median(p[3][1] for p in pairs)
        k = KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0)) * 1000.0
        dx = statistics.median((item[0] - true[0]) * k for _f, _p, item, true in pairs)
        dy = statistics.median((item[1] - true[1]) * KM_PER_DEG_LAT * 1000.0 for _f, _p, item, true in pairs)
        for datum, label in (("gcj02", "GCJ-02"), ("bd09", "BD-09")):
            sx, sy = [], []
            for _f, _p, _item, true in pairs:
                s = convert(true[0], true[1], "wgs84", datum)
                sx.append((s[0] - true[0]) * k)
                sy.append((s[1] - true[1]) * KM_PER_DEG_LAT * 1000.0)
            shift_x, shift_y = statistics.median(sx), statistics.median(sy)
            shift = math.hypot(shift_x, shift_y)
            if shift < 50:  # outside China both datums equal WGS-84
                continue
            if math.hypot(dx - shift_x, dy - shift_y) <= SHIFT_MATCH_FRACTION * shift:
                problems.append(Problem(source, "(file)", (
                    f"{len(pairs)} items that name a located place are offset from those places by a median "
                    f"{math.hypot(dx, dy):.0f} m to the {_direction(dx, dy)}, which is the {label} shift here "
                    f"({shift:.0f} m to the {_direction(shift_x, shift_y)}): the file looks like {label} "
                    f"labelled as WGS-84; {FIX_DATUM}"), severity="warning"))
                break
    return problems
