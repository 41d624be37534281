"""Numbers, quantities and budgets as plans write them.

"11000亩以上", "12万平方以上", "两个以上", "三处", "1,200米", "3750多万元", "1.2亿元".
A number whose unit is missing ("项目1," "建设2000,") is kept with ``unit=None``;
the caller flags it, nothing is guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from geo.validate_numbers import in_range

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5,
             "陆": 6, "柒": 7, "捌": 8, "玖": 9}
CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_BIG_UNITS)


def parse_chinese_integer(s: str) -> int:
    """零…九, 十/百/千 and 万/亿 sections: "一万二千三百零五" → 12305, "十二" → 12, "二〇二〇" → 2020."""
    if not s or any(c not in CN_NUMERAL_CHARS for c in s):
        raise ValueError(f"not a Chinese numeral: {s!r}")
    if all(c in CN_DIGITS for c in s):  # digit by digit, as in years: 二〇二〇
        if len(s) == 1:
            return CN_DIGITS[s]
        return int("".join(str(CN_DIGITS[c]) for c in s))
    total, section, digit = 0, 0, None
    for c in s:
        if c in "零〇○":
            digit = None  # a place holder ("一万零十"), never a multiplier of the next unit
        elif c in CN_DIGITS:
            digit = CN_DIGITS[c]
        elif c in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[c]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            if section == 0 and total == 0:
                section = 1
            if CN_BIG_UNITS[c] == 100_000_000:
                total = (total + section) * CN_BIG_UNITS[c]
            else:
                total += section * CN_BIG_UNITS[c]
            section, digit = 0, None
    return total + section + (digit or 0)


_ARABIC = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")


def parse_number(s: str) -> float | int:
    """Arabic ("1,200", "3.5"), Chinese ("两", "一千二百") or mixed ("12万", "1.2亿") → number."""
    s = s.strip().replace("，", ",")
    if not s:
        raise ValueError("empty number")
    mult = 1
    while s and s[-1] in CN_BIG_UNITS and len(s) > 1 and (s[-2].isdigit() or s[-2] in CN_BIG_UNITS or s[-2] == "."):
        mult *= CN_BIG_UNITS[s[-1]]
        s = s[:-1]
    if _ARABIC.match(s):
        s = s.replace(",", "")
        value = float(s) * mult if "." in s else int(s) * mult
    else:
        value = parse_chinese_integer(s) * mult
    if not in_range(value):  # 9 followed by 400 digits: no count of anything, and no JSON tool reads it
        raise ValueError(f"{s[:20]}…: too large to be a number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value


# Units a physical target is counted in, longest first so that 平方公里 wins over 平方.
LENGTH_UNITS = ("公里", "千米", "km", "KM", "延米", "米", "m")
AREA_UNITS = ("平方公里", "平方千米", "平方米", "平方", "㎡", "公顷", "亩")
COUNT_UNITS = ("个", "家", "座", "处", "项", "户", "条", "所", "间", "栋", "幢", "套", "台", "辆", "盏", "只",
               "口", "宗", "批", "片", "根", "公顷", "立方米", "方", "吨", "千瓦", "兆瓦", "张", "块", "段", "名", "人", "位", "支")
MONEY_UNITS = ("亿元", "万元", "元")
PHYSICAL_UNITS = frozenset(LENGTH_UNITS + AREA_UNITS + ("座", "处", "条", "栋", "幢", "立方米", "方", "公顷", "段", "口"))
ALL_UNITS = tuple(sorted(set(LENGTH_UNITS + AREA_UNITS + COUNT_UNITS + MONEY_UNITS), key=len, reverse=True))

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CNUM = r"[零〇○一二两三四五六七八九十百千万亿]+"
_PRE_QUAL = r"(?P<pre>超过|超|近|约|大约|将近|接近|不少于|不低于|达到|达)?"
_POST_QUAL = r"(?P<post>以上|多|余|左右|上下|)"
_UNIT = "|".join(re.escape(u) for u in ALL_UNITS)
QUANTITY_RE = re.compile(
    _PRE_QUAL
    + r"(?P<num>" + _NUM + r"|" + _CNUM + r")"
    + r"(?P<big>[万亿](?!元))?"
    + r"(?P<mid>多|余)?"
    + r"(?P<unit>" + _UNIT + r")?"
    + _POST_QUAL
)
PRE_QUALIFIERS = {"超过": "more_than", "超": "more_than", "近": "about", "约": "about", "大约": "about",
                  "将近": "about", "接近": "about", "不少于": "at_least", "不低于": "at_least",
                  "达到": None, "达": None}
POST_QUALIFIERS = {"以上": "at_least", "多": "more_than", "余": "more_than", "左右": "about", "上下": "about"}


@dataclass(frozen=True)
class Quantity:
    value: float | int | None
    unit: str | None
    qualifier: str | None
    start: int  # offsets of the match inside the clause it was found in
    end: int

    def as_dict(self) -> dict:
        return {"value": self.value, "unit": self.unit, "qualifier": self.qualifier}

    @property
    def is_money(self) -> bool:
        return self.unit in MONEY_UNITS

    @property
    def budget_wan(self) -> float | None:
        if self.value is None or not self.is_money:
            return None
        factor = {"亿元": 10_000, "万元": 1, "元": 0.0001}[self.unit]
        return round(float(self.value) * factor, 4)


# What may follow a number whose unit went missing: end of clause, a separator, or the next clause's verb.
_MISSING_UNIT_FOLLOW = re.compile(
    r"$|[,，、;；。.!！?？)）]|(?:新增|新建|创建|加快|完成|推进|推动|启动|深入|深化|持续|继续|力争|争取|确保|实施|开展|加强|完善|"
    r"积极|全力|着力|践行|落实|建设|建成|打造|培育|提升|实现|做好|抓好|发展|支持|扶持|强化|优化|开工|争创|新引进)"
)
# A number that is part of a name, a date, a code or an ordinal rather than a count.
_NOT_A_COUNT_BEFORE = re.compile(r"(?:第|[A-Za-z]|[-—~～/]|\d[.．]?)$")
_NOT_A_COUNT_AFTER = re.compile(
    r"^(?:年|月|日|号|时|期|届|次|级|星|G|g|%|％|个百分点|倍|成|岁|周年|省道|国道|县道|乡道|号线|线|路|街|大道|弄|巷|楼|层|"
    r"[A-Za-z]|[.．、](?!\d))")


def find_quantities(clause: str) -> list[Quantity]:
    """Every count/measure/money amount in a clause, in order; dates, ordinals and codes skipped."""
    out: list[Quantity] = []
    for m in QUANTITY_RE.finditer(clause):
        num = m.group("num")
        start, end = m.start("num"), m.end()
        before, after_num = clause[:start], clause[m.end("num"):]
        if _NOT_A_COUNT_BEFORE.search(before) or _NOT_A_COUNT_AFTER.match(after_num):
            continue
        if num[0] in CN_NUMERAL_CHARS:
            if not m.group("unit"):
                continue  # a bare Chinese numeral is a word (一批, 三农, 十四五), never a missing-unit count
            if m.group("unit") in ("方", "片", "批", "支", "口", "只", "根", "块", "名", "人", "位", "段", "条") and len(num) == 1 and num in "一":
                continue  # 一方, 一片, 一批 …: idioms, not counts
            if num in ("百", "千", "万", "亿") or (len(num) == 1 and clause[m.end():m.end() + 1] and clause[m.end()] in "百千万"):
                continue  # 千方百计, 万家灯火: idioms
            if m.group("unit") == "元" and not m.group("big") and not re.search(r"[万亿]", num):
                continue  # 三元, 多元, 二元结构: a word or a name; plans write sums in digits or with 万/亿
        try:
            value = parse_number(num + (m.group("big") or ""))
        except ValueError:
            continue
        unit = m.group("unit")
        if unit is None:
            if not _MISSING_UNIT_FOLLOW.match(clause[m.end():]):
                continue  # "500精英", "5G": a number inside a name
        qualifier = PRE_QUALIFIERS.get(m.group("pre") or "") or POST_QUALIFIERS.get(m.group("post") or "") \
            or POST_QUALIFIERS.get(m.group("mid") or "")
        if m.group("pre") and not PRE_QUALIFIERS.get(m.group("pre")):
            start = m.start("num")
        else:
            start = m.start()
        out.append(Quantity(value, unit, qualifier, start, end))
    return out


def parse_quantity(text: str) -> Quantity | None:
    """The first non-money quantity in ``text`` (None when there is none)."""
    for q in find_quantities(text):
        if not q.is_money:
            return q
    return None


def parse_budget_wan(text: str) -> float | None:
    """The first amount of money in ``text`` in 万元 (亿元 × 10000, 元 ÷ 10000)."""
    for q in find_quantities(text):
        if q.is_money:
            return q.budget_wan
    return None
