"""Items known only to a village or the town, shown as a labelled count at that place.

The badge sits on the place point from the gazetteer (with its source), never on an
invented spot; an area without a known point gets no badge, and its items are still
listed by the app. Badges are drawn in their own pane below the items, so a located item
next to a badge is never hidden by it and a click on it opens the item.
"""
from __future__ import annotations

from collections import OrderedDict
from html import escape

import folium
from folium.utilities import JsCode

from geo import i18n
from geo.contract import AREA_TOWN_SEAT, AREA_WHOLE_TOWN
from geo.coords import convert_geometry
from geo.mapview.context import Places

BADGE_ID_PREFIX = "area:"
# The pane the badges are drawn in (made by geo.mapview.build.base_map), below the items' panes.
BADGE_PANE = "geoBadges"
AREA_SEPARATOR = "|"

_BIND = JsCode("""
function(feature, layer) { layer.bindTooltip(feature.properties.tip, {direction: 'top', offset: [0, -14]}); }
""")


def group_by_area(coarse: list[dict]) -> "OrderedDict[str, list[dict]]":
    groups: OrderedDict[str, list[dict]] = OrderedDict()
    for f in coarse:
        area = (f.get("properties") or {}).get("area") or ""
        groups.setdefault(area, []).append(f)
    return groups


def badge_point(area: str, items: list[dict], places: Places) -> dict | None:
    """The gazetteer point for an area: the village, or the town seat for 镇区/全镇/unknown."""
    if area and area not in (AREA_TOWN_SEAT, AREA_WHOLE_TOWN):
        return places.point_for(area)
    town = next(((f.get("properties") or {}).get("town") for f in items if (f.get("properties") or {}).get("town")),
                None)
    point = places.point_for(town) if town else None
    if point is None and len(places.towns) == 1:
        point = places.towns[0]
    return point


def undrawn_groups(coarse: list[dict], places: Places) -> "OrderedDict[str, list[dict]]":
    """The coarse items that get no badge because their area has no point (a village nobody has located
    yet), by area: villages in sort order, then 镇区, 全镇 and the unknown area ("") when the town has no
    point either. The app lists these beside the map, so that no item is shown nowhere."""
    groups = OrderedDict((area, items) for area, items in group_by_area(coarse).items()
                         if badge_point(area, items, places) is None)
    head = (AREA_TOWN_SEAT, AREA_WHOLE_TOWN, "")
    order = sorted(a for a in groups if a not in head) + [a for a in head if a in groups]
    return OrderedDict((a, groups[a]) for a in order)


def badge_features(coarse: list[dict], places: Places, *, lang: str = "zh", datum: str = "wgs84") -> list[dict]:
    """One badge per place point; areas that share a point (全镇 and unknown → the town seat) share a badge."""
    by_point: "OrderedDict[str, dict]" = OrderedDict()
    for area, items in group_by_area(coarse).items():
        point = badge_point(area, items, places)
        if point is None:
            continue
        key = str(point.get("id") or (point.get("properties") or {}).get("name"))
        slot = by_point.setdefault(key, {"point": point, "areas": [], "count": 0})
        slot["areas"].append(area)
        slot["count"] += len(items)
    out = []
    for slot in by_point.values():
        areas, count, point = slot["areas"], slot["count"], slot["point"]
        name = (point.get("properties") or {}).get("name") or ""
        label = i18n.area_label(areas[0], lang) if len(areas) == 1 and areas[0] not in ("", AREA_WHOLE_TOWN) \
            else name
        badge_id = BADGE_ID_PREFIX + AREA_SEPARATOR.join(areas)
        out.append({
            "type": "Feature", "id": badge_id,
            "properties": {"id": badge_id, "kind": "aggregate", "areas": areas, "count": count, "label": label,
                           "tip": escape(i18n.t("badge_title", lang, area=label, n=count))},
            "geometry": convert_geometry(point["geometry"], "wgs84", datum),
        })
    return out


def areas_of_badge(badge_id: str) -> list[str]:
    """The areas a clicked badge stands for ("" is the unknown area)."""
    return badge_id[len(BADGE_ID_PREFIX):].split(AREA_SEPARATOR)


def _badge_style(feature: dict) -> dict:
    p = feature["properties"]
    html = f'<div>{escape(str(p["label"]))}<b>{int(p["count"])}</b></div>'
    return {"html": html, "className": "geo-badge", "iconSize": [0, 0], "iconAnchor": [0, 0]}


def badge_layer(coarse: list[dict], places: Places, *, lang: str = "zh", datum: str = "wgs84") -> folium.GeoJson | None:
    feats = badge_features(coarse, places, lang=lang, datum=datum)
    if not feats:
        return None
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": feats}, name="area-counts", control=False,
        style_function=_badge_style, marker=folium.Marker(icon=folium.DivIcon(class_name="geo-badge"), pane=BADGE_PANE),
        on_each_feature=_BIND,
    )
