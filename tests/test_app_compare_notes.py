"""Each side's judges' marks and panel score in a comparison, without Qt: read from a real
library, placed on the common time axis, and beside the model's scores."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_helpers import fake_video_info, make_result

from judgeapp.app.compare import (
    Comparison,
    SideNotes,
    SideVideo,
    marks_on_axis,
    notes_of,
    score_rows,
)
from judgeapp.app.library_service import LibraryService
from judgeapp.app.marks_service import MarksService
from judgeapp.core.marks import Mark
from judgeapp.store import Library


@pytest.fixture
def library(tmp_path: Path):
    store = Library.open(tmp_path / "lib.sqlite3")
    marks = MarksService(store)
    ball = fake_video_info("ball.mp4", duration_s=30.0)
    marks.set_video(ball)
    marks.add(4.0, "deduction", "step out", 0.3)
    marks.add(1.0, "highlight", "clean catch")
    marks.set_panel(15.2, difficulty=7.0, execution=8.2)
    yield LibraryService.wrap(store), ball
    marks.close()
    store.close()


def test_notes_come_from_the_library_by_content(library) -> None:
    service, ball = library
    notes = notes_of(service, ball.path, make_result(ball, seed=1))
    assert [(m.time_s, m.kind) for m in notes.marks] == [(1.0, "highlight"), (4.0, "deduction")]
    assert notes.panel is not None and notes.panel.total == pytest.approx(15.2)
    # A video the library does not hold (and no library at all) has no notes.
    other = fake_video_info("hoop.mp4", duration_s=20.0)
    assert notes_of(service, other.path, make_result(other)) == SideNotes()
    assert notes_of(service, "/nowhere/hoop.mp4", None) == SideNotes()
    assert notes_of(None, ball.path, make_result(ball)) == SideNotes()


def test_a_video_file_without_a_result_is_found_by_name_size_and_date(tmp_path, media_dir):
    from judgeapp.video import probe

    video = media_dir / "squats_portrait_5fps.mp4"
    with Library.open(tmp_path / "lib.sqlite3") as store:
        marks = MarksService(store)
        marks.set_video(probe(video))  # stored with its hash, as the main window does
        marks.add(2.5, "comment", "knees")
        notes = notes_of(LibraryService.wrap(store), video, None)
        marks.close()
    assert [m.text for m in notes.marks] == ["knees"]


def _mark(time_s: float, kind: str = "comment") -> Mark:
    return Mark(0, "x" * 64, time_s, kind, "")


def test_marks_sit_at_their_common_time() -> None:
    a = SideVideo("a.mp4", 25.0, 250, 10.0)
    b = SideVideo("b.mp4", 25.0, 500, 20.0)
    c = Comparison(a, b, sync_a_s=2.0, sync_b_s=6.0)  # common axis -6 .. 14
    placed = marks_on_axis(c, "b", [_mark(9.0), _mark(0.5), _mark(19.5)])
    assert [t for t, _ in placed] == [-5.5, 3.0, 13.5]
    assert [t for t, _ in marks_on_axis(c, "a", [_mark(7.0), _mark(1.0)])] == [-1.0, 5.0]
    shorter = Comparison(a, b, sync_a_s=0.0, sync_b_s=0.0)
    assert marks_on_axis(shorter, "a", [_mark(25.0)]) == []  # past the axis's end


def test_panel_scores_beside_the_models_per_target() -> None:
    from judgeapp.core.marks import PanelScore

    ra = make_result(fake_video_info("a.mp4", 20.0), seed=1, score=14.0)
    rb = make_result(fake_video_info("b.mp4", 20.0), seed=2, score=16.5)
    rows = score_rows(ra, rb, PanelScore(15.2, 7.0, 8.2), None)
    total = next(r for r in rows if r.target == "total")
    assert (total.panel_a, total.panel_b) == (pytest.approx(15.2), None)
    assert total.delta == pytest.approx(2.5)
    assert all(r.panel_a is None and r.panel_b is None for r in score_rows(ra, rb))
