"""County scale: the per-view map shows exactly what the naive path shows, with a bounded payload;
the benchmark runs and ends with its JSON line. No timing is asserted here (machines are noisy)."""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.bench import child
from geo.synthetic import generate
from geo.contract import validate_feature
from geo.mapview import load_places, split_by_precision, viewport
from geo.query import filter_items
from geo.store.base import ItemFilter

ROOT = Path(__file__).resolve().parent.parent
PLACES = ROOT / "data" / "places.geojson"


@pytest.fixture(scope="module")
def items():
    return generate(6000, PLACES, seed=3)


@pytest.fixture(scope="module")
def places():
    return load_places(PLACES)


def _located_ids(features):
    return {f["id"] for f in split_by_precision(features)[0]}


def _layer_ids(fg) -> tuple[set[str], list[dict]]:
    """Ids of items and the count cells actually put into the folium layer sent to the browser."""
    ids, cells = set(), []

    def walk(el):
        data = getattr(el, "data", None)
        if isinstance(data, dict) and data.get("type") == "FeatureCollection":
            for f in data["features"]:
                fid = str(f.get("id"))
                if fid.startswith(viewport.CELL_ID_PREFIX):
                    cells.append(f)
                elif not fid.startswith(("area:", "sel-")):
                    ids.add(fid)
        for ch in getattr(el, "_children", {}).values():
            walk(ch)

    walk(fg)
    return ids, cells


def test_synthetic_items_are_valid_reproducible_and_inside_the_county(items):
    from shapely.geometry import Point

    from geo.synthetic import county_outline

    sample = items[::97]
    assert all(not validate_feature(f) for f in sample), [validate_feature(f) for f in sample if validate_feature(f)][:1]
    assert generate(300, PLACES, seed=3) == generate(300, PLACES, seed=3)  # seeded: the same items again
    assert generate(300, PLACES, seed=4) != generate(300, PLACES, seed=3)
    outline, _ = county_outline(PLACES)
    points = [f for f in items if (f["geometry"] or {}).get("type") == "Point"]
    assert points and all(outline.contains(Point(f["geometry"]["coordinates"])) for f in points[:500])
    kinds = {(f["geometry"] or {}).get("type") for f in items}
    assert {"Point", "LineString", "Polygon", None} <= kinds
    assert all(f["properties"]["x_benchmark"] and f["properties"]["plan"].startswith("bench-") for f in items)


@pytest.mark.parametrize("flt", [ItemFilter(), ItemFilter(statuses=("planned", "in_progress")),
                                 ItemFilter(years=(2020, 2021, 2022, 2023), text="村")])
def test_per_view_map_shows_the_same_items_as_the_naive_path(items, places, flt):
    filtered = filter_items(items, flt)
    located = _located_ids(filtered)
    assert len(located) > viewport.LARGE, "the test must exercise the large-data path"
    whole = viewport.index_for(items).bounds()
    w, s, e, n = whole
    views = [whole,                                                   # the default view: count cells
             (w + (e - w) * 0.4, s + (n - s) * 0.4, w + (e - w) * 0.47, s + (n - s) * 0.47),  # zoomed in
             (w + (e - w) * 0.2, s + (n - s) * 0.2, w + (e - w) * 0.45, s + (n - s) * 0.45)]
    modes = set()
    for view in views:
        fg, plan = viewport.map_layer(filtered, items, places, view=view)
        modes.add(plan.mode)
        # The naive reference: every filtered, precisely located item meeting the same box.
        expected = _located_ids(filter_items(filtered, dataclasses.replace(flt, bbox=viewport.padded(view))))
        drawn, cells = _layer_ids(fg)
        counted = set()
        for cell in cells:
            members = {f["id"] for f in viewport.cell_items(filtered, items, cell["id"])} & expected
            assert len(members) == cell["properties"]["count"], cell["id"]
            x0, y0, x1, y1 = viewport.cell_bbox(cell["id"])
            lon, lat = cell["geometry"]["coordinates"]
            assert x0 <= lon <= x1 and y0 <= lat <= y1, "a cell's badge sits inside its cell"
            counted |= members
        assert drawn.isdisjoint(counted)
        assert drawn | counted == expected, plan.mode
        assert sum(c["properties"]["count"] for c in cells) + len(drawn) == len(expected)
        assert len(drawn) <= viewport.MAX_FEATURES
    assert {"cells", "features"} <= modes


def test_small_filters_send_every_item_as_before(items, places):
    few = filter_items(items, ItemFilter(categories=("school",)))
    assert len(_located_ids(few)) <= viewport.LARGE
    fg, plan = viewport.map_layer(few, items, places, view=(0, 0, 1, 1))  # the view does not matter
    assert plan.mode == "all"
    assert _layer_ids(fg)[0] == _located_ids(few)


def test_coarse_items_keep_their_place_badges_in_per_view_mode(items, places):
    fg, plan = viewport.map_layer(items, items, places, view=viewport.index_for(items).bounds())
    assert plan.per_view
    badges = []

    def walk(el):
        data = getattr(el, "data", None)
        if isinstance(data, dict):
            badges.extend(f for f in data.get("features", []) if str(f.get("id")).startswith("area:"))
        for ch in getattr(el, "_children", {}).values():
            walk(ch)

    walk(fg)
    assert badges, "items known only to a town must still show as counts at the town seat"


def test_view_from_returned_reads_st_folium_bounds_and_undoes_gcj02():
    from geo.coords import convert

    ret = {"bounds": {"_southWest": {"lat": 28.7, "lng": 121.0}, "_northEast": {"lat": 28.9, "lng": 121.3}}, "zoom": 11}
    assert viewport.view_from_returned(ret) == ((121.0, 28.7, 121.3, 28.9), 11)
    box, _ = viewport.view_from_returned(ret, "gcj02")
    assert box[0] == pytest.approx(convert(121.0, 28.7, "gcj02", "wgs84")[0])
    assert viewport.view_from_returned({"bounds": {"_southWest": {"lat": None, "lng": None}}}) == (None, None)
    assert viewport.view_from_returned(None) == (None, None)


@pytest.mark.slow
def test_payload_per_rerun_is_bounded_at_100k(places):
    items = generate(100_000, PLACES, seed=5)
    strings, plan = child.build_default_view(items, places)
    assert plan.mode == "cells"
    sizes = [len(json.dumps(strings, ensure_ascii=False).encode())]
    whole = viewport.index_for(items).bounds()
    w, s, e, n = whole
    for frac in (0.5, 0.2, 0.08, 0.03, 0.01):  # zooming in step by step on the county's centre
        cx, cy = (w + e) / 2, (s + n) / 2
        view = (cx - (e - w) * frac, cy - (n - s) * frac, cx + (e - w) * frac, cy + (n - s) * frac)
        m = child.copy.deepcopy(viewport_base(places, whole))
        fg, plan = viewport.map_layer(items, items, places, view=view)
        sizes.append(len(json.dumps(child.render_for_component(m, fg), ensure_ascii=False).encode()))
        assert len(plan.features) <= viewport.MAX_FEATURES
    assert max(sizes) <= 2_000_000, sizes


def viewport_base(places, bounds):
    from geo.mapview import base_map, get_basemap

    return base_map(basemap=get_basemap("osm"), bounds=bounds, places=places)


@pytest.mark.slow
def test_bench_quick_prints_the_json_line(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GEO_STORE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "geo", "bench", "--quick"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    for size in ("1000", "10000"):
        for key in ("build_s", "payload_bytes", "filter_s", "peak_mb"):
            assert isinstance(result["ours"][size][key], (int, float)), (size, key, result["ours"][size])
        for key in ("build_s", "payload_bytes"):
            assert isinstance(result["naive"][size][key], (int, float)), (size, key, result["naive"][size])
        render = result["render"][size]
        for key in ("render_s", "bytes", "cli_s", "x_faster", "x_smaller"):
            assert isinstance(render[key], (int, float)), (size, key, render)
        assert isinstance(render["drawn_s"], (int, float)) or render.get("skipped"), render
    assert result["extract_chars_per_s"] > 0
    assert "items" in proc.stdout and "naive" in proc.stdout  # the table came first
    assert not (ROOT / "data" / "bench").exists()
