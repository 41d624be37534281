"""修改记录 made readable: the store's audit entries as rows a person reads.

Local time (Asia/Shanghai, "12月2日 18:19"), who, which field in words, old and new value as
labels (计划 → 推进中, not planned → in_progress), internal bookkeeping (geometry_source,
x_*, version, updated_at, …) left out, a new item as one line, list elements (a progress
note, a photo) as that element. Plain functions: the app's detail panel shows the rows.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

from geo import i18n
from geo.contract import FIELD_LABELS

LOCAL_TZ = "Asia/Shanghai"

# Fields that are the store's or the extractor's bookkeeping, not a change a person reads.
HIDDEN_FIELDS = frozenset({
    "geometry_source", "geometry_meta", "version", "updated_at", "updated_by", "created_at", "edited_fields",
    "origin", "span", "id", "flags", "place_refs", "plan_verb",
})
COLUMNS = ("when", "who", "what", "old", "new")


@dataclass(frozen=True)
class HistoryRow:
    when: str       # local time in words
    who: str
    what: str       # the field (or the action) in words
    old: str
    new: str
    ts: str         # the entry's own UTC time (ISO), for sorting and tests
    field: str | None
    action: str


def _zone():
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(LOCAL_TZ)
    except Exception:  # noqa: BLE001 - no tz database: China has kept UTC+8 without DST since 1991
        return timezone(timedelta(hours=8), "CST")


def parse_ts(ts: str) -> datetime | None:
    """An audit time (ISO 8601; UTC when no offset is written) as an aware datetime, None if unreadable."""
    try:
        dt = datetime.fromisoformat(str(ts).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def local_time(ts: str, lang: str = "zh", *, now: datetime | None = None) -> str:
    """"12月2日 18:19" in Asia/Shanghai (the year is added when it is not this year); "2 Dec 18:19" in English."""
    dt = parse_ts(ts)
    if dt is None:
        return str(ts or "")
    local = dt.astimezone(_zone())
    this_year = (now or datetime.now(timezone.utc)).astimezone(_zone()).year
    if lang == "en":
        text = f"{local.day} {local.strftime('%b')} {local:%H:%M}"
        return text if local.year == this_year else f"{local.day} {local.strftime('%b')} {local.year} {local:%H:%M}"
    text = f"{local.month}月{local.day}日 {local:%H:%M}"
    return text if local.year == this_year else f"{local.year}年{text}"


def field_label(name: str | None, lang: str = "zh") -> str:
    """A field's name in words: 状态 / Status."""
    if not name:
        return ""
    key = "hist_f_" + name
    if i18n.has(key):
        return i18n.t(key, lang)
    return FIELD_LABELS.get(name, name) if lang != "en" else name.replace("_", " ")


def is_internal(field: str | None) -> bool:
    base = (field or "").split("[", 1)[0]
    return base in HIDDEN_FIELDS or base.startswith("x_")


def _geometry_text(geometry, lang: str) -> str:
    if not isinstance(geometry, dict):
        return i18n.t("hist_no_location", lang)
    gtype = geometry.get("type")
    coords = geometry.get("coordinates")
    try:
        if gtype == "Point":
            lon, lat = coords[:2]
            return i18n.t("proposal_point", lang, lon=f"{float(lon):.6f}", lat=f"{float(lat):.6f}")
        if gtype == "Polygon":
            n = len(coords[0]) - 1
        else:
            n = len(coords or [])
        kind_key = "shape_" + str(gtype).lower()
        kind = i18n.t(kind_key, lang) if i18n.has(kind_key) else str(gtype)
        return i18n.t("proposal_shape", lang, kind=kind, n=n)
    except (TypeError, ValueError, IndexError):
        return str(gtype or "")


def _quantity_text(q, lang: str) -> str:
    if not isinstance(q, dict) or q.get("value") is None:
        return ""
    qual = {"at_least": ("不少于", "at least "), "about": ("约", "about "), "more_than": ("超过", "more than ")}
    prefix = qual.get(q.get("qualifier") or "", ("", ""))[1 if lang == "en" else 0]
    value = q.get("value")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{prefix}{value}{' ' if lang == 'en' else ''}{q.get('unit') or ''}".strip()


def _note_text(note, lang: str) -> str:
    if not isinstance(note, dict):
        return _plain(note, lang)
    parts = [str(note.get(k)) for k in ("date", "text") if note.get(k)]
    text = " ".join(parts)
    if note.get("by"):
        text += i18n.t("hist_note_by", lang, by=note["by"])
    if note.get("photo"):
        text += i18n.t("hist_note_photo", lang)
    return text


def _plain(value, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return i18n.t("hist_yes" if value else "hist_no", lang)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return i18n.t("names_sep", lang).join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, default=str)


def value_text(field: str | None, value, lang: str = "zh") -> str:
    """One old or new value in words: labels for codes, 点：lon, lat for a location, a note as its text."""
    base = (field or "").split("[", 1)[0]
    element = "[" in (field or "")
    if value is None:
        return i18n.t("hist_no_location", lang) if base == "geometry" else ""
    if base == "status":
        return i18n.status_label(value, lang)
    if base == "category":
        return i18n.category_label(value, lang)
    if base == "precision":
        return i18n.precision_label(value, lang)
    if base == "area":
        return i18n.area_label(value, lang)
    if base == "geometry":
        return _geometry_text(value, lang)
    if base == "quantity":
        return _quantity_text(value, lang) or _plain(value, lang)
    if base == "progress" and isinstance(value, dict):
        done = value.get("done")
        return i18n.t("progress_done_only", lang, done=_plain(done, lang), unit="") if done is not None else ""
    if base == "progress_notes":
        if element:
            return _note_text(value, lang)
        if isinstance(value, list):
            return "；".join(_note_text(n, lang) for n in value) if lang != "en" else "; ".join(
                _note_text(n, lang) for n in value)
    if base == "photos" and element:
        return i18n.t("hist_photo", lang)
    if base == "photos" and isinstance(value, list):
        return i18n.t("hist_photos", lang, n=len(value))
    return _plain(value, lang)


def _what(entry, lang: str) -> str:
    label = field_label((entry.field or "").split("[", 1)[0], lang)
    if entry.action == "merge":
        return label + i18n.t("hist_by_rebuild", lang)
    return label


def history_rows(entries: Iterable, lang: str = "zh", *, now: datetime | None = None,
                 limit: int | None = 50) -> list[HistoryRow]:
    """The audit entries of one item (oldest first, as the store gives them) as rows, newest first.

    The entries of an item's creation become one row (新建项目: its name); internal fields
    are left out; ``limit`` keeps the newest rows.
    """
    rows: list[HistoryRow] = []
    created: dict[tuple, int] = {}  # (ts, user, version) → index of its creation row
    for e in entries:
        if e.action == "create":
            key = (e.ts, e.user, e.version)
            if key not in created:
                created[key] = len(rows)
                rows.append(HistoryRow(local_time(e.ts, lang, now=now), e.user or "", i18n.t("hist_created", lang),
                                       "", "", e.ts, None, "create"))
            if e.field == "name":
                i = created[key]
                r = rows[i]
                rows[i] = HistoryRow(r.when, r.who, r.what, "", _plain(e.new, lang), r.ts, r.field, r.action)
            continue
        if is_internal(e.field):
            continue
        old, new = value_text(e.field, e.old, lang), value_text(e.field, e.new, lang)
        if e.field and "[" in e.field:
            if e.old is None:
                old = i18n.t("hist_added", lang)
            elif e.new is None:
                new = i18n.t("hist_removed", lang)
        if old == new:
            continue  # a change no reader can see (e.g. a float written again as an int)
        rows.append(HistoryRow(local_time(e.ts, lang, now=now), e.user or "", _what(e, lang), old, new, e.ts,
                               e.field, e.action))
    rows.reverse()
    return rows[:limit] if limit else rows


def headers(lang: str = "zh") -> dict[str, str]:
    """Column names: 时间, 修改人, 字段, 原值, 新值 (Time, By, Field, Old value, New value)."""
    return {c: i18n.t("hist_col_" + c, lang) for c in COLUMNS}


def history_table(entries: Iterable, lang: str = "zh", *, now: datetime | None = None,
                  limit: int | None = 50) -> list[dict[str, str]]:
    """Rows as dicts keyed by the localised column names, ready for a table."""
    names = headers(lang)
    return [{names[c]: getattr(r, c) for c in COLUMNS} for r in history_rows(entries, lang, now=now, limit=limit)]


__all__ = ["HistoryRow", "history_rows", "history_table", "headers", "local_time", "value_text", "field_label",
           "is_internal", "HIDDEN_FIELDS", "LOCAL_TZ"]
