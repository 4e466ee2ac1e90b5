"""The marks service (no Qt): marks and panel score of the current video on a real library."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_helpers import make_result

from judgeapp.app.marks_service import MarksService, parse_number
from judgeapp.app.marks_view import add_button_text, comparison_text, mark_label, mark_rows
from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import PanelScore
from judgeapp.store import Library


def test_edits_are_on_disk_undoable_and_heard(marks_service: MarksService, tmp_path: Path) -> None:
    heard = []
    marks_service.on_change(
        lambda: heard.append([(m.time_s, m.text) for m in marks_service.marks()])
    )
    first = marks_service.add(4.0, "comment", "first")
    marks_service.add(9.0, "deduction", "step out", 0.3)
    marks_service.edit(first.id, "highlight", "first, edited")
    marks_service.move(first.id, 12.0)
    assert heard[-1] == [(9.0, "step out"), (12.0, "first, edited")]
    with Library.open(tmp_path / "lib.sqlite3") as other:  # what another process reads
        stored = other.marks_for(marks_service.video.sha256)
        assert [(m.kind, m.deduction) for m in stored] == [("deduction", 0.3), ("highlight", None)]
    marks_service.delete(first.id)
    assert [m.text for m in marks_service.marks()] == ["step out"]
    assert marks_service.undo_label == "Delete highlight at 0:12.0"
    for expected in ([9.0, 12.0], [4.0, 9.0], [4.0, 9.0], [4.0], []):
        assert marks_service.undo()
        assert sorted(m.time_s for m in marks_service.marks()) == expected
    assert not marks_service.can_undo and marks_service.redo()
    assert [m.text for m in marks_service.marks()] == ["first"]


def test_bad_input_is_refused_with_one_line(marks_service: MarksService) -> None:
    mark = marks_service.add(3.0, "comment", "note")
    for action, words in (
        (lambda: marks_service.add(-1.0, "comment", ""), "must be a finite number"),
        (lambda: marks_service.edit(mark.id, "praise", "x"), "not one of"),
        (lambda: marks_service.add(1.0, "deduction", "", -0.5), "must be a number >= 0"),
        (lambda: marks_service.move(mark.id + 99, 1.0), "not a mark of this video"),
        (lambda: marks_service.time_of_typed("soon"), "not a time"),
        (lambda: marks_service.time_of_typed("f750"), r"past the last frame \(749\)"),
        (lambda: parse_number("0.3.1", "deduction"), "is not a number"),
    ):
        with pytest.raises(JudgeappError, match=words) as caught:
            action()
        assert "\n" not in str(caught.value)
    assert [(m.time_s, m.kind, m.text) for m in marks_service.marks()] == [(3.0, "comment", "note")]
    marks_service.set_video(None)
    with pytest.raises(JudgeappError, match="open a video"):
        marks_service.add(1.0, "comment", "")


def test_moves_are_clamped_to_the_video_and_typed_frames_are_times(marks_service) -> None:
    mark = marks_service.add(3.0, "comment", "")
    marks_service.move(mark.id, 99.0)
    assert marks_service.marks()[0].time_s == 30.0
    assert marks_service.time_of_typed("f120") == pytest.approx(4.8)  # 25 fps
    assert marks_service.time_of_typed("1:02.5") == pytest.approx(62.5)
    assert marks_service.frame_at(4.8) == 120 and marks_service.frame_at(4.79) == 119


def test_mark_numbers_do_not_change_when_one_is_added_earlier(marks_service: MarksService) -> None:
    late = marks_service.add(20.0, "deduction", "fall", 0.5)
    before = {
        row.mark_id: row.number for row in mark_rows(marks_service.marks(), marks_service.frame_at)
    }
    marks_service.add(5.0, "comment", "earlier")
    rows = mark_rows(marks_service.marks(), marks_service.frame_at)
    assert [r.text for r in rows] == ["earlier", "fall"]  # time order
    assert {r.mark_id: r.number for r in rows}[late.id] == before[late.id] == mark_label(late)
    assert rows[1].time == "0:20.0" and rows[1].frame == "500"
    assert add_button_text(12.5, 312) == "Add at 0:12.5 · f312"


def test_a_panel_total_outside_the_score_range_is_refused(marks_service: MarksService) -> None:
    marks_service.set_result(make_result(marks_service.video, score=17.0))
    with pytest.raises(JudgeappError, match="outside the score range 0-25"):
        marks_service.set_panel(30.0)
    assert marks_service.panel() is None
    marks_service.set_panel(18.5, 9.0)
    assert marks_service.panel() == PanelScore(18.5, 9.0, None)
    assert "difference: -1.50" in comparison_text(marks_service.result, marks_service.panel())


def test_a_panel_total_must_be_difficulty_plus_execution_minus_penalty(marks_service) -> None:
    with pytest.raises(JudgeappError, match=r"more than difficulty \+ execution \(8 \+ 9 = 17\)"):
        marks_service.set_panel(20.0, 8.0, 9.0)
    with pytest.raises(JudgeappError, match="not difficulty \\+ execution - penalty"):
        marks_service.set_panel(16.0, 8.0, 9.0, 0.3)
    with pytest.raises(JudgeappError, match="needs both difficulty and execution"):
        marks_service.set_panel(16.0, 8.0, None, 0.3)
    assert marks_service.panel() is None
    stored = marks_service.set_panel(None, 8.0, 9.0, 0.3)  # the total left empty: added up
    assert stored == PanelScore(16.7, 8.0, 9.0) and marks_service.panel() == stored
    assert stored.penalty == pytest.approx(0.3)
    marks_service.clear_panel()
    assert (
        marks_service.panel() is None and marks_service.undo() and marks_service.panel() == stored
    )
