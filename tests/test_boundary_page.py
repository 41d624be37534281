"""AppTest for 村界导入 on 导入导出: upload → preview (CRS line, matched by code / by name, unmatched
names, invalid polygons with make_valid) → nothing written until 确认导入村界 → places get their
polygons and items inside them their area; an item on no polygon keeps its own.

The town and its square test polygons are tests/test_boundaries.py's (made-up names and codes); the
items' points are taken from those polygons, never typed in.
"""
from __future__ import annotations

import re

import pytest
import shapely
from streamlit.testing.v1 import AppTest

from geo.app.state import Keys
from geo.gazetteer import load_gazetteer
from geo.store import open_store
from tests.apptest_support import run_app, sign_in, use_data
from tests.conftest import make_item
from tests.test_boundaries import VILLAGES, boundary_frame, square, zipped_shapefile
from tests.test_boundaries import town  # noqa: F401  (the fixture)

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def data_dir(town, monkeypatch):  # noqa: F811
    return use_data(monkeypatch, town)


def _page(editor: str | None = "anna") -> AppTest:
    at = run_app(timeout=180)
    if editor:
        sign_in(at, editor)
    at.switch_page("pages/exchange.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _upload(at: AppTest, data: bytes, name: str) -> AppTest:
    uploader = next(u for u in at.get("file_uploader") if u.key == Keys.bd_upload(0))
    uploader.set_value((name, data, "application/octet-stream"))
    return _run(at)


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [m.value for m in at.info] + [m.value for m in at.error]
                    + [m.value for m in at.warning] + [m.value for m in at.success] + [c.value for c in at.caption]
                    ).replace("\\", "")


def _places(data_dir) -> dict:
    return {p["id"]: p for p in load_gazetteer(data_dir / "places.geojson").places}


def _point_in(polygon: shapely.Polygon) -> dict:
    point = polygon.representative_point()
    return {"type": "Point", "coordinates": [point.x, point.y]}


def test_viewer_cannot_import_boundaries(data_dir):
    at = _page(editor=None)
    assert "村界导入需要编辑登录" in _texts(at)


def test_preview_by_code_writes_nothing_then_confirm_sets_places_and_areas(data_dir, tmp_path):
    (code_a, name_a, _), (code_b, name_b, _) = VILLAGES[0], VILLAGES[1]
    store = open_store(data_dir)
    inside = make_item("t-in", name="茶园道路", area=name_b, precision="site", geometry_source="manual",
                       geometry=_point_in(square(0)))
    outside = make_item("t-out", name="远处站点", area="镇区", precision="site", geometry_source="manual",
                        geometry=_point_in(square(5)))
    store.save_items([inside, outside], user="test", expected_versions=[None, None])
    places_before = (data_dir / "places.geojson").read_bytes()
    items_before = (data_dir / "projects.geojson").read_bytes()

    at = _page()
    frame = boundary_frame([name_a, name_b], [code_a, code_b])
    at.text_input(key=Keys.BD_LICENCE).input("青山镇政府提供")
    at = _upload(at, zipped_shapefile(tmp_path, frame), "村界.zip")
    text = _texts(at)
    assert "EPSG:4549 CGCS2000 / 3-degree Gauss-Krüger CM 120E → WGS-84, 2 polygons" in text
    assert "匹配 2 个地名（按代码 2，按名称 0）" in text
    assert (data_dir / "places.geojson").read_bytes() == places_before     # the preview writes nothing
    assert (data_dir / "projects.geojson").read_bytes() == items_before
    assert not at.button(key=Keys.BD_CONFIRM).disabled
    at.button(key=Keys.BD_CONFIRM).click()
    _run(at)
    assert any("村界已导入：2 个地名获得边界" in s.value for s in at.success), _texts(at)
    places = _places(data_dir)
    assert {places[c]["properties"]["precision"] for c in (code_a, code_b)} == {"boundary"}
    assert places[code_a]["properties"]["licence"] == "青山镇政府提供"
    assert places[code_a]["properties"]["updated_by"] == "anna"
    items = {f["id"]: f["properties"] for f in open_store(data_dir).load()}
    assert items["t-in"]["area"] == name_a        # inside a polygon: its area
    assert items["t-out"]["area"] == "镇区"        # on no polygon: keeps its area


def test_unmatched_names_are_listed(data_dir, tmp_path):
    gpkg = tmp_path / "村界.gpkg"
    boundary_frame([VILLAGES[0][1], "不存在村"], crs="EPSG:4490").to_file(gpkg, engine="pyogrio")
    at = _upload(_page(), gpkg.read_bytes(), "村界.gpkg")
    text = _texts(at)
    assert "未匹配的名称" in text and "不存在村" in text
    assert "按名称 1" in text and "未匹配 1" in text


def test_invalid_polygon_refused_until_make_valid_is_ticked(data_dir, tmp_path):
    a = square(0)
    (x0, y0, x1, y1) = a.bounds
    bowtie = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])  # the square's corners crossed
    gpkg = tmp_path / "坏.gpkg"
    boundary_frame([VILLAGES[0][1], VILLAGES[1][1]], geoms=[bowtie, square(1)]).to_file(gpkg, engine="pyogrio")
    before = (data_dir / "places.geojson").read_bytes()
    at = _upload(_page(), gpkg.read_bytes(), "坏.gpkg")
    assert "Self-intersection" in _texts(at) and "无效多边形 1" in _texts(at)
    assert at.button(key=Keys.BD_CONFIRM).disabled
    at.checkbox(key=Keys.BD_MAKE_VALID).check()
    _run(at)
    assert "已用 make_valid 修复 1 个多边形" in _texts(at)
    assert (data_dir / "places.geojson").read_bytes() == before    # ticking writes nothing either
    assert not at.button(key=Keys.BD_CONFIRM).disabled
    at.button(key=Keys.BD_CONFIRM).click()
    _run(at)
    geom = _places(data_dir)[VILLAGES[0][0]]["geometry"]
    assert shapely.geometry.shape(geom).is_valid


def test_cancel_writes_nothing(data_dir, tmp_path):
    gpkg = tmp_path / "村界.gpkg"
    boundary_frame([VILLAGES[0][1]]).to_file(gpkg, engine="pyogrio")
    before = (data_dir / "places.geojson").read_bytes()
    at = _upload(_page(), gpkg.read_bytes(), "村界.gpkg")
    at.button(key=Keys.BD_CANCEL).click()
    _run(at)
    assert "已取消" in _texts(at)
    assert (data_dir / "places.geojson").read_bytes() == before


def test_hostile_name_in_an_attribute_is_shown_as_text(data_dir, tmp_path):
    gpkg = tmp_path / "村界.gpkg"
    boundary_frame([VILLAGES[0][1], HOSTILE]).to_file(gpkg, engine="pyogrio")
    at = _upload(_page(), gpkg.read_bytes(), "村界.gpkg")
    shown = [m.value for m in at.markdown if "onerror" in m.value]
    assert shown, _texts(at)
    # every < of the name is escaped: markdown shows it as text, never as an HTML tag
    assert all(not re.search(r"(?<!\\)<", v) for v in shown) and any(r"\<img" in v for v in shown), shown


def test_not_a_boundary_file_is_a_message_and_nothing_is_written(data_dir):
    before = (data_dir / "places.geojson").read_bytes()
    at = _upload(_page(), b"PK\x03\x04 not really a zip", "村界.zip")
    assert "无法读取村界" in " ".join(e.value for e in at.error)
    assert (data_dir / "places.geojson").read_bytes() == before


def _shapefile_with_prj(tmp_path, frame, prj: str) -> bytes:
    import io
    import zipfile

    folder = tmp_path / "prj"
    folder.mkdir()
    frame.to_file(folder / "村界.shp", engine="pyogrio")
    (folder / "村界.prj").write_text(prj, encoding="utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    return buf.getvalue()


def _mixed(tmp_path) -> bytes:
    gpkg = tmp_path / "mixed.gpkg"
    boundary_frame([VILLAGES[0][1]]).to_file(gpkg, layer="gk", engine="pyogrio")
    boundary_frame([VILLAGES[1][1]], crs="EPSG:4326").to_file(gpkg, layer="wgs", engine="pyogrio")
    return gpkg.read_bytes()


def _outside(tmp_path) -> bytes:
    gpkg = tmp_path / "utm.gpkg"
    boundary_frame([VILLAGES[0][1]], crs="EPSG:32633").to_file(gpkg, engine="pyogrio")
    return gpkg.read_bytes()


@pytest.mark.parametrize("make, name, words", [
    (lambda tmp: _shapefile_with_prj(tmp, boundary_frame([VILLAGES[0][1]]), "PROJCS[this is not, WKT"), "村界.zip",
     ["村界.prj", "--crs"]),
    (_outside, "utm.gpkg", ["EPSG:32633", "not China"]),
    (_mixed, "mixed.gpkg", ["gk", "wgs"]),
], ids=["unparseable-prj", "outside-china", "mixed-crs"])
def test_bad_crs_is_a_clear_message_and_nothing_is_written(data_dir, tmp_path, make, name, words):
    before = (data_dir / "places.geojson").read_bytes()
    at = _upload(_page(), make(tmp_path), name)
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "无法读取村界" in errors and all(w in errors for w in words), errors
    assert not [b for b in at.button if b.key == Keys.BD_CONFIRM]
    assert (data_dir / "places.geojson").read_bytes() == before


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_metres_without_a_crs_name_it_and_the_crs_box_fixes_it(data_dir, tmp_path):
    frame = boundary_frame([VILLAGES[0][1]]).set_crs(None, allow_override=True)
    at = _upload(_page(), zipped_shapefile(tmp_path, frame), "无坐标系.zip")
    assert "--crs EPSG:xxxx" in " ".join(e.value for e in at.error).replace("\\", "")
    at.text_input(key=Keys.BD_CRS).input("EPSG:4549")
    _run(at)
    assert "EPSG:4549" in _texts(at) and not at.button(key=Keys.BD_CONFIRM).disabled


def test_with_two_towns_a_name_in_both_is_ambiguous_until_the_town_is_chosen(data_dir, tmp_path):
    from geo.gazetteer import write_places
    from tests.test_boundaries import _props

    places = load_gazetteer(data_dir / "places.geojson").places
    own_town = next(p for p in places if p["properties"]["kind"] == "town")
    code, name, _ = VILLAGES[0]
    other_town, other_village = "990000100", "990000100001"   # made-up codes of a second test town
    places.append({"type": "Feature", "id": other_town, "geometry": None,
                   "properties": _props(other_town, "白水镇", "town", ["白水"], None, admin_code=other_town)})
    places.append({"type": "Feature", "id": other_village, "geometry": None,
                   "properties": _props(other_village, name, "village", [], other_town, admin_code=other_village)})
    write_places(data_dir / "places.geojson", places)
    gpkg = tmp_path / "村界.gpkg"
    boundary_frame([name]).to_file(gpkg, engine="pyogrio")
    at = _upload(_page(), gpkg.read_bytes(), "村界.gpkg")
    assert "有歧义" in _texts(at) and at.button(key=Keys.BD_CONFIRM).disabled
    at.selectbox(key=Keys.BD_TOWN).set_value(own_town["properties"]["name"])
    _run(at)
    assert "按名称 1" in _texts(at) and not at.button(key=Keys.BD_CONFIRM).disabled
    at.button(key=Keys.BD_CONFIRM).click()
    _run(at)
    after = _places(data_dir)
    assert after[code]["properties"]["precision"] == "boundary" and after[other_village]["geometry"] is None
