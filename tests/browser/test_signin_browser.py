"""Sign-in in a real browser: 登录 works on the first press (map loaded, or still loading), the sign-in
survives a reload and a shared link (a signed, expiring cookie), and 退出登录 ends it: the same cookie
no longer signs in. A real `streamlit run` on 127.0.0.1, Debian's Chromium, non-local requests blocked.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import edit_data
from tests.browser_support import FRAME, SIGNED_IN, Guard, session_cookie, sign_in, streamlit_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT = 60_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("signin-browser") / "data"
    edit_data.build(data)
    with streamlit_app(data, env=edit_data.env(data)) as url:
        yield url, data


def _context(browser):
    return browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")


def _open(ctx, url):
    page = ctx.new_page()
    guard = Guard(page)
    page.goto(url)
    page.locator("h1").filter(has_text="规划项目一张图").wait_for(timeout=WAIT)
    return page, guard


def _signed_in(page, name="anna"):
    page.get_by_text(SIGNED_IN.format(name=name)).wait_for(timeout=WAIT)
    expect(page.get_by_role("button", name="退出登录")).to_be_visible(timeout=WAIT)


def _viewer(page):
    page.get_by_text("编辑登录").wait_for(timeout=WAIT)
    expect(page.get_by_text("已登录：")).to_have_count(0)


def test_first_press_while_the_map_is_loading(browser, server):
    url, _ = server
    ctx = _context(browser)
    page = ctx.new_page()
    Guard(page)
    page.goto(url + "/?item=five-g&basemap=none")
    # straight away: the map component may not have sent its first value yet
    page.get_by_text("编辑登录").wait_for(timeout=WAIT)
    sign_in(page, "anna", edit_data.EDITORS["anna"], timeout=WAIT)
    page.frame_locator(FRAME).first.locator("#map_div").wait_for(timeout=WAIT)
    _signed_in(page)  # still signed in once the map has loaded and rerun the page
    ctx.close()


def test_first_press_with_the_map_loaded(browser, server):
    url, _ = server
    ctx = _context(browser)
    page, guard = _open(ctx, url + "/?item=five-g&basemap=none")
    page.frame_locator(FRAME).first.locator("#map_div").wait_for(timeout=WAIT)
    sign_in(page, "li", edit_data.EDITORS["li"], timeout=WAIT)
    page.get_by_text("编辑此项目").wait_for(timeout=WAIT)
    assert guard.dialogs == []
    ctx.close()


def test_sign_in_survives_reload_and_shared_link_and_sign_out_ends_it(browser, server):
    url, _ = server
    ctx = _context(browser)
    page, guard = _open(ctx, url + "/?basemap=none")
    sign_in(page, "anna", edit_data.EDITORS["anna"], timeout=WAIT)
    cookie = session_cookie(ctx)
    assert cookie["path"] == "/" and cookie["sameSite"] == "Lax"
    assert "anna-pass" not in cookie["value"]

    page.reload()
    _signed_in(page)

    shared = ctx.new_page()  # a shared link opened in the same browser: a new session
    Guard(shared)
    shared.goto(url + "/list?item=five-g&basemap=none")
    _signed_in(shared)
    shared.close()

    page.get_by_role("button", name="退出登录").click()
    _viewer(page)
    page.reload()
    _viewer(page)

    # the cookie as it was before 退出登录, replayed from another browser: no longer signs in
    other = _context(browser)
    other.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path", "sameSite")}])
    replay, _ = _open(other, url + "/?basemap=none")
    _viewer(replay)
    assert [u for _, u in guard.blocked if not u.endswith((".png", ".jpg"))] == []
    other.close()
    ctx.close()
