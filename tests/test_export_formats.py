"""What each export file holds, checked by reading the files with independent readers."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import pyogrio
import pyogrio.raw
import pytest
from openpyxl import load_workbook

from geo.config import PROJECT_ROOT
from geo.contract import FIELD_LABELS, STATUS_LABELS
from geo.export import ExportError, export_bytes, export_items
from geo.report.style import STATUS_COLOURS, kml_colour
from tests.exchange_items import HOSTILE_NAME, sample_items

KML = "{http://www.opengis.net/kml/2.2}"


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM to read Chinese"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def test_csv_has_bom_chinese_headers_datum_and_neutralised_formulas():
    data, name, mime = export_bytes(sample_items(), "csv", datum="gcj02")
    rows = _csv_rows(data)
    header = rows[0]
    assert FIELD_LABELS["name"] in header and "经度" in header and "坐标系" in header
    body = [dict(zip(header, r)) for r in rows[1:]]
    hostile = next(r for r in body if r["编号"] == "t-hostile")
    assert hostile["名称"] == "'" + HOSTILE_NAME
    assert hostile["备注"] == "'-2+3" and hostile["所属区域"] == "'@SUM(A1)"
    for r in body:
        for cell in r.values():
            assert not cell.startswith(("=", "+", "@")), cell
    assert {r["坐标系"] for r in body} == {"GCJ-02"}
    point = next(r for r in body if r["编号"] == "t-point")
    assert point["经度"] and point["几何(WKT)"] == ""
    line = next(r for r in body if r["编号"] == "t-line")
    assert line["经度"] == "" and line["几何(WKT)"].startswith("LINESTRING (")
    assert "第二行" in point["备注"]  # newlines inside a quoted cell survive


def test_xlsx_cells_are_text_not_formulas():
    data, _, _ = export_bytes(sample_items(), "xlsx")
    wb = load_workbook(io.BytesIO(data))
    ws = wb["项目"]
    header = [c.value for c in ws[1]]
    assert header[:4] == [FIELD_LABELS[f] for f in ("id", "name", "category", "status")]
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
    names = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert "'" + HOSTILE_NAME in names
    about = dict(wb["说明"].iter_rows(values_only=True))
    assert "WGS-84" in about["坐标系"]


def test_kml_escapes_markup_and_styles_by_status():
    data, _, _ = export_bytes(sample_items(), "kml", datum="gcj02")
    text = data.decode("utf-8")
    assert "<script>" not in text  # never raw markup from data
    root = ET.fromstring(data)
    doc = root.find(f"{KML}Document")
    assert "GCJ-02" in doc.find(f"{KML}description").text and "WGS-84" in doc.find(f"{KML}description").text
    styles = {s.get("id"): s.find(f"{KML}IconStyle/{KML}color").text for s in doc.findall(f"{KML}Style")}
    assert styles == {f"status-{k}": kml_colour(v) for k, v in STATUS_COLOURS.items()}
    placemarks = list(root.iter(f"{KML}Placemark"))
    hostile = next(p for p in placemarks if p.get("id") == "t-hostile")
    assert hostile.find(f"{KML}name").text == HOSTILE_NAME  # XML-escaped once, shown as text
    balloon = hostile.find(f"{KML}description").text
    assert "&lt;script&gt;" in balloon and "<script>" not in balloon  # HTML-escaped inside the balloon
    assert hostile.find(f"{KML}styleUrl").text == "#status-planned"
    folders = [f.find(f"{KML}name").text for f in doc.findall(f"{KML}Folder")]
    assert set(folders) <= set(STATUS_LABELS.values()) and len(folders) == 5


def test_kmz_is_a_zip_with_doc_kml():
    data, name, _ = export_bytes(sample_items(), "kmz")
    assert name.endswith(".kmz")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist() == ["doc.kml"]
        ET.fromstring(zf.read("doc.kml"))


def test_geojson_is_rfc7946_and_refuses_other_datums(tmp_path):
    out = tmp_path / "a.geojson"
    export_items(sample_items(), "geojson", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert doc["features"][0]["properties"]["name"] == "东塍镇卫生院改造"
    with pytest.raises(ExportError, match="WGS84"):
        export_items(sample_items(), "geojson", out, datum="gcj02")
    with pytest.raises(ExportError, match="WGS84"):
        export_items(sample_items(), "shp", tmp_path / "a.shp", datum="bd09")


def test_gpkg_keeps_unlocated_items_and_states_wgs84(tmp_path):
    out = tmp_path / "items.gpkg"
    export_items(sample_items(), "gpkg", out)
    info = pyogrio.read_info(out, layer="items")
    assert info["features"] == len(sample_items())
    assert info["crs"] == "EPSG:4326"
    meta, _, geoms, fields = pyogrio.raw.read(out, layer="items")
    ids = list(fields[list(meta["fields"]).index("id")])
    assert geoms[ids.index("t-none")] is None


def test_shapefile_names_encoding_split_and_notes(tmp_path):
    out = tmp_path / "项目.shp"
    paths = export_items(sample_items(), "shp", out)
    names = {p.name for p in paths}
    for kind in ("point", "multipoint", "line", "polygon"):
        assert f"项目_{kind}.shp" in names and f"项目_{kind}.cpg" in names
    assert (tmp_path / "项目_point.cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    notes = (tmp_path / "项目.fields.txt").read_text(encoding="utf-8")
    assert "geom_src\tgeometry_source" in notes and "text_2" in notes
    for p in tmp_path.glob("*.shp"):
        info = pyogrio.read_info(p)
        assert all(len(f) <= 10 for f in info["fields"]), info["fields"]
        assert info["crs"] == "EPSG:4326"
    point_info = pyogrio.read_info(tmp_path / "项目_point.shp")
    # the unlocated item is kept, as a null-shape record of the first file
    assert point_info["features"] == 4  # t-point, t-hostile, t-none, and the point part of t-gc


def test_export_cli_filters_and_errors(tmp_path):
    src = tmp_path / "items.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": sample_items()}, ensure_ascii=False),
                   encoding="utf-8")
    out = tmp_path / "planned.csv"
    run = lambda *a: subprocess.run([sys.executable, "-m", "geo", "export", *map(str, a)], cwd=PROJECT_ROOT,
                                    capture_output=True, text=True, timeout=120)
    done = run(src, "--format", "csv", "-o", out, "--status", "计划", "--category", "road,telecom")
    assert done.returncode == 0, done.stderr
    rows = _csv_rows(out.read_bytes())
    assert sorted(r[0] for r in rows[1:]) == ["t-mline", "t-mpoint"]
    bad = run(src, "--format", "csv", "-o", out, "--status", "finished")
    assert bad.returncode == 1 and "finished" in bad.stderr and "Traceback" not in bad.stderr
    bad = run(src, "--format", "geojson", "-o", tmp_path / "x.geojson", "--datum", "gcj02")
    assert bad.returncode == 1 and "WGS84" in bad.stderr and "Traceback" not in bad.stderr
