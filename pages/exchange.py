"""导入导出: downloads of the current filter (every export format, offline HTML map, printable report)
and, for signed-in editors, imports with a preview that writes nothing until 确认导入.

Thin: the Streamlit pieces are in geo.ui_exchange, the logic in geo.export / geo.importer / geo.report.
"""
from geo import ui_app, ui_exchange

ui_exchange.render(ui_app.page_context())
