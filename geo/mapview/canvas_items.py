"""The offline map's item layer: the compact data once, drawn on a canvas, filtered in the page.

One element on a folium map (like a folium plugin): it embeds the output of
:func:`geo.mapview.compact.encode` in a non-executed ``<script type=...>`` block (plain JSON, or
gzip + base64 when that is much smaller) and the script ``templates/offline_items.js`` that
draws it: symbols, lines and areas up to ``DETAIL_MAX`` items in view, counts per grid cell
above; click for the detail, status/category filters, count badges and a list of the items
known only to a village or the town.
"""
from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path

from branca.element import MacroElement
from jinja2 import Template

from geo import i18n
from geo.contract import CATEGORIES, PRECISIONS, STATUSES
from geo.mapview import styles

_TEMPLATES = Path(__file__).parent / "templates"
DETAIL_MAX = 3000        # items in the (padded) view above which they are counted per grid cell
CELL_PX = 80             # grid cell size on screen, fixed to the zoom level's pixel grid
LIST_PAGE = 200          # rows of a list shown at once
COMPRESS_ABOVE = 256 * 1024  # bytes of JSON above which the data is stored gzip + base64
DATA_ID = "geo-offline-data"



def _dash(category: str) -> list[float] | None:
    dash = styles.path_style(category, None, "LineString").get("dashArray")
    return [float(v) for v in dash.split()] if dash else None


def json_for_html(value) -> str:
    """JSON that cannot end or alter the HTML element it sits in (< > & and line separators escaped)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def pack(data: dict, compress_above: int = COMPRESS_ABOVE) -> tuple[str, str]:
    """(codec, text) of the data block: "json" when small, else "gzip-base64"."""
    text = json_for_html(data)
    raw = text.encode("utf-8")
    if len(raw) <= compress_above:
        return "json", text
    return "gzip-base64", base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def unpack(codec: str, text: str) -> dict:
    """The inverse of :func:`pack` (what the page does with DecompressionStream)."""
    if codec == "gzip-base64":
        text = gzip.decompress(base64.b64decode(text)).decode("utf-8")
    return json.loads(text)


_DATA_BLOCK = re.compile(r'<script type="[^"]+" id="' + DATA_ID + r'" data-codec="([^"]+)">(.*?)</script>', re.S)


def data_from_html(html: str) -> dict:
    """The compact data held in a rendered offline map (for tests, benchmarks and checks)."""
    found = _DATA_BLOCK.search(html)
    if found is None:
        raise ValueError("no offline map data block in this page")
    return unpack(found.group(1), found.group(2))


def page_config(lang: str = "zh") -> dict:
    """Labels, colours and symbols the script needs: the same tables as the app's map and legend."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    labels = {key: t(key) for key in ("filters", "status", "category", "area", "places", "precision", "source_text",
                                      "unlocated_help", "count_shown", "cell_tip", "badge_title", "items_n",
                                      "unlocated_n", "data_error")}
    labels.update({
        "all": t("offline_all"), "unknown": t("offline_unknown"), "more": t("offline_more"), "here": t("offline_here"),
        "old_browser": t("offline_old_browser"),
        "status_label": {c: i18n.status_label(c, lang) for c in STATUSES},
        "category_label": {c: i18n.category_label(c, lang) for c in CATEGORIES},
        "precision_label": {c: i18n.precision_label(c, lang) for c in PRECISIONS},
    })
    return {
        "dataId": DATA_ID, "detailMax": DETAIL_MAX, "cellPx": CELL_PX, "listPage": LIST_PAGE,
        "symbolPx": styles.MARKER_SIZE - 2, "labels": labels,
        "statusColours": dict(styles.STATUS_COLOURS), "unknownColour": styles.UNKNOWN_COLOUR,
        "shapes": {c: styles.category_shape(c) for c in CATEGORIES},
        "glyphs": {c: styles.category_glyph(c, lang) for c in CATEGORIES},
        "dash": {c: _dash(c) for c in CATEGORIES if _dash(c)},
    }


class CanvasItems(MacroElement):
    _template = Template("""
{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
{% macro html(this, kwargs) %}
<script type="{{ this.mime }}" id="{{ this.data_id }}" data-codec="{{ this.codec }}">{{ this.blob }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
;{{ this.code }}({{ this._parent.get_name() }}, {{ this.config_json }});
{% endmacro %}
""")

    def __init__(self, data: dict, *, lang: str = "zh", compress_above: int = COMPRESS_ABOVE):
        super().__init__()
        self._name = "CanvasItems"
        self.codec, self.blob = pack(data, compress_above)
        self.mime = "application/json" if self.codec == "json" else "application/octet-stream"
        self.data_id = DATA_ID
        self.config_json = json_for_html(page_config(lang))
        self.code = (_TEMPLATES / "offline_items.js").read_text(encoding="utf-8").strip().rstrip(";")
        self.css = (_TEMPLATES / "offline_items.css").read_text(encoding="utf-8")
