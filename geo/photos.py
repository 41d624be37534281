"""Photos attached to progress notes: checked, stored under ``data/photos/`` with a generated name, GPS read.

- The type is sniffed from the bytes (JPEG, PNG, HEIC/HEIF), never taken from the file name.
- The stored name is generated (date + random hex + extension) so nothing a user typed
  reaches the file system; HEIC is converted to JPEG because browsers cannot show it.
- The EXIF GPS position (phones record WGS-84) is returned as a *suggested* location;
  it is never applied without the person accepting it.
"""
from __future__ import annotations

import datetime as _dt
import io
import os
import secrets
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from geo import config
from geo.i18n import LocalisedError
from geo.store.base import PHOTO_NAME, StoreError

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 80_000_000  # larger images are refused as possible decompression bombs
PHOTOS_DIRNAME = "photos"
SAFE_NAME = PHOTO_NAME
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769


class PhotoError(LocalisedError, ValueError):
    """A file that cannot be taken as a photo; the message names it and says what to do."""


@dataclass(frozen=True)
class StoredPhoto:
    file: str  # generated name inside the photos folder
    kind: str  # jpeg | png | heic
    width: int
    height: int
    lon: float | None  # EXIF GPS, WGS-84, a suggestion only
    lat: float | None
    taken_at: str | None

    @property
    def has_location(self) -> bool:
        return self.lon is not None and self.lat is not None

    def record(self, *, added_by: str, caption: str = "", added_at: str | None = None) -> dict:
        """The entry for an item's ``photos`` list (see item.schema.json)."""
        rec = {"file": self.file, "taken_at": self.taken_at, "lon": self.lon, "lat": self.lat,
               "added_by": added_by,
               "added_at": added_at or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()}
        if caption:
            rec["caption"] = caption
        return rec


def photos_dir(directory: Path | None = None) -> Path:
    return (directory or config.data_dir()) / PHOTOS_DIRNAME


def sniff(data: bytes) -> str | None:
    """jpeg | png | heic by the file's first bytes; None for anything else."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "heic"
    return None


def _register_heif() -> bool:
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def _ratio(value) -> float:
    if isinstance(value, tuple) and len(value) == 2:  # (num, den) from older writers
        num, den = value
        return float(num) / float(den) if den else float("nan")
    return float(Fraction(value) if not isinstance(value, float) else value)


def _dms(values) -> float:
    d, m, s = (_ratio(v) for v in values)
    return d + m / 60.0 + s / 3600.0


def exif_position(image: Image.Image) -> tuple[float, float] | None:
    """(lon, lat) in WGS-84 decimal degrees from EXIF GPS, or None when absent or unusable."""
    try:
        gps = image.getexif().get_ifd(_GPS_IFD)
    except Exception:  # a broken EXIF block must not make the photo unusable
        return None
    if not gps or 2 not in gps or 4 not in gps:
        return None
    try:
        lat = _dms(gps[2])
        lon = _dms(gps[4])
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if str(gps.get(1, "N")).strip().upper().startswith("S"):
        lat = -lat
    if str(gps.get(3, "E")).strip().upper().startswith("W"):
        lon = -lon
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None  # 0,0 is what some cameras write when they have no fix
    return round(lon, 7), round(lat, 7)


def exif_taken_at(image: Image.Image) -> str | None:
    try:
        exif = image.getexif()
        raw = exif.get_ifd(_EXIF_IFD).get(36867) or exif.get(306)  # DateTimeOriginal, DateTime
    except Exception:
        return None
    if not raw:
        return None
    try:
        return _dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return None


def read_photo(data: bytes, filename: str = "photo") -> tuple[str, Image.Image]:
    """(kind, opened image) after every check; :class:`PhotoError` for anything unusable."""
    label = os.path.basename(filename or "photo")[:80]
    if not data:
        raise PhotoError("photo_empty", file=label)
    if len(data) > MAX_BYTES:
        raise PhotoError("photo_too_big", file=label, mb=len(data) / 1048576, limit=MAX_BYTES // 1048576)
    kind = sniff(data)
    if kind is None:
        raise PhotoError("photo_kind", file=label)
    if kind == "heic" and not _register_heif():
        raise PhotoError("photo_heic", file=label)
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise PhotoError("photo_pixels", file=label, w=image.width, h=image.height)
        image.load()
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError("photo_damaged", file=label, error=type(exc).__name__) from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    return kind, image


def new_name(kind: str, today: _dt.date | None = None) -> str:
    ext = {"jpeg": "jpg", "png": "png", "heic": "jpg"}[kind]
    return f"{(today or _dt.date.today()).strftime('%Y%m%d')}-{secrets.token_hex(8)}.{ext}"


def store_photo(data: bytes, filename: str = "photo", directory: Path | None = None, *, store=None) -> StoredPhoto:
    """Check ``data`` and keep it in ``store`` (default: the data folder ``directory``'s store, or the configured
    one) under a new name; nothing is written on error."""
    kind, image = read_photo(data, filename)
    position = exif_position(image)
    taken_at = exif_taken_at(image)
    if kind == "heic":
        buf = io.BytesIO()
        exif = image.info.get("exif")
        rgb = image.convert("RGB")
        rgb.save(buf, "JPEG", quality=88, **({"exif": exif} if exif else {}))
        payload = buf.getvalue()
    else:
        payload = data
    name = new_name(kind)
    if store is None:
        from geo.store import open_store

        store = open_store(directory)
    try:
        store.put_photo(name, payload)
    except StoreError as exc:
        raise PhotoError("photo_not_kept", file=os.path.basename(filename or "photo")[:80], msg=str(exc)) from None
    lon, lat = position if position else (None, None)
    return StoredPhoto(file=name, kind=kind, width=image.width, height=image.height,
                       lon=lon, lat=lat, taken_at=taken_at)


def photo_bytes(name: str, store=None) -> bytes | None:
    """A stored photo's bytes from ``store`` (default: the configured one); None when it is not there."""
    if not name or not SAFE_NAME.match(name) or name.startswith("."):
        raise PhotoError("photo_name", name=name)
    if store is None:
        from geo.store import open_store

        store = open_store()
    return store.photo_bytes(name)


def photo_path(name: str, directory: Path | None = None) -> Path:
    """Path of a stored photo; refuses names that could leave the photos folder."""
    if not name or not SAFE_NAME.match(name) or name.startswith("."):
        raise PhotoError("photo_name", name=name)
    return photos_dir(directory) / name
