"""Import: preview before writing, bad rows with reasons, merge without losing anything, hostile files."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest

from geo.config import PROJECT_ROOT
from geo.coords import convert
from geo.export import export_bytes
from geo.importer import ImportOptions, ImportRefused, Limits, apply_import, plan_import
from geo.store import open_store
from tests.exchange_items import content, sample_items


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path / "data")


def test_preview_writes_nothing_and_apply_adds(store):
    data, name, _ = export_bytes(sample_items(), "csv")
    preview = plan_import(data, name, store=store)
    assert preview.rows_ok == len(sample_items()) and preview.rows_bad == []
    assert set(preview.actions.values()) == {"new"}
    assert store.load() == []  # nothing written by the preview
    result = apply_import(preview, store, user="测试员")
    assert sorted(result.added) == sorted(f["id"] for f in sample_items())
    saved = store.get("t-point")
    assert saved["properties"]["updated_by"] == "测试员"
    assert saved["properties"]["geometry_source"] == "import"
    assert saved["properties"]["geometry_meta"]["datum_original"] == "wgs84"


def test_reimport_of_unchanged_export_changes_nothing(store):
    store.save_items([{**f, "properties": {**f["properties"], "version": 0}} for f in sample_items()], user="seed")
    before = store.load()
    for fmt in ("csv", "kml", "gpkg"):
        data, name, _ = export_bytes(store.load(), fmt)
        preview = plan_import(data, name, store=store)
        assert set(preview.actions.values()) == {"unchanged"}, (fmt, preview.actions)
        result = apply_import(preview, store, user="someone")
        assert result.added == [] and result.updated == []
    assert store.load() == before  # gazetteer geometry_source etc. untouched


def test_update_keeps_fields_the_file_does_not_have(store):
    store.save_items([{**f, "properties": {**f["properties"], "version": 0}} for f in sample_items()[:1]], user="seed")
    # A third-party sheet that only knows id, status and coordinates (GCJ-02, as from 高德).
    lon, lat = convert(121.2, 28.9, "wgs84", "gcj02")
    sheet = f"编号,状态,经度,纬度\nt-point,已完成,{lon!r},{lat!r}\n".encode("utf-8")
    preview = plan_import(sheet, "进度.csv", ImportOptions(datum="gcj02"), store=store)
    assert preview.actions == {"t-point": "update"}
    apply_import(preview, store, user="王工")
    item = store.get("t-point")
    p = item["properties"]
    assert p["status"] == "completed"
    assert p["name"] == "东塍镇卫生院改造" and p["notes"].startswith("备注") and p["budget_wan"] == 1500.5
    assert p["geometry_source"] == "import" and p["geometry_meta"]["datum_original"] == "gcj02"
    assert item["geometry"]["coordinates"] == pytest.approx([121.2, 28.9], abs=1e-7)
    assert {e.field for e in store.history("t-point") if e.user == "王工"} >= {"status", "geometry"}


def test_stale_export_is_a_conflict_not_an_overwrite(store):
    store.save_items([{**f, "properties": {**f["properties"], "version": 0}} for f in sample_items()[:1]], user="seed")
    data, name, _ = export_bytes(store.load(), "csv")
    edited = store.get("t-point")
    edited["properties"]["notes"] = "someone else's edit"
    store.save_item(edited, expected_version=edited["properties"]["version"], user="other")
    stale = data.decode("utf-8-sig").replace("推进中", "已完成").encode("utf-8-sig")
    preview = plan_import(stale, name, store=store)
    assert preview.actions["t-point"].startswith("conflict")
    result = apply_import(preview, store, user="me")
    assert [c[0] for c in result.conflicts] == ["t-point"]
    assert store.get("t-point")["properties"]["notes"] == "someone else's edit"
    assert store.get("t-point")["properties"]["status"] == "in_progress"


def test_bad_rows_are_listed_with_row_number_and_reason():
    sheet = ("名称,经度,纬度,状态,类别\n"
             "好的项目,121.1,28.8,计划,道路\n"
             "坏经度,abc,28.8,计划,道路\n"
             ",121.1,28.8,计划,道路\n"
             "坏状态,121.1,28.8,差不多,道路\n"
             "只有经度,121.1,,计划,道路\n"
             "超出范围,221.1,28.8,计划,道路\n").encode("utf-8")
    preview = plan_import(sheet, "x.csv")
    assert preview.rows_ok == 1
    bad = dict(preview.rows_bad)
    assert set(bad) == {3, 4, 5, 6, 7}
    assert "abc" in bad[3] and "名称" in bad[4] and "差不多" in bad[5] and "经度/纬度" in bad[6]
    assert "geometry" in bad[7]


def test_address_only_rows_are_unlocated_and_column_mapping_works():
    sheet = "项目名称,所在地址,阶段\n村道硬化,东塍镇岭下村,推进中\n".encode("utf-8")
    preview = plan_import(sheet, "list.csv", ImportOptions(mapping={"所在地址": "address", "阶段": "status"}))
    f = preview.features[0]
    assert f["geometry"] is None and f["properties"]["precision"] == "none"
    assert f["properties"]["places"] == ["东塍镇岭下村"] and f["properties"]["status"] == "in_progress"
    assert any("address" in w for w in preview.warnings)
    with pytest.raises(ImportRefused, match="not a field"):
        plan_import(sheet, "list.csv", ImportOptions(mapping={"阶段": "stage"}))


def test_type_is_sniffed_from_content_and_names_are_sanitised():
    data, _, _ = export_bytes(sample_items(), "geojson")
    preview = plan_import(data, "../../etc/passwd\\evil.csv")  # a GeoJSON with a misleading name
    assert preview.kind == "geojson" and preview.filename == "evil.csv"
    kml, _, _ = export_bytes(sample_items(), "kml")
    assert plan_import(kml, "upload.txt").kind == "kml"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    return buf.getvalue()


@pytest.mark.parametrize("members", [
    {"doc.kml": b"<kml>" + b" " * (20 * 2**20) + b"</kml>"},                      # 20 MB of spaces: ratio
    {"[Content_Types].xml": b"x", "xl/worksheets/sheet1.xml": b"0" * (20 * 2**20)},  # an "xlsx" bomb
])
def test_zip_bombs_are_refused_before_inflating(members):
    bomb = _zip(members)
    assert len(bomb) < 200_000
    with pytest.raises(ImportRefused, match="zip bomb"):
        plan_import(bomb, "bomb.kmz")


def test_limits_on_size_and_rows():
    sheet = ("名称,经度,纬度\n" + "".join(f"项目{i},121.1,28.8\n" for i in range(30))).encode("utf-8")
    with pytest.raises(ImportRefused, match="rows"):
        plan_import(sheet, "many.csv", ImportOptions(limits=Limits(max_rows=10)))
    with pytest.raises(ImportRefused, match="MB"):
        plan_import(sheet, "big.csv", ImportOptions(limits=Limits(max_bytes=100)))


def test_kml_with_entities_is_refused():
    evil = (b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&b;</name></Placemark></kml>')
    with pytest.raises(ImportRefused, match="ENTITY"):
        plan_import(evil, "evil.kml")


def test_import_cli_previews_then_writes_with_yes(tmp_path):
    src = tmp_path / "项目.csv"
    src.write_bytes(export_bytes(sample_items(), "csv")[0])
    data_dir = tmp_path / "data"
    run = lambda *a: subprocess.run([sys.executable, "-m", "geo", "import", str(src), "--store", str(data_dir), *a],
                                    cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    done = run()
    assert done.returncode == 0, done.stderr
    assert "nothing written" in done.stdout and not (data_dir / "projects.geojson").exists()
    done = run("--yes", "--user", "tester")
    assert done.returncode == 0, done.stderr
    saved = json.loads((data_dir / "projects.geojson").read_text(encoding="utf-8"))["features"]
    assert {f["id"] for f in saved} == {f["id"] for f in sample_items()}
    originals = {f["id"]: f for f in sample_items()}
    # a person imported them: every field counts as a human edit (a rebuild keeps them)
    strip = lambda f: {k: v for k, v in content(f).items() if k != "edited_fields"}
    assert all(strip(f) == strip(originals[f["id"]]) for f in saved)
    bad = subprocess.run([sys.executable, "-m", "geo", "import", str(tmp_path / "missing.csv")], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "missing.csv" in bad.stderr and "Traceback" not in bad.stderr
