"""CRS-aware exchange: files in EPSG:4326, 4490, 4549 and 3857 come back to the same WGS-84 positions.

Test files are generated here with geopandas from the synthetic items of tests/exchange_items.py
(made-up geometry near 121°E 28.8°N); nothing is typed from the real world.
"""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import geopandas as gpd
import pyogrio
import pyproj
import pytest
import shapely.geometry

from geo.config import PROJECT_ROOT
from geo.export import ExportError, export_items
from geo.importer import ImportOptions, ImportRefused, plan_import
from geo.query import iter_positions
from tests.exchange_items import sample_items

CRSS = ("EPSG:4326", "EPSG:4490", "EPSG:4549", "EPSG:3857")
GEOD = pyproj.Geod(ellps="WGS84")
PLACES = PROJECT_ROOT / "data" / "places.geojson"


def worst_metres(expected: list[dict], got: list[dict]) -> float:
    """The largest distance in metres between corresponding positions of the located items."""
    by_id = {f["id"]: f for f in got}
    worst = 0.0
    for item in expected:
        if not item.get("geometry"):
            continue
        a = list(iter_positions(item["geometry"]))
        b = list(iter_positions(by_id[item["id"]]["geometry"]))
        assert len(a) == len(b), item["id"]
        for p, q in zip(a, b):
            worst = max(worst, GEOD.inv(p[0], p[1], q[0], q[1])[2])
    return worst


@pytest.mark.parametrize("crs", CRSS)
@pytest.mark.parametrize("fmt,filename", [("shp", "items.shp.zip"), ("gpkg", "items.gpkg")])
def test_export_in_a_crs_and_import_back_within_a_centimetre(tmp_path, crs, fmt, filename):
    out = tmp_path / filename
    export_items(sample_items(), fmt, out, crs=crs)
    preview = plan_import(out, options=ImportOptions(places_path=PLACES))
    assert preview.rows_bad == [] and preview.rows_ok == len(sample_items())
    assert worst_metres(sample_items(), preview.features) < 0.01
    if crs != "EPSG:4326":
        assert preview.crs_notes and preview.crs_notes[0].startswith(crs + " ")
        assert "→ WGS-84" in preview.summary()


@pytest.mark.parametrize("crs", CRSS)
def test_geojson_with_an_older_crs_member_is_reprojected(tmp_path, crs):
    items = [f for f in sample_items() if f["geometry"] and f["geometry"]["type"] != "GeometryCollection"]
    frame = gpd.GeoDataFrame({"id": [f["id"] for f in items], "name": [f["properties"]["name"] for f in items]},
                             geometry=[shapely.geometry.shape(f["geometry"]) for f in items], crs="EPSG:4326")
    path = tmp_path / "old.geojson"
    frame.to_crs(crs).to_file(path, driver="GeoJSON", engine="pyogrio")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert crs == "EPSG:4326" or doc["crs"]["properties"]["name"].endswith(crs.split(":")[1])
    preview = plan_import(path, options=ImportOptions(places_path=PLACES))
    assert preview.rows_ok == len(items), preview.rows_bad
    assert worst_metres(items, preview.features) < 0.01
    assert not any("crs" in w for w in preview.warnings)  # the member was read, not just complained about


def test_preview_names_the_crs_and_cgcs2000_gets_its_note(tmp_path):
    export_items(sample_items(), "gpkg", tmp_path / "gk.gpkg", crs="EPSG:4549")
    note = plan_import(tmp_path / "gk.gpkg", options=ImportOptions(places_path=PLACES)).crs_notes[0]
    assert note == "EPSG:4549 CGCS2000 / 3-degree Gauss-Krüger CM 120E → WGS-84, 8 features"
    export_items(sample_items(), "gpkg", tmp_path / "cgcs.gpkg", crs="EPSG:4490")
    preview = plan_import(tmp_path / "cgcs.gpkg", options=ImportOptions(places_path=PLACES))
    assert "differ by less than 1 m" in preview.crs_notes[0]
    assert {f["properties"]["geometry_meta"]["datum_original"] for f in preview.features if f["geometry"]} == {"cgcs2000"}


def test_export_cli_writes_gauss_krueger_metres_with_the_right_prj(tmp_path):
    src = tmp_path / "items.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": sample_items()}, ensure_ascii=False),
                   encoding="utf-8")
    out = tmp_path / "gk.gpkg"
    run = subprocess.run([sys.executable, "-m", "geo", "export", str(src), "--format", "gpkg", "-o", str(out),
                          "--crs", "EPSG:4549"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert pyogrio.read_info(out, layer="items")["crs"] == "EPSG:4549"
    frame = gpd.read_file(out, layer="items")
    x, y = frame[frame["id"] == "t-point"].geometry.iloc[0].coords[0]
    ex, ey = pyproj.Transformer.from_crs(4326, 4549, always_xy=True).transform(121.123456789012, 28.876543210987)
    assert abs(x - ex) < 0.001 and abs(y - ey) < 0.001


def test_export_refuses_crs_where_the_format_or_the_crs_cannot_carry_it(tmp_path):
    with pytest.raises(ExportError, match="shp and gpkg"):
        export_items(sample_items(), "kml", tmp_path / "a.kml", crs="EPSG:4549")
    with pytest.raises(ExportError, match="not China"):
        export_items(sample_items(), "gpkg", tmp_path / "a.gpkg", crs="EPSG:32633")
    with pytest.raises(ExportError, match="not a CRS"):
        export_items(sample_items(), "gpkg", tmp_path / "a.gpkg", crs="EPSG:nonsense")


def test_shp_zip_output_is_one_zip_with_the_whole_set(tmp_path):
    out = tmp_path / "x.shp.zip"
    paths = export_items(sample_items(), "shp", out, crs="EPSG:4549")
    assert paths == [out] and sorted(p.name for p in tmp_path.iterdir()) == ["x.shp.zip"]
    names = zipfile.ZipFile(out).namelist()
    assert "x_point.shp" in names and "x_point.prj" in names and "x.fields.txt" in names
    assert "CGCS2000" in zipfile.ZipFile(out).read("x.fields.txt").decode("utf-8")


# ---- metres without a CRS, and the --crs that states it ----------------------------

def _metre_csv(crs: str, *, prefix: int = 0) -> bytes:
    t = pyproj.Transformer.from_crs(4326, crs, always_xy=True)
    rows = ["名称,X,Y,状态"]
    for i, (lon, lat) in enumerate([(121.10, 28.80), (121.12, 28.83), (121.15, 28.85)]):
        x, y = t.transform(lon, lat)
        rows.append(f"测试点{i},{x - prefix:.3f},{y:.3f},计划")
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_metres_without_a_crs_are_refused_with_the_zone_to_state():
    with pytest.raises(ImportRefused) as exc:
        plan_import(_metre_csv("EPSG:4549"), "测量点.csv", ImportOptions(places_path=PLACES))
    message = str(exc.value)
    assert "metres of a projected CRS" in message and "--crs EPSG:4549" in message
    # an easting with the zone in front (40 5xx xxx) names the zone-prefixed CRS instead
    with pytest.raises(ImportRefused, match="--crs EPSG:4528"):
        plan_import(_metre_csv("EPSG:4528"), "带号.csv", ImportOptions(places_path=PLACES))


def test_stated_crs_reads_a_table_of_metres():
    preview = plan_import(_metre_csv("EPSG:4549"), "测量点.csv", ImportOptions(crs="EPSG:4549", places_path=PLACES))
    assert preview.rows_ok == 3 and preview.rows_bad == []
    lon, lat = preview.features[0]["geometry"]["coordinates"]
    assert GEOD.inv(lon, lat, 121.10, 28.80)[2] < 0.01
    assert preview.crs_notes == ["EPSG:4549 CGCS2000 / 3-degree Gauss-Krüger CM 120E → WGS-84, 3 rows"]


def test_import_cli_accepts_crs(tmp_path):
    sheet = tmp_path / "测量点.csv"
    sheet.write_bytes(_metre_csv("EPSG:4549"))
    run = subprocess.run([sys.executable, "-m", "geo", "import", str(sheet), "--store", str(tmp_path / "store"),
                          "--crs", "EPSG:4549"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "EPSG:4549" in run.stdout and "121.100000,28.800000" in run.stdout
