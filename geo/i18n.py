"""Every person-facing text, Chinese first, English as a toggle. Codes stay English everywhere else.

``t(key, lang)`` returns the label of a UI string; the code-list labels come from
``geo.contract`` so they cannot drift from the data contract.

Errors and results a person reads (a refused placement, an edit conflict, "3 个项目已定位")
are :class:`Message` objects or :class:`LocalisedError` exceptions: a key and its parameters,
rendered in the reader's language where they are shown (``say(exc, lang)``). ``str()`` of
one gives the Chinese text, which keeps the English part in brackets for the CLI and logs.
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
    "search_short": ("搜索", "Search"),
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
    # --- sign-in, editing, 待定位, field page (geo.app.signin, edit, locate, field) ---
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
    # 新镇计划 (geo.app.new_town)
    "nt_title": ("新镇计划", "A plan for a new town"),
    "nt_help": ("从全国区划代码中搜索乡镇（街道），把它的村、驻地和所属县加入数据文件夹，再把它的规划生成项目。"
                "已有的地名不会被覆盖：有人标注过的位置保持不变。",
                "Search the national division lists for a town, add its villages, seat and county to the data "
                "folder, then build its plan. Places the folder holds are never overwritten: locations people "
                "set stay as they are."),
    "nt_signin": ("新镇计划需要编辑登录（侧栏“编辑登录”）。", "A plan for a new town needs an editor sign-in (sidebar)."),
    "nt_folder_only": ("新镇计划写入数据文件夹；当前数据在数据库（{where}）。请用命令行 python -m geo gazetteer seed "
                       "--town 镇 --data 文件夹 生成后用 python -m geo store copy 复制进去。",
                       "A plan for a new town writes a data folder; this app's data is in a database ({where}). "
                       "Seed a folder with python -m geo gazetteer seed --town TOWN --data DIR, then copy it in "
                       "with python -m geo store copy DIR URL."),
    "nt_search": ("乡镇（街道）名称或 9 位代码", "Town name or 9-digit code"),
    "nt_county": ("所属县（市、区）（可选）", "County (optional)"),
    "nt_candidates": ("候选（乡镇 · 县 · 省 · 代码）", "Candidates (town · county · province · code)"),
    "nt_n_candidates": ("找到 {n} 个乡镇", "{n} towns found"),
    "nt_n_candidates_more": ("列出前 {n} 个乡镇；填写所属县可缩小范围", "The first {n} towns; give the county to narrow"),
    "nt_former": ("（已撤销，{first}–{last} 年名录）", " (former, NBS {first}–{last})"),
    "nt_index_missing": ("全国区划索引不可用：{msg}", "The national division index is not available: {msg}"),
    "nt_unknown": ("没有这个乡镇：{msg}", "No such town: {msg}"),
    "nt_will_seed": ("将加入：{town}（{region}，{code}）、{villages} 个村（社区，NBS {year} 名录）、{former} 个旧村名",
                     "Will add: {town} ({region}, {code}), {villages} villages (NBS {year} list), "
                     "{former} former villages"),
    "nt_seat": ("驻地点：{lon:.5f} E, {lat:.5f} N（{source}）", "Seat point: {lon:.5f} E, {lat:.5f} N ({source})"),
    "nt_no_seat": ("驻地点：开源数据没有此镇的驻地位置（{note}）；不会估算坐标，项目按村名和镇名定位。",
                   "Seat point: {note}; no coordinate is estimated, items are placed by village and town names."),
    "nt_already": ("数据文件夹已有此镇：再次加入只补充缺少的地名，已有位置不变。",
                   "The data folder holds this town already: seeding again only adds what is missing; "
                   "locations stay as they are."),
    "nt_plan": ("规划文件（txt / docx / pdf / html）", "Plan document (txt / docx / pdf / html)"),
    "nt_build": ("加入此镇并生成项目", "Add the town and build the plan"),
    "nt_seed_only": ("只加入此镇的地名", "Only add the town's places"),
    "nt_built": ("{town}：生成 {items} 个项目（已定位 {located}，到村 {village}，到镇 {towns}，未定位 {unlocated}）；"
                 "{linked}/{total} 个村被项目引用",
                 "{town}: {items} items built (located {located}, village {village}, town {towns}, "
                 "unlocated {unlocated}); {linked} of {total} villages linked by items"),
    "nt_seeded": ("地名库：新增 {added}，更新 {updated}，不变 {unchanged}；保留原有位置 {kept} 个",
                  "Gazetteer: {added} added, {updated} updated, {unchanged} unchanged; {kept} locations kept"),
    "nt_store_line": ("项目库：{msg}", "Store: {msg}"),
    "nt_linked": ("被引用的村：{names}", "Villages linked: {names}"),
    "nt_problems": ("{n} 个项目校验有问题：{first}", "{n} validation problems: {first}"),
    "nt_failed": ("未完成，数据未改变：{msg}", "Not done, nothing changed: {msg}"),
    # 村界导入 (geo.app.boundaries)
    "bd_title": ("村界导入", "Village boundaries"),
    "bd_help": ("村界（村级或镇级多边形）：Shapefile(zip)、GeoPackage、GeoJSON、KML/KMZ，任意声明的坐标系。"
                "按 12 位区划代码或村名匹配地名；确认之前不写入任何数据。确认后，位于村界内的项目改用该村为区域，"
                "不在任何村界上的项目保持原区域。",
                "Village (or town) polygons: zipped Shapefile, GeoPackage, GeoJSON, KML/KMZ, any declared CRS. "
                "Matched to places by 12-digit code or by name; nothing is written before you confirm. Then an item "
                "inside a polygon gets its area, an item on no polygon keeps its own."),
    "bd_signin": ("村界导入需要编辑登录（侧栏“编辑登录”）。", "Importing boundaries needs an editor sign-in (sidebar)."),
    "bd_file": ("村界文件", "Boundary file"),
    "bd_licence": ("来源与许可（例如：某镇政府提供，内部使用）", "Source and licence (e.g. supplied by the town, internal use)"),
    "bd_crs": ("坐标系（文件未声明时，例如 EPSG:4549）", "CRS (when the file states none, e.g. EPSG:4549)"),
    "bd_name_field": ("村名字段", "Name field"),
    "bd_code_field": ("代码字段", "Code field"),
    "bd_field_auto": ("（自动识别）", "(recognise)"),
    "bd_town": ("按名称匹配的镇", "Match names in the town"),
    "bd_town_all": ("（文件夹里所有镇）", "(every town of the folder)"),
    "bd_refused": ("无法读取村界：{msg}", "Cannot read the boundaries: {msg}"),
    "bd_crs_line": ("坐标系：{crs}", "CRS: {crs}"),
    "bd_summary": ("匹配 {places} 个地名（按代码 {code}，按名称 {name}），未匹配 {unmatched}，有歧义 {ambiguous}，"
                   "无效多边形 {invalid}",
                   "{places} places matched ({code} by code, {name} by name), {unmatched} unmatched, "
                   "{ambiguous} ambiguous, {invalid} invalid polygons"),
    "bd_fields_line": ("读取字段：{fields}", "Reading fields: {fields}"),
    "bd_unmatched": ("未匹配的名称", "Unmatched names"),
    "bd_ambiguous": ("有歧义", "Ambiguous"),
    "bd_invalid": ("无效多边形（自相交等）", "Invalid polygons (self-intersecting etc.)"),
    "bd_invalid_help": ("有 {n} 个无效多边形：请在 GIS 中修正，或勾选下面的“用 make_valid 修复”；有无效多边形时不能导入。",
                        "{n} polygon(s) are invalid: fix them in a GIS, or tick 'repair with make_valid' below; "
                        "nothing can be imported while any is invalid."),
    "bd_make_valid": ("用 make_valid 修复无效多边形", "Repair invalid polygons with make_valid"),
    "bd_repaired": ("已用 make_valid 修复 {n} 个多边形", "{n} polygon(s) repaired with make_valid"),
    "bd_nothing": ("没有多边形匹配到地名，不能导入。", "No polygon matched a place; nothing to import."),
    "bd_confirm": ("确认导入村界", "Confirm the boundaries"),
    "bd_done": ("村界已导入：{places} 个地名获得边界；{areas} 个项目的区域改变；{located} 个项目按村界定位",
                "Boundaries imported: {places} places got their boundary; {areas} item areas changed; "
                "{located} items located by their village's boundary"),
    "bd_failed": ("村界未导入，数据未改变：{msg}", "Boundaries not imported, nothing changed: {msg}"),
    "bd_folder_only": ("村界导入写入数据文件夹的地名库；当前数据在数据库（{where}）。请用命令行 python -m geo gazetteer "
                       "boundaries 文件 --places 文件夹/places.geojson 导入后复制进去。",
                       "Boundary import writes the data folder's gazetteer; this app's data is in a database "
                       "({where}). Import with python -m geo gazetteer boundaries FILE --places DIR/places.geojson, "
                       "then copy it in."),
    "bd_col_name": ("名称", "Name"),
    "bd_col_code": ("代码", "Code"),
    "bd_col_state": ("结果", "Result"),
    "bd_col_place": ("地名", "Place"),
    "bd_col_note": ("说明", "Note"),
    "town_filter": ("镇", "Town"),
    # 进度文件 (geo.app.progress) and 自规划以来有变化 (sidebar, list, detail)
    "changed_since_plan": ("自规划以来有变化", "Changed since the plan"),
    "changed_since_plan_help": ("只显示后来的进度文件改变了状态或新增的项目",
                                "Only items whose status a later document changed, or that it added"),
    "change_col": ("自规划以来的变化", "Change since the plan"),
    "change_new": ("新增", "New"),
    "change_progress": ("进度更新", "Progress updated"),
    "change_where": ("（《{document}》第{line}行）", "(“{document}”, line {line})"),
    "progress_title": ("进度文件", "Progress document"),
    "progress_help": ("上传本镇后来的文件（工作总结、半年报告、进度表、下一年计划；txt/docx/pdf/html）："
                      "逐项列出建议的状态和进度及原文依据。勾选接受的建议，点“应用”之前不会写入任何数据。",
                      "Upload a later document of the town (work summary, half-year report, progress list, next "
                      "year's plan; txt/docx/pdf/html): each proposed status and progress with its evidence. Tick the "
                      "proposals you accept; nothing is written before you press Apply."),
    "progress_tab_review": ("审核并应用", "Review and apply"),
    "progress_tab_compare": ("对比两份文件", "Compare two documents"),
    "progress_file": ("选择进度文件", "Choose a progress document"),
    "progress_refused": ("无法使用此文件：{msg}", "This document cannot be used: {msg}"),
    "progress_summary": ("《{name}》：{kind}，{town}{year} — 更新 {updates}，新项目 {new}，冲突 {conflicts}，"
                         "提到但无变化 {unchanged}；共 {considered} 个项目，未提到的不变",
                         "“{name}”: {kind} of {town}{year} — {updates} updates, {new} new items, {conflicts} "
                         "conflicts, {unchanged} mentioned without change; {considered} items, those not mentioned "
                         "are kept"),
    "progress_updates": ("建议更新", "Proposed updates"),
    "progress_new": ("建议新增的项目（以本文件为来源）", "Proposed new items (this document as their source)"),
    "progress_conflicts": ("冲突：状态或进度由人工设定，默认不覆盖（勾选即由你决定覆盖）",
                           "Conflicts: a person set the status or progress; not overwritten unless you tick it"),
    "progress_unchanged": ("提到但无变化", "Mentioned, no change"),
    "progress_accept": ("接受", "Accept"),
    "progress_item": ("项目", "Item"),
    "progress_change": ("状态", "Status"),
    "progress_value": ("进度", "Progress"),
    "progress_evidence": ("原文依据", "Evidence"),
    "progress_line": ("第{line}行", "line {line}"),
    "progress_apply": ("应用", "Apply"),
    "progress_chosen": ("已勾选 {n} 条建议；未勾选的不会应用。", "{n} proposals ticked; the others are not applied."),
    "progress_applied": ("已应用（{user}）：更新 {updated}，新增 {created}，未接受 {rejected}，跳过 {skipped}，冲突 {conflicts}",
                      "Applied ({user}): {updated} updated, {created} added, {rejected} not accepted, {skipped} "
                      "skipped, {conflicts} conflicts"),
    "progress_not_written": ("未写入任何数据：以下项目在生成建议后被他人修改。已按当前数据重新生成建议，请再次核对。",
                             "Nothing written: these items were changed by someone else after the proposals were "
                             "made. The proposals were made again from the current data; review them again."),
    "progress_failed": ("应用失败，数据未改变：{msg}", "Applying failed, nothing changed: {msg}"),
    "progress_earlier": ("较早的文件（如年度计划）", "Earlier document (e.g. the year's plan)"),
    "progress_later": ("较晚的文件（如工作总结、下一年计划）", "Later document (e.g. the summary, next year's plan)"),
    "progress_compare_help": ("不涉及数据，只比较两份文件：较早文件中的每项工作是完成、推迟、继续推进还是未提及，"
                              "以及较晚文件新增的工作。",
                              "Compares two documents only, nothing is written: whether each work of the earlier "
                              "one was completed, put off, continued or not mentioned, and what the later one adds."),
    "progress_outcome": ("结果", "Outcome"),
    "progress_earlier_text": ("较早文件原文", "Earlier document's text"),
}


# Errors and results that logic modules hand to a person (see Message / LocalisedError). The Chinese
# text is also what str() of the error gives, so it keeps the English in brackets for CLI and logs.
_STRINGS.update({
    "plain": ("{msg}", "{msg}"),
    "list_sep": ("，", "; "),
    # geo.locate: pasted coordinates, placing, undo
    "coords_none": ("没有坐标 (no coordinates): paste two numbers such as 121.2612, 28.9301",
                    "No coordinates: paste two numbers such as 121.2612, 28.9301"),
    "coords_too_long": ("坐标文字太长 (too much text): paste only the two numbers",
                        "Too much text: paste only the two numbers"),
    "coords_count": ("“{text}”：找到 {n} 个数字，需要两个：经度和纬度 (found {n} numbers, need exactly two "
                     "(longitude and latitude), e.g. 121.2612, 28.9301)",
                     "“{text}”: found {n} numbers, need exactly two (longitude and latitude), e.g. 121.2612, 28.9301"),
    "coords_order": ("“{text}”：分不清哪个是经度，请写成 经度=…, 纬度=… (cannot tell which number is the longitude; "
                     "write it as lon=…, lat=…)",
                     "“{text}”: cannot tell which number is the longitude; write it as lon=…, lat=…"),
    "coords_minutes": ("“{text}”：分和秒必须小于 60 (minutes and seconds must be below 60)",
                       "“{text}”: minutes and seconds must be below 60"),
    "coords_degrees": ("“{text}”：找到 {n} 个度数，需要两个 (found {n} degree values, need two, "
                       "e.g. 28°55'48\"N 121°15'36\"E)",
                       "“{text}”: found {n} degree values, need two (e.g. 28°55'48\"N 121°15'36\"E)"),
    "coords_not_finite": ("坐标必须是有限的数字 (coordinates must be finite numbers)", "Coordinates must be finite numbers"),
    "lon_range": ("经度 {lon} 超出范围 -180..180，请检查 (longitude {lon} is out of range (-180..180); check the numbers)",
                  "Longitude {lon} is out of range (-180..180); check the numbers"),
    "lat_range": ("纬度 {lat} 超出范围 -90..90，请检查 (latitude {lat} is out of range (-90..90); check the numbers)",
                  "Latitude {lat} is out of range (-90..90); check the numbers"),
    "zero_zero": ("0, 0 不是本镇的地点，请检查 (0, 0 is not a place in this town; check the numbers)",
                  "0, 0 is not a place in this town; check the numbers"),
    "how_unknown": ("定位方式 {how!r} 未知 (how {how!r} is unknown; use one of {hows} or online:NAME)",
                    "How {how!r} is unknown; use one of {hows} or online:NAME"),
    "accuracy_nan": ("精度 {acc!r} 不是米数 (accuracy {acc!r} is not a number of metres)",
                     "Accuracy {acc!r} is not a number of metres"),
    "accuracy_bad": ("精度 {acc!r} 不是距离 (accuracy {acc!r} is not a distance)", "Accuracy {acc!r} is not a distance"),
    "gps_confirm_needed": ("定位精度约 {acc:.0f} 米，超过 {limit:.0f} 米：确认使用此位置吗？"
                           " (the fix is only good to about {acc:.0f} m; confirm to use it anyway)",
                           "The fix is only good to about {acc:.0f} m (over {limit:.0f} m): confirm to use it anyway"),
    "geometry_type": ("位置必须是 GeoJSON 点、线或面 (the geometry must be a GeoJSON Point, LineString or Polygon)",
                      "The geometry must be a GeoJSON Point, LineString or Polygon"),
    "geometry_coords": ("位置的坐标不是 [经度, 纬度] 数字 (the geometry's coordinates are not [lon, lat] numbers ({detail}))",
                        "The geometry's coordinates are not [lon, lat] numbers ({detail})"),
    "geometry_invalid": ("位置无效 (the geometry is not valid): {detail}", "The geometry is not valid: {detail}"),
    "placement_needs_user": ("定位需要写明操作人 (a placement needs the name of the person placing it)",
                             "A placement needs the name of the person placing it"),
    "place_unknown": ("地名 {place!r} 不在地名库中，请刷新页面 (place {place!r} is not in the gazetteer; reload the page)",
                      "Place {place!r} is not in the gazetteer; reload the page"),
    "placement_not_found": ("找不到定位记录 {id!r}，可能来自另一个数据文件夹 (placement {id!r} not found; "
                            "it may be from another data folder)",
                            "Placement {id!r} not found; it may be from another data folder"),
    "placement_undone_already": ("定位 {id} 已经撤销过 (placement {id} was already undone)",
                                 "Placement {id} was already undone"),
    "place_gone": ("地名 {place!r} 已不在地名库中 (place {place!r} is no longer in the gazetteer)",
                   "Place {place!r} is no longer in the gazetteer"),
    "placed_again": ("{name} 在这次定位之后又被定位过，未做任何改动 ({name} was placed again since this placement; "
                     "nothing was changed)",
                     "{name} was placed again since this placement; nothing was changed"),
    "placed_again_undo_first": ("{name} 在这次定位之后又被定位过，请先撤销 {later}；未做任何改动 ({name} was placed "
                                "again since this placement (undo {later} first); nothing was changed)",
                                "{name} was placed again since this placement (undo {later} first); nothing was changed"),
    "undo_kept_changing": ("撤销时项目一直在被修改，请重试 (items kept changing while undoing; try again)",
                           "Items kept changing while undoing; try again"),
    "item_missing": ("项目 {item} 不在数据中，请刷新页面 (item {item} is not in the store; reload the page)",
                     "Item {item} is not in the store; reload the page"),
    "precision_by_hand": ("手工设置的位置不能用精度 {precision!r}，请用 exact、site 或 segment "
                          "(precision {precision!r}: use exact, site or segment for a geometry set by hand)",
                          "Precision {precision!r}: use exact, site or segment for a geometry set by hand"),
    # geo.auth: accounts, sign-in, who may edit
    "accounts_json": ("{env}：不是有效的 JSON ({env}: not valid JSON ({msg} at column {col}); expected "
                      "{{\"name\": {{\"password_hash\": \"$2b$...\", \"role\": \"editor\"}}}})",
                      "{env}: not valid JSON ({msg} at column {col}); expected "
                      "{{\"name\": {{\"password_hash\": \"$2b$...\", \"role\": \"editor\"}}}}"),
    "accounts_table": ("auth.users：应为账户表 (auth.users: expected a table of accounts ([auth.users.NAME] in "
                       "secrets.toml))",
                       "auth.users: expected a table of accounts ([auth.users.NAME] in secrets.toml)"),
    "account_fields": ("auth.users.{name}：缺少 password_hash 和 role (auth.users.{name}: expected password_hash and "
                       "role; see python -m geo user hash)",
                       "auth.users.{name}: expected password_hash and role; see python -m geo user hash"),
    "account_plain_password": ("auth.users.{name}：含明文密码 (auth.users.{name}: has a plain-text 'password'; remove it "
                               "and store only password_hash from python -m geo user hash)",
                               "auth.users.{name}: has a plain-text 'password'; remove it and store only password_hash "
                               "from python -m geo user hash"),
    "account_bad_hash": ("auth.users.{name}：password_hash 不是 bcrypt 哈希 (auth.users.{name}: password_hash is not a "
                         "bcrypt hash; create one with python -m geo user hash)",
                         "auth.users.{name}: password_hash is not a bcrypt hash; create one with python -m geo user hash"),
    "account_role": ("auth.users.{name}：角色 {role!r} 未知 (auth.users.{name}: role {role!r} is unknown; use one of "
                     "{roles})",
                     "auth.users.{name}: role {role!r} is unknown; use one of {roles}"),
    "password_short": ("密码太短 (password too short: use at least {n} characters)",
                       "Password too short: use at least {n} characters"),
    "password_long": ("密码太长 (password too long: bcrypt uses at most {n} bytes (UTF-8); use a shorter one)",
                      "Password too long: bcrypt uses at most {n} bytes (UTF-8); use a shorter one"),
    "signin_throttled": ("登录失败次数过多，请 {s} 秒后再试 (too many failed sign-ins; try again in {s} s)",
                         "Too many failed sign-ins; try again in {s} s"),
    "signin_empty": ("请输入用户名和密码 (enter your name and password)", "Enter your name and password"),
    "signin_wrong": ("用户名或密码不正确 (wrong name or password)", "Wrong name or password"),
    "not_allowed": ("只读模式：请先以编辑身份登录再{action} (read-only view: sign in as an editor to {code})",
                    "Read-only view: sign in as an editor to {action}"),
    "action_edit": ("修改", "edit"), "action_place": ("定位", "place"), "action_status": ("更新状态", "update a status"),
    "action_note": ("添加进展", "add a note"), "action_photo": ("上传照片", "upload a photo"), "action_undo": ("撤销", "undo"),
    "user_name_bad": ("用户名 {name!r} 不可用 (user name {name!r}: use letters, digits, - or _ (no quotes, dots, "
                      "brackets or spaces at the ends))",
                      "User name {name!r}: use letters, digits, - or _ (no quotes, dots, brackets or spaces at the ends)"),
    # geo.editing: conflicts
    "names_sep": ("、", ", "),
    "another_editor": ("另一位编辑", "another editor"),
    "conflict": ("保存冲突：{who} 在你打开后修改了此项目（你的版本 {yours}，现在 {now}{changes}）。你的修改尚未保存。",
                 "Not saved: {who} changed this item after you opened it (your version {yours}, now {now}{changes}). "
                 "Your change is not saved yet."),
    "conflict_changes": ("；改动：{fields}", "; changed: {fields}"),
    "conflict_both": (" 双方都改了：{fields}。", " You both changed: {fields}."),
    "conflict_end": (" (conflict: someone else saved this item since you opened it; yours is not saved yet)", ""),
    "edit_no_item": ("项目 {item} 不存在 (no such item); reload the page", "Item {item} does not exist; reload the page"),
    "edit_not_saved": ("未保存 (not saved): {msg}", "Not saved: {msg}"),
    # geo.photos
    "photo_empty": ("{file}：文件为空，请重新选择照片 ({file}: the file is empty; choose the photo again)",
                    "{file}: the file is empty; choose the photo again"),
    "photo_too_big": ("{file}：{mb:.1f} MB 超过 {limit} MB 上限 ({file}: {mb:.1f} MB is over the {limit} MB limit; send a "
                      "smaller photo (phones can share a reduced size))",
                      "{file}: {mb:.1f} MB is over the {limit} MB limit; send a smaller photo (phones can share a reduced "
                      "size)"),
    "photo_kind": ("{file}：不是 JPEG、PNG 或 HEIC 照片 ({file}: not a JPEG, PNG or HEIC photo (by its content, whatever "
                   "the name says); take or export the photo as JPEG)",
                   "{file}: not a JPEG, PNG or HEIC photo (by its content, whatever the name says); take or export the "
                   "photo as JPEG"),
    "photo_heic": ("{file}：此处不能读取 HEIC 照片，请发送 JPEG ({file}: HEIC photos need pillow-heif, which is not "
                   "installed here; send a JPEG)",
                   "{file}: HEIC photos need pillow-heif, which is not installed here; send a JPEG"),
    "photo_pixels": ("{file}：{w}×{h} 像素太大，请发送小一些的照片 ({file}: {w}×{h} pixels is too large; send a smaller "
                     "photo)",
                     "{file}: {w}×{h} pixels is too large; send a smaller photo"),
    "photo_damaged": ("{file}：照片已损坏或不完整 ({file}: the photo is damaged or cut off ({error}); take or send it "
                      "again)",
                      "{file}: the photo is damaged or cut off ({error}); take or send it again"),
    "photo_not_kept": ("{file}：照片未能保存 ({file}: the photo could not be kept: {msg})",
                       "{file}: the photo could not be kept: {msg}"),
    "photo_name": ("照片名 {name!r} 不是本程序生成的 (photo name {name!r} is not one this app generated)",
                   "Photo name {name!r} is not one this app generated"),
    # geo.corrections
    "clause_empty": ("原文片段为空 (empty clause): paste the sentence of the plan the item comes from",
                     "Empty clause: paste the sentence of the plan the item comes from"),
    "clause_missing": ("原文中找不到这段文字 (not in the plan): “{clause}”; copy it from the plan text on this page",
                       "Not in the plan: “{clause}”; copy it from the plan text on this page"),
    "clause_repeated": ("这段文字在原文中出现了 {n} 次 (occurs {n} times): paste a longer piece so it is unique",
                        "This text occurs {n} times in the plan: paste a longer piece so it is unique"),
    "correction_no_name": ("名称为空 (no name): give the item a short name, e.g. 新建某某路",
                           "No name: give the item a short name, e.g. 新建某某路"),
    "category_unknown": ("类别 {category!r} 未知 (unknown category); use one of: {allowed}",
                         "Unknown category {category!r}; use one of: {allowed}"),
    "correction_no_plan": ("不知道这段原文属于哪个规划 (no plan id)", "Which plan this text belongs to is not known (no plan id)"),
    # geo.store
    "version_conflict": ("项目 {item} 在你打开后{who}被修改（你的版本 {yours}，现在 {now}）：请刷新，查看对方的修改后再保存你的",
                         "Item {item} was changed{who} since you opened it (your version {yours}, now {now}); reload it, "
                         "check the other change and apply yours again"),
    "version_conflict_by": ("由 {user} ", " by {user}"),
    # geo.geocode: what a lookup met on the way
    "geocode_alternatives": ("{name}：还与 {others} 同名，请给出镇名 ({name}: also matches {others}; give the town to be "
                             "sure)",
                             "{name}: also matches {others}; give the town to be sure"),
    "geocode_stand_in": ("{name}：本身没有位置，以 {parent} 代替（{level} 级）({name}: no location of its own; {parent} "
                         "stands in ({level} level))",
                         "{name}: no location of its own; {parent} stands in ({level} level)"),
    "geocode_failed": ("online:{provider} 查询 {query!r} 失败 (online:{provider} failed for {query!r} ({error}: {detail}); "
                       "trying the next step)",
                       "online:{provider} failed for {query!r} ({error}: {detail}); trying the next step"),
    "geocode_unusable": ("online:{provider} 对 {query!r} 的回答无法使用，已跳过 (online:{provider} gave an unusable answer "
                         "for {query!r} ({error}); skipped)",
                         "online:{provider} gave an unusable answer for {query!r} ({error}); skipped"),
    "geocode_outside": ("online:{provider} 对 {query!r} 的回答在 {where} 之外，已忽略 (online:{provider} answer for "
                        "{query!r} lies outside {where}; ignored)",
                        "online:{provider} answer for {query!r} lies outside {where}; ignored"),
    "the_county": ("本县", "the county"),
    "geocode_cache_unwritten": ("地理编码缓存未写入 (geocode cache not written ({reason}))",
                                "geocode cache not written ({reason})"),
    # geo.field: positions, progress, status, notes
    "distance_bad": ("距离 {value!r} 不是距离 (distance {value!r} is not a distance)", "Distance {value!r} is not a distance"),
    "position_not_numbers": ("位置 ({lon!r}, {lat!r}) 不是两个数字 (position ({lon!r}, {lat!r}) is not a pair of numbers)",
                             "Position ({lon!r}, {lat!r}) is not a pair of numbers"),
    "position_range": ("位置 ({lon}, {lat}) 超出范围 (position ({lon}, {lat}) is out of range: longitude -180..180, "
                       "latitude -90..90)",
                       "Position ({lon}, {lat}) is out of range: longitude -180..180, latitude -90..90"),
    "progress_nan": ("进度 {value!r} 不是数字 (progress must be a number, e.g. 23)", "Progress {value!r} is not a number, e.g. 23"),
    "progress_negative": ("进度 {value!r} 必须是不小于 0 的有限数字 (progress must be a finite number, 0 or more)",
                          "Progress {value!r} must be a finite number, 0 or more"),
    "status_unknown": ("状态 {status!r} 未知 (unknown status); use one of: {allowed}",
                       "Unknown status {status!r}; use one of: {allowed}"),
    "note_empty": ("进展记录为空 (the note is empty): write what happened, or add a photo",
                   "The note is empty: write what happened, or add a photo"),
    "note_too_long": ("进展记录太长 ({n} 字; at most {limit}); shorten it", "The note is too long ({n} characters; at most {limit}); shorten it"),
    "date_bad": ("日期 {date!r} 无效 (date must be YYYY-MM-DD)", "Date {date!r} is not valid; use YYYY-MM-DD"),
    "progress_target_only": ("目标 {target}{unit}，尚无进度", "Target {target}{unit}, no progress yet"),
    "progress_done_only": ("已完成 {done}{unit}", "Done {done}{unit}"),
    "progress_of_target": ("已完成 {done}/{target}{unit}{pct}", "Done {done}/{target}{unit}{pct}"),
    "progress_pct": ("（{pct}%）", " ({pct}%)"),
    "placed_located": ("{n} 个项目已定位", "{n} items located"),
    "placed_kept": ("{n} 个保留原有更精确位置", "{n} kept their more precise location"),
    "placed_conflicts": ("{n} 个因他人同时修改未更新", "{n} not updated: someone changed them at the same time"),
    "undo_restored": ("已撤销：{n} 个项目恢复原位置", "Undone: {n} items are back where they were"),
    "undo_skipped": ("；{n} 个项目之后又被修改，未改动", "; {n} items changed since and were left as they are"),
})

# --- issue 16: lasting sign-in (geo.app.signin), readable history (geo.history_view),
# --- map controls (geo.mapview.control_texts) ---------------------------------------------
_STRINGS.update({
    "signin_not_lasting": ("已登录，但登录状态无法保存到数据文件夹（{msg}）：刷新页面后需要重新登录。",
                           "Signed in, but the sign-in could not be kept in the data folder ({msg}): after a reload "
                           "you need to sign in again."),
    "signout_not_saved": ("已在此页退出，但无法记录到数据文件夹（{msg}）：其他页面可能仍保持登录，请检查数据文件夹的写权限。",
                          "Signed out here, but it could not be recorded in the data folder ({msg}): other tabs may "
                          "stay signed in; check that the data folder is writable."),
    "signin_ended": ("登录已结束（已在其他页面退出，或已超过有效期）。请重新登录。",
                     "Your sign-in has ended (signed out in another tab, or it expired). Sign in again."),
    # 修改记录 (geo.history_view)
    "hist_col_when": ("时间", "Time"), "hist_col_who": ("修改人", "By"), "hist_col_what": ("字段", "Field"),
    "hist_col_old": ("原值", "Old value"), "hist_col_new": ("新值", "New value"),
    "hist_created": ("新建项目", "Item created"),
    "hist_no_location": ("无位置", "no location"),
    "hist_note_by": ("（{by}）", " ({by})"),
    "hist_note_photo": ("（附照片）", " (with photo)"),
    "hist_yes": ("是", "yes"), "hist_no": ("否", "no"),
    "hist_photo": ("照片", "photo"), "hist_photos": ("{n} 张照片", "{n} photos"),
    "hist_by_rebuild": ("（重新提取）", " (rebuild)"),
    "hist_added": ("（新增）", "(added)"), "hist_removed": ("（删除）", "(removed)"),
    # map controls (geo.mapview.control_texts): Leaflet zoom, leaflet-draw, locate, fullscreen, minimap
    "ctl_zoom_in": ("放大", "Zoom in"), "ctl_zoom_out": ("缩小", "Zoom out"),
    "ctl_fullscreen": ("全屏", "Full screen"), "ctl_fullscreen_exit": ("退出全屏", "Exit full screen"),
    "ctl_locate_title": ("显示我的位置", "Show my position"),
    "ctl_locate_popup": ("您在此点 {distance} {unit} 范围内", "You are within {distance} {unit} of this point"),
    "ctl_locate_outside": ("您的位置在地图范围之外", "You seem to be outside the map's area"),
    "ctl_meters": ("米", "metres"), "ctl_feet": ("英尺", "feet"),
    "ctl_minimap_hide": ("隐藏鹰眼图", "Hide overview map"), "ctl_minimap_show": ("显示鹰眼图", "Show overview map"),
    "ctl_leaflet_title": ("交互地图 JavaScript 库", "A JavaScript library for interactive maps"),
    "ctl_draw_cancel_title": ("取消绘制", "Cancel drawing"), "ctl_draw_cancel": ("取消", "Cancel"),
    "ctl_draw_finish_title": ("完成绘制", "Finish drawing"), "ctl_draw_finish": ("完成", "Finish"),
    "ctl_draw_undo_title": ("删除最后一个点", "Delete the last point drawn"),
    "ctl_draw_undo": ("删除最后一点", "Delete last point"),
    "ctl_draw_polyline": ("画线", "Draw a line"), "ctl_draw_polygon": ("画面", "Draw a polygon"),
    "ctl_draw_rectangle": ("画矩形", "Draw a rectangle"), "ctl_draw_circle": ("画圆", "Draw a circle"),
    "ctl_draw_marker": ("标点", "Place a point"), "ctl_draw_circlemarker": ("画圆点", "Draw a circle marker"),
    "ctl_draw_circle_start": ("按住并拖动以画圆。", "Click and drag to draw a circle."),
    "ctl_draw_radius": ("半径", "Radius"),
    "ctl_draw_marker_start": ("点击地图放置点。", "Click the map to place a point."),
    "ctl_draw_polygon_start": ("点击开始画面。", "Click to start drawing the shape."),
    "ctl_draw_polygon_cont": ("点击继续画面。", "Click to continue drawing the shape."),
    "ctl_draw_polygon_end": ("点击第一个点闭合此面。", "Click the first point to close the shape."),
    "ctl_draw_polyline_error": ("<strong>错误：</strong>边线不能相交！", "<strong>Error:</strong> edges cannot cross!"),
    "ctl_draw_polyline_start": ("点击开始画线。", "Click to start drawing the line."),
    "ctl_draw_polyline_cont": ("点击继续画线。", "Click to continue drawing the line."),
    "ctl_draw_polyline_end": ("点击最后一个点结束画线。", "Click the last point to finish the line."),
    "ctl_draw_rectangle_start": ("按住并拖动以画矩形。", "Click and drag to draw a rectangle."),
    "ctl_draw_simpleshape_end": ("松开鼠标完成绘制。", "Release the mouse to finish drawing."),
    "ctl_edit_save_title": ("保存修改", "Save changes"), "ctl_edit_save": ("保存", "Save"),
    "ctl_edit_cancel_title": ("取消编辑，放弃所有修改", "Cancel editing, discarding all changes"),
    "ctl_edit_cancel": ("取消", "Cancel"),
    "ctl_edit_clear_title": ("清除全部图形", "Clear all shapes"), "ctl_edit_clear": ("全部清除", "Clear all"),
    "ctl_edit_edit": ("编辑图形", "Edit shapes"), "ctl_edit_edit_disabled": ("没有可编辑的图形", "No shapes to edit"),
    "ctl_edit_remove": ("删除图形", "Delete shapes"),
    "ctl_edit_remove_disabled": ("没有可删除的图形", "No shapes to delete"),
    "ctl_edit_edit_text": ("拖动控制点或标记以编辑图形。", "Drag handles or markers to edit shapes."),
    "ctl_edit_edit_subtext": ("点击“取消”撤销修改。", "Click cancel to undo the changes."),
    "ctl_edit_remove_text": ("点击要删除的图形。", "Click a shape to delete it."),
    # Streamlit's own widget texts that its API cannot set (multiselect), translated in the page
    "ui_select_all": ("全选", "Select all"), "ui_select_matches": ("选择 {n} 个匹配项", "Select {n} matches"),
    "ui_no_results": ("无匹配结果", "No results"), "ui_clear_all": ("全部清除", "Clear all"),
    "ui_remove": ("移除 {name}", "Remove {name}"),
    # field names in English (Chinese: geo.contract.FIELD_LABELS)
    **{"hist_f_" + f: (zh, en) for f, zh, en in (
        ("status", "状态", "Status"), ("category", "类别", "Category"), ("area", "所属区域", "Area"),
        ("name", "名称", "Name"), ("quantity", "数量", "Quantity"), ("budget_wan", "投资(万元)", "Budget (10k CNY)"),
        ("precision", "定位精度", "Precision"), ("geometry", "位置", "Location"), ("places", "地名", "Places"),
        ("section", "章节", "Section"), ("notes", "备注", "Notes"), ("progress", "进度", "Progress"),
        ("progress_notes", "进展记录", "Progress notes"), ("photos", "照片", "Photos"), ("text", "原文", "Source text"),
        ("year", "年度", "Year"), ("plan", "规划", "Plan"), ("town", "镇(街道)", "Town"),
        ("county", "县(市、区)", "County"), ("dropped", "已标记错误", "Marked wrong"),
    )},
})


# --- issue 16: 待定位 as a worklist, one-click online suggestions, a pin at once (geo.app.locate) -------
_STRINGS.update({
    "wl_title": ("待定位工作清单", "Worklist of places to locate"),
    "wl_progress": ("已定位 {done} / {total}", "Located {done} / {total}"),
    "wl_filter_text": ("筛选地名", "Filter by name"),
    "wl_filter_kind": ("类型", "Kind"),
    "wl_filter_status": ("状态", "Status"),
    "wl_col_name": ("地名", "Place"),
    "wl_col_kind": ("类型", "Kind"),
    "wl_col_items": ("项目数", "Items"),
    "wl_col_status": ("状态", "Status"),
    "wl_status_waiting": ("待定位", "To locate"),
    "wl_status_suggested": ("有建议", "Suggestion"),
    "wl_status_located": ("已定位", "Located"),
    "wl_choose": ("定位", "Locate"),
    "wl_chosen": ("当前", "Current"),
    "wl_none_match": ("没有符合筛选条件的地名。", "No place matches the filter."),
    "wl_current": ("正在定位：{name}（{kind}，{n} 个项目）", "Locating: {name} ({kind}, {n} items)"),
    "wl_ask_all": ("为全部待定位地名查询在线建议", "Ask the online geocoder for every place to locate"),
    "wl_ask_done": ("已为 {n} 个地名查询在线建议：{found} 个有建议。", "Asked for {n} places: {found} with a suggestion."),
    "wl_no_provider": ("未配置在线地理编码：要一键查询建议，请设置天地图密钥（环境变量 GEO_TIANDITU_KEY 或 "
                       "secrets.toml 的 tianditu_key）或高德密钥（GEO_AMAP_KEY 或 amap_key），然后重启应用。",
                       "No online geocoder configured: to ask for suggestions, set a Tianditu key (GEO_TIANDITU_KEY "
                       "or tianditu_key in secrets.toml) or an AMap key (GEO_AMAP_KEY or amap_key), then restart "
                       "the app."),
    "wl_unreachable": ("在线地理编码 {providers} 无法使用（{errors}）：需要能访问该服务的网络，并检查密钥是否有效。"
                       "没有保存任何内容。",
                       "The online geocoder {providers} could not be used ({errors}): it needs a network that "
                       "reaches the service, and a valid key. Nothing was saved."),
    "wl_suggestions": ("在线建议", "Online suggestions"),
    "wl_suggestion_line": ("**{name}** → {address}（{source}）{distance}",
                           "**{name}** → {address} ({source}){distance}"),
    "wl_distance": ("，距镇政府 {km} km", ", {km} km from the town seat"),
    "wl_accept": ("接受", "Accept"),
    "wl_reject": ("拒绝", "Reject"),
    "wl_rejected": ("已拒绝 {name} 的在线建议。", "Rejected the online suggestion for {name}."),
    "wl_suggestion_tip": ("在线建议：{name}", "Online suggestion: {name}"),
    "wl_enter_hint": ("按回车键确认。", "Press Enter to confirm."),
    "wl_no_proposal": ("在左侧地图上点击（或用其他方式）给出位置后，在这里确认。",
                       "Click the map on the left (or use another way) to give a location, then confirm here."),
})


def t(key: str, lang: str = DEFAULT_LANG, **fmt) -> str:
    zh, en = _STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


class Message:
    """A person-facing text as a key and its parameters, rendered in the reader's language."""

    def __init__(self, key: str, **params):
        if key not in _STRINGS:
            raise KeyError(f"no text {key!r} in geo.i18n")
        self.key, self.params = key, params

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return t(self.key, lang, **{k: _in(v, lang) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.text(DEFAULT_LANG)

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {self.params!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and (self.key, self.params) == (other.key, other.params)


class LocalisedError(Exception):
    """An error whose text is a :class:`Message`: ``raise LocateError("coords_none")``; shown with ``say``."""

    def __init__(self, key: str, **params):
        self.message = Message(key, **params)
        super().__init__(self.message.text(DEFAULT_LANG))

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return self.message.text(lang)


def _in(value, lang: str):
    """A parameter that is itself a text (a Message, an error, a code list) is rendered in the same language."""
    if isinstance(value, (Message, LocalisedError, CodeList)):
        return value.text(lang)
    return value


class CodeList:
    """Codes with their labels ("planned 计划, …" / "planned Planned, …"), e.g. for "use one of: …"."""

    def __init__(self, kind: str, codes):
        self.kind, self.codes = kind, tuple(codes)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        label = {"status": status_label, "category": category_label}[self.kind]
        return ", ".join(f"{c} {label(c, lang)}" for c in self.codes)


def say(thing, lang: str = DEFAULT_LANG) -> str:
    """A message, localised error or result summary in ``lang``; anything else as its ``str``."""
    text = getattr(thing, "text", None)
    return text(lang) if callable(text) else str(thing)


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


def describe_filter(flt, lang: str = DEFAULT_LANG, *, areas=None) -> str:
    """A filter (an ``ItemFilter``) in words, e.g. for a report's footer: "状态：计划、已完成；区域：镇区".

    The app and the CLI both describe what they filtered with this, so a report says the
    same whichever made it. ``areas`` replaces the words for the area dimension: the app
    filters by 行政村 as a kind, which its ItemFilter spells out as every village. Empty
    when nothing is filtered.
    """
    zh = lang != "en"
    sep, colon, join = ("、", "：", "；") if zh else (", ", ": ", "; ")
    area_words = list(areas) if areas is not None else [area_label(a, lang) for a in flt.areas]
    dimensions = [
        ("town_filter", [str(x) for x in getattr(flt, "towns", ()) or ()]),
        ("area", area_words),
        ("status", [status_label(s, lang) for s in flt.statuses]),
        ("category", [category_label(c, lang) for c in flt.categories]),
        ("plan", [str(p) for p in flt.plans]),
        ("year", [str(y) for y in flt.years]),
    ]
    parts = [f"{t(key, lang)}{colon}{sep.join(words)}" for key, words in dimensions if words]
    text = (flt.text or "").strip()
    if text:
        parts.append(f"{t('search_short', lang)}{colon}“{text}”")
    return join.join(parts)


def has(key: str) -> bool:
    """Whether ``key`` is a known text (for labels looked up by a code that may have none)."""
    return key in _STRINGS
# ---- issue 16, first hour (part 2): projector totals and badge legend, 原文 chrome and highlight
# legend, the home page's first-open line (geo.projector, geo.mapview.legend, geo.app.plan, geo.app.map_panel) ----
_STRINGS.update({
    # projector totals: per category and unit, unit-less targets counted, not added
    "proj_totals_head": ("合计", "Totals"),
    "proj_total_part": ("{label} {target} {unit}", "{label} {target} {unit}"),
    "proj_total_done": ("已完成 {done} {unit}，{n} 项有进度", "done {done} {unit}, {n} with progress"),
    "proj_total_no_progress": ("尚无进度", "no progress yet"),
    "proj_total_other": ("其他", "Other"),
    "proj_no_unit": ("{n} 项无单位，未计入合计", "{n} without a unit, not in the totals"),
    # the count badge in every map legend: what the number means
    "legend_badge_meaning": ("数字：该村/镇未精确定位的项目数", "Number: items of that village/town not precisely located"),
})
_STRINGS.update({
    # 原文: the page chrome folded away, the highlight legend (geo.plantext, geo.app.plan)
    "plan_chrome": ("网页其他内容（未提取）", "Other page content (not extracted)"),
    "plan_chrome_n": ("网页其他内容（未提取）· {n} 行", "Other page content (not extracted) · {n} lines"),
    "plan_chrome_help": ("这些行是网页的栏目、导航和按钮，提取时已跳过，不是规划正文。",
                         "These lines are the web page's menus, navigation and buttons; extraction skipped "
                         "them, they are not part of the plan."),
    "plan_folded_marker": ("〔此处网页其他内容 {n} 行，已折叠到正文下方〕",
                           "[{n} lines of other page content here, folded below the plan]"),
    "plan_key_title": ("高亮颜色：", "Highlight colours:"),
    "plan_key_sample": ("项目", "item"),
    "plan_key_unlocated": ("虚线下划线：未精确定位", "dashed underline: not precisely located"),
    "plan_key_selected": ("红框：当前选中", "red outline: selected"),
})
_STRINGS.update({
    # the home page on first open: what the data is, the next step, items no map can show yet (geo.app.map_panel)
    "first_open_line": ("{n} 项，地图上 {m} 项：{k} 个地名待定位", "{n} items, {m} on the map: {k} places to locate"),
    "first_open_line_done": ("{n} 项，地图上 {m} 项：没有待定位的地名", "{n} items, {m} on the map: no places to locate"),
    "first_open_next": ("下一步：到 待定位 给地名定位（已定位 {a} / {b}）", "Next: locate places on To locate ({a} / {b} located)"),
    "first_open_progress": ("待定位：已定位 {a} / {b}", "To locate: {a} / {b} located"),
    "undrawn_title": ("所在村未定位、地图上画不出的项目（{n} 项）", "Items whose village has no location yet ({n})"),
    "undrawn_help": ("这些项目只知道到村（或镇），而该村（镇）还没有位置，地图上没有任何标记。给村定位后它们会出现在地图上。",
                     "These items are known only to a village (or the town) that has no location yet, so the map "
                     "shows nothing for them. Locate the village and they appear on the map."),
    "undrawn_group": ("{area}（未定位）· {n} 项：{names}", "{area} (no location) · {n}: {names}"),
    "undrawn_more": ("另有 {n} 个村/区域", "{n} more villages/areas"),
})


# ---- areas: the 村 filter lists every village of the town (issue 16) ----
_STRINGS.update({
    "village_option": ("{village} ({n})", "{village} ({n})"),
    "village_option_help": ("本镇的所有村，括号内为项目数；(0) 表示该村暂无项目，列在最后",
                            "Every village of the town with its number of items; (0): no item yet, listed last"),
    "clear_focus": ("× 显示全部", "× Show all"),
})


# ---- basemap tiles unreachable: the map falls back to 无底图 (geo.mapview.tile_fallback; issue 16) ----
_STRINGS.update({
    "tiles_unreachable": ("底图无法加载（可能没有网络），已改用无底图：只显示镇界和项目。",
                          "The basemap cannot be loaded (no internet?): showing no basemap, only outlines and items."),
    "tiles_retry": ("重试底图", "Retry basemap"),
})
