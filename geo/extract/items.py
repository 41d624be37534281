"""Clauses → plan items (contract ``properties`` without the store's bookkeeping)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from geo.ids import dedupe_ids, item_id

from . import classify
from .numerals import PHYSICAL_UNITS, Quantity, find_quantities
from .places import Place, find_places, find_segment, harvest_village_short_names
from .structure import Clause, split_document

# Enumeration separators: "完成A、B和C" is three items sharing 完成.
_ENUM_SPLIT = re.compile(r"、|以及|(?<![总共温调饱缓柔])和(?![谐美平睦气衷])|(?<![普涉波顾以危])及(?![时早格])")
_OPEN_QUOTES, _CLOSE_QUOTES = "“「『《(（[【\"", "”」』》)）]】\""
# What the name of an item loses: leading adverbs and progress verbs, trailing filler.
_NAME_LEAD = re.compile(
    r"^(?:进一步|积极|全力|着力|努力|大力|不断|切实|确保|力争|年内|年底|今年|全年|要|突出|高标准|全面|深入|重点|优先|尽快|及时|计划|"
    r"加快推进|持续推进|深入推进|积极推进|加快|推进|持续|继续|深化|推动|抓好|做好|完成|启动|实施|开展|争取|谋划|探索|督导|支持|扶持|提升|发展)+")
_NAME_TAIL = re.compile(r"(?:的?(?:工作|进度|力度|任务|等工作|前期工作|立项并开工|并开工))+$")
# A counted target is physical when it counts works, not firms, people or titles.
_COUNTED_PRODUCTS = re.compile(r"产品(?:认证)?$|品种$")
_NON_PHYSICAL_COUNTED = re.compile(r"企业|人才|人次|机构|名牌|品牌|商标|专利|家庭|农户|党员|干部|学生|人口|岗位|个转企|小升规")


@dataclass
class _Part:
    start: int  # offsets inside the clause
    end: int
    places: list[Place]


def extract_items(text: str, *, plan_id: str, town: str | None, county: str | None, year: int | None,
                  title: str | None, known_places=None, is_report: bool = False, analyser=None) -> list[dict]:
    headings, clauses = split_document(text, title=title, is_report=is_report)
    known = set()
    for name in known_places or ():
        name = str(name).strip()
        if len(name) >= 2:
            known.add(name)
            if name.endswith(("村", "社区")) and len(name) >= 3:
                short = name[:-1] if name.endswith("村") else name[:-2]
                if len(short) >= 2:
                    known.add(short)
    body = "\n".join(c.text for c in clauses)
    known |= harvest_village_short_names(body)
    own_names = _own_names(town, county)
    known -= own_names
    known_f = frozenset(known)

    lexical_spans = _lexical_spans(analyser, text, clauses)
    items: list[dict] = []
    prev_by_sentence: dict[int, tuple[str | None, str]] = {}
    for clause in clauses:
        places = find_places(clause.text, known_f, tuple(own_names), named=lexical_spans.get(clause.start, ()))
        parts = _enumeration_parts(clause.text, places)
        verb, _, _ = classify.find_verb(clause.text)
        inherited_verb, prev_text = prev_by_sentence.get(clause.sentence_id, (None, ""))
        clause_verb = verb or (inherited_verb if _starts_without_verb(clause.text) else None)
        for i, part in enumerate(parts):
            item = _make_item(clause, part, clause_verb if i == 0 or verb else clause_verb, prev_text, own_names,
                              town=town, county=county, year=year, plan_id=plan_id)
            if item:
                items.append(item)
        prev_by_sentence[clause.sentence_id] = (clause_verb, clause.text)
    ids = dedupe_ids([it["id"] for it in items])
    for it, new_id in zip(items, ids):
        it["id"] = new_id
    return items


def _lexical_spans(analyser, text: str, clauses: list[Clause]) -> dict[int, list[tuple[int, int, str]]]:
    """The analyser's place/organisation spans per clause (keyed by clause start, clause offsets).

    Only clauses that could be items are analysed (a work word or a plan verb, not an event or a
    statistic): the model is the slow part of extraction, and most of a report is policy prose.
    """
    if analyser is None or not clauses:
        return {}
    todo = [c for c in clauses if _worth_analysing(c.text)]
    spans = analyser.spans([c.text for c in todo])
    return {c.start: found for c, found in zip(todo, spans) if found}


def _worth_analysing(clause: str) -> bool:
    if len(clause) < 4 or _NOT_A_WORK.search(clause) or _ACHIEVEMENT.search(clause) or _STATISTIC.search(clause):
        return False
    return bool(WORK_WORDS.search(clause) or _PROJECT_HINT.search(clause))


_PROJECT_HINT = re.compile(r"项目|企业|公司|集团|基地|园|景区|酒店|商场|小镇|站|厂|矿|入驻|投产|开工|签约|招引|引进|运营|通车|完工")


def _own_names(town: str | None, county: str | None) -> set[str]:
    """The document's own town and county, with and without their suffix: never a place of an item alone."""
    names = set()
    for n in (town, county):
        if n:
            names.add(n)
            short = re.sub(r"(?:街道|镇|乡|县|市|区)$", "", n)
            if len(short) >= 2:
                names.add(short)
    return names


def _starts_without_verb(text: str) -> bool:
    v, s, _ = classify.find_verb(text)
    return v is None or s > 0


# Words that make a piece of an enumeration a work of its own ("杭绍台高铁敏感区拆迁、204省道坟墓搬迁").
WORK_WORDS = re.compile(
    r"改造|建设|工程|项目|治理|整治|加固|扩建|新建|迁建|修复|提升|升级|搬迁|拆迁|拆除|征收|征迁|开工|投产|完工|通车|铺设|"
    r"亮化|绿化|硬化|改建|修建|建成|复垦|收储|创建|规划|设计|前期|扩容|提质|增容|改线|互通|连接线|运营|入驻|签约|落地|迁移|"
    r"改扩建|新改建|整修|打造|实施|投用|竣工")
# A name at the head of the last piece of a list: "…、福润烘焙项目年底前建成投产", "…、风水2个重点村".
_TAIL_NAME = re.compile(r"(?P<n>[\u4e00-\u9fffA-Za-z0-9#“”]{2,12}?)(?=等|\d+(?:个|家|条|处|座|所)|[两二三四五六七八九十]+(?:个|家|条|处|座|所)|项目|工程|企业|旧址)")
_LIST_HEAD_STRIP = re.compile(r"^(?:对|与|将|把|在|原|由|和|及|以)")


def _enumeration_parts(clause: str, places: list[Place]) -> list[_Part]:
    """Split "完成A、B和C" into A / B / C where each piece is a work of its own; names that share one
    work ("水口山水库、下坦溪水库除险加固", "苏宁电器、爱购超市等商场投入运营") stay one item, and
    the bare names of such a list become places of the item."""
    cuts = []
    depth = 0
    i = 0
    spans_inside_place = [(p.start, p.end) for p in places]
    while i < len(clause):
        ch = clause[i]
        if ch in _OPEN_QUOTES and not (ch == '"' and depth):
            depth += 1
        elif ch in _CLOSE_QUOTES and depth:
            depth -= 1
        elif depth == 0:
            m = _ENUM_SPLIT.match(clause, i)
            if m and not any(s <= i < e for s, e in spans_inside_place) and _separates(clause, m, places):
                cuts.append((i, m.end()))
                i = m.end()
                continue
        i += 1
    pieces = []
    start = 0
    for s, e in cuts:
        pieces.append((start, s))
        start = e
    pieces.append((start, len(clause)))
    pieces = [(s, e) for s, e in pieces if e > s]
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    one_kind = _names_one_kind(clause, pieces[-1]) if len(pieces) > 1 else True
    counted = len(pieces) > 1 and bool(_COUNTED_LIST_END.match(clause, pieces[-1][0])) \
        and not any(WORK_WORDS.search(clause[s:e]) for s, e in pieces[:-1])
    for n, (s, e) in enumerate(pieces):
        if current and not one_kind and _different_works(clause, current, (s, e), places):
            groups.append(current)
            current = []
        current.append((s, e))
        if n < len(pieces) - 1 and not counted and not _is_bare(clause, s, e, places):
            groups.append(current)
            current = []
    if current:
        if groups and all(_is_bare(clause, s, e, places) for s, e in current) and len(current) == 1 \
                and len(clause[current[0][0]:current[0][1]]) <= 6:
            groups[-1].extend(current)  # a short leftover ("…和苗木迁移") belongs to the work before it
        else:
            groups.append(current)
    parts = []
    for g in groups:
        s, e = g[0][0], g[-1][1]
        inner = [p for p in places if s <= p.start < e]
        if len(g) > 1:
            inner = _listed_names(clause, g, inner)
        parts.append(_Part(s, e, inner))
    return parts


# "A、B等3个亿元以上项目": a count after 等 counts the whole list, which is one item (unless the pieces
# before name works of their own: "X水库除险加固和C、D等3个修复项目" counts C and D).
_COUNTED_LIST_END = re.compile(r"[^，,。；;、]{2,14}?等(?:\d+|[两二三四五六七八九十]+)个[^，,。；;、]{0,8}项目")


def _names_one_kind(clause: str, last: tuple[int, int]) -> bool:
    """"A、B、C等旧址开展修复", "…等特色街区的升级改造": the word after 等 says what every name of the
    list is, so the names are one work whatever their own heads say."""
    m = re.search(r"等(?:一批|多个|大型|\d+[个家处座条])?", clause[last[0]:last[1]])
    return bool(m) and classify.keyword_category(clause[last[0] + m.end():last[0] + m.end() + 6]) is not None


def _separates(clause: str, m, places: list[Place]) -> bool:
    """、 always lists; 和/及 only when a place or a count follows ("房屋和土地征收" is one work)."""
    if m.group() == "、":
        return True
    nxt = re.split(r"、|和|及|[,，]", clause[m.end():], maxsplit=1)[0]
    return any(m.end() <= p.start < m.end() + len(nxt) for p in places) or bool(find_quantities(nxt))


def _kind_of(clause: str, piece: tuple[int, int], places: list[Place]) -> str | None:
    """What the piece names (a road, a school, a firm …): the category of its last place that tells one
    ("航天三院通用机场" is an airport)."""
    kinds = [c for p in places if piece[0] <= p.start < piece[1] for c in [classify.place_category(p)] if c]
    return kinds[-1] if kinds else None


# Firms build estates and parks: a firm's name beside them is no different kind of work.
_SAME_WORK = {frozenset({"enterprise", "housing"}), frozenset({"enterprise", "industrial_park"})}


def _different_works(clause: str, group: list[tuple[int, int]], piece: tuple[int, int], places: list[Place]) -> bool:
    """"沪乍杭铁路、诸暨至嵊州高速公路": pieces naming facilities of different kinds are separate projects."""
    before = {k for p in group for k in [_kind_of(clause, p, places)] if k}
    here = _kind_of(clause, piece, places)
    if re.match(r"[\u4e00-\u9fff]{2,8}?(?:[两二三四五六七八九十]|\d+)(?:个|处|条|座|家)", clause[piece[0]:piece[1]]):
        return False  # "哈萨尔大街和东升路两处市民公园": the count covers the list
    return bool(before and here and here not in before and not any(frozenset({here, b}) in _SAME_WORK for b in before))


def _listed_names(clause: str, group: list[tuple[int, int]], inner: list[Place]) -> list[Place]:
    """Bare names of a list that shares one work are places too: "光明、富强、友好三个蔬菜园区"."""
    found = list(inner)
    has_anchor = bool(inner) or bool(re.search(r"项目|企业|公司|集团|基地|园|景区|酒店|商场|小镇|村|工程|站|厂|矿|旧址|街|路",
                                             clause[group[-1][0]:group[-1][1]]))
    if not has_anchor:
        return found
    candidates = []
    for s, e in group[:-1]:
        if any(s <= p.start < e for p in inner):
            continue
        verb, vs, ve = classify.find_verb(clause[s:e])
        if verb and vs == 0:
            s += ve
        m = _LIST_HEAD_STRIP.match(clause, s)
        if m:
            s = m.end()
        candidates.append((s, e))
    s, e = group[-1]
    if not any(s <= p.start < s + 2 for p in inner):
        m = _TAIL_NAME.match(clause, s)
        if m and not any(p.start < m.end() and s < p.end for p in inner):
            candidates.append((s, m.end()))
    for s, e in candidates:
        tok = clause[s:e].strip("“”\"")
        s = clause.index(tok, s) if tok else s
        if not (2 <= len(tok) <= 12) or WORK_WORDS.search(tok) or _is_generic_name(tok):
            continue
        found.append(Place(tok, "listed", s, s + len(tok)))
    found.sort(key=lambda p: p.start)
    return found


def _is_generic_name(tok: str) -> bool:
    from .places import GENERIC_PREFIXES, LEVEL_WORDS
    if tok in GENERIC_PREFIXES or LEVEL_WORDS.search(tok) or re.search(r"[的了着是之]|^\d+$|[，,。；;：:]", tok):
        return True
    if re.search(r"(?:管网|管道|管线|设施|设备|线路|网络|系统|道路|路网)$", tok):
        return True  # "给排水管网": a kind of works, not a name
    return classify.keyword_category(tok) is not None and len(tok) <= 3 and not re.search(r"[村镇乡园站馆路街]$", tok)


def _is_bare(clause: str, s: int, e: int, places: list[Place]) -> bool:
    """A piece without a work of its own: only names (or a lead verb and names), sharing the next piece's work."""
    piece = clause[s:e]
    if len(piece) < 2:
        return True
    inner = [p for p in places if s <= p.start < e]
    masked = piece
    for p in sorted(inner, key=lambda p: -p.start):
        masked = masked[:p.start - s] + "□" + masked[p.end - s:]
    verb, vs, ve = classify.find_verb(masked)
    if verb and vs == 0:
        masked = masked[ve:]
    if any(q.start > 0 for q in find_quantities(piece)):
        return False  # "新增文化礼堂4家": a counted target of its own ("2.2平方公里中心文化区" is still a name)
    rest = masked.replace("□", "")
    return not WORK_WORDS.search(rest) and not classify.find_verb(rest)[0]


def _make_item(clause: Clause, part: _Part, verb: str | None, context: str, own_names: set[str], *,
               town, county, year, plan_id) -> dict | None:
    ptext = clause.text[part.start:part.end]
    local = [Place(p.name, p.kind, p.start - part.start, p.end - part.start) for p in part.places]
    part_verb, _, _ = classify.find_verb(ptext)
    verb = part_verb or verb
    quantities = find_quantities(ptext)
    quantity: Quantity | None = next((q for q in quantities if not q.is_money), None)
    money = next((q for q in quantities if q.is_money), None)
    category = classify.categorise(ptext, local)
    if category == "other" and quantity and _refers_back(ptext, context):
        category = classify.categorise(ptext, local, context=context)
    real_places = [p for p in local if p.name not in own_names and p.kind != "town"]

    if _ACHIEVEMENT.search(ptext) or _NOT_A_WORK.search(ptext) or _STATISTIC.search(ptext) \
            or (_FRAMING_LEAD.search(ptext) and not WORK_WORDS.search(ptext[_FRAMING_LEAD.search(ptext).end():])) \
            or not _qualifies(ptext, category, real_places, quantity, money, verb,
                                                   keyword=classify.keyword_category(ptext, local)):
        return None

    segment = find_segment(ptext, local)
    names = _place_names(local, segment)
    flags = []
    if quantity is not None and quantity.unit is None:
        flags.append("missing_unit")
    if clause.glued:
        flags.append("missing_separator")
    status = classify.status_of(verb, ptext, retrospective=clause.retrospective)
    start, end = clause.start + part.start, clause.start + part.end
    name = _name_of(ptext)
    props = {
        "id": item_id(plan_id, name, ptext),
        "plan": plan_id, "town": town, "county": county, "year": year, "section": clause.section,
        "name": name, "category": category, "status": status, "plan_verb": verb,
        "places": names, "area": None,
        "quantity": quantity.as_dict() if quantity else None,
        "budget_wan": money.budget_wan if money else None,
        "text": ptext, "span": [start, end],
        "precision": "none", "geometry_source": None, "notes": None, "flags": flags,
    }
    if segment:
        props["x_segment"] = segment
    return props


_COMMON_BIGRAMS = {"建设", "完成", "推进", "改造", "工程", "项目", "工作", "实施", "提升", "加快", "发展", "全面", "开展"}


def _refers_back(ptext: str, previous: str) -> bool:
    """"完成7个村提标改造任务" after "推进农村饮用水达标提标工程": the piece repeats a word of the clause before."""
    if not previous:
        return False
    grams = {ptext[i:i + 2] for i in range(len(ptext) - 1)} - _COMMON_BIGRAMS
    return any(g in previous for g in grams if all("\u4e00" <= c <= "\u9fff" for c in g))


# Recognitions and rankings are achievements, not works: "入选…名录", "被认定为…示范园区".
_ACHIEVEMENT = re.compile(r"入选|荣获|获评|被评为|认定为|评为|获得.{0,8}(?:称号|荣誉|奖)|名录|位居|排名|列全|上榜|\d+强|"
                          r"晋升为|被确定为|被命名|认证|(?:省级|市级|国家级)[^，。]{0,12}达到")
# Clauses about events, framing or aspirations rather than works: "举办…展销会", "依托…优势",
# "…的关键之年", "以…为中心", "打造成…商贸城", "…运行良好".
_NOT_A_WORK = re.compile(
    r"举办|办好|承办|展销会|洽谈会|博览会|交流会|大赛|赛事|邀请赛|拉力赛|论坛|会议|宣讲|督查|考核|监督(?!所)|领导下|指导下|"
    r"学习|贯彻|落实.{0,6}精神|精神$|旗帜|航线|合作关系|强强联合|对接$|看齐|打造成|成为|运行良好|得到.{0,6}改善|"
    r"(?:之年|时机|契机|机遇|作用|指示|部署|要求|理念|思想|导向|模式|路径|品牌|影响力|竞争力|知名度|优势|格局|关系|方位|"
    r"风采|魅力|添彩|为重点|为中心|为指导|为核心|为中轴|为[东南西北]环|平台|内容|大使|爆点|新地标|等地|研发|供给|上市筹备|方案|"
    r"交流|互动交流|抓手|体系|机制|开展工作)$|群团组织")
_FRAMING_LEAD = re.compile(r"^(?:[一二三四五六七八九十]是)?(?:依托|借助|借力(?=.*(?:优势|契机))|坚持|着眼|结合|围绕|发挥|充分利用|引导|按照|通过|面对|立足|统筹好|以(?!.*(?:建设|改造)))")
_STATISTIC = re.compile(r"(?:面积|总面积|人数|人次|总量|存栏)(?:保持|达到|达|为|突破)?\d|(?:已建|在建|现有|累计|共有)[^，。]{0,12}达|"
                        r"(?:已达|的有)(?:\d+|[两二三四五六七八九十]+)(?:个|家|项)|累计(?:孵化|引进|招引|签约|培育)")
_ECONOMIC = re.compile(r"收入|产值|增加值|营业|销售|税收|出口|消费|存款|贷款|融资|生产总值|利润|资金|补助|补贴|奖励|保险|救助")
_PROJECT_NOUN = re.compile(r"建设|工程|项目|管网|改造|新建|修建|扩建|整治|治理|修复")


def _qualifies(ptext: str, category: str, places: list[Place], quantity: Quantity | None,
               money: Quantity | None, verb: str | None, keyword: str | None = None) -> bool:
    """Location-bound project, or a quantified physical target; never a mere policy clause."""
    if places and all(p.kind == "area" for p in places) and keyword is None:
        places = []  # "确保新城区建设顺利实施": a town area and no kind of work is no item of its own
    if places:
        # a named place with a work named in the clause, or governed by a plan verb
        return keyword is not None or verb is not None or bool(re.search(r"项目|工程", ptext))
    if quantity is not None:
        if _NON_PHYSICAL_COUNTED.search(ptext[:quantity.start + 12]) and category in ("enterprise", "other"):
            return False
        if _COUNTED_PRODUCTS.search(ptext[max(0, quantity.start - 6):quantity.start]):
            return False  # "绿色农产品6个", "认证产品12种": products counted, not works
        if category not in classify.PHYSICAL_CATEGORIES:
            return False
        if quantity.unit is None:
            return True  # kept and flagged missing_unit, never guessed
        if quantity.unit in PHYSICAL_UNITS:
            return True
        return quantity.unit in ("个", "家", "处", "项", "户", "所", "座", "条", "间", "套", "台", "口", "宗", "片", "批")
    if money is not None and category in classify.PHYSICAL_CATEGORIES and money.budget_wan \
            and _PROJECT_NOUN.search(ptext) and not _ECONOMIC.search(ptext):
        return True
    return False


def _place_names(places: list[Place], segment: dict | None) -> list[str]:
    names: list[str] = []
    if segment and segment.get("from"):
        seg_names = [segment["from"], segment["to"]]
        for p in places:
            if any(n and (n in p.name or p.name in n) for n in seg_names):
                for n in seg_names:
                    if n and n not in names:
                        names.append(n)
            elif p.name not in names:
                names.append(p.name)
        for n in seg_names:
            if n and n not in names:
                names.append(n)
        return names
    for p in places:
        if p.name not in names:
            names.append(p.name)
    if segment and segment.get("at") and not any(segment["at"] in n for n in names):
        idx = names.index(segment["along"]) + 1 if segment.get("along") in names else len(names)
        names.insert(idx, segment["at"])
    return names


def _name_of(ptext: str) -> str:
    name = _NAME_LEAD.sub("", ptext)
    name = _NAME_TAIL.sub("", name).strip()
    if len(name) < 2:
        name = ptext.strip()
    return name[:60] or "未命名"
