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


# ---- page chrome: the lines the extractor skips (geo.extract.documents.is_chrome_line) ----------------
def chrome_runs(text: str, keep: list[Mark] | tuple = ()) -> list[tuple[int, int]]:
    """(start, end) of each run of web-page chrome lines (进入老年模式, 当前位置, 浏览次数, 打印 关闭 …), the
    lines the extractor's structure pass skips; blank lines between two chrome lines join their run, and
    a run ends after its last line's newline. A run that holds any part of a mark is not chrome here."""
    try:
        from geo.extract.documents import is_chrome_line
    except ImportError:  # no extractor: nothing is known to be chrome
        return []
    from geo.extract.structure import iter_lines

    runs: list[list[int]] = []
    blank_since: int | None = None
    for start, end, line in iter_lines(text):
        stop = min(end + 1, len(text))
        if not line.strip():
            if runs and runs[-1][1] == start and blank_since is None:
                blank_since = start
            continue
        if is_chrome_line(line):
            if runs and blank_since is not None and runs[-1][1] == blank_since:
                runs[-1][1] = stop         # blank lines between two chrome lines: one run
            elif runs and runs[-1][1] == start:
                runs[-1][1] = stop
            else:
                runs.append([start, stop])
        blank_since = None
    spans = [(m.start, m.end) for m in keep]
    return [(a, b) for a, b in runs if not any(ms < b and me > a for ms, me in spans)]


def chrome_lines(text: str, runs: list[tuple[int, int]]) -> list[str]:
    """The non-blank lines of the chrome runs, in order (as text; escape where shown)."""
    return [line.strip() for a, b in runs for line in text[a:b].split("\n") if line.strip()]


def chrome_html(text: str, runs: list[tuple[int, int]]) -> str:
    """The folded chrome as escaped HTML, one block per run, for the 网页其他内容（未提取） expander."""
    blocks = []
    for a, b in runs:
        lines = [escape(line.strip()) for line in text[a:b].split("\n") if line.strip()]
        blocks.append('<div class="geo-chrome-run">' + "<br>".join(lines) + "</div>")
    return '<div class="geo-chrome">' + "".join(blocks) + "</div>"


def legend_html(marks_: list[Mark], lang: str = "zh") -> str:
    """What the highlight colours mean: a swatch per category present, the dashed underline of an item
    not precisely located and the outline of the selected one (every label escaped)."""
    from geo.contract import CATEGORIES

    present = {m.category for m in marks_}
    order = [c for c in CATEGORIES if c in present] + sorted(c for c in present - set(CATEGORIES) if c)
    chips = [f'<span class="geo-plan-key"><span class="geo-plan-swatch" style="background:{styles.category_colour(c)}">'
             f'{escape(i18n.category_label(c, lang))}</span></span>' for c in order]
    if any(not m.located for m in marks_):
        chips.append(f'<span class="geo-plan-key"><span class="geo-plan-swatch geo-key-unlocated" style="background:#EEE">'
                     f'{escape(i18n.t("plan_key_sample", lang))}</span>{escape(i18n.t("plan_key_unlocated", lang))}'
                     f'</span>')
    chips.append(f'<span class="geo-plan-key"><span class="geo-plan-swatch geo-key-selected" style="background:#EEE">'
                 f'{escape(i18n.t("plan_key_sample", lang))}</span>{escape(i18n.t("plan_key_selected", lang))}</span>')
    return (f'<div class="geo-plan-legend"><b>{escape(i18n.t("plan_key_title", lang))}</b>'
            + "".join(chips) + "</div>")


def _anchor(start: int) -> str:
    return f"geo-h-{start}"


def render_html(text: str, features: list[dict], *, link_params: dict | None = None, selected: set[str] = frozenset(),
                lang: str = "zh", fold: list[tuple[int, int]] = ()) -> str:
    """The whole plan as HTML: headings anchored, items as coloured links that select the item.

    ``fold`` ranges (the page chrome, see :func:`chrome_runs`) are left out; where one stood after some
    plan text a small marker says that page text was folded away."""
    heads = {h.start: h for h in headings(text)}
    ms = marks(features, len(text))
    parts = ['<div class="geo-plan">']
    pos = 0
    folds = {a: b for a, b in fold if b > a}
    boundaries = sorted(set(heads) | {m.start for m in ms} | set(folds))
    mark_at = {m.start: m for m in ms}

    def plain(a: int, b: int):
        if b > a:
            parts.append(escape(text[a:b]))

    for b in boundaries:
        if b < pos:
            continue
        plain(pos, b)
        pos = b
        if b in folds:
            if text[:b].strip() and text[folds[b]:].strip():
                n = len(chrome_lines(text, [(b, folds[b])]))
                parts.append(f'<span class="geo-folded">{escape(i18n.t("plan_folded_marker", lang, n=n))}</span>')
            pos = folds[b]
            if not text[:b].strip():  # the plan starts here: no blank lines above its first line
                while pos < len(text) and text[pos] in "\r\n \t\u3000":
                    pos += 1
            continue
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
.geo-folded{color:#777;font-size:13px;font-style:italic;border:1px dashed #AAA;border-radius:3px;padding:0 4px}
.geo-plan-legend{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;font-size:14px;margin:0 0 8px 0}
.geo-plan-key{display:inline-flex;align-items:center;gap:4px}
.geo-plan-swatch{color:#111;border-radius:3px;padding:1px 4px;border-bottom:2px solid #555}
.geo-plan-swatch.geo-key-unlocated{border-bottom:2px dashed #C00}
.geo-plan-swatch.geo-key-selected{outline:3px solid #D00000}
.geo-chrome{color:#555;font-size:14px;line-height:1.6}
.geo-chrome-run{border-left:3px solid #CCC;padding-left:8px;margin:4px 0}
</style>
"""
