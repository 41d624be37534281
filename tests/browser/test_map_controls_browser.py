"""The map's controls speak the reader's language in a real browser: zoom, draw (toolbar, Finish / Delete
last point / Cancel, the drawing tooltip), measure, fullscreen, locate and minimap titles; the sidebar's
multiselect offers no English "Select all". A real `streamlit run` on 127.0.0.1, Debian's Chromium,
every non-local request blocked (the plugins are self-hosted)."""
from __future__ import annotations

import re

import pytest

from geo import i18n
from tests import edit_data
from tests.browser_support import FRAME, Guard, sign_in, streamlit_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT = 60_000
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")

# Every title, aria-label and text inside the map's controls (the attribution names its sources: left out).
CONTROL_TEXTS_JS = """() => {
  const out = [];
  document.querySelectorAll('.leaflet-control-container *').forEach(el => {
    if (el.closest('.leaflet-control-attribution')) return;
    for (const a of ['title', 'aria-label']) { const v = el.getAttribute(a); if (v) out.push(v); }
    el.childNodes.forEach(n => { if (n.nodeType === 3 && n.textContent.trim()) out.push(n.textContent.trim()); });
  });
  return out;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("controls-browser") / "data"
    edit_data.build(data)
    with streamlit_app(data, env=edit_data.env(data)) as url:
        yield url


def _english(texts):
    return [t for t in texts if ENGLISH_WORD.search(re.sub(r"\d+\s*(k?m|mi|ft)\b", "", t))]


def _map_texts(page):
    frame = page.frame_locator(FRAME).first
    frame.locator(".leaflet-control-zoom-in").wait_for(timeout=WAIT)
    frame.locator(".leaflet-control-measure").wait_for(state="attached", timeout=WAIT)
    return frame, page.frames, frame.locator("body").evaluate(CONTROL_TEXTS_JS.replace("() =>", "(_) =>"))


def test_map_controls_are_chinese_and_english_with_the_toggle(browser, server):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    guard = Guard(page)
    page.goto(server + "/?basemap=osm")
    frame, _, texts = _map_texts(page)
    assert i18n.t("ctl_zoom_in") in texts and i18n.t("ctl_zoom_out") in texts
    assert i18n.t("ctl_fullscreen") in texts and i18n.t("ctl_locate_title") in texts
    assert i18n.t("ctl_minimap_hide") in texts or i18n.t("ctl_minimap_show") in texts
    assert _english(texts) == [], _english(texts)
    # the sidebar's multiselect: no English "Select all" / "No results"
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    page.get_by_role("option").first.wait_for(timeout=WAIT)
    options = page.get_by_role("option").all_inner_texts()
    assert not [o for o in options if re.search(r"Select all|Select \d+ matches", o)], options
    assert i18n.t("ui_select_all") in options, options
    page.keyboard.press("Escape")
    assert guard.dialogs == []
    assert [u for _, u in guard.blocked if not re.search(r"\.(png|jpe?g|webp)(\?|$)", u)] == []

    page.goto(server + "/?basemap=osm&lang=en")
    frame, _, texts = _map_texts(page)
    assert i18n.t("ctl_zoom_in", "en") in texts and i18n.t("ctl_locate_title", "en") in texts
    assert not [t for t in texts if re.search(r"[\u4e00-\u9fff]", t)], texts
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    page.get_by_role("option").first.wait_for(timeout=WAIT)
    assert "Select all" in page.get_by_role("option").all_inner_texts()  # English with the toggle
    ctx.close()


def test_draw_toolbar_and_drawing_texts_are_chinese(browser, server):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    Guard(page)
    page.goto(server + "/?basemap=none")
    page.locator("h1").filter(has_text="规划项目一张图").wait_for(timeout=WAIT)
    sign_in(page, "anna", edit_data.EDITORS["anna"], timeout=WAIT)
    page.locator("[data-testid='stSidebarNav']").get_by_text("待定位", exact=True).click()
    page.wait_for_url(re.compile(r"/locate"), timeout=WAIT)
    frame = page.frame_locator(FRAME).first
    frame.locator(".leaflet-draw-draw-polyline").wait_for(timeout=WAIT)
    texts = frame.locator("body").evaluate(CONTROL_TEXTS_JS.replace("() =>", "(_) =>"))
    assert i18n.t("ctl_draw_polyline") in texts and i18n.t("ctl_draw_marker") in texts
    assert _english(texts) == [], _english(texts)
    # start a line: the actions (Finish / Delete last point / Cancel) and the tooltip
    frame.locator(".leaflet-draw-draw-polyline").click()
    actions = frame.locator(".leaflet-draw-actions").first
    actions.get_by_text(i18n.t("ctl_draw_finish"), exact=True).wait_for(timeout=WAIT)
    box = frame.locator("#map_div").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
    tooltip = frame.locator(".leaflet-draw-tooltip").first
    tooltip.wait_for(timeout=WAIT)
    assert not ENGLISH_WORD.search(tooltip.inner_text()), tooltip.inner_text()
    texts = frame.locator("body").evaluate(CONTROL_TEXTS_JS.replace("() =>", "(_) =>"))
    for key in ("ctl_draw_finish", "ctl_draw_undo", "ctl_draw_cancel"):
        assert i18n.t(key) in texts, key
    assert _english(texts) == [], _english(texts)
    ctx.close()
