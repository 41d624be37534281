"""Offline first open: every basemap tile fails (non-local requests are blocked), so the map drops its
tiles by itself, says why, and remembers it in this browser for the next open. A real `streamlit run` on
127.0.0.1, Debian's Chromium."""
from __future__ import annotations

import pytest

from geo import i18n
from tests import edit_data
from tests.browser_support import FRAME, OUT, Guard, streamlit_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT = 60_000
# the main map's tiles (the overview map in the corner has a tile pane of its own)
TILES_IN_MAIN_PANE = "(_) => document.querySelectorAll('#map_div > .leaflet-map-pane > .leaflet-tile-pane .leaflet-tile').length"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("tile-fallback") / "data"
    edit_data.build(data)
    with streamlit_app(data, env=edit_data.env(data)) as url:
        yield url


def _notice(page):
    frame = page.frame_locator(FRAME).first
    note = frame.locator(".geo-tile-fallback")
    note.wait_for(timeout=WAIT)
    return frame, note


def test_unreachable_tiles_switch_to_no_basemap_with_a_notice_remembered_on_reload(browser, server):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = ctx.new_page()
    guard = Guard(page)
    page.goto(server + "/?basemap=osm")
    frame, note = _notice(page)
    assert i18n.t("tiles_unreachable") in note.inner_text()
    assert any("tile" in u or u.endswith(".png") for _, u in guard.blocked), "the tiles were tried first"
    frame.locator("body").evaluate(TILES_IN_MAIN_PANE)  # the map is still there
    page.wait_for_function(
        "(sel) => { const f = document.querySelector(sel); const d = f && f.contentDocument;"
        " return !!d && d.querySelectorAll('#map_div > .leaflet-map-pane > .leaflet-tile-pane .leaflet-tile').length === 0; }",
        arg=FRAME, timeout=WAIT)
    assert frame.locator(".geo-legend").is_visible()  # items and legend stay
    page.screenshot(path=str(OUT / "tile-fallback.png"))

    # the next open does not wait for failures: the notice is there before any tile is asked for again
    blocked_before = len(guard.blocked)
    page.reload()
    frame, note = _notice(page)
    assert frame.locator("body").evaluate(TILES_IN_MAIN_PANE) == 0
    main_tile_requests = [u for _, u in guard.blocked[blocked_before:] if "openstreetmap" in u]
    # only the overview map's few tiles (hidden with the basemap) may still be asked for
    assert len(main_tile_requests) <= 8, main_tile_requests

    # 重试底图 asks for the tiles again (here they fail again, so the notice comes back)
    with page.expect_request(lambda r: "openstreetmap" in r.url, timeout=WAIT):
        frame.get_by_text(i18n.t("tiles_retry"), exact=True).click()
    _notice(page)
    assert guard.dialogs == []
    ctx.close()
