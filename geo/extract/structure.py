"""Plan structure: paragraphs → headings (sections) and clauses, every piece with offsets into the text.

Plans number their headings (一、 / (一) / 1. / (1)), but town plans published as web
pages often lose the numbering or glue the heading to the body ("推动企业提质升档实施雏鹰
行动…"), and drop full stops between targets ("…项目10新增上云企业65家以上"). The rules
below are about the shape of the text, never about a particular plan.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .documents import is_chrome_line
from .verbs import STATUS_VERBS

CJK = "\u4e00-\u9fff"

# Verbs that open a new clause when a full stop went missing before them.
OPENERS = (
    "加快推进", "持续深化", "持续推进", "深入推进", "积极推进", "全力推进", "加快", "持续", "继续", "深化", "完成", "新建",
    "新增", "启动", "力争", "争取", "争创", "创建", "推进", "推动", "实施", "践行", "深入", "完善", "加强", "确保",
    "开展", "积极", "全力", "着力", "努力", "大力", "不断", "坚决", "强化", "打好", "全面", "要加快", "要",
)
_OPENER_RE = "|".join(sorted(set(OPENERS), key=len, reverse=True))
# Words a clause typically ends with; an opener right after them means a missing separator.
CLAUSE_ENDS = ("任务", "项目", "进度", "工作", "整治", "改造", "行动", "力度", "体系", "投产", "工程", "建设", "水平", "机制", "品质")
_CLAUSE_END_RE = "|".join(CLAUSE_ENDS)
_GLUE = re.compile(rf"(?<=\d)(?=(?:{_OPENER_RE})[{CJK}“])|(?<=(?:{_CLAUSE_END_RE}))(?=(?:{_OPENER_RE})[{CJK}“])")

_VERB = re.compile("|".join(sorted(STATUS_VERBS, key=len, reverse=True)))

_NUMBERED_HEADING = [
    (1, re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*")),
    (2, re.compile(r"^\s*[(（]\s*[一二三四五六七八九十]+\s*[)）]\s*[、.．]?\s*")),
    (3, re.compile(r"^\s*\d{1,2}\s*[、.．](?!\d)\s*")),
    (4, re.compile(r"^\s*[(（]\s*\d{1,2}\s*[)）]\s*")),
    (4, re.compile(r"^\s*[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]\s*")),
    (2, re.compile(r"^\s*[)）]\s*(?=[" + CJK + "])")),  # "(一)" whose opening half was lost
]
# A paragraph that starts with a short verb phrase and runs on into the body: the phrase is a heading.
_HEADING_VERBS = ("推动", "强化", "提升", "塑造", "发展", "建设", "激发", "不断", "统筹", "切实", "聚焦", "打造", "优化",
                  "深化", "全面", "坚持", "做强", "做优", "做大", "构建", "加快", "扎实", "着力", "持续", "抓好", "推进")
_GLUED_HEADING = re.compile(
    rf"^(?P<h>(?:{'|'.join(_HEADING_VERBS)})[{CJK}]{{2,10}}?)(?=(?:实施|强化|坚决|持续|加快|打好|积极|深入|全面|推进|继续|完善|围绕|坚持|聚焦)[{CJK}])")
_SENTENCE_END = re.compile(r"[。；;！？!?]")
_COMMA = re.compile(r"(?<!\d)[,，:：](?!\d)|(?<=\d)[,，:：](?=\D)|(?<=\D)[,，](?=\d)")


@dataclass
class Heading:
    level: int
    text: str
    start: int
    end: int


@dataclass
class Clause:
    text: str
    start: int
    end: int
    sentence_id: int
    section: str | None
    retrospective: bool
    glued: bool = False  # split where the plan lost a separator
    headings: list[str] = field(default_factory=list)


def iter_lines(text: str):
    """(start, end, line) for each line of the text, offsets into ``text``."""
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line), line
        pos += len(line) + 1


_RETRO = re.compile(r"回顾|成就|成绩|成效|过去|一年来|五年来|上年|去年|取得|主要工作情况|工作总结")
_FORWARD = re.compile(r"安排|任务|打算|计划|目标|思路|建议|重点工作|主要工作(?!情况)|展望")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\u3000\u00a0\ufeff•·>》":
        start += 1
    while end > start and text[end - 1] in " \t\u3000\u00a0\r":
        end -= 1
    return start, end


def split_document(text: str, *, title: str | None = None, is_report: bool = False) -> tuple[list[Heading], list[Clause]]:
    """Headings and body clauses of a plan; chrome lines and the title line are skipped."""
    headings: list[Heading] = []
    clauses: list[Clause] = []
    stack: dict[int, Heading] = {}
    sentence_id = 0
    for lstart, lend, line in iter_lines(text):
        s, e = _strip(text, lstart, lend)
        if s >= e or is_chrome_line(line):
            continue
        body = text[s:e]
        if title and body.strip() == title.strip():
            continue
        entry = _list_entry(text, s, e)
        if entry:
            # "(一)西瓜种植产业园项目:该项目位于我镇北漳村,总投资400万元,占地400余亩,…": one item per entry
            section_stack = [stack[k] for k in sorted(stack)]
            sentence_id += 1
            es, ee = entry
            clauses.append(Clause(text[es:ee], es, ee, sentence_id, section_stack[-1].text if section_stack else None,
                                  _is_retrospective(section_stack, is_report), False, [h.text for h in section_stack]))
            s = ee
            while s < e and text[s] in "。；; ":
                s += 1
            if s >= e:
                continue
            head_end, level = s, 0
        else:
            head_end, level = _heading_at(text, s, e)
        if head_end > s:
            h = Heading(level, _clean_heading(text[s:head_end]), s, head_end)
            headings.append(h)
            stack = {lv: hd for lv, hd in stack.items() if lv < level}
            stack[level] = h
            s = head_end
            while s < e and text[s] in "。.．,，：: \u3000":
                s += 1
        if s >= e:
            continue
        section_stack = [stack[k] for k in sorted(stack)]
        section = section_stack[-1].text if section_stack else None
        retro = _is_retrospective(section_stack, is_report)
        for sent_start, sent_end in _sentences(text, s, e):
            sentence_id += 1
            for c_start, c_end, glued in _subclauses(text, sent_start, sent_end):
                clauses.append(Clause(text[c_start:c_end], c_start, c_end, sentence_id, section, retro, glued,
                                      [h.text for h in section_stack]))
    return headings, clauses


_ENTRY_NAME = re.compile(r"[^。；;:：,，]{2,30}?(?:项目|工程|工作)?[:：]")


def _list_entry(text: str, s: int, e: int) -> tuple[int, int] | None:
    """A numbered entry that names a project and then describes it after a colon: the span from the
    name to the end of its first sentence, or None."""
    line = text[s:e]
    for _, rx in _NUMBERED_HEADING:
        m = rx.match(line)
        if m:
            name = _ENTRY_NAME.match(line, m.end())
            if not name or not re.search(r"项目|工程|基地|园|站|厂|库|路|桥", line[m.end():name.end()]):
                return None
            stop = _SENTENCE_END.search(line, name.end())
            end = stop.start() if stop else len(line)
            if end - name.end() < 4:
                return None
            return s + m.end(), s + end
    return None


def _clean_heading(h: str) -> str:
    for _, rx in _NUMBERED_HEADING:
        h = rx.sub("", h, count=1)
    return h.strip(" 。.．,，：:\u3000")[:80] or h.strip()[:80]


def _heading_at(text: str, s: int, e: int) -> tuple[int, int]:
    """End offset of a heading at the start of the line [s, e) and its level; (s, 0) if none."""
    line = text[s:e]
    for level, rx in _NUMBERED_HEADING:
        m = rx.match(line)
        if m:
            rest = line[m.end():]
            stop = _SENTENCE_END.search(rest)
            # a numbered line is a heading up to its first full stop (or whole, when short)
            if stop and stop.start() <= 40:
                return s + m.end() + stop.start(), level
            if not stop and len(rest) <= 40:
                return e, level
            g = _GLUED_HEADING.match(rest)
            if g:
                return s + m.end() + g.end("h"), level
            comma = re.search(r"[,，]", rest)
            return s + m.end() + (comma.start() if comma and comma.start() <= 30 else min(len(rest), 30)), level
    if len(line) <= 30 and not _SENTENCE_END.search(line) and not re.search(r"[,，]", line) \
            and not re.search(r"\d", line):
        return e, 5  # a short unpunctuated line on its own
    first = _SENTENCE_END.search(line)
    if first and first.start() <= 16 and not re.search(r"[,，、\d]", line[:first.start()]) and line[first.start()] == "。" \
            and len(line[first.end():].strip()) > 0:
        return s + first.start(), 5  # "塑造城镇美丽形象。打好…"
    g = _GLUED_HEADING.match(line)
    if g and not re.search(r"[,，、\d]", g.group("h")):
        return s + g.end("h"), 5
    return s, 0


def _is_retrospective(stack: list[Heading], is_report: bool) -> bool:
    if not is_report:
        return False
    for h in stack:
        if _RETRO.search(h.text):
            return True
        if _FORWARD.search(h.text):
            return False
    return False


def _sentences(text: str, s: int, e: int):
    start = s
    for m in _SENTENCE_END.finditer(text, s, e):
        yield from _nonempty(text, start, m.start())
        start = m.end()
    yield from _nonempty(text, start, e)


def _nonempty(text: str, s: int, e: int):
    s, e = _strip(text, s, e)
    if e > s:
        yield s, e


def _subclauses(text: str, s: int, e: int):
    """Comma-level pieces of a sentence, further split where a separator went missing (flagged glued)."""
    start = s
    pieces = []
    for m in _COMMA.finditer(text, s, e):
        pieces.append((start, m.start()))
        start = m.end()
    pieces.append((start, e))
    for ps, pe in pieces:
        ps, pe = _strip(text, ps, pe)
        if pe <= ps:
            continue
        cut = ps
        for m in _GLUE.finditer(text, ps, pe):
            if m.start() - cut >= 4 and pe - m.start() >= 4 and (text[m.start() - 1].isdigit() or _VERB.search(text, cut, m.start())):
                # a piece without a verb of its own is the subject of the next ("第二幼儿园项目完成主体建设")
                yield cut, m.start(), cut != ps
                cut = m.start()
        yield cut, pe, cut != ps
