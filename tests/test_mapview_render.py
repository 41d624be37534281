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
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.assets import STATIC_URL, VENDOR_DIR
from geo.coords import convert
from geo.mapview import base_map, build_map, data_bounds, data_layer, get_basemap, load_places, render_html
from geo import assets
from geo.mapview import compact, offline, split_by_precision
from geo.mapview.aggregate import badge_features
from geo.mapview.canvas_items import data_from_html
from geo.mapview.item_layer import item_bounds
from geo.query import geometry_bounds
from tests import app_data
from tests.conftest import make_item

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


def test_set_up_fetches_every_file_the_registry_points_at():
    for url, target in offline.REGISTRY.items():
        if target is not None:
            assert assets.covers(target.folder, target.path), f"{url}: {target.folder}/{target.path} not in PACKAGES"


def test_assets_and_the_asset_registry_import_without_a_circle():
    code = "import geo.assets, sys; assert 'geo.mapview.offline' not in sys.modules, 'geo.assets imports the map'"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr


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
    # The hostile name never appears as markup, and cannot close the data block: the page shows
    # it through text nodes, from the JSON string.
    assert app_data.XSS_NAME not in html
    block = re.search(r'id="geo-offline-data" data-codec="json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block
    shown = [item for item in compact.decode(data_from_html(html)) if item["name"] == app_data.XSS_NAME]
    assert len(shown) == 1 and shown[0]["status"] == "planned"
    # The page builds popups and tooltips with textContent, never innerHTML from data.
    script = (ROOT / "geo" / "mapview" / "templates" / "offline_items.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def _drawn_and_listed(data):
    items = compact.decode(data)
    return [i for i in items if i["anchor"]], [i for i in items if not i["anchor"]]


def test_offline_data_keeps_every_item_once_with_the_fields_the_map_shows(places):
    feats = app_data.features()
    data = compact.encode(feats, places)
    drawn, listed = _drawn_and_listed(data)
    located, coarse = split_by_precision(feats)
    assert sorted(i["name"] for i in drawn) == sorted(f["properties"]["name"] for f in located)
    assert sorted(i["name"] for i in listed) == sorted(f["properties"]["name"] for f in coarse)
    by_name = {i["name"]: i for i in drawn + listed}
    for f in feats:
        p, item = f["properties"], by_name[f["properties"]["name"]]
        assert (item["status"], item["category"], item["precision"]) == (p["status"], p["category"], p["precision"])
        assert item["text"] == p["text"]
        assert item["place"] == "、".join(p["places"])



def test_fields_the_offline_map_does_not_show_are_not_in_the_file(places, item_factory):
    item = item_factory("x-1", name="可见名称", notes="内部备注甲乙丙", section="第九章某节", updated_by="审核人丁戊",
                        budget_wan=98765.4, precision="site", geometry={"type": "Point", "coordinates": [app_data.X0,
                                                                                                        app_data.Y0]})
    html = render_html([item], basemap="none", places=places)
    text = json.dumps(data_from_html(html), ensure_ascii=False)
    assert "可见名称" in text
    for hidden in ("内部备注甲乙丙", "第九章某节", "审核人丁戊", "98765.4"):
        assert hidden not in html


def test_offline_geometry_is_the_items_geometry_to_a_tenth_of_a_metre(places):
    feats = app_data.features()
    drawn, _ = _drawn_and_listed(compact.encode(feats, places))
    by_name = {i["name"]: i for i in drawn}
    half_unit = 0.5 / compact.UNITS_PER_DEGREE + 1e-12
    for f in split_by_precision(feats)[0]:
        item, geometry = by_name[f["properties"]["name"]], f["geometry"]
        if geometry["type"] == "Point":
            assert item["anchor"] == pytest.approx(geometry["coordinates"], abs=half_unit)
            assert item["parts"] == []
            continue
        rings = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
        assert [len(ring) for _kind, ring in item["parts"]] == [len(r) for r in rings]
        for (_kind, got), want in zip(item["parts"], rings):
            for a, b in zip(got, want):
                assert a == pytest.approx(b, abs=half_unit)


def test_repeated_strings_are_stored_once(places, item_factory):
    items = [item_factory(f"r-{i}", name="同名道路", text=f"新建同名道路{i}公里", precision="site", status="planned",
                          geometry={"type": "Point", "coordinates": [app_data.X0 + i * 0.001, app_data.Y0]})
             for i in range(50)]
    data = compact.encode(items, places)
    assert data["strings"]["name"] == ["同名道路"]
    assert len(data["strings"]["text"]) == 50
    assert [i["name"] for i in compact.decode(data)] == ["同名道路"] * 50


def test_compressed_and_plain_data_blocks_hold_the_same_items(places):
    feats = app_data.features()
    plain = render_html(feats, basemap="none", places=places)
    packed = render_html(feats, basemap="none", places=places, compress_above=0)
    assert 'data-codec="json"' in plain and 'data-codec="gzip-base64"' in packed
    assert data_from_html(plain) == data_from_html(packed) == compact.encode(feats, places)


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


def test_offline_map_badges_sit_on_the_place_point_and_hold_its_items(places):
    feats = app_data.features()
    data = compact.encode(feats, places)
    _, listed = _drawn_and_listed(data)
    badges = data["badges"]
    village = badges["label"].index("甲村")
    x, y = places.point_for("甲村")["geometry"]["coordinates"]
    q, (ox, oy) = data["q"], data["o"]
    assert ((ox + badges["x"][village]) / q, (oy + badges["y"][village]) / q) == pytest.approx((x, y), abs=1e-6)
    in_village = sorted(i["name"] for i in listed if i["badge"] == village)
    assert in_village == sorted(f["properties"]["name"] for f in split_by_precision(feats)[1]
                                if f["properties"]["area"] == "甲村")
    # an item whose area has no known point is listed, never put on a badge or the town seat
    lost = copy.deepcopy(feats[-1])
    lost["properties"]["area"] = "无名村"
    assert [i["badge"] for i in compact.decode(compact.encode([lost], places))] == [-1]


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
    # the offline file does the same
    offline_html = render_html(feats, basemap="gaode", places=places)
    assert feats == before
    item = next(i for i in compact.decode(data_from_html(offline_html)) if i["name"] == school["properties"]["name"])
    assert item["anchor"] == pytest.approx((gx, gy), abs=1e-6)


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
    shown = compact.decode(data_from_html(out.read_text(encoding="utf-8")))
    assert sorted(i["name"] for i in shown) == sorted(f["properties"]["name"] for f in planned)
    assert {i["status"] for i in shown} == {"planned"}


@pytest.mark.parametrize("content, expect", [
    (None, "no such file"),
    ("{not json", "not valid JSON"),
    ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
    ('{"type": "FeatureCollection", "features": [7]}', "feature #1: is not a GeoJSON Feature object"),
    (json.dumps({"type": "FeatureCollection", "features": [make_item("b-1", status="maybe")]}),
     "feature b-1: status: 'maybe' is not one of proposed"),
    (json.dumps({"type": "FeatureCollection", "features": [make_item("b-2", precision="site", geometry={
        "type": "Point", "coordinates": [500000.0, 3200000.0]})]}), "feature b-2: geometry: Point coordinates are"),
    (json.dumps({"type": "FeatureCollection", "features": [make_item("b-3", precision="segment", geometry={
        "type": "LineString", "coordinates": [[121.0, "28.8"], [121.1, 28.9]]})]}), "feature b-3: geometry: Line"),
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


_position = st.lists(st.floats(-180, 180, allow_nan=False), min_size=2, max_size=3)
_geometries = st.one_of(
    st.builds(lambda c: {"type": "Point", "coordinates": c}, _position),
    st.builds(lambda c: {"type": "LineString", "coordinates": c}, st.lists(_position, min_size=2, max_size=6)),
    st.builds(lambda c: {"type": "Polygon", "coordinates": c},
              st.lists(st.lists(_position, min_size=4, max_size=6), min_size=1, max_size=3)),
    st.builds(lambda c: {"type": "MultiPoint", "coordinates": c}, st.lists(_position, min_size=1, max_size=4)),
)


@settings(max_examples=300, deadline=None)
@given(_geometries)
def test_item_bounds_are_the_geometry_bounds(geometry):
    assert item_bounds(geometry) == geometry_bounds(geometry)
