"""Plan text → plan items: an extractor for Chinese town work plans (工作计划, 政府工作报告, 重点项目).

    doc, items = extract_file("plan.docx", known_places=village_names)

Rules are general (structure, verbs, numerals, place-name suffixes); nothing is tuned to
one plan's sentences. Items are contract ``properties`` dicts without version/updated_*.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from .documents import MAX_BYTES, decode_document, is_chrome_line, read_document
from .errors import ExtractError
from .items import extract_items

__all__ = ["extract_file", "extract_text", "PlanDocument", "ExtractError", "guess_title", "MAX_BYTES"]


@dataclass
class PlanDocument:
    plan_id: str
    title: str | None
    town: str | None
    county: str | None
    year: int | None
    text: str  # the full decoded text; every item span indexes into it
    warnings: list[str] = field(default_factory=list)  # one line each, for the person who gave the file

    @property
    def is_report(self) -> bool:
        """Reports (报告, 总结) describe work done as well as work planned."""
        return bool(self.title and re.search(r"报告|总结|回顾", self.title))


_TITLE_WORDS = re.compile(r"计划|报告|要点|安排|方案|规划|总结|清单|项目|任务")
_TITLE_META = re.compile(r"^\s*#\s*title\s*[:：]\s*(?P<t>[^(（\n]+)")


def guess_title(text: str) -> str | None:
    """The plan's title: a '# title:' line, else the first short non-chrome line naming a plan or report."""
    for line in text.split("\n")[:60]:
        m = _TITLE_META.match(line)
        if m:
            return m.group("t").strip()
    for line in text.split("\n")[:80]:
        s = line.strip()
        if not s or is_chrome_line(s) or len(s) > 60:
            continue
        if _TITLE_WORDS.search(s) and not re.search(r"[。,，;；]", s):
            return re.sub(r"\s+", "", s)
    return None


_TOWN = re.compile(r"(?P<t>[\u4e00-\u9fff]{2,6}?(?:街道|镇|乡))(?=\d|[（(]|$|[\u4e00-\u9fff]*(?:计划|报告|要点|安排|方案|工作))")
_COUNTY = re.compile(r"(?P<c>[\u4e00-\u9fff]{2,5}?(?:县|市|区))")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def guess_place_and_year(title: str | None) -> tuple[str | None, str | None, int | None]:
    """(town, county, year) from a title such as "东塍镇2020年工作计划" or "临海市东塍镇2020年工作要点"."""
    if not title:
        return None, None, None
    year = None
    m = _YEAR.search(title)
    if m:
        year = int(m.group(1))
    head = title[:m.start()] if m else title
    town = county = None
    t = _TOWN.search(head) or _TOWN.search(title)
    if t:
        town = t.group("t")
        head_before = title[:t.start()]
        c = _COUNTY.search(head_before)
        county = c.group("c") if c else None
    else:
        c = _COUNTY.search(re.sub(r"^(?:\d{4}年)", "", head) or head)
        if c and not re.search(r"省|自治区", c.group("c")):
            county = c.group("c")
    return town, county, year


def extract_text(text: str, *, plan_id: str, town=None, county=None, year=None, known_places=None,
                 analyser="auto"):
    """(PlanDocument, items) for a plan's decoded text.

    ``known_places``: names the plan may write bare (the town's villages from the gazetteer);
    ``analyser``: a ``geo.extract.lexical`` analyser, its name, "auto" (the default one when
    installed) or None for the rules alone.
    """
    if not isinstance(text, str) or not text.strip():
        raise ExtractError(f"{plan_id}: the plan text is empty; nothing to extract")
    if len(text) > MAX_BYTES:
        raise ExtractError(f"{plan_id}: the text is longer than a plan can be ({len(text)} characters); give only the plan")
    original = text
    text, removed_at = _visible_text(text)
    title = guess_title(text)
    g_town, g_county, g_year = guess_place_and_year(title)
    doc = PlanDocument(plan_id=plan_id, title=title, town=town or g_town, county=county or g_county,
                       year=int(year) if year is not None else g_year, text=original)
    items = extract_items(text, plan_id=plan_id, town=doc.town, county=doc.county, year=doc.year, title=title,
                          known_places=known_places, is_report=doc.is_report, analyser=_analyser(analyser))
    doc.warnings.extend(_not_a_plan(doc, text, items))
    if removed_at:
        for item in items:
            start, end = item["span"]
            start, end = _original_index(start, removed_at), _original_index(end - 1, removed_at) + 1
            item["span"], item["text"] = [start, end], original[start:end]
    return doc, items


_PLAN_WORDS = re.compile(r"计划|报告|要点|安排|方案|规划|总结|重点工作|重点项目|工作任务|实事")


def _not_a_plan(doc: PlanDocument, text: str, items: list[dict]) -> list[str]:
    """A notice or a news page names a few works in passing: say so rather than pass it off as a plan."""
    body = len(re.findall(r"[\u4e00-\u9fff]", text))
    titled = bool(doc.title and _PLAN_WORDS.search(doc.title)) or bool(_PLAN_WORDS.search(text[:300]))
    expected = max(2, body // 1500)
    if body >= 200 and len(items) < expected and not titled:
        return [f"{doc.plan_id}: this does not read like a work plan or report (no plan title, {len(items)} items in "
                f"{body} characters); check that the file is the plan itself"]
    return []


# Characters that are invisible in a document but split words for the rules: zero-width space,
# (non-)joiners, word joiner, a BOM inside the text, soft hyphen; and the CR of a CRLF pair.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]|\r(?=\n)")


def _visible_text(text: str) -> tuple[str, list[int]]:
    """(text the rules read, positions in it where characters were removed).

    Spans found in the cleaned text are mapped back with ``_original_index`` so that they index
    the text as given; a lone CR becomes a line break of the same length.
    """
    removed = [m.start() for m in _INVISIBLE.finditer(text)]
    if not removed:
        return text.replace("\r", "\n"), []
    clean = _INVISIBLE.sub("", text).replace("\r", "\n")  # the CRs left are lone ones
    # removal j happened just before clean index removed[j] - j (non-decreasing)
    return clean, [pos - j for j, pos in enumerate(removed)]


def _original_index(clean_index: int, removed_at: list[int]) -> int:
    return clean_index + bisect.bisect_right(removed_at, clean_index)


def extract_file(path, *, plan_id=None, town=None, county=None, year=None, known_places=None, analyser="auto"):
    """(PlanDocument, items) for a .txt/.html/.docx/.pdf plan file; ExtractError when it cannot be read."""
    path = Path(path)
    text = read_document(path)
    return extract_text(text, plan_id=plan_id or path.stem, town=town, county=county, year=year,
                        known_places=known_places, analyser=analyser)


def _analyser(analyser):
    from . import lexical
    if analyser is None or isinstance(analyser, lexical.Analyser):
        return analyser
    try:
        return lexical.get_analyser(analyser)
    except lexical.AnalyserError as exc:
        raise ExtractError(str(exc)) from None
