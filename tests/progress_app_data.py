"""A fictional town's plan and later documents for the app's progress tests (进度文件), written here.

青禾镇 does not exist: the texts are TEST data. ``build`` extracts the plan with the project's
extractor and merges its items into a fresh folder store, as ``python -m geo build`` does; the
gazetteer holds the town and its villages by name only (no coordinates).
"""
from __future__ import annotations

from pathlib import Path

from geo.extract import extract_text
from geo.gazetteer import load_gazetteer
from geo.store import open_store

TOWN = "青禾镇"
VILLAGES = ("南岗村", "北坞村")
PLAN_ID = "qinghe-2024"

PLAN = f"""{TOWN}2024年工作计划

一、项目建设
（一）交通。加快推进青禾至南岗公路改建工程。实施北坞大桥危桥改造。新建农村公路5公里。
（二）水利。完成白沙水库除险加固工程。实施清水溪河道综合治理。
（三）通信。新建5G基站30个以上。
二、民生
（一）推进镇中心小学扩建工程。建设南岗村文化礼堂。
"""

SUMMARY_NAME = f"{TOWN}2024年工作总结.txt"
SUMMARY = f"""{TOWN}2024年工作总结

一、2024年工作回顾
青禾至南岗公路改建项目完成路基施工，路面工程转入明年实施。北坞大桥危桥改造因审批暂缓实施。新修农村公路5.2公里。
白沙水库除险加固项目通过竣工验收。清水溪河道综合治理完成一期工程。建成5G基站34个。
新建北坞村排涝泵站1座。
"""

# A document of another (equally fictional) town.
OTHER_TOWN_NAME = "松岭乡2024年工作总结.txt"
OTHER_TOWN = """松岭乡2024年工作总结

一、2024年工作回顾
松岭至东坑公路改建项目完成路基施工。建成5G基站12个。
"""

NO_PROGRESS_NAME = f"{TOWN}会议通知.txt"
NO_PROGRESS = f"""{TOWN}关于召开安全生产工作会议的通知
定于1月10日上午9时在镇会议室召开会议，请准时参加。
"""

HOSTILE_SCRIPT = "<script>alert('progress')</script>"
HOSTILE_IMG = "<img src=x onerror=alert('img')>"
HOSTILE_NAME = f"{TOWN}2024年进度.txt"
HOSTILE = f"""{TOWN}2024年工作总结

一、2024年工作回顾
建成5G基站34个{HOSTILE_SCRIPT}。新修农村公路5.2公里{HOSTILE_IMG}。
"""


def plan_items() -> list[dict]:
    _doc, items = extract_text(PLAN, plan_id=PLAN_ID)
    return [{"type": "Feature", "id": p["id"], "geometry": None, "properties": dict(p)} for p in items]


def build(directory: Path) -> Path:
    """The plan's items in a folder store at ``directory`` (merged as the build merges them), its text in plans/."""
    directory.mkdir(parents=True, exist_ok=True)
    gaz = load_gazetteer(directory / "places.geojson")
    town = gaz.add_place(TOWN, "town", user="test", source="TEST", place_id="t-qinghe")
    for name in VILLAGES:
        gaz.add_place(name, "village", user="test", source="TEST", parent=town["id"])
    open_store(directory).merge_extracted(plan_items(), user="build")
    (directory / "plans").mkdir(exist_ok=True)
    (directory / "plans" / f"{PLAN_ID}.txt").write_text(PLAN, encoding="utf-8")
    return directory


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path
