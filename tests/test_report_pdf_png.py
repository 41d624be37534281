"""The printed report: produced, opened with poppler and Pillow, Chinese glyphs really drawn."""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys

import pytest
from PIL import Image, ImageStat

from geo.config import PROJECT_ROOT
from geo.report import PAPERS, ReportError, render_report, table_rows
from geo.report.fonts import FontMissing, find_cjk_font_file
from tests.conftest import make_item
from tests.exchange_items import sample_items

pytestmark = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (setup.sh test) missing")


def _pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def _ink(img: Image.Image, box) -> float:
    """Share of non-white pixels in a region."""
    region = img.convert("L").crop(box)
    return sum(1 for v in region.tobytes() if v < 200) / (region.width * region.height)


def test_pdf_has_map_and_table_pages_with_embedded_cjk_font(tmp_path):
    out = tmp_path / "report.pdf"
    render_report(sample_items(), out, title="东塍镇重点项目", source="test.geojson")
    assert _pages(out) == 2
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts  # embedded
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "2", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "东塍镇重点项目" in text and "未定位的项目" in text and "未定位" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")], check=True)
    page = Image.open(next(tmp_path.glob("p-*.png")))
    w, h = page.size
    assert abs(w / h - PAPERS["A4"][0] / PAPERS["A4"][1]) < 0.02  # A4 landscape
    assert _ink(page, (int(w * 0.3), 0, int(w * 0.7), int(h * 0.08))) > 0.01  # the title is drawn, not blank


def test_title_glyphs_are_chinese_not_boxes(tmp_path):
    """Tofu boxes for every character would look alike; real glyphs of different characters differ."""
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    render_report([], a, title="东东东东东东", dpi=60)
    render_report([], b, title="塍塍塍塍塍塍", dpi=60)
    box = lambda img: img.convert("L").crop((int(img.width * 0.3), 0, int(img.width * 0.7), int(img.height * 0.09)))
    ia, ib = box(Image.open(a)), box(Image.open(b))
    diff = sum(abs(x - y) for x, y in zip(ia.tobytes(), ib.tobytes())) / (ia.width * ia.height)
    assert diff > 2.0
    assert ImageStat.Stat(ia).mean[0] < 254  # something drawn


def test_png_pages_and_long_tables_split(tmp_path):
    items = [make_item(f"t-{i:04d}", name=f"项目{i}", geometry={"type": "Point", "coordinates": [121 + i / 1000, 28.8]},
                       precision="site") for i in range(70)]
    paths = render_report(items, tmp_path / "r.png", paper="A3", dpi=40)
    assert paths[0].name == "r.png" and len(paths) >= 3
    img = Image.open(paths[0])
    assert abs(img.width / img.height - PAPERS["A3"][0] / PAPERS["A3"][1]) < 0.02
    pdf = tmp_path / "r.pdf"
    render_report(items, pdf)
    assert _pages(pdf) == 1 + math.ceil(70 / _rows_per_page())  # map page, then the table pages


def _rows_per_page() -> int:
    from geo.report import ROW_HEIGHT_IN
    return max(5, int((PAPERS["A4"][1] * 0.80) / ROW_HEIGHT_IN) - 1)


def test_unlocated_items_are_in_the_table_only():
    rows = table_rows(sample_items())
    located = {r[1]: r[5] for r in rows}
    assert located["未定位的项目"] == "未定位"
    assert located["东塍镇卫生院改造"] != "未定位"


def test_dollar_signs_in_names_do_not_break_mathtext(tmp_path):
    render_report([make_item("t-1", name="$x^ 成本 $5", geometry={"type": "Point", "coordinates": [121, 28.8]},
                             precision="site")], tmp_path / "d.png", dpi=30)


def test_missing_font_gives_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("GEO_CJK_FONT", str(tmp_path / "nope.ttc"))
    with pytest.raises(FontMissing, match="GEO_CJK_FONT"):
        find_cjk_font_file()


def test_bad_output_names_are_refused(tmp_path):
    with pytest.raises(ReportError, match=".pdf or .png"):
        render_report([], tmp_path / "r.docx")
    with pytest.raises(ReportError, match="does not exist"):
        render_report([], tmp_path / "no" / "r.pdf")


def test_report_cli_with_filter(tmp_path):
    src = tmp_path / "items.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": sample_items()}, ensure_ascii=False),
                   encoding="utf-8")
    out = tmp_path / "planned.pdf"
    done = subprocess.run([sys.executable, "-m", "geo", "report", str(src), "-o", str(out), "--status", "planned",
                           "--title", "计划项目", "--paper", "A3"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    planned = sum(f["properties"]["status"] == "planned" for f in sample_items())
    assert f"{planned} item(s)" in done.stdout
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "计划项目" in text and "工业园区" not in text  # proposed, filtered out
    bad = subprocess.run([sys.executable, "-m", "geo", "report", str(src), "-o", str(tmp_path / "x.txt")],
                         cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
