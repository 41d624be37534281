"""Limits on what an import will read, and a zip reader that refuses zip bombs before inflating anything.

KMZ, XLSX, DOCX and zipped Shapefiles are zip files. The central directory states
every member's sizes; we check the total, the count and the compression ratio
there, before extracting a byte. ``zipfile`` itself stops inflating a member at its
stated size, so a directory that lies cannot make us inflate more than we checked.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


class ImportRefused(Exception):
    """The file as a whole cannot be imported; the text names the problem and the fix."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024          # upload size
    max_rows: int = 20_000                     # items in one import
    max_zip_members: int = 2_000
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_ratio: float = 200.0                   # per member, uncompressed / compressed
    max_xml_bytes: int = 100 * 1024 * 1024


DEFAULT_LIMITS = Limits()


def check_size(data: bytes, name: str, limits: Limits) -> None:
    if len(data) > limits.max_bytes:
        raise ImportRefused(f"{name}: {len(data) / 2**20:.1f} MB is over the import limit of "
                            f"{limits.max_bytes / 2**20:.0f} MB; split the file")


def open_zip(data: bytes, name: str, limits: Limits) -> zipfile.ZipFile:
    """A ZipFile over ``data`` whose directory passed the bomb checks."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportRefused(f"{name}: damaged zip container ({exc}); export the file again") from None
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise ImportRefused(f"{name}: holds {len(infos)} files, over the limit of {limits.max_zip_members}")
    total = 0
    for info in infos:
        total += info.file_size
        if info.flag_bits & 0x1:
            raise ImportRefused(f"{name}: {info.filename} is encrypted; save the file without a password")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise ImportRefused(f"{name}: {info.filename} expands {ratio:.0f}× ({info.file_size / 2**20:.0f} MB); "
                                "refusing a possible zip bomb")
    if total > limits.max_unzipped_bytes:
        raise ImportRefused(f"{name}: unpacks to {total / 2**20:.0f} MB, over the limit of "
                            f"{limits.max_unzipped_bytes / 2**20:.0f} MB; refusing a possible zip bomb")
    return zf


def read_member(zf: zipfile.ZipFile, member: str, name: str) -> bytes:
    try:
        return zf.read(member)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        raise ImportRefused(f"{name}: {member} cannot be unpacked ({exc}); export the file again") from None
