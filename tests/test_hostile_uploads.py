"""Uploads with hostile file names: photos and imports get safe generated names, nothing is written
outside the data folder (or the import's private temp folder). Size limits, type sniffing and zip
bombs in KMZ/XLSX are in tests/test_import_preview_merge.py and tests/test_photos.py; DOCX bombs
in tests/test_hostile_text.py.
"""
from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from geo.importer import ImportRefused, plan_import
from geo.filenames import safe_filename
from geo.photos import SAFE_NAME, photo_path, store_photo

HOSTILE_NAMES = [
    "../../../h9-evil.png", "..\\..\\h9-evil.png", "/etc/h9-evil.png", "C:\\Windows\\h9-evil.png",
    "photos/../../h9-evil.png", "..", ".", "", "a\x00b.png", "\u202egnp.exe", "x" * 5000 + ".png",
]


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buf, "PNG")
    return buf.getvalue()


def _all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_photo_upload_names_never_reach_the_file_system(tmp_path, name):
    data_dir = tmp_path / "data"
    before = _all_files(tmp_path)
    photo = store_photo(_png(), name, directory=data_dir)
    assert SAFE_NAME.match(photo.file) and not photo.file.startswith(".")
    new = _all_files(tmp_path) - before
    assert new == {data_dir / "photos" / photo.file}
    assert photo_path(photo.file, data_dir).resolve().parent == (data_dir / "photos").resolve()
    assert not any(Path(p).exists() for p in ("/h9-evil.png", "/etc/h9-evil.png", tmp_path.parent / "h9-evil.png"))


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_import_names_are_reduced_to_a_plain_last_component(name):
    safe = safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".") and len(safe) <= 120


def test_plan_document_with_a_traversing_name_stays_in_its_temp_folder(tmp_path):
    text = "某镇2021年工作计划\n一、基础设施\n全年新建5G基站60个。\n".encode("utf-8")
    preview = plan_import(text, "../../../../h9-evil-plan.txt")
    assert preview.filename == "h9-evil-plan.txt" and preview.kind == "plan"
    assert not Path("/h9-evil-plan.txt").exists()
    assert not (Path(tempfile.gettempdir()) / "h9-evil-plan.txt").exists()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    return buf.getvalue()


def test_zipped_shapefile_members_with_paths_are_flattened(tmp_path):
    """Member names like ../../x.shp must not be joined onto the extraction folder."""
    pyogrio = pytest.importorskip("pyogrio")
    from tests.exchange_items import sample_items
    from geo.export import export_items
    shp = tmp_path / "out" / "items.shp"
    shp.parent.mkdir()
    paths = export_items([f for f in sample_items() if f["geometry"] and f["geometry"]["type"] == "Point"], "shp", shp)
    members = {}
    for p in paths:
        p = Path(p)
        members[f"../../../../h9-evil{p.suffix}"] = p.read_bytes()
    before_tmp = set(os.listdir(tempfile.gettempdir()))
    preview = plan_import(_zip(members), "items.zip")
    assert preview.kind == "shp" and preview.features
    for suffix in (".shp", ".dbf", ".shx", ".prj"):
        assert not Path(f"/h9-evil{suffix}").exists()
        assert not (Path(tempfile.gettempdir()) / f"h9-evil{suffix}").exists()
    leftovers = {n for n in set(os.listdir(tempfile.gettempdir())) - before_tmp if n.startswith("geo-import-")}
    assert not leftovers, "the import's temp folder is removed"
    del pyogrio


def test_empty_and_unknown_uploads_are_refused_with_one_line():
    with pytest.raises(ImportRefused, match="empty"):
        plan_import(b"   ", "../x.csv")
    with pytest.raises(ImportRefused) as err:
        plan_import(b"\x00\x01\x02" * 100, "/etc/passwd")
    assert "\n" not in str(err.value)
