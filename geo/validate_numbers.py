"""Numbers every JSON reader agrees on: finite, and no larger than a 64-bit float holds.

Python's ``json`` reads ``1e999`` as ``inf`` and writes it back as ``Infinity``,
which is not JSON, and it refuses an integer of more than 4,300 digits with a
ValueError from deep inside the parser. Browsers, GDAL and PostgreSQL disagree
with Python on both. So every place JSON enters (validate, import, the store's
read, every store write) goes through this module, and a bad number is refused
with the file, feature and field it sits in.
"""
from __future__ import annotations

import contextlib
import gc
import json
import math
import sys
import threading
from dataclasses import dataclass

# Texts longer than this are parsed with the cyclic garbage collector paused (see collector_paused).
_PAUSE_ABOVE_CHARS = 1_000_000

# Largest magnitude other tools read as a number (IEEE 754 double); beyond it they see infinity.
MAX_MAGNITUDE = sys.float_info.max
_SHOWN_CHARS = 24
_SAFE_INT_CHARS = 309  # fewer characters (sign included) than this: always within MAX_MAGNITUDE
_PYTHON_INT_CHARS = sys.get_int_max_str_digits() or 4300  # longer: int() itself refuses


class _Unreadable:
    """Stands in for a bad number, as written, so that it can be located and shown (Python could
    not even hold some of them: over 4,300 digits)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


@dataclass(frozen=True)
class BadNumber:
    """A number that is not finite or too large, and where it is."""

    feature: str | None  # id (or "#N") of the feature it sits in, None outside any feature
    field: str           # dotted path in the feature's properties, "geometry", or a path in the document
    text: str            # the number as written (NaN, Infinity, 1e999) or "a 5000-digit integer"

    def reason(self) -> str:
        if self.text in ("NaN", "Infinity", "-Infinity"):
            return (f"{self.text} is not a number JSON allows, and other tools could not read it; "
                    "use a finite number, or null if unknown")
        if "digit integer" in self.text:
            return (f"{self.text} is too large: GIS tools and browsers read numbers as 64-bit floats "
                    "(at most about 1.8e308); use a smaller number, or write it as text")
        return (f"{self.text} is too large for a number (beyond about 1.8e308 other tools read it as "
                "infinity); use a finite number, or null if unknown")

    def where(self) -> str:
        return f"feature {self.feature}, field {self.field}" if self.feature is not None else f"field {self.field}"


class NumberError(ValueError):
    """A JSON document holding numbers no other tool reads the same; the message names the first."""

    def __init__(self, source: str, bad: list[BadNumber]):
        self.source, self.bad = source, bad
        more = f" (+{len(bad) - 1} more)" if len(bad) > 1 else ""
        super().__init__(f"{source}: {bad[0].where()}: {bad[0].reason()}{more}")


def _describe(value) -> str | None:
    """How a bad number is shown, or None when ``value`` is fine (or not a number)."""
    kind = type(value)
    if kind is float:
        if value - value == 0.0:  # finite (inf - inf and nan are nan)
            return None
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if kind is int:
        if -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
            return None
        if value.bit_length() <= 14_000:  # str() itself is refused past 4,300 digits
            return f"a {len(str(abs(value)))}-digit integer"
        return f"a {int(value.bit_length() * math.log10(2)) + 1}-digit integer"
    if kind is _Unreadable:
        digits = value.text.lstrip("-")
        return f"a {len(digits)}-digit integer" if digits.isdigit() else _shortened(value.text)
    if isinstance(value, float) and not math.isfinite(value):  # float subclasses (numpy)
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    return None


def in_range(value) -> bool:
    """True for a finite number no larger than a 64-bit float holds (and for anything not a number)."""
    return _describe(value) is None


def find_bad_numbers(obj) -> list[tuple[tuple, str]]:
    """(path, description) of every number in ``obj`` that is not finite or too large."""
    out = []
    stack = [((), obj)]
    while stack:
        path, value = stack.pop()
        kind = type(value)
        if kind is dict:
            stack.extend(((*path, k), v) for k, v in value.items())
        elif kind is list or kind is tuple:
            stack.extend(((*path, i), v) for i, v in enumerate(value))
        elif kind is not str and kind is not bool and value is not None:
            shown = _describe(value)
            if shown is not None:
                out.append((path, shown))
    out.sort(key=lambda pv: [str(p) for p in pv[0]])
    return out


def field_name(path: tuple) -> str:
    """``("properties", "quantity", "value")`` -> ``quantity.value``; geometry paths -> ``geometry``."""
    if path[:1] == ("geometry",):
        return "geometry"
    if path[:1] == ("properties",):
        path = path[1:]
    return ".".join(str(p) for p in path) or "(value)"


def feature_number_problems(feature) -> list[tuple[str, str]]:
    """(field, reason) of each bad number in one feature (used by ``geo.contract.validate_feature``)."""
    if not isinstance(feature, dict):
        return []
    return [(b.field, b.reason()) for b in _in_feature(None, feature)]


def _in_feature(label: str | None, feature: dict) -> list[BadNumber]:
    found = {}
    for path, shown in find_bad_numbers(feature):
        name = field_name(path)
        found.setdefault(name, BadNumber(label, name, shown))  # a geometry: once, not per position
    return list(found.values())


def _feature_label(feature, position: int) -> str:
    fid = feature.get("id") if isinstance(feature, dict) else None
    if fid is None and isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
        fid = feature["properties"].get("id")
    return str(fid)[:80] if isinstance(fid, str) and fid else f"#{position}"


def locate(doc) -> list[BadNumber]:
    """Every bad number of a parsed document; in a FeatureCollection by feature and field."""
    found = find_bad_numbers(doc)
    if not found:
        return []
    features = doc.get("features") if isinstance(doc, dict) else None
    out, seen = [], set()
    for path, shown in found:
        if isinstance(features, list) and path[:1] == ("features",) and len(path) > 1:
            n = path[1]
            feature = features[n]
            label = _feature_label(feature, n + 1)
            name = field_name(path[2:]) if isinstance(feature, dict) else "(feature)"
        else:
            label, name = None, ".".join(str(p) for p in path) or "(document)"
        if (label, name) not in seen:
            seen.add((label, name))
            out.append(BadNumber(label, name, shown))
    return out


def _shortened(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS - 1] + "…"


def loads(text: str | bytes, source: str = "input"):
    """``json.loads`` for data: raises :class:`NumberError` (a ValueError) for any bad number.

    ``json.JSONDecodeError`` passes through unchanged.
    """
    doc, marked = loads_marking(text)
    if marked:
        raise NumberError(source, locate(doc))
    return doc


def loads_marking(text: str | bytes):
    """(document, whether it holds a bad number). Each bad number is kept as a marker showing it
    as written (``1e999``, ``NaN``, a 5000-digit integer), for :func:`locate` or :func:`readable`.

    Costs one length check per integer and one subtraction per float (about a tenth more
    than ``json.loads``).
    """
    _seen.marked = False
    if isinstance(text, (bytes, bytearray)):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    with collector_paused() if len(text) > _PAUSE_ABOVE_CHARS else contextlib.nullcontext():
        doc = _DECODER.decode(text)
    return doc, _seen.marked


_pause_lock = threading.Lock()
_pauses = 0  # parses running with the collector paused (threads of one app share it)
_resume = False  # whether the collector was on when the first of them began


@contextlib.contextmanager
def collector_paused():
    """Run a large parse with Python's cyclic garbage collector off.

    A parse allocates millions of dicts, lists and strings, and the collector rescans the
    growing document each time allocations pass its threshold: at 100,000 items (75 MB) the parse
    took about 3 s of CPU with it on and 1 s with it paused. Parsed JSON
    holds no reference cycles, so nothing the collector could free is kept; reference counting
    still frees everything as usual. Reentrant and thread-safe: the collector comes back on when
    the last pause ends, and only if it was on before the first.
    """
    global _pauses, _resume
    with _pause_lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


def keep_long_lived() -> None:
    """After a large document is cached for the life of the process (the store's items): move every
    object alive now out of the collector's generations, so later collections, which run during
    every page run, no longer walk the cached items. Objects stay freed by reference counting."""
    gc.freeze()


_seen = threading.local()  # did the parse in this thread meet a bad number


def _mark(s: str) -> _Unreadable:
    _seen.marked = True
    return _Unreadable(s)


def _parse_float(s, _float=float):
    v = _float(s)
    return v if v - v == 0.0 else _mark(s)


def _parse_int(s, _int=int):
    if len(s) < _SAFE_INT_CHARS:
        return _int(s)
    if len(s) <= _PYTHON_INT_CHARS and -MAX_MAGNITUDE <= _int(s) <= MAX_MAGNITUDE:
        return _int(s)
    return _mark(s)


# NaN, Infinity, -Infinity: Python accepts them, JSON does not
_DECODER = json.JSONDecoder(parse_float=_parse_float, parse_int=_parse_int, parse_constant=_mark)


def readable(obj):
    """A copy of ``obj`` with each bad number replaced by text (``"Infinity"``, ``"<5000-digit
    integer>"``), for showing logs written before numbers were checked."""
    kind = type(obj)
    if kind is dict:
        return {k: readable(v) for k, v in obj.items()}
    if kind is list:
        return [readable(v) for v in obj]
    if kind is float or kind is int or kind is _Unreadable:
        shown = _describe(obj)
        if shown is not None:
            return f"<{shown[2:]}>" if shown.startswith("a ") else shown
    return obj
