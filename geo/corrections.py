"""Reviewers' corrections of the extraction, made on the plan-text page.

Two kinds: a clause the extractor missed becomes an item (``origin: manual``), and a
wrong extraction is dropped (``dropped: true``: hidden, never deleted, and restorable).
Both are saved by a signed-in person through the store, so they are version-checked,
in the audit history, and kept through every rebuild (a person's fields are never
overwritten, and manual items are not flagged as missing from the extraction).
"""
from __future__ import annotations

import copy

from geo.contract import CATEGORIES, STATUSES
from geo.ids import item_id as make_item_id
from geo.i18n import CodeList, LocalisedError
from geo.ids import normalise_text


class CorrectionError(LocalisedError):
    """A correction that cannot be made; the message names the problem and the fix."""


def with_dropped(feature: dict, dropped: bool = True) -> dict:
    """Copy of ``feature`` marked as a wrong extraction (or restored)."""
    out = copy.deepcopy(feature)
    if dropped:
        out["properties"]["dropped"] = True
    else:
        out["properties"].pop("dropped", None)
    return out


def find_clause(plan_text: str, clause: str) -> tuple[int, int]:
    """[start, end) of ``clause`` in the plan, as the reviewer pasted it.

    Tried as written first, then ignoring white space and line breaks inside it
    (copying from a page often adds or drops them). Refuses a clause that is not in the
    plan or occurs more than once (the item would not know which sentence it comes from).
    """
    clause = (clause or "").strip()
    if not clause:
        raise CorrectionError("clause_empty")
    hits = _occurrences(plan_text, clause)
    if not hits:
        hits = _occurrences_ignoring_space(plan_text, clause)
    if not hits:
        raise CorrectionError("clause_missing", clause=clause[:40])
    if len(hits) > 1:
        raise CorrectionError("clause_repeated", n=len(hits))
    return hits[0]


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    out, start = [], text.find(needle)
    while start != -1:
        out.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return out


def _occurrences_ignoring_space(text: str, needle: str) -> list[tuple[int, int]]:
    squeezed = "".join(ch for ch in needle if not ch.isspace())
    if not squeezed:
        return []
    # map each non-space character of the text back to its offset
    positions = [i for i, ch in enumerate(text) if not ch.isspace()]
    compact = "".join(text[i] for i in positions)
    return [(positions[s], positions[s + len(squeezed) - 1] + 1) for s, _e in _occurrences(compact, squeezed)]


def item_from_clause(plan_text: str, clause: str, *, plan: dict, name: str, category: str, status: str) -> dict:
    """A new item for a clause the extractor missed, located in the plan text.

    ``plan`` carries the plan's ``plan`` id, ``town``, ``county`` and ``year`` (e.g. from an
    item of the same plan). Places, quantity, budget and verb are read from the clause by the
    extractor's own rules; the reviewer supplies what the extractor could not decide.
    """
    from geo.extract import extract_text
    from geo.extract.classify import find_verb
    from geo.plantext import headings

    name = (name or "").strip()
    if not name:
        raise CorrectionError("correction_no_name")
    if category not in CATEGORIES:
        raise CorrectionError("category_unknown", category=category, allowed=CodeList("category", CATEGORIES))
    if status not in STATUSES:
        raise CorrectionError("status_unknown", status=status, allowed=CodeList("status", STATUSES))
    start, end = find_clause(plan_text, clause)
    text = plan_text[start:end]
    section = None
    for h in headings(plan_text):
        if h.start <= start:
            section = h.text
    plan_id = plan.get("plan")
    if not plan_id:
        raise CorrectionError("correction_no_plan")
    try:
        _doc, found = extract_text(text, plan_id=plan_id, town=plan.get("town"), county=plan.get("county"),
                                   year=plan.get("year"))
    except Exception:  # noqa: BLE001  (the reviewer's own fields are enough; the rules only help)
        found = []
    guess = found[0] if found else {}
    props = {
        "id": make_item_id(plan_id, name, "manual|" + normalise_text(text)),
        "plan": plan_id, "town": plan.get("town"), "county": plan.get("county"), "year": plan.get("year"),
        "section": section, "name": name[:200], "category": category, "status": status,
        "plan_verb": guess.get("plan_verb") or find_verb(text)[0],
        "places": list(guess.get("places") or []), "area": None,
        "quantity": guess.get("quantity"), "budget_wan": guess.get("budget_wan"),
        "text": text, "span": [start, end], "precision": "none", "geometry_source": None,
        "notes": None, "origin": "manual",
    }
    return {"type": "Feature", "id": props["id"], "geometry": None, "properties": props}
