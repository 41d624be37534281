"""导入导出: downloads of the current filter and, for editors, imports with a preview (geo.app.exchange)."""
from geo.app import exchange, frame

exchange.render(frame.page_context())
