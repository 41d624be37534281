"""The app's wing: every module that imports Streamlit, one per page or panel, named as the UI names it.

===================  ============================================================
地图 (map page)        ``map_panel`` (map, clicks, count badges, 未精确定位 list)
列表 (list page)       ``listing``
原文 (plan page)       ``plan`` (text with highlights, 校对提取结果)
待定位 (locate page)   ``locate`` (queue, placing tabs, confirm, 最近的定位/撤销)
现场 (field page)      ``field`` (nearest items, navigation, quick status)
投影 (projector page)  ``projector``
导入导出 (exchange)     ``exchange`` (exports, HTML map, report, import preview)
sidebar filters       ``sidebar``; 编辑登录 ``signin``
详情 (detail panel)    ``detail``; 编辑此项目 ``edit``; placing map ``placing_map``
router, page config   ``frame``; loading and the filter ``context``
every session key     ``state`` (and the URL ⇄ view state mapping)
shared small pieces   ``widgets`` (escaping, flash message, GPS button, banners)
===================  ============================================================

Pages in ``pages/`` are a few lines each calling one of these. Nothing outside this
package imports Streamlit (geo/bench drives the app with AppTest for its timings).
"""
