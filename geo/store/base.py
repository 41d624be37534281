"""The store interface every backend implements, and what they share.

Callers get a store from :func:`geo.store.open_store` and never see which engine
is behind it (GeoJSON file today, PostGIS for county deployments).
"""
from __future__ import annotations

import copy
import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Iterable, Protocol

from geo.contract import HUMAN_GEOMETRY_SOURCES, HUMAN_OWNED_FIELDS
from geo.i18n import t
from geo.query import ItemFilter  # noqa: F401  (defined with the filtering it describes)


class StoreError(Exception):
    """Base of every store error; its text is meant for the person using the app or CLI."""


class VersionConflict(StoreError):
    def __init__(self, item_id: str, expected: int, actual: int, updated_by: str | None = None):
        self.item_id, self.expected, self.actual, self.updated_by = item_id, expected, actual, updated_by
        who = f" by {updated_by}" if updated_by else ""
        super().__init__(
            f"item {item_id}: changed{who} since you opened it (your version {expected}, now {actual}); "
            "reload the item, check the other change and apply yours again"
        )

    def text(self, lang: str = "zh") -> str:
        """The refusal for the person whose save it was, in ``lang``."""
        who = t("version_conflict_by", lang, user=self.updated_by) if self.updated_by else ""
        return t("version_conflict", lang, item=self.item_id, who=who, yours=self.expected, now=self.actual)


class ItemNotFound(StoreError):
    def __init__(self, item_id: str):
        self.item_id = item_id
        super().__init__(f"item {item_id}: no such item in the store")


class InvalidItem(StoreError):
    def __init__(self, item_id: str, problems: list):
        self.item_id, self.problems = item_id, problems
        lines = "; ".join(p.line() for p in problems[:5])
        more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"item {item_id} not saved: {lines}{more}")


class CorruptStore(StoreError):
    """The stored file cannot be read; the message says which file and what to do."""


@dataclass(frozen=True)
class AuditEntry:
    ts: str
    user: str
    item: str
    action: str  # create | update | merge | drop | restore
    field: str | None
    old: object
    new: object
    version: int

    def as_dict(self) -> dict:
        return {
            "ts": self.ts, "user": self.user, "item": self.item, "action": self.action,
            "field": self.field, "old": self.old, "new": self.new, "version": self.version,
        }

    @property
    def field_name(self) -> str | None:
        """The item field this entry is about: ``progress_notes`` for ``progress_notes[3]``."""
        return self.field.split("[", 1)[0] if self.field else self.field


@dataclass
class MergeReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_missing: list[str] = field(default_factory=list)  # in the store, gone from the new extraction
    kept_human_fields: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.kept_missing)} kept though no longer extracted, "
                f"{len(self.kept_human_fields)} with human edits kept")


@dataclass
class Viewport:
    """What a map view shows: the first ``limit`` matching items in store order, and how many match."""

    features: list[dict]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.features)


class ItemStore(Protocol):
    """What the app, CLI and exports may ask of a store."""

    def load(self) -> list[dict]: ...
    def get(self, item_id: str) -> dict | None: ...
    def query(self, flt: ItemFilter | None = None) -> list[dict]: ...
    def save_item(self, feature: dict, *, expected_version: int | None, user: str) -> dict: ...
    def save_items(self, features: list[dict], *, user: str) -> list[dict]: ...
    def merge_extracted(self, features: list[dict], *, user: str = "build") -> MergeReport: ...
    def history(self, item_id: str | None = None) -> list[AuditEntry]: ...
    def revision(self) -> object: ...  # changes whenever any item changes (cache key for loaded lists)
    def counts(self, flt: ItemFilter | None = None) -> dict: ...
    def viewport(self, flt: ItemFilter | None, bbox: tuple[float, float, float, float],
                 limit: int = 2000) -> Viewport: ...
    # What a filter sidebar needs in one call: the matching items and, per facet, counts per value
    # among items matching every other condition (each engine in its own way: one pass, or SQL).
    def filter_with_facets(self, flt: ItemFilter | None,
                           facets: tuple[str, ...] = ("statuses", "categories")) -> tuple[list[dict], dict]: ...
    def snapshot(self) -> list[dict]: ...  # all items, shared read-only, read again only after a change
    # the gazetteer, the 待定位 placement log and photo files live in the store too
    def load_places(self) -> dict | None: ...
    def replace_places(self, collection: dict) -> None: ...
    def update_places(self, change) -> list[dict]: ...
    def rewrite_places(self, change) -> list[dict]: ...
    def places_revision(self) -> object: ...
    def places_where(self) -> str: ...
    def append_placement(self, record: dict) -> None: ...
    def placements(self) -> list[dict]: ...
    def put_photo(self, name: str, data: bytes) -> None: ...
    def photo_bytes(self, name: str) -> bytes | None: ...
    def photo_names(self) -> list[str]: ...


# Names of stored photos: generated by geo.photos, so nothing a person typed reaches a file system.
PHOTO_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
# A store this large, once read, is kept out of the garbage collector's scans (geo.validate_numbers.keep_long_lived).
LONG_LIVED_ITEMS = 5_000


def check_photo_name(name: str) -> str:
    if not isinstance(name, str) or not PHOTO_NAME.match(name) or name.startswith("."):
        raise StoreError(f"photo name {name!r} is not one this app generated")
    return name


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


# Fields compared when deciding whether a save changed anything; bookkeeping is excluded.
_BOOKKEEPING = frozenset({"version", "updated_at", "updated_by", "edited_fields"})


def changed_fields(old: dict | None, new: dict) -> dict[str, tuple]:
    """{field: (old, new)} for properties and geometry that differ."""
    old_props = (old or {}).get("properties", {}) if old else {}
    new_props = new.get("properties", {})
    diffs = {}
    for key in sorted(set(old_props) | set(new_props)):
        if key in _BOOKKEEPING:
            continue
        if old_props.get(key) != new_props.get(key):
            diffs[key] = (old_props.get(key), new_props.get(key))
    if (old or {}).get("geometry") != new.get("geometry"):
        diffs["geometry"] = ((old or {}).get("geometry"), new.get("geometry"))
    return diffs


def stamp(feature: dict, *, version: int, user: str, ts: str, edited: Iterable[str] = ()) -> dict:
    """Copy of ``feature`` with bookkeeping set, ``id`` mirrored and person-edited fields recorded."""
    out = copy.deepcopy(feature)
    props = out.setdefault("properties", {})
    out["type"] = "Feature"
    if "id" not in out and "id" in props:
        out["id"] = props["id"]
    props["id"] = out["id"]
    props["version"] = version
    props["updated_at"] = ts
    props["updated_by"] = user
    edited = set(props.get("edited_fields") or []) | set(edited)
    if edited:
        props["edited_fields"] = sorted(edited)
    return out


def is_machine_user(user: str) -> bool:
    """Saves by the build and import pipelines are not human edits."""
    return user in {"build", "extract", "system"} or user.startswith("build:")


def merge_one(existing: dict, extracted: dict) -> tuple[dict, list[str]]:
    """The extracted item with every human-owned value of ``existing`` kept.

    Returns the merged feature and the names of fields kept from ``existing``.
    """
    merged = copy.deepcopy(extracted)
    old_props = existing.get("properties", {})
    props = merged.setdefault("properties", {})
    keep = set(HUMAN_OWNED_FIELDS) | set(old_props.get("edited_fields") or [])
    kept = []
    for key in sorted(keep):
        if key == "geometry":
            continue
        if key in old_props:
            if props.get(key) != old_props[key]:
                kept.append(key)
            props[key] = copy.deepcopy(old_props[key])
        else:
            props.pop(key, None)
    human_geometry = old_props.get("geometry_source") in HUMAN_GEOMETRY_SOURCES or "geometry" in keep
    if human_geometry:
        for key in ("precision", "geometry_source", "geometry_meta", "place_refs"):
            if key in old_props:
                props[key] = copy.deepcopy(old_props[key])
            else:
                props.pop(key, None)
        if merged.get("geometry") != existing.get("geometry"):
            kept.append("geometry")
        merged["geometry"] = copy.deepcopy(existing.get("geometry"))
    for key in ("edited_fields", "origin", "x_created_at"):
        if key in old_props:
            props[key] = copy.deepcopy(old_props[key])
    flags = [f for f in props.get("flags") or [] if f != "not_in_latest_extraction"]
    if flags:
        props["flags"] = flags
    else:
        props.pop("flags", None)
    return merged, kept


def raise_if_invalid(feature: dict) -> None:
    from geo.contract import validate_feature

    problems = validate_feature(feature)
    if problems:
        raise InvalidItem(feature.get("id", "?"), problems)


def audit_entries(ts: str, user: str, item_id: str, old: dict | None, diffs: dict, version: int,
                  action: str | None = None) -> list[AuditEntry]:
    """One audit entry per changed field; a list that had elements gets one per element changed.

    A note added to 700 notes is logged as ``progress_notes[700]`` with that note, not as
    both whole lists: the log grows with what was done, not with the square of it.
    """
    act = action or ("create" if old is None else "update")
    out = []
    for k, (o, n) in diffs.items():
        if old is not None and isinstance(o, list) and isinstance(n, list) and o:
            out.extend(AuditEntry(ts=ts, user=user, item=item_id, action=act, field=f"{k}[{i}]",
                                  old=eo, new=en, version=version) for i, eo, en in list_changes(o, n))
        else:
            out.append(AuditEntry(ts=ts, user=user, item=item_id, action=act, field=k, old=o, new=n,
                                  version=version))
    return out


def list_changes(old: list, new: list) -> list[tuple[int, object, object]]:
    """(index, old element, new element) for each element edited (both set), removed (new None,
    index in the old list) or added (old None, index in the new list)."""
    def key(value) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)

    matcher = SequenceMatcher(None, [key(v) for v in old], [key(v) for v in new], autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        edited = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        out.extend((j1 + d, old[i1 + d], new[j1 + d]) for d in range(edited))
        out.extend((i, old[i], None) for i in range(i1 + edited, i2))
        out.extend((j, None, new[j]) for j in range(j1 + edited, j2))
    return out


def plan_merge(current: dict[str, dict], features: list[dict], *, user: str,
               ts: str) -> tuple[MergeReport, dict[str, dict], list[AuditEntry]]:
    """What merging a fresh extraction into ``current`` (id → stored feature, in store order) changes.

    Returns the report, {id: new feature} for every item to write (in the order each first
    changed; new ids last in extraction order) and the audit entries. Nothing is written here:
    every backend applies the same decisions in its own transaction.
    """
    report = MergeReport()
    changed: dict[str, dict] = {}
    entries: list[AuditEntry] = []
    plans = {(f.get("properties") or {}).get("plan") for f in features}
    seen = set()
    for feature in features:
        item_id = feature["id"]
        seen.add(item_id)
        old = current.get(item_id)
        if old is None:
            new = stamp(feature, version=1, user=user, ts=ts)
            raise_if_invalid(new)
            changed[item_id] = new
            report.added.append(item_id)
            entries.extend(audit_entries(ts, user, item_id, None, changed_fields(None, new), 1))
            continue
        merged, kept = merge_one(old, feature)
        if kept:
            report.kept_human_fields[item_id] = kept
        diffs = changed_fields(old, merged)
        if not diffs:
            report.unchanged.append(item_id)
            continue
        version = old["properties"]["version"] + 1
        new = stamp(merged, version=version, user=user, ts=ts)
        raise_if_invalid(new)
        changed[item_id] = new
        report.updated.append(item_id)
        entries.extend(audit_entries(ts, user, item_id, old, diffs, version, action="merge"))
    for item_id, old in current.items():
        props = old.get("properties") or {}
        if item_id in seen or props.get("plan") not in plans or props.get("origin") in ("manual", "import"):
            continue  # an item a person added was never the extractor's to lose
        # Gone from the new extraction: kept (a person may rely on it), flagged once.
        report.kept_missing.append(item_id)
        flags = list(props.get("flags") or [])
        if "not_in_latest_extraction" not in flags:
            merged = copy.deepcopy(old)
            merged["properties"]["flags"] = flags + ["not_in_latest_extraction"]
            version = props["version"] + 1
            changed[item_id] = stamp(merged, version=version, user=user, ts=ts)
            entries.extend(audit_entries(ts, user, item_id, old, changed_fields(old, merged), version,
                                         action="merge"))
    return report, changed, entries
