"""One-pass filtering with sidebar counts gives exactly what separate filters give."""
from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.contract import CATEGORIES, STATUSES
from geo.query import ItemFilter, filter_items, filter_with_facets
from tests.conftest import make_item

item = st.builds(
    lambda i, s, c, a, y: make_item(f"i-{i}", status=s, category=c, area=a, year=y, name=f"项目{i}"),
    st.integers(0, 10**6), st.sampled_from(STATUSES), st.sampled_from(CATEGORIES[:5]),
    st.sampled_from([None, "镇区", "全镇", "岭根村"]), st.sampled_from([2020, 2021]))
subset = lambda values: st.lists(st.sampled_from(values), unique=True, max_size=3).map(tuple)  # noqa: E731


@settings(max_examples=150, deadline=None)
@given(items=st.lists(item, max_size=40), statuses=subset(STATUSES), categories=subset(CATEGORIES[:5]),
       areas=subset([None, "镇区", "全镇", "岭根村"]), years=subset([2020, 2021]))
def test_one_pass_equals_separate_filters(items, statuses, categories, areas, years):
    flt = ItemFilter(statuses=statuses, categories=categories, areas=areas, years=years)
    filtered, facets = filter_with_facets(items, flt, ("statuses", "categories", "years"))
    assert filtered == filter_items(items, flt)
    for dim, field in (("statuses", "status"), ("categories", "category"), ("years", "year")):
        expected: dict = {}
        for f in filter_items(items, replace(flt, **{dim: ()})):
            v = f["properties"][field]
            expected[v] = expected.get(v, 0) + 1
        assert facets[dim] == expected
