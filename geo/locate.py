"""The 待定位 (needs a location) queue, and placing a place once to locate every item that refers to it.

Flow: :func:`unlocated_places` lists places that items name but that have no geometry,
most-referenced first. :func:`place` takes a geometry as the person entered it (a map
click, a drawn line or polygon, a GPS fix, pasted coordinates in WGS-84 / GCJ-02 / BD-09),
converts it to WGS-84, sets it on the gazetteer place and re-locates every item that
refers to the place (``place_refs`` or names/aliases), saving them through the store's
version check so each change is in the item's audit history. Each placement is logged in
the store's placement log (``placements.jsonl`` in a data folder, a table in PostGIS: who,
when, how, datum, the place and items before) so that :func:`undo_placement` can put
everything back.

Items whose geometry a person set on the item itself (``x_geometry_from == "item"``) and
items already located better than the place would locate them are left alone.
"""
from __future__ import annotations

import copy
import math
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from geo.areas import area_after_placing
from geo.contract import ADMIN_KINDS, PRECISION_RANK, precision_rank
from geo.coords import DatumError, convert_geometry, normalise_datum
from geo.i18n import LocalisedError, t
from geo.query import map_coordinates, representative_point
from geo.store.base import VersionConflict, now_iso
from geo.validate import geometry_problems

GPS_CONFIRM_ABOVE_M = 50.0
HOWS = ("manual", "gps", "draw", "import")  # plus online:NAME
_GEOMETRY_FIELDS = ("precision", "geometry_source", "geometry_meta", "place_refs", "x_geometry_from", "area", "x_areas")
MAX_RETRIES = 3


class LocateError(LocalisedError, ValueError):
    """A placement the person must fix (bad coordinates, unknown place, nothing to undo)."""


class NeedsConfirmation(LocateError):
    """A GPS fix worse than :data:`GPS_CONFIRM_ABOVE_M`; place again with ``confirmed=True``."""


# ---------------------------------------------------------------------------
# the queue
# ---------------------------------------------------------------------------
@dataclass
class QueueEntry:
    place_id: str
    name: str
    kind: str
    town: str | None
    items: list[dict]  # the waiting item features

    @property
    def count(self) -> int:
        return len(self.items)


def referenced_place_ids(item_props: dict, gazetteer) -> list[str]:
    """Every gazetteer place an item refers to: ``place_refs`` (where its geometry came from), its place
    names looked up in its town, and both ends of an ``x_segment``.

    ``place_refs`` alone is not enough: an item located at village level still refers to the
    reservoir it names, and placing the reservoir must improve it.
    """
    names_only = {k: v for k, v in item_props.items() if k != "place_refs"}
    ids = [r for r in item_props.get("place_refs") or [] if gazetteer.shared(r) is not None]
    ids += gazetteer.place_ids_for(names_only)
    ends = _segment_ends(item_props)
    for name in ends or ():
        m = gazetteer.lookup(name, item_props.get("town"))
        if m is not None and not m.partial:
            ids.append(m.place_id)
    return list(dict.fromkeys(ids))


def _references(gazetteer):
    """referenced_place_ids for many items: items of one plan name the same few places, and a
    gazetteer lookup is the costly part (100,000 items: tens of seconds, once per name here)."""
    memo: dict = {}

    def refs(props: dict) -> list[str]:
        try:
            key = (tuple(props.get("place_refs") or ()), tuple(props.get("places") or ()), props.get("town"),
                   _segment_ends(props))
            hash(key)
        except TypeError:  # a list or dict where a name belongs: look it up as it is
            return referenced_place_ids(props, gazetteer)
        found = memo.get(key)
        if found is None:
            found = memo[key] = referenced_place_ids(props, gazetteer)
        return found
    return refs


def _item_references(items: Iterable[dict], gazetteer):
    """(item, place id, place) for every place an item that is not dropped refers to (places shared,
    read-only): the one walk behind the queue, its progress and the worklist."""
    refs = _references(gazetteer)
    for f in items:
        props = f.get("properties") or {}
        if props.get("dropped"):
            continue
        for pid in refs(props):
            yield f, pid, gazetteer.shared(pid)


def unlocated_places(items: Iterable[dict], gazetteer) -> list[QueueEntry]:
    """Places items refer to that have no geometry, most-referenced first, with the waiting items.

    Dropped items and county-level places do not count.
    """
    waiting: dict[str, list[dict]] = {}
    for f, pid, p in _item_references(items, gazetteer):
        if p is not None and p.get("geometry") is None and p["properties"]["kind"] != "county":
            waiting.setdefault(pid, []).append(f)
    out = []
    for pid, feats in waiting.items():
        props = gazetteer.shared(pid)["properties"]
        out.append(QueueEntry(pid, props["name"], props["kind"], props.get("town"), feats))
    out.sort(key=lambda e: (-e.count, e.name, e.place_id))
    return out


@dataclass(frozen=True)
class QueueProgress:
    """How far the 待定位 queue has come: of the places items refer to that the seed gave no location,
    ``located`` have one now (placed, drawn, imported) and ``waiting`` are still in the queue."""
    located: int
    waiting: int

    @property
    def total(self) -> int:
        return self.located + self.waiting


def queue_progress(items: Iterable[dict], gazetteer) -> QueueProgress:
    """The 待定位 queue's figures for 「已定位 a / b」: the same places :func:`unlocated_places` counts
    (referred to by an item that is not dropped, county-level places left out); a place counts as
    located once it has a geometry that did not come with the seed: ``geometry_source`` manual, gps,
    draw, import or online:…, not "seed" or none. Places located by the seed were never in the queue."""
    located: set[str] = set()
    waiting: set[str] = set()
    for _f, pid, p in _item_references(items, gazetteer):
        if p is None or p["properties"]["kind"] == "county":
            continue
        if p.get("geometry") is None:
            waiting.add(pid)
        elif (p["properties"].get("geometry_source") or "seed") != "seed":
            located.add(pid)         # placed by someone (a geometry with no source came with the data)
    return QueueProgress(len(located), len(waiting))


# ---------------------------------------------------------------------------
# the worklist (issue 16): every place that needs or got a location on 待定位, with a status
# ---------------------------------------------------------------------------
WORKLIST_STATUSES = ("waiting", "suggested", "located")  # 待定位 / 有建议 / 已定位


@dataclass
class WorklistRow(QueueEntry):
    """A queue entry with its status: waiting (no location), suggested (an online suggestion waits
    for a person), located (placed on 待定位 and not undone)."""

    status: str = "waiting"


def placed_place_ids(source) -> set[str]:
    """Places placed through :func:`place` and not undone (the placement log of ``source``)."""
    return {r["place_id"] for r in undoable(source)}


def worklist(items: Iterable[dict], gazetteer, *, placed: Iterable[str] = (),
             suggested: Iterable[str] = ()) -> list[WorklistRow]:
    """The 待定位 worklist: every queued place (:func:`unlocated_places`), ``waiting`` or ``suggested``
    (its id in ``suggested``), then the places of ``placed`` that items refer to and that now have a
    location, ``located``. Waiting and suggested places keep the queue's order (most-referenced first)."""
    items = list(items)
    suggested = set(suggested)
    rows = [WorklistRow(e.place_id, e.name, e.kind, e.town, e.items,
                        "suggested" if e.place_id in suggested else "waiting")
            for e in unlocated_places(items, gazetteer)]
    placed = set(placed)
    if placed:
        done: dict[str, list[dict]] = {}
        for f, pid, p in _item_references(items, gazetteer):
            if pid in placed and p is not None and p.get("geometry") is not None:
                done.setdefault(pid, []).append(f)
        located = []
        for pid, feats in done.items():
            props = gazetteer.get(pid)["properties"]
            located.append(WorklistRow(pid, props["name"], props["kind"], props.get("town"), feats, "located"))
        located.sort(key=lambda e: (-e.count, e.name, e.place_id))
        rows += located
    return rows


def filter_worklist(rows: Iterable[WorklistRow], text: str = "", kinds: Iterable[str] = (),
                    statuses: Iterable[str] = ()) -> list[WorklistRow]:
    """Rows whose name (or place id) contains ``text`` (case-insensitive), of one of ``kinds`` and
    ``statuses`` (empty: any)."""
    needle = (text or "").strip().casefold()
    kinds, statuses = set(kinds), set(statuses)
    return [r for r in rows
            if (not needle or needle in r.name.casefold() or needle in r.place_id.casefold())
            and (not kinds or r.kind in kinds) and (not statuses or r.status in statuses)]


def worklist_progress(rows: Iterable[WorklistRow]) -> tuple[int, int]:
    """(located, total) for the "已定位 a / b" line."""
    rows = list(rows)
    return sum(1 for r in rows if r.status == "located"), len(rows)


def online_suggestions(entries: Iterable[QueueEntry], gazetteer, providers, *, cache=None):
    """Ask the geocoder chain (its providers in order, its cache, its rate limits) for every entry.

    Returns ``(suggestions, failures)``: ``{place_id: GeocodeResult}`` for the entries an online
    provider located (``suggestion=True``: nothing is written until a person accepts one), and
    every provider failure on the way (unreachable, bad key, quota), in order.
    """
    from geo.geocode.chain import GeocoderChain
    chain = GeocoderChain(gazetteer, providers=providers, cache=cache)
    found, failures = {}, []
    for e in entries:
        result = chain.geocode(e.name, e.town)
        failures += result.failures
        if result.suggestion and result.geometry is not None and (result.source or "").startswith("online:"):
            found[e.place_id] = result
    return found, failures


def seat_distance_km(lon: float, lat: float, town: str | None, gazetteer) -> float | None:
    """Distance (km) from the town's seat point to (lon, lat); None when the gazetteer has no seat."""
    ctx = gazetteer.resolve_town(town) if town else None
    geom = ctx.get("geometry") if ctx is not None else None
    if not geom or geom.get("type") != "Point":
        return None
    from geo.field import haversine_m
    x, y = geom["coordinates"][:2]
    return haversine_m(x, y, lon, lat) / 1000.0


# ---------------------------------------------------------------------------
# pasted coordinates
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ParsedPoint:
    lon: float
    lat: float
    swapped: bool = False  # the text gave latitude first
    how: str = ""  # how the order was decided, for the UI to show

    def geometry(self) -> dict:
        return {"type": "Point", "coordinates": [self.lon, self.lat]}


_DMS = re.compile(
    r"""(?P<hemi1>[NSEW北南东西])?\s*(?:[北南东]纬|[东西]经)?\s*
        (?P<deg>[-+]?\d+(?:\.\d+)?)\s*(?:°|度|º|d)\s*
        (?:(?P<min>\d+(?:\.\d+)?)\s*(?:'|′|’|分|m)\s*)?
        (?:(?P<sec>\d+(?:\.\d+)?)\s*(?:"|″|”|''|′′|秒|s)\s*)?
        (?P<hemi2>[NSEW])?""", re.X | re.I)
_LABELLED = re.compile(r"(?P<label>lon(?:gitude)?|lng|lat(?:itude)?|经度|纬度|[xy])\s*[:=：]?\s*(?P<val>[-+]?\d+(?:\.\d+)?)", re.I)
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def _in_china_lon(v: float) -> bool:
    return 73.0 <= v <= 136.0


def _in_china_lat(v: float) -> bool:
    return 3.0 <= v <= 54.0


def parse_coordinates(text: str) -> ParsedPoint:
    """(lon, lat) from what people paste: "121.26, 28.93", "28.93,121.26", "N28°55'48\" E121°15'36\"",
    "纬度28.93 经度121.26", "lat=28.93 lng=121.26". Order is detected; ambiguity is an error, never a guess.
    """
    raw = str(text or "")
    s = raw.translate(str.maketrans("，；：（）　", ",;:() ")).strip()
    if not s:
        raise LocateError("coords_none")
    if len(s) > 200:
        raise LocateError("coords_too_long")

    labelled = {m.group("label").lower(): float(m.group("val")) for m in _LABELLED.finditer(s)}
    lon = next((v for k, v in labelled.items() if k in ("lon", "longitude", "lng", "经度", "x")), None)
    lat = next((v for k, v in labelled.items() if k in ("lat", "latitude", "纬度", "y")), None)
    if lon is not None and lat is not None:
        return _checked(lon, lat, False, "labelled")

    if re.search(r"°|度|′|″|'|\"|分|秒", s):
        return _parse_dms(s, raw)

    hemis = re.findall(r"[NSEW]", s.upper()) if re.search(r"(?<![A-Za-z])[NSEWnsew](?![A-Za-z])", s) else []
    nums = [float(x) for x in _NUMBER.findall(s)]
    if len(nums) != 2:
        raise LocateError("coords_count", text=raw[:60], n=len(nums))
    a, b = nums
    if len(hemis) == 2:
        vals = _apply_hemispheres(s, nums)
        if vals:
            return _checked(*vals, how="hemisphere letters")
    if abs(a) > 90 and abs(b) <= 90:
        return _checked(a, b, False, "first value > 90 is the longitude")
    if abs(b) > 90 and abs(a) <= 90:
        return _checked(b, a, True, "second value > 90 is the longitude")
    if _in_china_lon(a) and _in_china_lat(b) and not (_in_china_lon(b) and _in_china_lat(a)):
        return _checked(a, b, False, "order read as lon, lat (China)")
    if _in_china_lon(b) and _in_china_lat(a) and not (_in_china_lon(a) and _in_china_lat(b)):
        return _checked(b, a, True, "order read as lat, lon (China)")
    raise LocateError("coords_order", text=raw[:60])


def _apply_hemispheres(s: str, nums: list[float]):
    # pair each number with the letter next to it (before or after)
    pairs = re.findall(r"([NSEW])\s*([-+]?\d+(?:\.\d+)?)|([-+]?\d+(?:\.\d+)?)\s*([NSEW])", s.upper())
    lon = lat = None
    for h1, v1, v2, h2 in pairs:
        h, v = (h1, float(v1)) if h1 else (h2, float(v2))
        if h in "NS":
            lat = -abs(v) if h == "S" else abs(v)
        else:
            lon = -abs(v) if h == "W" else abs(v)
    if lon is None or lat is None:
        return None
    return lon, lat, False


def _parse_dms(s: str, raw: str) -> ParsedPoint:
    parts = []
    for m in _DMS.finditer(s):
        if m.group("deg") is None:
            continue
        deg = float(m.group("deg"))
        minutes = float(m.group("min") or 0)
        seconds = float(m.group("sec") or 0)
        if minutes >= 60 or seconds >= 60:
            raise LocateError("coords_minutes", text=raw[:60])
        value = abs(deg) + minutes / 60 + seconds / 3600
        if deg < 0:
            value = -value
        hemi = (m.group("hemi1") or m.group("hemi2") or "").upper()
        context = s[max(0, m.start() - 3):m.start() + 3]
        if "纬" in context or hemi in ("N", "S", "北", "南"):
            axis = "lat"
        elif "经" in context or hemi in ("E", "W", "东", "西"):
            axis = "lon"
        else:
            axis = None
        if hemi in ("S", "南", "W", "西"):
            value = -abs(value)
        parts.append((axis, value))
    if len(parts) != 2:
        raise LocateError("coords_degrees", text=raw[:60], n=len(parts))
    (ax1, v1), (ax2, v2) = parts
    if ax1 == "lat" or ax2 == "lon":
        return _checked(v2, v1, True, "hemisphere / 经纬 labels")
    if ax1 == "lon" or ax2 == "lat":
        return _checked(v1, v2, False, "hemisphere / 经纬 labels")
    # unlabelled degrees: same order rules as plain numbers
    text = f"{v1}, {v2}"
    p = parse_coordinates(text)
    return p


def _checked(lon: float, lat: float, swapped: bool = False, how: str = "") -> ParsedPoint:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise LocateError("coords_not_finite")
    if not -180 <= lon <= 180:
        raise LocateError("lon_range", lon=lon)
    if not -90 <= lat <= 90:
        raise LocateError("lat_range", lat=lat)
    if abs(lon) > 1000 or (lon == 0 and lat == 0):
        raise LocateError("zero_zero")
    return ParsedPoint(lon, lat, swapped, how)


# ---------------------------------------------------------------------------
# placing
# ---------------------------------------------------------------------------
@dataclass
class PlacementResult:
    placement_id: str
    place: dict
    located: list[str] = field(default_factory=list)  # item ids given a geometry from this place
    kept: list[str] = field(default_factory=list)  # item ids left alone (located better, or set on the item)
    conflicts: list[str] = field(default_factory=list)  # item ids changed by someone else meanwhile, not relocated

    def summary(self, lang: str = "zh") -> str:
        parts = [t("placed_located", lang, n=len(self.located))]
        if self.kept:
            parts.append(t("placed_kept", lang, n=len(self.kept)))
        if self.conflicts:
            parts.append(t("placed_conflicts", lang, n=len(self.conflicts)))
        return t("list_sep", lang).join(parts)

    text = summary


def check_how(how: str) -> str:
    if how in HOWS or re.fullmatch(r"online:[A-Za-z0-9_-]+", how or ""):
        return how
    raise LocateError("how_unknown", how=how, hows=", ".join(HOWS))


def check_gps(accuracy_m, confirmed: bool) -> float | None:
    """The accuracy as a number; :class:`NeedsConfirmation` when it is worse than 50 m and not confirmed."""
    if accuracy_m is None:
        return None
    try:
        acc = float(accuracy_m)
    except (TypeError, ValueError):
        raise LocateError("accuracy_nan", acc=accuracy_m) from None
    if not math.isfinite(acc) or acc < 0:
        raise LocateError("accuracy_bad", acc=accuracy_m)
    if acc > GPS_CONFIRM_ABOVE_M and not confirmed:
        raise NeedsConfirmation("gps_confirm_needed", acc=acc, limit=GPS_CONFIRM_ABOVE_M)
    return acc


def to_wgs84(geometry: dict, datum_original: str) -> dict:
    """``geometry`` converted from the datum it was entered in; checked like an item's geometry."""
    try:
        datum = normalise_datum(datum_original)
    except DatumError as exc:
        raise LocateError("plain", msg=str(exc)) from None
    if not isinstance(geometry, dict) or geometry.get("type") not in (
            "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"):
        raise LocateError("geometry_type")
    try:
        wgs = convert_geometry(geometry, datum, "wgs84")
    except (DatumError, TypeError, ValueError, IndexError, KeyError) as exc:
        raise LocateError("geometry_coords", detail=str(exc)) from None
    precision = "site"
    errors = [p for p in geometry_problems("geometry", wgs, {"precision": precision}) if p.severity == "error"]
    from geo.contract import validate_feature
    probe = {"type": "Feature", "id": "probe", "geometry": wgs, "properties": {}}
    schema_errors = [p for p in validate_feature(probe) if p.field == "geometry"]
    if errors or schema_errors:
        raise LocateError("geometry_invalid", detail="; ".join(p.message for p in (errors + schema_errors)[:2]))
    return _rounded(wgs)


def _rounded(geometry: dict) -> dict:
    """Seven decimals (~1 cm): more would pretend a precision nobody has."""
    out = copy.deepcopy(geometry)
    out["coordinates"] = map_coordinates(geometry["coordinates"], lambda c: [round(float(v), 7) for v in c])
    return out


def _place_precision(place_kind: str, geometry: dict) -> str:
    gtype = geometry.get("type", "")
    if "Polygon" in gtype and place_kind in ADMIN_KINDS:
        return "boundary"
    return "site"


def item_precision_for(place: dict) -> str | None:
    """The item precision a located place gives (the geocoder's rule: village/town for admin units,
    site for a facility's point); None when the place may not stand for an item (a county)."""
    from geo.geocode.base import precision_for_place
    props = place["properties"]
    prec = precision_for_place(props["kind"], props.get("precision"))
    return None if prec == "none" else prec


def _segment_ends(props: dict) -> tuple[str, str] | None:
    seg = props.get("x_segment")
    if isinstance(seg, dict):
        a, b = seg.get("from"), seg.get("to")
    elif isinstance(seg, (list, tuple)) and len(seg) == 2:
        a, b = seg
    else:
        return None
    return (a, b) if a and b else None


def _point_of(geometry: dict | None) -> list[float] | None:
    if geometry and geometry.get("type") == "Point":
        return list(geometry["coordinates"][:2])
    p = representative_point(geometry)
    return [round(p[0], 7), round(p[1], 7)] if p else None


def locate_item(item: dict, gazetteer) -> tuple[dict | None, str, list[str]]:
    """(geometry, precision, place ids used) for an item from its places' current geometries.

    Segment: both ends of ``x_segment`` located → a LineString between them. Otherwise the
    best-located place wins; several places of the same best precision become a MultiPoint
    (points) or a GeometryCollection.
    """
    props = item.get("properties") or {}
    town = props.get("town")
    ends = _segment_ends(props)
    if ends:
        found = [gazetteer.lookup(n, town) for n in ends]
        pts = [(_point_of(m.geometry), m.place_id) for m in found if m is not None and m.geometry and not m.partial]
        if len(pts) == 2 and all(p for p, _ in pts) and pts[0][0] != pts[1][0]:
            return ({"type": "LineString", "coordinates": [pts[0][0], pts[1][0]]}, "segment",
                    [pts[0][1], pts[1][1]])
    candidates = []
    for pid in referenced_place_ids(props, gazetteer):
        place = gazetteer.get(pid)
        if place is None or place.get("geometry") is None:
            continue
        prec = item_precision_for(place)
        if prec is None:
            continue
        candidates.append((PRECISION_RANK[prec], prec, place))
    if not candidates:
        return None, "none", []
    best_rank = max(c[0] for c in candidates)
    best = [c for c in candidates if c[0] == best_rank]
    prec = best[0][1]
    if len(best) == 1:
        return copy.deepcopy(best[0][2]["geometry"]), prec, [best[0][2]["id"]]
    geoms = [c[2]["geometry"] for c in best]
    ids = [c[2]["id"] for c in best]
    if all(g["type"] == "Point" for g in geoms):
        return {"type": "MultiPoint", "coordinates": [g["coordinates"] for g in geoms]}, prec, ids
    return {"type": "GeometryCollection", "geometries": copy.deepcopy(geoms)}, prec, ids


def _geometry_state(item: dict) -> dict:
    props = item.get("properties") or {}
    return {"geometry": copy.deepcopy(item.get("geometry")),
            **{k: copy.deepcopy(props.get(k)) for k in _GEOMETRY_FIELDS}}


def _apply_state(item: dict, state: dict) -> dict:
    """``item`` with its geometry and geometry fields as recorded in ``state``."""
    out = copy.deepcopy(item)
    out["geometry"] = copy.deepcopy(state.get("geometry"))
    props = out["properties"]
    for k in _GEOMETRY_FIELDS:
        if k in ("area", "x_areas") and k not in state:
            continue  # a placement logged before areas followed placing: the area is left as it is
        if k == "area":
            props[k] = copy.deepcopy(state[k])
        elif state.get(k) is not None:
            props[k] = copy.deepcopy(state[k])
        elif k == "precision":
            props[k] = "none"
        elif k == "geometry_source":
            props[k] = None
        else:
            props.pop(k, None)
    return out


def _relocated(item: dict, gazetteer, place_id: str, *, how: str, user: str, ts: str,
               datum: str, accuracy_m: float | None, provider: str | None) -> dict | None:
    """The item with geometry from its places, or None when it must be left alone."""
    props = item["properties"]
    if props.get("x_geometry_from") == "item":
        return None  # a person put this item somewhere itself
    geometry, precision, used = locate_item(item, gazetteer)
    if place_id not in used:
        return None  # another place locates it better
    from_this_place = place_id in (props.get("place_refs") or []) and props.get("x_geometry_from") == "place"
    if not from_this_place and precision_rank(props.get("precision")) > precision_rank(precision) \
            and item.get("geometry") is not None:
        return None  # already located better by other means
    new = copy.deepcopy(item)
    new["geometry"] = geometry
    p = new["properties"]
    p["precision"] = precision
    p["geometry_source"] = how
    p["place_refs"] = used
    p["x_geometry_from"] = "place"
    meta = {"datum_original": datum, "placed_by": user, "placed_at": ts}
    if accuracy_m is not None:
        meta["accuracy_m"] = accuracy_m
    if provider:
        meta["provider"] = provider
    p["geometry_meta"] = meta
    # its area follows: the boundary it now lies in, else the villages / 镇区 of the places it names
    area, extra = area_after_placing(new, gazetteer, props.get("place_refs") or used)
    p["area"] = area
    if extra:
        p["x_areas"] = extra
    else:
        p.pop("x_areas", None)
    return new


def _log(source):
    """The store that keeps the placement log: ``source`` itself, a data folder's store, or the configured one."""
    if source is None or isinstance(source, (str, Path)):
        from geo.store import open_store

        return open_store(source)
    return source


def place(place_id: str, geometry: dict, how: str, user: str, datum_original: str = "wgs84",
          accuracy_m: float | None = None, *, store, gazetteer, confirmed: bool = False,
          expected_version: int | None = None, directory: Path | None = None,
          converted: bool = False) -> PlacementResult:
    """Locate ``place_id`` with ``geometry`` (as entered, in ``datum_original``) and every item referring to it.

    ``how``: manual (map click, pasted coordinates) | gps | draw | import | online:NAME (an accepted suggestion).
    A GPS fix worse than 50 m raises :class:`NeedsConfirmation` unless ``confirmed``.
    ``converted``: ``geometry`` is WGS-84 already (an accepted geocoder suggestion);
    ``datum_original`` is then only recorded.
    The placement is logged in ``store`` (or in the data folder ``directory`` when given).
    """
    if not user or not str(user).strip():
        raise LocateError("placement_needs_user")
    how = check_how(how)
    if how == "gps":
        accuracy_m = check_gps(accuracy_m, confirmed)
    elif accuracy_m is not None:
        accuracy_m = check_gps(accuracy_m, True)
    datum = normalise_datum(datum_original) if datum_original else "wgs84"
    wgs = to_wgs84(geometry, "wgs84" if converted else datum)
    before = gazetteer.get(place_id)
    if before is None:
        raise LocateError("place_unknown", place=place_id)
    from geo.gazetteer import GazetteerError
    try:
        after = gazetteer.set_geometry(place_id, wgs, how, _place_precision(before["properties"]["kind"], wgs), user,
                                       datum, accuracy_m=accuracy_m, expected_version=expected_version)
    except GazetteerError as exc:
        raise LocateError("plain", msg=str(exc)) from None
    ts = after["properties"]["updated_at"]
    provider = how.split(":", 1)[1] if how.startswith("online:") else None
    result = PlacementResult(placement_id=f"pl-{ts[:19].replace(':', '').replace('-', '')}-{secrets.token_hex(4)}",
                             place=after)
    item_log = _relocate_all(store, gazetteer, place_id, result, how=how, user=user, ts=ts, datum=datum,
                             accuracy_m=accuracy_m, provider=provider)
    record = {"id": result.placement_id, "action": "place", "ts": ts, "user": user, "place_id": place_id,
              "how": how, "datum_original": datum, "accuracy_m": accuracy_m, "input_geometry": geometry,
              "place_before": _place_state(before), "place_after": _place_state(after), "items": item_log}
    _log(directory if directory is not None else store).append_placement(record)
    return result


def _relocate_all(store, gazetteer, place_id, result: PlacementResult, **kw) -> list[dict]:
    """Re-locate every item that refers to ``place_id``; retried on a concurrent save, never overwriting."""
    log: dict[str, dict] = {}
    pending = None
    for attempt in range(MAX_RETRIES):
        items = store.load()
        refs = _references(gazetteer)
        refer = [f for f in items if not (f.get("properties") or {}).get("dropped")
                 and place_id in refs(f.get("properties") or {})]
        if pending is not None:
            refer = [f for f in refer if f["id"] in pending]
        changed, kept = [], []
        for item in refer:
            new = _relocated(item, gazetteer, place_id, **kw)
            if new is None:
                kept.append(item["id"])
            else:
                changed.append((item, new))
        try:
            saved = store.save_items([n for _, n in changed], user=kw["user"],
                                     expected_versions=[o["properties"]["version"] for o, _ in changed]) \
                if changed else []
        except VersionConflict:
            pending = {o["id"] for o, _ in changed}
            continue
        for (old, _), s in zip(changed, saved):
            log[old["id"]] = {"id": old["id"], "before": _geometry_state(old), "after": _geometry_state(s),
                              "version": s["properties"]["version"]}
        result.located = [i for i in log]
        result.kept = sorted(set(kept))
        return list(log.values())
    result.conflicts = sorted(pending or [])
    return list(log.values())


def _place_state(place: dict) -> dict:
    props = place["properties"]
    return {"geometry": copy.deepcopy(place.get("geometry")), "precision": props.get("precision"),
            "geometry_source": props.get("geometry_source"), "datum": props.get("datum"),
            "accuracy_m": props.get("accuracy_m"), "version": props.get("version")}


# ---------------------------------------------------------------------------
# history and undo
# ---------------------------------------------------------------------------
def placements(source=None, place_id: str | None = None) -> list[dict]:
    """Placement records (and their undo records) of a store (or a data folder's, or the configured store's),
    oldest first."""
    return [r for r in _log(source).placements() if place_id is None or r.get("place_id") == place_id]


def undoable(source=None, place_id: str | None = None) -> list[dict]:
    """Placements not yet undone, newest first."""
    recs = placements(source, place_id)
    undone = {r.get("undoes") for r in recs if r.get("action") == "undo"}
    return [r for r in reversed(recs) if r.get("action") == "place" and r["id"] not in undone]


@dataclass
class UndoResult:
    placement_id: str
    place: dict
    restored: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # changed since by someone; left as they are

    def summary(self, lang: str = "zh") -> str:
        s = t("undo_restored", lang, n=len(self.restored))
        if self.skipped:
            s += t("undo_skipped", lang, n=len(self.skipped))
        return s

    text = summary


def undo_placement(placement_id: str, user: str, *, store, gazetteer, directory: Path | None = None) -> UndoResult:
    """Put a place and the items it located back as they were before ``placement_id``.

    The place is restored only if nobody placed it again since (undo the later one first);
    an item whose location was changed again since is left alone and reported.
    """
    log = _log(directory if directory is not None else store)
    recs = placements(log)
    rec = next((r for r in recs if r.get("id") == placement_id and r.get("action") == "place"), None)
    if rec is None:
        raise LocateError("placement_not_found", id=placement_id)
    if any(r.get("action") == "undo" and r.get("undoes") == placement_id for r in recs):
        raise LocateError("placement_undone_already", id=placement_id)
    place_id = rec["place_id"]
    current = gazetteer.get(place_id)
    if current is None:
        raise LocateError("place_gone", place=place_id)
    if current.get("geometry") != rec["place_after"]["geometry"]:
        later = [r for r in undoable(log, place_id) if r["id"] != placement_id]
        if later:
            raise LocateError("placed_again_undo_first", name=current["properties"]["name"], later=later[0]["id"])
        raise LocateError("placed_again", name=current["properties"]["name"])
    before = rec["place_before"]
    from geo.gazetteer import GazetteerError
    try:
        restored_place = gazetteer.set_geometry(
            place_id, before["geometry"], before.get("geometry_source") or "manual",
            before.get("precision") or "none", user, before.get("datum") or "wgs84",
            accuracy_m=before.get("accuracy_m"), note=None)
    except GazetteerError as exc:
        raise LocateError("plain", msg=str(exc)) from None
    result = UndoResult(placement_id, restored_place)
    wanted = {e["id"]: e for e in rec.get("items") or []}
    for attempt in range(MAX_RETRIES):
        changes, skipped = [], []
        for item_id, entry in wanted.items():
            cur = store.get(item_id)
            if cur is None:
                skipped.append(item_id)
                continue
            if _geometry_state(cur) != entry["after"]:
                skipped.append(item_id)
                continue
            changes.append((cur, _apply_state(cur, entry["before"])))
        try:
            saved = store.save_items([n for _, n in changes], user=user,
                                     expected_versions=[c["properties"]["version"] for c, _ in changes]) \
                if changes else []
        except VersionConflict:
            continue
        result.restored = [s["id"] for s in saved]
        result.skipped = sorted(skipped)
        break
    else:
        raise LocateError("undo_kept_changing")
    log.append_placement({"id": f"undo-{placement_id}", "action": "undo", "undoes": placement_id, "ts": now_iso(),
                          "user": user, "place_id": place_id, "restored": result.restored, "skipped": result.skipped})
    return result


# ---------------------------------------------------------------------------
# an item placed directly (detail panel: move / draw)
# ---------------------------------------------------------------------------
def set_item_geometry(store, item_id: str, geometry: dict | None, how: str, user: str, *,
                      expected_version: int, datum_original: str = "wgs84", accuracy_m: float | None = None,
                      precision: str | None = None, confirmed: bool = False) -> dict:
    """Move or draw one item's own geometry (not its place's). Refused with VersionConflict if stale.

    ``geometry`` None clears the location (precision back to none).
    """
    how = check_how(how)
    if how == "gps":
        accuracy_m = check_gps(accuracy_m, confirmed)
    item = store.get(item_id)
    if item is None:
        raise LocateError("item_missing", item=item_id)
    new = copy.deepcopy(item)
    p = new["properties"]
    if geometry is None:
        new["geometry"] = None
        p.update(precision="none", geometry_source=None)
        p.pop("geometry_meta", None)
        p["x_geometry_from"] = "item"
    else:
        datum = normalise_datum(datum_original)
        wgs = to_wgs84(geometry, datum)
        new["geometry"] = wgs
        if precision is None:
            precision = "site"
        if precision not in PRECISION_RANK or precision == "none":
            raise LocateError("precision_by_hand", precision=precision)
        p.update(precision=precision, geometry_source=how, x_geometry_from="item")
        meta = {"datum_original": datum, "placed_by": user, "placed_at": now_iso()}
        if accuracy_m is not None:
            meta["accuracy_m"] = float(accuracy_m)
        p["geometry_meta"] = meta
    return store.save_item(new, expected_version=expected_version, user=user)


__all__ = [
    "GPS_CONFIRM_ABOVE_M", "WORKLIST_STATUSES", "WorklistRow", "filter_worklist", "online_suggestions", "placed_place_ids", "seat_distance_km", "worklist",
    "worklist_progress", "LocateError", "NeedsConfirmation", "ParsedPoint", "PlacementResult", "QueueEntry",
    "UndoResult", "check_gps", "item_precision_for", "locate_item", "parse_coordinates", "place", "placements",
    "referenced_place_ids",
    "set_item_geometry", "to_wgs84", "undo_placement", "undoable", "unlocated_places",
]
