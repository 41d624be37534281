"""A later document of a town, read into clauses and mentions of works, every piece with its place in the text.

The project's extractor (:mod:`geo.extract`) reads the file (any format it reads) and finds the
location-bound works the document names; this module adds what progress needs on top: which
kind of document it is, which parts look back (a review) and which look forward (a plan), and
the comma-level clauses around each work where its state is written (…工程，已通过竣工验收).
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from geo.extract import ExtractError, extract_file, extract_text
from geo.progress.status import clause_tense

# kind code -> Chinese label; the kind sets the tense of text outside any dated section.
DOCUMENT_KINDS = {
    "summary": "工作总结", "half_year": "半年/季度总结", "progress_list": "进度表/推进情况",
    "report": "政府工作报告", "plan": "工作计划",
}
_KIND_RULES = (
    ("progress_list", re.compile(r"进展情况|进度|推进情况|完成情况|情况表|月份|月报|周报|旬报|进展表|清单")),
    ("half_year", re.compile(r"上半年|半年|前三季度|季度|1-\d+月|1～\d+月")),
    ("summary", re.compile(r"总结|回顾|工作情况|实事项目情况|落实情况")),
    ("report", re.compile(r"工作报告|政府报告")),
    ("plan", re.compile(r"计划|要点|安排|思路|方案|打算|目标|任务")),
)
_FORWARD_KINDS = frozenset({"plan"})

# Heading lines that say whether the text below looks back or forward.
_HEAD_PAST = re.compile(r"回顾|总结|完成情况|工作情况|进展情况|推进情况|开展情况|成效|成绩|取得|过去|一年来|以来|上半年|前三季度")
_HEAD_FORWARD = re.compile(r"计划|思路|安排|打算|目标|任务|下半年|下一步|明年|今后|展望|工作要点|建议|意见")
_NUMBERED_HEAD = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十]+\s*[)）]|第[一二三四五六七八九十]+[部分章节])")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")

_SENTENCE_END = re.compile(r"[。；;！？!?]")
# Clause breaks: commas and colons (not inside numbers such as 1,200), and the gaps between table cells.
_CLAUSE_BREAK = re.compile(r"(?<!\d)[,，:：](?!\d)|(?<=\d)[,，:：](?=\D)|(?<=\D)[,，](?=\d)|[ \t\u3000\u00a0]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# "6." "（三）" "2、" before a list entry: the extractor reads a numbered line as a heading.
_LIST_NUMBER = re.compile(r"^\s*(?:[(（]\s*(?:\d{1,2}|[一二三四五六七八九十]+)\s*[)）]|(?:\d{1,2}|[一二三四五六七八九十]+)\s*[、.．)）])\s*")


class ProgressError(Exception):
    """A document that cannot be used for progress; str() is one line naming the problem and the fix."""


@dataclass(frozen=True)
class Clause:
    index: int
    start: int
    end: int
    sentence: int
    line: int              # 1-based line of the document text
    section: str | None    # the heading it stands under
    forward: bool          # looks forward (plan) rather than back (report of work done)
    heading: bool = False


@dataclass
class Mention:
    """A piece of the document that may report on one work: an item the extractor found, or a clause."""

    index: int
    start: int
    end: int
    clauses: tuple[int, ...]   # indices of the clauses it overlaps
    sentence: int
    extracted: dict | None     # the extractor's item for this piece (category, places, quantity), if any


@dataclass
class ProgressDocument:
    name: str                  # the file name, as the history will name it
    plan_id: str               # the document's id: new items proposed from it carry it as their plan
    title: str | None
    town: str | None
    county: str | None
    year: int | None
    kind: str                  # a key of DOCUMENT_KINDS
    text: str                  # the text every span indexes into
    extracted: list[dict] = field(default_factory=list)
    known_places: tuple[str, ...] = ()
    clauses: list[Clause] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return DOCUMENT_KINDS.get(self.kind, self.kind)

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, max(0, offset)) + 1

    def clause_text(self, clause: Clause) -> str:
        return self.text[clause.start:clause.end]

    def sentence_clauses(self, sentence: int) -> list[Clause]:
        return [c for c in self.clauses if c.sentence == sentence]


def document_kind(title: str | None) -> str:
    for kind, rx in _KIND_RULES:
        if title and rx.search(title):
            return kind
    return "report"


def read_file(path, *, name: str | None = None, town=None, county=None, year=None,
              known_places=None) -> ProgressDocument:
    """Read a document file (.txt/.html/.docx/.pdf) with the project's extractor; ProgressError when unreadable."""
    path = Path(path)
    try:
        doc, items = extract_file(path, town=town, county=county, year=year, known_places=known_places)
    except ExtractError as exc:
        raise ProgressError(str(exc)) from None
    return _build(doc, items, name or path.name, known_places)


def read_bytes(data: bytes, name: str, **options) -> ProgressDocument:
    """Read an uploaded document (the app's file uploader gives bytes and a file name)."""
    safe = Path(name).name or "document.txt"
    with tempfile.TemporaryDirectory(prefix="geo-progress-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        return read_file(path, name=safe, **options)


def read_text(text: str, *, name: str, town=None, county=None, year=None, known_places=None) -> ProgressDocument:
    try:
        doc, items = extract_text(text, plan_id=Path(name).stem or "document", town=town, county=county,
                                  year=year, known_places=known_places)
    except ExtractError as exc:
        raise ProgressError(str(exc)) from None
    return _build(doc, items, name, known_places)


def _build(doc, items: list[dict], name: str, known_places=None) -> ProgressDocument:
    kind = document_kind(doc.title)
    out = ProgressDocument(name=name, plan_id=doc.plan_id, title=doc.title, town=doc.town, county=doc.county,
                           year=doc.year, kind=kind, text=doc.text, extracted=list(items),
                           known_places=tuple(known_places or ()))
    out.clauses = _clauses(doc.text, doc.title, kind, doc.year)
    out.mentions = _mentions(out)
    return out


def _heading_tense(line: str, year: int | None, kind: str) -> bool | None:
    """Whether the text under a heading looks forward: its words first, then its year against the document's."""
    past, forward = _HEAD_PAST.search(line), _HEAD_FORWARD.search(line)
    if past and not forward:
        return False
    if forward and not past:
        return True
    if past and forward:
        return forward.start() > past.start()  # "…回顾及明年打算": the part that comes last governs what follows
    m = _YEAR.search(line)
    if m and year:
        y = int(m.group(1))
        if y != year:
            return y > year
        return kind in _FORWARD_KINDS  # "二、2024年主要工作" in the 2024 plan
    return None


def _is_heading(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 40 or _SENTENCE_END.search(s.rstrip("。")):
        return False
    if _NUMBERED_HEAD.match(s):
        return True
    return bool((_HEAD_PAST.search(s) or _HEAD_FORWARD.search(s)) and not re.search(r"[,，、]", s))


def _clauses(text: str, title: str | None, kind: str, year: int | None) -> list[Clause]:
    out: list[Clause] = []
    default_forward = kind in _FORWARD_KINDS
    section_forward = default_forward
    section = None
    sentence = 0
    pos = 0
    for line_no, line in enumerate(text.split("\n"), start=1):
        lstart = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped or (title and re.sub(r"\s+", "", stripped) == title):
            continue
        heading = _is_heading(line)
        if heading:
            tense = _heading_tense(stripped, year, kind)
            if tense is not None:
                section_forward = tense
            section = stripped[:80]
        for s_start, s_end in _pieces(_SENTENCE_END, text, lstart, lstart + len(line)):
            sentence += 1
            for c_start, c_end in _pieces(_CLAUSE_BREAK, text, s_start, s_end):
                piece = text[c_start:c_end]
                forward = clause_tense(piece, section_forward)
                out.append(Clause(len(out), c_start, c_end, sentence, line_no, section, forward, heading))
    return out


def _pieces(rx: re.Pattern, text: str, start: int, end: int):
    cut = start
    for m in rx.finditer(text, start, end):
        if m.start() > cut:
            yield cut, m.start()
        cut = m.end()
    if end > cut:
        yield cut, end


def _clause_items(doc: ProgressDocument, clause: Clause) -> list[dict]:
    """The works the extractor finds in one clause read on its own.

    In context the extractor skips some clauses (a numbered list line read as a heading, a
    table cell); read as a sentence of its own, the clause gets places and a category.
    """
    piece = doc.clause_text(clause)
    lead = _LIST_NUMBER.match(piece)
    offset = clause.start + (lead.end() if lead else 0)
    piece = piece[lead.end():] if lead else piece
    if not piece:
        return []
    try:
        _d, items = extract_text(piece + "。", plan_id=doc.plan_id, town=doc.town, county=doc.county,
                                 year=doc.year, known_places=doc.known_places)
    except ExtractError:  # a clause the rules cannot read stays a plain clause
        return []
    out = []
    for item in items:
        s, e = item["span"]
        if e > len(piece):
            continue
        item = dict(item)
        item["span"] = [offset + s, offset + e]
        item["text"] = doc.text[offset + s:offset + e]
        out.append(item)
    return out


def _mentions(doc: ProgressDocument) -> list[Mention]:
    mentions: list[Mention] = []
    covered: set[int] = set()
    for item in sorted(doc.extracted, key=lambda it: tuple(it.get("span") or (0, 0))):
        span = item.get("span")
        if not span:
            continue
        s, e = span
        idx = tuple(c.index for c in doc.clauses if c.start < e and c.end > s)
        if not idx or _across_cells(doc, idx):
            continue  # a table row read as one sentence: its cells are read one by one below
        covered.update(idx)
        mentions.append(Mention(0, s, e, idx, doc.clauses[idx[0]].sentence, item))
    for c in doc.clauses:
        if c.index in covered or len(_CJK.findall(doc.clause_text(c))) < 4:
            continue
        if c.heading and _is_tense_heading(doc.clause_text(c)):
            continue
        pieces = _clause_items(doc, c)
        for item in pieces:
            s, e = item["span"]
            mentions.append(Mention(0, s, e, (c.index,), c.sentence, item))
        if not pieces:
            mentions.append(Mention(0, c.start, c.end, (c.index,), c.sentence, None))
    mentions.sort(key=lambda m: (m.start, m.end))
    for i, m in enumerate(mentions):
        m.index = i
    return mentions


def _across_cells(doc: ProgressDocument, idx: tuple[int, ...]) -> bool:
    cs = [doc.clauses[i] for i in idx]
    return any(doc.text[a.end:b.start].strip(" \t\u3000\u00a0") == "" and doc.text[a.end:b.start]
               for a, b in zip(cs, cs[1:]))


def _is_tense_heading(text: str) -> bool:
    return bool(_HEAD_PAST.search(text) or _HEAD_FORWARD.search(text)) and len(text) <= 20
