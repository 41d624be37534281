"""AppTest for the 导入导出 page: downloads of the current filter in every format, the offline HTML map and
the report; import for editors only, with a preview that writes nothing until 确认导入.

The bytes of download buttons are read where Streamlit stores them (its in-memory media storage),
so the test sees exactly what a browser would download.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from geo.contract import STATUS_LABELS
from geo.export import FORMATS
from geo.store import open_store
from tests import meeting_data
from tests.apptest_support import run_app, sign_in, use_data



@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    return use_data(monkeypatch, meeting_data.build(tmp_path / "data"))


@pytest.fixture
def downloads(monkeypatch):
    """{file name: bytes} of everything the page handed to download buttons."""
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, (bytes, bytearray)) and filename:
            seen[filename] = bytes(path_or_data)
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return seen


def _page(query=None, *, editor: str | None = None) -> AppTest:
    at = run_app(query, timeout=120)
    if editor:  # sign in on the map page: AppTest shows the sidebar of the first page only
        _sign_in(at, editor)
    at.switch_page("pages/exchange.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


_sign_in = sign_in


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [m.value for m in at.info] + [m.value for m in at.error]
                    + [m.value for m in at.warning] + [m.value for m in at.success] + [c.value for c in at.caption])


def _file(downloads: dict, suffix: str) -> bytes:
    names = [n for n in downloads if n.endswith(suffix)]
    assert names, f"no download ending {suffix}: {sorted(downloads)}"
    return downloads[names[-1]]


# ---- exports ---------------------------------------------------------------------
def test_every_format_downloads_the_current_filter(data_dir, downloads):
    items = open_store(data_dir).load()
    planned = [f for f in items if f["properties"]["status"] == "planned"]
    at = _page({"status": "planned"})
    labels = [b.label for b in at.get("download_button")]
    for spec in FORMATS.values():
        assert any(label.startswith(spec.label) for label in labels), (spec.name, labels)
    suffixes = {"geojson": ".geojson", "csv": ".csv", "xlsx": ".xlsx", "kml": ".kml", "kmz": ".kmz",
                "gpkg": ".gpkg", "shp": "-shp.zip"}
    assert set(suffixes) == set(FORMATS)
    for name, suffix in suffixes.items():
        assert len(_file(downloads, suffix)) > 0, name
    doc = json.loads(_file(downloads, ".geojson"))
    assert sorted(f["id"] for f in doc["features"]) == sorted(f["id"] for f in planned)
    rows = list(csv.DictReader(io.StringIO(_file(downloads, ".csv").decode("utf-8-sig"))))
    assert len(rows) == len(planned)
    assert _file(downloads, ".csv").startswith(b"\xef\xbb\xbf")
    assert zipfile.ZipFile(io.BytesIO(_file(downloads, "-shp.zip"))).namelist()
    assert _file(downloads, ".kml").lstrip().startswith(b"<?xml")


def test_datum_choice_changes_the_csv_not_the_geojson(data_dir, downloads):
    at = _page()
    wgs_csv, wgs_geojson = _file(downloads, ".csv"), _file(downloads, ".geojson")
    downloads.clear()
    at.selectbox(key="ex_datum").set_value("gcj02").run()
    assert not at.exception
    # The synthetic test data lie outside China, where GCJ-02 equals WGS-84: the file states the datum.
    gcj_csv = _file(downloads, ".csv")
    assert "gcj02" in gcj_csv.decode("utf-8-sig").lower() or "GCJ-02" in gcj_csv.decode("utf-8-sig")
    assert gcj_csv != wgs_csv
    assert _file(downloads, ".geojson") == wgs_geojson
    captions = " ".join(c.value for c in at.caption)
    assert "固定 WGS-84" in captions


def test_offline_html_map_and_report_downloads(data_dir, downloads):
    at = _page()
    next(b for b in at.button if b.key == "ex_html_make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    html = _file(downloads, ".html").decode("utf-8")
    assert "<html" in html.lower() and "leaflet" in html.lower()
    assert "unpkg.com" not in html and "cdn.jsdelivr" not in html and "<script src=\"http" not in html
    at.selectbox(key="ex_paper").set_value("A3").run()
    next(b for b in at.button if b.key == "ex_report_make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    pdf = _file(downloads, "-A3.pdf")
    assert pdf.startswith(b"%PDF")
    at.selectbox(key="ex_report_fmt").set_value("png").run()
    next(b for b in at.button if b.key == "ex_report_make").click().run()
    assert _file(downloads, "-A3.png").startswith(b"\x89PNG")


# ---- imports ---------------------------------------------------------------------
def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode("utf-8")


PLANNED = STATUS_LABELS["planned"]
IN_PROGRESS = STATUS_LABELS["in_progress"]
NEW_ROWS = [["工程", "经度", "纬度", "状态"],
            ["新建停车场", "100.05", "30.05", PLANNED],
            ["新建公厕", "abc", "30.02", PLANNED],        # row 3: bad longitude
            ["村道提升", "100.07", "30.06", IN_PROGRESS]]


def test_viewer_cannot_import(data_dir):
    at = _page()
    assert not at.get("file_uploader")
    assert "导入需要编辑登录" in _texts(at)


def _upload(at, data: bytes, name: str) -> AppTest:
    at.get("file_uploader")[0].set_value((name, data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_import_preview_mapping_then_confirm_writes(data_dir):
    before = {f["id"]: f for f in open_store(data_dir).load()}
    at = _page(editor="anna")
    _upload(at, _csv(NEW_ROWS), "新项目.csv")
    # 工程 is not a known header: every row lacks a name until it is mapped
    assert "0 行可导入" in _texts(at)
    assert "工程" in [s.label for s in at.selectbox]
    next(s for s in at.selectbox if s.label == "工程").set_value("name").run()
    assert not at.exception, [e.value for e in at.exception]
    text = _texts(at)
    assert "2 行可导入" in text and "1 行有问题" in text
    bad = next(d for d in at.dataframe if d.key == "ex_bad_rows" or "原因" in d.value.columns)
    assert list(bad.value["行"]) == [3] and "abc" in bad.value["原因"][0]
    assert {f["id"] for f in open_store(data_dir).load()} == set(before)  # nothing written by the preview
    next(b for b in at.button if b.label == "确认导入").click().run()
    assert not at.exception, [e.value for e in at.exception]
    after = {f["id"]: f for f in open_store(data_dir).load()}
    added = {f["properties"]["name"]: f for i, f in after.items() if i not in before}
    assert set(added) == {"新建停车场", "村道提升"}
    assert added["新建停车场"]["geometry"]["coordinates"] == [100.05, 30.05]
    assert added["村道提升"]["properties"]["status"] == "in_progress"
    assert added["新建停车场"]["properties"]["updated_by"] == "anna" or \
        any(h.user == "anna" for h in open_store(data_dir).history(next(i for i in after if i not in before)))
    for item_id, item in before.items():  # nothing existing lost or changed
        assert after[item_id] == item
    assert "已导入：新增 2" in _texts(at)
    assert not at.get("file_uploader")[0].value  # a fresh uploader after the import


def test_import_cancel_writes_nothing(data_dir):
    path = data_dir / "projects.geojson"
    before = path.read_bytes()
    at = _page(editor="anna")
    rows = [["名称", "经度", "纬度"], ["新建停车场", "100.05", "30.05"]]
    _upload(at, _csv(rows), "a.csv")
    assert "1 行可导入" in _texts(at)
    next(b for b in at.button if b.label == "取消").click().run()
    assert not at.exception
    assert "已取消" in _texts(at)
    assert path.read_bytes() == before


def test_import_conflict_listed_and_skipped(data_dir, downloads):
    store = open_store(data_dir)
    at = _page(editor="anna")
    exported = json.loads(_file(downloads, ".geojson"))
    target = exported["features"][0]
    # someone changes the item after the export
    current = store.get(target["id"])
    store.save_item({**current, "properties": {**current["properties"], "notes": "会上修改"}},
                    expected_version=current["properties"]["version"], user="li")
    target["properties"]["notes"] = "旧文件里的修改"
    data = json.dumps({"type": "FeatureCollection", "features": [target]}, ensure_ascii=False).encode()
    at.get("file_uploader")[0].set_value(("back.geojson", data, "application/geo+json")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "冲突 1" in _texts(at)
    next(b for b in at.button if b.label == "确认导入").click().run()
    assert "冲突跳过 1" in _texts(at)
    assert open_store(data_dir).get(target["id"])["properties"]["notes"] == "会上修改"


def test_unreadable_file_is_refused_with_a_message(data_dir):
    at = _page(editor="anna")
    at.get("file_uploader")[0].set_value(("x.kmz", b"PK\x03\x04 not really a zip", "application/zip")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "无法导入" in " ".join(e.value for e in at.error)
