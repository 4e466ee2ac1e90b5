"""The marks service never drops a deduction a judge typed (issue 20, item 2), without Qt."""

from __future__ import annotations

import pytest

from judgeapp.app.marks_service import check_kind
from judgeapp.app.marks_view import kind_for_deduction_text, nearest_mark
from judgeapp.core.errors import JudgeappError


def _stored(marks_service):
    return [(m.kind, m.deduction, m.text) for m in marks_service.marks()]


def test_a_deduction_value_with_another_kind_is_refused_not_dropped(marks_service):
    with pytest.raises(JudgeappError, match="a comment carries no deduction.*keep 0.5"):
        marks_service.add(3.0, "comment", "knee", 0.5)  # was: a comment, the 0.5 gone
    assert _stored(marks_service) == []
    mark = marks_service.add(3.0, "comment", "knee")
    with pytest.raises(JudgeappError, match="a highlight carries no deduction"):
        marks_service.edit(mark.id, "highlight", "knee", 0.3)
    assert _stored(marks_service) == [("comment", None, "knee")]


def test_changing_a_deductions_kind_says_its_value_went_and_undo_brings_it_back(marks_service):
    mark = marks_service.add(5.0, "deduction", "fall", 1.0)
    note = marks_service.set_kind(mark.id, "Comment ")
    assert _stored(marks_service) == [("comment", None, "fall")]
    assert note == f"#{mark.id} is now a comment: its deduction 1 was removed (Ctrl+Z puts it back)"
    assert marks_service.set_kind(mark.id, "deduction") == ""  # nothing to lose
    marks_service.undo()
    marks_service.undo()
    assert _stored(marks_service) == [("deduction", 1.0, "fall")]
    with pytest.raises(JudgeappError, match="'penalty' is not one of deduction, highlight"):
        marks_service.set_kind(mark.id, "penalty")


def test_the_entry_row_and_the_m_key_helpers():
    assert kind_for_deduction_text("comment", "0.5") == "deduction"
    assert kind_for_deduction_text("comment", " ") == "comment"
    assert check_kind(" Highlight") == "highlight"
    assert nearest_mark([], 3.0) is None
