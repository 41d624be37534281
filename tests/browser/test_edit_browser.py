"""End to end for editing and locating: a real `streamlit run` on 127.0.0.1, Debian's Chromium with
geolocation granted and set in the browser context, every non-local request blocked.

Covers: placing a place by map click and by GPS, undo of a placement, a status update by an
editor, a refused edit by a viewer, a concurrent-edit conflict between two editors, and the
near-me ordering on a 360×740 phone viewport. Data are synthetic TEST data in a temporary folder.
"""
from __future__ import annotations


import re
import shutil
import time
from urllib.parse import urlsplit
from pathlib import Path

import pytest

from playwright.sync_api import expect

from geo.field import distance_text, haversine_m, nearest_items
from geo.gazetteer import load_gazetteer
from geo.store import open_store
from tests import edit_data
from tests.browser_support import FRAME, LOCAL, sign_in, streamlit_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output"
MAP_FRAME = FRAME
WAIT = 60_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One streamlit process for the module; each test gets freshly built data in the same folder."""
    data = tmp_path_factory.mktemp("edit-browser") / "data"
    edit_data.build(data)
    with streamlit_app(data, env=edit_data.env(data)) as url:
        yield url, data


@pytest.fixture
def app(server):
    url, data = server
    shutil.rmtree(data)
    edit_data.build(data)
    return url, data


def _page(browser, url, *, width=1366, height=900, position=None):
    """A page in a new context; ``position`` = (lon, lat, accuracy_m) grants geolocation and sets it."""
    opts = dict(viewport={"width": width, "height": height}, locale="zh-CN")
    if position is not None:
        lon, lat, acc = position
        opts.update(permissions=["geolocation"], geolocation={"longitude": lon, "latitude": lat, "accuracy": acc})
    ctx = browser.new_context(**opts)
    page = ctx.new_page()
    blocked = []

    def route(r):
        if r.request.url.startswith(LOCAL):
            return r.continue_()
        blocked.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.on("dialog", lambda d: d.dismiss())
    # Open the app's root first: on a fresh server, Streamlit resolves a deep link such as /field
    # from the pages/ folder alone (its v1 multipage mode) until app.py has called st.navigation once.
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    page.goto(base + "/?basemap=none")
    page.locator("h1").filter(has_text="规划项目一张图").wait_for(timeout=WAIT)
    if url != base + "/?basemap=none":
        page.goto(url)
        page.locator("[data-testid='stMain']").wait_for(timeout=WAIT)
    return page, blocked


def _sign_in(page, name="anna"):
    """One press of 登录, whatever the map is doing (no settling, no retry)."""
    sign_in(page, name, edit_data.EDITORS[name], timeout=WAIT)


def _go(page, url_path):
    """Navigate inside the app (keeps the session, so the sign-in stays)."""
    label = {"locate": "待定位", "field": "现场"}[url_path]
    page.locator("[data-testid='stSidebarNav']").get_by_text(label, exact=True).click()
    page.wait_for_url(re.compile(rf"/{url_path}"), timeout=WAIT)


def _wait(predicate, what, timeout=30.0):
    """Poll a condition on the stored data (the server writes it); fails with ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _choose(page, key, option):
    """Pick ``option`` in the selectbox whose widget key is ``key``."""
    page.bring_to_front()  # a background page's rendering is throttled
    try:
        combo = page.locator(f".st-key-{key}").get_by_role("combobox")
        combo.click()
    except Exception:
        OUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUT / f"choose-failed-{key}.png"), full_page=True)
        raise
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.locator(f".st-key-{key}").get_by_role("combobox")).to_have_value(option)


def test_place_by_click_then_undo(browser, app):
    url, data = app
    page, blocked = _page(browser, url + "/?basemap=none")
    _sign_in(page)
    _go(page, "locate")
    page.get_by_text("正在定位：甲村（村，2 个项目）").wait_for(timeout=WAIT)  # the worklist's first row
    frame = page.frame_locator(MAP_FRAME)
    box = frame.locator("#map_div")
    box.wait_for(timeout=WAIT)
    bb = box.bounding_box()
    box.click(position={"x": bb["width"] * 0.2, "y": bb["height"] * 0.75})
    page.get_by_text("待确认：甲村 的位置").wait_for(timeout=WAIT)
    shown = page.get_by_text(re.compile(r"点：\d")).first.inner_text()
    lon, lat = (float(v) for v in re.search(r"点：([-\d.]+), ([-\d.]+)", shown).groups())
    page.get_by_role("button", name="确认定位 甲村").click()
    page.get_by_text(re.compile("已定位 甲村")).wait_for(timeout=WAIT)
    store = open_store(data)
    for item_id in ("w-1", "w-2"):
        item = store.get(item_id)
        assert item["geometry"]["coordinates"] == [pytest.approx(lon, abs=2e-6), pytest.approx(lat, abs=2e-6)]
        assert item["properties"]["precision"] == "village" and item["properties"]["geometry_source"] == "manual"
        assert item["properties"]["updated_by"] == "anna"
    place = load_gazetteer(data / "places.geojson").lookup("甲村", edit_data.TOWN).place
    assert place["properties"]["updated_by"] == "anna" and place["geometry"] is not None
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "locate-click.png"), full_page=True)

    page.get_by_role("button", name="撤销").first.click()
    page.get_by_text(re.compile("已撤销 甲村")).wait_for(timeout=WAIT)
    store = open_store(data)
    assert store.get("w-1")["geometry"] is None and store.get("w-1")["properties"]["precision"] == "none"
    assert load_gazetteer(data / "places.geojson").lookup("甲村", edit_data.TOWN).place["geometry"] is None
    assert [e.user for e in store.history("w-1") if e.field == "geometry"] == ["anna", "anna"]
    # the map's code (Leaflet, Draw) is self-hosted: only basemap tiles may have been asked for outside
    assert [u for u in blocked if not re.search(r"\.(png|jpe?g|webp)(\?|$)", u)] == [], blocked


def test_place_by_gps_with_accuracy(browser, app):
    url, data = app
    lon, lat = edit_data.offset(-700, 400)
    page, _ = _page(browser, url + "/?basemap=none", position=(lon, lat, 12))
    _sign_in(page)
    _go(page, "locate")
    page.get_by_role("tab", name="现场GPS").click()
    page.get_by_role("button", name=re.compile("我在这里")).click()
    page.get_by_text(re.compile(r"我的位置：.*精度约 12 米")).wait_for(timeout=WAIT)
    page.get_by_role("button", name="用我的位置定位").click()
    page.get_by_role("button", name="确认定位 甲村").click()
    page.get_by_text(re.compile("已定位 甲村")).wait_for(timeout=WAIT)
    item = open_store(data).get("w-1")
    assert haversine_m(*item["geometry"]["coordinates"], lon, lat) < 0.05
    assert item["properties"]["geometry_source"] == "gps"
    assert item["properties"]["geometry_meta"]["accuracy_m"] == 12


def test_poor_gps_fix_asks_for_confirmation(browser, app):
    url, data = app
    lon, lat = edit_data.offset(-700, 400)
    page, _ = _page(browser, url + "/?basemap=none", position=(lon, lat, 180))
    _sign_in(page)
    _go(page, "locate")
    page.get_by_role("tab", name="现场GPS").click()
    page.get_by_role("button", name=re.compile("我在这里")).click()
    page.get_by_text(re.compile("超过 50 米")).first.wait_for(timeout=WAIT)
    page.get_by_role("button", name="用我的位置定位").click()
    page.get_by_role("button", name="确认定位 甲村").click()
    page.get_by_text(re.compile("确认使用此位置吗")).wait_for(timeout=WAIT)
    assert open_store(data).get("w-1")["geometry"] is None
    page.get_by_text("确认使用精度约 180 米的位置").click()
    page.get_by_role("button", name="确认定位 甲村").click()
    page.get_by_text(re.compile("已定位 甲村")).wait_for(timeout=WAIT)
    assert open_store(data).get("w-1")["properties"]["geometry_meta"]["accuracy_m"] == 180


def _open_editor(page):
    page.get_by_text("编辑此项目").click()
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name="保存状态"))
    form.wait_for(timeout=WAIT)
    return form


def test_editor_status_update(browser, app):
    url, data = app
    page, _ = _page(browser, url + "/?item=five-g&basemap=none")
    _sign_in(page)
    form = _open_editor(page)
    _choose(page, "status_sel_five-g", "推进中")
    form.get_by_role("button", name="保存状态").click()
    page.get_by_text(re.compile(r"已保存（第 2 版）")).wait_for(timeout=WAIT)
    store = open_store(data)
    assert store.get("five-g")["properties"]["status"] == "in_progress"
    assert [(e.user, e.new) for e in store.history("five-g") if e.field == "status" and e.action == "update"] \
        == [("anna", "in_progress")]


def test_viewer_edit_refused(browser, app):
    url, data = app
    page, _ = _page(browser, url + "/?item=five-g&basemap=none", width=360, height=740,
                    position=(edit_data.X0, edit_data.Y0, 5))
    page.get_by_text("只读模式：登录为编辑后才能修改。").first.wait_for(timeout=WAIT)
    assert page.get_by_text("编辑此项目").count() == 0
    page.goto(url + "/field?basemap=none")
    page.get_by_role("button", name=re.compile("我在这里")).click()
    page.get_by_text("近处学校", exact=False).first.wait_for(timeout=WAIT)
    page.get_by_text(re.compile("只读模式")).first.wait_for(timeout=WAIT)
    assert page.locator("[class*='st-key-field_save_']").count() == 0  # viewers get no status buttons
    assert page.locator("[class*='st-key-field_status_']").count() == 0
    assert open_store(data).get("near-a")["properties"]["version"] == 1


def test_concurrent_edit_conflict(browser, app):
    url, data = app
    a, _ = _page(browser, url + "/?item=five-g&basemap=none")
    b, _ = _page(browser, url + "/?item=five-g&basemap=none")
    _sign_in(a, "anna")
    _sign_in(b, "li")
    a.bring_to_front()
    form_a = _open_editor(a)
    b.bring_to_front()
    form_b = _open_editor(b)  # both opened version 1
    _choose(a, "status_sel_five-g", "推进中")
    a.bring_to_front()
    form_a.get_by_role("button", name="保存状态").click()
    a.get_by_text(re.compile(r"已保存（第 2 版）")).wait_for(timeout=WAIT)
    _choose(b, "status_sel_five-g", "暂缓")
    b.bring_to_front()
    form_b.get_by_role("button", name="保存状态").click()
    b.get_by_text(re.compile("保存冲突：anna")).wait_for(timeout=WAIT)
    assert open_store(data).get("five-g")["properties"]["status"] == "in_progress"  # nothing overwritten
    OUT.mkdir(exist_ok=True)
    b.screenshot(path=str(OUT / "edit-conflict.png"), full_page=True)
    b.bring_to_front()
    b.get_by_role("button", name="在最新版本上应用我的修改").click()
    b.get_by_text(re.compile(r"已保存（第 3 版）")).wait_for(timeout=WAIT)
    hist = [(e.user, e.new) for e in open_store(data).history("five-g") if e.field == "status" and e.action == "update"]
    assert hist == [("anna", "in_progress"), ("li", "suspended")]


def test_near_me_ordering_on_phone(browser, app):
    url, data = app
    page, blocked = _page(browser, url + "/field?basemap=none", width=360, height=740,
                          position=(edit_data.X0, edit_data.Y0, 8))
    page.get_by_role("button", name=re.compile("我在这里")).click()
    page.get_by_text(re.compile(r"我的位置：.*精度约 8 米")).wait_for(timeout=WAIT)
    located = [f for f in open_store(data).load() if f["properties"]["precision"] in ("site", "segment", "exact")]
    expected = nearest_items(located, edit_data.X0, edit_data.Y0)
    rows = page.locator("[data-testid='stMarkdownContainer'] strong").filter(has_text=re.compile(r"^\d+\. "))
    expect(rows).to_have_count(len(expected), timeout=WAIT)
    names = [re.sub(r"^\d+\. ", "", t) for t in rows.all_inner_texts()]
    assert names == [n.feature["properties"]["name"] for n in expected]
    body = page.locator("[data-testid='stMain']").inner_text()
    assert distance_text(expected[0].distance_m) in body and distance_text(expected[1].distance_m) in body
    # one-tap navigation links with converted coordinates, big enough to hit with a thumb
    gaode = page.get_by_role("link", name=re.compile("高德导航")).first
    assert gaode.get_attribute("href").startswith("https://uri.amap.com/marker?position=")
    assert page.get_by_role("link", name=re.compile("百度导航")).first.get_attribute("href").startswith(
        "https://api.map.baidu.com/marker?location=")
    assert gaode.bounding_box()["height"] >= 44
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways on a phone: {width}px"
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "field-360x740.png"), full_page=True)
    assert blocked == [], blocked

