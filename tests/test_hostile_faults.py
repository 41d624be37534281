"""Faults: online geocoders down, slow, erroring or over quota during a BUILD; missing or corrupt data
files and a leftover temp file when the app starts. (Concurrent saves, kills during a save and the
audit log's cut last line are in tests/test_store_file.py; the geocoder chain alone in
tests/test_geocode.py.)
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.build import MAX_PROVIDER_FAILURES, build_plan
from geo.store import open_store
from tests import app_data
from tests.test_build import town  # noqa: F401  (fixture: a gazetteer whose places have no geometry yet)
from tests.test_geocode import StandIn
from tests.test_store_file import CRASH_AT_RENAME

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: connections are refused


@pytest.fixture
def online(monkeypatch, tmp_path):
    monkeypatch.setenv("GEO_DATA_DIR", str(tmp_path))  # geocode cache goes here
    for name in ("TIANDITU_KEY", "AMAP_KEY", "NOMINATIM_USER_AGENT", "TIANDITU_URL", "AMAP_URL", "NOMINATIM_URL"):
        monkeypatch.delenv("GEO_" + name, raising=False)
    monkeypatch.setenv("GEO_AMAP_KEY", "test-key")
    return monkeypatch


FAULTS = {
    "down": None,  # nothing listens
    "slow": lambda p, q: (None, None),  # the stand-in hangs past the client's timeout
    "quota": lambda p, q: (200, {"status": "0", "info": "DAILY_QUERY_OVER_LIMIT", "infocode": "10003"}),
    "bad key": lambda p, q: (200, {"status": "0", "info": "INVALID_USER_KEY", "infocode": "10001"}),
    "server error": lambda p, q: (502, b"<html>502 Bad Gateway</html>"),
    "garbage": lambda p, q: (200, b"\x00\xffnot json"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_build_finishes_with_every_step_when_the_geocoder_fails(town, online, fault):  # noqa: F811
    data, plan = town
    offline = build_plan(plan, data / "offline" / "projects.geojson", places_path=data / "places.geojson")
    answer = FAULTS[fault]
    t0 = time.monotonic()
    if answer is None:
        online.setenv("GEO_AMAP_URL", f"http://127.0.0.1:{_dead_port()}/v3/geocode/geo")
        report = build_plan(plan, data / "projects.geojson", places_path=data / "places.geojson", online=True,
                            online_timeout=0.5)
        requests = None
    else:
        with StandIn(answer) as srv:
            online.setenv("GEO_AMAP_URL", srv.url + "/v3/geocode/geo")
            report = build_plan(plan, data / "projects.geojson", places_path=data / "places.geojson", online=True,
                                online_timeout=0.5)
            requests = len({r["query"].get("address") for r in srv.requests})  # lookups (the HTTP client retries)
    elapsed = time.monotonic() - t0
    # every step ran: items extracted, located from the gazetteer, merged, validated
    assert report.items == offline.items > 0
    assert report.counts == offline.counts and report.areas == offline.areas
    assert report.merge is not None and len(report.merge.added) == report.items
    assert len(open_store(data).load()) == report.items
    assert report.problems == []
    # the failure is reported once, as a build warning, and the provider is dropped after a few tries
    lines = report.lines()
    failed = [w for w in report.warnings if w.startswith("online:amap failed")]
    assert len(failed) == 1, report.warnings
    assert "not asked again" in failed[0] and "gazetteer locations" in failed[0]
    assert any(line.startswith("warning: online:amap failed") for line in lines)
    if requests is not None:
        assert requests <= MAX_PROVIDER_FAILURES
    assert elapsed < 30, f"a failing geocoder held the build for {elapsed:.0f} s"


def test_build_cli_with_a_dead_geocoder_exits_0_with_a_warning(town, online, tmp_path):  # noqa: F811
    data, plan = town
    env_url = f"http://127.0.0.1:{_dead_port()}/v3/geocode/geo"
    online.setenv("GEO_AMAP_URL", env_url)
    import os
    proc = subprocess.run([sys.executable, "-m", "geo", "build", str(plan), "-o", str(data / "projects.geojson"),
                           "--places", str(data / "places.geojson"), "--online"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=os.environ.copy())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "warning: online:amap failed" in proc.stdout and "validation: ok" in proc.stdout


# ---- the app with missing, corrupt or half-written files -------------------------------------------------------
@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = app_data.build(tmp_path / "data")
    monkeypatch.setenv("GEO_DATA_DIR", str(d))
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    return d


def _run() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _messages(at: AppTest) -> str:
    return "\n".join([m.value for m in at.error] + [m.value for m in at.warning] + [m.value for m in at.info])


def test_corrupt_gazetteer_is_named_with_its_fix_and_items_still_show(data_dir):
    (data_dir / "places.geojson").write_bytes(b'{"type": "FeatureCollection", "features": [{"type": "Fea')
    at = _run()
    text = _messages(at)
    assert "places.geojson" in text and "python -m geo gazetteer seed" in text
    assert any(f"共 {len(app_data.features())} 项" in m.value for m in at.markdown)  # items are still there


def test_missing_gazetteer_is_named_with_its_fix(data_dir):
    (data_dir / "places.geojson").unlink()
    at = _run()
    text = _messages(at)
    assert "places.geojson: not found" in text and "python -m geo gazetteer seed" in text


def test_corrupt_projects_file_is_an_error_naming_file_and_fix(data_dir):
    (data_dir / "projects.geojson").write_bytes(b"\xff\xfe garbage \x00")
    at = _run()
    assert at.error and "projects.geojson" in at.error[0].value
    assert "restore it from backup or git" in at.error[0].value


def test_projects_file_of_the_wrong_kind_is_an_error(data_dir):
    (data_dir / "projects.geojson").write_text('{"type": "Topology", "objects": {}}', encoding="utf-8")
    at = _run()
    assert at.error and "not a GeoJSON FeatureCollection" in at.error[0].value


def test_app_start_recovers_a_killed_save_and_says_so(data_dir):
    before = (data_dir / "projects.geojson").read_bytes()
    proc = subprocess.run([sys.executable, "-c", CRASH_AT_RENAME.replace('"a-1"', '"t-0001"'), str(data_dir),
                           str(ROOT)], timeout=120)
    assert proc.returncode != 0  # killed at the commit point
    assert list(data_dir.glob(".projects.geojson.tmp-*")), "the killed save left its temp file"
    at = _run()
    warnings = [w.value for w in at.warning if "recovered" in w.value]
    assert len(warnings) == 1 and str(data_dir / "recovered") in warnings[0], _messages(at)
    assert not list(data_dir.glob(".projects.geojson.tmp-*"))
    assert (data_dir / "projects.geojson").read_bytes() == before  # the last good file
    assert any(f"共 {len(app_data.features())} 项" in m.value for m in at.markdown)
