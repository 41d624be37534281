"""What a clause of a later document says about the state of a work: its tense and its status words.

A report of work done (工作总结, 半年总结, 进度表, a report's review part) says 已完工 /
通过验收 / 正在施工 / 暂缓实施; a plan for the coming year says 续建 / 开工建设 / 谋划.
The same word means different things in the two: 完成 in a review is done, 完成 in next
year's plan is a goal. So every clause gets a tense (``forward`` or not) and its status
is read with the rules of that tense.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from geo.contract import STATUSES

# Order of progress: a plan's own later statement never moves an item back along it.
STATUS_RANK = {"proposed": 0, "planned": 1, "in_progress": 2, "completed": 3}

# ---- tense --------------------------------------------------------------------------
# Words that make a clause look forward ("will …"), whatever section it stands in.
_FORWARD_CLAUSE = re.compile(
    r"将|拟|计划|预计|力争|争取|确保|下一步|下半年|明年|今后|年内|年底前|年底|转入|待.{1,12}后|谋划|筹划|准备")
# Words that make a clause report what happened ("has …").
_PAST_CLAUSE = re.compile(r"已|业已|截至|截止|目前|累计|顺利|如期|相继|先后|均已|全部|率先|共完成|共建成|实现了|了[，,。]?$")

# ---- status words -------------------------------------------------------------------
_NEGATED_START = r"(?:尚未|暂未|还未|未能|未|没有|迟迟未)(?:能)?(?:正式)?(?:启动|开工|动工|实施|开建|进场)"
_SUSPENDED = re.compile(
    _NEGATED_START + r"|暂缓|暂停|停滞|停工|缓建|停建|搁置|推迟|延期|延后|延缓|取消|中止|终止|滞后实施|无法实施")
_NOT_DONE = re.compile(r"(?:尚未|暂未|还未|未能|未|没有)(?:按期|如期|全部|全面)?(?:完成|完工|建成|竣工|交付|通车|投用)")
_COMPLETED = re.compile(
    r"通过[^，,。；;]{0,6}验收|完成|建成|竣工|完工|验收|投用|投入使用|投入运行|投运|通车|投产|交付|落成|开业|运营|对外开放|开放|通水|通电|"
    r"贯通|招生|开园|全覆盖|创建成功|成功创建|创成|如期完成|全面完成|圆满完成|达标")
# A completion word about a part of the works (完成路基, 主体完工, 完成设计招标) means work goes on.
_PART_OF_WORKS = re.compile(
    r"主体|主线|路基|桩基|基础|土建|框架|结顶|封顶|坝体|前期|设计|招标|可研|立项|审批|报批|选址|征地|拆迁|征迁|签约|"
    r"土石方|清表|外立面|一期|首期|部分|阶段|年度任务|\d+(?:\.\d+)?\s*[%％]|百分之|过半|大部分|初步")
_IN_PROGRESS = re.compile(
    r"推进|加快|加速|加紧|抓紧|在建|开工|动工|施工|续建|正在|进行中|建设中|施工中|铺设中|实施中|有序|稳步|进场|启动|展开|"
    r"铺开|结顶|封顶|进展顺利|进展|办理|编制|深化|持续|继续|剩余|结转|转入|安装|调试|装修|"
    r"[\u4e00-\u9fff]{2}中(?=$|[，,。；;])")
# Words that report having done the works without saying they are finished (新建山塘两座).
_DID = re.compile(r"新建|新增|新修|建设|改造|拓宽|整治|治理|修复|实施|开展|拆除|种植|铺设|清淤|疏浚|加固|提升|创建|打造|引进|落地")
# Forward: carrying on with works already begun.
_CONTINUE = re.compile(r"续建|继续|持续|加快|加紧|抓紧|推进|深化|剩余|结转|去年|上年|未完成|扫尾|收尾")
_FORWARD_COMPLETE = re.compile(r"完成|建成|竣工|完工|验收|投用|投入使用|通车|投产|交付|贯通|开园|招生")
_FORWARD_START = re.compile(r"启动|开工|动工|开建|新建|新增|建设|实施|开展|计划|谋划|筹划|拟|将|打造|创建|争取|力争|改造|推动")


@dataclass(frozen=True)
class Cue:
    """The status a clause gives, with the words it was read from (offsets inside the clause)."""

    status: str | None     # one of the contract's statuses, or None: the clause names the work but says nothing of its state
    words: str             # the words the status was read from ("通过竣工验收"), "" when none
    start: int
    end: int
    forward: bool          # the clause looks forward (a plan) rather than back (a report)
    explicit: bool         # a status word, rather than a bare "did" verb (新建山塘两座)
    partial: bool = False  # a completion word about a part of the works, or a share (60%)
    continues: bool = False  # forward: carries on works begun before (续建, 继续, 剩余)

    @property
    def completed(self) -> bool:
        return self.status == "completed"


def clause_tense(clause: str, default_forward: bool) -> bool:
    """True when ``clause`` looks forward (a plan), from its own words first and its section second.

    A clause that says works are put off (推迟至下半年, 继续暂缓) states where they stand now.
    """
    if _SUSPENDED.search(clause):
        return False
    past = _PAST_CLAUSE.search(clause)
    forward = _FORWARD_CLAUSE.search(clause)
    if past and not forward:
        return False
    if forward and not past:
        return True
    if past and forward:
        return forward.start() < past.start() and not _SUSPENDED.search(clause) and default_forward
    return default_forward


def _span(m) -> tuple[str, int, int]:
    return m.group(), m.start(), m.end()


def read_cue(clause: str, *, forward: bool, carried_over: bool = False, item_text: str = "") -> Cue | None:
    """The status ``clause`` states, read with the rules of its tense; None when it states none.

    ``carried_over``: the item comes from an earlier year's plan, so a plan that sets out to
    finish it (确保…通车, 建成…投用) shows it under way rather than still to begin.
    ``item_text``: the item's own wording; a part it names itself (一期) is the whole item.
    """
    if forward:
        return _forward_cue(clause, carried_over)
    return _past_cue(clause, item_text)


def _part_of_works(clause: str, item_text: str):
    for m in _PART_OF_WORKS.finditer(clause):
        if m.group() not in (item_text or ""):
            return m
    return None


def _past_cue(clause: str, item_text: str = "") -> Cue | None:
    m = _SUSPENDED.search(clause)
    if m:
        return Cue("suspended", *_span(m), forward=False, explicit=True)
    m = _NOT_DONE.search(clause)
    if m:
        return Cue("in_progress", *_span(m), forward=False, explicit=True, partial=True)
    done = _COMPLETED.search(clause)
    if done:
        part = _part_of_works(clause, item_text)
        if part:
            s, e = min(done.start(), part.start()), max(done.end(), part.end())
            return Cue("in_progress", clause[s:e], s, e, forward=False, explicit=True, partial=True)
        going = _IN_PROGRESS.search(clause)
        if going and going.start() > done.end() and re.search(r"正在|中$|施工|推进", going.group()):
            # "已完工，正在施工" cannot both hold for one work: the later words are about what is left
            return Cue("in_progress", *_span(going), forward=False, explicit=True, partial=True)
        return Cue("completed", *_span(done), forward=False, explicit=True)
    m = _IN_PROGRESS.search(clause)
    if m:
        return Cue("in_progress", *_span(m), forward=False, explicit=True,
                   partial=bool(_part_of_works(clause, item_text)))
    m = _DID.search(clause)
    if m:
        if re.search(r"已(?:经)?$", clause[max(0, m.start() - 2):m.start()]):
            # "已清淤1.8公里": said to be done, as far as it goes
            return Cue("completed", clause[m.start() - 1:m.end()], m.start() - 1, m.end(), forward=False, explicit=True)
        return Cue("in_progress", *_span(m), forward=False, explicit=False)
    return None


def _forward_cue(clause: str, carried_over: bool) -> Cue | None:
    m = _SUSPENDED.search(clause)
    if m:
        return Cue("suspended", *_span(m), forward=True, explicit=True)
    cont = _CONTINUE.search(clause)
    if cont:
        return Cue("in_progress", *_span(cont), forward=True, explicit=True, continues=True)
    done = _FORWARD_COMPLETE.search(clause)
    start = _FORWARD_START.search(clause)
    if done and (not start or done.start() <= start.start() or carried_over):
        return Cue("in_progress" if carried_over else "planned", *_span(done), forward=True, explicit=True,
                   continues=carried_over)
    if start:
        return Cue("planned", *_span(start), forward=True, explicit=True)
    if done:
        return Cue("in_progress" if carried_over else "planned", *_span(done), forward=True, explicit=True)
    return None


_CARRIED = re.compile(r"续建|继续|剩余|结转|去年|上年|未完成|扫尾|收尾|遗留")


def continues_earlier_work(text: str) -> bool:
    """The words say the works carry on from before (续建, 剩余, 去年结转): not a new year's target."""
    return bool(_CARRIED.search(text or ""))


def is_status(value) -> bool:
    return value in STATUSES
