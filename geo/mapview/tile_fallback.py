"""When basemap tiles cannot be loaded (no internet in the meeting room, an intranet), the map drops
them by itself and says so: what is left is the outline basemap (无底图). The browser remembers it for
a few hours (localStorage), and 重试底图 brings the tiles back.

:func:`add_tile_fallback` adds one small script (``templates/tile_fallback.js``) for the map's tile
layers; nothing is fetched.
"""
from __future__ import annotations

from pathlib import Path

from branca.element import MacroElement
from jinja2 import Template

from geo import i18n

_TEMPLATE = (Path(__file__).parent / "templates" / "tile_fallback.js").read_text(encoding="utf-8")
FAILURES_BEFORE_FALLBACK = 4  # tiles failed with none loaded: one slow tile is not an outage

CSS = """
.geo-tile-fallback { background: #fff; padding: 4px 8px; font-size: 13px; max-width: 260px; line-height: 1.4; }
.geo-tile-fallback .geo-tile-retry { display: inline; margin-left: 6px; width: auto; height: auto;
  line-height: inherit; border: 0; text-decoration: underline; background: none; }
.geo-no-tiles .leaflet-control-minimap { display: none; }
"""


class TileFallback(MacroElement):
    _template = Template(_TEMPLATE)

    def __init__(self, layers, lang: str = "zh"):
        super().__init__()
        self._name = "TileFallback"
        self.layers = list(layers)
        self.texts = {"notice": i18n.t("tiles_unreachable", lang), "retry": i18n.t("tiles_retry", lang),
                      "after": FAILURES_BEFORE_FALLBACK}

    @property
    def layer_names(self) -> list[str]:
        return [layer.get_name() for layer in self.layers]


def add_tile_fallback(m, layers, lang: str = "zh") -> TileFallback | None:
    """Add the fallback for ``layers`` (the basemap's tile layers, already on ``m``); None without tiles."""
    if not layers:
        return None
    el = TileFallback(layers, lang)
    el.add_to(m)
    return el


__all__ = ["TileFallback", "add_tile_fallback", "CSS", "FAILURES_BEFORE_FALLBACK"]
