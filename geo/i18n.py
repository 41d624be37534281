"""UI labels, Chinese first, English as a toggle. Codes stay English everywhere else.

``t(key, lang)`` returns the label of a UI string; the code-list labels come from
``geo.contract`` so they cannot drift from the data contract.
"""
from __future__ import annotations

from geo.contract import (
    AREA_TOWN_SEAT, AREA_WHOLE_TOWN, CATEGORY_LABELS, CATEGORY_LABELS_EN, PRECISION_LABELS,
    PRECISION_LABELS_EN, STATUS_LABELS, STATUS_LABELS_EN,
)

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# key -> (Chinese, English)
_STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("规划项目一张图", "Plan projects map"),
    "page_map": ("地图", "Map"),
    "page_list": ("列表", "List"),
    "page_plan": ("原文", "Plan text"),
    "filters": ("筛选", "Filters"),
    "area": ("区域", "Area"),
    "area_kind": ("区域类型", "Area type"),
    "area_village": ("行政村", "Villages"),
    "area_seat": ("镇区", "Town seat"),
    "area_whole": ("全镇", "Whole town"),
    "area_unknown": ("未知区域", "Unknown area"),
    "villages": ("村", "Villages"),
    "status": ("状态", "Status"),
    "category": ("类别", "Category"),
    "plan": ("规划", "Plan"),
    "year": ("年度", "Year"),
    "search": ("搜索（名称、原文、地名）", "Search (name, text, places)"),
    "basemap": ("底图", "Basemap"),
    "english": ("English", "English"),
    "reset": ("清除筛选", "Clear filters"),
    "count_shown": ("显示 {shown} / 共 {total} 项", "{shown} of {total} items shown"),
    "count_drawn": ("地图上 {drawn} 项，未精确定位 {unlocated} 项", "{drawn} on the map, {unlocated} not precisely located"),
    "unlocated": ("未精确定位", "Not precisely located"),
    "unlocated_help": ("只知道到村或镇的项目不画成精确点位，在地图上按村/镇显示数量。",
                       "Items known only to village or town level are not drawn as pins; "
                       "the map shows a count per village/town."),
    "no_items": ("没有符合条件的项目", "No items match the filters"),
    "detail": ("详情", "Details"),
    "name": ("名称", "Name"),
    "quantity": ("数量", "Quantity"),
    "budget": ("投资（万元）", "Budget (10k CNY)"),
    "source_text": ("原文", "Source text"),
    "section": ("章节", "Section"),
    "precision": ("定位精度", "Precision"),
    "geometry_source": ("位置来源", "Location source"),
    "places": ("地名", "Places"),
    "history": ("修改记录", "Change history"),
    "no_history": ("暂无修改记录", "No changes recorded"),
    "notes": ("备注", "Notes"),
    "id": ("编号", "ID"),
    "updated": ("更新", "Updated"),
    "select_hint": ("点击地图上的项目或列表中的行查看详情", "Click an item on the map or a row in the list for details"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_geojson": ("下载 GeoJSON", "Download GeoJSON"),
    "show_on_map": ("在地图上查看", "Show on map"),
    "toc": ("目录", "Contents"),
    "plan_missing": ("找不到规划原文：{path}", "Plan text not found: {path}"),
    "legend": ("图例", "Legend"),
    "legend_status": ("状态（颜色）", "Status (colour)"),
    "legend_category": ("类别（符号）", "Category (symbol)"),
    "legend_aggregate": ("村/镇级项目数", "Village/town-level items"),
    "data_error": ("数据无法读取：{msg}", "Data cannot be read: {msg}"),
    "data_empty": ("数据文件夹 {path} 中还没有项目（projects.geojson）。运行提取后再打开。",
                   "No items yet in {path} (projects.geojson). Run the extraction, then reload."),
    "places_error": ("地名库无法读取（{msg}），地图不显示边界和村点。",
                     "Gazetteer cannot be read ({msg}); the map shows no outline or village points."),
    "assets_missing": ("地图前端文件缺失（{n} 个），请运行 scripts/fetch-assets.sh。",
                       "{n} map front-end files are missing; run scripts/fetch-assets.sh."),
    "bm_osm": ("OpenStreetMap", "OpenStreetMap"),
    "bm_tianditu_vec": ("天地图 矢量", "Tianditu vector"),
    "bm_tianditu_img": ("天地图 影像", "Tianditu imagery"),
    "bm_gaode": ("高德地图", "Gaode (AMap)"),
    "bm_esri": ("Esri 卫星影像", "Esri World Imagery"),
    "bm_none": ("无底图（离线）", "No basemap (offline)"),
    "gcj_note": ("高德底图使用 GCJ-02 坐标，图上项目已换算显示（数据本身不变）。",
                 "Gaode tiles use GCJ-02; overlays are converted for display only (stored data unchanged)."),
    "badge_title": ("{area}：{n} 项未精确定位", "{area}: {n} items not precisely located"),
    "aggregate_selected": ("{area} 的未精确定位项目", "Items of {area} not precisely located"),
    "unlocated_short": ("未定位", "not located"),
    "located": ("已定位", "located"),
    "edit_needs_signin": ("编辑需要登录（尚未开放）。", "Editing needs sign-in (not available yet)."),
    "sort_hint": ("点击列标题排序，勾选行在地图上查看。", "Click a column header to sort; select rows to see them on the map."),
    "selected_rows": ("已选 {n} 项", "{n} selected"),
    "items_in_text": ("原文中标出 {n} 个项目", "{n} items marked in the text"),
    "legend_unlocated": ("虚线框：未精确定位", "Dashed box: not precisely located"),
}


def t(key: str, lang: str = DEFAULT_LANG, **fmt) -> str:
    zh, en = _STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


def category_label(code: str | None, lang: str = DEFAULT_LANG) -> str:
    table = CATEGORY_LABELS_EN if lang == "en" else CATEGORY_LABELS
    return table.get(code or "", code or "")


def status_label(code: str | None, lang: str = DEFAULT_LANG) -> str:
    table = STATUS_LABELS_EN if lang == "en" else STATUS_LABELS
    return table.get(code or "", code or "")


def precision_label(code: str | None, lang: str = DEFAULT_LANG) -> str:
    table = PRECISION_LABELS_EN if lang == "en" else PRECISION_LABELS
    return table.get(code or "", code or "")


_GEOMETRY_SOURCES = {
    "gazetteer": ("地名库", "gazetteer"), "manual": ("人工标注", "manual"), "gps": ("现场GPS", "GPS"),
    "draw": ("地图绘制", "drawn"), "import": ("导入", "import"),
}


def geometry_source_label(code: str | None, lang: str = DEFAULT_LANG) -> str:
    if not code:
        return "—"
    if code.startswith("online:"):
        return ("在线地理编码：" if lang != "en" else "online geocoder: ") + code.split(":", 1)[1]
    pair = _GEOMETRY_SOURCES.get(code)
    return (pair[1] if lang == "en" else pair[0]) if pair else code


def area_label(area: str | None, lang: str = DEFAULT_LANG) -> str:
    if area is None or area == "":
        return t("area_unknown", lang)
    if lang == "en":
        if area == AREA_TOWN_SEAT:
            return "Town seat (镇区)"
        if area == AREA_WHOLE_TOWN:
            return "Whole town (全镇)"
    return area
