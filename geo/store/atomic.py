"""Crash-safe file writes: a reader sees the old file or the new one, never half of either."""
from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

TEMP_MARK = ".tmp-"
# Crash tests set this to point names (see crash_point) in the process they mean to kill.
CRASH_POINT_ENV = "GEO_TEST_CRASH_AT"
_CHUNK = 1 << 20
_stopped: set[str] = set()


def crash_point(name: str) -> None:
    """Where the crash tests stop a writer: with ``GEO_TEST_CRASH_AT=name[,name…]`` the process
    says ``crash point NAME`` on stderr the first time it gets here, then waits for a line on
    stdin (go on) or its SIGKILL. Costs one environment lookup otherwise."""
    wanted = os.environ.get(CRASH_POINT_ENV)
    if not wanted or name in _stopped or name not in wanted.split(","):
        return
    _stopped.add(name)
    # File descriptors, not sys.stderr/sys.stdin: a test runner may have replaced those objects
    # (pytest's capture writes sys.stderr to its own file), and the parent listens on fd 2.
    os.write(2, f"crash point {name}\n".encode())
    while os.read(0, 1) not in (b"\n", b""):
        pass


def temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temp file beside ``path``, fsync it, rename over ``path``, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        crash_point("data-written")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def leftover_temps(path: Path) -> list[Path]:
    """Temp files of ``path`` left by a writer that died before its rename."""
    return sorted(path.parent.glob(f".{path.name}{TEMP_MARK}*"))


def move_leftovers_aside(path: Path) -> list[Path]:
    """Move leftover temp files into ``recovered/`` beside ``path`` (kept, never deleted).

    The rename is the commit point, so a leftover temp holds a save that never
    happened; the file itself is still the last good version.
    """
    moved = []
    for tmp in leftover_temps(path):
        dest_dir = path.parent / "recovered"
        dest_dir.mkdir(exist_ok=True)
        dest = dest_dir / (tmp.name.lstrip(".") + ".json")
        try:
            shutil.move(str(tmp), dest)
            moved.append(dest)
        except OSError:
            continue
    return moved


def append_lines(path: Path, lines: list[str]) -> None:
    """Append whole lines and fsync; a crash can only cut the last line, which readers skip.

    Written in chunks of about 1 MB (a large import logs tens of MB), so ``audit-partial``
    is a point where some lines are written and the rest are not.
    """
    if not lines:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as fh:
        # A previous crash may have left a cut line without its newline: start clean.
        if fh.tell() > 0:
            with open(path, "rb") as check:
                check.seek(-1, os.SEEK_END)
                if check.read(1) != b"\n":
                    fh.write(b"\n")
        chunk, size = [], 0
        for line in lines:
            piece = (line.rstrip("\n") + "\n").encode("utf-8")
            chunk.append(piece)
            size += len(piece)
            if size >= _CHUNK:
                fh.write(b"".join(chunk))
                fh.flush()
                chunk, size = [], 0
                crash_point("audit-partial")
        fh.write(b"".join(chunk))
        fh.flush()
        os.fsync(fh.fileno())


def dumps_feature_collection(features: list[dict], extra: dict | None = None) -> bytes:
    """One feature per line: valid GeoJSON that still diffs well in git."""
    head = {"type": "FeatureCollection"}
    if extra:
        head.update(extra)
    head_json = json.dumps(head, ensure_ascii=False, allow_nan=False)[:-1]
    # allow_nan=False: Infinity and NaN are not JSON (a ValueError here, never a file other tools cannot read)
    body = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for f in features)
    return f'{head_json}, "features": [\n{body}\n]}}\n'.encode("utf-8")


def last_line(path: Path, limit: int = 1 << 16) -> bytes | None:
    """The last complete line of ``path`` (without its newline), None when empty, missing or too long."""
    try:
        with open(path, "rb") as fh:
            end = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, end - limit))
            tail = fh.read()
    except FileNotFoundError:
        return None
    if not tail.endswith(b"\n"):
        return None  # cut by a crash: not a line
    lines = tail[:-1].rsplit(b"\n", 1)
    if len(lines) == 1 and end > limit:
        return None
    return lines[-1]
