"""The placing map: click a point or draw a line or polygon, as the 待定位 page's 地图点选/绘制 tab
and the detail panel's 在地图上点选或绘制 do. What was clicked or drawn becomes a proposal that
a person confirms before anything is saved.
"""
from __future__ import annotations

import html

import streamlit as st
from branca.element import MacroElement, Template

from geo import i18n
from geo.app.state import Keys
from geo.mapview import base_map
from geo.mapview.basemaps import available as available_basemaps
from geo.query import geometry_bounds


def draw_map(ctx, *, key: str, height: int = 520, focus: dict | None = None, place: dict | None = None,
             suggestions: list[dict] | None = None):
    """A map with the current items and a Draw toolbar; returns st_folium's payload.

    A click shows a pin where one clicked at once (in the browser, before the app reruns).
    ``suggestions``: online suggestions as {lon, lat, label} in WGS-84, drawn as marked points.

    Clicks and drawings are in the displayed basemap's datum (GCJ-02 on Gaode tiles);
    :func:`proposal_from_map` records that datum so the placement converts it back.
    """
    from folium.plugins import Draw
    from streamlit_folium import st_folium

    from geo.mapview import data_bounds, data_layer
    from geo.mapview import offline

    basemaps = available_basemaps()
    basemap = basemaps.get(ctx.state.basemap) or basemaps["osm"]
    bounds = None
    if focus is not None and focus.get("geometry"):
        bounds = geometry_bounds(focus["geometry"])
    if bounds is None and place is not None:
        bounds = _place_context_bounds(ctx, place)
    if bounds is None:
        bounds = data_bounds(ctx.features, ctx.places)
    m = base_map(basemap=basemap, bounds=bounds, places=ctx.places, lang=ctx.lang,
                 categories=sorted({(f.get("properties") or {}).get("category") for f in ctx.features} - {None}))
    data_layer(ctx.features, ctx.places, lang=ctx.lang, datum=basemap.datum, clustered=False).add_to(m)
    Draw(export=False, position="topleft",
         draw_options={"polyline": {"shapeOptions": {"color": "#d62728"}}, "polygon": {"allowIntersection": False},
                       "marker": True, "rectangle": False, "circle": False, "circlemarker": False},
         edit_options={"edit": False, "remove": True}).add_to(m)
    if suggestions:
        _suggestion_layer(suggestions, basemap.datum).add_to(m)
    ClickPin().add_to(m)
    offline.localise(m)
    if basemap.datum == "gcj02":
        st.caption(i18n.t("gcj_note", ctx.lang))
    st.session_state[Keys.map_datum(key)] = basemap.datum
    return st_folium(m, key=key, height=height, use_container_width=True,
                     returned_objects=["last_clicked", "last_active_drawing", "all_drawings"])


class ClickPin(MacroElement):
    """On a click, add (or move) a pin where one clicked, at once, in the browser (not while drawing)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var icon = L.divIcon({className: 'geo-click-pin', iconSize: [22, 22], iconAnchor: [11, 22],
            html: '<div style="width:22px;height:22px;border-radius:50% 50% 50% 0;background:#d62728;'
                + 'border:2px solid #fff;box-shadow:0 0 3px #000;transform:rotate(-45deg)"></div>'});
          var pin = null, drawing = false;
          // while a line, polygon or marker is being drawn, its clicks are vertices, not a point
          map.on('draw:drawstart', function () { drawing = true; });
          map.on('draw:drawstop', function () { drawing = false; });
          map.on('draw:created', function () { if (pin !== null) { map.removeLayer(pin); pin = null; } });
          map.on('click', function (e) {
            if (drawing) { return; }
            if (pin === null) { pin = L.marker(e.latlng, {icon: icon, interactive: false}).addTo(map); }
            else { pin.setLatLng(e.latlng); }
          });
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "ClickPin"


def _suggestion_layer(suggestions: list[dict], datum: str):
    """Online suggestions as orange rings with their label, in the basemap's datum."""
    import folium

    from geo.coords import convert_geometry
    group = folium.FeatureGroup(name="online-suggestions", control=False)
    for s in suggestions:
        geom = convert_geometry({"type": "Point", "coordinates": [s["lon"], s["lat"]]}, "wgs84", datum)
        x, y = geom["coordinates"][:2]
        folium.CircleMarker([y, x], radius=9, color="#ff7f0e", weight=3, fill=True, fill_opacity=0.25,
                            tooltip=folium.Tooltip(html.escape(s["label"])), class_name="geo-suggestion").add_to(group)
    return group


def _place_context_bounds(ctx, place: dict):
    """Open the placing map on the place's town (its seat point), else the data."""
    town = (place.get("properties") or {}).get("town")
    pt = ctx.places.point_for(town) if town else None
    if pt and pt.get("geometry"):
        w, s, e, n = geometry_bounds(pt["geometry"])
        pad = 0.04
        return (w - pad, s - pad, e + pad, n + pad)
    return None


def proposal_from_map(out, map_key: str) -> dict | None:
    """A new click or drawing on the map ``map_key`` as {geometry, how, datum}; None when nothing new happened."""
    if not out:
        return None
    datum = st.session_state.get(Keys.map_datum(map_key), "wgs84")
    seen = st.session_state.setdefault(Keys.LOCATE_SEEN, {})
    drawings = out.get("all_drawings") or []
    sig_draw = repr(drawings[-1]) if drawings else None
    click = out.get("last_clicked")
    sig_click = repr(click) if click else None
    before = seen.get(map_key, {})
    seen[map_key] = {"draw": sig_draw, "click": sig_click}
    if sig_draw and sig_draw != before.get("draw"):
        geom = (drawings[-1] or {}).get("geometry")
        if geom and geom.get("type") in ("Point", "LineString", "Polygon"):
            how = "manual" if geom["type"] == "Point" else "draw"
            return {"geometry": geom, "how": how, "datum": datum}
    if sig_click and sig_click != before.get("click"):
        return {"geometry": {"type": "Point", "coordinates": [click["lng"], click["lat"]]}, "how": "manual",
                "datum": datum}
    return None


__all__ = ["draw_map", "proposal_from_map"]
