"""The 村 filter lists every village of the town with its item count, those without items last as (0);
a badge's focus and the sidebar's filters never contradict each other (AppTest).

The data is tests/app_data.py's test town plus a village without items, added to its gazetteer here.
"""
from __future__ import annotations

import json
import re

import pytest

from geo import i18n
from geo.app.state import Keys
from geo.contract import AREA_TOWN_SEAT, AREA_WHOLE_TOWN
from geo.store import open_store
from tests import app_data
from tests.apptest_support import run_app, use_data

EMPTY_VILLAGE = "无项目测试村"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = app_data.build(tmp_path / "data")
    places = json.loads((d / "places.geojson").read_text(encoding="utf-8"))
    places["features"].append({"type": "Feature", "id": "p-empty", "geometry": None,  # a village nobody placed
                               "properties": {"name": EMPTY_VILLAGE, "kind": "village", "aliases": []}})
    (d / "places.geojson").write_text(json.dumps(places, ensure_ascii=False), encoding="utf-8")
    return use_data(monkeypatch, d)


def _options(at) -> list[tuple[str, int]]:
    out = []
    for label in at.sidebar.multiselect(key=Keys.VILLAGES).options:
        m = re.fullmatch(r"(.+) \((\d+)\)", label)
        assert m, label
        out.append((m.group(1), int(m.group(2))))
    return out


def _item_counts(items) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in items:
        area = f["properties"].get("area")
        if area and area not in (AREA_TOWN_SEAT, AREA_WHOLE_TOWN) and not f["properties"].get("dropped"):
            counts[area] = counts.get(area, 0) + 1
    return counts


def test_every_village_of_the_gazetteer_with_its_count_zero_last(data_dir):
    items = open_store(data_dir).load()
    villages = [f["properties"]["name"] for f in json.loads((data_dir / "places.geojson").read_text("utf-8"))
                ["features"] if f["properties"]["kind"] == "village"]
    at = run_app()
    options = _options(at)
    assert {name for name, _ in options} == set(villages) | set(_item_counts(items))
    assert dict(options) == {v: _item_counts(items).get(v, 0) for v in dict(options)}
    assert options[-1] == (EMPTY_VILLAGE, 0)
    counts = [n for _, n in options]
    assert counts == sorted(counts, reverse=True)  # with items first, (0) after
    # choosing the village without items is a valid filter: nothing shown, no error
    at.sidebar.multiselect(key=Keys.VILLAGES).set_value([EMPTY_VILLAGE]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert re.search(r"显示 0 / 共 \d+ 项", " ".join(m.value for m in at.markdown))


def _unlocated_title(at) -> str:
    heads = [e.label for e in at.expander if "未精确定位" in e.label]
    assert heads, [e.label for e in at.expander]
    return heads[0]


def test_badge_focus_never_shows_zero_and_gives_way_to_a_filter(data_dir):
    items = open_store(data_dir).load()
    coarse = [f for f in items if f["geometry"] is None and f["properties"].get("area") not in (None, AREA_WHOLE_TOWN,
                                                                                              AREA_TOWN_SEAT)]
    village = coarse[0]["properties"]["area"]
    at = run_app()
    at.session_state[Keys.FOCUS_AREA] = [village]  # what a click on the village's count badge sets
    at.run()
    title = _unlocated_title(at)
    n = sum(f["properties"]["area"] == village for f in coarse)
    assert title == i18n.t("aggregate_selected", "zh", area=village) + f" ({n})"
    assert dict(_options(at))[village] > 0  # the focused village's 村 option is never (0)
    # a status that none of the village's coarse items has: the badge's list gives way, never "(0)"
    other = next(s for s in ("completed", "suspended", "proposed", "in_progress")
                 if all(f["properties"]["status"] != s for f in coarse if f["properties"]["area"] == village)
                 and any(f["properties"]["status"] == s for f in items))
    at.sidebar.multiselect(key=Keys.STATUSES).set_value([other]).run()
    assert not at.exception, [e.value for e in at.exception]
    title = _unlocated_title(at)
    assert village not in title and at.session_state[Keys.FOCUS_AREA] is None
    assert not [b for b in at.button if b.label.strip() == "×"]  # no unlabelled ×
