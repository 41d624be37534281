"""What the map shows around the items: the county/town outline and named place points,
read from the gazetteer (``data/places.geojson``). Without a gazetteer the map still works.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import folium

from geo.coords import convert_geometry
from geo.validate_numbers import loads

OUTLINE_KINDS = ("county", "town", "village")
POINT_KINDS = ("town", "village")


def _representative(feature: dict) -> dict:
    """A village known by its boundary is also a point (for its count badge): a point inside the outline."""
    import shapely.geometry

    point = shapely.geometry.shape(feature["geometry"]).representative_point()
    return {"type": "Feature", "id": feature.get("id"), "properties": feature.get("properties") or {},
            "geometry": {"type": "Point", "coordinates": [point.x, point.y]}}


@dataclass
class Places:
    outlines: list[dict] = field(default_factory=list)   # features with Polygon/MultiPolygon geometry
    points: dict[str, dict] = field(default_factory=dict)  # name or alias -> Point feature
    towns: list[dict] = field(default_factory=list)      # town seat Point features
    villages: list[dict] = field(default_factory=list)   # every village place, located or not (the 村 filter)
    problem: str | None = None                           # why the gazetteer could not be read

    def point_for(self, name: str | None) -> dict | None:
        if not name:
            return None
        return self.points.get(name) or self.points.get(name.removesuffix("村")) or self.points.get(name + "村")


def load_places(path: Path | None) -> Places:
    """The gazetteer's outlines and points; a missing or unreadable file gives empty Places with a reason."""
    if path is None or not Path(path).is_file():
        return Places()
    try:
        doc = loads(Path(path).read_text(encoding="utf-8-sig"), Path(path).name)  # names a bad number
        features = doc["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Places(problem=f"{path}: {exc.__class__.__name__}: {exc}"[:300]
                      + "; restore it from git or rebuild it with `python -m geo gazetteer seed`")
    return places_from_features(features)


def places_from_features(features) -> Places:
    """The outlines and points among a gazetteer's place features (wherever they were read from)."""
    out = Places()
    for f in features:
        if not isinstance(f, dict):
            continue
        geom = f.get("geometry") or None
        props = f.get("properties") or {}
        kind = props.get("kind")
        if kind == "village":  # the village list needs only names, towns and listings
            out.villages.append({"properties": {k: props.get(k) for k in ("kind", "name", "town", "listing")}})
        if not geom or not isinstance(geom, dict):
            continue
        if geom.get("type") in ("Polygon", "MultiPolygon") and kind in OUTLINE_KINDS:
            out.outlines.append(f)
            if kind == "village":
                try:
                    point = _representative(f)
                except Exception:  # a damaged outline: drawn as it is, just without a badge point
                    continue
                for name in [props.get("name"), *(props.get("aliases") or [])]:
                    if isinstance(name, str) and name and name not in out.points:
                        out.points[name] = point
        elif geom.get("type") == "Point" and kind in POINT_KINDS:
            for name in [props.get("name"), *(props.get("aliases") or [])]:
                if isinstance(name, str) and name and name not in out.points:
                    out.points[name] = f
            if kind == "town":
                out.towns.append(f)
    return out


def outline_layer(places: Places, datum: str = "wgs84") -> folium.GeoJson | None:
    """The county/town outline, no fill, in its own pane so it never hides or catches clicks for items."""
    if not places.outlines:
        return None
    feats = [{"type": "Feature", "id": f"outline-{i}", "properties": {},
              "geometry": convert_geometry(f["geometry"], "wgs84", datum)}
             for i, f in enumerate(places.outlines)]
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": feats}, name="outline", control=False,
        style_function=lambda _f: {"color": "#555", "weight": 2, "fill": False, "dashArray": "6 4",
                                   "interactive": False},
        interactive=False, className="geo-outline", pane="geoContext",
        attribution=outline_credit(places.outlines),
    )


def outline_credit(outlines: list[dict]) -> str:
    """The attribution the outline's licence asks for, built from each place's own source and licence.

    Leaflet shows attribution as HTML, so the text from data is escaped.
    """
    credits = []
    for f in outlines:
        p = f.get("properties") or {}
        source = str(p.get("source") or "").split(" ")[0]
        licence = str(p.get("licence") or "").split(";")[0].split(" (")[0]
        credit = f"{source} ({licence})" if source and licence else source or licence
        if credit and credit not in credits:
            credits.append(credit)
    return html.escape("边界 · boundary: " + ", ".join(credits)) if credits else ""
