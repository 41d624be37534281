"""Photo intake: content sniffing, size limit, generated names, EXIF GPS, HEIC."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from geo.photos import MAX_BYTES, PhotoError, photo_path, sniff, store_photo


def _jpeg(gps=None, size=(40, 30)) -> bytes:
    img = Image.new("RGB", size, (200, 100, 50))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = gps
    exif[306] = "2020:05:06 07:08:09"
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


# TEST values, not a real site: 28°30'36" N, 120°45'18" E
GPS = {1: "N", 2: (28.0, 30.0, 36.0), 3: "E", 4: (120.0, 45.0, 18.0)}


def test_jpeg_with_gps_is_stored_and_offers_wgs84_location(tmp_path):
    photo = store_photo(_jpeg(GPS), "IMG_0001.JPG", directory=tmp_path)
    assert photo.kind == "jpeg" and photo.has_location
    assert photo.lat == pytest.approx(28.51)
    assert photo.lon == pytest.approx(120.755)
    assert photo.taken_at == "2020-05-06T07:08:09"
    path = photo_path(photo.file, tmp_path)
    assert path.is_file() and path.parent == tmp_path / "photos"
    assert "IMG_0001" not in photo.file
    rec = photo.record(added_by="anna")
    assert rec["file"] == photo.file and rec["lon"] == photo.lon


def test_southern_western_hemispheres_are_negative(tmp_path):
    photo = store_photo(_jpeg({1: "S", 2: (10.0, 0.0, 0.0), 3: "W", 4: (20.0, 30.0, 0.0)}), directory=tmp_path)
    assert (photo.lon, photo.lat) == (pytest.approx(-20.5), pytest.approx(-10.0))


def test_png_without_gps(tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, "PNG")
    photo = store_photo(buf.getvalue(), "x.png", directory=tmp_path)
    assert photo.kind == "png" and not photo.has_location and photo.file.endswith(".png")


def test_type_by_content_not_by_name(tmp_path):
    with pytest.raises(PhotoError, match="not a JPEG, PNG or HEIC"):
        store_photo(b"<html><script>alert(1)</script>", "evil.jpg", directory=tmp_path)
    assert not (tmp_path / "photos").exists() or not any((tmp_path / "photos").iterdir())
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    assert store_photo(png.getvalue(), "looks-like.jpg", directory=tmp_path).kind == "png"


def test_truncated_and_oversize_and_empty(tmp_path):
    data = _jpeg(size=(400, 300))
    with pytest.raises(PhotoError, match="damaged"):
        store_photo(data[: len(data) // 3], "cut.jpg", directory=tmp_path)
    with pytest.raises(PhotoError, match="limit"):
        store_photo(b"\xff\xd8\xff" + b"0" * MAX_BYTES, "big.jpg", directory=tmp_path)
    with pytest.raises(PhotoError, match="empty"):
        store_photo(b"", "none.jpg", directory=tmp_path)


def test_heic_is_read_and_converted_to_jpeg(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    img = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = GPS
    buf = io.BytesIO()
    img.save(buf, "HEIF", exif=exif.tobytes())
    data = buf.getvalue()
    assert sniff(data) == "heic"
    photo = store_photo(data, "IMG_1.HEIC", directory=tmp_path)
    assert photo.kind == "heic" and photo.file.endswith(".jpg")
    assert sniff(photo_path(photo.file, tmp_path).read_bytes()) == "jpeg"
    assert photo.lat == pytest.approx(28.51)


@pytest.mark.parametrize("name", ["../etc/passwd", ".hidden", "a/b.jpg", ""])
def test_photo_path_refuses_unsafe_names(name, tmp_path):
    with pytest.raises(PhotoError):
        photo_path(name, tmp_path)
