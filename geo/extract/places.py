"""Place names in a clause, recognised by their suffix (X村, X水库, X溪, X路, S225省道, X园区 …),
by enumeration ("中街、水岙等3个…": bare village names), and by an optional list of known names.

Chinese has no spaces, so a name's left edge is where a verb or function word ends
(完成|推进|和|的 …) or where another place ends. Words that name a level or an authority
(省级, 市级, 国家, 示范 …) or a generic kind (农村公路, 小微园区) are never places.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .classify import keyword_category

CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # village, town, area, road, rail, river, reservoir, bridge, park, facility, enterprise, bare
    start: int
    end: int


# suffix → (kind, min prefix, max prefix, compound) ; compound suffixes may contain other place names (下坦溪水库)
SUFFIXES: dict[str, tuple[str, int, int, bool]] = {}


def _add(kind: str, words: str, lo: int, hi: int, compound: bool) -> None:
    for w in words.split():
        SUFFIXES[w] = (kind, lo, hi, compound)


_add("reservoir", "水库 山塘", 2, 5, True)
_add("river", "溪 江 河 港 渠 浦 湖", 2, 4, False)
_add("road", "公路 大道 路 街 巷 隧道 高速公路 高速", 2, 5, False)
_add("road", "省道 国道 县道", 2, 4, False)
_add("rail", "高铁 铁路 城际铁路 轻轨", 2, 5, True)
_add("bridge", "大桥 桥", 2, 4, False)
_add("park", "工业园区 产业园区 园区 产业园 工业园 创业园 科技园 物流园 企业园 区块 集聚区 开发区 工业区 片区 "
     "综合体 小镇 广场 公园 景区 基地 经济园 制造园 核心圈 组团 起步区 度假区 示范区", 2, 8, True)
_add("housing", "小区 家园 新村 安置区", 2, 8, True)
_add("facility", "幼儿园 小学 中学 学校 卫生院 医院 卫生室 敬老院 养老院 礼堂 文化礼堂 水厂 污水处理厂 中转站 泵站 变电站 "
     "码头 车站 客运站 服务区 体育馆 图书馆 博物馆 纪念馆 家庭农场 农场 合作社 中心学校 "
     "电站 供电站 水利枢纽 市场 商场 大楼 酒店 牧场 养殖基地 客运总站 调度中心 保鲜库 冰温库", 2, 8, True)
_add("enterprise", "煤矿 露天矿 金矿 矿业", 2, 8, True)
_add("enterprise", "有限公司 股份有限公司 公司 集团", 2, 10, True)
_add("village", "村 社区", 1, 4, False)
_add("town", "镇 乡 街道", 2, 4, False)

_SUFFIXES_LONGEST = sorted(SUFFIXES, key=len, reverse=True)
_SUFFIX_RE = re.compile("|".join(sorted(map(re.escape, SUFFIXES), key=len, reverse=True)))

# Industry words that follow a two-character brand: 龙威灯饰, 宝顺金属, 桐坑茶业.
BRAND_INDUSTRIES = ("灯饰 金属 茶业 机械 电器 实业 工艺 塑业 塑胶 制药 药业 鞋业 服饰 纺织 汽配 "
                    "彩印 橡胶 阀门 泵业 车业 玩具 礼品 工贸 针织 印染 模具").split()
_BRAND_RE = re.compile(rf"(?=(?P<b>[\u4e00-\u9fff]{{2}})(?P<i>{'|'.join(BRAND_INDUSTRIES)}))")

# Left edges: a name never runs across these (longest first).
STOP_WORDS = sorted(set("""
完成 推进 加快 启动 新建 建设 实施 争取 开展 抓好 做好 突出 提升 发展 支持 扶持 确保 优化 打造 按照 深化 加强 力争 督导 推动
积极 全力 跟进 修建 改造 整治 谋划 探索 继续 持续 培育 打响 开工 建成 落实 保障 创建 争创 提高 加大 规范 实现 强化 巩固 结合 保护
拓宽 扩建 新增 引进 加速 聚焦 依托 围绕 利用 形成 包括 涉及 位于 通过 以及 或者 还是 其中 并且 一批 一个 两个 多个 各个 全面 进一步
高标准 高质量 全域 区域 配套 沿线 周边 附近 范围 以上 以下 左右 重点 主要 着力 大力 不断 深入 努力 年内 年底 今年 全年 明年 要
的 和 与 及 至 到 在 对 将 把 为 向 从 等 或 、 原 由 于 是 有 即 并 同 跟 让 被 给 以 其 该 本 各 每 全 了 着 过 共 新 个 段
我镇 我区 我县 我市 本镇 全镇 该镇 完善 坚持 注重 面对 荣获 入选 认定 位居 新一轮 一轮 规范 引导 鼓励 带动 构建 健全 建立 推广 传承 举办 落地 选优 激活 激发 补齐 助推 实施 提质 升级 壮大 做大 做优 做强 打通 贯通 连接 串联 对接
""".split()), key=len, reverse=True)

from .verbs import STATUS_VERBS  # noqa: E402  (verbs end a name on its left)

_VERBS = frozenset(STATUS_VERBS) | frozenset(w for w in STOP_WORDS if len(w) >= 2)
STOP_WORDS = sorted(set(STOP_WORDS) | set(STATUS_VERBS) | set("拓展 增加 成立 出台 提供 承办 主办 推广 融入 接轨 服务 保障 促进 带动".split()),
                    key=len, reverse=True)

# Generic words: a prefix made of (or containing) these names a kind or a level, not a place.
LEVEL_WORDS = re.compile(r"省级|市级|县级|区级|镇级|乡级|村级|国家|全国|全省|全市|全县|全区|全镇|示范|标准化|重点|试点|"
                         r"文明|小康|美丽|特色|精品|贫困|薄弱|先进|样板|达标|星级|善治|无违建|一批|若干|相关|各类|有关|一轮|农民|专业|龙头|"
                         r"新型|主体|企业$|中小|学前|义务|现代|乡镇|寄宿|垃圾|^级|A级|高端|山水|居家|规模|专门|普通|公办|民办|零碳|低碳|绿色|"
                         r"制造业|产业$|民生|服务$|第[一二三四五六七八九十\d]+|核心|淘宝|以上|以下")
GENERIC_PREFIXES = set("""
农村 乡村 城乡 城市 城镇 乡镇 村庄 村级 小微 工业 产业 物流 科技 企业 创业 生态 旅游 农业 现代 智慧 数字 新型 传统 污水 道路 交通 公共
中心 行政 自然 中心村 重点村 体育 卫生 民主法治 历史文化 集体经济 经济 山区 平原 海岛 沿海 城区 社区 小区 住宅 老旧 城中 城郊
高速 国道 省道 县道 乡道 村道 主干 干线 支线 快速 环城 人行 步行 商业 特色 精品 主要 全部 所有 相关 其他 以上 党建 三年 文化 教育 医疗
首家 首批 首个 一批 一些 多个 若干
新 老 旧 大 小 各 全 本 该 每 两 一 乡 农 渔 山 水 电 网 线 道 马 公 铁 思 出 之 进 门 套 街 城 镇 区 县 市 省 村 内 外 东 西 南 北 中 上 下
""".split())
# A village suffix 村 that begins another word: 村民, 村庄, 村落, 村级 …
_VILLAGE_NOT_SUFFIX = re.compile(r"村(?=[民庄落级委集干务规容貌两镇道路])")
# A suffix char that is the start of a longer common word: 河道, 路网, 街道办 …
_NOT_SUFFIX_AFTER = {
    "河": "道流长岸湖堤北南", "江": "湖西苏南北", "湖": "泊北南", "路": "网面灯段基口况径线", "街": "道头区坊巷面景", "港": "口", "溪": "流", "渠": "道",
    "镇": "区村域级长容貌街政", "乡": "村镇贤愁土亲", "桥": "梁", "园": "区", "广场": "舞",
}
_NOT_SUFFIX_BEFORE = {"路": "道马公铁线思出之网门套电回销弯退后前", "江": "浙长", "河": "黄运", "湖": "河", "镇": "城乡集", "乡": "城下", "村": "农乡渔山强带兴富治因驻进入到包联帮空通"}

ROAD_CODE_RE = re.compile(r"(?<![A-Za-z0-9])(?:[GSXYgsxy]\d{2,4}(?:省道|国道|县道|乡道|线|高速)?|\d{2,4}(?:省道|国道|县道|乡道))")
AREA_WORDS = re.compile(r"镇区|集镇区?|老街区|城区")
SEGMENT_SUFFIXES = ("连接线", "快速路", "公路", "道路", "绿道", "路段", "河段", "线", "路", "段")
_SEG_SPLIT = re.compile(r"至|到|—|－|–|-|~|～")
_ENUM_RE = re.compile(r"(?P<list>(?:[\u4e00-\u9fff]{2,4}、)+[\u4e00-\u9fff]{2,4}?)(?:等)?(?P<n>\d+|[两二三四五六七八九十]+)(?:个|处|座)(?:村|[\u4e00-\u9fff]{2})")


# After an administrative name, these make it a level or an authority ("临海市示范…", "市级").
_LEVEL_AFTER = re.compile(r"(?:市|县|区|镇|乡)?(?:示范|级|重点|首批|优秀|先进|标准化)")

# Words for works, never a place on their own (a bare token "工程" in "提升工程、府前街…").
# Only bare tokens: 建设路 and 工程路 are real road names.
WORK_NOUNS = frozenset("工程 项目 建设 改造 设施 工作 任务 配套 提升 整治 治理 管网 服务 行动 机制 平台 体系 基础 "
                       "规划 方案 标准 质量 品牌 设备 系统 网络 环境".split())


# Words that begin with 化 after a suffix and keep it a place: "园区化工企业".
_HUA_WORDS = ("化工", "化肥", "化学", "化纤", "化妆")
# What a 市场 is of when it is a market in the economic sense.
_ABSTRACT_MARKET = re.compile(r"(?:旅游|文化|消费|国内外|国内|国际|海外|境外|要素|劳动力|人力资源|人才|资本|房地产|楼市|金融|产权|"
                              r"技术|电商|网络|马路|主要|目标|客源)$")

_NUMBERED = re.compile(r"第[一二三四五六七八九十\d]+(?:实验|中心)?")  # 第二幼儿园, 第四实验小学: a county's numbered schools
_RATING = re.compile(r"\d+(?:KV|kV|kv|千伏)")  # 南郊220KV电站


def _is_generic(prefix: str, kind: str) -> bool:
    if kind == "facility" and _NUMBERED.fullmatch(prefix):
        return False
    if not prefix or prefix in GENERIC_PREFIXES or _level_word_rules(prefix):
        return True
    if kind == "bare" and (prefix in WORK_NOUNS or prefix[-2:] in WORK_NOUNS):
        return True
    if kind not in ("enterprise",) and re.search(r"农村|乡村|城乡|小微|高标准|党建|三年|[的了着是]", prefix):
        return True
    if re.search(r"[\d０-９]", _RATING.sub("", prefix) if kind == "facility" else prefix) and kind not in ("road",):
        return True
    return False


def _level_word_rules(prefix: str) -> bool:
    """A prefix that is a level or a kind ("省级现代农业", "美丽乡村精品", "…示范"), not a name: it begins or
    ends with a level word, or is little else. A level word inside a name ("哈克现代化牧场") is description."""
    if LEVEL_WORDS.match(prefix):
        return True
    words = list(LEVEL_WORDS.finditer(prefix))
    if not words:
        return False
    if words[-1].end() == len(prefix):
        # "食用菌核心园区": the core park of a named trade; a level before it keeps it generic
        return not (words[-1].group() == "核心" and len(words) == 1 and len(prefix) >= 4)
    rest = LEVEL_WORDS.sub("", prefix)
    return len(re.findall(r"[\u4e00-\u9fff]", rest)) < 2


# Verbs that are also nouns inside names: "海拉尔农业发展园区", "科技创新服务中心".
_NOUN_VERBS = ("发展", "建设", "服务", "创新")


def _past_noun_verb(clause: str, start: int, s_start: int, lo: int, hi: int, stops, kind: str) -> tuple[int, str]:
    """Where a name begins when the scan stopped at a noun-like verb just before its suffix: before that
    verb, if what precedes it is a name of its own ("海拉尔农业" + 发展园区); else where it stopped."""
    verb = next((w for w in _NOUN_VERBS if clause.endswith(w, 0, start)), None)
    if not verb:
        return start, "stop"
    inner_end = start - len(verb)
    k, why = _prefix_start(clause, inner_end, lo, max(1, hi - (s_start - inner_end)), stops)
    inner = clause[k:inner_end]
    if why == "cap" or len(inner) < 2 or _is_generic(inner, kind) or inner in _VERBS:
        return start, "stop"
    return k, why


_RATING_BEFORE = re.compile(r"\d+(?:KV|kV|kv|千伏)$")


def _past_rating(clause: str, start: int, lo: int, hi: int, why: str) -> tuple[int, str]:
    """"南郊220KV电站": a voltage rating between a name and its suffix belongs to the name; a rating
    that opens the name ("110KV眺山营供电站") does not, and without a name before it there is none."""
    m = _RATING_BEFORE.search(clause, 0, start)
    if not m:
        return start, why
    k, why2 = _prefix_start(clause, m.start(), lo, hi, [])
    if why2 == "cap" or m.start() - k < lo:
        return start, why
    return k, why2


_GRID_WORDS = re.compile(r"\d+(?:KV|kV|kv|千伏)|主变|变电|供电|电网|增容")
# Kinds of station, not names: 加油站, 服务站, 污水站 …
_NOT_A_STATION_NAME = re.compile(r"加油|加气|充电|换电|服务|工作|消防|污水|垃圾|转运|中转|驿|基|车|水|气象|监测|检测|收购|"
                                 r"卫生|救助|管理|执法|广播|邮政|快递|物流|客运|公交|高铁|火车|泵|电$|[的个座所处]")


# Lines that are not roads: 生产线, 沿线, 红线, 管线, 航线 …
_NOT_A_LINE_NAME = re.compile(r"生产|流水|装配|沿|红|底|管|航|电|光|专|支|干|主|热|界|战|防|一|二|前|边|[的个条]$")


_CAPACITY_AFTER_NAME = re.compile(r"(?<=[\u4e00-\u9fff])(?P<cap>\d+(?:\.\d+)?万?(?:吨|台|套|辆|千瓦|兆瓦|件))")
_NOT_A_FIRM_NAME = re.compile(r"[产增达到超约近共计为年]$|产能|规模|能力|总量|产量")


_WEAK_STOPS = set("新全各每该本个")
_COUNT_LEAD = re.compile(r"(?:万|亿)?(?:平方米|平方公里|平方|公里|千米|米|亩|公顷|吨|个|座|处|条|所|家|项|户|间|栋|幢|套)(?:以上|多|余)?")


def _prefix_start(clause: str, end: int, lo: int, hi: int, stop_at: list[tuple[int, int]]) -> tuple[int, str]:
    """Leftmost start of a name whose suffix begins at ``end`` and why the scan stopped:
    "stop" (a verb, function word or an earlier place), "edge" (punctuation, digit, start) or "cap" (length limit)."""
    k = end
    stops = {e for _, e in stop_at}
    while True:
        if k == 0 or not is_cjk(clause[k - 1]):
            return k, "edge"
        if k in stops:
            return k, "stop"
        for w in STOP_WORDS:
            if clause.endswith(w, 0, k):
                return k, ("weak" if len(w) == 1 and w in _WEAK_STOPS else "stop")
        if end - k >= hi:
            return k, "cap"
        k -= 1


def find_places(clause: str, known: frozenset | set = frozenset(), town_names: tuple = (), named=()) -> list[Place]:
    """Places written in ``clause`` in order of appearance, without overlaps (the longer name wins).

    ``named``: (start, end, "place"|"org") spans a lexical analyser tagged in the clause.
    """
    cands: list[Place] = []
    # codes: S225省道, 204省道, G104
    for m in ROAD_CODE_RE.finditer(clause):
        cands.append(Place(m.group(), "road", m.start(), m.end()))
    for m in AREA_WORDS.finditer(clause):
        cands.append(Place(m.group(), "area", m.start(), m.end()))
    strong: list[tuple[int, int]] = [(c.start, c.end) for c in cands]
    # suffix rules, left to right; simple (non-compound) names stop where an earlier simple name ended
    for m in _SUFFIX_RE.finditer(clause):
        for suffix in _suffix_variants(clause, m.start(), m.end()):
            kind, lo, hi, compound = SUFFIXES[suffix]
            s_start, s_end = m.start(), m.start() + len(suffix)
            after = clause[s_end:s_end + 1]
            if suffix in _NOT_SUFFIX_AFTER and after and after in _NOT_SUFFIX_AFTER[suffix] \
                    and not (suffix == "街" and clause[s_end:s_end + 2] == "道路"):
                continue
            if suffix == "街道" and clause[s_end:s_end + 1] == "路":
                continue
            if suffix == "村" and _VILLAGE_NOT_SUFFIX.match(clause, s_start):
                continue
            if suffix in _NOT_SUFFIX_BEFORE and s_start > 0 and clause[s_start - 1] in _NOT_SUFFIX_BEFORE[suffix]:
                continue
            if suffix == "街道" and clause[s_end:s_end + 1] == "路":
                continue
            if after == "化" and clause[s_end:s_end + 2] not in _HUA_WORDS:
                continue  # "园区化、设施化": a process noun, not a place ("园区化工企业" stays)
            start, why = _prefix_start(clause, s_start, lo, hi, [] if compound else strong)
            named_after = next((c for c in cands if c.end == s_start and c.kind in ("river", "road")), None)
            if kind in ("bridge", "village") and named_after and start == s_start \
                    and (kind == "bridge" or named_after.kind == "river"):
                start, why = named_after.start, "stop"  # "北沟河桥", "莲花湖村": named after a river or road
            if why == "edge" and kind == "facility" and start == s_start:
                start, why = _past_rating(clause, start, lo, hi, why)
            if why == "stop" and s_start - start < lo:
                start, why = _past_noun_verb(clause, start, s_start, lo, hi, [] if compound else strong, kind)
            if clause.startswith("办", start) and start >= 2 and all(is_cjk(c) for c in clause[start - 2:start]):
                start -= 2  # "建设办蔬菜园区": X办 is a 街道办事处 (建设办, 健康办), part of the name
            prefix = clause[start:s_start]
            if len(prefix) < lo or _is_generic(prefix, kind):
                continue
            if suffix == "市场" and _ABSTRACT_MARKET.search(prefix):
                continue  # "国内外旅游市场", "消费市场": a market in the economic sense, not a marketplace
            if why == "cap":
                continue  # no verb or separator where the name could begin: its left edge is unknown
            if why == "weak" and LEVEL_WORDS.search(clause[max(0, start - 10):start]):
                continue  # "台州市级彩灯产业创新服务综合体": the name runs back into a level word
            lead = _COUNT_LEAD.match(clause, start)
            if lead and lead.end() < s_start and start > 0 and (clause[start - 1].isdigit() or clause[start - 1] in "两二三四五六七八九十百千万几多余"):
                start = lead.end()  # "7座垃圾中转站", "2.5万亩蔬菜基地": the classifier or unit belongs to the count
                prefix = clause[start:s_start]
                if len(prefix) < lo or _is_generic(prefix, kind):
                    continue
            if kind == "village" and len(prefix) == 1 and why != "stop":
                continue  # "娄村" after a verb is a name; "单村水站" at a clause start is not
            if kind == "village" and re.search(r"\d个?$", clause[:start]):
                continue  # "7个村": a count of villages
            cands.append(Place(clause[start:s_end], kind, start, s_end))
            if not compound:
                strong.append((start, s_end))
            break
    # "110KV夜借站三期扩建", "杨佐站主变增容": where a clause is about the grid, X站 is a substation
    if _GRID_WORDS.search(clause):
        for m in re.finditer(r"站", clause):
            if any(c.start <= m.start() < c.end for c in cands):
                continue
            start, why = _prefix_start(clause, m.start(), 2, 3, [])
            prefix = clause[start:m.start()]
            if why in ("stop", "edge") and 2 <= len(prefix) <= 3 and not _is_generic(prefix, "facility") \
                    and not _NOT_A_STATION_NAME.search(prefix):
                cands.append(Place(clause[start:m.end()], "facility", start, m.end()))
    # "安大线满城段": a line with a section of it named after a place is a road (or rail) line
    for m in re.finditer(r"线(?=[\u4e00-\u9fff]{2,4}段)", clause):
        if any(c.start <= m.start() < c.end for c in cands):
            continue
        start, why = _prefix_start(clause, m.start(), 2, 3, [])
        prefix = clause[start:m.start()]
        if why in ("stop", "edge") and 2 <= len(prefix) <= 3 and not _is_generic(prefix, "road") \
                and not _NOT_A_LINE_NAME.search(prefix):
            cands.append(Place(clause[start:m.end()], "road", start, m.end()))
    # "乙丙10万吨饲料二期等项目": a name right before a production capacity of a project is the firm's
    for m in _CAPACITY_AFTER_NAME.finditer(clause):
        end = m.start("cap")
        if "项目" not in clause[end:] or any(c.start < end and m.start("cap") <= c.end for c in cands):
            continue
        start, why = _prefix_start(clause, end, 2, 4, [])
        name = clause[start:end]
        if why in ("stop", "edge") and 2 <= len(name) <= 4 and not _is_generic(name, "bare") and name not in _VERBS \
                and not _NOT_A_FIRM_NAME.search(name):
            if keyword_category(name) is None:
                cands.append(Place(name, "listed", start, end))
    # "推进甲乙新增互通及连接线建设": a name between the plan verb and an embedded 新增/新建 says where
    for m in re.finditer(r"(?<=[\u4e00-\u9fff])(?:新增|新建)", clause):
        end = m.start()
        if any(c.start < end and end <= c.end for c in cands) or keyword_category(clause[m.end():]) is None:
            continue
        start, why = _prefix_start(clause, end, 2, 4, [])
        name = clause[start:end]
        if why == "stop" and start > 0 and 2 <= len(name) <= 4 and not _is_generic(name, "bare") \
                and name not in _VERBS and keyword_category(name) is None and not AREA_WORDS.search(name) \
                and not re.search(r"[年月内外区市县镇乡村]$", name):
            cands.append(Place(name, "listed", start, end))
    # the analyser's spans come after the grammar, so that they never cut a suffixed name's left edge;
    # a span across grammar names ("青山溪下洋村段") loses to them, one that only extends a name's
    # left edge ("中电科涞水电子科技园") wins
    grammar = [(c.start, c.end) for c in cands]
    by_span = {(c.start, c.end): c for c in cands}
    for s, e, kind in named:
        name = clause[s:e]
        inside = [(gs, ge) for gs, ge in grammar if gs < e and s < ge]
        # an organisation named after a place ("古纳河酒业") is the firm, not the river
        firm_over_place = kind == "org" and len(inside) == 1 and s <= inside[0][0] and inside[0][1] < e \
            and by_span[inside[0]].kind in ("river", "road", "village", "bare")
        if any(ge != e for gs, ge in inside) and not firm_over_place:
            continue
        if firm_over_place:
            cands.remove(by_span[inside[0]])
        m = _SUFFIX_RE.match(clause, e)
        if m and SUFFIXES[m.group()][3] and not any(c.start <= s and c.end >= m.end() for c in cands):
            # "涞水新城污水处理厂": the analyser's name is the left part of a facility the grammar cut short
            cands.append(Place(clause[s:m.end()], SUFFIXES[m.group()][0], s, m.end()))
            continue
        if _is_named_span(name):
            suffix = next((x for x in _SUFFIXES_LONGEST if name.endswith(x) and len(name) > len(x)), None)
            place_kind = SUFFIXES[suffix][0] if suffix and SUFFIXES[suffix][0] not in ("village", "town") else None
            cands.append(Place(name, place_kind or ("named" if kind == "place" else "org"), s, e))
    brand_ends: set[int] = set()
    for m in _BRAND_RE.finditer(clause):
        b, bs = m.group("b"), m.start()
        boundary = bs == 0 or not is_cjk(clause[bs - 1]) or bs in brand_ends \
            or any(clause.endswith(w, 0, bs) for w in STOP_WORDS)
        if not boundary or b in GENERIC_PREFIXES or LEVEL_WORDS.search(b) or any(c in "的和等与及" for c in b):
            continue
        if b in _VERBS or b in ("企业", "产业", "工业", "农业", "智能", "数字", "高端", "有色", "传统", "绿色", "先进", "优质",
                                "贵重", "新兴", "海洋", "生物", "石化", "装备", "现代", "特色", "重点", "医疗", "文化"):
            continue
        be = bs + len(b) + len(m.group("i"))
        cands.append(Place(clause[bs:be], "enterprise", bs, be))
        brand_ends.add(be)
    # known names (gazetteer villages, their short forms, names seen as X村 elsewhere in the plan)
    for name in known:
        if len(name) < 2:
            continue
        for m in re.finditer(re.escape(name), clause):
            if _LEVEL_AFTER.match(clause, m.end()):
                continue  # "临海市示范小微园区", "台州市级…": the name says whose level, not where
            cands.append(Place(name, "bare", m.start(), m.end()))
    # "中街、水岙等3个…", "隔溪、楼桥5个…": short names listed before a count are places of the same kind
    villages: set[tuple[int, int]] = set()  # listed before "N个村": villages, whatever their names end with
    for m in _ENUM_RE.finditer(clause):
        parts = m.group("list").split("、")
        first_end = m.start("list") + len(parts[0])
        first_start, why = _prefix_start(clause, first_end, 2, 4, [])
        if why == "cap":
            continue
        tokens = [(clause[first_start:first_end], first_start)]
        pos = first_end + 1
        for tok in parts[1:]:
            tokens.append((tok, pos))
            pos += len(tok) + 1
        if all(2 <= len(t) <= 4 and not _is_generic(t, "bare") and t not in _VERBS for t, _ in tokens):
            for tok, o in tokens:
                cands.append(Place(tok, "bare", o, o + len(tok)))
            if m.group().endswith("村"):
                villages.update((o, o + len(tok)) for tok, o in tokens)
    # "原华联、三佳区块": a short name listed before a suffixed place shares its suffix
    for c in [c for c in cands if c.kind in ("park", "housing", "reservoir", "village", "river", "road", "facility")]:
        i = c.start - 1
        if i > 0 and clause[i] in "、和与及":
            j, why = _prefix_start(clause, i, 2, 4, [])
            tok = clause[j:i]
            if why == "stop" and 2 <= len(tok) <= 4 and not _is_generic(tok, "bare") and not _SUFFIX_RE.search(tok) \
                    and not _COUNT_LEAD.fullmatch(tok):
                cands.append(Place(tok, "listed", j, i))  # of the kind of the name it shares the suffix with
    cands = [c for c in cands if not _inside_slogan(clause, c)]
    return [Place(p.name, "village", p.start, p.end) if (p.start, p.end) in villages else p
            for p in _resolve(cands, town_names)]


def _is_named_span(name: str) -> bool:
    """An analyser's LOC/ORG span that can stand as a place: not a level, authority or generic word."""
    if len(name) < 2 or LEVEL_WORDS.search(name) or name in GENERIC_PREFIXES or name in SUFFIXES or name in WORK_NOUNS:
        return False
    if any(name.endswith(x) and name[:-len(x)] in GENERIC_PREFIXES for x in _SUFFIXES_LONGEST):
        return False  # 城市道路, 工业园区: a kind, not a name
    if re.fullmatch(r"[\u4e00-\u9fff]{1,4}(?:省|市|县|自治区|自治州|州|盟|旗)|中国|全国|俄罗斯|美国|日本|韩国|俄蒙|中俄|京津冀|长三角|珠三角", name):
        return False  # an administrative unit or a country says whose, not where the works are
    if re.search(r"^(?:省|市|县|区|镇|乡|村|国|党|政府|人大|政协|中央|国务院)|(?:委|政府|部|厅|局|办公室|委员会|人大|政协|党委|法院|检察院)$", name):
        return False
    return True


def _inside_slogan(clause: str, p: Place) -> bool:
    """A name inside a quoted slogan ("“浙里城市、幸福家园”金名片") is a motto, not a place."""
    open_at = clause.rfind("“", 0, p.start + 1)
    if open_at == -1 or clause.rfind("”", 0, p.start) > open_at:
        return False
    close_at = clause.find("”", p.end)
    if close_at == -1:
        return False
    inner = clause[open_at + 1:close_at]
    return inner != p.name and bool(re.search(r"[、，,]", inner))


def _suffix_variants(clause: str, start: int, end: int):
    """The matched suffix, then its shorter heads that are suffixes too (街道 → 街 in "府前街道路"), longest first."""
    s = clause[start:end]
    for n in range(len(s), 0, -1):
        if s[:n] in SUFFIXES:
            yield s[:n]


def _trim_weak_prefix(clause: str, start: int, end: int) -> int:
    """Drop a leading character that is a stop word on its own (和, 的 …) swallowed at the left edge."""
    while start < end and clause[start] in "和与及的至到在对将把为向从等或、原由":
        start += 1
    return start


_KIND_RANK = {"road": 3, "rail": 3, "reservoir": 3, "river": 2, "park": 3, "housing": 3, "facility": 3, "enterprise": 3,
              "village": 2, "town": 1, "bridge": 1, "area": 1, "listed": 1, "bare": 0}


def _resolve(cands: list[Place], town_names: tuple) -> list[Place]:
    cands.sort(key=lambda p: (-(p.end - p.start), -_KIND_RANK.get(p.kind, 0), p.start))
    taken: list[Place] = []
    for c in cands:
        if any(c.start < t.end and t.start < c.end for t in taken):
            continue
        taken.append(c)
    taken.sort(key=lambda p: p.start)
    return taken


def harvest_village_short_names(text: str) -> set[str]:
    """Two-character forms of the X村 names a document writes ("岭根村" → "岭根"), so that a later bare
    "岭根" is recognised too. Quoted titles ("空心村") are not village names."""
    out = set()
    for line in text.split("\n"):
        for p in find_places(line):
            if p.kind == "village" and p.name.endswith("村") and len(p.name) == 3:
                before, after = line[max(0, p.start - 1):p.start], line[p.end:p.end + 1]
                if before in "“‘\"《「" and after in "”’\"》」":
                    continue
                out.add(p.name[:-1])
    return out


def find_segment(clause: str, places: list[Place]) -> dict | None:
    """A road/river range or section: "A至B公路" (from/to) or "X溪Y村段" / "204省道东塍段" (along/at)."""
    for m in _SEG_SPLIT.finditer(clause):
        a = next((p for p in places if p.end == m.start()), None)
        a_name = a.name if a else _left_token(clause, m.start())
        b = next((p for p in places if p.start == m.end()), None)
        if b:
            b_name, b_end = b.name, b.end
        else:
            b_name, b_end = _right_token(clause, m.end())
        if not a_name or not b_name:
            continue
        tail = clause[b_end:b_end + 4]
        if b or any(tail.startswith(s) for s in SEGMENT_SUFFIXES) or (b_name and b is None and _seg_suffix_in(b_name)):
            if not any(tail.startswith(s) for s in SEGMENT_SUFFIXES) and not (b and b.kind in ("road", "rail", "river")):
                continue
            # "广福至洪桥公路": the suffix names the segment, not 洪桥; "马坊路至建业路": both ends are
            # roads of their own, so 建业路 keeps its 路.
            to = b_name if _seg_suffix_in(a_name) else _strip_seg_suffix(b_name)
            return {"along": None, "from": a_name, "to": to, "at": None}
    for p in places:
        if p.kind not in ("road", "river", "rail"):
            continue
        k = clause.find("段", p.end, p.end + 7)
        if k > p.end:
            at = clause[p.end:k]
            if 2 <= len(at) <= 6 and all(is_cjk(c) for c in at) and not re.search(r"[路线河]$", at):
                return {"along": p.name, "from": None, "to": None, "at": at}
    return None


def _seg_suffix_in(name: str) -> bool:
    return any(name.endswith(s) for s in SEGMENT_SUFFIXES)


def _strip_seg_suffix(name: str) -> str:
    for s in SEGMENT_SUFFIXES:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return name


def _left_token(clause: str, end: int) -> str | None:
    k = end
    while k > 0 and end - k < 5 and (is_cjk(clause[k - 1]) or clause[k - 1].isalnum()):
        if any(clause.endswith(w, 0, k) for w in STOP_WORDS if len(w) > 1) and k != end:
            break
        if clause[k - 1] in "和与及的在对从由":
            break
        k -= 1
    tok = clause[k:end]
    return tok if len(tok) >= 2 and not _is_generic(tok, "bare") else None


def _right_token(clause: str, start: int) -> tuple[str | None, int]:
    best = None
    for s in SEGMENT_SUFFIXES:
        k = clause.find(s, start + 2, start + 8)
        if k != -1 and (best is None or k < best):
            best = k
    if best is None:
        return None, start
    tok = clause[start:best]
    if not all(is_cjk(c) or c.isalnum() for c in tok) or _is_generic(tok, "bare"):
        return None, start
    return tok, best
