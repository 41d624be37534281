"""Geocoder chain against stand-in servers on 127.0.0.1 that answer in each provider's documented format."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from geo import coords
from geo.config import PROJECT_ROOT
from geo.gazetteer import load_gazetteer, write_places
from geo.geocode import GeocodeCache, GeocoderChain, accept_suggestion, configured_providers


class StandIn:
    """A tiny HTTP server; ``answer(path, query) -> (status, body)`` decides each reply, requests are logged."""

    def __init__(self, answer):
        self.answer, self.requests = answer, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                outer.requests.append({"path": parts.path, "query": query, "ua": self.headers.get("User-Agent"),
                                       "t": time.monotonic()})
                status, body = outer.answer(parts.path, query)
                if status is None:  # simulate a hung server: the client times out
                    time.sleep(1.5)
                    status, body = 200, {}
                data = json.dumps(body, ensure_ascii=False).encode() if not isinstance(body, bytes) else body
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _props(pid, name, kind, aliases, parent, **extra):
    base = {"id": pid, "name": name, "aliases": aliases, "kind": kind, "admin_code": None, "parent": parent,
            "precision": "none", "source": "test", "licence": None, "datum": None, "geometry_source": None,
            "version": 1, "updated_at": "2026-01-01T00:00:00+00:00", "updated_by": "test", "listing": "current"}
    base.update(extra)
    return base


# The test town's seat and the county box are derived from one arbitrary GCJ-02 point, as a source would give.
SEAT_GCJ = (121.30, 28.90)
SEAT = coords.gcj02_to_wgs84(*SEAT_GCJ)
BOX = [[SEAT[0] - 0.3, SEAT[1] - 0.3], [SEAT[0] + 0.3, SEAT[1] - 0.3], [SEAT[0] + 0.3, SEAT[1] + 0.3],
       [SEAT[0] - 0.3, SEAT[1] + 0.3], [SEAT[0] - 0.3, SEAT[1] - 0.3]]


@pytest.fixture
def gaz(tmp_path):
    write_places(tmp_path / "places.geojson", [
        {"type": "Feature", "id": "C", "geometry": {"type": "Polygon", "coordinates": [BOX]},
         "properties": _props("C", "甲市", "county", ["甲"], None, precision="boundary", geometry_source="seed")},
        {"type": "Feature", "id": "T", "geometry": {"type": "Point", "coordinates": list(SEAT)},
         "properties": _props("T", "乙镇", "town", ["乙"], "C", precision="site", geometry_source="seed", represents="seat")},
        {"type": "Feature", "id": "V", "geometry": None, "properties": _props("V", "岭根村", "village", ["岭根"], "T")},
        {"type": "Feature", "id": "R", "geometry": None, "properties": _props("R", "水口山水库", "reservoir", [], "T")},
    ])
    return load_gazetteer(tmp_path / "places.geojson")


@pytest.fixture
def online_env(monkeypatch, tmp_path):
    monkeypatch.setenv("GEO_DATA_DIR", str(tmp_path))
    for name in ("TIANDITU_KEY", "AMAP_KEY", "NOMINATIM_USER_AGENT", "TIANDITU_URL", "AMAP_URL", "NOMINATIM_URL"):
        monkeypatch.delenv("GEO_" + name, raising=False)
    return monkeypatch


def test_offline_chain_never_places_a_village_on_the_town_seat(gaz):
    r = GeocoderChain(gaz).geocode("岭根", town="乙镇")
    assert r.matched_name == "岭根村" and r.fallback_from == "岭根村"
    assert r.precision == "town" and not r.located and r.represents == "seat"
    unknown = GeocoderChain(gaz).geocode("没有这个地方", town="乙镇")
    assert unknown.precision == "town" and unknown.how == "context" and not unknown.located


def test_no_providers_without_configuration(online_env):
    assert configured_providers() == []


def amap_answer(gcj, level="村庄"):
    return {"status": "1", "info": "OK", "infocode": "10000", "count": "1", "geocodes": [{
        "formatted_address": "甲市乙镇岭根村", "country": "中国", "province": "某省", "city": "某市", "district": "甲市",
        "adcode": "000000", "township": [], "location": f"{gcj[0]:.6f},{gcj[1]:.6f}", "level": level}]}


def test_amap_result_is_converted_from_gcj02_and_is_only_a_suggestion(gaz, online_env, tmp_path):
    village_gcj = (SEAT_GCJ[0] + 0.05, SEAT_GCJ[1] + 0.02)
    with StandIn(lambda path, q: (200, amap_answer(village_gcj))) as srv:
        online_env.setenv("GEO_AMAP_KEY", "test-key")
        online_env.setenv("GEO_AMAP_URL", srv.url + "/v3/geocode/geo")
        chain = GeocoderChain(gaz, providers=configured_providers(timeout=2))
        r = chain.geocode("岭根", town="乙镇")
        assert srv.requests[0]["query"]["key"] == "test-key" and srv.requests[0]["query"]["address"].endswith("岭根村")
        assert r.source == "online:amap" and r.suggestion and not r.located and r.precision == "village"
        assert (r.lon, r.lat) == pytest.approx(coords.gcj02_to_wgs84(*village_gcj), abs=1e-9)
        assert r.datum_original == "gcj02"
        # asked once: the second time comes from the cache file
        again = GeocoderChain(gaz, providers=configured_providers(timeout=2)).geocode("岭根", town="乙镇")
        assert again.from_cache and len(srv.requests) == 1
    assert (tmp_path / "geocode_cache.json").exists()
    # accepted, it becomes the place's location of record
    place = accept_suggestion(gaz, r, user="editor")
    assert place["id"] == "V" and place["properties"]["geometry_source"] == "online:amap"
    assert place["properties"]["original"]["datum"] == "gcj02"
    located = GeocoderChain(load_gazetteer(gaz.path)).geocode("岭根", town="乙镇")
    assert located.located and located.precision == "village" and located.source == "gazetteer"


@pytest.mark.parametrize("body,status", [
    ({"status": "0", "info": "INVALID_USER_KEY", "infocode": "10001"}, 200),
    ({"status": "0", "info": "DAILY_QUERY_OVER_LIMIT", "infocode": "10003"}, 200),
    ({"status": "0", "info": "ACCESS_TOO_FREQUENT", "infocode": "10004"}, 200),
    ({"status": "1", "info": "OK", "infocode": "10000", "count": "0", "geocodes": []}, 200),
    (b"<html>502 Bad Gateway</html>", 502),
    (b"not json at all", 200),
    (None, 200),  # timeout
])
def test_amap_failures_degrade_to_the_next_provider(gaz, online_env, body, status):
    site_wgs = (SEAT[0] + 0.01, SEAT[1] + 0.01)
    nominatim_hit = [{"place_id": 1, "lat": str(site_wgs[1]), "lon": str(site_wgs[0]), "display_name": "水口山水库, 乙镇",
                      "category": "water", "type": "reservoir", "addresstype": "water", "place_rank": 30,
                      "importance": 0.1, "name": "水口山水库", "boundingbox": ["0", "0", "0", "0"]}]
    with StandIn(lambda p, q: (status, body)) as amap_srv, StandIn(lambda p, q: (200, nominatim_hit)) as nom_srv:
        online_env.setenv("GEO_AMAP_KEY", "k")
        online_env.setenv("GEO_AMAP_URL", amap_srv.url + "/v3/geocode/geo")
        online_env.setenv("GEO_NOMINATIM_USER_AGENT", "town-plan-map-tests (tests@example.invalid)")
        online_env.setenv("GEO_NOMINATIM_URL", nom_srv.url + "/search")
        chain = GeocoderChain(gaz, providers=configured_providers(timeout=0.5), use_cache=False)
        r = chain.geocode("水口山水库", town="乙镇")
    assert r.source == "online:nominatim" and r.precision == "site" and r.suggestion
    assert nom_srv.requests[0]["query"]["format"] == "jsonv2"
    assert "tests@example.invalid" in nom_srv.requests[0]["ua"]
    if body is not None and not (isinstance(body, dict) and body.get("count") == "0"):
        assert any("online:amap" in w for w in r.warnings)


def test_tianditu_documented_answer_and_errors(gaz, online_env):
    site_wgs = (SEAT[0] - 0.02, SEAT[1] + 0.03)
    answers = iter([
        (200, {"msg": "ok", "location": {"score": 100, "level": "兴趣点", "lon": site_wgs[0], "lat": site_wgs[1],
                                          "keyWord": "甲市乙镇水口山水库"}, "searchVersion": "6.4.9V", "status": "0"}),
        (403, {"code": 1, "msg": "非法Key", "resolve": "请到API控制台获取Key"}),
        (200, {"code": 12, "msg": "访问次数超限"}),
        (200, {"msg": "结果为空", "status": "101", "searchVersion": "6.4.9V"}),
    ])
    with StandIn(lambda p, q: next(answers)) as srv:
        online_env.setenv("GEO_TIANDITU_KEY", "tk-test")
        online_env.setenv("GEO_TIANDITU_URL", srv.url + "/geocoder")
        chain = GeocoderChain(gaz, providers=configured_providers(["tianditu"], timeout=2), use_cache=False)
        ok = chain.geocode("水口山水库", town="乙镇")
        assert json.loads(srv.requests[0]["query"]["ds"]) == {"keyWord": "甲市乙镇水口山水库"}
        assert srv.requests[0]["query"]["tk"] == "tk-test"
        assert ok.source == "online:tianditu" and (ok.lon, ok.lat) == pytest.approx(site_wgs)
        assert ok.datum_original == "cgcs2000"
        for expected in ("Insufficient", "Quota", None):
            r = chain.geocode("水口山水库", town="乙镇")
            assert r.source in (None, "gazetteer") and not r.located
            if expected:
                assert any(expected in w for w in r.warnings), r.warnings


def test_online_answer_outside_the_county_is_ignored(gaz, online_env):
    far_gcj = (SEAT_GCJ[0] + 3, SEAT_GCJ[1] + 3)
    with StandIn(lambda p, q: (200, amap_answer(far_gcj, "兴趣点"))) as srv:
        online_env.setenv("GEO_AMAP_KEY", "k")
        online_env.setenv("GEO_AMAP_URL", srv.url + "/geo")
        r = GeocoderChain(gaz, providers=configured_providers(timeout=2), use_cache=False).geocode("水口山水库", "乙镇")
    assert not r.suggestion and any("outside" in w for w in r.warnings)


def test_nominatim_is_rate_limited_to_one_request_per_second(gaz, online_env):
    with StandIn(lambda p, q: (200, [])) as srv:
        online_env.setenv("GEO_NOMINATIM_USER_AGENT", "town-plan-map-tests (tests@example.invalid)")
        online_env.setenv("GEO_NOMINATIM_URL", srv.url + "/search")
        chain = GeocoderChain(gaz, providers=configured_providers(["nominatim"], timeout=2), use_cache=False)
        chain.geocode("水口山水库", "乙镇")
        chain.geocode("岭根", "乙镇")
    assert len(srv.requests) == 2
    assert srv.requests[1]["t"] - srv.requests[0]["t"] >= 0.95


def test_geocode_cli_prints_json(tmp_path, gaz):
    env = {"PATH": "/usr/bin:/bin", "GEO_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "geo", "geocode", "岭根", "--town", "乙镇"], capture_output=True,
                          text=True, cwd=PROJECT_ROOT, env=env)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["matched_place"] == "岭根村" and out["precision"] == "town" and out["located"] is False
    assert out["source"] == "gazetteer"
    empty = subprocess.run([sys.executable, "-m", "geo", "geocode", "岭根"], capture_output=True, text=True,
                           cwd=PROJECT_ROOT, env={**env, "GEO_DATA_DIR": str(tmp_path / "none")})
    assert empty.returncode == 1 and "gazetteer seed" in empty.stderr


def test_provider_failures_are_data_not_text(gaz, online_env):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]  # closed again: connections are refused
    online_env.setenv("GEO_AMAP_KEY", "k")
    online_env.setenv("GEO_AMAP_URL", f"http://127.0.0.1:{dead}/v3/geocode/geo")
    r = GeocoderChain(gaz, providers=configured_providers(timeout=0.5), use_cache=False).geocode("水口山水库", "乙镇")
    assert [(f.provider, f.unusable) for f in r.failures] == [("amap", False)]
    failure = r.failures[0]
    assert failure.error.startswith("Geocoder") and "水口山水库" in failure.query
    # the same failure reads in either language; the English line is what logs and the CLI print
    assert failure.text("en") in r.warnings and failure.text("en").startswith("online:amap failed")
    assert "失败" in failure.text("zh")
    stand_in = [n for n in r.notes if n not in r.failures]
    assert stand_in and "stands in" in stand_in[0].text("en") and "代替" in stand_in[0].text("zh")
