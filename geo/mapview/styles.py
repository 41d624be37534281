"""How an item looks: colour by status, symbol (shape + glyph) by category.

One table used by the item layer, the legend, the list and the plan page, so a
colour means the same thing everywhere. Colours are the Okabe-Ito palette
(distinguishable with colour-vision deficiency and on a washed-out projector).
"""
from __future__ import annotations

STATUS_COLOURS = {
    "proposed": "#CC79A7",     # reddish purple
    "planned": "#0072B2",      # blue
    "in_progress": "#E69F00",  # orange
    "completed": "#009E73",    # bluish green
    "suspended": "#7F7F7F",    # grey
}
UNKNOWN_COLOUR = "#444444"

# Shape groups: networks are diamonds, areas squares, facilities circles.
_NETWORK = {"road", "rail", "bridge", "water_supply", "sewage", "reservoir", "river"}
_AREA = {"farmland", "forest", "industrial_park", "land", "housing", "village_renewal", "demolition"}

# One character that reads at a glance; Chinese first, a Latin letter for the English UI.
CATEGORY_GLYPHS = {
    "road": ("路", "R"), "rail": ("铁", "Ra"), "bridge": ("桥", "B"), "water_supply": ("供", "W"),
    "sewage": ("污", "S"), "reservoir": ("库", "Re"), "river": ("河", "Ri"), "farmland": ("田", "F"),
    "forest": ("林", "Fo"), "industrial_park": ("园", "P"), "enterprise": ("企", "E"),
    "telecom": ("信", "T"), "school": ("学", "Ed"), "health": ("医", "H"), "culture": ("文", "C"),
    "tourism": ("旅", "To"), "village_renewal": ("村", "V"), "demolition": ("拆", "D"),
    "land": ("地", "L"), "housing": ("房", "Ho"), "other": ("他", "O"),
}
# Line dash by kind of network, so a road and a stream of the same status differ in black and white too.
_DASH = {"river": "8 6", "water_supply": "2 6", "sewage": "2 6", "rail": "12 4 2 4"}

# Category colours for the plan page highlights (status is not shown there).
CATEGORY_COLOURS = {
    "road": "#F0E442", "rail": "#D4C27A", "bridge": "#E8D27A", "water_supply": "#9AD0F5",
    "sewage": "#A6C8E0", "reservoir": "#56B4E9", "river": "#7FD3F7", "farmland": "#B5E3A1",
    "forest": "#8FD19E", "industrial_park": "#F6B48F", "enterprise": "#F3C6A5", "telecom": "#D9B8F0",
    "school": "#F7C6D9", "health": "#F4A6A6", "culture": "#E0C3F5", "tourism": "#C3E8E0",
    "village_renewal": "#DDE7A3", "demolition": "#CFCFCF", "land": "#E6D3B3", "housing": "#F5DEB3",
    "other": "#E0E0E0",
}


def status_colour(status: str | None) -> str:
    return STATUS_COLOURS.get(status or "", UNKNOWN_COLOUR)


def category_shape(category: str | None) -> str:
    if category in _NETWORK:
        return "diamond"
    if category in _AREA:
        return "square"
    return "circle"


def category_glyph(category: str | None, lang: str = "zh") -> str:
    zh, en = CATEGORY_GLYPHS.get(category or "other", CATEGORY_GLYPHS["other"])
    return en if lang == "en" else zh


def category_colour(category: str | None) -> str:
    return CATEGORY_COLOURS.get(category or "other", CATEGORY_COLOURS["other"])


MARKER_SIZE = 26


def marker_html(category: str | None, status: str | None, lang: str = "zh") -> str:
    """The DivIcon body of a point item. Built only from code tables, never from item text."""
    shape = category_shape(category)
    return (f'<div class="geo-sym geo-sym-{shape}" style="background:{status_colour(status)}">'
            f'<span>{category_glyph(category, lang)}</span></div>')


def point_style(category: str | None, status: str | None, lang: str = "zh") -> dict:
    """Options merged into the DivIcon of a point feature (folium GeoJson marker styling)."""
    return {
        "html": marker_html(category, status, lang),
        "className": f"geo-item-marker geo-status-{status or 'unknown'} geo-cat-{category or 'other'}",
        "iconSize": [MARKER_SIZE, MARKER_SIZE],
        "iconAnchor": [MARKER_SIZE // 2, MARKER_SIZE // 2],
    }


def path_style(category: str | None, status: str | None, geometry_type: str | None) -> dict:
    colour = status_colour(status)
    if geometry_type in ("Polygon", "MultiPolygon"):
        return {"color": colour, "weight": 3, "fillColor": colour, "fillOpacity": 0.25, "opacity": 0.9}
    return {"color": colour, "weight": 6, "opacity": 0.9, "dashArray": _DASH.get(category or ""),
            "lineCap": "round"}


# CSS for symbols and badges, added once to the map's header.
SYMBOL_CSS = """
.geo-item-marker{background:none;border:none}
.geo-sym{width:24px;height:24px;border:2px solid #fff;box-shadow:0 0 0 1px #333,0 1px 3px rgba(0,0,0,.5);
 display:flex;align-items:center;justify-content:center;color:#fff;font:bold 13px/1 "Noto Sans CJK SC","Microsoft YaHei",sans-serif}
.geo-sym-circle{border-radius:50%}
.geo-sym-square{border-radius:3px}
.geo-sym-diamond{transform:rotate(45deg);width:20px;height:20px;margin:2px}
.geo-sym-diamond span{transform:rotate(-45deg)}
.geo-badge{background:none;border:none}
.geo-badge div{display:inline-block;white-space:nowrap;padding:3px 8px;border:2px dashed #333;border-radius:12px;
 background:rgba(255,255,255,.92);color:#111;font:bold 14px/1.2 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;
 box-shadow:0 1px 3px rgba(0,0,0,.4);transform:translate(-50%,-50%)}
.geo-badge b{display:inline-block;min-width:18px;margin-left:4px;padding:0 4px;border-radius:9px;background:#333;color:#fff;text-align:center}
.geo-place-label{background:none;border:none;color:#333;font:12px "Noto Sans CJK SC",sans-serif;text-shadow:0 0 3px #fff}
"""
