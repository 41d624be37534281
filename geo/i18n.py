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
    "store_recovered": ("上次保存被中断（进程退出或断电）：未完成的副本（{n} 个）已移到 {path}，数据文件仍是最后一次完整保存的版本。请核对后删除该文件夹。",
                        "A save was interrupted (process killed or power cut): its unfinished copy ({n}) was moved to {path}; the data file is the last complete save. Check it, then delete that folder."),
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
    "rows_capped": ("只列出前 {shown} 项（共 {n} 项），全部项目见“列表”页。", "Showing the first {shown} of {n}; the List page has them all."),
    "cell_tip": ("此处 {n} 项，点击放大查看", "{n} items here; click to zoom in"),
    "view_mode_cells": ("项目较多（{n} 项已定位）：按格网显示数量，放大后显示单个项目。",
                        "Many items ({n} located): counts per grid cell; zoom in to see single items."),
    "view_mode_features": ("项目较多（{n} 项已定位）：只显示当前视野内的 {shown} 项。",
                           "Many items ({n} located): showing the {shown} in the current view."),
    "aggregate_selected": ("{area} 的未精确定位项目", "Items of {area} not precisely located"),
    "unlocated_short": ("未定位", "not located"),
    "located": ("已定位", "located"),
    "edit_needs_signin": ("登录为编辑后可补充漏提取的条目、移除误提取的条目。",
                          "Editors (signed in) can add missed clauses as items and drop wrong ones."),
    "corrections": ("校对提取结果", "Correct the extraction"),
    "drop_item": ("误提取，移除此条", "Wrong extraction: drop it"),
    "restore_item": ("恢复此条", "Restore it"),
    "dropped_note": ("此条已被标记为误提取（不显示在地图和列表中）。", "Marked as a wrong extraction (hidden from map and list)."),
    "dropped_list": ("已移除的提取", "Dropped extractions"),
    "add_missed": ("补充漏提取的条目", "Add a missed clause as an item"),
    "clause": ("原文片段（从左侧原文复制）", "Clause (copy it from the plan text)"),
    "item_name": ("名称", "Name"),
    "add_item": ("添加", "Add"),
    "item_added": ("已添加：{name}", "Added: {name}"),
    "sort_hint": ("点击列标题排序，勾选行在地图上查看。", "Click a column header to sort; select rows to see them on the map."),
    "selected_rows": ("已选 {n} 项", "{n} selected"),
    "items_in_text": ("原文中标出 {n} 个项目", "{n} items marked in the text"),
    "legend_unlocated": ("虚线框：未精确定位", "Dashed box: not precisely located"),
    # --- sign-in, editing, 待定位, field page (geo.ui_edit) ---
    "page_locate": ("待定位", "To locate"),
    "page_field": ("现场", "Field"),
    "sign_in_title": ("编辑登录", "Editor sign-in"),
    "viewer_note": ("未登录时为只读浏览。", "Not signed in: read-only view."),
    "user_name": ("用户名", "Name"),
    "password": ("密码", "Password"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出登录", "Sign out"),
    "signed_in_as": ("已登录：{name}（编辑）", "Signed in: {name} (editor)"),
    "read_only": ("只读模式：登录为编辑后才能修改。", "Read-only view: sign in as an editor to make changes."),
    "edit_title": ("编辑此项目", "Edit this item"),
    "edit_failed": ("无法保存：{msg}", "Could not save: {msg}"),
    "stale_view": ("提示：你打开的是第 {yours} 版，现在是第 {now} 版。", "Note: you opened version {yours}; it is now {now}."),
    "saved": ("已保存（第 {version} 版）", "Saved (version {version})"),
    "conflict_reapply": ("在最新版本上应用我的修改", "Apply my change to the latest version"),
    "conflict_discard": ("放弃我的修改", "Discard my change"),
    "save_status": ("保存状态", "Save status"),
    "save_status_short": ("更新状态", "Update"),
    "progress": ("进度", "Progress"),
    "progress_done": ("已完成数量 {unit}", "Done {unit}"),
    "save_progress": ("保存进度", "Save progress"),
    "progress_notes": ("进展记录", "Progress notes"),
    "note_text": ("进展记录", "Progress note"),
    "note_date": ("日期", "Date"),
    "photo": ("照片（JPEG/PNG/HEIC，可选）", "Photo (JPEG/PNG/HEIC, optional)"),
    "photo_missing": ("照片文件缺失", "photo file missing"),
    "save_note": ("添加记录", "Add note"),
    "photo_gps_offer": ("照片带有位置：{lon}, {lat}（WGS-84）。可作为项目位置。",
                        "The photo has a location: {lon}, {lat} (WGS-84). It can be used as the item's location."),
    "use_photo_gps": ("用照片位置作为项目位置", "Use the photo's location"),
    "move_item": ("移动或绘制此项目的位置", "Move or draw this item's location"),
    "paste_coords": ("粘贴坐标（经度, 纬度）", "Paste coordinates (lon, lat)"),
    "datum": ("坐标系", "Datum"),
    "datum_wgs84": ("WGS-84（GPS/天地图）", "WGS-84 (GPS/Tianditu)"),
    "datum_gcj02": ("GCJ-02（高德）", "GCJ-02 (Gaode)"),
    "datum_bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "move_here": ("移到此坐标", "Move here"),
    "draw_on_map": ("在地图上点选或绘制", "Click or draw on the map"),
    "save_geometry": ("保存为项目位置", "Save as the item's location"),
    "proposal_point": ("点：{lon}, {lat}", "Point: {lon}, {lat}"),
    "proposal_shape": ("{kind}（{n} 个顶点）", "{kind} ({n} vertices)"),
    "shape_linestring": ("线", "Line"),
    "shape_polygon": ("面", "Polygon"),
    "shape_multipoint": ("多点", "Points"),
    "gps_here": ("我在这里", "I am here"),
    "gps_waiting": ("正在获取位置…（需要 HTTPS 或本机访问，并允许定位）",
                    "Getting your position… (needs HTTPS or localhost, and location permission)"),
    "gps_error": ("无法获取位置：{msg}", "No position: {msg}"),
    "gps_fix": ("我的位置：{lon}, {lat}（精度约 {acc} 米）", "My position: {lon}, {lat} (about {acc} m)"),
    "gps_poor": ("定位精度约 {acc} 米，超过 50 米，使用前需确认。", "The fix is only good to about {acc} m (over 50 m): confirm before using it."),
    "gps_confirm": ("确认使用精度约 {acc} 米的位置", "Use this position although it is only good to about {acc} m"),
    "use_gps": ("用我的位置定位", "Use my position"),
    "use_coords": ("使用此坐标", "Use these coordinates"),
    "coords_swapped": ("已识别为“纬度, 经度”顺序并调换。", "Read as latitude, longitude and swapped."),
    "how_map": ("地图点选/绘制", "Click / draw"),
    "how_gps": ("现场GPS", "GPS"),
    "how_paste": ("粘贴坐标", "Paste"),
    "how_online": ("在线建议", "Online suggestion"),
    "map_hint": ("在地图上点击放置一个点，或用左侧工具画线、画面。", "Click the map for a point, or draw a line or polygon with the tools on the left."),
    "online_off": ("未配置在线地理编码（天地图/高德/Nominatim），见 README。", "No online geocoder configured (see README)."),
    "online_ask": ("查询在线建议", "Ask the online geocoder"),
    "online_none": ("在线地理编码没有找到更好的位置。", "The online geocoder found nothing better."),
    "online_offer": ("建议（{source}）：{address} — {lon}, {lat}。仅为建议，需确认后才采用。",
                     "Suggestion ({source}): {address} — {lon}, {lat}. Only a suggestion until you accept it."),
    "online_accept": ("采用此建议", "Accept the suggestion"),
    "proposal": ("待确认：{name} 的位置", "To confirm: location of {name}"),
    "confirm_place": ("确认定位 {name}", "Place {name}"),
    "cancel": ("取消", "Cancel"),
    "placed": ("已定位 {name}：{summary}", "Placed {name}: {summary}"),
    "undone": ("已撤销 {name} 的定位。{summary}", "Undid the placement of {name}. {summary}"),
    "undo": ("撤销", "Undo"),
    "recent_placements": ("最近的定位", "Recent placements"),
    "placement_line": ("{name} · {how} · {user} · {ts} · {n} 个项目", "{name} · {how} · {user} · {ts} · {n} items"),
    "queue_title": ("待定位地名", "Places to locate"),
    "queue_help": ("以下地名被规划项目引用但还没有位置，引用最多的排在前面。定位一次，所有引用它的项目都会更新。",
                   "Places that items refer to but that have no location, most-referenced first. Placing one locates every item that refers to it."),
    "queue_empty": ("没有待定位的地名。", "No places waiting for a location."),
    "queue_entry": ("{name}（{kind}）— {n} 个项目", "{name} ({kind}) — {n} items"),
    "waiting_items": ("等待此地名的项目", "Items waiting for this place"),
    "field_title": ("现场", "Field"),
    "field_help": ("离我最近的已定位项目（只列出精确到场地/路段的项目）。", "Located items nearest to me (site/segment precision only)."),
    "field_no_position": ("先获取我的位置，或粘贴坐标。", "Get your position first, or paste coordinates."),
    "field_none": ("附近没有已定位的项目。", "No located items nearby."),
    "field_manual": ("或输入我的坐标", "Or enter my coordinates"),
    "nav_gaode": ("高德导航", "Gaode"),
    "distance": ("距离", "Distance"),
    "kind_village": ("村", "village"), "kind_town": ("镇", "town"), "kind_town_seat_area": ("镇区", "town seat"),
    "kind_reservoir": ("水库", "reservoir"), "kind_river": ("河道", "river"), "kind_road": ("道路", "road"),
    "kind_street": ("街道", "street"), "kind_rail": ("铁路", "rail"), "kind_park": ("园区", "park"),
    "kind_facility": ("设施", "facility"), "kind_area": ("片区", "area"), "kind_other": ("其他", "other"),
    "kind_county": ("县", "county"),
    "nav_baidu": ("百度导航", "Baidu"),
    # projector and exchange pages
    "page_projector": ("投影", "Projector"),
    "page_exchange": ("导入导出", "Import / export"),
    # projector
    "walk_by": ("讲解顺序", "Walk through"),
    "by_category": ("按类别", "By category"),
    "by_area": ("按区域", "By area"),
    "prev": ("◀ 上一步", "◀ Previous"),
    "next": ("下一步 ▶", "Next ▶"),
    "step_of": ("第 {i} / {n} 步", "Step {i} of {n}"),
    "keys_hint": ("键盘 ← → 翻页", "Keys ← → change step"),
    "exit_projector": ("退出投影", "Leave projector"),
    "items_n": ("{n} 项", "{n} items"),
    "located_n": ("地图上 {n} 项", "{n} on the map"),
    "unlocated_n": ("未精确定位 {n} 项", "{n} not precisely located"),
    "targets": ("目标与进度", "Targets and progress"),
    "no_targets": ("本步没有量化目标", "No quantified targets in this step"),
    "target": ("目标", "Target"),
    "done": ("已完成", "Done"),
    "rate": ("完成率", "Done %"),
    "no_progress": ("尚无进度", "no progress yet"),
    "total_line": ("合计 {unit}：目标 {target}，已完成 {done}（{n} 项有进度）",
                   "Total {unit}: target {target}, done {done} ({n} with progress)"),
    "charts": ("统计图", "Charts"),
    "chart_status_category": ("各类别项目（按状态）", "Items by category and status"),
    "chart_area": ("各区域项目（按状态）", "Items by area and status"),
    "chart_targets": ("目标与进度", "Targets vs progress"),
    "count": ("项目数", "Items"),
    "empty_walk": ("当前筛选下没有项目。", "No items match the current filter."),
    "share_link": ("投影链接：在地图页地址后加 ?projector=1", "Projector link: add ?projector=1 to the map page URL"),
    "step_map_title": ("{title} · {step}", "{title} · {step}"),
    # exchange
    "export_title": ("导出当前筛选", "Export the current filter"),
    "export_datum": ("输出坐标系（CSV / XLSX / KML / KMZ）", "Output datum (CSV / XLSX / KML / KMZ)"),
    "export_fixed": ("固定 WGS-84（格式标准规定）", "always WGS-84 (the format's standard)"),
    "export_name": ("文件名", "File name"),
    "export_items": ("将导出 {n} 项（共 {total} 项）", "{n} of {total} items will be exported"),
    "export_failed": ("{fmt} 导出失败：{msg}", "{fmt} export failed: {msg}"),
    "html_title": ("离线网页地图", "Offline HTML map"),
    "html_help": ("一个文件，所有脚本内嵌，可从U盘直接打开（无网络时选“无底图”）。",
                  "One file with every script inlined; opens from a USB stick (choose no basemap when offline)."),
    "html_make": ("生成网页地图", "Make the HTML map"),
    # inside the offline HTML map (geo/mapview/templates/offline_items.js)
    "offline_all": ("全部", "All"),
    "offline_unknown": ("未填写", "not given"),
    "offline_more": ("再显示 {n} 项", "Show {n} more"),
    "offline_here": ("此处 {n} 项", "{n} items here"),
    "offline_old_browser": ("此浏览器无法读取压缩的地图数据，请用新版 Chrome、Edge、Firefox 或 Safari 打开。",
                            "This browser cannot read the compressed map data; open the file in a recent "
                            "Chrome, Edge, Firefox or Safari."),
    "html_download": ("下载网页地图 {name}（{kb} KB）", "Download the HTML map {name} ({kb} KB)"),
    "report_title": ("打印报告（PDF / PNG）", "Printable report (PDF / PNG)"),
    "report_paper": ("纸张", "Paper"),
    "report_format": ("格式", "Format"),
    "report_heading": ("标题", "Title"),
    "report_make": ("生成报告", "Make the report"),
    "report_download": ("下载报告 {name}（{kb} KB）", "Download the report {name} ({kb} KB)"),
    "report_failed": ("报告无法生成：{msg}", "The report cannot be made: {msg}"),
    "import_title": ("导入", "Import"),
    "import_signin": ("导入需要编辑登录（侧栏“编辑登录”）。未登录时只能导出。",
                      "Importing needs an editor sign-in (sidebar). Viewers can only export."),
    "import_limits": ("支持 GeoJSON、CSV、XLSX、KML/KMZ、GeoPackage、Shapefile(zip)、规划文件(txt/docx/pdf/html)。"
                      "文件上限 {mb} MB，最多 {rows} 行。确认之前不会写入任何数据。",
                      "GeoJSON, CSV, XLSX, KML/KMZ, GeoPackage, zipped Shapefile, plan documents (txt/docx/pdf/html). "
                      "Up to {mb} MB and {rows} rows. Nothing is written before you confirm."),
    "import_file": ("选择文件", "Choose a file"),
    "import_datum": ("文件坐标系", "Datum of the file"),
    "datum_auto": ("按文件说明（默认 WGS-84）", "As the file states (default WGS-84)"),
    "import_status": ("缺省状态", "Default status"),
    "import_category": ("缺省类别", "Default category"),
    "mapping_title": ("列对应", "Column mapping"),
    "mapping_help": ("每一列对应到哪个字段；“不使用”的列不导入。", "Which field each column holds; unused columns are not imported."),
    "mapping_unused": ("（不使用）", "(not used)"),
    "preview_summary": ("预览：{ok} 行可导入（{located} 行有位置），{bad} 行有问题",
                        "Preview: {ok} rows can be imported ({located} located), {bad} rows have problems"),
    "actions_line": ("新增 {new}，更新 {update}，不变 {unchanged}，冲突 {conflict}",
                     "{new} new, {update} to update, {unchanged} unchanged, {conflict} conflicts"),
    "bad_rows": ("有问题的行（不会导入）", "Rows with problems (not imported)"),
    "row": ("行", "Row"),
    "reason": ("原因", "Reason"),
    "conflicts": ("冲突（跳过，不会覆盖）", "Conflicts (skipped, never overwritten)"),
    "warnings": ("提示", "Notes"),
    "confirm_import": ("确认导入", "Confirm import"),
    "cancel_import": ("取消", "Cancel"),
    "nothing_to_import": ("没有可导入的行。", "Nothing to import."),
    "import_refused": ("无法导入：{msg}", "Cannot import: {msg}"),
    "import_done": ("已导入：新增 {added}，更新 {updated}，不变 {unchanged}，冲突跳过 {conflicts}",
                    "Imported: {added} added, {updated} updated, {unchanged} unchanged, {conflicts} conflicts skipped"),
    "import_cancelled": ("已取消，未写入任何数据。", "Cancelled; nothing was written."),
    "import_failed": ("导入失败，数据未改变：{msg}", "Import failed, nothing changed: {msg}"),
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
