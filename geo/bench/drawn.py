"""Time from opening an offline HTML map (file://) in Chromium to its items drawn.

Used by ``python -m geo bench`` and ``tests/browser/test_offline_map_browser.py``. Every request
that is not file:/data:/blob: is blocked (the map must need nothing else). The page sets
``data-geo-drawn`` on <html> when its canvas has drawn for the first time, with the page's
``performance.now()`` (ms since navigation start): that is the figure; wall time around it is
reported too. Playwright and Debian's Chromium are test tools: without them the measurement
says it was skipped and why.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LOCAL = ("file:", "data:", "blob:", "about:")
DRAWN = "document.documentElement.hasAttribute('data-geo-drawn') || document.documentElement.hasAttribute('data-geo-problem')"


class Unavailable(Exception):
    """No browser to measure with (the message says what is missing)."""


def open_and_wait(browser, path: Path, *, viewport=(1366, 768), timeout_s: float = 180) -> tuple[object, dict]:
    """(page, figures): ``path`` opened in a new page of ``browser``, waited until drawn."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    blocked: list[str] = []
    errors: list[str] = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL)
               else (blocked.append(r.request.url), r.abort()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    t = time.perf_counter()
    page.goto(Path(path).resolve().as_uri(), timeout=timeout_s * 1000)
    page.wait_for_function(DRAWN, timeout=timeout_s * 1000)
    wall = time.perf_counter() - t
    problem = page.evaluate("document.documentElement.getAttribute('data-geo-problem')")
    drawn_ms = page.evaluate("document.documentElement.getAttribute('data-geo-drawn')")
    figures = {"drawn_s": round(float(drawn_ms) / 1000, 3) if drawn_ms else None, "wall_s": round(wall, 3),
               "problem": problem, "errors": errors, "blocked": blocked,
               "state": page.evaluate("window.geoOffline && window.geoOffline.state ? window.geoOffline.state() : null"),
               # where the time went: ms since navigation start of the page's own marks
               "marks": page.evaluate("""() => Object.fromEntries(
                   [['html_parsed', performance.timing.domInteractive - performance.timing.navigationStart]].concat(
                   performance.getEntriesByType('mark').map(m => [m.name, Math.round(m.startTime)])))""")}
    return page, figures


def time_to_drawn(path: Path, *, viewport=(1366, 768), timeout_s: float = 180) -> dict:
    """Launch Chromium, open ``path``, return the figures of :func:`open_and_wait`."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise Unavailable("playwright is not installed (requirements-dev.txt)") from None
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not executable:
        raise Unavailable("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page, figures = open_and_wait(browser, path, viewport=viewport, timeout_s=timeout_s)
            page.close()
        finally:
            browser.close()
    return figures
