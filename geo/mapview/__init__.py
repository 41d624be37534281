"""The folium map of plan items, shared by the app, ``python -m geo render`` and reports.

Public API::

    base_map(basemap=..., bounds=..., places=..., categories=..., lang=...) -> folium.Map
    data_layer(features, places, lang=..., datum=..., selected=..., popups=...) -> folium.FeatureGroup
    build_map(features, basemap=..., places=..., lang=..., all_features=...) -> folium.Map
    render_html(features, basemap="osm", places=None, lang="zh", all_features=None) -> str
        (the offline HTML map: the base map above, the items from ``compact.encode`` drawn by
        ``canvas_items.CanvasItems`` on a canvas in the page)
    split_by_precision(features) -> (located, coarse)
"""
from geo.mapview.basemaps import Basemap, available as available_basemaps, get as get_basemap  # noqa: F401
from geo.mapview.build import base_map, build_map, data_bounds, data_layer  # noqa: F401
from geo.mapview.context import Places, load_places  # noqa: F401
from geo.mapview.item_layer import is_precisely_located, split_by_precision  # noqa: F401
from geo.mapview.standalone import render_html  # noqa: F401
