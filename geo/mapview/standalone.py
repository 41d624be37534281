"""One self-contained HTML file of the map: every JS/CSS inlined, opens offline from disk."""
from __future__ import annotations

from html import escape
from pathlib import Path

from geo import i18n
from geo.mapview import offline
from geo.mapview.basemaps import get as get_basemap
from geo.mapview.build import build_map
from geo.mapview.context import Places


def render_html(features: list[dict], *, basemap: str = "osm", places: Places | None = None, lang: str = "zh",
                all_features: list[dict] | None = None, title: str | None = None,
                vendor_dir: Path = offline.VENDOR_DIR) -> str:
    """The map of ``features`` as one HTML document (same layers and styles as the app)."""
    m = build_map(features, basemap=get_basemap(basemap), places=places, lang=lang, all_features=all_features)
    title = title or i18n.t("app_title", lang)
    html = m.get_root().render()
    html = html.replace("<head>", f'<head>\n<meta charset="utf-8"><title>{escape(title)}</title>', 1)
    return offline.inline_html(html, vendor_dir)


def write_html(path: Path, html: str) -> None:
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
