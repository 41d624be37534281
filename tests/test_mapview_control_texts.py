"""Map controls in the reader's language (geo.mapview.control_texts): every text from geo.i18n, set in the
map's own script before any Draw control, plugins' string options filled, nothing fetched from a CDN."""
from __future__ import annotations

import json
import re

import pytest
from folium.plugins import Draw

from geo import i18n
from geo.mapview import base_map, offline
from geo.mapview import control_texts
from geo.mapview.basemaps import available

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _leaves(tree):
    if isinstance(tree, dict):
        for v in tree.values():
            yield from _leaves(v)
    else:
        yield tree


@pytest.mark.parametrize("build", [control_texts.draw_texts, control_texts.locate_strings,
                                   control_texts.fullscreen_titles, control_texts.minimap_strings])
def test_chinese_texts_have_no_english_words(build):
    for text in _leaves(build("zh")):
        plain = re.sub(r"<[^>]+>|\{[a-z]+\}", "", text)  # markup and placeholders are not words
        assert not ENGLISH_WORD.search(plain), text
        assert re.search(r"[\u4e00-\u9fff]", plain), text


@pytest.mark.parametrize("build", [control_texts.draw_texts, control_texts.locate_strings,
                                   control_texts.fullscreen_titles, control_texts.minimap_strings])
def test_english_texts_are_english(build):
    for text in _leaves(build("en")):
        assert not re.search(r"[\u4e00-\u9fff]", text), text


def test_draw_texts_cover_the_toolbar_actions_people_see():
    zh = control_texts.draw_texts("zh")["draw"]["toolbar"]
    for action in ("actions", "finish", "undo"):
        assert zh[action]["text"] and zh[action]["title"]
    assert set(zh["buttons"]) >= {"polyline", "polygon", "marker"}
    assert control_texts.locate_strings("zh")["popup"].count("{distance}") == 1  # the plugin's placeholders kept


def _script_texts(html: str) -> dict:
    m = re.search(r"\}\)\((map_[0-9a-f]+), (\{.*?\})\);\n", html, re.S)
    assert m, "control texts script not in the map"
    return json.loads(m.group(2))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_map_carries_the_texts(lang):
    m = base_map(basemap=available()["osm"], lang=lang)
    html = m.get_root().render()
    texts = _script_texts(html)
    assert texts["zoom_in"] == i18n.t("ctl_zoom_in", lang) and texts["zoom_out"] == i18n.t("ctl_zoom_out", lang)
    assert texts["draw"] == control_texts.draw_texts(lang)
    assert f'"localization": "{control_texts.measure_locale(lang)}"' in html
    assert json.dumps(control_texts.minimap_strings(lang)["hideText"]) in html
    assert json.dumps(control_texts.locate_strings(lang)["title"]) in html
    assert json.dumps(control_texts.fullscreen_titles(lang)["title"]) in html
    assert all(not u.startswith("http") for u in offline.asset_urls(m)), offline.asset_urls(m)


def test_texts_are_set_before_a_draw_control_is_added():
    m = base_map(basemap=available()["none"], lang="zh")
    Draw(export=False, position="topleft").add_to(m)
    html = offline.localise(m).get_root().render()
    assert html.index("L.drawLocal") < html.index("new L.Control.Draw")


def test_streamlit_widget_texts_are_translated_only_in_chinese():
    from geo.app import ui_texts

    zh = ui_texts.texts("zh")
    assert zh["exact"]["Select all"] == i18n.t("ui_select_all") and "No results" in zh["exact"]
    for pattern, replacement in zh["patterns"]:
        assert re.compile(pattern) and "{x}" in replacement and not ENGLISH_WORD.search(replacement.replace("{x}", ""))
    assert re.match(zh["patterns"][0][0], "Select 12 matches")
    assert ui_texts.texts("en") == {"exact": {}, "patterns": []}
