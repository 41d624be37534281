"""待定位: places items refer to but that have no location; place one and every item follows (geo.app.locate)."""
from geo.app import frame, locate

locate.render(frame.page_context())
