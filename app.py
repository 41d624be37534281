"""规划项目一张图: the entry point. The map page and the router live in geo.ui_app; pages/ are thin."""
from geo import ui_app

ui_app.run()
