"""Category from the works' own words, on sentences written for the test (not the bundled plan)."""
from __future__ import annotations

import pytest

from geo.extract import extract_text


@pytest.mark.parametrize("sentence, known, category", [
    ("更新改造甲村供水管网3公里。", [], "water_supply"),
    ("完成乙村污水管网建设5公里。", [], "sewage"),
    ("加快丙岙至丁坑公路修建进度。", ["丙岙村", "丁坑村", "丙岙至丁坑公路"], "road"),   # the suffix of a known road name
    ("完成戊桥村文化礼堂建设。", [], "culture"),                                    # 桥 in a village name is no bridge
    ("推进己溪、庚岭5个一事一议项目。", ["己溪村", "庚岭村"], "village_renewal"),     # 溪 ends a village name
    ("完成辛坑水库除险加固。", [], "reservoir"),
])
def test_category_follows_the_works_not_the_names(sentence, known, category):
    _doc, items = extract_text(sentence, plan_id="t", known_places=known)
    assert items, sentence
    assert items[0]["category"] == category, (sentence, items[0]["category"], items[0]["places"])
