"""A located item a few hundred metres from the town seat, where the town's count badge sits, is clickable
at the default zoom and its click opens the item, not the badge's list (real `streamlit run`, Debian
Chromium, every non-local request blocked, waits on conditions only).

The town seat is the test gazetteer's own point; the item's position is that point plus an offset
computed here (a few hundred metres east, a little north), so the badge's label lies over it.
"""
from __future__ import annotations

import json
import math

import pytest

from geo import i18n
from geo.contract import AREA_WHOLE_TOWN
from geo.store import open_store
from tests.browser_support import FRAME, LOCAL, OUT, Guard, streamlit_app
from tests.conftest import make_item

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEAT = (100.0, 30.0)  # synthetic TEST seat point of a synthetic town
EAST_M, NORTH_M = 250.0, 60.0  # the item's offset from the seat
NEAR_NAME = "镇区旁测试站点"
TOWN_NAME = "全镇测试目标"


def _offset(lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
    per_deg_lat = 111_320.0
    return (lon + east_m / (per_deg_lat * math.cos(math.radians(lat))), lat + north_m / per_deg_lat)


@pytest.fixture(scope="module")
def app(tmp_path_factory, browser):
    data = tmp_path_factory.mktemp("badge") / "data"
    data.mkdir()
    seat = {"type": "Feature", "id": "p-town", "geometry": {"type": "Point", "coordinates": list(SEAT)},
            "properties": {"name": "测试镇", "kind": "town", "aliases": ["测试"]}}
    (data / "places.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [seat]},
                                                    ensure_ascii=False), encoding="utf-8")
    lon, lat = _offset(*seat["geometry"]["coordinates"], EAST_M, NORTH_M)
    text = "新建镇区旁测试站点。\n推进全镇测试目标。\n"
    near = make_item("t-near", name=NEAR_NAME, category="telecom", area="镇区", precision="site",
                     geometry_source="manual", geometry={"type": "Point", "coordinates": [lon, lat]},
                     text=text[:9], span=[0, 9])
    town_wide = make_item("t-town", name=TOWN_NAME, category="culture", area="全镇", precision="town",
                          text=text[10:19], span=[10, 19])
    open_store(data).save_items([near, town_wide], user="test", expected_versions=[None, None])
    (data / "plans").mkdir()
    (data / "plans" / "test-plan.txt").write_text(text, encoding="utf-8")
    with streamlit_app(data) as url:
        _warm_up(browser, url)
        yield url


def _warm_up(browser, url):
    """As in test_browser_map: the very first session of a fresh server can lose its query string (the first
    run builds every cache), so one throwaway session opens first."""
    page = browser.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    page.goto(url + "/?basemap=none")
    page.frame_locator(FRAME).locator("#map_div.leaflet-container").wait_for(timeout=60_000)
    page.close()


_GEOMETRY_JS = """(sel) => {
    const d = document.querySelector(sel).contentDocument;
    const m = d.querySelector('.geo-item-marker'), b = d.querySelector('.geo-badge div');
    if (!m || !b) return null;
    const r = m.getBoundingClientRect(), q = b.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    const hit = d.elementFromPoint(x, y);
    return {overlap: !(r.right < q.left || r.left > q.right || r.bottom < q.top || r.top > q.bottom),
            centreInBadge: x >= q.left && x <= q.right && y >= q.top && y <= q.bottom,
            hitIsItem: !!(hit && hit.closest('.geo-item-marker'))};
}"""


def test_located_item_next_to_a_badge_is_clickable_and_opens_the_item(browser, app):
    OUT.mkdir(exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="zh-CN")
    page = ctx.new_page()
    guard = Guard(page)
    page.goto(app + "/?basemap=none")
    frame = page.frame_locator(FRAME)
    frame.locator("#map_div.leaflet-container").wait_for(timeout=60_000)
    page.wait_for_function("""(sel) => { const f = document.querySelector(sel); const d = f && f.contentDocument;
        return !!(d && d.querySelector('.geo-item-marker') && d.querySelector('.geo-badge div')); }""",
                           arg=FRAME, timeout=60_000)
    where = page.evaluate(_GEOMETRY_JS, FRAME)
    page.screenshot(path=str(OUT / "badge-next-to-item.png"))
    # the test means something: at the default zoom the badge's label lies over the item's symbol
    assert where["overlap"] and where["centreInBadge"], where
    assert where["hitIsItem"], f"the badge covers the item: {where}"
    frame.locator(".geo-item-marker").click()  # Playwright refuses a click another element would catch
    page.get_by_text(NEAR_NAME, exact=True).first.wait_for(timeout=60_000)  # its detail
    page.wait_for_url(lambda u: "item=t-near" in u, timeout=60_000)
    badge_list = i18n.t("aggregate_selected", "zh", area=i18n.area_label(AREA_WHOLE_TOWN, "zh"))
    assert not page.get_by_text(badge_list).count()  # the badge's list did not open
    assert guard.blocked == [] and guard.dialogs == []
    ctx.close()
