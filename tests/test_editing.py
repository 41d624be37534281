"""Edits by signed-in editors only; a concurrent edit is a conflict that names the other change."""
from __future__ import annotations

import functools

import pytest

from geo.auth import ANONYMOUS, NotAllowed, User
from geo.editing import EditConflict, edit_item, reapply
from geo.field import with_note, with_progress, with_status
from geo.store import open_store
from tests.conftest import make_item

ANNA, LI = User("anna", "editor"), User("li", "editor")


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path)
    s.save_item(make_item("e1", quantity={"value": 60, "unit": "个", "qualifier": None}), expected_version=None,
                user="build")
    return s


def test_editor_changes_status_and_history_shows_it(store):
    saved = edit_item(store, "e1", functools.partial(with_status, status="in_progress"), user=ANNA,
                      expected_version=1)
    assert saved["properties"]["status"] == "in_progress" and saved["properties"]["version"] == 2
    h = [e for e in store.history("e1") if e.field == "status"]
    assert (h[-1].user, h[-1].old, h[-1].new) == ("anna", "planned", "in_progress")


def test_viewer_is_refused_and_nothing_changes(store):
    with pytest.raises(NotAllowed, match="sign in"):
        edit_item(store, "e1", functools.partial(with_status, status="completed"), user=ANONYMOUS,
                  expected_version=1)
    assert store.get("e1")["properties"]["version"] == 1


def test_concurrent_edit_is_a_conflict_then_reapplied_both_in_history(store):
    edit_item(store, "e1", functools.partial(with_status, status="in_progress"), user=ANNA, expected_version=1)
    change = functools.partial(with_status, status="completed")
    with pytest.raises(EditConflict) as exc:
        edit_item(store, "e1", change, user=LI, expected_version=1)
    err = exc.value
    assert err.current_version == 2 and "anna" in str(err) and err.overlapping == ["status"]
    assert store.get("e1")["properties"]["status"] == "in_progress"  # nothing overwritten
    reapply(store, "e1", change, user=LI)
    statuses = [(e.user, e.new) for e in store.history("e1") if e.field == "status"]
    assert statuses[-2:] == [("anna", "in_progress"), ("li", "completed")]


def test_conflict_on_different_fields_also_reported(store):
    edit_item(store, "e1", functools.partial(with_progress, done=23), user=ANNA, expected_version=1)
    with pytest.raises(EditConflict) as exc:
        edit_item(store, "e1", functools.partial(with_note, text="开工", by="li"), user=LI, expected_version=1)
    assert exc.value.overlapping == []


def test_no_change_is_no_save(store):
    same = edit_item(store, "e1", functools.partial(with_status, status="planned"), user=ANNA, expected_version=1)
    assert same["properties"]["version"] == 1
