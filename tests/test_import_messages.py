"""Smaller import/export messages of issue 19: each input gets the right one line, on stdout/stderr as it should."""
from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import shapely

from geo.config import PROJECT_ROOT
from geo.export.kml import document
from geo.importer import plan_import
from tests.exchange_items import sample_items


def _cli(*args, cwd=PROJECT_ROOT):
    return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], cwd=cwd, capture_output=True, text=True)


def test_utf16_kml_is_read(tmp_path):
    text = document(sample_items()).decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = tmp_path / "奥维导出.kml"
    path.write_bytes(text.encode("utf-16"))  # with BOM, as Windows tools save "Unicode"
    preview = plan_import(path)
    assert preview.kind == "kml" and preview.rows_ok == len(sample_items())
    assert {f["properties"]["name"] for f in preview.features} == {f["properties"]["name"] for f in sample_items()}


def test_null_geojson_gets_a_geojson_message(tmp_path):
    path = tmp_path / "null.geojson"
    path.write_text("null", encoding="utf-8")
    run = _cli("import", path, "--store", tmp_path / "store", "--yes")
    assert run.returncode != 0
    line = run.stderr.strip()
    assert line.count("\n") == 0 and "null.geojson" in line and "GeoJSON" in line
    assert "bad rows" not in line and "Traceback" not in line


def test_errors_name_the_users_file_not_a_temp_path(tmp_path):
    bad_pdf = tmp_path / "规划.pdf"
    bad_pdf.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")
    bad_gpkg = tmp_path / "坏.gpkg"
    bad_gpkg.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    for path in (bad_pdf, bad_gpkg):
        run = _cli("import", path, "--store", tmp_path / "store")
        assert run.returncode != 0
        assert path.name in run.stderr and "geo-import-" not in run.stderr and "/tmp" not in run.stderr, run.stderr


def test_pdf_and_gpkg_readers_leave_stderr_to_the_one_message(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    fig.text(0.1, 0.5, "2020 plan")
    pdf = tmp_path / "plan.pdf"
    fig.savefig(pdf)
    plt.close(fig)
    data = pdf.read_bytes()
    pdf.write_bytes(data[:data.rfind(b"startxref")] + b"startxref\n999\n%%EOF\n")  # pypdf repairs, and logs it
    gpkg = tmp_path / "items.gpkg"
    gpd.GeoDataFrame({"名称": ["甲"]}, geometry=[shapely.Point(121.1, 28.8)], crs="EPSG:4326").to_file(gpkg)
    import sqlite3
    with sqlite3.connect(gpkg) as db:
        db.execute("PRAGMA user_version=99999")  # GDAL warns it "may only be partially supported"
    for path in (pdf, gpkg):
        run = _cli("import", path, "--store", tmp_path / "store")
        assert run.returncode == 0, run.stderr
        assert run.stderr == "", run.stderr
        assert "warning:" in run.stdout and "geo-import-" not in run.stdout


def test_export_shp_to_a_zip_name_writes_the_zip(tmp_path):
    import json
    import zipfile

    src = tmp_path / "items.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": sample_items()}, ensure_ascii=False),
                   encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    run = _cli("export", src, "--format", "shp", "-o", out_dir / "x.shp.zip")
    assert run.returncode == 0, run.stderr
    assert [p.name for p in out_dir.iterdir()] == ["x.shp.zip"]
    assert zipfile.is_zipfile(out_dir / "x.shp.zip")
    preview = plan_import(out_dir / "x.shp.zip")
    assert preview.rows_ok == len(sample_items())
