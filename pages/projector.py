"""投影: projector mode for meetings; the URL's filter applies (geo.app.projector)."""
from geo.app import frame, projector

projector.render(frame.page_context())
