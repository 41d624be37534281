"""Category and initial status of a clause, from its words, the heads of its place names and its verbs.

Words are looked for in the clause with its place names blanked out, so that a village called
洞桥 is not a bridge, a village called 隔溪 is not a stream and 轨道交通产业园 is not a road; a
name counts by its head (its last word: 产业园, 污水处理厂, 桥).
"""
from __future__ import annotations

import re

# The category vocabulary, in one place. A Chinese noun phrase ends with its head ("轨道交通产业园" is a
# park, "沙河北路北沟河桥" a bridge, "东大街、向阳路街头游园提升工程" a garden), so the category is the
# rightmost category word of the clause: a specific word ("strong": a kind of facility or of work) before
# a broad one (农业, 文化, 企业 …). Words inside a place name do not count, only the name's head
# (滨河公园 → 公园; 河北京车 → nothing); names of villages and towns say where, never what.
# Conventions (tests/devset/README.md): street works → road; parks and gardens → culture; hotels,
# scenic areas, 特色小镇 → tourism; energy, grid, commerce streets and markets, airports → other;
# a firm's project → enterprise.
# Each entry: (strong words, broad words, words that count only as the head of a place name — 北沟河桥,
# 学府路, 西瓜种植产业园 — never inside a clause); words are regexes separated by spaces.
CATEGORY_WORDS: dict[str, tuple[str, str, str]] = {
    "telecom": (
        "5G 基站 通信 通讯 光纤 宽带 信号塔 铁塔 物联网基础",
        "",
        "",
    ),
    "demolition": (
        "拆迁 拆违 拆除 违建 违法建筑 征迁 三改一拆 坟墓搬迁 (?<!易地)(?<!扶贫)搬迁 腾退 迁移",
        "",
        "",
    ),
    "housing": (
        "棚户区 棚改 回迁房 安置房 老旧小区 城中村 小区 住宅 住房 保障房 保障性安居 农民建房 旧改 公寓 家属楼 平房 房屋 农房 安置区 新村 家园",
        "",
        "新城",
    ),
    "land": (
        "征收 土地收储 收储 土地整理 土地复垦 复垦 土地关系 征用 征地 宅基地 再开发 区块 土地综合整治 矿山",
        "用地 土地 国土",
        "",
    ),
    "sewage": (
        "污水 排污 截污 纳管 零直排 雨污 雨水管网 (?<!供水)(?<!给水)(?<!自来水)管网 纳污",
        "",
        "",
    ),
    "other": (
        "变电站 供电站 电站 发电 热电 电厂 电网 千伏 [kK][vV] 主变 天然气 LNG 油气 光伏 核电 储能 蓄能 充电桩 电力 配变 机场 航空 航道 码头 商贸 商圈 "
        "核心圈 步行街 风情街 专业街 金街 美食街 商业街 特色街区 市场 批发 农贸 购物 百货 商场 储备库 储气库 接收站",
        "商业",
        "",
    ),
    "reservoir": (
        "水库 山塘 除险加固 大坝 水利枢纽",
        "",
        "",
    ),
    "water_supply": (
        "供水 饮用水 自来水 水厂 饮水 水站",
        "水源",
        "",
    ),
    "rail": (
        "高铁(?!站) 铁路 城际 轨道交通(?!产业) 地铁 轻轨 火车站 专用线 中欧班列",
        "",
        "",
    ),
    "bridge": (
        "桥梁 大桥 危桥 人行桥 便桥 立交桥",
        "",
        "桥",
    ),
    "river": (
        "河道 河流 流域 堤防 海塘 水毁 清淤 治理河 江堤 河段 水系 湿地 排涝 防洪 河湖 小河治理 [东西南北两沿]岸 岸线",
        "水利",
        "[溪江河渠湖]",
    ),
    "road": (
        "公路 道路 路网 省道 国道 县道 高速 大道 人行道 硬化 停车场 停车位 隧道 连接线 路面 路灯 示范路 农村路 绿道 街巷 背街 公交 客运 站亭 停靠站 互通 绕城 改线 "
        "调度中心",
        "交通 亮化",
        "[路街巷线]",
    ),
    "forest": (
        "造林 森林 林地 绿化 林相 公益林 彩色健康林 珍贵树 苗木 防护林 生态廊道 植树 封山育林 退耕还林 禁牧",
        "",
        "",
    ),
    "farmland": (
        "农田 粮食生产功能区 旱改水 还耕 耕地 垦造 标准农田 农业园 农业发展园区 果园 茶园 家庭农场 农场 种植 养殖 大棚 温室 蔬菜 牧场 生猪 畜牧 育肥 农牧 菜篮子 "
        "食用菌 中药材 保鲜库 冰温库 净菜 灌溉 合作社 "
        "(?:种植|蔬菜|养殖|育肥|生猪|大棚|农业|果蔬|中药材|食用菌|畜牧|农牧|西瓜|苗木|花卉)[\\u4e00-\\u9fff]{0,6}(?:园区|产业园|园|基地|场)",
        "农业 农产品 茶叶 豆面",
        "",
    ),
    "school": (
        "学校 幼儿园 小学 中学 校区 分园 校舍 高校 大学 学院 分校 职教中心",
        "教育 学前",
        "",
    ),
    "health": (
        "卫生院 医院 卫生室 诊所 医共体 养老 敬老院 康养中心 卫生服务 疾控 卫生监督 妇幼保健 急救中心",
        "医疗",
        "",
    ),
    "tourism": (
        "景区 民宿 酒店 宾馆 度假区 度假 小镇 漂流 冰雪 演出 景点 游客 旅游区 爱国主义教育基地 接待能力 (?:旅游|文旅|红色)[\\u4e00-\\u9fff]{0,4}(?:产业园|园区|基地)",
        "文旅 旅游 观光 休闲 红色",
        "",
    ),
    "culture": (
        "文化礼堂 礼堂 书吧 图书馆 博物馆 纪念馆 文化馆 体育馆 文体馆 活动中心 非遗 公园 游园 旧址 遗址 大剧院",
        "体育 健身 文化",
        "",
    ),
    "village_renewal": (
        "美丽乡村 古村落 一事一议 人居环境 整村 村容 公厕 垃圾 未来乡村 和美乡村 庭院 村道 改厕 户厕 示范村 厕所",
        "村庄 村级 重点村 脱贫村 乡村振兴",
        "",
    ),
    "industrial_park": (
        "园区 产业园 工业园 创业园 小微园 企业园 集聚区 开发区 厂房 工业区 工业点 产业基地 科技园 物流园 综保区 保税区 经济园 制造园",
        "综合体",
        "",
    ),
    "enterprise": (
        "公司 集团 龙头企业 银行 4S店 超市 煤矿 露天矿 金矿 矿业 生产线 生产基地 物流基地 技改",
        "企业 上市 规上 规模以上 个转企 小升规 化肥 酒业 物流 招商 灯饰 茶业 投产",
        "",
    ),
}
CATEGORY_ORDER = tuple(CATEGORY_WORDS)  # on a tie (same end, same length) the earlier category wins


def _alternatives(words: str) -> str:
    return "|".join(words.split())


_STRONG = {c: re.compile(_alternatives(w[0])) for c, w in CATEGORY_WORDS.items() if w[0]}
_BROAD = {c: re.compile(_alternatives(w[1])) for c, w in CATEGORY_WORDS.items() if w[1]}
# A place name's head as a category: its last word, one of the strong words or the head-only ones.
_HEAD = [(c, re.compile(f"(?:{_alternatives(w[0] + ' ' + w[2])})$")) for c, w in CATEGORY_WORDS.items() if w[0] or w[2]]
_HEAD_STRONG = [(c, re.compile(f"(?:{_alternatives(w[0])})$")) for c, w in CATEGORY_WORDS.items() if w[0]]
# Verbs of a firm settling in or producing: with a firm named, the item is the firm's.
_FIRM_VERBS = re.compile(r"入驻|落户|投入运营|开业|签约|引进|招引|洽谈|投产|运营")
# Categories whose counted targets are physical works, not counts of firms or people.
PHYSICAL_CATEGORIES = frozenset({
    "road", "rail", "bridge", "water_supply", "sewage", "reservoir", "river", "farmland", "forest",
    "industrial_park", "telecom", "school", "health", "culture", "tourism", "village_renewal",
    "demolition", "land", "housing"})

# Kinds of name that say where, not what: never a category of their own.
_WHERE_KINDS = frozenset({"village", "town", "bare", "listed", "area"})
_ADMIN_KINDS = frozenset({"village", "town", "area"})
_FIRM_KINDS = frozenset({"org", "enterprise"})


def head_category(name: str, strong_only: bool = False) -> str | None:
    """The category a name's head gives (城西污水处理厂 → sewage, 中俄蒙文化创意产业园 → industrial_park,
    北沟河桥 → bridge), or None; ``strong_only``: only by a head of two characters or more."""
    best = None
    for cat, rx in (_HEAD_STRONG if strong_only else _HEAD):
        m = rx.search(name)
        if m and (best is None or m.end() - m.start() > best[1]):
            best = (cat, m.end() - m.start())
    return best[0] if best else None


def place_category(place) -> str | None:
    """What a place is by its name: its head's category; "enterprise" for a firm's name without one;
    None for villages and towns. A bare name (a known village, a listed name) counts only by a head of
    two characters or more (丙岙至丁坑公路 is a road, 洞桥 and 隔溪 are villages)."""
    if place.kind in _ADMIN_KINDS:
        return None
    if place.kind in _WHERE_KINDS:
        cat = head_category(place.name, strong_only=True)
        return cat
    return head_category(place.name) or ("enterprise" if place.kind in _FIRM_KINDS else None)


def _blanked(clause: str, places) -> str:
    masked = list(clause)
    for p in places:
        for i in range(p.start, min(p.end, len(masked))):
            masked[i] = "□"
    return "".join(masked)


def _matches(clause: str, places) -> list[tuple[int, int, int, str]]:
    """(strength, end, length, category) of every category word: the clause's words outside place
    names, and each name's head (at the name's end)."""
    text = _blanked(clause, places)
    found = []
    for strength, table in ((2, _STRONG), (1, _BROAD)):
        for cat, rx in table.items():
            for m in rx.finditer(text):
                if m.end() > m.start():
                    found.append((strength, m.end(), m.end() - m.start(), cat))
    for p in places:
        if p.kind in _ADMIN_KINDS:
            continue
        cat = head_category(p.name, strong_only=p.kind in _WHERE_KINDS)
        if cat:
            found.append((2, p.end, p.end - p.start, cat))
        elif p.kind in _FIRM_KINDS:
            found.append((1.5, p.end, p.end - p.start, "enterprise"))  # a firm's name: weaker than a kind of work
    return found


def _pick(found) -> str | None:
    if not found:
        return None
    order = {c: n for n, c in enumerate(CATEGORY_ORDER)}
    return max(found, key=lambda f: (f[0], f[1], f[2], -order[f[3]]))[3]


def keyword_category(clause: str, places=()) -> str | None:
    """Category from the clause's own words and its names' heads, or None when it names no kind of work."""
    return _pick(_matches(clause, places))


def categorise(clause: str, places=(), context: str = "") -> str:
    """Category code of a clause (``places``: its Place objects, whose names are read only by their head)."""
    places = list(places)
    firms = [p for p in places if place_category(p) == "enterprise"]
    blanked = _blanked(clause, places)
    if _FIRM_VERBS.search(blanked) and ((firms and places[0] in firms) or re.search(r"企业|公司", blanked)):
        return "enterprise"  # "苏宁电器、爱购超市等商场投入运营", "一汽大众4S店入驻…产业园": the firm's
    cat = keyword_category(clause, places)
    if cat:
        return cat
    if firms and all(p in firms or p.kind in _WHERE_KINDS for p in places):
        return "enterprise"  # "三一重工绿色建筑": a firm's name and no other kind of work
    if any(p.kind in ("org", "named", "listed") for p in places) and re.search(r"项目|入驻|投产|签约|引进|招引|开工", clause):
        return "enterprise"  # a named project of no stated kind is, in these reports, most often a firm's
    if context:
        cat = _pick([f for f in _matches(context, ()) if f[0] == 2]) or _pick(_matches(context, ()))
        if cat:
            return cat
    return "other"


from .verbs import COMPLETION_VERBS, STATUS_VERBS  # noqa: E402,F401  (re-exported for callers)

MODALS = ("进一步", "积极", "全力", "着力", "努力", "大力", "不断", "切实", "确保", "力争", "年内", "年底", "今年", "全年",
          "要", "突出", "高标准", "全面", "深入", "重点", "优先", "加速", "尽快", "及时", "计划")
_VERB_RE = re.compile("|".join(sorted(map(re.escape, STATUS_VERBS), key=len, reverse=True)))
_MODAL_RE = re.compile("^(?:" + "|".join(sorted(map(re.escape, MODALS), key=len, reverse=True)) + ")+")
_PAST = re.compile(r"已(?:经)?(?:完成|建成|完工|通车|投用|投产|竣工)|建成投用|顺利完成")


def find_verb(clause: str) -> tuple[str | None, int, int]:
    """The clause's governing verb as written (with modal adverbs before it), and its span in the clause.

    Plans lead with the verb ("加快推进X"); reviews often end with it ("X项目顺利开工"): a verb
    near the start wins, else the last verb of the clause.
    """
    m = _VERB_RE.search(clause)
    if m and m.start() > 12:
        tail = None
        for tail in _VERB_RE.finditer(clause):
            pass
        m = tail
        start = m.start()
        end = m.end()
        while True:
            n = _VERB_RE.match(clause, end)
            if not n or n.end() - start > 8:
                break
            end = n.end()
        return clause[start:end], start, end
    if not m:
        return None, 0, 0
    start = m.start()
    lead = clause[:start]
    mm = _MODAL_RE.match(lead)
    if mm and mm.end() == len(lead):
        start = 0
    end = m.end()
    while True:  # verb chains: 加快推进, 持续深化, 启动建设
        n = _VERB_RE.match(clause, end)
        if not n or n.end() - start > 8:
            break
        end = n.end()
    return clause[start:end], start, end


def status_of(verb: str | None, clause: str, *, retrospective: bool) -> str:
    """Initial status: 争取/谋划 → proposed, 新建/启动/完成 → planned, 加快/推进 → in_progress,
    建成/投产 → completed only where the document reports work done (a report's review part, or 已…)."""
    if _PAST.search(clause):
        return "completed"
    if retrospective:  # a report's review of the past year: done, unless it says the work goes on
        return "in_progress" if re.search(r"正在|在建|推进中|续建|有序推进|加快|稳步推进", clause) else "completed"
    if verb:
        words = [m.group() for m in _VERB_RE.finditer(verb)]
        for w in words:
            if STATUS_VERBS[w] == "proposed":
                return "proposed"
        if words:
            first = STATUS_VERBS[words[0]]
            return first
    if retrospective:
        return "completed"
    return "planned"


def _any_in(text: str, words) -> bool:
    return any(w in text for w in words)
