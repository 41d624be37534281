"""The projector page in a real browser (Debian's Chromium against `streamlit run` on 127.0.0.1, every
non-local request blocked), at 1920×1080 and 1280×720: opened by ?projector=1, sidebar hidden, the map
fills the height with title and legend on it at readable sizes, charts render offline, and the walk
moves by button and by the ← → keys (from the page and from inside the map). Screenshots go to
test-output/. Waits are on conditions, never fixed sleeps."""
from __future__ import annotations


import pytest

from geo.i18n import t
from geo.projector import build_steps
from geo.store import open_store
from tests import meeting_data
from tests.browser_support import FRAME, OUT, Guard, streamlit_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT = 60_000


@pytest.fixture(scope="module")
def projector_app(tmp_path_factory):
    data = meeting_data.build(tmp_path_factory.mktemp("projector") / "data")
    with streamlit_app(data) as url:
        yield url, open_store(data).load()


def _wait_step(page, i: int, n: int, label: str) -> None:
    """The page says step i of n and the map's title (inside its iframe) names the step."""
    page.locator(".geo-step", has_text=f"第 {i} / {n} 步").wait_for(timeout=WAIT)
    page.wait_for_function(
        """([sel, label]) => { const f = document.querySelector(sel); const d = f && f.contentDocument;
            const t = d && d.querySelector('.geo-map-title-main'); return !!t && t.textContent.includes(label); }""",
        arg=[FRAME, label], timeout=WAIT)


def _font_px(locator) -> float:
    return locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 720)])
def test_projector_page(browser, projector_app, width, height):  # noqa: F811
    url, items = projector_app
    steps = build_steps(items, by="category")
    n = len(steps)
    OUT.mkdir(exist_ok=True)
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = ctx.new_page()
    guard = Guard(page)
    try:
        page.goto(url + "/?projector=1")
        page.wait_for_url("**/projector**", timeout=WAIT)
        frame = page.frame_locator(FRAME)
        frame.locator(".geo-map-title").wait_for(timeout=WAIT)
        frame.locator(".geo-legend").wait_for(timeout=WAIT)
        _wait_step(page, 1, n, steps[0].label())
        page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=WAIT)  # Altair, offline
        # the map page it came from may linger in the DOM for a moment on a loaded machine
        page.wait_for_function("(sel) => document.querySelectorAll(sel).length === 1", arg=FRAME, timeout=WAIT)

        # sidebar hidden, no Streamlit header; the map fills the viewport below the controls
        assert page.locator('[data-testid="stSidebar"]').is_hidden()
        assert page.locator('header[data-testid="stHeader"]').is_hidden()
        box = page.locator(FRAME).bounding_box()
        assert box["height"] >= 0.8 * height, box
        assert box["y"] + box["height"] <= height + 2, box
        inner = frame.locator(".leaflet-container").bounding_box()
        assert inner["height"] >= box["height"] - 12, (inner, box)

        # title and legend on the map, large enough for the back of a room
        title_px = _font_px(frame.locator(".geo-map-title-main"))
        legend_px = _font_px(frame.locator(".geo-legend"))
        step_px = _font_px(page.locator(".geo-step"))
        assert title_px >= (40 if width >= 1920 else 26), title_px
        assert legend_px >= (24 if width >= 1920 else 18), legend_px
        assert step_px >= (28 if width >= 1920 else 18), step_px
        assert frame.locator(".geo-legend").is_visible() and frame.locator(".geo-map-title").is_visible()

        # the whole legend fits: inside the map's frame and the window, nothing scrolled out of it,
        # clear of the zoom buttons; its badge row says what the number means
        legend = frame.locator(".geo-legend")
        assert legend.get_attribute("open") is not None
        lbox, fbox = legend.bounding_box(), page.locator(FRAME).bounding_box()
        assert lbox["x"] >= fbox["x"] and lbox["y"] >= fbox["y"], (lbox, fbox)
        assert lbox["x"] + lbox["width"] <= fbox["x"] + fbox["width"], (lbox, fbox)
        assert lbox["y"] + lbox["height"] <= fbox["y"] + fbox["height"], (lbox, fbox)
        assert lbox["y"] + lbox["height"] <= height and lbox["x"] + lbox["width"] <= width, (lbox, width, height)
        hidden = legend.evaluate("e => [e.scrollHeight - e.clientHeight, e.scrollWidth - e.clientWidth]")
        assert max(hidden) <= 1, hidden
        zoom = frame.locator(".leaflet-control-zoom").bounding_box()
        assert lbox["y"] >= zoom["y"] + zoom["height"], (lbox, zoom)
        for row in legend.locator(".geo-legend-row").all():   # every row drawn inside the legend's box
            rbox = row.bounding_box()
            assert rbox["y"] >= lbox["y"] and rbox["y"] + rbox["height"] <= lbox["y"] + lbox["height"] + 1, (rbox, lbox)
        assert legend.locator(".geo-legend-badge-text").inner_text().strip() == t("legend_badge_meaning", "zh")
        page.screenshot(path=str(OUT / f"projector-{width}x{height}.png"))

        # next/previous by button
        page.locator(".st-key-proj_next button").click()
        _wait_step(page, 2, n, steps[1].label())
        page.locator(".st-key-proj_prev button").click()
        _wait_step(page, 1, n, steps[0].label())

        # by keyboard, from the page
        page.locator(".geo-step").click()
        page.keyboard.press("ArrowRight")
        _wait_step(page, 2, n, steps[1].label())
        page.keyboard.press("ArrowRight")
        _wait_step(page, 3, n, steps[2].label())
        page.keyboard.press("ArrowLeft")
        _wait_step(page, 2, n, steps[1].label())

        # by keyboard, after someone clicked into the map (its iframe has the focus)
        page.wait_for_function(
            "(sel) => { const f = document.querySelector(sel); return !!(f && f.contentDocument && "
            "f.contentDocument.__geoProjectorKeys); }", arg=FRAME, timeout=WAIT)
        # a step change reruns the page: until it settles, the old map's iframe may sit beside the new one
        page.wait_for_function("(sel) => document.querySelectorAll(sel).length === 1", arg=FRAME, timeout=WAIT)
        map_box = page.locator(FRAME).bounding_box()
        page.mouse.click(map_box["x"] + map_box["width"] * 0.75, map_box["y"] + map_box["height"] * 0.5)
        page.keyboard.press("ArrowRight")
        _wait_step(page, 3, n, steps[2].label())
        page.screenshot(path=str(OUT / f"projector-{width}x{height}-step3.png"))

        assert guard.blocked == [], guard.blocked
        assert guard.dialogs == []
    finally:
        ctx.close()
