"""Person-facing errors and results are data (a message key and parameters), read in either language.

``str()`` of an error stays the Chinese text (with the English in brackets) that the CLI and logs
print; the app renders the same error in the language the reader chose.
"""
from __future__ import annotations

import re

import pytest

from geo import i18n
from geo.editing import EditConflict
from geo.field import FieldError, Progress, with_status
from geo.locate import LocateError, PlacementResult, UndoResult, check_gps, parse_coordinates
from geo.store.base import AuditEntry, VersionConflict

CJK = re.compile(r"[\u4e00-\u9fff]")


def _raised(fn, *args):
    with pytest.raises(Exception) as info:
        fn(*args)
    return info.value


@pytest.mark.parametrize("error", [
    lambda: _raised(parse_coordinates, "1 2 3"),
    lambda: _raised(parse_coordinates, ""),
    lambda: _raised(check_gps, 120, False),
    lambda: _raised(with_status, {"properties": {}}, "nope"),
])
def test_an_error_reads_in_both_languages(error):
    exc = error()
    assert isinstance(exc, (LocateError, FieldError))
    assert i18n.say(exc, "zh") == str(exc) and CJK.search(str(exc))
    english = i18n.say(exc, "en")
    assert english and not CJK.search(english.replace("经度", "").replace("纬度", "")), english


def test_numbers_in_messages_follow_the_parameters():
    exc = _raised(parse_coordinates, "1 2 3")
    assert exc.message.key == "coords_count" and exc.message.params["n"] == 3
    assert "found 3 numbers" in exc.text("en") and "3 个数字" in exc.text("zh")


def test_edit_conflict_names_who_and_what_in_either_language():
    theirs = [AuditEntry("2026-01-01T00:00:00+00:00", "li", "x-1", "update", "status", "planned", "completed", 2)]
    exc = EditConflict("x-1", 1, 2, theirs, ["status"])
    assert "保存冲突" in str(exc) and "li" in str(exc) and "状态" in str(exc)
    en = exc.text("en")
    assert "li" in en and "status" in en and "version 1, now 2" in en and not CJK.search(en)


def test_results_and_progress_read_in_either_language():
    placed = PlacementResult("pl-1", {}, located=["a", "b"], kept=["c"])
    assert placed.summary() == "2 个项目已定位，1 个保留原有更精确位置"
    assert placed.summary("en") == "2 items located; 1 kept their more precise location"
    undone = UndoResult("pl-1", {}, restored=["a"], skipped=["b"])
    assert "已撤销" in undone.summary() and undone.summary("en").startswith("Undone: 1 items")
    progress = Progress(done=23, target=60, unit="个")
    assert progress.text() == "已完成 23/60个（38%）" and progress.text("en") == "Done 23/60个 (38%)"
    conflict = VersionConflict("x-1", 1, 2, "li")
    assert "by li" in conflict.text("en") and "li" in conflict.text("zh") and "your version 1, now 2" in str(conflict)


def test_every_text_has_both_languages():
    for key, pair in i18n._STRINGS.items():
        assert isinstance(pair, tuple) and len(pair) == 2, key
        zh, en = pair
        assert zh and (en or key == "conflict_end"), key


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_app_and_the_cli_put_a_filter_in_the_same_words(lang):
    import argparse

    from geo.app.state import ViewState
    from geo.cli import add_filter_arguments, item_filter

    parser = argparse.ArgumentParser()
    add_filter_arguments(parser)
    args = parser.parse_args(["--status", "planned,completed", "--area", "镇区", "--category", "道路"])
    cli = i18n.describe_filter(item_filter(args), lang)
    app = ViewState(area_kinds=("seat",), statuses=("planned", "completed"), categories=("road",)).in_words(lang)
    assert cli == app and cli
    if lang == "zh":
        assert cli == "区域：镇区；状态：计划、已完成；类别：道路"
    assert ViewState().in_words(lang) == "" == i18n.describe_filter(item_filter(parser.parse_args([])), lang)
