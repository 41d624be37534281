"""规划项目一张图: the entry point. The router is geo.app.frame; pages/ are thin."""
from geo.app import frame

frame.run()
