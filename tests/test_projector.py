"""Projector mode: the walk's steps, summaries and zoom boxes (plain functions), the step map and the
charts, and the projector page through AppTest (buttons, walk modes, filter from the URL, ?projector=1)."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.contract import AREA_TOWN_SEAT, AREA_WHOLE_TOWN, CATEGORIES, STATUSES
from geo.mapview import split_by_precision
from geo.mapview.basemaps import get as get_basemap
from geo.mapview.context import load_places
from geo.projector import (
    MIN_EXTENT_DEG, TargetRow, build_steps, clamp_index, meeting_title, step_bounds, summarise, unit_totals,
)
from geo.projector import charts
from geo.projector.map import step_map
from geo.query import geometry_bounds
from geo.store import open_store
from tests import app_data, meeting_data

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = meeting_data.build(tmp_path / "data")
    monkeypatch.setenv("GEO_DATA_DIR", str(d))
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    return d


@pytest.fixture
def items(data_dir):
    return open_store(data_dir).load()


@pytest.fixture
def places(data_dir):
    return load_places(data_dir / "places.geojson")


# ---- steps -------------------------------------------------------------------------
def test_steps_by_category_cover_every_item_once_in_contract_order(items):
    steps = build_steps(items, by="category")
    assert steps[0].kind == "all" and len(steps[0].features) == len(items)
    rest = steps[1:]
    assert [s.key for s in rest] == [c for c in CATEGORIES if any(f["properties"]["category"] == c for f in items)]
    for s in rest:
        assert s.features and all(f["properties"]["category"] == s.key for f in s.features)
    ids = [f["id"] for s in rest for f in s.features]
    assert sorted(ids) == sorted(f["id"] for f in items)


def test_steps_by_area_whole_town_and_seat_first_unknown_last(items):
    steps = build_steps(items, by="area")[1:]
    keys = [s.key for s in steps]
    areas = {f["properties"]["area"] or "" for f in items}
    assert set(keys) == areas
    expected_head = [a for a in (AREA_WHOLE_TOWN, AREA_TOWN_SEAT) if a in areas]
    assert keys[:len(expected_head)] == expected_head
    if "" in areas:
        assert keys[-1] == "" and steps[-1].label("zh") == "未知区域"
    villages = [k for k in keys if k not in ("", AREA_WHOLE_TOWN, AREA_TOWN_SEAT)]
    assert villages == sorted(villages)
    assert sum(len(s.features) for s in steps) == len(items)


def test_unknown_walk_mode_refused_and_index_clamped(items):
    with pytest.raises(ValueError, match="walk by"):
        build_steps(items, by="colour")
    steps = build_steps(items)
    assert clamp_index(-3, steps) == 0
    assert clamp_index(999, steps) == len(steps) - 1
    assert clamp_index("x", steps) == 0
    assert build_steps([], by="area")[0].features == ()


# ---- summaries ---------------------------------------------------------------------
def test_summary_counts_statuses_unlocated_and_targets(items):
    s = summarise(items)
    assert s.total == len(items) == sum(s.by_status.values())
    assert list(s.by_status) == list(STATUSES)
    for code in STATUSES:
        assert s.by_status[code] == sum(1 for f in items if f["properties"]["status"] == code)
    located, coarse = split_by_precision(items)
    assert (s.located, s.unlocated) == (len(located), len(coarse))
    assert sorted(s.unlocated_names) == sorted(f["properties"]["name"] for f in coarse)
    by_id = {r.id: r for r in s.targets}
    assert set(by_id) == set(meeting_data.TARGETS)
    for item_id, (quantity, done) in meeting_data.TARGETS.items():
        row = by_id[item_id]
        assert (row.target, row.unit) == (quantity["value"], quantity["unit"])
        assert row.done == done
        assert row.fraction == (None if done is None else done / quantity["value"])
    category = {f["id"]: f["properties"]["category"] for f in items}
    totals = {(x.category, x.unit): x for x in s.totals}
    for item_id, (quantity, done) in meeting_data.TARGETS.items():
        x = totals[(category[item_id], quantity["unit"])]
        assert x.target == quantity["value"] and x.done == (done or 0) and x.with_progress == (done is not None)
    assert s.no_unit == 0


_IDS = itertools.count(1)


def _target(category: str, value, unit, done=None) -> dict:
    i = next(_IDS)
    props = {"name": f"测试{category}{i}", "category": category, "status": "planned", "precision": "town",
             "quantity": {"value": value, "unit": unit, "qualifier": None}}
    if done is not None:
        props["progress"] = {"done": done}
    return {"type": "Feature", "id": f"q-{i}", "geometry": None, "properties": props}


def test_totals_add_only_the_same_unit_within_a_category():
    feats = [_target("telecom", 60, "个"), _target("road", 3, "公里", 1.5), _target("road", 9, "公里"),
             _target("road", 400, "米", 100), _target("telecom", 2, "个", 2), _target("water_supply", 5, "公里"),
             _target("road", 7, None), _target("other", 11, "  ")]
    s = summarise(feats)
    got = {(x.category, x.unit): (x.target, x.done, x.with_progress, x.items) for x in s.totals}
    assert got == {("road", "公里"): (12, 1.5, 1, 2), ("road", "米"): (400, 100, 1, 1),
                   ("water_supply", "公里"): (5, 0, 0, 1), ("telecom", "个"): (62, 2, 1, 2)}
    # in contract category order, whatever order the items came in
    cats = [x.category for x in s.totals]
    assert cats == sorted(cats, key=CATEGORIES.index)
    assert s.no_unit == 2                       # None and blank: counted, never added
    assert len(s.targets) == len(feats)         # still listed one by one


def test_unit_totals_of_nothing_and_of_unitless_only():
    assert unit_totals([]) == ([], 0)
    totals, no_unit = unit_totals([TargetRow("a", "a", 5, None, ""), TargetRow("b", "b", 7, 1, "", "road")])
    assert totals == [] and no_unit == 2


def test_totals_text_names_category_unit_and_says_what_had_no_unit():
    from geo.app.projector import summary_html, totals_html
    from geo.i18n import category_label, t
    feats = [_target("road", 3, "公里", 1.5), _target("road", 9, "公里"), _target("telecom", 60, "个"),
             _target("telecom", 2, "个"), _target("road", 5, "")]
    s = summarise(feats)
    zh = totals_html(s, "zh")
    assert f"{category_label('road')} 12 公里" in zh and "已完成 1.5 公里" in zh
    assert f"{category_label('telecom')} 62 个" in zh
    assert t("proj_no_unit", "zh", n=1) in zh
    assert "—" not in zh and "17" not in zh and "74" not in zh   # nothing added across units
    en = totals_html(s, "en")
    assert f"{category_label('road', 'en')} 12 公里" in en and t("proj_no_unit", "en", n=1) in en
    step = build_steps(feats)[0]
    assert zh in summary_html(step, s, "zh")
    # a unit from data is escaped
    hostile = summarise([_target("road", 1, "<b>km</b>")])
    assert "<b>km" not in totals_html(hostile, "zh") and "&lt;b&gt;km" in totals_html(hostile, "zh")


def test_summary_of_a_step_is_only_its_items(items):
    for step in build_steps(items, by="area")[1:]:
        s = summarise(step.features)
        assert s.total == len(step.features)
        assert s.status_line("zh")  # every step has at least one status to say


# ---- where a step zooms -------------------------------------------------------------
def test_bounds_of_located_items_contain_them(items, places):
    located, _ = split_by_precision(items)
    box = step_bounds(located, places)
    for f in located:
        w, s, e, n = geometry_bounds(f["geometry"])
        assert box[0] <= w and box[1] <= s and box[2] >= e and box[3] >= n


def test_village_only_step_zooms_to_the_village_point_from_the_gazetteer(items, places):
    coarse = [f for f in split_by_precision(items)[1] if f["properties"]["area"] == "甲村"]
    assert coarse and not split_by_precision(coarse)[0]
    box = step_bounds(coarse, places)
    lon, lat = places.point_for("甲村")["geometry"]["coordinates"]
    assert box[0] < lon < box[2] and box[1] < lat < box[3]
    assert box[2] - box[0] == pytest.approx(MIN_EXTENT_DEG) and box[3] - box[1] == pytest.approx(MIN_EXTENT_DEG)


def test_no_location_at_all_gives_the_outline_or_nothing(items, places):
    nowhere = [dict(f, properties={**f["properties"], "area": None, "town": None}, geometry=None)
               for f in items[:2]]
    outline = step_bounds(nowhere, places)
    assert outline == geometry_bounds(places.outlines[0]["geometry"])
    assert step_bounds(nowhere, None) is None


# ---- the step map and the charts ----------------------------------------------------------
def test_step_map_has_escaped_title_legend_and_only_the_steps_items(items, places):
    step = build_steps(items, by="category")[1]
    m = step_map(step, places, basemap=get_basemap("none"), title="会议 <img src=x onerror=alert(1)>",
                 subtitle="第 2 步")
    html = m.get_root().render()
    assert "会议 &lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert "geo-map-title" in html and "geo-legend" in html
    assert "https://" not in html.split("<body>")[0].replace("https://www.w3.org", "")  # no CDN assets
    drawn_ids = {f["id"] for f in step.features if f["geometry"] and f["properties"]["precision"] not in
                 ("village", "town", "none")}
    others = {f["id"] for f in items} - {f["id"] for f in step.features}
    for item_id in drawn_ids:
        assert json.dumps(item_id) in html
    for item_id in others:
        assert f'"id": "{item_id}"' not in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_legend_badge_says_what_the_number_means(items, places, lang):
    from geo.i18n import t

    step = build_steps(items, by="category")[0]
    html = step_map(step, places, basemap=get_basemap("none"), title="t", lang=lang).get_root().render()
    assert t("legend_badge_meaning", lang) in html
    assert t("legend_aggregate", lang) not in html   # "村/镇级项目数 3" read like a count


def test_meeting_title_from_towns_and_years(items):
    town = items[0]["properties"]["town"]
    year = items[0]["properties"]["year"]
    assert meeting_title(items) == f"{town} {year}年 规划项目"
    assert meeting_title([]) == "规划项目"


def test_chart_rows_add_up_and_charts_are_valid_vega_lite(items):
    rows = charts.status_category_rows(items)
    assert sum(r["count"] for r in rows) == len(items)
    assert sum(r["count"] for r in charts.area_rows(items)) == len(items)
    targets = charts.target_rows(items)
    assert {r["name"] for r in targets} == {f["properties"]["name"] for f in items if f["id"] in meeting_data.TARGETS}
    for chart in (charts.status_category_chart(items), charts.area_chart(items), charts.targets_chart(items)):
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert "$schema" in spec and "http" not in json.dumps(spec.get("data", {}))


# ---- the page (AppTest) ------------------------------------------------------------------
def _page(query=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if not _step_text(at):
        at.switch_page("pages/projector.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _step_text(at) -> str:
    return next((m.value for m in at.markdown if 'class="geo-step"' in m.value), "")


def _summary(at) -> str:
    return next((m.value for m in at.markdown if m.value.startswith("<h2>")), "")


def test_page_walks_forward_and_back_with_summaries(data_dir, items):
    at = _page()
    steps = build_steps(items, by="category")
    assert f"第 1 / {len(steps)} 步" in _step_text(at)
    assert at.button(key="proj_prev").disabled
    at.button(key="proj_next").click().run()
    assert f"第 2 / {len(steps)} 步" in _step_text(at)
    assert f"<h2>{steps[1].label()}</h2>" in _summary(at)
    assert f"{len(steps[1].features)} 项" in _summary(at)
    at.button(key="proj_prev").click().run()
    assert f"第 1 / {len(steps)} 步" in _step_text(at)
    clicks = 0
    while not at.button(key="proj_next").disabled and clicks <= len(steps):  # next stops at the last step
        at.button(key="proj_next").click().run()
        clicks += 1
    assert clicks == len(steps) - 1
    assert f"第 {len(steps)} / {len(steps)} 步" in _step_text(at)
    assert at.button(key="proj_next").disabled


def test_page_walk_by_area_restarts_the_walk(data_dir, items):
    at = _page()
    at.button(key="proj_next").click().run()
    at.button_group[0].set_value("area").run()
    assert not at.exception
    steps = build_steps(items, by="area")
    assert f"第 1 / {len(steps)} 步" in _step_text(at)
    at.button(key="proj_next").click().run()
    assert f"<h2>{steps[1].label()}</h2>" in _summary(at)


def test_page_follows_the_url_filter_and_escapes_names(data_dir, items):
    at = _page({"status": "planned"})
    planned = [f for f in items if f["properties"]["status"] == "planned"]
    steps = build_steps(planned, by="category")
    assert f"第 1 / {len(steps)} 步" in _step_text(at)
    assert f"{len(planned)} 项" in _summary(at)
    # an item name with HTML is shown as text in the summary
    health = next(i for i, s in enumerate(steps) if s.key == "health")
    for _ in range(health):
        at.button(key="proj_next").click().run()
    assert app_data.XSS_NAME not in " ".join(m.value for m in at.markdown)


def test_projector_flag_on_the_map_page_opens_the_projector(data_dir, items):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["projector"] = "1"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "第 1 /" in _step_text(at)


def test_page_with_no_matching_items_says_so(data_dir):
    at = _page({"q": "没有这样的项目xyz"})
    assert "第 1 / 1 步" in _step_text(at)
    assert any("当前筛选下没有项目" in m.value for m in at.markdown)
