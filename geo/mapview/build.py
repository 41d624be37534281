"""Building the map: a base map that changes rarely, and a data layer that follows the filter.

The app caches the base map and passes the data layer to st_folium as
``feature_group_to_add``, so filtering only swaps the layer in the browser. The
standalone HTML (``render_html``) adds the same layer to the same base map.
"""
from __future__ import annotations

from typing import Iterable

import folium
from folium.map import CustomPane

from geo.contract import CATEGORIES
from geo.coords import convert
from geo.mapview import aggregate, controls, item_layer, offline, styles
from geo.mapview.basemaps import Basemap, add_to as add_basemap
from geo.mapview.tile_fallback import CSS as TILE_FALLBACK_CSS, add_tile_fallback
from geo.mapview.context import Places, outline_layer
from geo.mapview.legend import Legend
from geo.query import geometry_bounds

# Where the map opens when there is nothing to fit (no items, no gazetteer): China.
_FALLBACK_CENTER = (35.0, 105.0)
_FALLBACK_ZOOM = 4


def data_bounds(features: Iterable[dict], places: Places | None = None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) to open the map on: the located items and their towns' seat points;
    the gazetteer's outline when there is nothing else."""
    features = list(features)
    boxes = [item_layer.item_bounds(f.get("geometry")) for f in features if item_layer.is_precisely_located(f)]
    if places is not None:
        towns = {(f.get("properties") or {}).get("town") for f in features} - {None, ""}
        points = [places.point_for(t) for t in towns]
        boxes += [geometry_bounds(p.get("geometry")) for p in points if p]
        if not [b for b in boxes if b]:
            boxes += [geometry_bounds(f.get("geometry")) for f in places.outlines]
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    return _at_least_town_sized((min(b[0] for b in boxes), min(b[1] for b in boxes),
                                 max(b[2] for b in boxes), max(b[3] for b in boxes)))


# Opening on a single point (one site, or only a town seat badge) would zoom to street level and
# hide the town around it; the opening view spans at least about a town (~9 km).
MIN_OPENING_SPAN_DEG = 0.08


def _at_least_town_sized(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    w, s, e, n = bounds
    half = MIN_OPENING_SPAN_DEG / 2
    if e - w < MIN_OPENING_SPAN_DEG:
        cx = (w + e) / 2
        w, e = cx - half, cx + half
    if n - s < MIN_OPENING_SPAN_DEG:
        cy = (s + n) / 2
        s, n = cy - half, cy + half
    return (w, s, e, n)


def _to_datum(bounds, datum):
    if bounds is None or datum == "wgs84":
        return bounds
    w, s = convert(bounds[0], bounds[1], "wgs84", datum)
    e, n = convert(bounds[2], bounds[3], "wgs84", datum)
    return (w, s, e, n)


def base_map(*, basemap: Basemap, bounds: tuple[float, float, float, float] | None = None,
             places: Places | None = None, categories: Iterable[str] = CATEGORIES, lang: str = "zh",
             with_controls: bool = True, cluster_assets: bool = True) -> folium.Map:
    """Tiles, outline, legend and controls; everything except the items. Assets are self-hosted."""
    m = folium.Map(location=_FALLBACK_CENTER, zoom_start=_FALLBACK_ZOOM, tiles=None, control_scale=False,
                   max_zoom=basemap.max_zoom, zoom_control=True)
    # Without a tile layer Leaflet has no max zoom, and marker clustering needs one.
    m.options["maxZoom"] = basemap.max_zoom
    # Leaflet's keyboard handler focuses the map on mouse down; when the map reaches below the
    # window the browser then scrolls the page between press and release, and the click misses
    # what was under the pointer. Clicks on items and count cells matter more than arrow-key panning.
    m.options["keyboard"] = False
    offline.slim_map_defaults(m)
    CustomPane("geoContext", z_index=350, pointer_events=False).add_to(m)
    # Count badges lie under every item (lines and polygons at 400, symbols at 600): a located item
    # next to a village or town badge stays visible and its click opens the item, not the badge.
    CustomPane(aggregate.BADGE_PANE, z_index=390, pointer_events=True).add_to(m)  # badges stay clickable
    tiles = add_basemap(m, basemap)
    if places is not None:
        outline = outline_layer(places, basemap.datum)
        if outline is not None:
            outline.add_to(m)
    bounds = _to_datum(bounds, basemap.datum)
    if bounds is not None:
        w, s, e, n = bounds
        m.fit_bounds([[s, w], [n, e]], padding=(20, 20), max_zoom=16)
    Legend(sorted(set(categories)), lang=lang).add_to(m)
    if with_controls:
        controls.add_controls(m, basemap, lang)
    add_tile_fallback(m, tiles, lang)
    offline.add_css(m, styles.SYMBOL_CSS + controls.LOCATE_CSS + TILE_FALLBACK_CSS)
    # Clustering lives in the data layer; its assets must be loaded with the base map
    # because st_folium loads scripts only once, when the map is first mounted.
    # (The offline HTML map draws its items itself and leaves them out.)
    if cluster_assets:
        _AssetsOnly(item_layer.cluster()).add_to(m)
    return offline.localise(m)


class _AssetsOnly(folium.MacroElement):
    """Carries a plugin's JS/CSS into the page without drawing anything."""

    def __init__(self, element):
        super().__init__()
        self._name = "AssetsOnly"
        self.default_js = list(getattr(element, "default_js", []))
        self.default_css = list(getattr(element, "default_css", []))


def data_layer(features: list[dict], places: Places | None = None, *, lang: str = "zh", datum: str = "wgs84",
               selected: Iterable[str] = (), popups: bool = False, clustered: bool = True) -> folium.FeatureGroup:
    """The items of a filter: precise geometry in one GeoJson layer, coarse ones as counts per place."""
    located, coarse = item_layer.split_by_precision(features)
    fg = folium.FeatureGroup(name="data", control=False)
    selected = set(selected)
    halo = item_layer.selection_halo([f for f in located if f.get("id") in selected], datum)
    if halo is not None:
        halo.add_to(fg)
    items = item_layer.item_geojson(located, lang=lang, datum=datum, popup=popups)
    if clustered:
        group = item_layer.cluster()
        items.add_to(group)
        group.add_to(fg)
    else:
        items.add_to(fg)
    if places is not None:
        badges = aggregate.badge_layer(coarse, places, lang=lang, datum=datum)
        if badges is not None:
            badges.add_to(fg)
    offline.localise(fg)
    return fg


def build_map(features: list[dict], *, basemap: Basemap, places: Places | None = None, lang: str = "zh",
              all_features: list[dict] | None = None, selected: Iterable[str] = (), popups: bool = True) -> folium.Map:
    """A complete map (base + data) for one filtered list of items: the standalone/report map."""
    everything = all_features if all_features is not None else features
    m = base_map(basemap=basemap, bounds=data_bounds(everything, places), places=places,
                 categories={(f.get("properties") or {}).get("category") for f in everything} - {None},
                 lang=lang)
    data_layer(features, places, lang=lang, datum=basemap.datum, selected=selected, popups=popups).add_to(m)
    return offline.localise(m)
