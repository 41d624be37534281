"""Two documents side by side, and what changed on the map since the plan.

:func:`compare_documents` reads the works of an earlier document (a plan) and matches a later
one (its summary, next year's plan) against them with the same rules as ``progress``: each
earlier work is *completed*, *put off*, *continued* or *not mentioned*, and each work only the
later document names is *new*. No store is involved; it is what the app's comparison view shows.

:func:`changes_since_plan` lists the stored items a later document changed or added, from the
``x_progress_source`` each applied proposal leaves on the item.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from geo import i18n
from geo.progress.proposals import NEW, Evidence, review_items
from geo.progress.reading import ProgressDocument, ProgressError, read_file

OUTCOMES = {"completed": "已完成", "put_off": "暂缓/推迟", "continued": "继续推进", "new": "新增",
            "not_mentioned": "未提及"}
OUTCOMES_EN = {"completed": "Completed", "put_off": "Put off", "continued": "Continued", "new": "New",
               "not_mentioned": "Not mentioned"}


@dataclass
class ComparisonRow:
    outcome: str                # a key of OUTCOMES
    name: str
    category: str | None
    earlier_text: str | None    # the work as the earlier document states it
    earlier_span: list | None   # its span in the earlier document's text
    status: str | None          # the status the later document gives
    evidence: Evidence | None   # where the later document says so

    def as_dict(self) -> dict:
        return {"outcome": self.outcome, "outcome_label": OUTCOMES[self.outcome], "name": self.name,
                "category": self.category, "earlier_text": self.earlier_text, "earlier_span": self.earlier_span,
                "status": self.status, "evidence": self.evidence.as_dict() if self.evidence else None}


@dataclass
class Comparison:
    earlier: ProgressDocument
    later: ProgressDocument
    rows: list[ComparisonRow] = field(default_factory=list)

    def by_outcome(self, outcome: str) -> list[ComparisonRow]:
        return [r for r in self.rows if r.outcome == outcome]

    def counts(self) -> dict[str, int]:
        return {k: len(self.by_outcome(k)) for k in OUTCOMES}

    def summary(self) -> str:
        c = self.counts()
        return (f"{self.earlier.name} → {self.later.name}: " +
                ", ".join(f"{OUTCOMES_EN[k].lower()} {n}" for k, n in c.items()))

    def as_dict(self) -> dict:
        return {"earlier": self.earlier.name, "later": self.later.name, "counts": self.counts(),
                "rows": [r.as_dict() for r in self.rows]}


def _outcome(status: str | None) -> str:
    if status == "completed":
        return "completed"
    if status == "suspended":
        return "put_off"
    return "continued"


def document_works(document: ProgressDocument, town: str | None) -> list[dict]:
    """The works a document names, as items (the extractor's, and the clauses it reads one by one)."""
    seen, out = set(), []
    for m in document.mentions:
        if m.extracted is None or m.extracted.get("id") in seen:
            continue
        props = copy.deepcopy(m.extracted)
        seen.add(props["id"])
        props["town"] = props.get("town") or town
        props.setdefault("version", 1)
        out.append({"type": "Feature", "id": props["id"], "geometry": None, "properties": props})
    return out


def compare_documents(earlier: ProgressDocument, later: ProgressDocument, *, town: str | None = None) -> Comparison:
    """What became of each work of ``earlier`` according to ``later``, and what ``later`` adds."""
    town = town or earlier.town or later.town
    if not town:
        raise ProgressError(f"{earlier.name}: cannot tell the town of the documents; give it (--town NAME)")
    works = document_works(earlier, town)
    if not works:
        raise ProgressError(f"{earlier.name}: no works found in the earlier document to compare with")
    comparison = Comparison(earlier, later)
    try:
        review = review_items(works, later, town=town, county=earlier.county or later.county)
    except ProgressError as exc:
        if "no recognisable progress" not in str(exc):
            raise
        review = None
    by_item = {p.item_id: p for p in (review.proposals if review else []) if p.action != NEW}
    for w in works:
        props = w["properties"]
        p = by_item.get(w["id"])
        if p is None:
            row = ComparisonRow("not_mentioned", props.get("name") or props.get("text"), props.get("category"),
                                props.get("text"), props.get("span"), None, None)
        else:
            status = p.status or p.status_before
            row = ComparisonRow(_outcome(p.status) if p.status else "continued", p.name, p.category,
                                props.get("text"), props.get("span"), status, p.evidence)
        comparison.rows.append(row)
    for p in (review.new_items if review else []):
        comparison.rows.append(ComparisonRow("new", p.name, p.category, None, None, p.status, p.evidence))
    return comparison


def compare_files(earlier_path, later_path, *, town: str | None = None) -> Comparison:
    return compare_documents(read_file(earlier_path, town=town), read_file(later_path, town=town), town=town)


@dataclass(frozen=True)
class ChangeSincePlan:
    item_id: str
    change: str                 # "status" (a document changed it), "progress" (only the amount), or "new"
    plan_status: str | None     # before any document changed it (None for a new item)
    status: str | None
    document: str | None
    line: int | None

    def as_dict(self) -> dict:
        return {"item_id": self.item_id, "change": self.change, "plan_status": self.plan_status,
                "status": self.status, "document": self.document, "line": self.line}


def changes_since_plan(features: list[dict]) -> dict[str, ChangeSincePlan]:
    """{item id: change} for the items later documents changed or added (read from ``x_progress_source``).

    Pass ``store.load()`` (or any filtered list); items no document touched are left out.
    """
    out: dict[str, ChangeSincePlan] = {}
    for f in features:
        props = f.get("properties") or {}
        src = props.get("x_progress_source")
        if not isinstance(src, dict):
            continue
        plan_status = src.get("plan_status")
        status = props.get("status")
        if plan_status is None and "plan_status" in src:
            change = "new"
        elif plan_status != status:
            change = "status"
        else:
            change = "progress"
        out[f.get("id")] = ChangeSincePlan(f.get("id"), change, plan_status, status, src.get("document"),
                                           src.get("line"))
    return out


# What the map's and list's "changed since the plan" (自规划以来有变化) shows: a status a later document changed,
# or an item a later document added. A change of the amount done alone is not a change of status.
CHANGED_KINDS = ("status", "new")


def changed_since_plan_only(features: list[dict]) -> list[dict]:
    """The items of ``features`` whose status a later document changed since the plan, or that one added."""
    changes = changes_since_plan(features)
    return [f for f in features if f.get("id") in changes and changes[f.get("id")].change in CHANGED_KINDS]


def change_words(change: ChangeSincePlan | None, lang: str = "zh") -> str:
    """The change in words: "计划 → 已完成（《2024年工作总结.txt》第3行）"; "" for no change."""
    if change is None:
        return ""
    if change.change == "new":
        what = i18n.t("change_new", lang)
    elif change.change == "status":
        what = f"{i18n.status_label(change.plan_status, lang) or '—'} → {i18n.status_label(change.status, lang)}"
    else:
        what = i18n.t("change_progress", lang)
    if not change.document:
        return what
    where = i18n.t("change_where", lang, document=change.document, line=change.line or "?")
    return f"{what}{'' if lang != 'en' else ' '}{where}"
