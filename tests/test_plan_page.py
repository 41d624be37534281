"""原文 page: the plan's own text first, the web page's chrome (the lines the extractor skips) folded into
an expander marked 网页其他内容（未提取）, and a legend for the highlight colours; through AppTest, on a
plan built here with chrome lines around the test plan (every span shifted accordingly)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import i18n, plantext
from geo.extract.documents import is_chrome_line
from geo.store import open_store
from tests import app_data

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")

HOSTILE = "<script>alert(1)</script>"
HEAD = ["进入老年模式 退出老年模式", "当前位置:首页 > 测试", "", "浏览次数:" + HOSTILE]
TITLE = "测试镇2020年工作计划"
MIDDLE = ["• 日期:2020-02-26 10:48", "• 来源:测试镇"]
TAIL = ["打印 关闭"]


def _plan() -> tuple[str, int]:
    """The chrome-wrapped plan text and the offset of the test plan's first sentence in it."""
    head = "\n".join(HEAD + [TITLE] + MIDDLE) + "\n\n"
    body, _spans = app_data.plan_text()
    return head + body + "\n".join(TAIL) + "\n", len(head)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "data"
    d.mkdir()
    text, shift = _plan()
    feats = app_data.features()
    for f in feats:
        a, b = f["properties"]["span"]
        f["properties"]["span"] = [a + shift, b + shift]
    open_store(d).save_items(feats, user="test", expected_versions=[None] * len(feats))
    (d / "places.geojson").write_text(json.dumps(app_data.places(), ensure_ascii=False), encoding="utf-8")
    (d / "plans").mkdir()
    (d / "plans" / f"{app_data.PLAN_ID}.txt").write_text(text, encoding="utf-8")
    monkeypatch.setenv("GEO_DATA_DIR", str(d))
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    return d


def _plan_page(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(plan_html: str) -> str:
    """What a reader sees of the plan's HTML (tags dropped)."""
    return re.sub(r"<[^>]+>", "", plan_html.split('class="geo-plan">', 1)[1])


def _html(node) -> list[str]:
    return [h.proto.body for h in node.get("html")]


def test_chrome_fixture_is_what_the_extractor_skips():
    # the test's premise, checked against the extractor's own detector (not a copy of it)
    assert all(is_chrome_line(line) for line in HEAD + MIDDLE + TAIL if line)
    assert not is_chrome_line(TITLE)
    assert not any(is_chrome_line(s) for s, _item in app_data.SENTENCES)


def test_chrome_runs_cover_the_chrome_lines_and_nothing_else():
    text, shift = _plan()
    runs = plantext.chrome_runs(text)
    assert plantext.chrome_lines(text, runs) == [line for line in HEAD + MIDDLE + TAIL if line]
    folded = "".join(text[a:b] for a, b in runs)
    assert TITLE not in folded and not any(s in folded for s, _item in app_data.SENTENCES)
    # a run holding an item's span is not chrome (a person marked it as part of the plan)
    first = runs[0]
    keep = [plantext.Mark(first[0], first[0] + 3, "x", "x", "road", False)]
    assert first not in plantext.chrome_runs(text, keep=keep)


def test_plan_text_comes_first_and_chrome_is_folded_and_marked(data_dir):
    at = _plan_page()
    bodies = [h for h in _html(at) if 'class="geo-plan"' in h]
    assert len(bodies) == 1
    body = bodies[0]
    visible = _text(body)
    # the plan's own text opens the page: its title line, no chrome line anywhere in the body
    assert visible.startswith(TITLE)
    for line in HEAD + MIDDLE + TAIL:
        if line:
            assert line not in body and i18n.t("plan_chrome") not in visible.split("\n", 1)[0]
    assert "浏览次数" not in body and "进入老年模式" not in body
    # where chrome stood inside the plan, a marker says so
    assert i18n.t("plan_folded_marker", "zh", n=len(MIDDLE)) in body
    # every item is still highlighted
    assert body.count('class="geo-mark') == len(app_data.features())
    # the chrome is in one folded expander, marked as not extracted, every line escaped
    chrome = [e for e in at.expander if e.label.startswith(i18n.t("plan_chrome"))]
    assert len(chrome) == 1
    n = len([line for line in HEAD + MIDDLE + TAIL if line])
    assert chrome[0].label == i18n.t("plan_chrome_n", "zh", n=n)
    inside = " ".join(_html(chrome[0]))
    assert "进入老年模式" in inside and "打印 关闭" in inside
    assert HOSTILE not in inside and "&lt;script&gt;alert(1)&lt;/script&gt;" in inside
    assert HOSTILE not in " ".join(_html(at))
    # and it comes after the plan text on the page
    order = [h for h in _html(at) if 'class="geo-plan"' in h or 'class="geo-chrome"' in h]
    assert 'class="geo-plan"' in order[0] and 'class="geo-chrome"' in order[-1]


def test_highlight_colours_have_a_legend(data_dir):
    from geo.mapview import styles

    at = _plan_page()
    legends = [h for h in _html(at) if 'class="geo-plan-legend"' in h]
    assert len(legends) == 1
    legend = legends[0]
    assert i18n.t("plan_key_title") in legend
    for f in app_data.features():
        category = f["properties"]["category"]
        assert i18n.category_label(category) in legend and styles.category_colour(category) in legend
    assert i18n.t("plan_key_unlocated") in legend and i18n.t("plan_key_selected") in legend
    en = [h for h in _html(_plan_page("en")) if 'class="geo-plan-legend"' in h][0]
    assert i18n.t("plan_key_title", "en") in en and i18n.category_label("road", "en") in en


def test_a_plan_without_chrome_has_no_chrome_expander(tmp_path, monkeypatch):
    d = app_data.build(tmp_path / "data")
    monkeypatch.setenv("GEO_DATA_DIR", str(d))
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    at = _plan_page()
    assert not [e for e in at.expander if e.label.startswith(i18n.t("plan_chrome"))]
    body = [h for h in _html(at) if 'class="geo-plan"' in h][0]
    assert 'class="geo-folded"' not in body
    assert _text(body).startswith(app_data.SENTENCES[0][0])


def test_clicked_highlight_selects_its_item_in_the_session(data_dir):
    # what the page's script does on a click: the item id into the hidden input, committed
    from geo.app.state import Keys

    at = _plan_page()
    item = app_data.features()[1]
    at.text_input(key=Keys.PLAN_PICK).input(item["id"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[Keys.SELECTED] == [item["id"]]
    assert at.text_input(key=Keys.PLAN_PICK).value == ""
    body = [h for h in _html(at) if 'class="geo-plan"' in h][0]
    picked = re.findall(r'<a class="geo-mark[^"]*geo-selected"[^>]*data-item="([^"]+)"', body)
    assert picked == [item["id"]]
    assert any(item["properties"]["name"] in m.value for m in at.markdown), [m.value for m in at.markdown]
    # an id that is no item of this plan selects nothing
    at.text_input(key=Keys.PLAN_PICK).input("<script>x</script>").run()
    assert at.session_state[Keys.SELECTED] == [item["id"]]
