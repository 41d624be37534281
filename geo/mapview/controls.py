"""The map controls users expect: fullscreen, my position, measuring, overview map, scale bar."""
from __future__ import annotations

import folium
from folium.plugins import Fullscreen, LocateControl, MeasureControl, MiniMap

from geo.mapview.basemaps import Basemap
from geo.mapview.control_texts import (
    add_control_texts, fullscreen_titles, locate_strings, measure_locale, minimap_strings,
)

# LocateControl 0.66 draws a Font Awesome icon by default; we avoid the icon font and draw our own.
LOCATE_CSS = """
.geo-locate-icon::before{content:"\\25CE";font-size:20px;line-height:30px;color:#333}
.geo-locate-busy::before{content:"\\2026";font-size:20px;line-height:30px}
"""


def add_controls(m: folium.Map, basemap: Basemap, lang: str = "zh") -> None:
    """Scale, fullscreen, locate, measure and minimap, every text in ``lang`` (geo.mapview.control_texts).

    The texts' script goes first, so a Draw control added later (the placing map) finds
    L.drawLocal already set.
    """
    add_control_texts(m, lang)
    ScaleBar().add_to(m)
    Fullscreen(position="topleft", **fullscreen_titles(lang)).add_to(m)
    LocateControl(position="topleft", strings=locate_strings(lang),
                  icon="geo-locate-icon", iconLoading="geo-locate-busy", flyTo=True).add_to(m)
    MeasureControl(position="topleft", primary_length_unit="meters", secondary_length_unit="kilometers",
                   primary_area_unit="sqmeters", secondary_area_unit="hectares",
                   localization=measure_locale(lang)).add_to(m)
    if basemap.has_tiles:
        spec = dict(basemap.layers[0])
        spec.pop("overlay", None)
        spec.pop("name", None)
        mini = folium.TileLayer(**spec)
        MiniMap(tile_layer=mini, position="bottomright", toggle_display=True, width=130, height=130,
                zoom_level_offset=-5, strings=minimap_strings(lang)).add_to(m)


class ScaleBar(folium.MacroElement):
    """Metric-only scale bar (folium's control_scale also shows feet and miles)."""

    def __init__(self, position: str = "bottomleft"):
        super().__init__()
        self._name = "ScaleBar"
        self.position = position


from jinja2 import Template as _Template  # noqa: E402

ScaleBar._template = _Template("""
{% macro script(this, kwargs) %}
L.control.scale({position: {{ this.position|tojson }}, metric: true, imperial: false})
    .addTo({{ this._parent.get_name() }});
{% endmacro %}
""")
