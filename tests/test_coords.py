"""geo.coords against published values, round trips and the accuracy of the GCJ-02 inverse."""
from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from geo import coords
from geo.config import PROJECT_ROOT

SOURCES = PROJECT_ROOT.parent / "shared" / "data" / "gazetteer-sources"


def metres(a, b) -> float:
    """Haversine distance between two (lon, lat) pairs, in metres."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def published_pairs():
    """(name, gcj02, wgs84) from places.csv: each GCJ-02 row is followed by its WGS-84 conversion."""
    path = SOURCES / "places.csv"
    if not path.is_file():
        pytest.skip(f"shared gazetteer sources not present at {path}")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    pairs = []
    for gcj, wgs in zip(rows, rows[1:]):
        if gcj["datum"] == "GCJ-02" and wgs["datum"].startswith("WGS-84 (converted") and gcj["name"] == wgs["name"]:
            pairs.append((gcj["name"], (float(gcj["lon"]), float(gcj["lat"])), (float(wgs["lon"]), float(wgs["lat"]))))
    assert pairs, "places.csv has no GCJ-02/WGS-84 row pairs"
    return pairs


def test_gcj02_to_wgs84_matches_published_conversions():
    for name, gcj, wgs in published_pairs():
        got = coords.gcj02_to_wgs84(*gcj)
        # the published values are rounded to 6 decimals (≈ 0.1 m), so allow that rounding
        assert metres(got, wgs) < 0.15, name
        # and the forward transform lands back on the published GCJ-02 value
        assert metres(coords.wgs84_to_gcj02(*wgs), gcj) < 0.15, name


def test_offset_near_dongcheng_is_hundreds_of_metres():
    # The conversion is not the identity: the GCJ-02 offset in Zhejiang is about half a kilometre.
    for _name, gcj, wgs in published_pairs():
        assert 300 < metres(gcj, wgs) < 800


# Published fixture of wandergis/coordtransform (test/app.js, README), reproduced by many ports.
COORDTRANSFORM_INPUT = (116.404, 39.915)


def test_forward_transforms_match_coordtransform_fixture():
    assert coords.wgs84_to_gcj02(*COORDTRANSFORM_INPUT) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-12)
    assert coords.gcj02_to_bd09(*COORDTRANSFORM_INPUT) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-12)


def test_inverse_transforms_agree_with_coordtransform_closed_forms_within_their_error():
    # coordtransform's inverses are one-shot approximations; ours iterate, so they differ by the
    # approximation error (centimetres for BD-09, metres for GCJ-02) but not more.
    assert metres(coords.bd09_to_gcj02(*COORDTRANSFORM_INPUT), (116.39762729119315, 39.90865673957631)) < 0.1
    assert metres(coords.gcj02_to_wgs84(*COORDTRANSFORM_INPUT), (116.39775550083061, 39.91359571849836)) < 5


china_lon = st.floats(min_value=73.7, max_value=134.8, allow_nan=False)
china_lat = st.floats(min_value=18.2, max_value=53.5, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(china_lon, china_lat)
def test_gcj02_inverse_is_accurate_to_a_centimetre(lon, lat):
    gcj = coords.wgs84_to_gcj02(lon, lat)
    back = coords.gcj02_to_wgs84(*gcj)
    assert metres(back, (lon, lat)) < 0.01


@settings(max_examples=300, deadline=None)
@given(china_lon, china_lat)
def test_bd09_round_trips(lon, lat):
    assert metres(coords.bd09_to_gcj02(*coords.gcj02_to_bd09(lon, lat)), (lon, lat)) < 0.01
    assert metres(coords.bd09_to_wgs84(*coords.wgs84_to_bd09(lon, lat)), (lon, lat)) < 0.01


@settings(max_examples=100, deadline=None)
@given(china_lon, china_lat, st.sampled_from(coords.DATUMS), st.sampled_from(coords.DATUMS))
def test_convert_round_trips_between_any_datums(lon, lat, src, dst):
    there = coords.convert(lon, lat, src, dst)
    assert metres(coords.convert(*there, dst, src), (lon, lat)) < 0.01


@pytest.mark.parametrize("point", [(2.35, 48.85), (-74.0, 40.7), (151.2, -33.9)])
def test_gcj_leaves_points_outside_china_unchanged(point):
    assert coords.wgs84_to_gcj02(*point) == point
    assert coords.gcj02_to_wgs84(*point) == point


def test_convert_geometry_returns_new_geometry_and_keeps_input():
    polygon = {"type": "Polygon", "coordinates": [[[121.26, 28.92], [121.27, 28.92], [121.27, 28.93], [121.26, 28.92]]]}
    snapshot = json.dumps(polygon)
    out = coords.convert_geometry(polygon, "gcj02", "wgs84")
    assert json.dumps(polygon) == snapshot
    assert out["type"] == "Polygon"
    for got, original in zip(out["coordinates"][0], polygon["coordinates"][0]):
        assert tuple(got) == pytest.approx(coords.gcj02_to_wgs84(*original))
    collection = {"type": "GeometryCollection", "geometries": [
        {"type": "Point", "coordinates": [121.26, 28.92, 12.5]},
        {"type": "MultiLineString", "coordinates": [[[121.26, 28.92], [121.27, 28.93]]]}]}
    out = coords.convert_geometry(collection, "wgs84", "bd09")
    assert out["geometries"][0]["coordinates"][2] == 12.5  # elevation kept
    assert tuple(out["geometries"][1]["coordinates"][0][1]) == pytest.approx(coords.wgs84_to_bd09(121.27, 28.93))
    assert coords.convert_geometry(None, "gcj02", "wgs84") is None


def test_county_outline_conversion_matches_shared_converted_file():
    gcj_path, wgs_path = SOURCES / "linhai_county_amap_gcj02.geojson", SOURCES / "linhai_county_amap_wgs84_converted.geojson"
    if not gcj_path.is_file():
        pytest.skip("shared county outline not present")
    gcj = json.loads(gcj_path.read_text(encoding="utf-8"))["features"][0]["geometry"]
    wgs = json.loads(wgs_path.read_text(encoding="utf-8"))["features"][0]["geometry"]
    ours = coords.convert_geometry(gcj, "gcj02", "wgs84")
    worst = max(metres(a, b) for a, b in zip(ours["coordinates"][0][0], wgs["coordinates"][0][0]))
    assert worst < 0.15


def test_bad_datum_and_bad_numbers_raise_clear_errors():
    with pytest.raises(coords.DatumError, match="unknown datum 'mars'"):
        coords.convert(121.0, 28.0, "mars", "wgs84")
    with pytest.raises(coords.DatumError, match="not a pair of numbers"):
        coords.convert("x", 28.0, "gcj02", "wgs84")
    assert coords.normalise_datum("WGS-84") == "wgs84" and coords.normalise_datum("BD-09") == "bd09"


def run_cli(*argv):
    return subprocess.run([sys.executable, "-m", "geo", *argv], capture_output=True, text=True, cwd=PROJECT_ROOT)


def test_cli_convert_prints_converted_point():
    name, gcj, wgs = published_pairs()[0]
    done = run_cli("convert", "--from", "gcj02", "--to", "wgs84", str(gcj[0]), str(gcj[1]))
    assert done.returncode == 0, done.stderr
    lon, lat = map(float, done.stdout.split())
    assert metres((lon, lat), wgs) < 0.15
    done = run_cli("convert", "--from", "wgs84", "--to", "bd09", "--json", "121.2", "28.9")
    assert json.loads(done.stdout)["to"] == "bd09"


def test_cli_convert_bad_input_is_one_line_error():
    done = run_cli("convert", "--from", "mars", "--to", "wgs84", "121", "28")
    assert done.returncode == 1 and "unknown datum" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("convert", "--from", "gcj02", "--to", "wgs84", "east", "28")
    assert done.returncode == 1 and "must be numbers" in done.stderr
