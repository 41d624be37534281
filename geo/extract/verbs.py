"""Plan verbs and the status they give an item: one vocabulary for the place grammar (verbs end a
name on its left) and the classifier (verbs give the status)."""
from __future__ import annotations

# Verbs as plans write them → initial status. Longest first; modal adverbs are kept in plan_verb only.
STATUS_VERBS: dict[str, str] = {}
for _status, _words in {
    "proposed": "争取 谋划 探索 争创 申报 筹划 储备 研究 谋求 力促 对接",
    "planned": "新建 启动 开工 实施 完成 建设 新增 创建 改造 拓宽 修建 打造 落地 培育 实现 扩建 迁建 整治 提升 建立 "
               "提标 实行 开展 落实 抓好 做好 确保完成 计划 布局 规划 引进 支持 扶持 督导 发展 优化 修复 治理 保护 "
               "建成 完工 通车 投用 投产 竣工 交付 运营 开业 落成 入驻 签约 复产 投入运营 投入使用 建成投运 投运 "
               "铺设 新修 增设 新改建 改建 拓宽改造 加固 迁移 招引 打通 开通 修建 整修 亮化 硬化",
    "in_progress": "加快推进 加快 推进 继续 深化 持续 推动 跟进 巩固 加大 加强 深入推进 完善 扩大 壮大 进展顺利 在建 续建 正在进行 "
                   "正在实施 有序推进 稳步推进",
    "suspended": "暂缓 暂停 缓建 停建 搁置",
}.items():
    for _w in _words.split():
        STATUS_VERBS.setdefault(_w, _status)
COMPLETION_VERBS = frozenset("建成 完工 通车 投用 投产 竣工 交付 运营 开业 落成 投入运营 投入使用 建成投运 投运".split())
