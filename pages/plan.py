"""原文: the plan text with every item highlighted where it stands (geo.app.plan)."""
from geo.app import frame, plan

plan.render(frame.page_context())
