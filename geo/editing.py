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
from geo.i18n import LocalisedError, t
from geo.store.base import StoreError, VersionConflict, changed_fields

Change = Callable[[dict], dict]


class EditError(LocalisedError):
    """An edit that was not saved; the message is for the person at the screen."""


@dataclass
class EditConflict(EditError):
    item_id: str
    your_version: int
    current_version: int
    their_changes: list = field(default_factory=list)  # AuditEntry after your version
    your_fields: list[str] = field(default_factory=list)

    def __post_init__(self):
        Exception.__init__(self, self.text("zh"))

    @property
    def overlapping(self) -> list[str]:
        theirs = {e.field_name for e in self.their_changes}
        return [f for f in self.your_fields if f in theirs]

    def text(self, lang: str = "zh") -> str:
        """Who changed what since you opened the item, in ``lang``."""
        sep = t("names_sep", lang)

        def label(f):
            return FIELD_LABELS.get(f, f) if lang != "en" else f
        who = sep.join(sorted({e.user for e in self.their_changes})) or t("another_editor", lang)
        fields = sorted({label(e.field_name) for e in self.their_changes if e.field})
        changes = t("conflict_changes", lang, fields=sep.join(fields)) if fields else ""
        text = t("conflict", lang, who=who, yours=self.your_version, now=self.current_version, changes=changes)
        if self.overlapping:
            text += t("conflict_both", lang, fields=sep.join(label(f) for f in self.overlapping))
        return text + t("conflict_end", lang)

    def message(self) -> str:
        return self.text("zh")


def edit_item(store, item_id: str, change: Change, *, user: User, expected_version: int) -> dict:
    """Apply ``change`` to the item as of ``expected_version`` and save it; returns the saved item.

    Raises :class:`geo.auth.NotAllowed` for a viewer, :class:`EditConflict` when the item
    changed since ``expected_version``, :class:`EditError` for anything else (the message says why).
    """
    require_editor(user)
    current = store.get(item_id)
    if current is None:
        raise EditError("edit_no_item", item=item_id)
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
        raise EditError("edit_not_saved", msg=exc) from None


def reapply(store, item_id: str, change: Change, *, user: User) -> dict:
    """After a conflict: apply the same change to the latest version (the other change stays in history)."""
    require_editor(user)
    current = store.get(item_id)
    if current is None:
        raise EditError("edit_no_item", item=item_id)
    return edit_item(store, item_id, change, user=user, expected_version=current["properties"]["version"])


def _conflict(store, item_id: str, yours: int, now: int, mine: list[str]) -> EditConflict:
    theirs = [e for e in store.history(item_id) if (e.version or 0) > yours]
    return EditConflict(item_id, yours, now, theirs, mine)
