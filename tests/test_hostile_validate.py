"""Hostile GeoJSON through ``python -m geo validate``: locations outside the county (with distance),
GCJ-02/BD-09 coordinates labelled WGS-84, invalid polygons repaired into a copy, unknown codes,
a million features. (Broken JSON, truncation, crs, projected metres, swapped axes, duplicate ids
and deep nesting are in tests/test_validate_cli.py.)

Test geometries are derived from the bundled gazetteer's sourced points (town seats, the county
outline) by stated offsets; no coordinate is typed in.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo import coords
from geo.validate import MAX_FEATURES, validate_path
from tests.conftest import make_item

ROOT = Path(__file__).resolve().parent.parent
PLACES = ROOT / "data" / "places.geojson"


def _places() -> list[dict]:
    return json.loads(PLACES.read_text(encoding="utf-8"))["features"]


def _seats() -> list[tuple[str, float, float]]:
    return [(f["properties"]["name"], *f["geometry"]["coordinates"]) for f in _places()
            if f["properties"]["kind"] == "town" and f["geometry"] and f["geometry"]["type"] == "Point"]


def _county_east_vertex() -> tuple[float, float]:
    county = next(f for f in _places() if f["properties"]["kind"] == "county")
    verts = [p for poly in county["geometry"]["coordinates"] for ring in poly for p in ring]
    return max(verts, key=lambda p: p[0])


def validate(tmp_path: Path, features, *extra, name="in.geojson") -> subprocess.CompletedProcess:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")
    return subprocess.run([sys.executable, "-m", "geo", "validate", str(path), "--places", str(PLACES), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def point(item_id, lon, lat, **props):
    return make_item(item_id, geometry={"type": "Point", "coordinates": [lon, lat]}, precision="site",
                     geometry_source="manual", **props)


def _metres_east(lon, lat, metres_east=0.0, metres_north=0.0):
    import math
    return (lon + metres_east / (111_320.0 * math.cos(math.radians(lat))), lat + metres_north / 110_574.0)


# ---- outside the county ---------------------------------------------------------------------------------
def test_point_outside_the_county_is_a_warning_with_its_distance(tmp_path):
    vlon, vlat = _county_east_vertex()
    # 0.1° east of the easternmost vertex: nothing of the county is closer than that vertex.
    expected_km = 0.1 * 111.320 * __import__("math").cos(__import__("math").radians(vlat))
    name, slon, slat = _seats()[0]
    proc = validate(tmp_path, [point("far-1", vlon + 0.1, vlat), point("home-1", slon, slat)])
    assert proc.returncode == 0, proc.stdout  # a warning, not an error
    lines = [ln for ln in proc.stdout.splitlines() if "outside the outline" in ln]
    assert len(lines) == 1 and lines[0].startswith("warning: feature far-1: geometry:"), proc.stdout
    km = float(re.search(r"lies ([\d.]+) km outside", lines[0]).group(1))
    assert km == pytest.approx(expected_km, abs=0.15)
    assert "临海市" in lines[0] and "home-1" not in proc.stdout


def test_line_crossing_the_county_line_is_not_outside(tmp_path):
    vlon, vlat = _county_east_vertex()
    name, slon, slat = _seats()[0]
    line = make_item("line-1", geometry={"type": "LineString", "coordinates": [[slon, slat], [vlon + 0.2, vlat]]},
                     precision="segment", geometry_source="draw")
    proc = validate(tmp_path, [line])
    assert proc.returncode == 0 and "outside the outline" not in proc.stdout, proc.stdout


def test_without_a_gazetteer_there_is_no_location_check(tmp_path):
    vlon, vlat = _county_east_vertex()
    proc = validate(tmp_path, [point("far-1", vlon + 0.1, vlat)], "--no-places")
    assert proc.returncode == 0 and "outside" not in proc.stdout


def test_unreadable_gazetteer_is_a_warning_not_a_crash(tmp_path):
    bad = tmp_path / "places.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    path = tmp_path / "in.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [make_item("a-1")]}), "utf-8")
    proc = subprocess.run([sys.executable, "-m", "geo", "validate", str(path), "--places", str(bad)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert "places.geojson cannot be read" in proc.stdout and "gazetteer seed" in proc.stdout


# ---- GCJ-02 / BD-09 labelled WGS-84 ---------------------------------------------------------------------
@pytest.mark.parametrize("datum, label", [("gcj02", "GCJ-02"), ("bd09", "BD-09")])
def test_item_on_the_shifted_position_of_the_place_it_names_is_flagged(tmp_path, datum, label):
    name, lon, lat = next(s for s in _seats() if s[0] == "东塍镇")
    slon, slat = coords.convert(lon, lat, "wgs84", datum)
    shift_m = coords_distance_m((lon, lat), (slon, slat))
    proc = validate(tmp_path, [point("shifted-1", slon, slat, name="东塍镇综合服务中心", places=[name]),
                               point("true-1", lon, lat, name="东塍镇政府", places=[name])])
    assert proc.returncode == 0
    lines = [ln for ln in proc.stdout.splitlines() if f"look like {label}" in ln]
    assert len(lines) == 1 and "shifted-1" in lines[0], proc.stdout
    offset = float(re.search(r"estimated offset (\d+) m", lines[0]).group(1))
    assert offset == pytest.approx(shift_m, abs=2)
    assert "--datum" in lines[0] and "python -m geo import" in lines[0]
    assert "true-1" not in proc.stdout


def coords_distance_m(a, b):
    from geo.validate_location import metres_between
    return metres_between(a, b)


def test_a_whole_file_shifted_by_the_gcj_offset_is_flagged_once(tmp_path):
    """Sites spread around the towns they name (never on the shifted spot): only the median gives it away."""
    spread = [(150, 0), (-150, 0), (0, 150), (0, -150), (0, 0)]
    gcj, wgs = [], []
    for i, (name, lon, lat) in enumerate(_seats()[:5]):
        de, dn = spread[i]
        glon, glat = coords.wgs84_to_gcj02(lon, lat)
        gcj.append(point(f"g-{i}", *_metres_east(glon, glat, de, dn), places=[name]))
        wgs.append(point(f"w-{i}", *_metres_east(lon, lat, de, dn), places=[name]))
    proc = validate(tmp_path, gcj)
    file_lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("warning: in.geojson:") and "GCJ-02" in ln]
    assert len(file_lines) == 1, proc.stdout
    assert re.search(r"5 items .* median \d+ m", file_lines[0]) and "--datum gcj02" in file_lines[0]
    proc = validate(tmp_path, wgs, name="wgs.geojson")
    assert "GCJ-02" not in proc.stdout and "BD-09" not in proc.stdout, proc.stdout


def test_bundled_data_raises_no_location_warning():
    problems = validate_path(ROOT / "data" / "projects.geojson", places=PLACES)
    assert not [p for p in problems if "outside" in p.message or "look like" in p.message], problems[:3]


# ---- invalid polygons: report and repair into a copy ---------------------------------------------------
def test_make_valid_writes_a_repaired_copy_and_never_touches_the_input(tmp_path):
    name, lon, lat = _seats()[0]
    d = 0.01
    bowtie = [[lon, lat], [lon + d, lat + d], [lon + d, lat], [lon, lat + d], [lon, lat]]
    bad = make_item("bow-1", geometry={"type": "Polygon", "coordinates": [bowtie]}, precision="site",
                    geometry_source="draw")
    good = point("ok-1", lon, lat)
    proc = validate(tmp_path, [bad, good])
    assert proc.returncode == 1 and "invalid polygon" in proc.stdout and "--make-valid" in proc.stdout
    src = tmp_path / "in.geojson"
    before = src.read_bytes()
    out = tmp_path / "fixed.geojson"
    proc = subprocess.run([sys.executable, "-m", "geo", "validate", str(src), "--places", str(PLACES),
                           "--make-valid", "-o", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "repaired 1 polygon(s): bow-1" in proc.stdout
    assert src.read_bytes() == before
    fixed = {f["id"]: f for f in json.loads(out.read_text("utf-8"))["features"]}
    from shapely.geometry import shape
    geom = shape(fixed["bow-1"]["geometry"])
    assert geom.is_valid and geom.geom_type == "MultiPolygon" and len(geom.geoms) == 2
    assert geom.area == pytest.approx(d * d / 2, rel=1e-6)  # two triangles of a quarter square each
    assert fixed["ok-1"] == json.loads(before)["features"][1]
    assert not [p for p in validate_path(out) if p.severity == "error"]


def test_make_valid_refuses_to_overwrite_the_input(tmp_path):
    proc = validate(tmp_path, [make_item("a-1")])
    src = tmp_path / "in.geojson"
    proc = subprocess.run([sys.executable, "-m", "geo", "validate", str(src), "--make-valid", "-o", str(src)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "is the input file" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "geo", "validate", str(src), "--make-valid"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "needs -o OUT" in proc.stderr + proc.stdout


# ---- unknown codes ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("field, value", [("status", "done-ish"), ("category", "spaceport"), ("precision", "gps")])
def test_unknown_codes_name_the_feature_and_the_allowed_codes(tmp_path, field, value):
    bad = make_item("bad-1", **{field: value})
    proc = validate(tmp_path, [make_item("good-1"), bad])
    assert proc.returncode == 1
    line = next(ln for ln in proc.stdout.splitlines() if f"feature bad-1: {field}:" in ln)
    assert f"{value!r} is not a known code" in line and "use one of:" in line
    assert "good-1" not in proc.stdout


# ---- a million features ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_million_features_are_refused_quickly_with_little_memory(tmp_path):
    path = tmp_path / "million.geojson"
    feature = '{"type":"Feature","id":"f-%d","geometry":null,"properties":{}}'
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"type":"FeatureCollection","features":[\n')
        fh.write(",\n".join(feature % i for i in range(1_000_000)))
        fh.write("\n]}\n")
    size_mb = path.stat().st_size / 2**20
    # Run the CLI in a child that reports its own peak memory (kB).
    wrapper = ("import runpy, sys\n"
               "sys.argv = ['geo', 'validate', sys.argv[1], '--no-places']\n"
               "code = 0\n"
               "try:\n    runpy.run_module('geo', run_name='__main__')\n"
               "except SystemExit as exc:\n    code = exc.code\n"
               # VmHWM: peak RSS of this program (ru_maxrss would include the forking parent's before exec)
               "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
               "print('maxrss_kb', hwm, file=sys.stderr)\n"
               "sys.exit(code)\n")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", wrapper, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    elapsed = time.perf_counter() - t0
    out, err = proc.stdout, proc.stderr
    assert proc.returncode == 1, out + err
    assert "Traceback" not in err
    assert f"over the limit of {MAX_FEATURES}" in out and "split the file" in out
    assert "1000000 features" in out
    peak_mb = int(re.search(r"maxrss_kb (\d+)", err).group(1)) / 1024
    assert peak_mb < 3 * size_mb + 120, f"peak {peak_mb:.0f} MB for a {size_mb:.0f} MB file: it was parsed"
    print(f"\n1e6-feature file ({size_mb:.0f} MB) refused in {elapsed:.1f} s, peak memory {peak_mb:.0f} MB")


def test_refusal_happens_before_parsing(tmp_path, monkeypatch):
    """The count comes from the text: json.loads is never reached for an oversized collection."""
    import geo.validate as v
    monkeypatch.setattr(v, "MAX_FEATURES", 10)
    feats = [make_item(f"f-{i}") for i in range(11)]
    path = tmp_path / "eleven.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    monkeypatch.setattr(v.json, "loads", lambda *a, **k: pytest.fail("parsed an oversized file"))
    problems = v.validate_path(path)
    assert len(problems) == 1 and "11 features is over the limit of 10" in problems[0].message
