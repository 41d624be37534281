"""Several towns in one data folder (a county): a 镇 filter in the sidebar and the URL, and the area
(village) filter follows the chosen towns. Plain functions in geo.query; the sidebar with AppTest.

The data is tests/app_data.py's town plus a second town made here from copies of its items.
"""
from __future__ import annotations

import copy
import re

import pytest

from geo.app.state import Keys, ViewState, from_query, to_query
from geo.query import ItemFilter, areas_in, filter_items, towns_in
from geo.store import open_store
from tests import app_data
from tests.apptest_support import run_app, use_data

OTHER_TOWN = "乙镇"


def _second_town(features: list[dict]) -> list[dict]:
    """Copies of the items as items of another town, whose villages have other names."""
    out = []
    for f in features:
        g = copy.deepcopy(f)
        p = g["properties"]
        g["id"] = p["id"] = f"town2-{f['id']}"
        p["town"] = OTHER_TOWN
        if p.get("area") not in (None, "镇区", "全镇"):
            p["area"] = "乙" + p["area"]
        p["version"] = 0
        out.append(g)
    return out


def _all_items() -> list[dict]:
    own = app_data.features()
    return own + _second_town(own)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = app_data.build(tmp_path / "data")
    store = open_store(d)
    store.save_items(_second_town(store.load()), user="test")
    return use_data(monkeypatch, d)


def _counts(at) -> tuple[int, int]:
    text = " ".join(m.value for m in at.markdown)
    m = re.search(r"显示 (\d+) / 共 (\d+) 项", text)
    assert m, text
    return int(m.group(1)), int(m.group(2))


# ---- plain functions -------------------------------------------------------------
def test_towns_and_areas_per_town():
    items = _all_items()
    own_town = app_data.features()[0]["properties"]["town"]
    assert towns_in(items) == sorted({own_town, OTHER_TOWN})
    other = areas_in(items, [OTHER_TOWN])
    assert other and all(a.startswith("乙") for a in other)
    assert set(areas_in(items)) == set(areas_in(items, [own_town])) | set(other)
    assert "镇区" not in areas_in(items) and "全镇" not in areas_in(items)


def test_item_filter_by_town():
    items = _all_items()
    got = filter_items(items, ItemFilter(towns=(OTHER_TOWN,)))
    assert got and {f["properties"]["town"] for f in got} == {OTHER_TOWN}
    assert len(got) == sum(f["properties"]["town"] == OTHER_TOWN and not f["properties"].get("dropped")
                           for f in items)


def test_town_in_the_url_round_trip_and_village_kind_follows_town():
    state = ViewState(towns=(OTHER_TOWN,), area_kinds=("village",))
    assert to_query(state)["town"] == OTHER_TOWN
    assert from_query(to_query(state)) == state
    items = _all_items()
    flt = state.item_filter(areas_in(items, state.towns))
    got = filter_items(items, flt)
    assert got and all(f["properties"]["town"] == OTHER_TOWN and f["properties"]["area"].startswith("乙")
                       for f in got)
    assert "镇：乙镇" in state.in_words("zh", areas_in(items, state.towns))


# ---- the sidebar -----------------------------------------------------------------
def _village_names(at) -> set[str]:
    """The 村 choices without their item counts ("甲村 (3)" → 甲村)."""
    return {re.sub(r" \(\d+\)$", "", o) for o in at.sidebar.multiselect(key=Keys.VILLAGES).options}


def test_sidebar_has_a_town_filter_only_for_several_towns(tmp_path, monkeypatch):
    use_data(monkeypatch, app_data.build(tmp_path / "one"))
    at = run_app()
    assert not [m for m in at.sidebar.multiselect if m.key == Keys.TOWNS]


def test_town_filter_narrows_items_villages_and_url(data_dir):
    items = open_store(data_dir).load()
    at = run_app()
    box = at.sidebar.multiselect(key=Keys.TOWNS)
    assert sorted(box.options) == towns_in(items)
    assert _village_names(at) >= set(areas_in(items))  # and the gazetteer's villages without items
    box.set_value([OTHER_TOWN]).run()
    assert not at.exception, [e.value for e in at.exception]
    expected = sum(f["properties"]["town"] == OTHER_TOWN for f in items)
    assert _counts(at) == (expected, len(items))
    assert at.query_params["town"] in (OTHER_TOWN, [OTHER_TOWN])
    assert _village_names(at) == set(areas_in(items, [OTHER_TOWN]))


def test_town_from_the_url_and_a_village_of_another_town_is_dropped(data_dir):
    items = open_store(data_dir).load()
    own_village = areas_in(items, [t for t in towns_in(items) if t != OTHER_TOWN])[0]
    at = run_app({"town": OTHER_TOWN, "village": own_village, "area": "village"})
    assert at.session_state[Keys.TOWNS] == [OTHER_TOWN]
    assert at.session_state[Keys.VILLAGES] == []          # not a village of the chosen town
    expected = [f for f in items if f["properties"]["town"] == OTHER_TOWN
                and f["properties"]["area"] in set(areas_in(items, [OTHER_TOWN]))]
    assert _counts(at)[0] == len(expected)
