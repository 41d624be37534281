"""The offline asset registry: every CDN URL folium and its plugins use, mapped to a local file.

ONE place decides where the map's JS/CSS come from:

* ``localise(map, "serve")`` rewrites the ``default_js``/``default_css`` of every element
  of a map to ``/app/static/vendor/...`` (Streamlit static serving); st_folium reads
  those same attributes to build the component's script and link list.
* ``inline_html(html)`` replaces those local links in a rendered page by the file
  contents (CSS ``url()`` references become data: URIs), for ``python -m geo render``.

A URL that is not in the registry raises :class:`UnknownAsset`: a new plugin must be
added here (and its npm package to ``geo.assets``) before it can be used, so nothing
is ever silently loaded from the internet.
"""
from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

import folium
from branca.element import Element

from geo.assets import STATIC_URL, VENDOR_DIR


@dataclass(frozen=True)
class VendorFile:
    folder: str  # under static/vendor/ (see geo.assets.PACKAGES)
    path: str

    @property
    def url(self) -> str:
        return f"{STATIC_URL}/{self.folder}/{self.path}"

    def file(self, vendor_dir: Path = VENDOR_DIR) -> Path:
        return vendor_dir / self.folder / self.path


_JSD = "https://cdn.jsdelivr.net/npm"
_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"

# CDN URL -> local file, or None for a file nothing we draw uses (it is then left out).
REGISTRY: dict[str, VendorFile | None] = {
    f"{_JSD}/leaflet@1.9.3/dist/leaflet.js": VendorFile("leaflet", "dist/leaflet.js"),
    f"{_JSD}/leaflet@1.9.3/dist/leaflet.css": VendorFile("leaflet", "dist/leaflet.css"),
    "https://code.jquery.com/jquery-3.7.1.min.js": VendorFile("jquery", "dist/jquery.min.js"),
    f"{_JSD}/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": VendorFile("bootstrap", "dist/js/bootstrap.bundle.min.js"),
    f"{_JSD}/bootstrap@5.2.2/dist/css/bootstrap.min.css": VendorFile("bootstrap", "dist/css/bootstrap.min.css"),
    # Bootstrap 3 glyphicons: only folium.Icon(prefix="glyphicon") uses them; not on npm as a file.
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        VendorFile("awesome-markers", "dist/leaflet.awesome-markers.js"),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        VendorFile("awesome-markers", "dist/leaflet.awesome-markers.css"),
    f"{_JSD}/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": VendorFile("fontawesome", "css/all.min.css"),
    # folium's rotation helper for awesome markers (rotated icons); served from GitHub only, unused here.
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": None,
    f"{_JSD}/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": VendorFile("fullscreen", "Control.FullScreen.js"),
    f"{_JSD}/leaflet.fullscreen@3.0.0/Control.FullScreen.css": VendorFile("fullscreen", "Control.FullScreen.css"),
    f"{_CDNJS}/leaflet-locatecontrol/0.66.2/L.Control.Locate.min.js":
        VendorFile("locatecontrol", "dist/L.Control.Locate.min.js"),
    f"{_CDNJS}/leaflet-locatecontrol/0.66.2/L.Control.Locate.min.css":
        VendorFile("locatecontrol", "dist/L.Control.Locate.min.css"),
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js":
        VendorFile("measure", "dist/leaflet-measure.min.js"),
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css":
        VendorFile("measure", "dist/leaflet-measure.css"),
    f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.js": VendorFile("minimap", "dist/Control.MiniMap.min.js"),
    f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.css": VendorFile("minimap", "dist/Control.MiniMap.min.css"),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        VendorFile("markercluster", "dist/leaflet.markercluster.js"),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css": VendorFile("markercluster", "dist/MarkerCluster.css"),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css":
        VendorFile("markercluster", "dist/MarkerCluster.Default.css"),
    f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.js": VendorFile("draw", "dist/leaflet.draw.js"),
    f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.css": VendorFile("draw", "dist/leaflet.draw.css"),
}
# What the map itself needs of folium.Map's defaults (no jQuery/Bootstrap/awesome markers:
# items are drawn by one GeoJson layer with our own symbols).
MAP_JS = ("leaflet",)
MAP_CSS = ("leaflet_css",)


class UnknownAsset(Exception):
    def __init__(self, url: str, element: str):
        super().__init__(f"{element} loads {url}, which is not in geo/mapview/offline.py REGISTRY; "
                         "add the npm package to geo/assets.py and the URL to the registry")


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _local(links, element) -> list[tuple[str, str]]:
    out = []
    for name, url in links or []:
        if url.startswith(STATIC_URL) or url.startswith("data:"):
            out.append((name, url))
            continue
        if url not in REGISTRY:
            raise UnknownAsset(url, type(element).__name__)
        target = REGISTRY[url]
        if target is not None:
            out.append((name, target.url))
    return out


def slim_map_defaults(m: folium.Map) -> None:
    """Keep only Leaflet of folium.Map's default assets (instance-level, folium's own API)."""
    m.default_js = [(n, u) for n, u in folium.Map.default_js if n in MAP_JS]
    m.default_css = [(n, u) for n, u in folium.Map.default_css if n in MAP_CSS]


def localise(m: folium.Map) -> folium.Map:
    """Point every element's JS/CSS at the self-hosted copies. Idempotent."""
    for el in _walk(m):
        if hasattr(el, "default_js") or hasattr(el, "default_css"):
            el.default_js = _local(getattr(el, "default_js", []), el)
            el.default_css = _local(getattr(el, "default_css", []), el)
    return m


def asset_urls(m: folium.Map) -> list[str]:
    """Every JS/CSS URL the map will load (for tests and checks)."""
    urls = []
    for el in _walk(m):
        urls += [u for _, u in getattr(el, "default_js", []) or []]
        urls += [u for _, u in getattr(el, "default_css", []) or []]
    return list(dict.fromkeys(urls))


# ---- standalone HTML: inline every local asset ---------------------------------
_SCRIPT_RE = re.compile(r'<script\s+src="(' + re.escape(STATIC_URL) + r'/[^"]+)"\s*>\s*</script>')
_LINK_RE = re.compile(r'<link\s+rel="stylesheet"\s+href="(' + re.escape(STATIC_URL) + r'/[^"]+)"\s*/?>')
_CSS_URL_RE = re.compile(r'url\((["\']?)([^)"\']+)\1\)')


class MissingAsset(Exception):
    pass


def _vendor_file(url: str, vendor_dir: Path) -> Path:
    path = vendor_dir / url[len(STATIC_URL) + 1:]
    if not path.is_file():
        raise MissingAsset(f"{path} is missing; run scripts/fetch-assets.sh (npm registry) first")
    return path


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".woff2":
        mime = "font/woff2"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _inline_css(css_path: Path) -> str:
    css = css_path.read_text(encoding="utf-8")

    def repl(match):
        ref = match.group(2).strip()
        if ref.startswith(("data:", "#")) or "://" in ref:
            return match.group(0) if ref.startswith(("data:", "#")) else "url()"
        target = (css_path.parent / ref.split("?")[0].split("#")[0]).resolve()
        if not target.is_file():
            return "url()"
        # A browser takes the first font format it supports: woff2 is enough, skip heavier copies.
        if target.suffix in (".ttf", ".woff", ".eot", ".svg") and "webfonts" in target.parts:
            return "url()"
        return f'url("{_data_uri(target)}")'

    return _CSS_URL_RE.sub(repl, css).replace("</style", "<\\/style")


def inline_html(html: str, vendor_dir: Path = VENDOR_DIR) -> str:
    """The page with every self-hosted <script src> and stylesheet replaced by its contents."""
    def script(match):
        code = _vendor_file(match.group(1), vendor_dir).read_text(encoding="utf-8")
        return "<script>" + code.replace("</script", "<\\/script") + "</script>"

    def link(match):
        return "<style>" + _inline_css(_vendor_file(match.group(1), vendor_dir)) + "</style>"

    html = _SCRIPT_RE.sub(script, html)
    return _LINK_RE.sub(link, html)


def add_css(m: folium.Map, css: str) -> None:
    m.get_root().header.add_child(Element(f"<style>{css}</style>"), name="geo_symbol_css")
