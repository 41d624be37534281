"""End to end for 新镇计划: a real `streamlit run` on 127.0.0.1 with an empty data folder and the small
national index of tests/divisions_fixture.py; Debian's Chromium signs in, searches the town, uploads
its plan and builds it; the store then holds the town's places and items. Every non-local request is
blocked and recorded.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from geo.app.state import Keys
from geo.store import open_store
from tests import divisions_fixture as fx
from tests import edit_data
from tests.browser.test_edit_browser import _sign_in as sign_in
from tests.browser_support import LOCAL, streamlit_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output"
WAIT = 60_000
TOWN = "东塍镇"
PLAN = f"""{TOWN}2024年工作计划

一、基础设施建设

推进临港村文化礼堂建设。新建新城村村级公园一座。
"""


@pytest.fixture
def server(tmp_path):
    with pytest.MonkeyPatch.context() as mp:
        index = fx.build(tmp_path / "index", monkeypatch=mp)
    data = tmp_path / "data"
    data.mkdir()
    env = {**edit_data.env(data), "GEO_DIVISIONS": str(index)}
    with streamlit_app(data, env=env) as url:
        yield url, data


def _wait(predicate, what, timeout=60.0):
    """Poll a condition on the stored data (the server writes it); fails with ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _items(data: Path) -> list[dict]:
    try:
        return open_store(data).load()
    except Exception:  # noqa: BLE001  (being written)
        return []


def test_new_town_plan_end_to_end(browser, server):
    url, data = server
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(LOCAL):
            return r.continue_()
        blocked.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.on("dialog", lambda d: d.dismiss())
    try:
        page.goto(url + "/?basemap=none")
        page.locator("h1").filter(has_text="规划项目一张图").wait_for(timeout=WAIT)
        sign_in(page, "anna")  # waits for the map's first value, which reruns the page
        page.locator("[data-testid='stSidebarNav']").get_by_text("导入导出", exact=True).click()
        page.wait_for_url(re.compile(r"/exchange"), timeout=WAIT)

        search = page.locator(f".st-key-{Keys.NT_QUERY} input")
        search.wait_for(timeout=WAIT)
        search.fill("东塍")
        search.press("Enter")
        page.get_by_text(re.compile(f"将加入：{TOWN}")).wait_for(timeout=WAIT)
        expect(page.locator(f".st-key-{Keys.NT_TOWN}").get_by_role("combobox")).to_have_value(
            re.compile(f"^{TOWN} · "), timeout=WAIT)
        page.get_by_text("开源数据没有此镇的驻地位置", exact=False).first.wait_for(timeout=WAIT)

        page.locator(f".st-key-{Keys.nt_upload(0)} input[type=file]").set_input_files(
            files=[{"name": f"{TOWN}2024年工作计划.txt", "mimeType": "text/plain", "buffer": PLAN.encode("utf-8")}])
        build = page.locator(f".st-key-{Keys.NT_BUILD} button")
        expect(build).to_be_enabled(timeout=WAIT)
        build.click()
        page.get_by_text(re.compile(f"{TOWN}：生成 \\d+ 个项目")).wait_for(timeout=WAIT)
    except Exception:
        OUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUT / "new-town-failed.png"), full_page=True)
        raise
    finally:
        ctx.close()

    items = _wait(lambda: _items(data), "the built items in the store")
    assert items and all(f["properties"]["town"] == TOWN for f in items)
    places = json.loads((data / "places.geojson").read_text(encoding="utf-8"))["features"]
    kinds = {p["properties"]["kind"] for p in places}
    assert {"province", "county", "town", "village"} <= kinds
    town = next(p for p in places if p["properties"]["kind"] == "town")
    assert town["geometry"] is None          # no open source places this town's seat: no coordinate invented
    # nothing but basemap tiles (blocked here) is fetched from outside: no script, style or data
    assert [u for u in blocked if not re.search(r"\.(png|jpe?g|webp)(\?|$)", u)] == [], blocked
