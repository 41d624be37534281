"""The items as ONE folium.GeoJson layer: points as category symbols coloured by status,
segments as lines, areas as polygons. Items located only to village/town level are not
in this layer (see ``aggregate``): drawing them as pins would claim a precision nobody has.
"""
from __future__ import annotations

import folium
from folium.plugins import MarkerCluster
from folium.utilities import JsCode

from geo.contract import DRAWN_PRECISIONS, PRECISIONS
from geo.coords import convert_geometry
from geo.mapview import popups, styles
from geo.query import geometry_bounds

# Precisions that are not a location on the map, only a name of a village or the town.
COARSE_PRECISIONS = frozenset(PRECISIONS) - frozenset(DRAWN_PRECISIONS)
ITEM_PATH_CLASS = "geo-item-path"

_BIND = JsCode("""
function(feature, layer) {
    if (feature.properties.tip) { layer.bindTooltip(feature.properties.tip, {sticky: true}); }
    if (feature.properties.popup) { layer.bindPopup(feature.properties.popup, {maxWidth: 360}); }
}
""")


def is_precisely_located(feature: dict) -> bool:
    props = feature.get("properties") or {}
    return bool(feature.get("geometry")) and props.get("precision") not in COARSE_PRECISIONS


def item_bounds(geometry: dict | None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of an item's geometry: geo.query.geometry_bounds, with the common
    shapes (point, line, polygon) read directly (100,000 items: about a second less per map)."""
    if isinstance(geometry, dict):
        gtype, coords = geometry.get("type"), geometry.get("coordinates")
        try:
            if gtype == "Point":
                return (coords[0], coords[1], coords[0], coords[1])
            if gtype in ("LineString", "Polygon"):
                positions = coords if gtype == "LineString" else [c for ring in coords for c in ring]
                xs = [c[0] for c in positions]
                ys = [c[1] for c in positions]
                return (min(xs), min(ys), max(xs), max(ys))
        except (TypeError, IndexError, ValueError):
            pass
    return geometry_bounds(geometry)


_last_split: tuple = (None, 0, None)  # (list, its length, (located, coarse)) of the last call


def split_by_precision(features: list[dict]) -> tuple[list[dict], list[dict]]:
    """(drawn as geometry, shown as village/town counts and listed).

    One page run asks this of the same filtered list several times (the counts line, the map, the
    unlocated list): the last answer is kept for that list object and handed out as fresh lists.
    """
    global _last_split
    last, n, split = _last_split
    if last is features and n == len(features) and split is not None:
        return list(split[0]), list(split[1])
    located, coarse = [], []
    for f in features:
        (located if is_precisely_located(f) else coarse).append(f)
    if isinstance(features, list):
        _last_split = (features, len(features), (located, coarse))
        return list(located), list(coarse)
    return located, coarse


def display_feature(feature: dict, *, lang: str = "zh", datum: str = "wgs84", popup: bool = False) -> dict:
    """The slim copy sent to the browser: geometry in the display datum, escaped texts."""
    props = feature.get("properties") or {}
    out_props = {
        "id": feature.get("id") or props.get("id"),
        "category": props.get("category"),
        "status": props.get("status"),
        "precision": props.get("precision"),
        "tip": popups.tooltip_html(props, lang),
    }
    if popup:
        out_props["popup"] = popups.popup_html(props, lang)
    return {"type": "Feature", "id": out_props["id"], "properties": out_props,
            "geometry": convert_geometry(feature.get("geometry"), "wgs84", datum)}


def _style(lang: str):
    def style(feature: dict) -> dict:
        p = feature["properties"]
        gtype = (feature.get("geometry") or {}).get("type")
        if gtype in ("Point", "MultiPoint"):
            return styles.point_style(p.get("category"), p.get("status"), lang)
        return styles.path_style(p.get("category"), p.get("status"), gtype)
    return style


def item_geojson(features: list[dict], *, lang: str = "zh", datum: str = "wgs84", popup: bool = False,
                 name: str = "items") -> folium.GeoJson:
    data = {"type": "FeatureCollection",
            "features": [display_feature(f, lang=lang, datum=datum, popup=popup) for f in features]}
    return folium.GeoJson(
        data, name=name, control=False, style_function=_style(lang),
        marker=folium.Marker(icon=folium.DivIcon(class_name="geo-item-marker")),
        on_each_feature=_BIND, className=ITEM_PATH_CLASS,
    )


def cluster() -> MarkerCluster:
    """Clusters only where symbols overlap; from street level on every item stands alone."""
    return MarkerCluster(control=False, options={
        "disableClusteringAtZoom": 15, "maxClusterRadius": 36, "showCoverageOnHover": False,
        "spiderfyOnMaxZoom": True})


def selection_halo(features: list[dict], datum: str = "wgs84") -> folium.GeoJson | None:
    """A red halo under the selected items so they stand out among the rest."""
    feats = [{"type": "Feature", "id": f"sel-{i}", "properties": {},
              "geometry": convert_geometry(f.get("geometry"), "wgs84", datum)}
             for i, f in enumerate(features) if f.get("geometry")]
    if not feats:
        return None
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": feats}, name="selection", control=False,
        marker=folium.CircleMarker(radius=22, color="#D00000", weight=4, fill=False),
        style_function=lambda _f: {"color": "#D00000", "weight": 12, "opacity": 0.55, "fill": False},
        interactive=False, className="geo-selection",
    )
