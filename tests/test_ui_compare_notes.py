"""The comparison window shows each side's judges' marks on the common timeline and the panel's
scores beside the model's, read from the library."""

from __future__ import annotations

import numpy as np
import pytest
from report_helpers import make_result
from ui_helpers import qimage_to_rgb, shown

from judgeapp.app.library_service import LibraryService
from judgeapp.app.marks_service import MarksService
from judgeapp.core.marks import KIND_RGB
from judgeapp.store import Library
from judgeapp.ui.compare_window import CompareWindow
from judgeapp.video import probe


@pytest.fixture
def window(qtbot, tmp_path, media_dir):
    juggle, squats = media_dir / "juggle_720p24.mp4", media_dir / "squats_portrait_5fps.mp4"
    store = Library.open(tmp_path / "lib.sqlite3")
    marks = MarksService(store)
    marks.set_video(probe(juggle))
    marks.add(3.0, "deduction", "step out", 0.3)
    marks.set_panel(15.2)
    marks.set_video(probe(squats))
    marks.add(8.0, "highlight", "deep squat")
    w = CompareWindow(library=LibraryService.wrap(store))
    shown(qtbot, w)
    w.set_side("a", juggle, make_result(probe(juggle, with_hash=False), seed=1, score=14.0))
    w.set_side("b", squats, make_result(probe(squats, with_hash=False), seed=2, score=16.5))
    yield w
    w.shutdown()
    marks.close()
    store.close()


def _colour_near(image: np.ndarray, x: float, rows: range, rgb: tuple[int, int, int]) -> bool:
    columns = image[rows.start : rows.stop, max(int(x) - 1, 0) : int(x) + 8]
    return bool((np.abs(columns.astype(int) - rgb).sum(axis=2) < 40).any())


def test_marks_drawn_in_each_lane_at_their_common_time(qtbot, window) -> None:
    assert "panel 15.20" in window.sides["a"].title.text()
    assert "panel A 15.20 · B —" in window.scores_label.text()
    # make_result's results are not calibrated: each title and the scores say so
    assert "14.00 / 25 (not calibrated)" in window.sides["a"].title.text()
    assert "Not calibrated: a demo score" in window.scores_label.text()
    timeline = window.timeline
    assert [m.text for m in timeline.notes[0].marks] == ["step out"]
    window.transport.comparison = window.transport.comparison.with_sync("b", 2.0)
    window._refresh()
    image = qimage_to_rgb(timeline.grab().toImage())
    lane_a = range(4, 4 + timeline.LANE_H)
    lane_b = range(4 + timeline.LANE_H, 4 + 2 * timeline.LANE_H)
    deduction, highlight = KIND_RGB["deduction"], KIND_RGB["highlight"]
    assert _colour_near(image, timeline.x_of(3.0), lane_a, deduction)
    assert _colour_near(image, timeline.x_of(8.0 - 2.0), lane_b, highlight)  # B's own 8 s
    assert not _colour_near(image, timeline.x_of(8.0), lane_b, highlight)
    assert not _colour_near(image, timeline.x_of(3.0), lane_b, deduction)  # only in A's lane
