"""A legend big enough for a projector: status colours, category symbols, the count badge."""
from __future__ import annotations

from pathlib import Path

from branca.element import MacroElement
from jinja2 import Template

from geo import i18n
from geo.contract import CATEGORIES, STATUSES
from geo.mapview import styles

_TEMPLATE = (Path(__file__).parent / "templates" / "legend.html").read_text(encoding="utf-8")


class Legend(MacroElement):
    _template = Template(_TEMPLATE)

    def __init__(self, categories: list[str] | tuple[str, ...] = CATEGORIES, lang: str = "zh"):
        super().__init__()
        self._name = "Legend"
        self.title = i18n.t("legend", lang)
        self.status_title = i18n.t("legend_status", lang)
        self.category_title = i18n.t("legend_category", lang)
        self.statuses = [(styles.status_colour(s), i18n.status_label(s, lang)) for s in STATUSES]
        ordered = [c for c in CATEGORIES if c in set(categories)]
        self.categories = [(styles.category_shape(c), styles.category_glyph(c, lang), i18n.category_label(c, lang))
                           for c in ordered]
        # the count badge: a sample number and what it means (not "村/镇级项目数 3", which reads like a count)
        self.badge_sample = "3"
        self.badge_meaning = i18n.t("legend_badge_meaning", lang)
