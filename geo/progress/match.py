"""Which existing item a piece of a later document reports on.

Two things make a piece of text about an item: the **place** (石门坑水库, 后湾村, 镇区) and the
**work** (除险加固, 农村公路安全防护设施). Both are compared after the wording that changes from
one document to the next is taken out:

- progress and plan verbs (加快推进, 完成, 建成, 通过竣工验收, 新建, 新修 …) and suffixes that
  carry no meaning of their own (工程, 项目, 建设, 工作);
- a village named with or without 村, a place named with or without the town's own name
  (枫泽老街 / 老街), numbers in Chinese or Arabic (二期 / 2期, 两座 / 2座);
- quantities, which are compared by unit instead (4.3公里 against a target of 4公里).

The work is compared by characters and character pairs, so an abbreviation (安防设施 for
安全防护设施) still scores. An item that names places is only matched by a piece that names one
of them; a piece that names another place of the town instead is never merged into it. An
item without places (a town-wide target: 新建5G基站40个) needs close wording and a compatible
unit. When in doubt there is no match: the piece is then proposed as a new item for a person
to accept or reject, which is cheaper to undo than a wrong change to an existing item.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from geo.extract.numerals import CN_NUMERAL_CHARS, find_quantities, parse_chinese_integer

# Words that say how or how far a work went, not which work it is.
_STOP_WORDS = sorted(set("""
加快推进 持续推进 深入推进 积极推进 全力推进 稳步推进 有序推进 扎实推进 全面推进 加快建设 加快实施
推进 推动 加快 加速 加紧 抓紧 持续 继续 深化 深入 全力 积极 着力 扎实 大力 切实 努力 进一步 全面 重点 高标准
完成 建成 新建 新修 新增 建设 修建 实施 开展 启动 开工 动工 开建 续建 在建 施工 竣工 完工 验收 通过 投用
投入使用 投入运行 投运 投产 交付 通车 落成 开业 运营 开放 对外开放 通水 贯通 结顶 封顶 铺开 展开 进场 办理
暂缓 暂停 推迟 延期 停滞 搁置 取消 尚未 暂未 未能 还未 没有 未 已经 已 业已 正在 进行 进展顺利 进展 顺利 如期
基本 累计 共计 共 均 全部 相继 先后 率先 实现 确保 力争 争取 计划 谋划 筹划 拟 将 预计 准备 年内 年底 年度
今年 全年 上半年 下半年 明年 目前 截至 截止 月底 底前 前期 主体 主体工程 扫尾 收尾 剩余 结转 去年 上年 同步
工程 项目 工作 任务 建设任务 有关 相关 的 了 等 和 及 与 并 我镇 我乡 全镇 全乡 全街道 辖区 一批 其中
扶持 支持 发展 培育 壮大 做强 做优 提质 增效 基础 打造
""".split()), key=len, reverse=True)
_STOP_RE = re.compile("|".join(map(re.escape, _STOP_WORDS)))
# Why a work stalled (因政策处理问题, 因居民意见未统一) says nothing about which work it is.
_CAUSE = re.compile(r"(?:因|由于|受)[^，,。；;]{1,20}?(?=暂|推迟|延期|延后|停|尚未|暂未|未能|搁置|[，,。；;]|$)")
# The town itself as the subject of a report: 街道完成…, 我镇建成…
_SUBJECT = re.compile(r"^(?:街道|全街道|我街道|我镇|全镇|我乡|全乡|镇里|乡里|镇政府|本镇)")
_NOISE = re.compile(r"[^\w\u4e00-\u9fff]+|_")
_CN_RUN = re.compile(f"[{CN_NUMERAL_CHARS}]+")
_CJK_OR_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")

# Places whose name alone says little: an area of the town rather than a site.
# Facility names as reports shorten them (下洋村文化礼堂 → 下洋村礼堂).
_SHORT_FORMS = {"文化礼堂": "礼堂", "卫生服务站": "卫生站", "卫生服务中心": "卫生中心", "养老服务中心": "养老中心",
                "便民服务中心": "便民中心", "污水处理厂": "污水厂", "垃圾中转站": "中转站"}
_INNER_SUFFIX = re.compile(r"^[\u4e00-\u9fff]{2,5}?(?:水库|山塘|大桥|公路|溪|河|江|湖|桥|路)")
_AREA_NAMES = frozenset({"镇区", "集镇", "城区", "全镇", "全乡", "镇中心", "中心镇区", "老镇区"})
# Facilities a town has one of, named with or without the town (东塍中心卫生院, 镇卫生院).
_TOWN_FACILITIES = ("中心卫生院", "卫生院", "中心小学", "中心学校", "中心幼儿园", "初级中学", "中学", "敬老院",
                    "便民服务中心", "文化站", "综合文化站", "派出所", "农贸市场", "菜市场")
# Units by dimension, with the factor to a base unit; counts are compatible with any count.
_LENGTH = {"公里": 1000.0, "千米": 1000.0, "km": 1000.0, "KM": 1000.0, "米": 1.0, "延米": 1.0, "m": 1.0}
_AREA = {"平方公里": 1e6, "平方千米": 1e6, "公顷": 1e4, "亩": 10000 / 15, "平方米": 1.0, "平方": 1.0, "㎡": 1.0}


def normalise(text: str) -> str:
    """NFKC, no punctuation or white space, Chinese numbers as Arabic (二期 → 2期, 两座 → 2座)."""
    s = _NOISE.sub("", unicodedata.normalize("NFKC", text or ""))
    return _CN_RUN.sub(_arabic, s)


def _arabic(m: re.Match) -> str:
    run = m.group()
    if not re.search("[一二两三四五六七八九十〇零]", run) or len(run) > 6:
        return run
    try:
        return str(parse_chinese_integer(run))
    except ValueError:
        return run


def place_variants(name: str, own_names: tuple[str, ...] = ()) -> list[str]:
    """The ways a later document may write a place: 后湾村茶叶基地 / 后湾茶叶基地, 枫泽老街 / 老街."""
    base = normalise(name)
    out = {base}
    for own in own_names:
        own = normalise(own)
        if own and base.startswith(own) and len(base) - len(own) >= 2:
            out.add(base[len(own):])
    for v in list(out):
        # 竹坑水库山塘 / 竹坑水库: a water or road name with a further generic word after it
        inner = _INNER_SUFFIX.match(v)
        if inner and len(v) - inner.end() >= 2:
            out.add(inner.group())
    for v in list(out):
        for long, short in _SHORT_FORMS.items():
            if v.endswith(long) and len(v) > len(long):
                out.add(v[:-len(long)] + short)
    for v in list(out):
        dropped = re.sub(r"(?<=[\u4e00-\u9fff]{2})村(?!委)", "", v)
        if len(dropped) >= 2:
            out.add(dropped)
        if v.endswith("社区") and len(v) >= 4:
            out.add(v[:-2])
    return sorted((v for v in out if len(v) >= 2), key=len, reverse=True)


def place_kind(name: str) -> str:
    n = normalise(name)
    if n in _AREA_NAMES or n.endswith(("镇区", "集镇")):
        return "area"
    if n.endswith(("村", "社区")) and not n.endswith("新村") and len(n) <= 6:
        return "village"
    return "site"


_KIND_WEIGHT = {"site": 1.0, "village": 0.6, "area": 0.3}


def town_facility(name: str, own_names: tuple[str, ...]) -> str | None:
    """'中心卫生院' for 东塍中心卫生院 or 镇卫生院: a facility the town has one of, named by its kind."""
    n = normalise(name)
    for own in sorted((normalise(o) for o in own_names if o), key=len, reverse=True):
        if n.startswith(own):
            n = n[len(own):]
            break
    n = re.sub(r"^(?:镇|乡|街道)", "", n)
    for kind in _TOWN_FACILITIES:
        if n == kind or n == "中心" + kind:
            return kind
    return None


def _strip_quantities(text: str) -> str:
    out, last = [], 0
    for q in find_quantities(text):
        out.append(text[last:q.start])
        last = q.end
    out.append(text[last:])
    return re.sub(r"\d+(?:\.\d+)?[%％]?", "", "".join(out))


def work_core(text: str, places: list[str]) -> str:
    """The words that name the work: the text without places, quantities and progress wording."""
    s = _strip_quantities(text or "")
    s = _CAUSE.sub("", s)
    s = normalise(s)
    s = _SUBJECT.sub("", s)
    for p in sorted({normalise(p) for p in places if p}, key=len, reverse=True):
        if len(p) >= 2:
            s = s.replace(p, "|")
    s = _STOP_RE.sub("|", s)
    s = re.sub(r"\|+", "|", s).strip("|")
    # Single characters left between removed words (段, 村 …) say nothing on their own.
    parts = [p for p in s.split("|") if len(p) >= 2 or (p and p.isdigit())]
    return "|".join(parts)


def _grams(core: str) -> tuple[set, set]:
    chars, pairs = set(), set()
    for part in core.split("|"):
        chars.update(ch for ch in part if _CJK_OR_WORD.match(ch))
        pairs.update(part[i:i + 2] for i in range(len(part) - 1))
    return chars, pairs


def _dice(a: set, b: set) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def work_similarity(a: str, b: str) -> float | None:
    """0..1 between two work cores (mean of character and character-pair overlap); None when one is empty."""
    ca, pa = _grams(a)
    cb, pb = _grams(b)
    if not ca or not cb:
        return None
    return (_dice(ca, cb) + _dice(pa, pb)) / 2


def unit_dimension(unit: str | None) -> str | None:
    if not unit:
        return None
    if unit in _LENGTH:
        return "length"
    if unit in _AREA:
        return "area"
    if unit in ("万元", "亿元", "元"):
        return "money"
    return "count"


def convert(value: float, unit: str, to_unit: str) -> float | None:
    """``value`` in ``unit`` expressed in ``to_unit``; None when the two do not measure the same thing."""
    if unit == to_unit:
        return value
    for table in (_LENGTH, _AREA):
        if unit in table and to_unit in table:
            return round(value * table[unit] / table[to_unit], 6)
    if unit_dimension(unit) == unit_dimension(to_unit) == "count":
        return value  # 个/座/处/家 … are all counts of the works named
    return None


@dataclass
class ItemProfile:
    """What matching needs of one stored item."""

    feature: dict
    item_id: str
    text: str
    places: list[str]
    variants: dict[str, list[str]]
    core: str
    category: str | None
    quantity: dict | None
    year: int | None
    facility: dict[str, str] = field(default_factory=dict)  # place -> its facility kind (中心卫生院)
    # place -> the place without its village (竹坑村笋竹加工厂 → 笋竹加工厂), where no other item uses those words
    without_village: dict[str, str] = field(default_factory=dict)
    siblings: tuple[str, ...] = ()  # items of the same plan sentence ("推进A园区提升工程，新建大棚50亩")

    @property
    def town_wide(self) -> bool:
        return not self.places

    @property
    def parts(self) -> list[str]:
        """The places of an item that lists several sites (上塘水库、龙潭水库除险加固): each is a part of the works."""
        if len(self.places) < 2:
            return []
        t = normalise(self.text)
        spots = []
        for p in self.places:
            at = min((t.find(v) for v in self.variants[p] if v in t), default=-1)
            if at < 0:
                return []
            spots.append((at, p))
        spots.sort()
        raw = self.text
        if "至" in raw or "到" in raw or "段" in raw:
            return []  # a road or stream between two places is one work, not two
        return [p for _, p in spots]


_VILLAGE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,4}?(?:村|社区)(?=[\u4e00-\u9fff]{4,})")


def village_remainder(place: str) -> str | None:
    """笋竹加工厂 of 竹坑村笋竹加工厂: a site named after its village, as a report may shorten it."""
    n = normalise(place)
    m = _VILLAGE_PREFIX.match(n)
    return n[m.end():] if m else None


def link_items(profiles: list["ItemProfile"], plan_texts: dict | None = None) -> None:
    """Fill in what depends on the other items: distinctive short names, and items of one plan sentence.

    Items are of one sentence when only a comma stands between them in the plan's text
    (``plan_texts``: plan id → text); without the text no item has siblings.
    """
    texts = [normalise(p.text) for p in profiles]
    for p in profiles:
        for place in p.places:
            rest = village_remainder(place)
            if rest and sum(rest in t for t in texts) == 1:
                p.without_village[place] = rest
    by_plan: dict = {}
    for p in profiles:
        props = p.feature.get("properties") or {}
        span = props.get("span")
        if isinstance(span, list) and len(span) == 2:
            by_plan.setdefault(props.get("plan"), []).append((span[0], span[1], p))
    for plan, rows in by_plan.items():
        text = (plan_texts or {}).get(plan)
        if not text:
            continue
        rows.sort(key=lambda r: r[0])
        for (s1, e1, a), (s2, e2, b) in zip(rows, rows[1:]):
            if 0 <= s2 - e1 <= 2 and text[e1:s2].strip() in ("，", ",", "、", "") and normalise(text[s1:e1]) == normalise(a.text):
                a.siblings += (b.item_id,)
                b.siblings += (a.item_id,)


def profile_item(feature: dict, own_names: tuple[str, ...], known_places=()) -> ItemProfile:
    """``known_places``: names of the town's places; those in the item's text count as its places
    even where the extractor did not list them (a clause a reviewer added by hand)."""
    props = feature.get("properties") or {}
    places = [p for p in (props.get("places") or []) if isinstance(p, str) and p.strip()]
    own_norm = {normalise(o) for o in own_names}
    places = [p for p in places if normalise(p) not in own_norm]
    if known_places:
        text_norm = normalise(props.get("text") or props.get("name") or "")
        listed = [normalise(p) for p in places]
        for name, _s, _e in find_places(text_norm, known_places):
            if name not in own_norm and not any(name in p or p in name for p in listed):
                places.append(name)
                listed.append(name)
    variants = {p: place_variants(p, own_names) for p in places}
    all_variants = [v for vs in variants.values() for v in vs] + list(places)
    text = props.get("text") or props.get("name") or ""
    core = work_core(text, all_variants + list(own_names))
    facility = {p: k for p in places if (k := town_facility(p, own_names))}
    quantity = props.get("quantity") if isinstance(props.get("quantity"), dict) else None
    return ItemProfile(feature, feature.get("id") or props.get("id"), text, places, variants, core,
                       props.get("category"), quantity, props.get("year"), facility)


def find_places(norm: str, names) -> list[tuple[str, int, int]]:
    """Known place names in a normalised text: (name, start, end), longest first, never overlapping."""
    found: list[tuple[str, int, int]] = []
    taken = [False] * len(norm)
    for name in sorted({normalise(n) for n in names if n}, key=len, reverse=True):
        if len(name) < 2:
            continue
        start = norm.find(name)
        while start != -1:
            end = start + len(name)
            if not any(taken[start:end]):
                found.append((name, start, end))
                for i in range(start, end):
                    taken[i] = True
            start = norm.find(name, end)
    return found


@dataclass
class MentionProfile:
    """What matching needs of one piece of the later document."""

    text: str
    norm: str
    found_places: list[tuple[str, int, int]]  # (known place, start, end) in ``norm``, longest first, no overlaps
    core: str
    category: str | None
    quantities: list


def profile_mention(text: str, known_places: list[str], own_names: tuple[str, ...],
                    extracted: dict | None = None) -> MentionProfile:
    norm = normalise(text)
    names = set(known_places)
    if extracted:
        names.update(p for p in extracted.get("places") or [] if isinstance(p, str))
    found = find_places(norm, names)
    own = {normalise(o) for o in own_names}
    found = [f for f in found if f[0] not in own]
    core = work_core(text, [f[0] for f in found] + list(own_names))
    category = (extracted or {}).get("category")
    quantities = [q for q in find_quantities(text) if not q.is_money]
    return MentionProfile(text, norm, found, core, category, quantities)


@dataclass(frozen=True)
class Match:
    item_id: str
    score: float
    hits: tuple[str, ...]       # the item's places the piece names
    similarity: float | None    # of the work wording
    reason: str                 # for a person: why these two were matched
    at: tuple = ()              # where in the (normalised) piece the places stand


# Tuned on the development pairs of tests/progress_docs (not on the held-out pairs).
MIN_WORK_WITH_SITE = 0.2        # a named site and a little common wording
MIN_WORK_WITH_VILLAGE = 0.35    # a village or area is shared by many items: the work must agree more
MIN_WORK_TOWN_WIDE = 0.55       # no place at all: the wording must carry the match
MIN_WORK_TOWN_WIDE_PLACED = 0.75  # a town-wide target, and a piece that names a specific place
UNIT_FIT_BONUS = 0.1
MIN_WORK_VILLAGE_DROPPED = 0.8  # a village's item named without the village: the work must be the same words


def match_item(item: ItemProfile, mention: MentionProfile, own_names: tuple[str, ...], *,
               places_known_elsewhere: bool = False) -> Match | None:
    """The match of ``mention`` with ``item``, or None when the piece is not about this item.

    ``places_known_elsewhere``: the piece's places belong to another item it was matched to, so
    they do not count against a town-wide target (金桥片区征迁完成签约房屋198户 → 完成征迁房屋260户).
    """
    hits = tuple(p for p in item.places if any(v in mention.norm for v in item.variants[p]))
    short_hits = tuple(p for p, rest in item.without_village.items() if p not in hits and rest in mention.norm)
    hit_spans = [(s, e) for p in hits for v in item.variants[p] for s, e in _occurrences(mention.norm, v)]
    hit_spans += [(s, e) for p in short_hits for s, e in _occurrences(mention.norm, item.without_village[p])]
    foreign = [f for f in mention.found_places
               if not any(s < f[2] and f[1] < e for s, e in hit_spans)
               and not any(f[0] in v or v in f[0] for p in item.places for v in item.variants[p])]
    foreign_kinds = {place_kind(f[0]) for f in foreign}
    if short_hits and not hits:
        rests = [item.without_village[p] for p in short_hits]
        if foreign_kinds & {"site", "village"} or any(
                r in f[0] and f[0] != r for r in rests for f in mention.found_places):
            return None  # "竹坑村文化礼堂" is not the 文化礼堂 of 下洋村
        hits = short_hits
    if hits:
        # the piece's wording without this item's places and the other places it names
        removed = [v for p in hits for v in item.variants[p]] + [item.without_village.get(p, "") for p in hits] \
            + [f[0] for f in foreign] + list(own_names)
        core = work_core(mention.text, removed)
    else:
        core = mention.core
    sim = work_similarity(item.core, core)
    if item.places:
        weight = max((_KIND_WEIGHT[place_kind(p)] for p in hits), default=0.0)
        via = "、".join(hits)
        if not hits:
            facility = _facility_hit(item, mention)
            if facility is not None and "site" not in foreign_kinds:
                weight, via = 0.6, facility
            elif _village_dropped(item, mention, sim, foreign_kinds):
                weight, via = 0.3, "（未写村名）"
            else:
                return None
        if sim is None:
            if weight < 1.0:
                return None  # a village alone is shared by many works: some wording must agree
            sim_used = 0.5
        else:
            sim_used = sim
            need = MIN_WORK_WITH_SITE if weight >= 1.0 else MIN_WORK_WITH_VILLAGE
            if sim < need:
                return None
        score = weight + sim_used
        reason = f"地点 {via}" + (f"，内容相似 {sim:.2f}" if sim is not None else "")
    else:
        if sim is None:
            return None
        placed = ("site" in foreign_kinds or "village" in foreign_kinds) and not places_known_elsewhere
        need = MIN_WORK_TOWN_WIDE_PLACED if placed else MIN_WORK_TOWN_WIDE
        unit_fit = _unit_fit(item, mention)
        if unit_fit is False:
            return None
        if unit_fit:
            need -= UNIT_FIT_BONUS  # "农村改厕86户" for "改造农村厕所80户": the count backs the wording
        if sim < need:
            return None
        score = sim
        reason = f"内容相似 {sim:.2f}"
        if unit_fit:
            score += UNIT_FIT_BONUS
            reason += "，单位一致"
    if mention.category and item.category and mention.category != item.category \
            and "other" not in (mention.category, item.category):
        score -= 0.15
    spans = tuple(sorted({sp for sp in hit_spans}))
    return Match(item.item_id, round(score, 4), hits, sim, reason, spans)


def _village_dropped(item: ItemProfile, mention: MentionProfile, sim: float | None, foreign_kinds: set) -> bool:
    """"笋竹加工厂：设备安装中" for 建设竹坑村笋竹加工厂: the village left out, the distinctive work named in full."""
    return (sim is not None and sim >= MIN_WORK_VILLAGE_DROPPED and not foreign_kinds
            and all(place_kind(p) == "village" for p in item.places) and len(item.core.replace("|", "")) >= 4)


def _facility_hit(item: ItemProfile, mention: MentionProfile) -> str | None:
    for kind in item.facility.values():
        if kind in mention.norm:
            return kind
    return None


def _unit_fit(item: ItemProfile, mention: MentionProfile) -> bool | None:
    """True: the piece counts in the item's unit; False: in another dimension; None: cannot tell."""
    target = item.quantity or {}
    unit = target.get("unit")
    if not unit or not mention.quantities:
        return None
    fits = [convert(1.0, q.unit, unit) is not None for q in mention.quantities if q.unit]
    if not fits:
        return None
    return any(fits)


def _occurrences(text: str, needle: str):
    start = text.find(needle)
    while start != -1:
        yield start, start + len(needle)
        start = text.find(needle, start + 1)


def best_matches(items: list[ItemProfile], mention: MentionProfile, own_names: tuple[str, ...]) -> list[Match]:
    """The item the piece reports on, and any further item it names a different place of ("A和B均已完工")."""
    found = [m for m in (match_item(it, mention, own_names) for it in items) if m is not None]
    if not found:
        return []
    found.sort(key=lambda m: -m.score)
    if len(found) > 1 and not found[0].hits and found[0].score - found[1].score < 0.02:
        return []  # two items fit equally well and the piece names no place: a person must say which
    chosen = [found[0]]
    for m in found[1:]:
        clash = any(a[0] < b[1] and b[0] < a[1] for c in chosen for a in c.at for b in m.at)
        if m.hits and m.at and not clash and m.score >= 1.0:
            chosen.append(m)
    # "金桥片区征迁完成签约房屋198户": the named works, and the town-wide count target it advances
    by_id = {it.item_id: it for it in items}
    # "桐溪农业园区新建连栋大棚60亩": the plan's "推进桐溪农业园区提升工程，新建连栋大棚50亩" is one sentence, two items
    for m in list(chosen):
        for sib_id in by_id[m.item_id].siblings:
            sib = by_id.get(sib_id)
            if sib is None or any(c.item_id == sib_id for c in chosen):
                continue
            hits = tuple(p for p in sib.places if any(v in mention.norm for v in sib.variants[p])
                         and place_kind(p) == "site")
            if hits:  # the site itself named (a village hosts many works: not enough)
                chosen.append(Match(sib_id, m.score - 0.01, hits, None, "同一规划句中的另一项", ()))
    if by_id[chosen[0].item_id].places:
        counted = [m for it in items if it.town_wide and _unit_fit(it, mention)
                   and not any(c.item_id == it.item_id for c in chosen)
                   and (m := match_item(it, mention, own_names, places_known_elsewhere=True))]
        if counted:
            chosen.append(max(counted, key=lambda m: m.score))
    return chosen
