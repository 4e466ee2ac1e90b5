"""The marks service never drops a deduction a judge typed (issue 20, item 2), without Qt."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_helpers import fake_video_info

from judgeapp.app.marks_service import MarksService, check_kind
from judgeapp.app.marks_view import kind_for_deduction_text, nearest_mark
from judgeapp.core.errors import JudgeappError
from judgeapp.store import Library


@pytest.fixture
def service(tmp_path: Path):
    library = Library.open(tmp_path / "lib.sqlite3")
    service = MarksService(library)
    service.set_video(fake_video_info("beam.mp4", duration_s=30.0))
    yield service
    service.close()
    library.close()


def _stored(service):
    return [(m.kind, m.deduction, m.text) for m in service.marks()]


def test_a_deduction_value_with_another_kind_is_refused_not_dropped(service):
    with pytest.raises(JudgeappError, match="a comment carries no deduction.*keep 0.5"):
        service.add(3.0, "comment", "knee", 0.5)  # was: a comment, the 0.5 gone
    assert _stored(service) == []
    mark = service.add(3.0, "comment", "knee")
    with pytest.raises(JudgeappError, match="a highlight carries no deduction"):
        service.edit(mark.id, "highlight", "knee", 0.3)
    assert _stored(service) == [("comment", None, "knee")]


def test_changing_a_deductions_kind_says_its_value_went_and_undo_brings_it_back(service):
    mark = service.add(5.0, "deduction", "fall", 1.0)
    note = service.set_kind(mark.id, "Comment ")
    assert _stored(service) == [("comment", None, "fall")]
    assert note == f"#{mark.id} is now a comment: its deduction 1 was removed (Ctrl+Z puts it back)"
    assert service.set_kind(mark.id, "deduction") == ""  # nothing to lose
    service.undo()
    service.undo()
    assert _stored(service) == [("deduction", 1.0, "fall")]
    with pytest.raises(JudgeappError, match="'penalty' is not one of deduction, highlight"):
        service.set_kind(mark.id, "penalty")


def test_the_entry_row_and_the_m_key_helpers():
    assert kind_for_deduction_text("comment", "0.5") == "deduction"
    assert kind_for_deduction_text("comment", " ") == "comment"
    assert check_kind(" Highlight") == "highlight"
    assert nearest_mark([], 3.0) is None
