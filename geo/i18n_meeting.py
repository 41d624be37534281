"""UI labels of the projector and exchange (导入导出) pages, Chinese first.

Kept beside ``geo.i18n`` (same ``t(key, lang)`` call, falling back to it) so these two pages
can grow without touching the shared label table other pages edit.
"""
from __future__ import annotations

from geo import i18n

_STRINGS: dict[str, tuple[str, str]] = {
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


def t(key: str, lang: str = "zh", **fmt) -> str:
    pair = _STRINGS.get(key)
    if pair is None:
        return i18n.t(key, lang, **fmt)
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**fmt) if fmt else text
