"""``python -m geo validate``: exit 0 when valid, 1 with one readable line per problem, never a traceback."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_item

ROOT = Path(__file__).resolve().parent.parent


def run_validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", "validate", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def write(tmp_path: Path, doc, name="in.geojson") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def test_valid_file_exits_zero(tmp_path):
    point = make_item("ok-1", geometry={"type": "Point", "coordinates": [121.1, 28.9]}, precision="site",
                      geometry_source="manual")
    proc = run_validate(write(tmp_path, collection(point, make_item("ok-2"))))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "valid" in proc.stdout


def test_bundled_projects_file_is_valid_when_present():
    path = ROOT / "data" / "projects.geojson"
    if not path.exists():
        pytest.skip("data/projects.geojson is produced by `python -m geo build`")
    proc = run_validate(path)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize("mutate, expect", [
    (lambda f: f["properties"].pop("status"), "status: is missing"),
    (lambda f: f["properties"].update(category="spaceport"), "'spaceport' is not a known code"),
    (lambda f: f["properties"].update(colour="red"), "colour: is not a field of the contract"),
    (lambda f: f.update(geometry={"type": "Point", "coordinates": [28.9, 121.1]}), "swapped"),
    (lambda f: f.update(geometry={"type": "Point", "coordinates": [40512345.2, 3201234.5]}), "projected CRS"),
    (lambda f: f.update(geometry={"type": "Polygon", "coordinates": [[[121.0, 28.0], [121.1, 28.1], [121.1, 28.0],
                                                                      [121.0, 28.1], [121.0, 28.0]]]}),
     "invalid polygon"),
    (lambda f: f["properties"].update(precision="site"), "no geometry"),
])
def test_each_problem_is_one_line_naming_feature_and_field(tmp_path, mutate, expect):
    bad = make_item("bad-1")
    mutate(bad)
    proc = run_validate(write(tmp_path, collection(make_item("good-1"), bad)))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if expect in line]
    assert lines, proc.stdout
    assert all("bad-1" in line for line in lines)
    assert "good-1" not in proc.stdout


@pytest.mark.parametrize("content, expect", [
    ("", "empty"),
    ('{"type": "FeatureCollection", "features": [', "truncated"),
    ("not json at all", "not valid JSON"),
    (json.dumps({"type": "Topology"}), "expected a GeoJSON FeatureCollection"),
    ("[" * 10000 + "]" * 10000, "nested"),
    (json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:4549"}},
                 "features": []}), "crs"),
])
def test_broken_files_get_a_clear_line(tmp_path, content, expect):
    proc = run_validate(write(tmp_path, content))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert expect in proc.stdout


def test_duplicate_ids_are_reported(tmp_path):
    proc = run_validate(write(tmp_path, collection(make_item("dup"), make_item("dup"))))
    assert proc.returncode == 1 and "is used by 2 features" in proc.stdout


def test_binary_and_missing_files(tmp_path):
    binary = tmp_path / "x.geojson"
    binary.write_bytes(bytes(range(256)) * 4)
    proc = run_validate(binary)
    assert proc.returncode == 1 and "not UTF-8" in proc.stdout and "Traceback" not in proc.stderr
    proc = run_validate(tmp_path / "nope.geojson")
    assert proc.returncode == 1 and "cannot be opened" in proc.stdout
