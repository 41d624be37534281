"""Village boundaries: import by code and by name, unmatched listed, areas by spatial join, bad polygons refused.

A synthetic town (made-up names and codes) and synthetic square boundaries generated here with
geopandas around an arbitrary test point; none of it is real-world geometry or data/.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import geopandas as gpd
import pyproj
import pytest
import shapely

from geo.areas import assign_areas
from geo.boundaries import BoundaryError, apply_boundaries, preview_boundaries
from geo.build import build_plan
from geo.config import PROJECT_ROOT
from geo.gazetteer import load_gazetteer, write_places
from geo.store import open_store
from tests.conftest import make_item

GEOD = pyproj.Geod(ellps="WGS84")
X0, Y0 = 121.30, 28.90   # arbitrary test origin (degrees), inside China
STEP = 0.02              # each synthetic village is a STEP x STEP square


def _props(pid, name, kind, aliases, parent, **extra):
    base = {"id": pid, "name": name, "aliases": aliases, "kind": kind, "admin_code": None, "parent": parent,
            "precision": "none", "source": "test list", "licence": None, "datum": None, "geometry_source": None,
            "version": 1, "updated_at": "2026-01-01T00:00:00+00:00", "updated_by": "test", "listing": "current"}
    base.update(extra)
    return base


VILLAGES = [("990000000001", "甲岙村", ["甲岙"]), ("990000000002", "丙岭村", ["丙岭"]), ("990000000003", "丁家社区", [])]


@pytest.fixture
def town(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    places = [{"type": "Feature", "id": "990000000", "geometry": None,
               "properties": _props("990000000", "青山镇", "town", ["青山"], None, admin_code="990000000")}]
    for code, name, aliases in VILLAGES:
        places.append({"type": "Feature", "id": code, "geometry": None,
                       "properties": _props(code, name, "village", aliases, "990000000", admin_code=code)})
    write_places(data / "places.geojson", places)
    return data


def square(i: int) -> shapely.Polygon:
    x = X0 + i * STEP
    return shapely.box(x, Y0, x + STEP, Y0 + STEP)


def boundary_frame(names, codes=None, crs="EPSG:4549", geoms=None) -> gpd.GeoDataFrame:
    columns = {"村名": names}
    if codes is not None:
        columns["XZQDM"] = codes
    geoms = geoms or [square(i) for i in range(len(names))]
    return gpd.GeoDataFrame(columns, geometry=geoms, crs="EPSG:4326").to_crs(crs)


def zipped_shapefile(tmp_path, frame) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_file(folder / "村界.shp", engine="pyogrio")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    return buf.getvalue()


def places_by_id(data):
    return {p["id"]: p for p in load_gazetteer(data / "places.geojson").places}


def test_match_by_code_in_gauss_krueger_and_store_with_source_and_licence(town, tmp_path):
    frame = boundary_frame(["甲岙村", "丙岭村"], ["990000000001", "990000000002"])
    data = zipped_shapefile(tmp_path, frame)
    before = (town / "places.geojson").read_bytes()
    preview = preview_boundaries(data, "村界.zip", licence="青山镇政府提供", places_path=town / "places.geojson")
    assert preview.code_field == "XZQDM" and [r.how for r in preview.matched] == ["code", "code"]
    assert preview.crs_note.startswith("EPSG:4549 CGCS2000 / 3-degree Gauss-Krüger CM 120E → WGS-84")
    assert (town / "places.geojson").read_bytes() == before  # a preview writes nothing
    result = apply_boundaries(preview, "王工")
    assert sorted(result.places) == ["990000000001", "990000000002"]
    place = places_by_id(town)["990000000001"]
    props = place["properties"]
    assert props["precision"] == "boundary" and props["geometry_source"] == "import"
    assert props["source"].startswith("村界.zip") and props["licence"] == "青山镇政府提供"
    assert props["datum"] == "cgcs2000" and props["version"] == 2 and props["updated_by"] == "王工"
    got = shapely.geometry.shape(place["geometry"])
    worst = max(GEOD.inv(a[0], a[1], b[0], b[1])[2] for a, b in
                zip(sorted(got.exterior.coords), sorted(square(0).exterior.coords)))
    assert worst < 0.01
    audit = (town / "places_audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["place"] for line in audit} == {"990000000001", "990000000002"}


def test_match_by_name_with_and_without_village_words_and_unmatched_listed(town, tmp_path):
    gpkg = tmp_path / "村界.gpkg"
    boundary_frame(["甲岙村委会", "丙岭", "丁家社区居委会", "不存在村"], crs="EPSG:4490").to_file(gpkg, engine="pyogrio")
    preview = preview_boundaries(gpkg, name_field="村名", places_path=town / "places.geojson")
    matched = {r.name: r.place_id for r in preview.matched}
    assert matched == {"甲岙村委会": "990000000001", "丙岭": "990000000002", "丁家社区居委会": "990000000003"}
    assert all(r.how == "name" for r in preview.matched)
    assert [r.name for r in preview.unmatched] == ["不存在村"]
    text = "\n".join(preview.lines())
    assert "unmatched 不存在村" in text and "less than 1 m" in preview.crs_note
    assert any("licence" in w for w in preview.warnings)  # none stated: said so


def test_item_inside_a_boundary_gets_its_area_and_a_point_on_none_keeps_its_own(town, tmp_path):
    store = open_store(town)
    inside = make_item("t-in", name="茶园道路", area="丙岭村", precision="site", geometry_source="manual",
                       geometry={"type": "Point", "coordinates": [X0 + 0.5 * STEP, Y0 + 0.5 * STEP]})
    outside = make_item("t-out", name="远处站点", area="镇区", precision="site", geometry_source="manual",
                        geometry={"type": "Point", "coordinates": [X0 + 5 * STEP, Y0 + 5 * STEP]})
    across = make_item("t-across", name="跨村道路", area="甲岙村", precision="segment", geometry_source="manual",
                       geometry={"type": "LineString", "coordinates": [[X0 + 0.5 * STEP, Y0 + 0.5 * STEP],
                                                                       [X0 + 1.5 * STEP, Y0 + 0.5 * STEP]]})
    waiting = make_item("t-wait", name="丙岭村文化礼堂", area="丙岭村", precision="village", places=["丙岭村"],
                        place_refs=["990000000002"])
    for item in (inside, outside, across, waiting):
        item["properties"]["version"] = 0
    store.save_items([inside, outside, across, waiting], user="test")
    frame = boundary_frame(["甲岙村", "丙岭村"], ["990000000001", "990000000002"])
    preview = preview_boundaries(zipped_shapefile(tmp_path, frame), "村界.zip", places_path=town / "places.geojson")
    result = apply_boundaries(preview, "王工", store=store)
    items = {f["id"]: f["properties"] for f in open_store(town).load()}
    assert items["t-in"]["area"] == "甲岙村"      # the name guess (丙岭村) gives way to the boundary it lies in
    assert items["t-out"]["area"] == "镇区"       # on no polygon: keeps its area
    assert items["t-across"]["area"] == "全镇" and items["t-across"]["x_areas"] == ["丙岭村", "甲岙村"]
    assert "multiple_areas" in items["t-across"]["flags"]
    assert set(result.areas_changed) >= {"t-in", "t-across"} and "t-out" not in result.areas_changed
    waited = open_store(town).get("t-wait")
    assert result.located == ["t-wait"] and waited["properties"]["precision"] == "village"
    assert shapely.geometry.shape(waited["geometry"]).equals_exact(
        shapely.geometry.shape(places_by_id(town)["990000000002"]["geometry"]), 1e-12)


def test_boundary_polygon_item_lies_in_its_own_village_not_its_neighbours():
    places = [{"type": "Feature", "id": f"V{i}", "geometry": shapely.geometry.mapping(square(i)),
               "properties": {"kind": "village", "name": name}} for i, name in enumerate(["甲岙村", "丙岭村"])]
    item = make_item("t-v", precision="village", area=None, geometry=json.loads(json.dumps(
        shapely.geometry.mapping(square(1)))))
    assert assign_areas([item], places) == ["t-v"] and item["properties"]["area"] == "丙岭村"


def test_invalid_polygon_is_listed_and_nothing_written_until_repaired(town, tmp_path):
    x, y = X0, Y0
    bowtie = shapely.Polygon([(x, y), (x + STEP, y + STEP), (x + STEP, y), (x, y + STEP), (x, y)])
    frame = boundary_frame(["甲岙村", "丙岭村"], geoms=[bowtie, square(1)])
    gpkg = tmp_path / "坏.gpkg"
    frame.to_file(gpkg, engine="pyogrio")
    before = (town / "places.geojson").read_bytes()
    preview = preview_boundaries(gpkg, places_path=town / "places.geojson")
    assert [r.name for r in preview.invalid] == ["甲岙村"] and "Self-intersection" in preview.invalid[0].problem
    assert not preview.ready and "--make-valid" in "\n".join(preview.lines())
    with pytest.raises(BoundaryError, match="invalid.*make_valid.*nothing written"):
        apply_boundaries(preview, "王工")
    assert (town / "places.geojson").read_bytes() == before
    repaired = preview_boundaries(gpkg, places_path=town / "places.geojson", make_valid=True)
    assert repaired.ready and repaired.matched[0].repaired
    apply_boundaries(repaired, "王工")
    geom = places_by_id(town)["990000000001"]["geometry"]
    assert geom["type"] == "MultiPolygon" and shapely.geometry.shape(geom).is_valid


def test_changed_place_between_preview_and_apply_is_refused(town, tmp_path):
    gpkg = tmp_path / "村界.gpkg"
    boundary_frame(["甲岙村"]).to_file(gpkg, engine="pyogrio")
    preview = preview_boundaries(gpkg, places_path=town / "places.geojson")
    load_gazetteer(town / "places.geojson").add_alias("990000000001", "甲岙老村", "someone")
    with pytest.raises(BoundaryError, match="changed since the preview"):
        apply_boundaries(preview, "王工")


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_metres_without_crs_name_the_crs_to_state(town, tmp_path):
    frame = boundary_frame(["甲岙村"]).set_crs(None, allow_override=True)
    # the synthetic town has no located place to read a zone from: the ranges to choose from are named
    with pytest.raises(BoundaryError, match=r"metres of a projected CRS.*--crs EPSG:xxxx .*EPSG:4534–4554"):
        preview_boundaries(zipped_shapefile(tmp_path, frame), "无坐标系.zip", places_path=town / "places.geojson")
    prefixed = boundary_frame(["甲岙村"], crs="EPSG:4528").set_crs(None, allow_override=True)
    with pytest.raises(BoundaryError, match=r"--crs EPSG:4528 \(the easting .* starts with 3-degree zone 40\)"):
        preview_boundaries(zipped_shapefile(tmp_path / "p", prefixed), "带号.zip", places_path=town / "places.geojson")
    ok = preview_boundaries(zipped_shapefile(tmp_path, frame), "无坐标系.zip", crs="EPSG:4549",
                            places_path=town / "places.geojson")
    assert ok.ready


def test_cli_previews_then_writes_with_yes(town, tmp_path):
    gpkg = tmp_path / "村界.gpkg"
    boundary_frame(["甲岙村", "无名村"]).to_file(gpkg, engine="pyogrio")
    base = [sys.executable, "-m", "geo", "gazetteer", "boundaries", str(gpkg), "--name-field", "村名",
            "--places", str(town / "places.geojson"), "--store", str(town), "--licence", "测试"]
    before = (town / "places.geojson").read_bytes()
    run = subprocess.run(base, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "unmatched 无名村" in run.stdout and "nothing written" in run.stdout
    assert (town / "places.geojson").read_bytes() == before
    run = subprocess.run(base + ["--yes", "--user", "王工"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "1 place(s) got their boundary" in run.stdout
    assert places_by_id(town)["990000000001"]["properties"]["precision"] == "boundary"
    run = subprocess.run(base[:5] + [str(tmp_path / "none.gpkg"), "--places", str(town / "places.geojson")],
                         cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert run.returncode != 0 and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr


PLAN = """青山镇2021年工作计划

(一)聚焦乡村振兴。

发展现代农业。支持甲岙村茶叶整合改造,完成丙岭村文化礼堂建设。
"""


def test_build_locates_village_items_by_boundary_and_takes_areas_from_it(town, tmp_path):
    gpkg = tmp_path / "村界.gpkg"
    boundary_frame(["甲岙村", "丙岭村"], ["990000000001", "990000000002"]).to_file(gpkg, engine="pyogrio")
    apply_boundaries(preview_boundaries(gpkg, places_path=town / "places.geojson"), "王工")
    plan = town / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    report = build_plan(plan, town / "projects.geojson", places_path=town / "places.geojson")
    assert not report.problems
    items = open_store(town).load()
    tea = next(f for f in items if "甲岙村茶叶" in f["properties"]["text"])
    assert tea["properties"]["precision"] == "village" and tea["properties"]["area"] == "甲岙村"
    assert tea["geometry"]["type"] == "Polygon"
    assert report.counts["village"] >= 2


def test_map_draws_a_bounded_village_and_puts_its_badge_inside(town, tmp_path):
    from geo.mapview.aggregate import badge_features
    from geo.mapview.context import load_places

    gpkg = tmp_path / "村界.gpkg"
    boundary_frame(["甲岙村"]).to_file(gpkg, engine="pyogrio")
    apply_boundaries(preview_boundaries(gpkg, places_path=town / "places.geojson"), "王工")
    places = load_places(town / "places.geojson")
    assert [f["id"] for f in places.outlines] == ["990000000001"]
    item = make_item("t-v", area="甲岙村", precision="village")
    badge = badge_features([item], places)[0]
    assert shapely.geometry.shape(badge["geometry"]).within(square(0)) and badge["properties"]["count"] == 1
