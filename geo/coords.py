"""Datum conversion between WGS-84, GCJ-02 (China's "Mars" coordinates) and BD-09 (Baidu).

Internally everything is WGS-84 (RFC 7946). GCJ-02 is needed to show data on
Gaode/AMap or Tianditu-in-GCJ tiles and to import AMap results; BD-09 for Baidu.

The forward GCJ-02 transform is the widely published Krasovsky-ellipsoid
formula (as in eviltransform / coordtransform / prcoords). It has no closed
inverse, so ``gcj02_to_wgs84`` solves ``wgs84_to_gcj02(x) == target`` by
fixed-point iteration until the residual is below about a millimetre. BD-09 is
a rotation/scaling on top of GCJ-02 with a closed forward formula; its inverse
is refined the same way so that round trips are exact to well under a
centimetre (the usual one-shot inverse is off by up to a few metres).

Points outside China are returned unchanged by the GCJ-02 transforms, as every
published implementation does (GCJ-02 is only defined inside China).
"""
from __future__ import annotations

import math
from typing import Callable

# Krasovsky 1940 ellipsoid, the one the GCJ-02 formula is written for.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0

# Inverse iterations stop when the forward image is this close to the target (degrees);
# 1e-10° is about 0.01 mm.
_TOLERANCE_DEG = 1e-10
_MAX_ITERATIONS = 30

DATUMS = ("wgs84", "gcj02", "bd09")
_ALIASES = {
    "wgs84": "wgs84", "wgs-84": "wgs84", "wgs": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84",
    "cgcs2000": "wgs84",  # differs from WGS-84 by centimetres; treated as the same here
    "gcj02": "gcj02", "gcj-02": "gcj02", "gcj": "gcj02", "amap": "gcj02", "gaode": "gcj02",
    "bd09": "bd09", "bd-09": "bd09", "bd09ll": "bd09", "baidu": "bd09",
}


class DatumError(ValueError):
    """An unknown datum name or a coordinate that is not a number."""


def out_of_china(lon: float, lat: float) -> bool:
    """The bounding box every GCJ-02 implementation uses to decide whether the offset applies."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj_offset(lon: float, lat: float) -> tuple[float, float]:
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - _EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlon, dlat


def _check(lon, lat) -> tuple[float, float]:
    try:
        lon_f, lat_f = float(lon), float(lat)
    except (TypeError, ValueError):
        raise DatumError(f"coordinate ({lon!r}, {lat!r}) is not a pair of numbers") from None
    if not (math.isfinite(lon_f) and math.isfinite(lat_f)):
        raise DatumError(f"coordinate ({lon!r}, {lat!r}) is not finite")
    return lon_f, lat_f


def _invert(forward: Callable[[float, float], tuple[float, float]], lon: float, lat: float,
            start: tuple[float, float]) -> tuple[float, float]:
    """Solve forward(x) == (lon, lat) by fixed-point iteration (the offsets vary slowly)."""
    x, y = start
    for _ in range(_MAX_ITERATIONS):
        fx, fy = forward(x, y)
        dx, dy = lon - fx, lat - fy
        if abs(dx) < _TOLERANCE_DEG and abs(dy) < _TOLERANCE_DEG:
            break
        x, y = x + dx, y + dy
    return x, y


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    lon, lat = _check(lon, lat)
    if out_of_china(lon, lat):
        return lon, lat
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Exact (to ~0.01 mm) inverse of :func:`wgs84_to_gcj02` by iteration."""
    lon, lat = _check(lon, lat)
    if out_of_china(lon, lat):
        return lon, lat
    dlon, dlat = _gcj_offset(lon, lat)
    return _invert(wgs84_to_gcj02, lon, lat, (lon - dlon, lat - dlat))


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    lon, lat = _check(lon, lat)
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def _bd09_to_gcj02_closed(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Inverse of :func:`gcj02_to_bd09`: the published closed form, refined by iteration."""
    lon, lat = _check(lon, lat)
    return _invert(gcj02_to_bd09, lon, lat, _bd09_to_gcj02_closed(lon, lat))


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def _identity(lon: float, lat: float) -> tuple[float, float]:
    return _check(lon, lat)


_CONVERTERS: dict[tuple[str, str], Callable[[float, float], tuple[float, float]]] = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
}


def normalise_datum(name: str) -> str:
    """'WGS-84', 'gcj02', 'baidu' … → one of DATUMS; DatumError names the accepted values."""
    key = str(name or "").strip().lower().replace("_", "").replace(" ", "")
    key = _ALIASES.get(key, _ALIASES.get(key.replace("-", ""), ""))
    if not key:
        raise DatumError(f"unknown datum {name!r}; use one of {', '.join(DATUMS)}")
    return key


def converter(src: str, dst: str) -> Callable[[float, float], tuple[float, float]]:
    src, dst = normalise_datum(src), normalise_datum(dst)
    return _identity if src == dst else _CONVERTERS[(src, dst)]


def convert(lon: float, lat: float, src: str, dst: str) -> tuple[float, float]:
    """Convert one point between datums "wgs84" | "gcj02" | "bd09"; returns (lon, lat)."""
    return converter(src, dst)(lon, lat)


def _convert_positions(coords, fn):
    from geo.query import map_coordinates

    def position(c):
        if len(c) < 2:
            raise DatumError(f"position {c!r} needs at least longitude and latitude")
        lon, lat = fn(c[0], c[1])
        return [lon, lat, *c[2:]]
    return map_coordinates(coords, position)


def convert_geometry(geometry: dict | None, src: str, dst: str) -> dict | None:
    """A new GeoJSON geometry with every position converted; the input is not changed.

    Handles every RFC 7946 type including GeometryCollection; ``None`` stays ``None``
    (a place or item without a location).
    """
    if geometry is None:
        return None
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise DatumError("geometry must be a GeoJSON object with a 'type'")
    fn = converter(src, dst)
    out = {k: v for k, v in geometry.items() if k not in ("coordinates", "geometries", "bbox")}
    if geometry["type"] == "GeometryCollection":
        out["geometries"] = [convert_geometry(g, src, dst) for g in geometry.get("geometries", [])]
        return out
    if "coordinates" not in geometry:
        raise DatumError(f"{geometry['type']} geometry has no 'coordinates'")
    out["coordinates"] = _convert_positions(geometry["coordinates"], fn)
    return out
