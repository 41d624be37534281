"""Basemaps: tile layers a user can switch between, and the datum each one is drawn in.

Overlays are stored in WGS-84. A basemap in GCJ-02 (Gaode/AMap) needs every overlay
converted for display (``geo.coords.convert_geometry``); stored data never changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import folium

from geo import config


@dataclass(frozen=True)
class Basemap:
    key: str
    label_key: str           # geo.i18n key
    datum: str               # "wgs84" or "gcj02": what overlays must be converted to
    layers: tuple[dict, ...] = field(default=())  # folium.TileLayer kwargs, bottom first
    needs_secret: str | None = None
    max_zoom: int = 18

    @property
    def has_tiles(self) -> bool:
        return bool(self.layers)


def _tianditu(layer: str, label_layer: str, key: str) -> tuple[dict, ...]:
    def url(name):
        return (f"https://t{{s}}.tianditu.gov.cn/{name}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                f"&LAYER={name}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}")
    attr = '&copy; <a href="https://www.tianditu.gov.cn/">天地图</a>'
    common = {"attr": attr, "subdomains": "01234567", "max_zoom": 18}
    return ({"tiles": url(layer), "name": layer, **common},
            {"tiles": url(label_layer), "name": label_layer, "overlay": True, **common})


OSM = Basemap("osm", "bm_osm", "wgs84", ({
    "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "name": "OpenStreetMap", "max_zoom": 19,
    "attr": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'},), max_zoom=19)
GAODE = Basemap("gaode", "bm_gaode", "gcj02", ({
    "tiles": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
    "name": "Gaode", "subdomains": "1234", "max_zoom": 18, "attr": "&copy; 高德地图 AutoNavi"},))
ESRI = Basemap("esri", "bm_esri", "wgs84", ({
    "tiles": "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
    "name": "Esri World Imagery", "max_zoom": 18,
    "attr": "Tiles &copy; Esri — Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community"},))
NONE = Basemap("none", "bm_none", "wgs84", ())

ORDER = ("osm", "tianditu_vec", "tianditu_img", "gaode", "esri", "none")
DEFAULT = "osm"


def tianditu_key() -> str | None:
    key = config.secret("tianditu_key")
    return str(key) if key else None


def available(key_lookup=tianditu_key) -> dict[str, Basemap]:
    """The basemaps offered here, in menu order; 天地图 only when a key is configured."""
    out = {"osm": OSM}
    key = key_lookup()
    if key:
        out["tianditu_vec"] = Basemap("tianditu_vec", "bm_tianditu_vec", "wgs84", _tianditu("vec", "cva", key))
        out["tianditu_img"] = Basemap("tianditu_img", "bm_tianditu_img", "wgs84", _tianditu("img", "cia", key))
    out["gaode"] = GAODE
    out["esri"] = ESRI
    out["none"] = NONE
    return out


def get(key: str | None, key_lookup=tianditu_key) -> Basemap:
    return available(key_lookup).get(key or DEFAULT, OSM)


def add_to(m: folium.Map, basemap: Basemap) -> list[folium.TileLayer]:
    layers = []
    for spec in basemap.layers:
        spec = dict(spec)
        overlay = spec.pop("overlay", False)
        layer = folium.TileLayer(overlay=overlay, control=False, **spec)
        layer.add_to(m)
        layers.append(layer)
    return layers
