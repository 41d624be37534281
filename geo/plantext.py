"""The plan text with every item marked where it stands, for the 原文 page.

Spans index into the text the extractor read, so the text is read with the
extractor's reader when it is there (``geo.extract``), else as UTF-8.
Every piece of plan text and every item name is HTML-escaped here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urlencode

from geo import i18n
from geo.mapview import styles
from geo.mapview.item_layer import is_precisely_located


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    start: int


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    item_id: str
    name: str
    category: str | None
    located: bool


class PlanTextError(Exception):
    pass


def plan_path(plans_dir: Path, plan: str) -> Path | None:
    """The file of a plan id: ``<plan>.txt`` or any ``<plan>.*`` in the plans folder."""
    if not plan or "/" in plan or "\\" in plan or plan.startswith("."):
        return None
    exact = plans_dir / f"{plan}.txt"
    if exact.is_file():
        return exact
    # compare stems instead of globbing: a plan id is data and may hold glob characters
    matches = sorted(p for p in plans_dir.iterdir() if p.is_file() and p.stem == plan) if plans_dir.is_dir() else []
    return matches[0] if matches else None


def read_plan(path: Path) -> str:
    try:
        from geo.extract.documents import read_document
    except ImportError:
        read_document = None
    try:
        if read_document is not None:
            return read_document(path)
        return path.read_text(encoding="utf-8-sig")
    except Exception as exc:  # the extractor raises its own error type; any failure is shown, not raised
        raise PlanTextError(f"{path}: {exc}") from None


_HEADING_RE = re.compile(r"^[ \t\u3000]*(?:([一二三四五六七八九十]+)、|[（(]([一二三四五六七八九十]+)[)）])[^\n]{0,40}",
                         re.MULTILINE)


def headings(text: str) -> list[Heading]:
    """Section headings with their offsets (the extractor's structure pass when available)."""
    try:
        from geo.extract.structure import split_document

        found, _clauses = split_document(text)
        return [Heading(h.level, h.text, h.start) for h in found]
    except Exception:  # noqa: BLE001  (fall back to the two common numbering styles)
        out = []
        for m in _HEADING_RE.finditer(text):
            level = 1 if m.group(1) else 2
            line = m.group(0).strip()
            out.append(Heading(level, re.split(r"[。：:]", line)[0][:40], m.start()))
        return out


def marks(features: list[dict], text_length: int) -> list[Mark]:
    """Item spans inside the text, sorted; overlapping spans are clipped so each character is marked once."""
    raw = []
    for f in features:
        p = f.get("properties") or {}
        span = p.get("span")
        if not (isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(x, int) for x in span)):
            continue
        start, end = max(0, span[0]), min(text_length, span[1])
        if end <= start:
            continue
        raw.append(Mark(start, end, str(f.get("id") or p.get("id")), str(p.get("name") or ""), p.get("category"),
                        is_precisely_located(f)))
    raw.sort(key=lambda m: (m.start, -m.end))
    out: list[Mark] = []
    pos = 0
    for m in raw:
        start = max(m.start, pos)
        if start >= m.end:
            continue
        out.append(Mark(start, m.end, m.item_id, m.name, m.category, m.located))
        pos = m.end
    return out


def _anchor(start: int) -> str:
    return f"geo-h-{start}"


def render_html(text: str, features: list[dict], *, link_params: dict | None = None, selected: set[str] = frozenset(),
                lang: str = "zh") -> str:
    """The whole plan as HTML: headings anchored, items as coloured links that select the item."""
    heads = {h.start: h for h in headings(text)}
    ms = marks(features, len(text))
    parts = ['<div class="geo-plan">']
    pos = 0
    boundaries = sorted(set(heads) | {m.start for m in ms})
    mark_at = {m.start: m for m in ms}

    def plain(a: int, b: int):
        if b > a:
            parts.append(escape(text[a:b]))

    for b in boundaries:
        if b < pos:
            continue
        plain(pos, b)
        pos = b
        if b in heads:
            parts.append(f'<span id="{_anchor(b)}"></span>')
        m = mark_at.get(b)
        if m is not None:
            params = dict(link_params or {})
            params["item"] = m.item_id
            href = "?" + urlencode(params)
            colour = styles.category_colour(m.category)
            cls = "geo-mark" + ("" if m.located else " geo-unlocated") + (" geo-selected" if m.item_id in selected else "")
            label = i18n.category_label(m.category, lang) + ("" if m.located else " · " + i18n.t("unlocated_short", lang))
            parts.append(f'<a class="{cls}" href="{escape(href)}" target="_self" data-item="{escape(m.item_id)}" '
                         f'title="{escape(m.name + " — " + label)}" style="background:{colour}">'
                         f'{escape(text[m.start:m.end])}</a>')
            pos = m.end
    plain(pos, len(text))
    parts.append("</div>")
    return "".join(parts)


def toc_html(text: str) -> str:
    items = []
    for h in headings(text):
        indent = (h.level - 1) * 14
        items.append(f'<div style="margin-left:{indent}px"><a href="#{_anchor(h.start)}" target="_self">'
                     f'{escape(h.text)}</a></div>')
    return "".join(items)


PLAN_CSS = """
<style>
.geo-plan{white-space:pre-wrap;line-height:1.9;font-size:16px;font-family:"Noto Serif CJK SC","Noto Sans CJK SC",serif}
.geo-mark{color:#111;text-decoration:none;border-radius:3px;padding:1px 0;border-bottom:2px solid #555}
.geo-mark.geo-unlocated{border-bottom:2px dashed #C00}
.geo-mark.geo-selected{outline:3px solid #D00000}
</style>
"""
