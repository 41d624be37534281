"""End to end for 待定位 as a worklist (issue 16): a real `streamlit run` on 127.0.0.1, Debian's Chromium,
every non-local request blocked, a stand-in 高德 geocoder on 127.0.0.1 answering in AMap's documented format.

Covers: the queue as a list with progress and a filter; 为全部待定位地名查询在线建议 with the suggestions
listed (address, distance from the seat) and drawn on the map, one accepted and one rejected; a map
click showing a pin at once with 确认定位 in view at 1366×768, confirmed with Enter.
Data are synthetic TEST data in a temporary folder (tests/edit_data.py). Screenshots in test-output/.
"""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from geo import coords, i18n
from geo.field import haversine_m
from geo.gazetteer import load_gazetteer
from geo.store import open_store
from tests import edit_data
from tests.browser_support import FRAME, LOCAL, sign_in, streamlit_app
from tests.test_geocode import StandIn, amap_answer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output"
WAIT = 60_000
# the stand-in's answers: TEST points near the synthetic origin, published in GCJ-02 as AMap does
WGS = {"丙水库": edit_data.offset(800, 600), "乙村": edit_data.offset(-900, 400)}


def _answer(path, query):
    for name, wgs in WGS.items():
        if query.get("address", "").endswith(name):
            return 200, amap_answer(coords.wgs84_to_gcj02(*wgs), "村庄" if name.endswith("村") else "兴趣点")
    return 200, {"status": "1", "info": "OK", "infocode": "10000", "count": "0", "geocodes": []}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("worklist-browser") / "data"
    edit_data.build(data)
    with StandIn(_answer) as amap:
        env = {**edit_data.env(data), "GEO_AMAP_KEY": "test-key", "GEO_AMAP_URL": amap.url + "/v3/geocode/geo"}
        for name in ("GEO_TIANDITU_KEY", "GEO_NOMINATIM_USER_AGENT"):
            env.pop(name, None)
        with streamlit_app(data, env=env) as url:
            yield url, data, amap


@pytest.fixture
def app(server):
    url, data, amap = server
    shutil.rmtree(data)
    edit_data.build(data)
    amap.requests.clear()
    return url, data, amap


def _page(browser, url):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = ctx.new_page()
    blocked = []

    def route(r):
        if r.request.url.startswith(LOCAL):
            return r.continue_()
        blocked.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.on("dialog", lambda d: d.dismiss())
    parts = urlsplit(url)
    page.goto(f"{parts.scheme}://{parts.netloc}/?basemap=none")
    page.locator("h1").filter(has_text="规划项目一张图").wait_for(timeout=WAIT)
    sign_in(page, "anna", edit_data.EDITORS["anna"], timeout=WAIT)
    page.locator("[data-testid='stSidebarNav']").get_by_text("待定位", exact=True).click()
    page.wait_for_url(re.compile(r"/locate"), timeout=WAIT)
    return page, blocked


def _wait(predicate, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)  # polling interval while waiting for the server's write
    raise AssertionError(f"timed out waiting for {what}")


def _queue(data):
    from geo.locate import worklist
    return worklist(open_store(data).load(), load_gazetteer(data / "places.geojson"))


def test_worklist_and_one_click_suggestions(browser, app):
    url, data, amap = app
    rows = _queue(data)
    page, blocked = _page(browser, url)
    listing = page.locator(".st-key-wl_rows")
    page.get_by_text(f"已定位 0 / {len(rows)}").wait_for(timeout=WAIT)
    for r in rows:
        expect(listing.get_by_text(r.name, exact=True)).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("combobox", name="待定位地名")).to_have_count(0)  # no select box any more

    # the text filter narrows the list
    page.get_by_label("筛选地名").fill("水库")
    page.get_by_label("筛选地名").press("Enter")
    expect(listing.get_by_text("乙村", exact=True)).to_have_count(0, timeout=WAIT)
    expect(listing.get_by_text("丙水库", exact=True)).to_be_visible()
    page.get_by_label("筛选地名").fill("")
    page.get_by_label("筛选地名").press("Enter")
    expect(listing.get_by_text("乙村", exact=True)).to_be_visible(timeout=WAIT)

    # one button asks the stand-in for every queued place
    page.get_by_role("button", name="为全部待定位地名查询在线建议").click()
    page.get_by_text(re.compile(r"已为 \d+ 个地名查询在线建议：2 个有建议")).wait_for(timeout=WAIT)
    assert len(amap.requests) == len(rows)
    km = haversine_m(edit_data.X0, edit_data.Y0, *WGS["丙水库"]) / 1000
    page.get_by_text(re.compile(rf"丙水库 → .*距镇政府 {km:.1f} km")).wait_for(timeout=WAIT)
    expect(listing.get_by_text("有建议", exact=True)).to_have_count(2, timeout=WAIT)
    frame = page.frame_locator(FRAME)
    expect(frame.locator("path.geo-suggestion")).to_have_count(2, timeout=WAIT)  # drawn on the placing map
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "locate-worklist-suggestions.png"), full_page=True)

    _suggestion_row(page, "乙村").get_by_role("button", name="拒绝").click()
    page.get_by_text("已拒绝 乙村 的在线建议。").wait_for(timeout=WAIT)
    expect(_suggestion_row(page, "乙村")).to_have_count(0, timeout=WAIT)
    expect(frame.locator("path.geo-suggestion")).to_have_count(1, timeout=WAIT)  # gone from the map too
    _suggestion_row(page, "丙水库").get_by_role("button", name="接受").click()
    try:
        # the undo list names the placement and its source (the flash may be gone by the time one looks)
        page.get_by_text(re.compile("丙水库 · 在线地理编码：amap · anna")).wait_for(timeout=WAIT)
    except Exception:
        OUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUT / "locate-worklist-accept-failed.png"), full_page=True)
        raise
    page.get_by_text(f"已定位 1 / {len(rows)}").wait_for(timeout=WAIT)
    place = _wait(lambda: (p := load_gazetteer(data / "places.geojson").lookup("丙水库", edit_data.TOWN).place)
                  and p.get("geometry") and p, "丙水库 placed")
    assert place["properties"]["geometry_source"] == "online:amap"
    assert haversine_m(*place["geometry"]["coordinates"], *WGS["丙水库"]) < 1.0
    assert load_gazetteer(data / "places.geojson").lookup("乙村", edit_data.TOWN).place["geometry"] is None
    assert open_store(data).get("w-3")["properties"]["geometry_source"] == "online:amap"
    page.screenshot(path=str(OUT / "locate-worklist-accepted.png"), full_page=True)
    assert [u for u in blocked if not re.search(r"\.(png|jpe?g|webp)(\?|$)", u)] == [], blocked


def _suggestion_row(page, name):
    return page.locator("[data-testid='stHorizontalBlock']").filter(has_text=f"{name} →").last


def test_a_click_shows_a_pin_at_once_and_enter_confirms_beside_the_map(browser, app):
    url, data, _ = app
    page, _ = _page(browser, url)
    page.get_by_text("正在定位：甲村（村，2 个项目）").wait_for(timeout=WAIT)
    frame = page.frame_locator(FRAME)
    box = frame.locator("#map_div")
    box.wait_for(timeout=WAIT)
    page.locator(FRAME).scroll_into_view_if_needed()
    expect(frame.locator(".geo-click-pin")).to_have_count(0)
    bb = box.bounding_box()
    box.click(position={"x": bb["width"] * 0.3, "y": bb["height"] * 0.6})
    # the pin is the browser's own: it is there before (and whether or not) the app reruns
    expect(frame.locator(".geo-click-pin")).to_have_count(1, timeout=5_000)
    confirm = page.get_by_role("button", name="确认定位 甲村")
    expect(confirm).to_be_visible(timeout=WAIT)
    expect(confirm).to_be_in_viewport()
    expect(page.locator(FRAME)).to_be_in_viewport()
    expect(frame.locator(".geo-click-pin")).to_have_count(1)  # the rerun kept it
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "locate-pin-beside-confirm.png"))
    proposal = page.get_by_text(re.compile(r"点：\d")).first
    proposal.wait_for(timeout=WAIT)
    first = proposal.inner_text()
    # a second click moves the same pin, and the proposal follows
    box.click(position={"x": bb["width"] * 0.6, "y": bb["height"] * 0.4})
    expect(frame.locator(".geo-click-pin")).to_have_count(1)
    expect(proposal).not_to_have_text(first, timeout=WAIT)
    lon, lat = (float(v) for v in re.search(r"点：([-\d.]+), ([-\d.]+)", proposal.inner_text()).groups())
    box.press("Enter")
    page.get_by_text(re.compile("已定位 甲村")).first.wait_for(timeout=WAIT)
    item = _wait(lambda: (f := open_store(data).get("w-1")) and f.get("geometry") and f, "w-1 placed")
    assert item["properties"]["geometry_source"] == "manual" and item["properties"]["updated_by"] == "anna"
    assert item["geometry"]["coordinates"] == [pytest.approx(lon, abs=2e-6), pytest.approx(lat, abs=2e-6)]

    # on a fresh placing map: while a line is drawn its clicks are vertices, and drop no pin
    page.locator("[data-testid='stSidebarNav']").get_by_text("地图", exact=True).click()
    page.wait_for_url(re.compile(r"/(\?|$)"), timeout=WAIT)
    page.locator("[data-testid='stSidebarNav']").get_by_text("待定位", exact=True).click()
    page.wait_for_url(re.compile(r"/locate"), timeout=WAIT)
    frame = page.frame_locator(FRAME)
    box = frame.locator("#map_div")
    frame.locator(".leaflet-draw-draw-polyline").click()
    bb = box.bounding_box()
    box.click(position={"x": bb["width"] * 0.5, "y": bb["height"] * 0.5})
    frame.locator(".leaflet-editing-icon").first.wait_for(timeout=WAIT)
    expect(frame.locator(".geo-click-pin")).to_have_count(0)
