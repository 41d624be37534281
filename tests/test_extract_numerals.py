"""Numerals, quantities and budgets: property tests against an independent numeral writer."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from geo.extract.numerals import find_quantities, parse_budget_wan, parse_chinese_integer, parse_number, parse_quantity

DIGITS = "零一二三四五六七八九"


def _section(n: int) -> str:
    """Chinese for 0 < n < 10000, written the way plans do (一千零五, 十二, 三百二十)."""
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value
        n %= value
        if d:
            if zero:
                out += "零"
            out += ("" if (unit == "十" and d == 1 and not out) else DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def to_chinese(n: int) -> str:
    if n == 0:
        return "零"
    parts = []
    for value, unit in ((100_000_000, "亿"), (10_000, "万"), (1, "")):
        d = n // value
        n %= value
        if d:
            text = _section(d) + unit
            if parts and d < (1000 if value < 100_000_000 else 1000):
                text = "零" + text if not parts[-1].endswith("零") else text
            parts.append(text)
    return "".join(parts)


@given(st.integers(min_value=1, max_value=9_999_999_999))
def test_chinese_integers_round_trip(n):
    assert parse_chinese_integer(to_chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_with_and_without_thousands_separators(n):
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["万", "亿"]))
def test_mixed_multipliers(n, big):
    assert parse_number(f"{n}{big}") == n * {"万": 10_000, "亿": 100_000_000}[big]


UNITS = ["公里", "千米", "米", "亩", "平方米", "平方", "个", "家", "座", "处", "项", "户"]
QUALIFIERS = {"以上": "at_least", "多": "more_than", "余": "more_than", "": None}
PRE = {"超过": "more_than", "近": "about", "约": "about", "": None}


@settings(max_examples=300)
@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(UNITS), st.sampled_from(sorted(QUALIFIERS)),
       st.sampled_from(["新建", "完成", "拓宽", "改造"]), st.sampled_from(["农村公路", "高标准农田", "文化礼堂", ""]),
       st.booleans())
def test_quantity_value_unit_qualifier(n, unit, post, verb, noun, chinese):
    # "一千米" is 1000 米 in Chinese prose, so 千米 is only paired with Arabic numbers here
    number = to_chinese(n) if chinese and unit != "千米" else str(n)
    q = parse_quantity(f"{verb}{noun}{number}{unit}{post}")
    assert q is not None
    assert (q.value, q.unit, q.qualifier) == (n, unit, QUALIFIERS[post])


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(sorted(PRE)), st.sampled_from(UNITS))
def test_prefix_qualifiers(n, pre, unit):
    q = parse_quantity(f"建设{pre}{n}{unit}")
    assert (q.value, q.unit, q.qualifier) == (n, unit, PRE[pre])


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from([("万元", 1), ("亿元", 10_000)]), st.booleans())
def test_budgets_in_wan(n, unit_factor, more):
    unit, factor = unit_factor
    text = f"启动投资{n}{'多' if more else ''}{unit}的排污管网建设"
    assert parse_budget_wan(text) == n * factor
    assert parse_quantity(text) is None  # money is a budget, never the item's quantity


def test_scaled_and_word_numerals():
    assert (parse_quantity("完成旧住宅区改造12万平方以上").value, parse_quantity("完成旧住宅区改造12万平方以上").unit) == (120000, "平方")
    two = parse_quantity("年内落地两个以上文旅项目")
    assert (two.value, two.unit, two.qualifier) == (2, "个", "at_least")
    assert parse_quantity("修复三处").value == 3
    assert parse_budget_wan("总投资1.2亿元") == 12000


def test_a_missing_unit_is_kept_without_a_guess():
    q = parse_quantity("完成农村公路大中修项目1")
    assert (q.value, q.unit) == (1, None)
    q = parse_quantity("完成企业技改项目10新增上云企业65家以上")
    assert (q.value, q.unit) == (10, None)


def test_dates_codes_ordinals_percentages_and_idioms_are_not_quantities():
    for text in ("2020年工作计划", "第二届乡村旅游文化节", "S225省道", "204省道东塍段", "新建5G基站", "增长5%",
                 "台州市500精英", "千方百计扩大投入", "一批厂房", "“十四五”规划", "(一期)项目", "3月底前"):
        assert find_quantities(text) == [], text
