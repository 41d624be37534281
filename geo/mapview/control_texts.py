"""The map controls in the reader's language: Leaflet's zoom buttons and attribution, leaflet-draw
(L.drawLocal: toolbar, Finish / Delete last point / Cancel, drawing tooltips), leaflet-measure
(its bundled Chinese locale), locate, fullscreen and minimap strings — every text from geo.i18n.

:func:`add_control_texts` adds one small script (``templates/control_texts.js``) to a map; it must
come before a Draw control in the map's children, which ``geo.mapview.controls.add_controls`` ensures
by adding it first. Nothing is fetched: the plugins are the self-hosted ones in static/vendor.
"""
from __future__ import annotations

import html
from pathlib import Path

from branca.element import MacroElement
from jinja2 import Template

from geo import i18n

_TEMPLATE = (Path(__file__).parent / "templates" / "control_texts.js").read_text(encoding="utf-8")

# leaflet-measure 2.1.7 ships its own locales in the bundle ("cn" is Simplified Chinese).
MEASURE_LOCALES = {"zh": "cn", "en": "en"}


def _t(key: str, lang: str, **kw) -> str:
    return i18n.t("ctl_" + key, lang, **kw)


def draw_texts(lang: str = "zh") -> dict:
    """The L.drawLocal tree (same shape as leaflet-draw 1.0's) with every text from geo.i18n."""
    t = lambda key: _t(key, lang)  # noqa: E731
    return {
        "draw": {
            "toolbar": {
                "actions": {"title": t("draw_cancel_title"), "text": t("draw_cancel")},
                "finish": {"title": t("draw_finish_title"), "text": t("draw_finish")},
                "undo": {"title": t("draw_undo_title"), "text": t("draw_undo")},
                "buttons": {k: t("draw_" + k) for k in ("polyline", "polygon", "rectangle", "circle", "marker",
                                                        "circlemarker")},
            },
            "handlers": {
                "circle": {"tooltip": {"start": t("draw_circle_start")}, "radius": t("draw_radius")},
                "circlemarker": {"tooltip": {"start": t("draw_marker_start")}},
                "marker": {"tooltip": {"start": t("draw_marker_start")}},
                "polygon": {"tooltip": {k: t("draw_polygon_" + k) for k in ("start", "cont", "end")}},
                "polyline": {"error": t("draw_polyline_error"),
                             "tooltip": {k: t("draw_polyline_" + k) for k in ("start", "cont", "end")}},
                "rectangle": {"tooltip": {"start": t("draw_rectangle_start")}},
                "simpleshape": {"tooltip": {"end": t("draw_simpleshape_end")}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {"save": {"title": t("edit_save_title"), "text": t("edit_save")},
                            "cancel": {"title": t("edit_cancel_title"), "text": t("edit_cancel")},
                            "clearAll": {"title": t("edit_clear_title"), "text": t("edit_clear")}},
                "buttons": {"edit": t("edit_edit"), "editDisabled": t("edit_edit_disabled"),
                            "remove": t("edit_remove"), "removeDisabled": t("edit_remove_disabled")},
            },
            "handlers": {
                "edit": {"tooltip": {"text": t("edit_edit_text"), "subtext": t("edit_edit_subtext")}},
                "remove": {"tooltip": {"text": t("edit_remove_text")}},
            },
        },
    }


def locate_strings(lang: str = "zh") -> dict:
    """leaflet.locatecontrol's ``strings`` option."""
    return {"title": _t("locate_title", lang), "metersUnit": _t("meters", lang), "feetUnit": _t("feet", lang),
            "popup": _t("locate_popup", lang, distance="{distance}", unit="{unit}"),
            "outsideMapBoundsMsg": _t("locate_outside", lang)}


def fullscreen_titles(lang: str = "zh") -> dict:
    """folium Fullscreen's ``title`` / ``title_cancel``."""
    return {"title": _t("fullscreen", lang), "title_cancel": _t("fullscreen_exit", lang)}


def minimap_strings(lang: str = "zh") -> dict:
    """leaflet-minimap's ``strings`` option (its toggle button's titles)."""
    return {"hideText": _t("minimap_hide", lang), "showText": _t("minimap_show", lang)}


def measure_locale(lang: str = "zh") -> str:
    return MEASURE_LOCALES.get(lang, "cn")


class ControlTexts(MacroElement):
    """Zoom titles, the Leaflet attribution's title and L.drawLocal, set in the map's own script."""
    _template = Template(_TEMPLATE)

    def __init__(self, lang: str = "zh"):
        super().__init__()
        self._name = "ControlTexts"
        self.texts = {"zoom_in": _t("zoom_in", lang), "zoom_out": _t("zoom_out", lang),
                      "leaflet_title": html.escape(_t("leaflet_title", lang), quote=True),
                      "draw": draw_texts(lang)}  # merged into L.drawLocal


def add_control_texts(m, lang: str = "zh") -> ControlTexts:
    el = ControlTexts(lang)
    el.add_to(m)
    return el


__all__ = ["ControlTexts", "add_control_texts", "draw_texts", "locate_strings", "fullscreen_titles",
           "minimap_strings", "measure_locale", "MEASURE_LOCALES"]
