"""列表: the filtered items as a sortable table; selected rows show on the map (geo.app.listing)."""
from geo.app import frame, listing

listing.render(frame.page_context())
