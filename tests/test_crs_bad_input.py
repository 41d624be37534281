"""Bad CRS input gets one clear message: unreadable .prj, a CRS for elsewhere, mixed CRSs, numbers that do not fit."""
from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import pytest
import shapely

from geo.config import PROJECT_ROOT
from geo.importer import ImportOptions, ImportRefused, plan_import

PLACES = PROJECT_ROOT / "data" / "places.geojson"
OPTIONS = ImportOptions(places_path=PLACES)


def _frame(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    points = [shapely.Point(121.10, 28.80), shapely.Point(121.12, 28.83)]
    return gpd.GeoDataFrame({"名称": ["测试甲", "测试乙"]}, geometry=points, crs="EPSG:4326").to_crs(crs)


def _zipped_shapefile(tmp_path, frame, prj: str | None = None) -> bytes:
    frame.to_file(tmp_path / "pts.shp", engine="pyogrio")
    if prj is not None:
        (tmp_path / "pts.prj").write_text(prj, encoding="utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in tmp_path.glob("pts.*"):
            zf.write(p, p.name)
    return buf.getvalue()


def test_unparseable_prj_is_named(tmp_path):
    data = _zipped_shapefile(tmp_path, _frame("EPSG:4549"), prj="PROJCS[this is not, WKT")
    with pytest.raises(ImportRefused) as exc:
        plan_import(data, "村界.zip", OPTIONS)
    assert "pts.prj cannot be read as a CRS" in str(exc.value) and "--crs" in str(exc.value)


def test_local_crs_without_a_datum_is_refused(tmp_path):
    data = _zipped_shapefile(tmp_path, _frame("EPSG:4549"),
                             prj='LOCAL_CS["独立坐标系",LOCAL_DATUM["x",0],UNIT["metre",1]]')
    with pytest.raises(ImportRefused, match="neither a longitude/latitude nor a map projection"):
        plan_import(data, "独立.zip", OPTIONS)


def test_crs_outside_china_is_refused(tmp_path):
    gpkg = tmp_path / "utm.gpkg"
    _frame("EPSG:32633").to_file(gpkg, engine="pyogrio")
    with pytest.raises(ImportRefused) as exc:
        plan_import(gpkg, options=OPTIONS)
    assert "EPSG:32633" in str(exc.value) and "not China" in str(exc.value)


def test_mixed_crs_layers_are_refused_and_one_layer_can_be_chosen(tmp_path):
    gpkg = tmp_path / "mixed.gpkg"
    _frame("EPSG:4549").to_file(gpkg, layer="gk", engine="pyogrio")
    _frame("EPSG:4326").to_file(gpkg, layer="wgs", engine="pyogrio")
    with pytest.raises(ImportRefused) as exc:
        plan_import(gpkg, options=OPTIONS)
    message = str(exc.value)
    assert "different CRSs" in message and "gk (EPSG:4549" in message and "wgs (EPSG:4326" in message
    assert "--layer" in message
    one = plan_import(gpkg, options=ImportOptions(places_path=PLACES, layers=("gk",)))
    assert one.rows_ok == 2 and one.crs_notes[0].startswith("EPSG:4549")
    lon, lat = one.features[0]["geometry"]["coordinates"]
    assert abs(lon - 121.10) < 1e-7 and abs(lat - 28.80) < 1e-7


def test_every_layer_of_a_multi_layer_file_is_read(tmp_path):
    gpkg = tmp_path / "two.gpkg"
    _frame("EPSG:4549").to_file(gpkg, layer="a", engine="pyogrio")
    second = _frame("EPSG:4549")
    second["名称"] = ["测试丙", "测试丁"]
    second.to_file(gpkg, layer="b", engine="pyogrio")
    preview = plan_import(gpkg, options=OPTIONS)
    assert preview.rows_ok == 4 and "in 2 layers" in preview.crs_notes[0]


def test_declared_crs_that_does_not_fit_the_numbers(tmp_path):
    frame = _frame("EPSG:4528")  # eastings with the zone in front (40 5xx xxx) …
    frame = frame.set_crs("EPSG:4549", allow_override=True)  # … in a file that claims the zone-less CRS
    gpkg = tmp_path / "wrong.gpkg"
    frame.to_file(gpkg, engine="pyogrio")
    with pytest.raises(ImportRefused, match="outside China: the CRS does not fit the numbers"):
        plan_import(gpkg, options=OPTIONS)


def test_stated_crs_that_contradicts_the_file(tmp_path):
    gpkg = tmp_path / "gk.gpkg"
    _frame("EPSG:4549").to_file(gpkg, engine="pyogrio")
    with pytest.raises(ImportRefused, match="declares EPSG:4549 .* but --crs says EPSG:4528"):
        plan_import(gpkg, options=ImportOptions(places_path=PLACES, crs="EPSG:4528"))
    with pytest.raises(ImportRefused, match="not a CRS pyproj knows"):
        plan_import(b"name,x,y\na,500000,3190000\n", "a.csv", ImportOptions(places_path=PLACES, crs="EPSG:9999999"))
    with pytest.raises(ImportRefused, match="give --crs or --datum, not both"):
        plan_import(gpkg, options=ImportOptions(places_path=PLACES, crs="EPSG:4549", datum="gcj02"))


def test_old_datum_gets_an_honest_accuracy_note(tmp_path):
    gpkg = tmp_path / "xian80.gpkg"
    _frame("EPSG:4549").set_crs("EPSG:2385", allow_override=True).to_file(gpkg, engine="pyogrio")  # Xian 1980 CM 120E
    preview = plan_import(gpkg, options=OPTIONS)
    assert "off by tens of metres" in preview.crs_notes[0]


def test_invalid_polygon_row_offers_make_valid_and_nothing_is_repaired_unasked():
    bowtie = shapely.Polygon([(121.10, 28.80), (121.12, 28.82), (121.12, 28.80), (121.10, 28.82), (121.10, 28.80)])
    frame = gpd.GeoDataFrame({"名称": ["蝴蝶形地块"]}, geometry=[bowtie], crs="EPSG:4326").to_crs("EPSG:4549")
    data = frame.to_json(to_wgs84=False).encode("utf-8")
    data = data.replace(b'"type": "FeatureCollection"',
                        b'"type": "FeatureCollection", "crs": {"type": "name", "properties": '
                        b'{"name": "urn:ogc:def:crs:EPSG::4549"}}', 1)
    refused = plan_import(data, "bowtie.geojson", OPTIONS)
    assert refused.rows_ok == 0 and "--make-valid" in refused.rows_bad[0][1]
    repaired = plan_import(data, "bowtie.geojson", ImportOptions(places_path=PLACES, make_valid=True))
    assert repaired.rows_ok == 1 and repaired.features[0]["geometry"]["type"] == "MultiPolygon"
    assert any("make_valid" in w for w in repaired.warnings)
