"""One self-contained HTML file of the map (``python -m geo render``, the 离线地图 download).

The base map is the app's (tiles, outline with its credit, legend, controls; every JS/CSS
inlined); the items are held once in compact form and drawn on a canvas by
:class:`geo.mapview.canvas_items.CanvasItems`, with popups, filters and count badges built in
the page. Opens from disk without a server and without internet (with basemap ``none``).
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from geo import i18n
from geo.mapview import compact, offline
from geo.mapview.basemaps import get as get_basemap
from geo.mapview.build import base_map, data_bounds
from geo.mapview.canvas_items import COMPRESS_ABOVE, CanvasItems
from geo.mapview.context import Places


def render_html(features: list[dict], *, basemap: str = "osm", places: Places | None = None, lang: str = "zh",
                all_features: list[dict] | None = None, title: str | None = None,
                vendor_dir: Path = offline.VENDOR_DIR, compress_above: int = COMPRESS_ABOVE) -> str:
    """The map of ``features`` as one HTML document.

    ``all_features`` (default ``features``): the whole list the filter was taken from; the map
    opens on it and its legend lists its categories, so every filter of one data set looks alike.
    """
    chosen = get_basemap(basemap)
    everything = all_features if all_features is not None else features
    m = base_map(basemap=chosen, bounds=data_bounds(everything, places), places=places,
                 categories={(f.get("properties") or {}).get("category") for f in everything} - {None},
                 lang=lang, cluster_assets=False)
    data = compact.encode(features, places, lang=lang, datum=chosen.datum)
    CanvasItems(data, lang=lang, compress_above=compress_above).add_to(m)
    title = title or i18n.t("app_title", lang)
    html = m.get_root().render()
    html = html.replace("<head>", f'<head>\n<meta charset="utf-8"><title>{escape(title)}</title>', 1)
    return offline.inline_html(html, vendor_dir)


def write_html(path: Path, html: str) -> None:
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
