"""The extractor on sentences written for these tests: forms real plans use, in any town."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from geo.extract import extract_text


def _items(text, **kw):
    return extract_text(text, plan_id="t", **kw)[1]


def test_names_that_share_one_work_are_one_item_with_every_name_as_a_place():
    items = _items("2024年工作计划\n推进甲星电器、乙月超市、丙辰百货等商业项目投入运营。")
    assert len(items) == 1
    assert {"甲星电器", "乙月超市", "丙辰百货"} <= set(items[0]["places"])


def test_works_of_different_kinds_in_one_list_are_separate_items():
    items = _items("2024年工作计划\n开工建设甲乙铁路、丙丁至戊己高速公路等项目。")
    texts = [it["text"] for it in items]
    assert len(items) == 2, texts
    assert {it["category"] for it in items} == {"rail", "road"}


def test_a_numbered_entry_naming_a_project_before_a_colon_is_one_item():
    text = ("某镇2023年工作计划\n"
            "(一)甘草种植产业园项目:该项目位于我镇甲乙村,总投资120万元,占地300余亩,预计3月开工建设。\n"
            "(二)冷链仓储项目:该项目位于我镇丙丁村,占地20亩。")
    items = _items(text)
    assert len(items) == 2
    first = items[0]
    assert first["text"].startswith("甘草种植产业园项目") and "甲乙村" in first["places"]
    assert first["quantity"]["value"] == 300 and first["quantity"]["unit"] == "亩"
    assert first["category"] == "farmland"


def test_a_review_that_ends_with_its_verb_gives_completed_items():
    text = ("某县政府工作报告\n一、2023年工作回顾\n"
            "甲乙集团年产500台农机项目顺利开工，丙丁大桥加固工程按期完工。\n"
            "二、2024年工作安排\n"
            "加快戊己产业园建设。")
    items = _items(text)
    by_text = {it["text"]: it for it in items}
    review = [it for it in items if "甲乙集团" in it["text"] or "丙丁大桥" in it["text"]]
    assert len(review) == 2 and all(it["status"] == "completed" for it in review), by_text
    plan = [it for it in items if "戊己产业园" in it["places"]]
    assert plan and plan[0]["status"] != "completed"


def test_bare_village_names_from_the_gazetteer_are_places():
    villages = ["甲山村", "乙水村", "丙坪村", "丁家村"]
    items = _items("2024年工作计划\n完成甲山、乙水和丙坪3村道路硬化，建设丁家精品桃培育基地。", known_places=villages)
    places = {p for it in items for p in it["places"]}
    assert {"甲山", "乙水", "丙坪", "丁家"} <= places


def test_a_county_of_village_names_stays_fast():
    import time
    villages = [f"{chr(0x4e00 + 300 + i)}{chr(0x4e00 + 900 + i)}村" for i in range(500)]
    text = "2024年工作计划\n" + "完成道路硬化，推进甲乙产业园建设。" * 300
    t0 = time.perf_counter()
    _items(text, known_places=villages, analyser=None)
    print(f"\n500 known names, {len(text)} chars: {time.perf_counter() - t0:.2f} s")


def test_events_framing_and_statistics_are_not_items():
    text = ("2024年工作计划\n成功举办甲乙经贸洽谈暨产品展销会。依托甲乙湿地公园品牌。"
            "农作物种植面积44.8万亩。加快甲乙产业园建设。")
    items = _items(text)
    assert [it["places"] for it in items] == [["甲乙产业园"]]


def test_a_notice_that_is_not_a_plan_yields_few_items_and_says_so(tmp_path):
    notice = ("关于开展春季消防安全检查的通知\n各村(社区)、各单位:\n"
              "为切实做好春季消防安全工作，有效预防和减少火灾事故发生，保障人民群众生命财产安全，"
              "经研究，决定在全镇范围内开展春季消防安全检查。现将有关事项通知如下。"
              "一、检查时间为3月1日至3月31日。二、检查范围包括人员密集场所、生产经营单位和居民住宅。"
              "三、各单位要高度重视，明确责任人，认真排查隐患，及时整改，确保不发生重大火灾事故。"
              "四、检查结果请于4月5日前报镇应急办。特此通知。\n某镇人民政府\n2024年2月20日\n") * 2
    doc, items = extract_text(notice, plan_id="notice")
    assert len(items) <= 1
    assert doc.warnings and "does not read like a work plan" in doc.warnings[0]
    path = tmp_path / "notice.txt"
    path.write_text(notice, encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "geo", "extract", str(path)], capture_output=True, text=True,
                       cwd=Path(__file__).resolve().parents[1])
    assert p.returncode == 0 and "does not read like a work plan" in p.stderr and "Traceback" not in p.stderr


def test_a_plan_does_not_get_the_not_a_plan_note():
    doc, items = extract_text("某镇2024年工作计划\n完成甲村道路硬化。新建乙村文化礼堂。", plan_id="p")
    assert items and not doc.warnings


def test_the_rules_work_without_an_analyser():
    items = _items("2024年工作计划\n完成甲坪村主干道硬化，启动乙溪水库除险加固工程。", analyser=None)
    assert {p for it in items for p in it["places"]} >= {"甲坪村", "乙溪水库"}


def test_a_firm_named_with_a_chinese_numeral_and_yuan_is_a_name_not_a_sum():
    from geo.extract.numerals import find_quantities
    assert find_quantities("扶持九元") == []
    assert find_quantities("投资五十万元")[0].budget_wan == 50
    items = _items("2024年工作计划\n积极支持九元、甲禾等农业龙头企业发展。")
    assert len(items) == 1, [it["text"] for it in items]
    assert {"九元", "甲禾"} <= set(items[0]["places"])
    assert items[0]["category"] == "enterprise"  # 龙头企业: firms, whatever trade they are in


def test_a_voltage_rating_inside_a_station_name_belongs_to_the_name():
    items = _items("2024年工作计划\n完成东岭35KV变电站增容改造，确保完成110KV甲溪供电站扩建。")
    by_place = {p: it for it in items for p in it["places"]}
    assert "东岭35KV变电站" in by_place, [it["places"] for it in items]
    assert by_place["东岭35KV变电站"]["category"] == "other"  # energy and grid works
    assert "甲溪供电站" in by_place  # a rating that opens the name stays out of it


def test_stations_of_grid_works_are_named_x_zhan():
    items = _items("2024年工作计划\n完成35KV乙岭站二期扩建和丙坪站主变增容，推进加油站改造。")
    places = [it["places"] for it in items]
    assert ["乙岭站"] in places and ["丙坪站"] in places, places
    assert all(it["category"] == "other" for it in items if it["places"])
    assert not any("加油站" in p for ps in places for p in ps)  # a kind of station, not a name
    # outside grid works a bare X站 is not read as a name
    assert not any("丁山站" in p for it in _items("2024年工作计划\n推进丁山站改造。", analyser=None) for p in it["places"])


def test_a_line_with_a_named_section_is_a_road():
    items = _items("2024年工作计划\n保障丙丁线东坪段改建，推进生产线东区段改造。", analyser=None)
    by_place = {p: it for it in items for p in it["places"]}
    assert "丙丁线" in by_place and by_place["丙丁线"]["category"] == "road", [it["places"] for it in items]
    assert not any("生产线" in p for p in by_place)  # a production line, not a road


def test_a_name_before_a_production_capacity_of_a_project_is_the_firm():
    items = _items("2024年工作计划\n加快推进丁戊5万吨饲料二期等项目，年产10万吨有机肥项目开工。", analyser=None)
    firm = [it for it in items if "丁戊" in it["places"]]
    assert firm and firm[0]["category"] == "enterprise", [(it["text"], it["places"]) for it in items]
    assert not any("年产" in p for it in items for p in it["places"])  # a capacity, not a name


def test_a_name_between_the_plan_verb_and_an_embedded_xinzeng_says_where():
    items = _items("2024年工作计划\n加快推进丙岭口新增互通及连接线建设。", analyser=None)
    assert [(it["places"], it["category"]) for it in items] == [(["丙岭口"], "road")]
    others = _items("2024年工作计划\n推进全县新增造林，完成城区新建停车场。", analyser=None)
    assert not any(p in ("全县", "城区新建") for it in others for p in it["places"])


def test_a_count_after_deng_covers_a_list_of_names_but_not_works_of_their_own():
    items = _items("2024年工作计划\n成功引进甲乙智能装备、丙丁新能源等2个亿元以上项目。", analyser=None)
    assert any("甲乙智能装备" in it["text"] and "丙丁新能源" in it["text"] for it in items), \
        [it["text"] for it in items]
    items = _items("2024年工作计划\n完成甲溪水库除险加固和乙坑、丙岙等2个水毁工程修复项目。", analyser=None)
    assert any(it["text"].endswith("甲溪水库除险加固") for it in items), [it["text"] for it in items]


def test_the_core_park_of_a_named_trade_is_a_place_but_a_bare_core_park_is_not():
    items = _items("2024年工作计划\n力争完成甲乙菌菇核心园区3A级景区创建。", analyser=None)
    assert [it["places"] for it in items] == [["甲乙菌菇核心园区"]]
    assert items[0]["category"] == "tourism"
    items = _items("2024年工作计划\n推进现代农业核心园区建设，打造一批核心园区。", analyser=None)
    assert not any("核心园区" in p for it in items for p in it["places"])
