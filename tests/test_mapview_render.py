"""The map builder: self-hosted assets only, escaping, honest precision, GCJ-02 display, standalone HTML."""
from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import folium
import pytest

from geo.assets import STATIC_URL, VENDOR_DIR
from geo.coords import convert
from geo.mapview import base_map, build_map, data_bounds, data_layer, get_basemap, load_places, render_html
from geo.mapview import offline
from geo.mapview.aggregate import badge_features
from tests import app_data

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    path = tmp_path_factory.mktemp("places") / "places.geojson"
    path.write_text(json.dumps(app_data.places(), ensure_ascii=False), encoding="utf-8")
    return load_places(path)


def _geojson_data(rendered: str) -> list[dict]:
    """The FeatureCollections folium embedded in the page (arguments of the *_add(...) calls)."""
    out = []
    for m in re.finditer(r"_add\((\{\"features\".*?\}|\{\"type\".*?\})\);\n", rendered):
        try:
            out.append(json.loads(m.group(1)))
        except json.JSONDecodeError:
            pass
    return out


def test_every_asset_of_the_map_is_self_hosted_and_on_disk(places):
    feats = app_data.features()
    for key in ("osm", "gaode", "esri", "none"):
        m = build_map(feats, basemap=get_basemap(key), places=places)
        urls = offline.asset_urls(m)
        assert urls, "the map must load Leaflet"
        for url in urls:
            assert url.startswith(STATIC_URL + "/"), url
            assert (VENDOR_DIR / url[len(STATIC_URL) + 1:]).is_file(), f"{url} not fetched (scripts/fetch-assets.sh)"


def test_registry_covers_every_cdn_url_of_the_plugins_we_use():
    from folium.plugins import Draw, Fullscreen, LocateControl, MarkerCluster, MeasureControl, MiniMap

    for cls in (folium.Map, Fullscreen, LocateControl, MeasureControl, MiniMap, MarkerCluster, Draw):
        for _name, url in list(cls.default_js) + list(cls.default_css):
            assert url in offline.REGISTRY, f"{cls.__name__}: {url} missing from the registry"


def test_an_unknown_cdn_url_is_refused_not_loaded():
    m = folium.Map(tiles=None)
    el = folium.MacroElement()
    el.default_js = [("x", "https://cdn.example.com/x.js")]
    m.add_child(el)
    with pytest.raises(offline.UnknownAsset, match="cdn.example.com"):
        offline.localise(m)


def test_standalone_html_inlines_everything_and_escapes_names(places):
    feats = app_data.features()
    html = render_html(feats, basemap="none", places=places)
    assert not re.search(r"<script[^>]+src=", html), "scripts must be inlined"
    assert not re.search(r"<link[^>]+stylesheet", html), "stylesheets must be inlined"
    assert STATIC_URL not in html
    # The hostile name appears only escaped: never as a tag, never able to close the script.
    assert app_data.XSS_NAME not in html
    assert "</script>\"" not in html
    shown = [f for c in _geojson_data(html) for f in c["features"] if f["id"] == "t-0005"]
    assert shown and "&lt;img src=x onerror=alert(1)&gt;" in shown[0]["properties"]["tip"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown[0]["properties"]["popup"]
    assert "<img" not in shown[0]["properties"]["tip"] + shown[0]["properties"]["popup"]


def test_coarse_items_are_counted_at_their_place_not_drawn_as_pins(places):
    feats = app_data.features()
    fg = data_layer(feats, places)
    html = folium.Map(tiles=None).add_child(fg).get_root().render()
    collections = _geojson_data(html)
    drawn_ids = {f["id"] for c in collections for f in c["features"] if not str(f["id"]).startswith(("area:", "sel-"))}
    expected_located = {f["id"] for f in feats if f["geometry"] and f["properties"]["precision"] not in
                        ("village", "town", "none")}
    assert drawn_ids == expected_located
    badges = badge_features([f for f in feats if f["id"] not in expected_located], places)
    # every coarse item is in exactly one badge when its area has a place point
    assert sum(b["properties"]["count"] for b in badges) == len(feats) - len(expected_located)
    village_badge = next(b for b in badges if b["properties"]["areas"] == ["甲村"])
    assert village_badge["geometry"] == places.point_for("甲村")["geometry"]


def test_an_area_without_a_place_point_gets_no_badge(places):
    item = copy.deepcopy(app_data.features()[-1])
    item["properties"]["area"] = "无名村"
    assert badge_features([item], places) == []


def test_gaode_basemap_converts_overlays_for_display_only(places):
    feats = app_data.features()
    before = copy.deepcopy(feats)
    html = build_map(feats, basemap=get_basemap("gaode"), places=places).get_root().render()
    assert feats == before, "stored features must not change"
    school = next(f for f in feats if f["geometry"] and f["geometry"]["type"] == "Point")
    x, y = school["geometry"]["coordinates"]
    # test origin is inside China's GCJ-02 box, so the display position must move
    gx, gy = convert(x, y, "wgs84", "gcj02")
    shown = [f for c in _geojson_data(html) for f in c["features"] if f["id"] == school["id"]][0]
    assert shown["geometry"]["coordinates"] == pytest.approx([gx, gy], abs=1e-9)
    assert shown["geometry"]["coordinates"] != pytest.approx([x, y], abs=1e-5)


def test_base_map_does_not_depend_on_the_filter(places):
    """The app caches the base map: it is built from all items, so filtering cannot change its script."""
    feats = app_data.features()
    a = base_map(basemap=get_basemap("osm"), bounds=data_bounds(feats, places), places=places)
    b = base_map(basemap=get_basemap("osm"), bounds=data_bounds(feats, places), places=places)
    from streamlit_folium import _get_map_string, generate_js_hash
    # st_folium remounts the map only when this hash changes
    assert generate_js_hash(_get_map_string(a), "map") == generate_js_hash(_get_map_string(b), "map")
    c = base_map(basemap=get_basemap("none"), bounds=data_bounds(feats, places), places=places)
    assert generate_js_hash(_get_map_string(a), "map") != generate_js_hash(_get_map_string(c), "map")


def test_render_cli_filters_and_writes_one_offline_file(tmp_path):
    data = app_data.build(tmp_path / "data")
    out = tmp_path / "map.html"
    proc = subprocess.run([sys.executable, "-m", "geo", "render", str(data / "projects.geojson"), "-o", str(out),
                           "--status", "planned", "--basemap", "none"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    planned = [f for f in app_data.features() if f["properties"]["status"] == "planned"]
    assert f"{len(planned)} of {len(app_data.features())} items" in proc.stdout
    html = out.read_text(encoding="utf-8")
    shown = {f["id"] for c in _geojson_data(html) for f in c["features"]}
    located_planned = {f["id"] for f in planned if f["geometry"] and f["properties"]["precision"] == "site"
                       or f["geometry"] and f["properties"]["precision"] == "segment"}
    assert located_planned <= shown
    assert not ({f["id"] for f in app_data.features()} - {f["id"] for f in planned}) & shown


@pytest.mark.parametrize("content, expect", [
    (None, "no such file"),
    ("{not json", "not valid JSON"),
    ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
])
def test_render_cli_bad_input_is_one_line_exit_1(tmp_path, content, expect):
    src = tmp_path / "in.geojson"
    if content is not None:
        src.write_text(content, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "geo", "render", str(src), "-o", str(tmp_path / "o.html")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert expect in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
