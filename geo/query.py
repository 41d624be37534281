"""Filtering items the same way everywhere (map, list, exports, CLI).

The PostGIS backend runs the same filter as SQL; this is the reference
implementation and the one the GeoJSON file store uses.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import Iterable, Iterator


@dataclass(frozen=True)
class ItemFilter:
    """What a person filtered the map or list to; empty means no restriction."""

    areas: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()       # the items' ``town`` (several towns in one data folder: a county)
    statuses: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    precisions: tuple[str, ...] = ()
    text: str = ""
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    include_dropped: bool = False


def is_position(coords) -> bool:
    """A GeoJSON position: a list of numbers (lon, lat, optional height); anything deeper holds positions."""
    return (isinstance(coords, (list, tuple)) and bool(coords) and isinstance(coords[0], (int, float))
            and not isinstance(coords[0], bool))


def iter_positions(geometry: dict | None) -> Iterator[list]:
    """Every [lon, lat(, z)] position of a GeoJSON geometry, GeometryCollections included.

    The one coordinate walker: bounds, validation, distances, report extents and the
    importer all read positions through it.
    """
    def walk(coords):
        if is_position(coords):
            yield coords
        elif isinstance(coords, (list, tuple)):
            for c in coords:
                yield from walk(c)

    if not isinstance(geometry, dict):
        return
    if geometry.get("type") == "GeometryCollection":
        for g in geometry.get("geometries") or []:
            yield from iter_positions(g)
    else:
        yield from walk(geometry.get("coordinates"))


def map_coordinates(coords, fn):
    """A GeoJSON coordinates array of any depth with every position replaced by ``fn(position)``."""
    if is_position(coords):
        return fn(coords)
    return [map_coordinates(c, fn) for c in coords]


_NUMBER = (int, float)  # exact types: a bool is not a coordinate


def geometry_bounds(geometry: dict | None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a GeoJSON geometry, or None."""
    if type(geometry) is dict and geometry.get("type") == "Point":  # most items: no walk (100,000: ~1 s)
        c = geometry.get("coordinates")
        if type(c) is list and len(c) >= 2 and type(c[0]) in _NUMBER and type(c[1]) in _NUMBER:
            return c[0], c[1], c[0], c[1]
    xs: list[float] = []
    ys: list[float] = []
    for p in iter_positions(geometry):
        if len(p) >= 2:
            xs.append(p[0])
            ys.append(p[1])
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def representative_point(geometry: dict | None) -> tuple[float, float] | None:
    """The one point that stands for a geometry, on it: a point itself; else a point on the line or
    inside the polygon (shapely's ``representative_point``), never a vertex mean that can fall outside
    a bent polygon. Where to navigate to, where a label goes, where a segment of a road ends.
    None without a usable geometry.
    """
    if not isinstance(geometry, dict):
        return None
    if geometry.get("type") == "Point":
        c = geometry.get("coordinates")
        return (float(c[0]), float(c[1])) if is_position(c) and len(c) >= 2 else None
    try:
        from shapely.geometry import shape

        p = shape(geometry).representative_point()
    except Exception:  # noqa: BLE001  (a malformed geometry has no such point; the caller says what then)
        return None
    return None if p.is_empty else (float(p.x), float(p.y))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def search_text(props: dict) -> str:
    """The folded text a search looks in (PostGIS stores it in a column)."""
    hay = " ".join([props.get("name") or "", props.get("text") or "", " ".join(props.get("places") or []),
                    props.get("area") or "", props.get("notes") or "", props.get("section") or ""])
    return _fold(hay)


def search_terms(needle: str) -> list[str]:
    """The folded parts of a search; an item matches when it contains every one."""
    return _fold(needle).strip().split()


def matches_text(props: dict, needle: str) -> bool:
    terms = search_terms(needle)
    if not terms:
        return True
    hay = search_text(props)
    return all(part in hay for part in terms)


def matches(feature: dict, flt: ItemFilter) -> bool:
    p = feature.get("properties") or {}
    if p.get("dropped") and not flt.include_dropped:
        return False
    if flt.towns and p.get("town") not in flt.towns:
        return False
    if flt.areas and p.get("area") not in flt.areas:
        return False
    if flt.statuses and p.get("status") not in flt.statuses:
        return False
    if flt.categories and p.get("category") not in flt.categories:
        return False
    if flt.plans and p.get("plan") not in flt.plans:
        return False
    if flt.years and p.get("year") not in flt.years:
        return False
    if flt.precisions and p.get("precision") not in flt.precisions:
        return False
    if flt.bbox is not None:
        b = geometry_bounds(feature.get("geometry"))
        w, s, e, n = flt.bbox
        if b is None or b[0] > e or b[2] < w or b[1] > n or b[3] < s:
            return False
    return not flt.text or matches_text(p, flt.text)  # no search: skip folding every item's text


def towns_in(features: Iterable[dict]) -> list[str]:
    """The towns the items belong to (their ``town``), sorted; a per-town filter is offered when there are several."""
    return sorted({t for t in iter_values(features, "town") if isinstance(t, str) and t})


def areas_in(features: Iterable[dict], towns: Iterable[str] = ()) -> list[str]:
    """The village areas of the items (not 镇区/全镇), of the ``towns`` only when some are given:
    the area filter follows the town filter."""
    from geo.contract import AREA_TOWN_SEAT, AREA_WHOLE_TOWN

    wanted = set(towns)
    out = set()
    for f in features:
        p = f.get("properties") or {}
        if wanted and p.get("town") not in wanted:
            continue
        area = p.get("area")
        if isinstance(area, str) and area and area not in (AREA_TOWN_SEAT, AREA_WHOLE_TOWN):
            out.add(area)
    return sorted(out)


def filter_items(features: Iterable[dict], flt: ItemFilter | None) -> list[dict]:
    if flt is None:
        flt = ItemFilter()
    return [f for f in features if matches(f, flt)]


# What counts() tallies besides the total; the PostGIS store runs the same as GROUP BY.
COUNT_FIELDS = ("status", "category", "area", "precision")


def count_items(features: Iterable[dict], flt: ItemFilter | None = None) -> dict:
    """{"total": n, "located": n with geometry, "status": {code: n}, "category": …, "area": …, "precision": …}."""
    rows = filter_items(features, flt)
    out: dict = {"total": len(rows), "located": sum(1 for f in rows if f.get("geometry") is not None)}
    for key in COUNT_FIELDS:
        tally: dict = {}
        for f in rows:
            value = (f.get("properties") or {}).get(key)
            tally[value] = tally.get(value, 0) + 1
        out[key] = tally
    return out


def iter_values(features: Iterable[dict], key: str) -> Iterator:
    for f in features:
        yield (f.get("properties") or {}).get(key)


# Filter dimensions a sidebar shows counts for, and the property each one tests.
FACET_FIELDS = {"statuses": "status", "categories": "category", "plans": "plan", "years": "year"}


def filter_with_facets(features: Iterable[dict], flt: ItemFilter | None,
                       facets: tuple[str, ...] = ("statuses", "categories")) -> tuple[list[dict], dict[str, dict]]:
    """The items matching ``flt`` and, per facet, counts per value among items matching every *other* condition.

    That is what a filter sidebar shows beside each option ("计划 (12)"). One pass over the
    items instead of one filter per facet plus the filter itself: at county scale each pass
    costs a noticeable part of a rerun.
    """
    flt = flt or ItemFilter()
    base = replace(flt, **{d: () for d in facets})
    wanted = [(d, FACET_FIELDS[d], set(getattr(flt, d))) for d in facets]
    counts: dict[str, dict] = {d: {} for d in facets}
    filtered: list[dict] = []
    for f in features:
        if not matches(f, base):
            continue
        p = f.get("properties") or {}
        values = [p.get(field) for _, field, _ in wanted]
        failing = [d for (d, _, allowed), v in zip(wanted, values) if allowed and v not in allowed]
        if not failing:
            filtered.append(f)
        elif len(failing) > 1:
            continue
        for (d, _, _), v in zip(wanted, values):
            if not failing or failing[0] == d:
                counts[d][v] = counts[d].get(v, 0) + 1
    return filtered, counts
