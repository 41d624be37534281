"""Applying the proposals a person accepted, through the store: version-checked, audited, nothing lost.

Each accepted update changes the item's ``status`` and ``progress`` as proposed, appends a
``progress_notes`` entry that names the document, the line and character span of the evidence
and quotes it, and records the document in ``x_progress_source`` (document, plan id, span, line,
status, amount): the map's "changed since the plan" reads it. The history's user is
``progress:<file>`` (``<editor> via progress:<file>`` when an editor accepted it in the app).

All accepted proposals are saved in one ``save_items`` call with the version each proposal was
made from, so the batch is all or nothing: an item someone saved in the meantime makes the
store refuse the batch (``VersionConflict``), it is reported, and nothing is written.
A conflict proposal (a status a person set) is applied only when it is named in ``accept``:
that is an editor's decision, never the default.
"""
from __future__ import annotations

import copy
import datetime as _dt
from dataclasses import dataclass, field

from geo.field import NOTE_MAX_CHARS
from geo.progress.proposals import (
    CONFLICT, NEW, UPDATE, Proposal, Review, progress_note, progress_user, source_record,
)


@dataclass
class ApplyResult:
    updated: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)     # (item id, why), e.g. a new item already there
    conflicts: list[tuple[str, str]] = field(default_factory=list)   # (item id, message): changed meanwhile, nothing written
    user: str = ""

    @property
    def written(self) -> bool:
        return bool(self.updated or self.created)

    def summary(self) -> str:
        text = f"{len(self.updated)} items updated, {len(self.created)} new items added"
        if self.skipped:
            text += f", {len(self.skipped)} skipped"
        if self.conflicts:
            text += f"; not written: {len(self.conflicts)} changed by someone else since the proposals were made"
        return text

    def as_dict(self) -> dict:
        return {"updated": list(self.updated), "created": list(self.created), "user": self.user,
                "skipped": [list(x) for x in self.skipped], "conflicts": [list(x) for x in self.conflicts]}


def default_accept(review: Review) -> set[str]:
    """What ``--yes`` applies: every update and new item; never a conflict."""
    return {p.key for p in review.proposals if p.action in (UPDATE, NEW)}


def apply_review(store, review: Review, accept=None, *, editor: str | None = None,
                 today: str | None = None) -> ApplyResult:
    """Save the accepted proposals of ``review`` (keys; default: every update and new item).

    Returns what was written. Items changed since the review are reported in ``conflicts`` and
    nothing at all is written then (run the review again on the current data).
    """
    from geo.store.base import StoreError, VersionConflict

    keys = default_accept(review) if accept is None else set(accept)
    unknown = keys - {p.key for p in review.proposals}
    if unknown:
        raise KeyError(f"no such proposal: {sorted(unknown)[0]}")
    user = progress_user(review.document.name, editor)
    result = ApplyResult(user=user)
    date = today or _dt.date.today().isoformat()
    batch, versions, kinds = [], [], []
    for proposal in review.proposals:
        if proposal.key not in keys:
            continue
        if proposal.action == NEW:
            if store.get(proposal.item_id) is not None:
                result.skipped.append((proposal.item_id, "already in the store (this document was applied before)"))
                continue
            batch.append(copy.deepcopy(proposal.feature))
            versions.append(None)
            kinds.append((proposal.item_id, NEW))
            continue
        if proposal.action not in (UPDATE, CONFLICT) or not proposal.changes:
            result.skipped.append((proposal.item_id, "nothing to change"))
            continue
        current = store.get(proposal.item_id)
        if current is None:
            result.conflicts.append((proposal.item_id, "deleted from the store since the proposals were made"))
            continue
        now = current["properties"].get("version")
        if now != proposal.base_version:
            who = current["properties"].get("updated_by") or "someone"
            result.conflicts.append((proposal.item_id,
                                     f"changed by {who} since the proposals were made (version {proposal.base_version} "
                                     f"→ {now}); read the document again to see the proposal on the current item"))
            continue
        batch.append(changed_item(current, review, proposal, date=date, by=user))
        versions.append(proposal.base_version)
        kinds.append((proposal.item_id, UPDATE))
    if result.conflicts:
        return result  # all or nothing: the person re-reads the document against the current items
    if not batch:
        return result
    try:
        store.save_items(batch, user=user, expected_versions=versions)
    except VersionConflict as exc:
        result.conflicts.append((exc.item_id, str(exc)))
        return result
    except StoreError:
        raise
    for item_id, kind in kinds:
        (result.created if kind == NEW else result.updated).append(item_id)
    return result


def changed_item(current: dict, review: Review, proposal: Proposal, *, date: str, by: str) -> dict:
    """A copy of ``current`` with the proposal's status, progress, a dated note quoting the evidence and its source."""
    out = copy.deepcopy(current)
    props = out["properties"]
    ev = proposal.evidence
    if proposal.status is not None and proposal.status != proposal.status_before:
        props["status"] = proposal.status
    if proposal.progress is not None and proposal.progress != proposal.progress_before:
        props["progress"] = {"done": proposal.progress, "updated_at": _now()}
    note = progress_note(review.document, proposal)
    if len(note) > NOTE_MAX_CHARS:
        note = note[:NOTE_MAX_CHARS - 1] + "…"
    notes = list(props.get("progress_notes") or [])
    if not any(n.get("text") == note for n in notes):  # the same document applied twice adds no second note
        notes.append({"date": date, "text": note, "by": by})
    props["progress_notes"] = notes
    earlier = props.get("x_progress_source") if isinstance(props.get("x_progress_source"), dict) else {}
    props["x_progress_source"] = source_record(
        review.document, ev, status=props.get("status"), done=proposal.progress,
        plan_status=earlier.get("plan_status", proposal.status_before) if earlier else proposal.status_before)
    return out


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
