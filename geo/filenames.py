"""The one file-name sanitiser: for uploads (their names reach temp folders and messages) and for
names people type for downloads (exports, the HTML map, the report)."""
from __future__ import annotations

import re

# Characters Windows refuses in a file name; "/" and "\\" are handled as path separators.
_FORBIDDEN = set(':*?"<>|')


def safe_filename(name, default: str = "file", *, max_chars: int = 120) -> str:
    """``name`` reduced to a plain file name: its last path component ("C:\\x\\a.csv", "../../a.csv" → "a.csv"),
    without control, format or separator characters (ASCII space stays) and without ``:*?"<>|``, no leading or
    trailing dots and spaces, at most ``max_chars`` characters; ``default`` when nothing is left."""
    text = re.split(r"[\\/]", str(name or ""))[-1]
    text = "".join(ch for ch in text if ch.isprintable() and ch not in _FORBIDDEN).strip(" .")
    return text[:max_chars] or default
