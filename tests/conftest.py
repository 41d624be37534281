"""Shared test helpers. Test items are built through the contract, never copied from the plan."""
from __future__ import annotations

import copy

import pytest

# The throwaway PostGIS server (pg_cluster, pg_url fixtures).
pytest_plugins = ["tests.pg"]


def make_item(item_id: str = "t-0001", **props) -> dict:
    """A minimal valid item Feature; keyword arguments override properties (geometry= sets geometry)."""
    geometry = props.pop("geometry", None)
    base = {
        "id": item_id, "plan": "test-plan", "town": "测试镇", "county": "测试县", "year": 2020,
        "section": "(一)测试", "name": "测试项目", "category": "road", "status": "planned",
        "plan_verb": "新建", "places": [], "area": None, "quantity": None, "budget_wan": None,
        "text": "新建测试道路", "span": [0, 6], "precision": "none", "geometry_source": None,
        "version": 1, "updated_at": "2026-01-01T00:00:00+00:00", "updated_by": "test", "notes": None,
    }
    base.update(props)
    return {"type": "Feature", "id": item_id, "geometry": geometry, "properties": base}


@pytest.fixture
def item_factory():
    return lambda *a, **k: copy.deepcopy(make_item(*a, **k))


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole run (Playwright's sync API allows one per process)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
