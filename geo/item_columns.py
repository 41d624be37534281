"""The loaded items as columns: the filter and the sidebar's facet counts as array operations.

At county and prefecture scale (10,000–100,000 items) every page run filtered the list item by
item in Python (``geo.query.filter_with_facets``): at 100,000 items that was most of a filter
change. The file store keeps one :class:`ItemColumns` per loaded list and answers the same
question with numpy masks over integer codes of each property. ``geo.query`` stays the
reference: the result is the same list (same items, same order) and the same counts, and a
filter this table does not know (a field added to ``ItemFilter`` later) goes to the reference.
"""
from __future__ import annotations

import threading
from dataclasses import fields, replace

import numpy as np

from geo.query import FACET_FIELDS, ItemFilter, filter_with_facets, geometry_bounds, search_terms, search_text

# Filter fields this table answers, and the property each one tests by membership.
MEMBER_FIELDS = {"areas": "area", "statuses": "status", "categories": "category", "plans": "plan",
                 "years": "year", "precisions": "precision", "towns": "town"}
_OTHER_FIELDS = {"text", "bbox", "include_dropped"}
COLUMNS_FROM_ITEMS = 2_000  # below this the reference pass is as fast as building the columns


class _Codes:
    """One property as integer codes (-1: unhashable, never equal to a wanted value)."""

    __slots__ = ("values", "codes", "index")

    def __init__(self, raw: list):
        index: dict = {}
        values: list = []
        codes = np.empty(len(raw), dtype=np.int32)
        for i, v in enumerate(raw):
            try:
                c = index.get(v)
                if c is None:
                    c = index[v] = len(values)
                    values.append(v)
            except TypeError:  # a list or dict where a code belongs: matches nothing, counted apart
                c = -1
            codes[i] = c
        self.values, self.codes, self.index = values, codes, index

    def member(self, wanted) -> np.ndarray:
        hits = []
        for v in wanted:
            try:
                c = self.index.get(v)
            except TypeError:
                continue
            if c is not None:
                hits.append(c)
        return np.isin(self.codes, np.array(hits, dtype=np.int32))


class ItemColumns:
    """Columns of one loaded list of items (shared, read-only: build a new one when the list changes)."""

    def __init__(self, features: list[dict]):
        self.features = features
        props = [f.get("properties") or {} for f in features]
        self._props = props
        self.dropped = np.fromiter((bool(p.get("dropped")) for p in props), dtype=bool, count=len(props))
        self.columns = {field: _Codes([p.get(field) for p in props])
                        for field in set(MEMBER_FIELDS.values()) | set(FACET_FIELDS.values())}
        self._lock = threading.Lock()
        self._bounds: np.ndarray | None = None
        self._texts: list[str] | None = None
        self._unhashable = any((c.codes < 0).any() for c in self.columns.values())

    # ---- lazily built columns ------------------------------------------------------------
    def bounds(self) -> np.ndarray:
        with self._lock:
            if self._bounds is None:
                b = np.full((len(self.features), 4), np.nan)
                for i, f in enumerate(self.features):
                    box = geometry_bounds(f.get("geometry"))
                    if box is not None:
                        try:
                            b[i] = box
                        except (TypeError, ValueError):  # not numbers: matches no box, as in geo.query
                            pass
                self._bounds = b
            return self._bounds

    def texts(self) -> list[str]:
        with self._lock:
            if self._texts is None:
                self._texts = [search_text(p) for p in self._props]
            return self._texts

    # ---- the filter ------------------------------------------------------------------------
    def answers(self, flt: ItemFilter) -> bool:
        """Whether this table knows every condition of ``flt`` (else: the reference pass)."""
        if self._unhashable:
            return False
        default = ItemFilter()
        for f in fields(ItemFilter):
            if f.name not in MEMBER_FIELDS and f.name not in _OTHER_FIELDS:
                if getattr(flt, f.name) != getattr(default, f.name):
                    return False
        return True

    def mask(self, flt: ItemFilter) -> np.ndarray:
        m = np.ones(len(self.features), dtype=bool) if flt.include_dropped else ~self.dropped
        for name, field in MEMBER_FIELDS.items():
            wanted = getattr(flt, name)
            if wanted:
                m &= self.columns[field].member(wanted)
        if flt.bbox is not None:
            b = self.bounds()
            w, s, e, n = flt.bbox
            with np.errstate(invalid="ignore"):
                m &= ~np.isnan(b[:, 0]) & ~((b[:, 0] > e) | (b[:, 2] < w) | (b[:, 1] > n) | (b[:, 3] < s))
        terms = search_terms(flt.text) if flt.text else []
        if terms:
            texts = self.texts()
            rows = np.flatnonzero(m)
            keep = np.fromiter((all(t in texts[i] for t in terms) for i in rows), dtype=bool, count=len(rows))
            m = np.zeros_like(m)
            m[rows[keep]] = True
        return m

    def filter_with_facets(self, flt: ItemFilter | None,
                           facets: tuple[str, ...] = ("statuses", "categories")) -> tuple[list[dict], dict[str, dict]]:
        """Same as :func:`geo.query.filter_with_facets` on this list."""
        flt = flt or ItemFilter()
        if not self.answers(flt) or any(d not in MEMBER_FIELDS for d in facets):
            return filter_with_facets(self.features, flt, facets)
        base = self.mask(replace(flt, **{d: () for d in facets}))
        passing = {d: (self.columns[FACET_FIELDS[d]].member(getattr(flt, d)) if getattr(flt, d) else None)
                   for d in facets}
        everything = base.copy()
        for p in passing.values():
            if p is not None:
                everything &= p
        counts: dict[str, dict] = {}
        for d in facets:
            m = base.copy()
            for other, p in passing.items():
                if other != d and p is not None:
                    m &= p
            counts[d] = self._tally(self.columns[FACET_FIELDS[d]], m)
        features = self.features
        return [features[i] for i in np.flatnonzero(everything)], counts

    @staticmethod
    def _tally(column: _Codes, m: np.ndarray) -> dict:
        """{value: count} among rows of ``m``, keys in the order the rows first show them."""
        codes = column.codes[m]
        if not len(codes):
            return {}
        found, first, n = np.unique(codes, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        return {column.values[found[k]]: int(n[k]) for k in order}


_KEPT = 4  # a run asks about a few lists (the store's, a town's, the changed-since-plan subset)
_last: list[ItemColumns] = []  # most recent first
_last_lock = threading.Lock()


def columns_for(features: list[dict]) -> ItemColumns | None:
    """The columns of ``features`` (the store's cached list), built once per list; None when the
    list is small enough for the reference pass."""
    if len(features) < COLUMNS_FROM_ITEMS:
        return None
    with _last_lock:
        for cols in _last:
            if cols.features is features and len(cols.features) == len(features):
                return cols
    cols = ItemColumns(features)
    with _last_lock:
        _last.insert(0, cols)
        del _last[_KEPT:]
    return cols


def filter_loaded(features: list[dict], flt: ItemFilter | None,
                  facets: tuple[str, ...] = ("statuses", "categories")) -> tuple[list[dict], dict[str, dict]]:
    """:func:`geo.query.filter_with_facets` for a store's loaded list, through its columns when large."""
    cols = columns_for(features)
    if cols is None:
        return filter_with_facets(features, flt, facets)
    return cols.filter_with_facets(flt, facets)


def distinct(features: list[dict], field: str) -> set:
    """The values ``field`` takes among ``features`` (the sidebar's plan and year options, the areas)."""
    cols = columns_for(features)
    if cols is not None and field in cols.columns and not cols._unhashable:
        return set(cols.columns[field].values)
    return {(f.get("properties") or {}).get(field) for f in features}
