"""Projector mode for planning meetings: a guided walk through the filtered items, step by step.

Plain functions (no Streamlit), used by ``pages/projector.py`` through ``geo.app.projector``::

    steps = build_steps(features, by="category")        # or by="area"; steps[0] is the overview
    summary = summarise(steps[i].features)               # counts by status, targets and progress
    bounds = step_bounds(steps[i].features, places)      # (w, s, e, n) to zoom the map to, or None
    m = step_map(steps[i], places, basemap=..., title=...)   # geo.projector.map
    charts = summary_charts(features, lang)              # geo.projector.charts (Altair)

Items located only to village/town level (or not at all) are never drawn as pins; a step
counts them as 未精确定位 and zooms to their village/town point when nothing better exists.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from geo import i18n
from geo.contract import AREA_TOWN_SEAT, AREA_WHOLE_TOWN, CATEGORIES, STATUSES
from geo.field import progress_of
from geo.mapview.context import Places
from geo.mapview.item_layer import is_precisely_located
from geo.query import geometry_bounds

__all__ = ["MODES", "Step", "TargetRow", "UnitTotal", "StepSummary", "unit_totals", "build_steps", "summarise", "step_bounds", "clamp_index",
           "area_order", "meeting_title"]

MODES = ("category", "area")
# The smallest box a step zooms to (degrees): one point alone would otherwise zoom to street level.
MIN_EXTENT_DEG = 0.01
OVERVIEW = "all"


@dataclass(frozen=True)
class Step:
    kind: str                 # "all" | "category" | "area"
    key: str | None           # category code, area name ("" = unknown area), None for the overview
    features: tuple = ()

    def label(self, lang: str = "zh") -> str:
        if self.kind == OVERVIEW:
            return "全部项目" if lang != "en" else "All items"
        if self.kind == "category":
            return i18n.category_label(self.key, lang)
        return i18n.area_label(self.key or None, lang)

    @property
    def categories(self) -> list[str]:
        present = {(f.get("properties") or {}).get("category") for f in self.features}
        return [c for c in CATEGORIES if c in present]


def _area_of(feature: dict) -> str:
    return (feature.get("properties") or {}).get("area") or ""


def area_order(areas: Iterable[str]) -> list[str]:
    """全镇, 镇区, then villages in Chinese sort order, unknown ("") last."""
    areas = set(areas)
    head = [a for a in (AREA_WHOLE_TOWN, AREA_TOWN_SEAT) if a in areas]
    villages = sorted(a for a in areas if a and a not in (AREA_WHOLE_TOWN, AREA_TOWN_SEAT))
    return head + villages + ([""] if "" in areas else [])


def build_steps(features: list[dict], by: str = "category") -> list[Step]:
    """The overview, then one step per category (contract order) or per area with items; empty groups skipped."""
    if by not in MODES:
        raise ValueError(f"walk by {by!r}: use one of {', '.join(MODES)}")
    features = list(features)
    steps = [Step(OVERVIEW, None, tuple(features))]
    if by == "category":
        groups: dict[str, list[dict]] = {}
        for f in features:
            groups.setdefault((f.get("properties") or {}).get("category") or "other", []).append(f)
        order = [c for c in CATEGORIES if c in groups] + sorted(set(groups) - set(CATEGORIES))
    else:
        groups = {}
        for f in features:
            groups.setdefault(_area_of(f), []).append(f)
        order = area_order(groups)
    steps += [Step(by, key, tuple(groups[key])) for key in order]
    return steps


def clamp_index(index, steps: list[Step]) -> int:
    """A valid step index (a changed filter can shorten the walk)."""
    try:
        index = int(index)
    except (TypeError, ValueError):
        return 0
    return max(0, min(index, len(steps) - 1))


# ---- summaries -------------------------------------------------------------------
@dataclass(frozen=True)
class TargetRow:
    id: str
    name: str
    target: float
    done: float | None
    unit: str
    category: str = ""

    @property
    def fraction(self) -> float | None:
        if self.done is None or not self.target:
            return None
        return min(1.0, self.done / self.target)


@dataclass(frozen=True)
class UnitTotal:
    """The targets of one category in one unit, added up (3 公里 + 9 公里 of roads = 道路 12 公里)."""
    category: str
    unit: str
    target: float
    done: float          # sum of progress.done over the items that have any
    with_progress: int   # how many of them have progress
    items: int           # how many targets were added

    def label(self, lang: str = "zh") -> str:
        return i18n.category_label(self.category, lang) if self.category else i18n.t("proj_total_other", lang)


def unit_totals(targets: Iterable[TargetRow]) -> tuple[list[UnitTotal], int]:
    """Targets added up per (category, unit), in contract category order; and how many had no unit.

    Only quantities with the same unit are added, and only within one category (road 公里 and river
    公里 are different work). A target without a unit is in no total: it is counted and said instead."""
    groups: dict[tuple[str, str], list[TargetRow]] = {}
    no_unit = 0
    for row in targets:
        unit = (row.unit or "").strip()
        if not unit:
            no_unit += 1
            continue
        groups.setdefault((row.category or "", unit), []).append(row)
    rank = {c: i for i, c in enumerate(CATEGORIES)}
    order = sorted(groups, key=lambda k: (rank.get(k[0], len(rank)), k[0], k[1]))
    out = []
    for key in order:
        rows = groups[key]
        done_rows = [r for r in rows if r.done is not None]
        out.append(UnitTotal(key[0], key[1], sum(r.target for r in rows), sum(r.done for r in done_rows),
                             len(done_rows), len(rows)))
    return out, no_unit


@dataclass
class StepSummary:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)   # every status code, in contract order
    located: int = 0                                          # drawn as geometry
    unlocated: int = 0                                        # village/town level or no geometry: 未精确定位
    unlocated_names: list[str] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)    # items with a quantity target
    totals: list["UnitTotal"] = field(default_factory=list)   # per category and unit (see unit_totals)
    no_unit: int = 0                                          # targets without a unit: in no total

    def status_line(self, lang: str = "zh") -> str:
        parts = [f"{i18n.status_label(s, lang)} {n}" for s, n in self.by_status.items() if n]
        return " · ".join(parts)


def summarise(features: Iterable[dict]) -> StepSummary:
    """Counts by status, located vs 未精确定位, and targets against progress.done."""
    out = StepSummary(by_status={s: 0 for s in STATUSES})
    for f in features:
        p = f.get("properties") or {}
        out.total += 1
        status = p.get("status")
        out.by_status[status] = out.by_status.get(status, 0) + 1
        if is_precisely_located(f):
            out.located += 1
        else:
            out.unlocated += 1
            out.unlocated_names.append(str(p.get("name") or f.get("id")))
        prog = progress_of(f)
        if prog.target is not None:
            out.targets.append(TargetRow(str(f.get("id")), str(p.get("name") or f.get("id")), float(prog.target),
                                         None if prog.done is None else float(prog.done), prog.unit or "",
                                         str(p.get("category") or "")))
    out.totals, out.no_unit = unit_totals(out.targets)
    return out


# ---- where a step zooms to ---------------------------------------------------------
def _union(boxes):
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _grow(box, min_extent: float = MIN_EXTENT_DEG):
    w, s, e, n = box
    if e - w < min_extent:
        cx = (w + e) / 2
        w, e = cx - min_extent / 2, cx + min_extent / 2
    if n - s < min_extent:
        cy = (s + n) / 2
        s, n = cy - min_extent / 2, cy + min_extent / 2
    return (w, s, e, n)


def step_bounds(features: Iterable[dict], places: Places | None = None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) in WGS-84 for a step: its located items; else the village/town points
    of its coarse items (from the gazetteer); else the outline; None when nothing is known."""
    features = list(features)
    box = _union(geometry_bounds(f.get("geometry")) for f in features if is_precisely_located(f))
    if box is None and places is not None:
        points = []
        for f in features:
            p = f.get("properties") or {}
            area = p.get("area")
            point = None
            if area and area not in (AREA_TOWN_SEAT, AREA_WHOLE_TOWN):
                point = places.point_for(area)
            if point is None:
                point = places.point_for(p.get("town"))
            if point is not None:
                points.append(geometry_bounds(point.get("geometry")))
        box = _union(points)
        if box is None:
            box = _union(geometry_bounds(o.get("geometry")) for o in places.outlines)
    return None if box is None else _grow(box)


def meeting_title(features: Iterable[dict], lang: str = "zh") -> str:
    """「东塍镇 2020年 规划项目」 from the items' towns and years (several are joined; none are omitted)."""
    towns = sorted({(f.get("properties") or {}).get("town") for f in features} - {None, ""})
    years = sorted({(f.get("properties") or {}).get("year") for f in features} - {None})
    place = "、".join(towns[:3]) + ("等" if len(towns) > 3 else "")
    if lang == "en":
        when = "–".join(str(y) for y in (years[:1] + years[-1:] if len(years) > 1 else years))
        return " ".join(x for x in (place, when, "plan projects") if x)
    when = ("–".join(str(y) for y in (years[0], years[-1])) if len(years) > 1 else (str(years[0]) if years else ""))
    return (place + (f" {when}年" if when else "") + " 规划项目").strip()
