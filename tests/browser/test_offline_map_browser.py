"""The offline HTML map in Chromium, opened from disk (file://) with every other request blocked.

What a meeting without internet does with it: the items draw, each one opens its detail on
click (name, status, precision, source sentence), status/category filters work inside the file,
items known only to a village are counted on its badge and listed. The time to drawn at 10,000
and 100,000 synthetic items is printed (never asserted).
"""
from __future__ import annotations

import json

import pytest

from geo import i18n
from geo.bench.drawn import open_and_wait
from geo.synthetic import generate
from geo.mapview import compact, load_places, split_by_precision
from geo.mapview.canvas_items import data_from_html
from geo.mapview.standalone import render_html, write_html
from tests import app_data
from tests.browser_support import OUT, ROOT

pytestmark = [pytest.mark.browser]

PLACES = ROOT / "data" / "places.geojson"


@pytest.fixture(scope="module")
def test_places(tmp_path_factory):
    path = tmp_path_factory.mktemp("places") / "places.geojson"
    path.write_text(json.dumps(app_data.places(), ensure_ascii=False), encoding="utf-8")
    return load_places(path)


def _click(page, point):
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def _state(page) -> dict:
    return page.evaluate("geoOffline.state()")


def _badges(page) -> dict[str, int]:
    out = {}
    for text in page.locator(".geo-badge div").all_text_contents():
        label = text.rstrip("0123456789")
        out[label] = int(text[len(label):])
    return out


def test_every_item_opens_its_detail_and_filters_work_inside_the_file(browser, tmp_path, test_places):
    feats = app_data.features()
    html = render_html(feats, basemap="none", places=test_places)
    path = tmp_path / "map.html"
    write_html(path, html)
    items = compact.decode(data_from_html(html))
    located, coarse = split_by_precision(feats)
    page, figures = open_and_wait(browser, path)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        assert not figures["problem"] and not figures["errors"] and not figures["blocked"], figures
        state = figures["state"]
        assert state["mode"] == "items" and state["drawn"] == state["onMap"] == len(located)
        assert state["shown"] == state["total"] == len(feats)

        # every drawn item: a click where it is drawn opens its detail
        for i, item in enumerate(items):
            if not item["anchor"]:
                continue
            _click(page, page.evaluate(f"geoOffline.point({i})"))
            popup = page.locator(".leaflet-popup-content")
            popup.wait_for()
            text = popup.text_content()
            for shown in (item["name"], i18n.status_label(item["status"]), i18n.precision_label(item["precision"]),
                          item["text"]):
                assert shown in text, (shown, text)
            page.evaluate("geoOffline.map.closePopup()")
            page.wait_for_function("!document.querySelector('.leaflet-popup')")
        OUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUT / "offline-map.png"))

        # the village badge counts its items; a click lists them, a row shows the detail
        village = sum(1 for f in coarse if f["properties"]["area"] == "甲村")
        assert _badges(page)["甲村"] == village
        page.locator(".geo-badge div", has_text="甲村").click()
        rows = page.locator(".geo-offline-group[open] .geo-offline-item")
        assert rows.count() == village
        rows.first.click()
        detail = page.locator(".geo-offline-row .geo-offline-detail").first.text_content()
        assert any(f["properties"]["text"] in detail for f in coarse if f["properties"]["area"] == "甲村")

        # filter by status inside the file: planned off
        planned = [f for f in feats if f["properties"]["status"] == "planned"]
        page.locator(".geo-offline-check[data-field=status][data-code=planned] input").uncheck()
        state = _state(page)
        assert state["shown"] == len(feats) - len(planned)
        assert state["onMap"] == state["drawn"] == len([f for f in located if f["properties"]["status"] != "planned"])
        assert "甲村" not in _badges(page), "both of 甲村's village items are planned"
        # and a category on top of it
        page.locator(".geo-offline-fold > summary").click()
        page.locator(".geo-offline-check[data-field=category][data-code=school] input").uncheck()
        assert _state(page)["shown"] == len([f for f in feats if f["properties"]["status"] != "planned"
                                             and f["properties"]["category"] != "school"])
        page.locator(".geo-offline-filters .geo-offline-all input").first.check()
        page.locator(".geo-offline-check[data-field=category][data-code=school] input").check()
        assert _state(page)["shown"] == len(feats)
        assert _badges(page)["甲村"] == village
        assert dialogs == []
        assert page.evaluate("document.querySelectorAll('img, iframe, script[src]').length") == 0
    finally:
        page.close()


@pytest.mark.slow
@pytest.mark.parametrize("n", [10_000, 100_000])
def test_time_to_drawn_from_disk(browser, tmp_path, n):
    import time

    feats = generate(n, PLACES, seed=8)
    places = load_places(PLACES)
    t = time.perf_counter()
    html = render_html(feats, places=places)
    render_s = time.perf_counter() - t
    path = tmp_path / "map.html"
    write_html(path, html)
    size = len(html.encode())
    items = compact.decode(data_from_html(html))
    del html
    page, figures = open_and_wait(browser, path)
    try:
        print(f"\noffline map: {n:,} items → {size / 1e6:.2f} MB written in {render_s:.2f} s; "
              f"drawn {figures['drawn_s']:.2f} s after navigation in Chromium (wall {figures['wall_s']:.2f} s), "
              f"{figures['state']}")
        assert not figures["problem"] and not figures["errors"], figures
        assert not [u for u in figures["blocked"] if not u.startswith("https://tile.")], figures["blocked"]
        state = figures["state"]
        assert state["mode"] == "cells" and state["cells"] > 0 and state["total"] == n
        # the page's own time for one status change: filter every item, recount, redraw (synchronous)
        filter_ms = page.evaluate("""() => {
            const box = document.querySelector('.geo-offline-check[data-field=status][data-code=planned] input');
            const t = performance.now(); box.click(); return performance.now() - t; }""")
        fewer = _state(page)
        assert 0 < fewer["shown"] < n
        page.locator(".geo-offline-check[data-field=status][data-code=planned] input").check()
        print(f"offline map: {n:,} items → a status filter change redrew in {filter_ms / 1000:.3f} s")
        # zoom in through the biggest cells until single items are drawn, then open one
        for _ in range(8):
            state = _state(page)
            if state["mode"] == "items":
                break
            cells = page.evaluate("geoOffline.cellPoints()")
            # (clear of the legend on the left and the panels on the right)
            inner = [c for c in cells if 280 < c["x"] < 940 and 60 < c["y"] < 700] or cells
            _click(page, max(inner, key=lambda c: c["n"]))
            page.wait_for_function(f"geoOffline.state().zoom > {state['zoom']}")
        state = _state(page)
        assert state["mode"] == "items" and state["drawn"] > 0
        size = page.viewport_size
        for i, item in enumerate(items):
            if item["anchor"] and item["precision"] in ("site", "exact") and not item["parts"]:
                point = page.evaluate(f"geoOffline.point({i})")
                if 300 < point["x"] < size["width"] - 400 and 250 < point["y"] < size["height"] - 100:
                    _click(page, point)
                    break
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert item["name"] in popup.text_content()
        page.screenshot(path=str(OUT / f"offline-map-{n}.png"))
    finally:
        page.close()
