"""Reading plans: encodings, file types, web chrome, bad input (files made in tmp_path)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.extract import ExtractError, extract_file, extract_text
from geo.extract.documents import MAX_BYTES, is_chrome_line

ROOT = Path(__file__).resolve().parents[1]
PLAN_TEXT = """某某镇2021年工作计划
(一)加强基础设施建设
完成青山溪下洋村段河道整治，新建农村公路4.5公里。启动白石水库除险加固工程；争取建设东岭至西岙公路。
"""


def _places(items):
    return [p for it in items for p in it["places"]]


def _check_plan(doc, items):
    assert doc.town == "某某镇" and doc.year == 2021
    places = _places(items)
    for name in ("青山溪", "下洋村", "白石水库", "东岭", "西岙"):
        assert name in places, (name, places)
    road = next(it for it in items if it["quantity"])
    assert road["quantity"] == {"value": 4.5, "unit": "公里", "qualifier": None}
    for it in items:
        assert doc.text[it["span"][0]:it["span"][1]] == it["text"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_each_text_encoding_is_detected(tmp_path, encoding):
    path = tmp_path / f"plan-{encoding}.txt"
    path.write_bytes(PLAN_TEXT.encode(encoding))
    doc, items = extract_file(path)
    assert doc.text.lstrip("\ufeff").startswith("某某镇")
    _check_plan(doc, items)


def test_utf16_big_endian_with_bom(tmp_path):
    path = tmp_path / "be.txt"
    path.write_bytes(b"\xfe\xff" + PLAN_TEXT.encode("utf-16-be"))
    _check_plan(*extract_file(path))


def test_html_page_chrome_is_dropped_and_body_kept(tmp_path):
    html = f"""<!DOCTYPE html><html><head><meta charset="gb2312"><title>x</title><script>var a="新建假路9公里";</script></head>
    <body><div class="nav">进入老年模式</div><div>当前位置:首页 &gt; 政务公开</div><div>索引号: 001/2021</div>
    {''.join(f'<p>{line}</p>' for line in PLAN_TEXT.splitlines())}
    <div>浏览次数:12</div><div>打印 关闭</div><footer>版权所有 某某镇人民政府</footer></body></html>"""
    path = tmp_path / "plan.html"
    path.write_bytes(html.encode("gb18030"))
    doc, items = extract_file(path)
    _check_plan(doc, items)
    assert "假路" not in doc.text  # script text is not page text
    assert not any("老年模式" in it["text"] or "浏览次数" in it["text"] for it in items)


def test_docx_made_with_python_docx(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for line in PLAN_TEXT.splitlines():
        d.add_paragraph(line)
    path = tmp_path / "plan.docx"
    d.save(path)
    _check_plan(*extract_file(path))


FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.mark.skipif(not FONT.exists(), reason="Noto CJK font not installed")
def test_pdf_made_with_matplotlib_and_read_back_with_pypdf(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.backends.backend_pdf import PdfPages
    import matplotlib.pyplot as plt

    matplotlib.rcParams["pdf.fonttype"] = 42  # TrueType with a ToUnicode map, so text can be extracted
    prop = font_manager.FontProperties(fname=str(FONT))
    path = tmp_path / "plan.pdf"
    with PdfPages(path) as pdf:
        fig = plt.figure(figsize=(8.27, 11.69))
        for i, line in enumerate(PLAN_TEXT.replace("。", "。\n").replace("；", "；\n").splitlines()):
            fig.text(0.05, 0.95 - i * 0.04, line, fontproperties=prop, fontsize=10)
        pdf.savefig(fig)
        plt.close(fig)
    doc, items = extract_file(path)
    assert "白石水库" in doc.text
    places = _places(items)
    assert "白石水库" in places and "青山溪" in places


def test_the_bundled_plans_chrome_is_never_extracted():
    doc, items = extract_file(ROOT / "data" / "plans" / "dongcheng-2020-work-plan.txt")
    chrome = ("进入老年模式", "当前位置", "索引号", "浏览次数", "打印", "发布单位")
    assert not any(word in it["text"] for it in items for word in chrome)
    assert doc.text.startswith("进入老年模式")  # kept in the text, so spans are offsets into the file's text


@pytest.mark.parametrize("line", ["进入老年模式 退出老年模式", "当前位置:首页", "索引号: LH331082-074/2021-108413 公开方式: 主动公开",
                                  "  • 浏览次数:", "打印 关闭", "> 政务公开 > 信息公开目录"])
def test_chrome_lines(line):
    assert is_chrome_line(line)


@pytest.mark.parametrize("line", ["完成杭绍台高铁敏感区拆迁、204省道东塍段坟墓搬迁", "(二)聚焦功能优化,提升城镇品质。", "东塍镇2020年工作计划"])
def test_body_lines_are_not_chrome(line):
    assert not is_chrome_line(line)


def _bad_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("   \n\n  ", encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    unknown = tmp_path / "unknown.txt"  # not UTF-8/GB18030/UTF-16: Shift-JIS-like and control bytes mixed
    unknown.write_bytes(bytes([0x81, 0x7f, 0x01, 0x02, 0x85, 0x30, 0x03, 0x04, 0xff, 0xfe, 0x00, 0x00] * 50)[2:])
    fakezip = tmp_path / "plan.docx"
    fakezip.write_bytes(b"PK\x03\x04not really a zip")
    badpdf = tmp_path / "plan.pdf"
    badpdf.write_bytes(b"%PDF-1.4\n garbage \n%%EOF")
    return [empty, blank, binary, unknown, fakezip, badpdf]


def test_bad_input_raises_one_line_errors(tmp_path):
    for path in _bad_files(tmp_path):
        with pytest.raises(ExtractError) as info:
            extract_file(path)
        message = str(info.value)
        assert message and "\n" not in message and str(path.name) in message, message
    with pytest.raises(ExtractError):
        extract_file(tmp_path / "missing.txt")
    with pytest.raises(ExtractError):
        extract_text("", plan_id="x")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "geo", "extract", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_cli_bad_input_exits_1_with_one_line(tmp_path):
    for path in _bad_files(tmp_path)[:4]:
        r = _cli(path)
        assert r.returncode == 1
        assert r.stdout == ""
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in r.stderr


@pytest.mark.slow
def test_a_200_mb_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: no disk used, and it must not be read
    assert big.stat().st_size > MAX_BYTES
    with pytest.raises(ExtractError, match="MB"):
        extract_file(big)
    r = _cli(big)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "MB" in r.stderr


def test_cli_formats(tmp_path):
    import json
    path = tmp_path / "plan.txt"
    path.write_text(PLAN_TEXT, encoding="utf-8")
    r = _cli(path)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows and all(row["plan"] == "plan" for row in rows)
    r = _cli(path, "--format", "json", "--plan-id", "p1")
    assert r.returncode == 0 and {row["plan"] for row in json.loads(r.stdout)} == {"p1"}
    r = _cli(path, "--format", "table")
    assert r.returncode == 0 and "白石水库" in r.stdout
    known = tmp_path / "villages.txt"
    known.write_text("岭头村\n", encoding="utf-8")
    path.write_text(PLAN_TEXT + "支持岭头茶叶整合改造。\n", encoding="utf-8")
    r = _cli(path, "--known-places", known)
    assert any("岭头" in json.loads(line)["places"] for line in r.stdout.splitlines())
