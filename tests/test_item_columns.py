"""The column filter (geo.item_columns) gives what the reference filter (geo.query) gives: the same
items in the same order and the same facet counts, for random items and random filters."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings, strategies as st

from geo.item_columns import COLUMNS_FROM_ITEMS, ItemColumns, columns_for, filter_loaded
from geo.query import ItemFilter, filter_with_facets

AREAS = ["甲村", "乙村", "镇区", "全镇", None]
STATUSES = ["planned", "in_progress", "completed", "suspended", None]
CATEGORIES = ["road", "school", "reservoir", None]
PLANS = ["p1", "p2", None]
YEARS = [2020, 2021, None]
PRECISIONS = ["exact", "site", "village", "town", "none", None]
TOWNS = ["甲镇", "乙镇", None]
WORDS = ["道路", "水库", "学校", "Road", "ＡＢＣ", "abc"]


def _items(rng: random.Random, n: int) -> list[dict]:
    out = []
    for i in range(n):
        geometry = None
        if rng.random() < 0.7:  # positions from the random source only: a test grid, not a place
            x, y = rng.uniform(0, 10), rng.uniform(0, 10)
            geometry = rng.choice([{"type": "Point", "coordinates": [x, y]},
                                   {"type": "LineString", "coordinates": [[x, y], [x + 1, y + 0.5]]}])
        props = {"area": rng.choice(AREAS), "status": rng.choice(STATUSES), "category": rng.choice(CATEGORIES),
                 "plan": rng.choice(PLANS), "year": rng.choice(YEARS), "precision": rng.choice(PRECISIONS),
                 "town": rng.choice(TOWNS),
                 "name": " ".join(rng.sample(WORDS, 2)), "text": rng.choice(WORDS)}
        if rng.random() < 0.05:
            props["dropped"] = True
        out.append({"type": "Feature", "id": f"i{i}", "geometry": geometry, "properties": props})
    return out


def _subset(draw_list):
    return st.lists(st.sampled_from(draw_list), max_size=3, unique=True).map(tuple)


filters = st.builds(
    ItemFilter, areas=_subset(AREAS), statuses=_subset(STATUSES), categories=_subset(CATEGORIES),
    plans=_subset(PLANS), years=_subset(YEARS), precisions=_subset(PRECISIONS), towns=_subset(TOWNS),
    text=st.sampled_from(["", "道路", "abc 水库", "ａｂｃ", "nothing"]),
    bbox=st.one_of(st.none(), st.tuples(st.floats(0, 5), st.floats(0, 5), st.floats(5, 11), st.floats(5, 11))),
    include_dropped=st.booleans(),
)
FACETS = st.sampled_from([("statuses", "categories"), ("statuses",), ("plans", "years", "categories"), ()])

ITEMS = _items(random.Random(5), 600)
COLUMNS = ItemColumns(ITEMS)


@settings(max_examples=300, deadline=None)
@given(flt=filters, facets=FACETS)
def test_same_items_same_order_same_counts_as_the_reference(flt, facets):
    got_items, got_counts = COLUMNS.filter_with_facets(flt, facets)
    want_items, want_counts = filter_with_facets(ITEMS, flt, facets)
    assert [f["id"] for f in got_items] == [f["id"] for f in want_items]
    assert got_counts == want_counts
    assert [list(c) for c in got_counts.values()] == [list(c) for c in want_counts.values()]  # key order too


def test_large_lists_go_through_one_cached_table_and_small_ones_do_not():
    small = _items(random.Random(1), COLUMNS_FROM_ITEMS - 1)
    assert columns_for(small) is None
    large = _items(random.Random(2), COLUMNS_FROM_ITEMS)
    cols = columns_for(large)
    assert cols is not None and columns_for(large) is cols
    assert columns_for(list(large)) is not cols  # another list (a new read of the store): new columns
    flt = ItemFilter(statuses=("planned",), text="道路")
    assert filter_loaded(large, flt) == filter_with_facets(large, flt)


@pytest.mark.parametrize("bad", [["a", "list"], {"a": "dict"}])
def test_an_unhashable_value_falls_back_to_the_reference(bad):
    items = _items(random.Random(3), 50)
    items[7]["properties"]["area"] = bad
    cols = ItemColumns(items)
    flt = ItemFilter(areas=("甲村",))
    assert cols.filter_with_facets(flt) == filter_with_facets(items, flt)


def test_a_filter_field_the_table_does_not_know_goes_to_the_reference(monkeypatch):
    import dataclasses

    import geo.item_columns as ic

    extended = dataclasses.make_dataclass("ExtendedFilter", [("owners", tuple, ())], bases=(ItemFilter,), frozen=True)
    monkeypatch.setattr(ic, "ItemFilter", extended)
    assert not COLUMNS.answers(extended(owners=("某人",)))
    assert COLUMNS.answers(extended())


def test_distinct_values_are_the_reference_set():
    from geo.item_columns import distinct

    large = _items(random.Random(4), COLUMNS_FROM_ITEMS + 10)
    for field in ("plan", "year", "area", "town", "name"):
        assert distinct(large, field) == {f["properties"].get(field) for f in large}
