"""End to end for 进度文件: a real `streamlit run` on 127.0.0.1, Debian's Chromium, every non-local request blocked.

An editor signs in, uploads the fictional town's work summary on 导入导出, sees the proposals and the
evidence highlighted in the document's text, applies them, and sees the changed status on the 列表 page
with "changed since the plan". The town and its documents are TEST data (tests/progress_app_data.py).
"""
from __future__ import annotations

import os
import re
import time

import pytest
from playwright.sync_api import expect

from geo import i18n
from geo.app.state import Keys
from geo.progress import propose, read_text
from geo.store import open_store
from tests import edit_data
from tests import progress_app_data as D
from tests.browser_support import LOCAL, OUT, streamlit_app

pytestmark = [pytest.mark.browser]

WAIT = 60_000


def _wait(predicate, what, timeout=60.0):
    """Poll a condition on the stored data (the server writes it); fails with ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _sign_in(page, name="anna"):
    page.get_by_text("编辑登录").click()
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_label("密码"))
    for _attempt in range(2):
        form.get_by_label("用户名").fill(name)
        form.get_by_label("密码").fill(edit_data.EDITORS[name])
        expect(form.get_by_label("密码")).to_have_value(edit_data.EDITORS[name])
        form.get_by_role("button", name="登录").click()
        try:
            page.get_by_text(f"已登录：{name}").wait_for(timeout=WAIT // 2)
            return
        except Exception:  # a rerun from the map's first value can swallow the submit: submit again
            pass
    page.get_by_text(f"已登录：{name}").wait_for(timeout=WAIT)


def test_upload_review_apply_and_see_the_change_on_the_list(browser, tmp_path):
    data = D.build(tmp_path / "data")
    review = propose(open_store(data), read_text(D.SUMMARY, name=D.SUMMARY_NAME))
    target = next(p for p in review.updates if "status" in p.changes)
    env = {**os.environ, "GEO_AUTH_USERS": edit_data.accounts_env()}
    with streamlit_app(data, env=env) as url:
        ctx = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="zh-CN")
        page = ctx.new_page()
        blocked = []

        def route(r):
            if r.request.url.startswith(LOCAL):
                return r.continue_()
            blocked.append(r.request.url)
            return r.abort()

        page.route("**/*", route)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url + "/?basemap=none")
        page.locator("h1").filter(has_text="规划项目一张图").wait_for(timeout=WAIT)
        page.wait_for_load_state("networkidle")
        _sign_in(page)
        page.locator("[data-testid='stSidebarNav']").get_by_text("导入导出", exact=True).click()
        page.wait_for_url(re.compile(r"/exchange"), timeout=WAIT)
        page.get_by_text(i18n.t("progress_title"), exact=True).wait_for(timeout=WAIT)

        upload = page.locator(f".st-key-{Keys.progress_upload(0)} input[type='file']")
        upload.set_input_files(files=[{"name": D.SUMMARY_NAME, "mimeType": "text/plain",
                                       "buffer": D.SUMMARY.encode("utf-8")}])
        # the proposals, each with its evidence highlighted inside the document's text
        page.get_by_text(re.compile(i18n.t("progress_updates"))).wait_for(timeout=WAIT)
        expect(page.get_by_text(target.name, exact=True)).to_be_visible(timeout=WAIT)
        work = review.document.text[target.evidence.start:target.evidence.end]
        marks = page.locator("mark.progress-work")
        expect(marks.first).to_be_visible(timeout=WAIT)
        assert marks.count() >= len(review.updates) + len(review.new_items)
        highlighted = "".join(marks.all_inner_texts())
        assert work[:4] in highlighted
        box = page.locator(f".st-key-{Keys.progress_accept(1, target.key)} input[type='checkbox']")
        expect(box).to_be_checked()
        OUT.mkdir(exist_ok=True)
        page.get_by_text(re.compile(i18n.t("progress_updates"))).scroll_into_view_if_needed()
        page.screenshot(path=str(OUT / "progress-review.png"))
        assert open_store(data).get(target.item_id)["properties"]["status"] == target.status_before

        page.locator(f".st-key-{Keys.PROG_APPLY} button").click()
        page.get_by_text(re.compile("已应用")).wait_for(timeout=WAIT)
        _wait(lambda: open_store(data).get(target.item_id)["properties"]["status"] == target.status,
              "the accepted status in the store")

        # the list, filtered to what changed since the plan, names the new status and the change
        page.locator("[data-testid='stSidebarNav']").get_by_text("列表", exact=True).click()
        page.wait_for_url(re.compile(r"/list"), timeout=WAIT)
        page.locator(f".st-key-{Keys.CHANGED}").get_by_text(i18n.t("changed_since_plan"), exact=True).click()
        page.wait_for_url(re.compile(r"changed=1"), timeout=WAIT)
        grid = page.locator("[data-testid='stDataFrame']").first
        # the grid is drawn on a canvas; its cells are also an accessible table (not "visible" to Playwright)
        cell = page.locator("td[role='gridcell']").filter(has_text=re.compile("^" + re.escape(target.name) + "$"))
        expect(grid.locator("td[role='gridcell']").filter(has_text=target.name)).to_have_count(1, timeout=WAIT)
        row = grid.locator("tr[role='row']").filter(has=cell)
        cells = row.locator("td[role='gridcell']").all_text_contents()
        assert i18n.status_label(target.status) in cells
        change = next(c for c in cells if "→" in c)
        assert i18n.status_label(target.status_before) in change and D.SUMMARY_NAME in change
        names = grid.locator("td[role='gridcell'][aria-colindex='1']").all_text_contents()
        changed = {p.name for p in review.updates if "status" in p.changes} | {p.name for p in review.new_items}
        assert set(names) == changed  # only what changed since the plan
        page.screenshot(path=str(OUT / "progress-list-changed.png"))

        # a hostile document: its markup is shown as text inside the highlighted evidence, never run
        page.locator("[data-testid='stSidebarNav']").get_by_text("导入导出", exact=True).click()
        page.wait_for_url(re.compile(r"/exchange"), timeout=WAIT)
        upload = page.locator(f".st-key-{Keys.progress_upload(1)} input[type='file']")
        upload.set_input_files(files=[{"name": D.HOSTILE_NAME, "mimeType": "text/plain",
                                       "buffer": D.HOSTILE.encode("utf-8")}])
        evidence = page.locator(".progress-evidence").filter(has_text=D.HOSTILE_SCRIPT)
        expect(evidence.first).to_be_visible(timeout=WAIT)
        expect(page.locator(".progress-evidence").filter(has_text=D.HOSTILE_IMG)).not_to_have_count(0)
        assert page.locator(".progress-evidence script, .progress-evidence img").count() == 0
        ctx.close()
    assert dialogs == []
    assert [u for u in blocked if not re.search(r"\.(png|jpe?g|webp)(\?|$)", u)] == [], blocked
