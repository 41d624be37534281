"""Coordinate reference systems (pyproj): what a file declares, whether it fits China, and how to state one.

Storage is WGS-84 lon/lat (RFC 7946). Files from land and planning offices come in
CGCS2000, often projected to 3-degree Gauss-Krüger (EPSG:4513–4554); geopandas reads
them and ``to_wgs84`` reprojects with pyproj. The Chinese web-map offsets (GCJ-02,
BD-09) are not CRSs that PROJ knows: they stay in :mod:`geo.coords`.

This module is the one place that knows the China-specific facts:

- CGCS2000 (EPSG:4490) and WGS-84 differ by centimetres to decimetres in China (both are
  ITRF-aligned; PROJ's "ballpark" step applies no shift), far below what a plan map
  shows, so CGCS2000 is stored as WGS-84 with a note saying so.
- Beijing 1954 and Xian 1980 have no published transformation to WGS-84 in PROJ; the
  ballpark step leaves them tens of metres off, and the preview says that.
- A file without a CRS whose numbers are metres is most likely CGCS2000 Gauss-Krüger:
  the zone can be read from the easting when it carries a zone prefix (e.g. 40 512 345 →
  zone 40), else from the longitude of the place the data is about.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

WGS84 = "EPSG:4326"
CHINA_BBOX = (73.0, 17.0, 136.0, 54.0)  # west, south, east, north, as in geo.validate
# Datums whose PROJ transformation to WGS-84 is right to well under a metre here.
_SUB_METRE_DATUMS = ("World Geodetic System 1984", "China 2000", "China Geodetic Coordinate System 2000")


class CrsError(ValueError):
    """A CRS that cannot be read, does not fit China, or does not fit the numbers; the text names the fix."""


@dataclass(frozen=True)
class SourceCrs:
    """A declared or stated CRS and what storing its coordinates as WGS-84 means."""

    crs: object            # pyproj.CRS
    label: str             # "EPSG:4549 CGCS2000 / 3-degree Gauss-Kruger CM 120E"
    is_wgs84: bool         # already WGS-84 lon/lat: nothing to transform
    is_cgcs2000: bool
    datum_note: str        # "" or why the positions may be off

    @property
    def datum_original(self) -> str:
        """The item contract's word for the datum of the original coordinates."""
        return "cgcs2000" if self.is_cgcs2000 else "wgs84"

    def storage_note(self, count: int, what: str = "features") -> str:
        """The preview line: "EPSG:4549 … → WGS-84, 12 features"."""
        if self.is_wgs84:
            return f"{self.label}, {count} {what}"
        line = f"{self.label} → WGS-84, {count} {what}"
        if self.crs.is_geographic and self.is_cgcs2000:
            line += " (CGCS2000 and WGS-84 differ by less than 1 m here; stored as WGS-84)"
        if self.datum_note:
            line += f" ({self.datum_note})"
        return line


def label(crs) -> str:
    code = crs.to_epsg(min_confidence=70)
    name = crs.name.replace("Kruger", "Krüger")
    return f"EPSG:{code} {name}" if code else name


def source_crs(crs, what: str = "the file") -> SourceCrs:
    """Check a pyproj CRS read from a file or stated by the user; CrsError if it cannot be used here."""
    import pyproj

    if not isinstance(crs, pyproj.CRS):
        crs = parse_crs(crs, what)
    if not (crs.is_geographic or crs.is_projected):
        raise CrsError(f"{what} declares {crs.name!r}, which is neither a longitude/latitude nor a map "
                       "projection CRS (a local or engineering system); re-export it in CGCS2000 or WGS-84, "
                       "or state the CRS with --crs EPSG:xxxx")
    area = crs.area_of_use
    if area is not None and not _meets_china(area.bounds):
        w, s, e, n = area.bounds
        raise CrsError(f"{what} declares {label(crs)}, which is used for {area.name} ({w:g}°–{e:g}°E, "
                       f"{s:g}°–{n:g}°N), not China; the CRS in the file is wrong: re-export it, or state the "
                       "right one with --crs EPSG:xxxx (e.g. EPSG:4549 for CGCS2000 Gauss-Krüger CM 120°E)")
    geodetic = crs.geodetic_crs
    datum_name = geodetic.datum.name if geodetic is not None else ""
    is_wgs84 = crs.is_geographic and crs.equals(pyproj.CRS.from_epsg(4326), ignore_axis_order=True)
    is_cgcs = "China 2000" in datum_name or "China Geodetic Coordinate System 2000" in datum_name
    note = ""
    if not any(d in datum_name for d in _SUB_METRE_DATUMS):
        note = (f"PROJ has no published transformation from {datum_name or 'this datum'} to WGS-84: positions "
                "may be off by tens of metres; ask for the data in CGCS2000 if that matters")
    return SourceCrs(crs, label(crs), is_wgs84, is_cgcs, note)


def parse_crs(text, what: str = "--crs") -> object:
    """A pyproj CRS from "EPSG:4549", "4549", a URN or WKT; CrsError naming what was given."""
    import pyproj

    value = str(text).strip()
    if value.isdigit():
        value = f"EPSG:{value}"
    try:
        return pyproj.CRS.from_user_input(value)
    except pyproj.exceptions.CRSError:
        shown = value if len(value) <= 60 else value[:57] + "…"
        raise CrsError(f"{what}: {shown!r} is not a CRS pyproj knows; give an EPSG code such as "
                       "EPSG:4549 (CGCS2000 3-degree Gauss-Krüger CM 120°E) or EPSG:4490 (CGCS2000)") from None


def prj_crs(text: str, what: str) -> object:
    """The CRS of a Shapefile .prj; CrsError when it is empty or not WKT that pyproj can read."""
    import pyproj

    if not text.strip():
        raise CrsError(f"{what} is empty; put the right .prj beside the .shp or state the CRS with --crs EPSG:xxxx")
    try:
        return pyproj.CRS.from_wkt(text)
    except pyproj.exceptions.CRSError:
        shown = " ".join(text.split())[:60]
        raise CrsError(f"{what} cannot be read as a CRS ({shown!r}…); export the Shapefile again from the GIS, "
                       "or state its CRS with --crs EPSG:xxxx (e.g. EPSG:4549)") from None


def _meets_china(bounds) -> bool:
    w, s, e, n = bounds
    cw, cs, ce, cn = CHINA_BBOX
    return w <= ce and e >= cw and s <= cn and n >= cs


def in_china(lon: float, lat: float) -> bool:
    w, s, e, n = CHINA_BBOX
    return w <= lon <= e and s <= lat <= n


def looks_projected(bounds) -> bool:
    """Numbers too large for degrees: metres (or feet) of a projected CRS."""
    w, s, e, n = bounds
    return all(math.isfinite(v) for v in bounds) and (max(abs(w), abs(e)) > 180 or max(abs(s), abs(n)) > 90)


# ---- suggesting a CRS for metres without one --------------------------------------

def gauss_kruger(central_meridian: int, *, three_degree: bool = True, zone_prefix: bool = False) -> int:
    """EPSG code of CGCS2000 Gauss-Krüger for a central meridian (°E)."""
    if three_degree:
        zone = central_meridian // 3
        return 4513 + zone - 25 if zone_prefix else 4534 + (central_meridian - 75) // 3
    zone = (central_meridian + 3) // 6
    return 4491 + zone - 13 if zone_prefix else 4502 + (central_meridian - 75) // 6


def suggest_crs(eastings, northings, lon_hint: float | None = None) -> list[tuple[int, str]]:
    """CGCS2000 Gauss-Krüger CRSs the metres may be in, best first: [(epsg, why)].

    An easting of 40 512 345 carries its zone (3-degree zone 40 → EPSG:4528); one of 512 345 does
    not, and the central meridian is then the one nearest ``lon_hint`` (the county's longitude).
    A guess is only offered when the numbers land in China in it.
    """
    import pyproj

    xs = [float(x) for x in eastings if math.isfinite(float(x))]
    ys = [float(y) for y in northings if math.isfinite(float(y))]
    if not xs or not ys:
        return []
    x, y = sorted(xs)[len(xs) // 2], sorted(ys)[len(ys) // 2]
    candidates: list[tuple[int, str]] = []
    prefix = int(x // 1_000_000)
    if 25 <= prefix <= 45:
        candidates.append((4513 + prefix - 25, f"the easting {x:,.0f} starts with 3-degree zone {prefix}"))
    elif 13 <= prefix <= 23:
        candidates.append((4491 + prefix - 13, f"the easting {x:,.0f} starts with 6-degree zone {prefix}"))
    elif 0 < x < 1_000_000 and lon_hint is not None:
        cm3 = int(round(lon_hint / 3.0)) * 3
        candidates.append((gauss_kruger(cm3), f"3-degree zone of central meridian {cm3}°E, nearest the "
                                              f"places of this data (about {lon_hint:.1f}°E)"))
        cm6 = int(math.floor(lon_hint / 6.0)) * 6 + 3
        candidates.append((gauss_kruger(cm6, three_degree=False), f"6-degree zone of central meridian {cm6}°E"))
    out = []
    for code, why in candidates:
        try:
            t = pyproj.Transformer.from_crs(code, 4326, always_xy=True)
            lon, lat = t.transform(x, y)
        except pyproj.exceptions.ProjError:
            continue
        if math.isfinite(lon) and math.isfinite(lat) and in_china(lon, lat):
            out.append((code, why))
    return out


def suggestion_text(eastings, northings, lon_hint: float | None = None) -> str:
    """"state it with --crs EPSG:4549 (…)" or the general advice when nothing fits."""
    import pyproj

    found = suggest_crs(eastings, northings, lon_hint)
    if not found:
        return ("state the CRS the numbers are in with --crs EPSG:xxxx (CGCS2000 3-degree Gauss-Krüger is "
                "EPSG:4534–4554 by central meridian, EPSG:4513–4533 with the zone in the easting)")
    code, why = found[0]
    name = pyproj.CRS.from_epsg(code).name.replace("Kruger", "Krüger")
    text = f"if they are {name}, state it with --crs EPSG:{code} ({why})"
    if len(found) > 1:
        text += "; or --crs " + ", ".join(f"EPSG:{c}" for c, _ in found[1:])
    return text


def transformer_to_wgs84(src):
    import pyproj

    crs = src.crs if isinstance(src, SourceCrs) else src
    return pyproj.Transformer.from_crs(crs, 4326, always_xy=True)


def reproject_geometry(geometry: dict, transformer) -> dict:
    """A GeoJSON geometry moved by a pyproj transformer (x, y; a z is dropped), as a new dict."""
    import numpy as np
    import shapely
    import shapely.geometry

    from geo.export.fields import geojson_of

    def move(xy):
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return geojson_of(shapely.transform(shapely.geometry.shape(geometry), move))
