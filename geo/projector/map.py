"""The folium map of one projector step: the shared base map and item layer (geo.mapview),
zoomed to the step, with its title and a scaled-up legend drawn ON the map, filling the frame."""
from __future__ import annotations

from html import escape
from pathlib import Path

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.mapview import base_map, data_layer, offline
from geo.mapview.basemaps import Basemap
from geo.mapview.context import Places
from geo.mapview.controls import ScaleBar
from geo.projector import Step, step_bounds

_TITLE_TEMPLATE = (Path(__file__).parent / "templates" / "map_title.html").read_text(encoding="utf-8")

# Inside the map's iframe: the map fills the frame (whose height the page sets to the viewport),
# symbols, badges and the legend are scaled for a room; the no-tiles background is white.
PROJECTOR_MAP_CSS = """
html,body{height:100%;margin:0;overflow:hidden}
#map_div,.folium-map{height:calc(100vh - 4px)!important;width:100%!important}
.leaflet-container{background:#FFFFFF}
.geo-legend{font-size:clamp(18px,min(1.9vw,3.1vh),32px)!important;line-height:1.3!important;
 max-height:calc(100% - 34px - 118px)!important;
 padding:.4em .7em!important;border:2px solid #111;left:14px!important;bottom:34px!important}
.geo-legend-statuses{display:grid;grid-template-columns:repeat(2,auto);column-gap:.7em}
.geo-legend summary{font-size:1.08em!important}
.geo-legend-h{font-size:.92em!important;color:#111!important}
.geo-legend-swatch{width:1.5em!important;height:.95em!important}
.geo-legend-sym{transform:scale(1.1);margin:.2em .45em .2em .15em!important;flex:none}
.geo-legend-sym.geo-sym-diamond{transform:rotate(45deg) scale(1.1)}
.geo-legend-badge{font-size:.9em!important}
.geo-sym{transform:scale(1.35)}
.geo-sym-diamond{transform:rotate(45deg) scale(1.35)}
.geo-badge div{font-size:clamp(14px,1.3vw,24px)!important;border-width:3px!important}
.geo-place-label{font-size:clamp(13px,1.1vw,20px)!important;font-weight:bold;color:#111!important}
path.geo-item-path{stroke-width:7px}
.leaflet-control-zoom a{width:44px!important;height:44px!important;line-height:44px!important;font-size:26px!important}
"""


class MapTitle(MacroElement):
    """A title box at the top of the map (escaped text), large enough for the back of a room."""

    _template = Template(_TITLE_TEMPLATE)

    def __init__(self, title: str, subtitle: str = ""):
        super().__init__()
        self._name = "MapTitle"
        self.title = title
        self.subtitle = subtitle


def step_map(step: Step, places: Places | None, *, basemap: Basemap, title: str, subtitle: str = "",
             lang: str = "zh", all_categories=None) -> folium.Map:
    """A complete map (base + items of the step), fitted to the step's items."""
    bounds = step_bounds(step.features, places)
    categories = step.categories or list(all_categories or [])
    m = base_map(basemap=basemap, bounds=bounds, places=places, categories=categories, lang=lang,
                 with_controls=False)
    m.options["keyboard"] = False  # ← → belong to the walk, not to panning
    ScaleBar().add_to(m)
    data_layer(list(step.features), places, lang=lang, datum=basemap.datum, popups=False).add_to(m)
    MapTitle(title, subtitle).add_to(m)
    m.get_root().header.add_child(Element(f"<style>{PROJECTOR_MAP_CSS}</style>"), name="geo_projector_css")
    return offline.localise(m)


def title_text(title: str) -> str:
    """The escaped title as put into the map (for tests and for the page's aria label)."""
    return escape(title)
