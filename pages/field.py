"""现场 (phones): located items nearest to me, navigation links, quick status update (geo.app.field)."""
from geo.app import field, frame

field.render(frame.page_context())
