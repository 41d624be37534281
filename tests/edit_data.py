"""Synthetic data for the editing / locating / field tests, written through the store and gazetteer APIs.

All coordinates are TEST data around an arbitrary origin (not a real place) in a temporary folder;
nothing here is ever written to data/.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import bcrypt

from geo.gazetteer import load_gazetteer
from geo.store import open_store
from tests.conftest import make_item

X0, Y0 = 100.0, 30.0  # synthetic origin (outside China: no GCJ-02 shift to reason about in tests)
TOWN = "测试镇"
EDITORS = {"anna": "anna-pass-123", "li": "li-pass-4567"}


def accounts_env() -> str:
    """GEO_AUTH_USERS JSON with bcrypt hashes of the test passwords (cheap rounds: tests only)."""
    return json.dumps({name: {"password_hash": bcrypt.hashpw(pw.encode(), bcrypt.gensalt(rounds=4)).decode(),
                              "role": "editor"} for name, pw in EDITORS.items()})


def offset(dx_m: float, dy_m: float) -> list[float]:
    import math
    m = 2 * math.pi * 6371008.8 / 360
    return [round(X0 + dx_m / (m * math.cos(math.radians(Y0))), 7), round(Y0 + dy_m / m, 7)]


def build(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    gaz = load_gazetteer(directory / "places.geojson")
    town = gaz.add_place(TOWN, "town", user="test", source="TEST", place_id="t-town",
                         geometry={"type": "Point", "coordinates": [X0, Y0]}, geometry_source="import")
    for name in ("甲村", "乙村"):
        gaz.add_place(name, "village", user="test", source="TEST", parent=town["id"])
    gaz.add_place("丙水库", "reservoir", user="test", source="TEST", parent=town["id"])
    q = {"value": 60, "unit": "个", "qualifier": None}
    items = [
        # located items for the near-me list, at known distances from the origin
        make_item("near-a", town=TOWN, name="近处学校", category="school", precision="site", geometry_source="manual",
                  geometry={"type": "Point", "coordinates": offset(300, 0)}, area="镇区"),
        make_item("near-b", town=TOWN, name="中距离桥梁", category="bridge", precision="site", geometry_source="manual",
                  geometry={"type": "Point", "coordinates": offset(0, 1200)}, area="镇区"),
        make_item("near-c", town=TOWN, name="远处道路", category="road", precision="segment", geometry_source="draw",
                  geometry={"type": "LineString", "coordinates": [offset(-5000, 0), offset(-5000, 800)]}, area="镇区"),
        make_item("five-g", town=TOWN, name="5G基站", category="telecom", quantity=q, precision="site",
                  geometry_source="manual", geometry={"type": "Point", "coordinates": offset(2500, 2500)}, area="全镇"),
        # waiting for places
        make_item("w-1", town=TOWN, places=["甲村"], name="甲村道路硬化", area="甲村", precision="none"),
        make_item("w-2", town=TOWN, places=["甲村"], name="甲村公厕", category="other", area="甲村", precision="none"),
        make_item("w-3", town=TOWN, places=["丙水库"], name="丙水库加固", category="reservoir", precision="none"),
        make_item("w-4", town=TOWN, places=["乙村"], name="乙村文化礼堂", category="culture", area="乙村",
                  precision="none"),
    ]
    store = open_store(directory)
    store.save_items(items, user="build", expected_versions=[None] * len(items))
    return directory


def env(directory: Path) -> dict:
    return {**os.environ, "GEO_DATA_DIR": str(directory), "GEO_AUTH_USERS": accounts_env()}
