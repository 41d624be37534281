"""HTML/JS and spreadsheet formulas in EVERY text field of an item: escaped in the map's popups and
tooltips (standalone render, opened in Chromium: no script runs, no dialog opens), the KML balloon,
the app's detail panel / list / plan text; neutralised in CSV and XLSX; printed as plain text in
the PDF report. (The name alone is covered in tests/test_export_formats.py and
tests/test_mapview_render.py; this file puts a payload in every string field at once.)
"""
from __future__ import annotations

import csv
import io
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
from streamlit.testing.v1 import AppTest

from geo.export import export_bytes
from tests import app_data
from tests.conftest import make_item

# Each payload names the field it sits in, so a leak says where it came from.
HTML_PAYLOADS = {
    "name": '<img src=x onerror="window.__pwned=\'name\';alert(\'name\')">',
    "section": "<script>window.__pwned='section';alert('section')</script>",
    "plan_verb": '"><svg onload="window.__pwned=\'verb\';alert(\'verb\')">',
    "area": "<iframe src=javascript:alert('area')></iframe>",
    "town": "<b onmouseover=alert('town')>town</b>",
    "county": "</script><script>alert('county')</script>",
    "text": "<img src=x onerror=alert('text')>新建卫生院",
    "notes": "<a href=\"javascript:alert('notes')\">notes</a>",
    "updated_by": "<script>alert('user')</script>",
    "unit": "<u onclick=alert('unit')>个</u>",
    "place": "<img src=x onerror=alert('place')>村",
    "extra": "<script>alert('extra')</script>",
}
FORMULA_PAYLOADS = {
    "name": '=HYPERLINK("http://evil.invalid","点击")', "section": "+1+1", "plan_verb": "-2+3",
    "area": "@SUM(A1)", "town": "\t=1+1", "county": "\r=1+1", "text": "=cmd|' /C calc'!A0",
    "notes": "'=already quoted", "updated_by": "=user", "unit": "=个", "place": "+村", "extra": "@x",
}
# Markers that exist only if a payload reached the page unescaped.
RAW_MARKERS = ("<img src=x onerror", "<script>window.__pwned", "<script>alert(", "<svg onload", "<iframe src=javascript",
               "<b onmouseover", "<u onclick", "<a href=\"javascript")


def hostile_item(item_id: str, payloads: dict, *, geometry=None, precision="site", plan="test-plan") -> dict:
    p = payloads
    return make_item(
        item_id, plan=plan, name=p["name"], section=p["section"], plan_verb=p["plan_verb"], area=p["area"],
        town=p["town"], county=p["county"], text=p["text"], notes=p["notes"], updated_by=p["updated_by"],
        places=[p["place"]], quantity={"value": 3, "unit": p["unit"], "qualifier": "about"}, budget_wan=12.5,
        x_note=p["extra"], category="health", status="planned", precision=precision,
        geometry_source="manual" if geometry else None, geometry=geometry)


def _items(payloads) -> list[dict]:
    x, y = app_data.X0, app_data.Y0
    return [
        hostile_item("h-point", payloads, geometry={"type": "Point", "coordinates": [x + 0.03, y + 0.03]}),
        hostile_item("h-line", payloads, geometry={"type": "LineString", "coordinates": [[x, y], [x + 0.02, y + 0.01]]},
                     precision="segment"),
        hostile_item("h-coarse", payloads, precision="village"),
    ]


def _no_raw_markup(text: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in text, f"{where}: unescaped {marker!r}"


# ---- the map ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def map_html() -> str:
    from geo.mapview import load_places
    from geo.mapview.standalone import render_html
    import json
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "places.geojson"
        path.write_text(json.dumps(app_data.places(), ensure_ascii=False), "utf-8")
        places = load_places(path)
    return render_html(_items(HTML_PAYLOADS), basemap="none", places=places)


def test_standalone_map_html_has_every_field_escaped(map_html):
    _no_raw_markup(map_html, "standalone map")
    # the payloads travel as JSON strings with < escaped, and the page shows them as text nodes
    assert "\\u003cimg src=x onerror=" in map_html


@pytest.mark.browser
@pytest.mark.slow
def test_map_popups_and_tooltips_run_no_script_in_chromium(map_html, tmp_path, browser):
    page_file = tmp_path / "map.html"
    page_file.write_text(map_html, encoding="utf-8")
    page = browser.new_page()
    try:
        dialogs, blocked = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:", "blob:"))
                   else (blocked.append(r.request.url), r.abort()))
        page.goto(page_file.as_uri())
        page.wait_for_function("document.documentElement.hasAttribute('data-geo-drawn')")
        box = page.locator(".folium-map").bounding_box()
        opened = []
        # every drawn item: hover (tooltip) and click (popup) where the page drew it
        for i in range(page.evaluate("geoOffline.state().onMap")):
            point = page.evaluate(f"geoOffline.point({i})")
            page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
            page.locator(".leaflet-tooltip").wait_for()
            opened += page.locator(".leaflet-tooltip").all_text_contents()
            page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
            page.locator(".leaflet-popup-content").wait_for()
            opened += page.locator(".leaflet-popup-content").all_text_contents()
            page.evaluate("geoOffline.map.closePopup()")  # so it cannot cover the next item (once faded out)
            page.wait_for_function("!document.querySelector('.leaflet-popup')")
        # the item known only to a village: its row in the list of items not precisely located
        page.locator(".geo-offline-unlocated > summary").click()
        page.locator(".geo-offline-group > summary").first.click()
        page.locator(".geo-offline-item").first.click()
        opened += page.locator(".geo-offline-row .geo-offline-detail").all_text_contents()
        # the payload is on screen as text ...
        shown = " ".join(opened)
        assert HTML_PAYLOADS["name"] in shown and "新建卫生院" in shown
        assert shown.count(HTML_PAYLOADS["text"]) == 3, "each item's source sentence is shown"
        # ... and nothing of it ran or became an element, once the page has loaded and painted twice
        page.wait_for_load_state("load")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        assert page.evaluate("window.__pwned === undefined")
        assert page.evaluate("document.querySelectorAll('img[onerror], svg[onload], iframe, [onmouseover]').length") == 0
        assert dialogs == []
    finally:
        page.close()


# ---- exports ---------------------------------------------------------------------------------------------------
def test_kml_balloon_and_names_escape_every_field():
    data, _, _ = export_bytes(_items(HTML_PAYLOADS), "kml")
    root = ET.fromstring(data)  # well-formed despite the payloads
    ns = "{http://www.opengis.net/kml/2.2}"
    for placemark in root.iter(f"{ns}Placemark"):
        balloon = placemark.find(f"{ns}description").text
        _no_raw_markup(balloon, f"KML balloon of {placemark.get('id')}")
        assert "&lt;img src=x onerror" in balloon
        assert placemark.find(f"{ns}name").text == HTML_PAYLOADS["name"]  # XML text, shown as text


TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def test_csv_neutralises_formulas_in_every_field():
    data, _, _ = export_bytes(_items(FORMULA_PAYLOADS), "csv")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    body = rows[1:]
    assert len(body) == 3
    for row in body:
        for cell in row:
            assert not cell.startswith(TRIGGERS), cell
    cells = {c for row in body for c in row}
    for field, payload in FORMULA_PAYLOADS.items():
        if field == "extra":  # extras travel inside one JSON cell ({"x_note": "@x"}): never at a cell start
            assert any('"x_note": "@x"' in c for c in cells)
        elif payload.startswith(TRIGGERS) or payload.startswith("'"):
            assert any(c.startswith("'") and payload in c for c in cells), f"{payload!r} not kept as text"


def test_xlsx_neutralises_formulas_in_every_field():
    from openpyxl import load_workbook
    data, _, _ = export_bytes(_items(FORMULA_PAYLOADS), "xlsx")
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(TRIGGERS), (ws.title, cell.coordinate, cell.value)


def test_pdf_report_prints_payloads_as_plain_text(tmp_path):
    from geo.report import render_report_bytes
    payloads = dict(HTML_PAYLOADS, name="$\\alpha$ <b>粗体</b> ${x}$ %s {0}")
    pdf = render_report_bytes(_items(payloads), "pdf", title="<script>alert('title')</script>")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", "<script>alert('title')</script>") in flat  # literal, not interpreted
    assert "$\\alpha$" in text or "$\\alpha$" in flat  # mathtext not applied


# ---- the app ---------------------------------------------------------------------------------------------------
@pytest.fixture
def hostile_data(tmp_path, monkeypatch):
    from geo.store import open_store
    d = app_data.build(tmp_path / "data")
    store = open_store(d)
    items = _items(HTML_PAYLOADS)
    store.save_items(items, user="test", expected_versions=[None] * len(items))
    monkeypatch.setenv("GEO_DATA_DIR", str(d))
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    return d


def _rendered(at: AppTest) -> str:
    """Every piece of text the app sends as HTML or markdown-with-HTML."""
    parts = [h.proto.body for h in at.get("html")]
    parts += [m.value for m in at.markdown if getattr(m.proto, "allow_html", False)]
    parts += [m.value for m in at.caption if getattr(m.proto, "allow_html", False)]
    return "\n".join(parts)


@pytest.mark.parametrize("page", [None, "pages/list.py", "pages/plan.py"])
def test_app_detail_list_and_plan_pages_escape_every_field(hostile_data, page):
    at = AppTest.from_file(str(app_data_root() / "app.py"), default_timeout=60)
    at.query_params["item"] = "h-point"
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    _no_raw_markup(_rendered(at), page or "map page")
    # markdown without allow_html is rendered as text by Streamlit, but our own escaping must hold too:
    # every "<" from data is backslash-escaped
    for m in at.markdown:
        assert not re.search(r"(?<!\\)<(img|script|svg|iframe)", m.value), m.value
    assert any("onerror" in m.value for m in at.markdown), "the hostile item's detail is shown (escaped)"


def app_data_root():
    from pathlib import Path
    return Path(__file__).resolve().parent.parent
