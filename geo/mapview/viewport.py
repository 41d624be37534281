"""Large filters (county, prefecture): send the browser only what the current view needs.

Up to ``LARGE`` precisely located items the app sends them all in one GeoJson layer and
pan/zoom never reruns the script. Above it the map works in *viewport mode*:

* the view's bounds (returned by st_folium on move/zoom) select the items through the
  spatial index (an R-tree, ``GeoSeries.sindex``) of a GeoSeries of the items' bounding
  boxes, built once per loaded item list (not per rerun);
* when at most ``MAX_FEATURES`` items meet the (padded) view they are drawn as usual;
* otherwise they are counted per cell of a grid fixed to the zoom level (so badges do
  not jump while panning) and each cell is one count badge at the mean position of its
  items; clicking a badge zooms in. Nothing is hidden: drawn ids plus badge counts are
  exactly the filtered located items in the view.

The payload per rerun is therefore bounded by ``MAX_FEATURES`` and the cell count,
whatever the number of items. Coarse items (village/town precision) keep their per-place
badges from :mod:`geo.mapview.aggregate`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from typing import Iterable

import folium
import numpy as np
from folium.utilities import JsCode

from geo import i18n
from geo.coords import convert, convert_geometry
from geo.mapview.item_layer import is_precisely_located, split_by_precision
from geo.query import geometry_bounds

LARGE = 2000           # located items in a filter above which the map works per view
MAX_FEATURES = 1500    # individual items sent for one view at most
CELLS_ACROSS = 8       # grid cells across the visible width (aggregated mode)
PAD = 0.5              # the query box is the view grown by this share on every side
CELL_ID_PREFIX = "cell:"

_CELL_BIND = JsCode("""
function(feature, layer) { layer.bindTooltip(feature.properties.tip, {direction: 'top', offset: [0, -12]}); }
""")
_CELL_HTML = ('<div style="transform:translate(-50%,-50%);display:inline-block;min-width:28px;padding:3px 7px;'
              'border-radius:14px;background:rgba(0,90,160,.88);color:#fff;border:2px solid #fff;'
              'box-shadow:0 1px 4px rgba(0,0,0,.5);font:bold 13px/1.2 sans-serif;text-align:center;'
              'white-space:nowrap">{n}</div>')


# ---- the index -------------------------------------------------------------------
class LocatedIndex:
    """Bounding boxes of the precisely located items of one feature list, and their spatial index."""

    def __init__(self, features: list[dict]):
        self.features = features
        self.position = {id(f): i for i, f in enumerate(features)}
        boxes = np.full((len(features), 4), np.nan)
        for i, f in enumerate(features):
            if is_precisely_located(f):
                b = geometry_bounds(f.get("geometry"))
                if b:
                    boxes[i] = b
        self.boxes = boxes
        self.located = ~np.isnan(boxes[:, 0])
        self.cx = (boxes[:, 0] + boxes[:, 2]) / 2
        self.cy = (boxes[:, 1] + boxes[:, 3]) / 2
        self._where = np.flatnonzero(self.located)  # row of the box series → position in ``features``
        self._sindex = None

    @property
    def sindex(self):
        """The R-tree of the located items' boxes (geopandas/shapely STRtree), built on first use."""
        if self._sindex is None:
            import geopandas as gpd
            import shapely

            b = self.boxes[self._where]
            self._sindex = gpd.GeoSeries(shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3])).sindex
        return self._sindex

    def positions(self, subset: Iterable[dict]) -> np.ndarray:
        """Positions in the indexed list of the located items of ``subset`` (a filter of it)."""
        pos = self.position
        idx = np.fromiter((pos.get(id(f), -1) for f in subset), dtype=np.int64)
        idx = idx[idx >= 0]
        return idx[self.located[idx]]

    def meeting(self, idx: np.ndarray, bbox: tuple[float, float, float, float]) -> np.ndarray:
        """Those of ``idx`` whose bounds meet ``bbox`` (the same test as geo.query.matches)."""
        import shapely

        if not len(idx) or not len(self._where):
            return idx[:0]
        hit = np.zeros(len(self.features), dtype=bool)
        hit[self._where[self.sindex.query(shapely.box(*bbox))]] = True  # boxes meeting the box, edges included
        return idx[hit[idx]]

    def bounds(self, idx: np.ndarray | None = None) -> tuple[float, float, float, float] | None:
        b = self.boxes[self.located] if idx is None else self.boxes[idx]
        if not len(b):
            return None
        return (float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()))


_CACHE: dict = {"features": None, "index": None, "list": None}


def index_for(features: list[dict]) -> LocatedIndex:
    """The index of ``features``, reused while the same item objects are loaded (the store caches them)."""
    if features is _CACHE["list"]:  # the same list again within one rerun
        return _CACHE["index"]
    cached = _CACHE["features"]
    if cached is None or len(cached) != len(features) or not all(a is b for a, b in zip(cached, features)):
        _CACHE["index"] = LocatedIndex(list(features))
        _CACHE["features"] = _CACHE["index"].features
    _CACHE["list"] = features
    return _CACHE["index"]


# ---- the plan for one view --------------------------------------------------------
@dataclass
class ViewPlan:
    mode: str                                          # "all" | "features" | "cells"
    features: list[dict]                               # located items drawn individually
    cells: list[dict] = field(default_factory=list)    # {"id", "count", "lon", "lat", "bbox"}
    located: int = 0                                   # located items in the filter
    in_view: int = 0                                   # of those, meeting the query box
    query_box: tuple[float, float, float, float] | None = None

    @property
    def per_view(self) -> bool:
        return self.mode != "all"


def is_large(located_count: int) -> bool:
    return located_count > LARGE


def padded(bbox: tuple[float, float, float, float], pad: float = PAD) -> tuple[float, float, float, float]:
    w, s, e, n = bbox
    dx, dy = (e - w) * pad, (n - s) * pad
    return (max(-180.0, w - dx), max(-90.0, s - dy), min(180.0, e + dx), min(90.0, n + dy))


def cell_size(view: tuple[float, float, float, float]) -> float:
    """Degrees per cell: about CELLS_ACROSS across the view, snapped to a power of two."""
    width = max(view[2] - view[0], view[3] - view[1], 1e-6)
    return 2.0 ** math.floor(math.log2(width / CELLS_ACROSS))


def plan_view(filtered: list[dict], all_features: list[dict] | None, view: tuple | None, *,
              max_features: int = MAX_FEATURES, large: int = LARGE) -> ViewPlan:
    """What to draw of ``filtered`` (a filter of ``all_features``) for the view ``view`` (w, s, e, n, WGS-84).

    ``view`` None means the default view: the bounds of the filtered located items.
    """
    index = index_for(all_features if all_features is not None else filtered)
    idx = index.positions(filtered)
    if not is_large(len(idx)) or large < 0:
        return ViewPlan("all", [index.features[i] for i in idx], located=len(idx), in_view=len(idx))
    if view is None:
        view = index.bounds(idx)
    box = padded(view)
    hit = index.meeting(idx, box)
    if len(hit) <= max_features:
        return ViewPlan("features", [index.features[i] for i in hit], located=len(idx), in_view=len(hit),
                        query_box=box)
    size = cell_size(view)
    gx = np.floor(index.cx[hit] / size).astype(np.int64)
    gy = np.floor(index.cy[hit] / size).astype(np.int64)
    gx0, gy0 = gx.min(), gy.min()
    span = int(gy.max() - gy0) + 1
    keys, inverse, counts = np.unique((gx - gx0) * span + (gy - gy0), return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    sx = np.bincount(inverse, weights=index.cx[hit])
    sy = np.bincount(inverse, weights=index.cy[hit])
    cells = []
    for k, key in enumerate(keys):
        cx, cy = int(key // span + gx0), int(key % span + gy0)
        cells.append({"id": f"{CELL_ID_PREFIX}{size:g}:{int(cx)}:{int(cy)}", "count": int(counts[k]),
                      "lon": float(sx[k] / counts[k]), "lat": float(sy[k] / counts[k]),
                      "bbox": (cx * size, cy * size, (cx + 1) * size, (cy + 1) * size)})
    return ViewPlan("cells", [], cells, located=len(idx), in_view=len(hit), query_box=box)


def cell_items(filtered: list[dict], all_features: list[dict] | None, cell_id: str) -> list[dict]:
    """The located items of ``filtered`` counted in the cell ``cell_id`` (for tests and lists)."""
    size, gx, gy = cell_id[len(CELL_ID_PREFIX):].split(":")
    size, gx, gy = float(size), int(gx), int(gy)
    index = index_for(all_features if all_features is not None else filtered)
    idx = index.positions(filtered)
    keep = (np.floor(index.cx[idx] / size) == gx) & (np.floor(index.cy[idx] / size) == gy)
    return [index.features[i] for i in idx[keep]]


def cell_bbox(cell_id: str) -> tuple[float, float, float, float]:
    size, gx, gy = cell_id[len(CELL_ID_PREFIX):].split(":")
    size, gx, gy = float(size), int(gx), int(gy)
    return (gx * size, gy * size, (gx + 1) * size, (gy + 1) * size)


# ---- drawing ------------------------------------------------------------------------
def _cell_style(feature: dict) -> dict:
    n = int(feature["properties"]["count"])
    return {"html": _CELL_HTML.format(n=n), "className": "geo-cell", "iconSize": [0, 0], "iconAnchor": [0, 0]}


def cell_layer(cells: list[dict], *, lang: str = "zh", datum: str = "wgs84") -> folium.GeoJson | None:
    if not cells:
        return None
    feats = [{"type": "Feature", "id": c["id"],
              "properties": {"id": c["id"], "count": c["count"],
                             "tip": escape(i18n.t("cell_tip", lang, n=c["count"]))},
              "geometry": convert_geometry({"type": "Point", "coordinates": [round(c["lon"], 6), round(c["lat"], 6)]},
                                           "wgs84", datum)}
             for c in cells]
    return folium.GeoJson({"type": "FeatureCollection", "features": feats}, name="view-cells", control=False,
                          style_function=_cell_style, marker=folium.Marker(icon=folium.DivIcon(class_name="geo-cell")),
                          on_each_feature=_CELL_BIND)


def view_from_returned(returned: dict | None, datum: str = "wgs84") -> tuple[tuple | None, int | None]:
    """(w, s, e, n) in WGS-84 and the zoom from st_folium's returned value, or (None, None)."""
    if not isinstance(returned, dict):
        return None, None
    b = returned.get("bounds") or {}
    try:
        sw, ne = b["_southWest"], b["_northEast"]
        w, s, e, n = float(sw["lng"]), float(sw["lat"]), float(ne["lng"]), float(ne["lat"])
    except (KeyError, TypeError, ValueError):
        return None, returned.get("zoom")
    if not all(map(math.isfinite, (w, s, e, n))) or e <= w or n <= s:
        return None, returned.get("zoom")
    if datum != "wgs84":
        w, s = convert(w, s, datum, "wgs84")
        e, n = convert(e, n, datum, "wgs84")
    return (max(-180.0, w), max(-90.0, s), min(180.0, e), min(90.0, n)), returned.get("zoom")


def overview(features: list[dict], places=None) -> tuple[tuple | None, tuple[str, ...]]:
    """(bounds to open the map on, categories present) of all items; computed once per loaded list."""
    from geo.mapview.build import data_bounds

    index = index_for(features)
    key = None if places is None else (len(places.outlines), len(places.points), len(places.towns))
    cached = getattr(index, "_overview", None)
    if cached is None or cached[0] != key:
        cats = tuple(sorted({(f.get("properties") or {}).get("category") for f in features} - {None}))
        # data_bounds of the located items' box and one stand-in per town (same result, no per-item walk).
        box = index.bounds()
        towns = {}
        for f in features:
            town = (f.get("properties") or {}).get("town")
            if town and town not in towns:
                towns[town] = f
        stand_ins = list(towns.values())
        if box is not None:
            w, s, e, n = box
            stand_ins.append({"geometry": {"type": "MultiPoint", "coordinates": [[w, s], [e, n]]},
                              "properties": {"precision": "site"}})
        index._overview = (key, data_bounds(stand_ins, places), cats)
    return index._overview[1], index._overview[2]


def map_layer(features: list[dict], all_features: list[dict] | None, places=None, *, view: tuple | None = None,
              lang: str = "zh", datum: str = "wgs84", selected: Iterable[str] = ()) -> tuple[folium.FeatureGroup, ViewPlan]:
    """The data layer the app sends for one filter and view, and the plan behind it.

    Small filters: every item (geo.mapview.build.data_layer, unchanged). Large ones: the view's
    items or its count cells, plus the per-place badges of items without a precise location.
    """
    from geo.mapview.build import data_layer

    plan = plan_view(features, all_features, view)
    if not plan.per_view:
        return data_layer(features, places, lang=lang, datum=datum, selected=selected), plan
    coarse = split_by_precision(features)[1]
    fg = data_layer(plan.features + coarse, places, lang=lang, datum=datum, selected=selected)
    cells = cell_layer(plan.cells, lang=lang, datum=datum)
    if cells is not None:
        cells.add_to(fg)
    return fg, plan
