"""Category and initial status of a clause, from its keywords and verbs.

Keywords are looked for in the clause with its place names blanked out, so that a village
called 洞桥 is not a bridge and a village called 隔溪 is not a stream; the kinds of the places
are the fallback.
"""
from __future__ import annotations

import re

# Ordered: the first category whose keywords occur wins (specific works before broad kinds).
CATEGORY_KEYWORDS: list[tuple[str, str]] = [
    ("telecom", r"5G|基站|通信|通讯|光纤|宽带|信号塔|铁塔|物联网基础|激光通信"),
    ("demolition", r"拆迁|拆违|拆除|违建|违法建筑|征迁|三改一拆|坟墓搬迁|搬迁|腾退"),
    # what is done to the buildings or the land decides before what stands on it
    ("housing", r"棚户区|棚改|回迁房|安置房|老旧小区"),
    ("land", r"土地征收|房屋和土地征收|征收工作|土地收储|土地整理|土地复垦|土地关系"),
    ("sewage", r"污水|排污|截污|纳管|零直排|雨污|雨水管网|(?<!供水)(?<!给水)(?<!自来水)管网"),
    ("reservoir", r"水库|山塘|除险加固|大坝|水利枢纽"),
    ("water_supply", r"供水|饮用水|自来水|水厂|水源|饮水"),
    ("rail", r"高铁(?!站)|铁路|城际|轨道交通(?!产业)|地铁|轻轨|火车站"),
    ("bridge", r"桥梁|大桥|危桥|桥建设|桥改造|人行桥|便桥|桥加固"),
    ("river", r"河道|河流|流域|堤防|海塘|水毁|清淤|治理河|溪|江堤|河段|水系|湿地|排涝|防洪|水利|河湖|小河治理"),
    ("road", r"公路|道路|路网|省道|国道|县道|高速|大道|人行道|硬化|停车场|停车位|隧道|连接线|路面|交通|路灯|示范路|农村路|"
             r"绿道|街巷|背街|公交|客运|站亭|停靠站|互通|绕城|改线|亮化"),
    ("forest", r"造林|森林|林地|绿化|林相|公益林|彩色健康林|珍贵树|苗木|国土绿化|防护林|生态廊道"),
    ("farmland", r"农田|粮食生产功能区|旱改水|还耕|耕地|垦造|标准农田|农业园|果园|茶园|茶叶|家庭农场|农场|种植|养殖|农业|"
                 r"农产品|豆面|大棚|温室|蔬菜|牧场|生猪|畜牧|育肥|农牧|菜篮子|食用菌|中药材|保鲜库|净菜"),
    ("school", r"学校|幼儿园|小学|中学|教育|校区|分园|校舍|学前|高校|大学|学院"),
    ("health", r"卫生院|医院|卫生室|诊所|医疗|医共体|养老|敬老院|康养中心|卫生服务|疾控|卫生监督|妇幼保健"),
    ("tourism", r"文旅|旅游|景区|民宿|观光|休闲|游客|景点|酒店|宾馆|度假|特色小镇|接待能力|漂流|冰雪"),
    ("culture", r"文化礼堂|礼堂|书吧|图书馆|博物馆|纪念馆|体育|健身|非遗|文化|公园|游园|旧址|大剧院"),
    ("village_renewal", r"美丽乡村|古村落|村庄|一事一议|人居环境|整村|村容|公厕|垃圾|未来乡村|和美乡村|农房|庭院|村级|村道|"
                        r"重点村|示范村|脱贫村|乡村振兴|改厕|户厕"),
    ("housing", r"小区|住宅|住房|家园|保障房|农民建房|旧改|公寓|家属楼|平房|高层|房屋"),
    ("land", r"用地|土地|国土|再开发|征用|征地|宅基地|收储|区块"),
    ("industrial_park", r"园区|产业园|工业园|创业园|小微园|企业园|集聚区|开发区|厂房|工业区|工业点|综合体|产业基地"),
    ("enterprise", r"企业|公司|技改|投产|灯饰|茶业|上市|规上|规模以上|个转企|小升规|集团|银行|4S店|商场|超市|百货|煤矿|"
                   r"露天矿|金矿|矿业|化肥|酒业|物流|生产基地|生产线|招商"),
]
_CATEGORY_RES = [(c, re.compile(rx)) for c, rx in CATEGORY_KEYWORDS]
PLACE_KIND_CATEGORY = {
    "reservoir": "reservoir", "river": "river", "road": "road", "rail": "rail", "bridge": "bridge",
    "park": "industrial_park", "housing": "housing", "enterprise": "enterprise", "village": "village_renewal",
}
FACILITY_CATEGORY = [("school", r"学|园$|校"), ("health", r"卫生|医院|养老|敬老"), ("culture", r"礼堂|馆"),
                     ("farmland", r"农场|合作社"), ("water_supply", r"水厂"), ("sewage", r"污水")]
# Categories whose counted targets are physical works, not counts of firms or people.
PHYSICAL_CATEGORIES = frozenset({
    "road", "rail", "bridge", "water_supply", "sewage", "reservoir", "river", "farmland", "forest",
    "industrial_park", "telecom", "school", "health", "culture", "tourism", "village_renewal",
    "demolition", "land", "housing"})


# Suffixes that name an administrative unit say nothing about the works (洞桥村 is no bridge),
# and neither do one-character ones, which end many village names (隔溪, 洞桥); a longer place
# suffix (公路, 水库, 省道 …) is the clearest word about the works.
_ADMIN_SUFFIXES = frozenset({"村", "社区", "镇", "乡", "街道"})


# Kinds of name that say where, not what: blanked before the keyword search (洞桥村 is no bridge).
# Facility names stay readable: 海拉尔农业发展园区 is farmland, 前进文旅小镇 tourism.
_MASKED_KINDS = frozenset({"village", "town", "bare", "named", "org", "listed", "area", "river"})


def _masked(clause: str, places) -> str:
    """The clause with place names blanked, except a place's generic suffix such as 公路 or 水库."""
    masked = list(clause)
    for p in places:
        if p.kind not in _MASKED_KINDS:
            continue
        end = min(p.end, len(masked))
        suffix = next((s for s in sorted(SUFFIXES, key=len, reverse=True) if p.name.endswith(s)), None)
        if suffix and suffix not in _ADMIN_SUFFIXES and 2 <= len(suffix) < len(p.name):
            end -= len(suffix)
        for i in range(p.start, end):
            masked[i] = "□"
    return "".join(masked)


def keyword_category(clause: str, places=()) -> str | None:
    """Category from the clause's own words (place names blanked), or None."""
    masked_text = _masked(clause, places)
    for cat, rx in _CATEGORY_RES:
        if rx.search(masked_text):
            return cat
    return None


def categorise(clause: str, places=(), context: str = "") -> str:
    """Category code of a clause; ``places`` (Place objects) are blanked before keyword search."""
    masked_text = _masked(clause, places)
    for cat, rx in _CATEGORY_RES:
        if rx.search(masked_text):
            return cat
    # the head of a Chinese noun phrase comes last: 沙河北路北沟河桥 is a bridge
    for p in reversed(list(places)):
        if p.kind == "facility":
            for cat, rx in FACILITY_CATEGORY:
                if re.search(rx, p.name):
                    return cat
        if p.kind in PLACE_KIND_CATEGORY:
            return PLACE_KIND_CATEGORY[p.kind]
    if any(p.kind in ("org", "named", "listed") for p in places) and re.search(r"项目|入驻|投产|签约|引进|招引|开工", clause):
        return "enterprise"  # a named project of no stated kind is, in these reports, most often a firm's
    if context:
        for cat, rx in _CATEGORY_RES:
            if rx.search(context):
                return cat
    return "other"


from .verbs import COMPLETION_VERBS, STATUS_VERBS  # noqa: E402,F401  (re-exported for callers)
from .places import SUFFIXES  # noqa: E402

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
