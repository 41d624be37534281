"""原文 in a real browser (Debian's Chromium against `streamlit run` on 127.0.0.1, every non-local request
blocked): clicking a highlight selects its item in the same page — no reload, the session (and so a
sign-in) kept — its detail shows and the highlight gets the selected outline. Waits are on conditions."""
from __future__ import annotations

import pytest

from tests import app_data
from tests.browser_support import OUT, Guard, streamlit_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WAIT = 60_000


@pytest.fixture(scope="module")
def plan_app(tmp_path_factory):
    data = app_data.build(tmp_path_factory.mktemp("plan") / "data")
    with streamlit_app(data) as url:
        yield url


def test_clicking_a_highlight_selects_without_a_reload(browser, plan_app):
    item = next(f for f in app_data.features() if f["properties"]["name"] != app_data.XSS_NAME
                and f["geometry"] is not None)
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    guard = Guard(page)
    try:
        page.goto(plan_app + "/plan")
        mark = page.locator(f'a.geo-mark[data-item="{item["id"]}"]')
        mark.wait_for(timeout=WAIT)
        page.locator(".st-key-plan_pick input").wait_for(state="attached", timeout=WAIT)
        page.evaluate("() => { window.__geoSameDocument = 'yes'; }")
        mark.click()
        page.locator(f'a.geo-mark.geo-selected[data-item="{item["id"]}"]').wait_for(timeout=WAIT)
        page.get_by_role("heading", name=item["properties"]["name"]).wait_for(timeout=WAIT)
        # the same document: nothing was loaded again
        assert page.evaluate("() => window.__geoSameDocument") == "yes"
        page.wait_for_function("(id) => new URLSearchParams(location.search).get('item') === id",
                               arg=item["id"], timeout=WAIT)
        OUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUT / "plan-selected.png"))
        assert guard.blocked == [] and guard.dialogs == []
    finally:
        ctx.close()
