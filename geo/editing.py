"""One way for a person to change an item: signed-in editors only, version-checked, conflicts explained.

A change is a function ``feature -> changed copy`` (see :mod:`geo.field`: ``with_status``,
``with_note``, ``with_progress``). :func:`edit_item` applies it to the version the editor
opened and saves with that version. If someone saved the item in between, the store
refuses (``VersionConflict``) and :class:`EditConflict` says who changed what; the
editor can then :func:`reapply` the same change on top of the latest version, so both
changes end up in the history and nothing is silently overwritten.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from geo.auth import User, require_editor
from geo.contract import FIELD_LABELS
from geo.store.base import StoreError, VersionConflict, changed_fields

Change = Callable[[dict], dict]


class EditError(Exception):
    """An edit that was not saved; the message is for the person at the screen."""


@dataclass
class EditConflict(EditError):
    item_id: str
    your_version: int
    current_version: int
    their_changes: list = field(default_factory=list)  # AuditEntry after your version
    your_fields: list[str] = field(default_factory=list)

    def __post_init__(self):
        super().__init__(self.message())

    @property
    def overlapping(self) -> list[str]:
        theirs = {e.field_name for e in self.their_changes}
        return [f for f in self.your_fields if f in theirs]

    def message(self) -> str:
        who = sorted({e.user for e in self.their_changes}) or ["另一位编辑"]
        fields = sorted({FIELD_LABELS.get(e.field_name, e.field_name) for e in self.their_changes if e.field})
        text = (f"保存冲突：{('、'.join(who))} 在你打开后修改了此项目"
                f"（你的版本 {self.your_version}，现在 {self.current_version}"
                + (f"；改动：{'、'.join(fields)}" if fields else "") + "）。你的修改尚未保存。")
        if self.overlapping:
            text += f" 双方都改了：{'、'.join(FIELD_LABELS.get(f, f) for f in self.overlapping)}。"
        return text + " (conflict: someone else saved this item since you opened it; yours is not saved yet)"


def edit_item(store, item_id: str, change: Change, *, user: User, expected_version: int) -> dict:
    """Apply ``change`` to the item as of ``expected_version`` and save it; returns the saved item.

    Raises :class:`geo.auth.NotAllowed` for a viewer, :class:`EditConflict` when the item
    changed since ``expected_version``, :class:`EditError` for anything else (the message says why).
    """
    require_editor(user)
    current = store.get(item_id)
    if current is None:
        raise EditError(f"项目 {item_id} 不存在 (no such item); reload the page")
    changed = change(current)
    mine = list(changed_fields(current, changed))
    if not mine:
        return current
    if current["properties"]["version"] != expected_version:
        raise _conflict(store, item_id, expected_version, current["properties"]["version"], mine)
    try:
        return store.save_item(changed, expected_version=expected_version, user=user.name)
    except VersionConflict as exc:
        raise _conflict(store, item_id, expected_version, exc.actual, mine) from None
    except StoreError as exc:
        raise EditError(f"未保存 (not saved): {exc}") from None


def reapply(store, item_id: str, change: Change, *, user: User) -> dict:
    """After a conflict: apply the same change to the latest version (the other change stays in history)."""
    require_editor(user)
    current = store.get(item_id)
    if current is None:
        raise EditError(f"项目 {item_id} 不存在 (no such item); reload the page")
    return edit_item(store, item_id, change, user=user, expected_version=current["properties"]["version"])


def _conflict(store, item_id: str, yours: int, now: int, mine: list[str]) -> EditConflict:
    theirs = [e for e in store.history(item_id) if (e.version or 0) > yours]
    return EditConflict(item_id, yours, now, theirs, mine)
