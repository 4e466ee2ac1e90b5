"""Undo/redo round trips for add, edit, move and delete of marks, and the panel score."""

from __future__ import annotations

import pytest

from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import PanelScore
from judgeapp.store import (
    AddMark,
    DeleteMark,
    EditMark,
    Library,
    MoveMark,
    SetPanelScore,
    UndoStack,
)


def _state(lib: Library, sha: str) -> list[tuple]:
    """What a judge sees of the marks (dates left out: an edit refreshes `updated`)."""
    return [(m.id, m.time_s, m.kind, m.text, m.deduction) for m in lib.marks_for(sha)]


def test_add_round_trip(undo_library) -> None:
    lib, stack, sha = undo_library
    cmd = stack.push(AddMark(sha, 12.0, "deduction", "step out", 0.3))
    after = _state(lib, sha)
    assert after == [(cmd.mark.id, 12.0, "deduction", "step out", 0.3)]
    assert stack.undo_label == "Add deduction at 0:12.0"
    assert stack.undo() and _state(lib, sha) == []
    assert stack.redo() and _state(lib, sha) == after  # same id back
    assert lib.mark(cmd.mark.id).created == cmd.mark.created


def test_edit_round_trip(undo_library) -> None:
    lib, stack, sha = undo_library
    mark = lib.add_mark(sha, 3.0, "comment", "first draft")
    before = _state(lib, sha)
    stack.push(EditMark(mark, "deduction", "loss of balance", 0.5))
    after = _state(lib, sha)
    assert after == [(mark.id, 3.0, "deduction", "loss of balance", 0.5)]
    assert stack.undo() and _state(lib, sha) == before
    assert stack.redo() and _state(lib, sha) == after


def test_move_round_trip(undo_library) -> None:
    lib, stack, sha = undo_library
    mark = lib.add_mark(sha, 3.0, "highlight", "throw")
    before = _state(lib, sha)
    stack.push(MoveMark(mark, 7.25))
    assert _state(lib, sha) == [(mark.id, 7.25, "highlight", "throw", None)]
    assert stack.undo() and _state(lib, sha) == before
    assert stack.redo() and lib.mark(mark.id).time_s == 7.25


def test_delete_round_trip(undo_library) -> None:
    lib, stack, sha = undo_library
    keep = lib.add_mark(sha, 1.0, "comment", "keep")
    doomed = lib.add_mark(sha, 2.0, "deduction", "drop", 0.7)
    before = _state(lib, sha)
    stack.push(DeleteMark(doomed))
    assert _state(lib, sha) == [(keep.id, 1.0, "comment", "keep", None)]
    assert stack.undo() and _state(lib, sha) == before
    assert lib.mark(doomed.id) == doomed  # id and dates restored
    assert stack.redo() and lib.mark(doomed.id) is None


def test_a_long_history_unwinds_and_replays_exactly(undo_library) -> None:
    lib, stack, sha = undo_library
    states = [_state(lib, sha)]
    add = stack.push(AddMark(sha, 1.0, "comment", "a"))
    states.append(_state(lib, sha))
    stack.push(MoveMark(add.mark, 4.0))
    states.append(_state(lib, sha))
    stack.push(EditMark(lib.mark(add.mark.id), "highlight", "b", None))
    states.append(_state(lib, sha))
    stack.push(AddMark(sha, 2.0, "deduction", "c", 0.1))
    states.append(_state(lib, sha))
    stack.push(DeleteMark(lib.mark(add.mark.id)))
    states.append(_state(lib, sha))
    for expected in reversed(states[:-1]):
        assert stack.undo()
        assert _state(lib, sha) == expected
    assert not stack.undo() and not stack.can_undo
    for expected in states[1:]:
        assert stack.redo()
        assert _state(lib, sha) == expected
    assert not stack.redo() and not stack.can_redo


def test_a_new_edit_drops_the_redo_history_and_listeners_hear_changes(undo_library) -> None:
    lib, stack, sha = undo_library
    heard = []
    stack.on_change(lambda: heard.append(stack.undo_label))
    stack.push(AddMark(sha, 1.0, "comment", "a"))
    stack.undo()
    assert stack.can_redo and stack.redo_label == "Add comment at 0:01.0"
    stack.push(AddMark(sha, 2.0, "comment", "b"))
    assert not stack.can_redo
    assert heard == ["Add comment at 0:01.0", "", "Add comment at 0:02.0"]


def test_a_failing_command_is_not_recorded(undo_library) -> None:
    lib, stack, sha = undo_library
    with pytest.raises(JudgeappError):
        stack.push(AddMark(sha, -5.0, "comment", "bad time"))
    assert not stack.can_undo and _state(lib, sha) == []


def test_panel_score_round_trip(undo_library) -> None:
    lib, stack, sha = undo_library
    stack.push(SetPanelScore(lib, sha, PanelScore(18.0, 9.0, 9.0)))
    stack.push(SetPanelScore(lib, sha, PanelScore(18.5)))
    assert lib.get_panel_score(sha) == PanelScore(18.5)
    stack.undo()
    assert lib.get_panel_score(sha) == PanelScore(18.0, 9.0, 9.0)
    stack.undo()
    assert lib.get_panel_score(sha) is None
    stack.redo()
    stack.redo()
    assert lib.get_panel_score(sha) == PanelScore(18.5)


def test_the_history_limit_keeps_the_newest_steps(undo_library) -> None:
    lib, _, sha = undo_library
    stack = UndoStack(lib, limit=3)
    for i in range(5):
        stack.push(AddMark(sha, float(i), "comment", str(i)))
    undone = 0
    while stack.undo():
        undone += 1
    assert undone == 3
    assert [m.text for m in lib.marks_for(sha)] == ["0", "1"]
