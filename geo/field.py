"""What field staff need on a phone: items nearest to me, navigation links, progress and status updates.

All positions here are WGS-84 (what a phone's GPS reports and what the store holds).
Navigation links convert to the datum each map app expects:

- Gaode / AMap URI API, ``https://uri.amap.com/marker?position=LON,LAT&name=…&coordinate=gaode``
  (documented at lbs.amap.com/api/uri-api/guide/mobile-web/point: ``position=lon,lat``;
  ``coordinate=gaode`` means GCJ-02, the default; ``callnative=1`` tries the app on phones).
- Baidu URI API, ``https://api.map.baidu.com/marker?location=LAT,LON&title=…&content=…&output=html
  &coord_type=bd09ll&src=…`` (``location`` is lat,lng; ``output=html`` is required on the web;
  ``coord_type=bd09ll`` says the point is already BD-09; ``src`` names the caller).

The functions that change an item return a changed *copy*; the caller saves it with
the version it read (``store.save_item(..., expected_version=...)``), so a concurrent
change by someone else is refused as a :class:`geo.store.VersionConflict`, never overwritten.
"""
from __future__ import annotations

import copy
import datetime as _dt
import math
from dataclasses import dataclass
from urllib.parse import urlencode

from geo.contract import DRAWN_PRECISIONS, STATUSES
from geo.coords import wgs84_to_bd09, wgs84_to_gcj02
from geo.i18n import CodeList, LocalisedError, t
from geo.query import iter_positions, representative_point

EARTH_RADIUS_M = 6371008.8  # mean Earth radius (IUGG)
APP_SRC = "webapp.guihua.yizhangtu"  # caller id the Baidu/Gaode URI APIs ask for
NOTE_MAX_CHARS = 2000


class FieldError(LocalisedError, ValueError):
    """Bad input from the person at the screen; the message says what to fix."""


# ---------------------------------------------------------------------------
# distances
# ---------------------------------------------------------------------------
def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def distance_text(metres: float) -> str:
    """"350 m" below a kilometre, "2.4 km" below 10 km, "37 km" beyond."""
    if metres < 0 or math.isnan(metres):
        raise FieldError("distance_bad", value=metres)
    rounded = int(round(metres / 10.0) * 10) if metres >= 100 else int(round(metres))
    if rounded < 1000:
        return f"{rounded} m"
    km = metres / 1000.0
    return f"{km:.1f} km" if km < 10 else f"{round(km):.0f} km"


def _positions(geometry: dict | None):
    return ((float(p[0]), float(p[1])) for p in iter_positions(geometry) if len(p) >= 2)


def _segment_distance_m(lon, lat, a, b) -> float:
    """Distance from (lon, lat) to segment a-b, on a local equirectangular plane (fine below ~50 km)."""
    kx = math.cos(math.radians(lat))
    ax, ay = (a[0] - lon) * kx, a[1] - lat
    bx, by = (b[0] - lon) * kx, b[1] - lat
    dx, dy = bx - ax, by - ay
    seg = dx * dx + dy * dy
    t = 0.0 if seg == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / seg))
    px, py = ax + t * dx, ay + t * dy
    return haversine_m(lon, lat, lon + px / kx if kx else lon, lat + py)


def distance_to_geometry_m(lon: float, lat: float, geometry: dict | None) -> float | None:
    """Metres from a point to the nearest part of ``geometry`` (vertex or edge); None without geometry.

    Inside a polygon counts as 0.
    """
    pts = list(_positions(geometry))
    if not pts:
        return None
    best = min(haversine_m(lon, lat, x, y) for x, y in pts)
    for line in _lines(geometry):
        for a, b in zip(line, line[1:]):
            best = min(best, _segment_distance_m(lon, lat, a, b))
    if _inside_polygon(lon, lat, geometry):
        return 0.0
    return best


def _lines(geometry: dict):
    gtype = geometry.get("type")
    c = geometry.get("coordinates") or []
    if gtype == "LineString":
        yield c
    elif gtype in ("MultiLineString", "Polygon"):
        yield from c
    elif gtype == "MultiPolygon":
        for poly in c:
            yield from poly
    elif gtype == "GeometryCollection":
        for g in geometry.get("geometries") or []:
            yield from _lines(g)


def _inside_polygon(lon: float, lat: float, geometry: dict) -> bool:
    gtype = geometry.get("type")
    polys = ([geometry.get("coordinates")] if gtype == "Polygon"
             else geometry.get("coordinates") if gtype == "MultiPolygon" else [])
    for rings in polys or []:
        if rings and _in_ring(lon, lat, rings[0]) and not any(_in_ring(lon, lat, h) for h in rings[1:]):
            return True
    return False


def _in_ring(x: float, y: float, ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


@dataclass(frozen=True)
class Nearby:
    feature: dict
    distance_m: float

    @property
    def distance_text(self) -> str:
        return distance_text(self.distance_m)

    @property
    def item_id(self) -> str:
        return self.feature.get("id")


def nearest_items(features, lon: float, lat: float, *, limit: int | None = None,
                  precisions=DRAWN_PRECISIONS, max_distance_m: float | None = None) -> list[Nearby]:
    """Located items ordered by distance from (lon, lat), nearest first.

    Items without geometry are left out; so, by default, are items whose geometry only
    stands for a village or the town (``precisions``), because "350 m to the town seat"
    would mislead someone looking for the works themselves.
    """
    check_position(lon, lat)
    out = []
    for f in features:
        props = f.get("properties") or {}
        if props.get("dropped"):
            continue
        if precisions is not None and props.get("precision") not in precisions:
            continue
        d = distance_to_geometry_m(lon, lat, f.get("geometry"))
        if d is None or (max_distance_m is not None and d > max_distance_m):
            continue
        out.append(Nearby(f, d))
    out.sort(key=lambda n: (n.distance_m, n.item_id or ""))
    return out[:limit] if limit else out


def check_position(lon, lat) -> tuple[float, float]:
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise FieldError("position_not_numbers", lon=lon, lat=lat) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or math.isnan(lon) or math.isnan(lat):
        raise FieldError("position_range", lon=lon, lat=lat)
    return lon, lat


# ---------------------------------------------------------------------------
# navigation links
# ---------------------------------------------------------------------------
def gaode_marker_url(lon: float, lat: float, name: str = "", *, callnative: bool = True) -> str:
    """Gaode (AMap) marker link for a WGS-84 point, converted to GCJ-02 as ``coordinate=gaode`` says."""
    lon, lat = check_position(lon, lat)
    glon, glat = wgs84_to_gcj02(lon, lat)
    params = {"position": f"{glon:.6f},{glat:.6f}", "name": name or "目的地", "src": APP_SRC,
              "coordinate": "gaode", "callnative": "1" if callnative else "0"}
    return "https://uri.amap.com/marker?" + urlencode(params, safe=",")


def baidu_marker_url(lon: float, lat: float, title: str = "", content: str = "") -> str:
    """Baidu marker link for a WGS-84 point, converted to BD-09 (``coord_type=bd09ll``); location is lat,lng."""
    lon, lat = check_position(lon, lat)
    blon, blat = wgs84_to_bd09(lon, lat)
    params = {"location": f"{blat:.6f},{blon:.6f}", "title": title or "目的地", "content": content or title or "目的地",
              "output": "html", "coord_type": "bd09ll", "src": APP_SRC}
    return "https://api.map.baidu.com/marker?" + urlencode(params, safe=",")


def navigation_links(feature: dict) -> dict[str, str]:
    """{"gaode": url, "baidu": url} for an item with geometry; {} without."""
    point = representative_point(feature.get("geometry"))
    if point is None:
        return {}
    props = feature.get("properties") or {}
    name = str(props.get("name") or "")
    content = "；".join(p for p in (props.get("places") or []) if isinstance(p, str)) or name
    return {"gaode": gaode_marker_url(point[0], point[1], name),
            "baidu": baidu_marker_url(point[0], point[1], name, content)}


# ---------------------------------------------------------------------------
# progress against a target, status, dated notes
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Progress:
    done: float | None
    target: float | None
    unit: str | None

    @property
    def fraction(self) -> float | None:
        if self.done is None or not self.target:
            return None
        return min(1.0, self.done / self.target)

    def text(self, lang: str = "zh") -> str:
        unit = self.unit or ""
        if self.done is None:
            return (t("progress_target_only", lang, target=_num(self.target), unit=unit) if self.target is not None
                    else t("no_progress", lang))
        if self.target is None:
            return t("progress_done_only", lang, done=_num(self.done), unit=unit)
        pct = t("progress_pct", lang, pct=f"{self.fraction * 100:.0f}") if self.fraction is not None else ""
        return t("progress_of_target", lang, done=_num(self.done), target=_num(self.target), unit=unit, pct=pct)


def _num(v) -> str:
    if v is None:
        return "?"
    return f"{int(v)}" if float(v).is_integer() else f"{v:g}"


def progress_of(feature: dict) -> Progress:
    props = feature.get("properties") or {}
    q = props.get("quantity") or {}
    prog = props.get("progress") or {}
    return Progress(done=prog.get("done"), target=q.get("value"), unit=q.get("unit"))


def _today() -> str:
    return _dt.date.today().isoformat()


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def with_progress(feature: dict, done, *, when: str | None = None) -> dict:
    """Copy of ``feature`` with ``progress.done`` set; refuses negatives and non-numbers.

    More than the target is allowed (plans are often exceeded) — the UI shows it as 100 %+.
    """
    try:
        value = float(done)
    except (TypeError, ValueError):
        raise FieldError("progress_nan", value=done) from None
    if not math.isfinite(value) or value < 0:  # inf: a number JSON cannot hold
        raise FieldError("progress_negative", value=done)
    out = copy.deepcopy(feature)
    out["properties"]["progress"] = {"done": int(value) if value.is_integer() else value,
                                     "updated_at": when or _now()}
    return out


def with_status(feature: dict, status: str) -> dict:
    """Copy of ``feature`` with a new status code (one of the contract's statuses)."""
    if status not in STATUSES:
        raise FieldError("status_unknown", status=status, allowed=CodeList("status", STATUSES))
    out = copy.deepcopy(feature)
    out["properties"]["status"] = status
    return out


def with_note(feature: dict, text: str, *, by: str, date: str | None = None, photo: str | None = None) -> dict:
    """Copy of ``feature`` with a dated progress note appended (newest last)."""
    text = (text or "").strip()
    if not text and not photo:
        raise FieldError("note_empty")
    if len(text) > NOTE_MAX_CHARS:
        raise FieldError("note_too_long", n=len(text), limit=NOTE_MAX_CHARS)
    date = date or _today()
    try:
        _dt.date.fromisoformat(date)
    except ValueError:
        raise FieldError("date_bad", date=date) from None
    out = copy.deepcopy(feature)
    notes = list(out["properties"].get("progress_notes") or [])
    note = {"date": date, "text": text, "by": by}
    if photo:
        note["photo"] = photo
    notes.append(note)
    out["properties"]["progress_notes"] = notes
    return out
