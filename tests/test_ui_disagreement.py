"""The disagreement dock and the timeline's lane (pytest-qt, offscreen; hand-made results)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from report_helpers import fake_video_info
from ui_helpers import hand_result, shown
from video_helpers import write_video

from judgeapp.app.disagreement_view import UNMARKED_RGB, disagreement_view, percentile_rgb
from judgeapp.app.score_view import CardFacts
from judgeapp.core.marks import Mark
from judgeapp.ui.disagreement_panel import DisagreementPanel
from judgeapp.ui.main_window import AnalysisOutcome
from judgeapp.ui.timeline import AttentionTimeline

DYNAMIC = [0.02, 0.05, 0.30, 0.08, 0.03, 0.20, 0.04, 0.12, 0.06, 0.10]


def _view():
    info = fake_video_info("lane.mp4", duration_s=32.0)
    result = hand_result(info, DYNAMIC, [(float(t), 1 / 32) for t in range(32)])
    marks = [
        Mark(1, info.sha256, 7.0, "deduction", "fall", 0.5),  # most attended segment
        Mark(2, info.sha256, 1.0, "deduction", "bent knee", 0.1),  # least attended
        Mark(3, info.sha256, 23.0, "deduction", "step", 0.3),
    ]
    return disagreement_view(result, marks)


def _column(panel: DisagreementPanel, column: int) -> list[str]:
    return [panel.table.item(r, column).text() for r in range(panel.table.rowCount())]


def test_the_list_sorts_by_a_header_click_and_a_click_seeks(qtbot) -> None:
    panel = DisagreementPanel()
    qtbot.addWidget(panel)
    panel.set_view(_view())
    assert panel.target_combo.isHidden()  # one head: no target to choose
    assert _column(panel, 0) == [
        "#2 deduction -0.1",
        "#3 deduction -0.3",
        "#1 deduction -0.5",
        "A2 unmarked",
    ]
    assert _column(panel, 2) == ["0th", "78th", "100th", "89th"]
    assert panel.table.item(0, 2).foreground().color().getRgb()[:3] == percentile_rgb(0.0)
    header = panel.table.horizontalHeader()
    header.sectionClicked.emit(2)  # percentile, ascending
    assert _column(panel, 2) == ["0th", "78th", "89th", "100th"]
    header.sectionClicked.emit(2)  # again: descending
    assert _column(panel, 2) == ["100th", "89th", "78th", "0th"]
    header.sectionClicked.emit(1)  # time, ascending
    assert _column(panel, 1) == ["0:01.0", "0:07.0", "0:16.0-0:19.2", "0:23.0"]
    assert header.sortIndicatorSection() == 1
    with qtbot.waitSignal(panel.seekRequested, timeout=2000) as seek:
        rect = panel.table.visualRect(panel.table.model().index(2, 0))
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert seek.args == [pytest.approx(16.0)]


def test_the_lane_colours_marks_by_percentile_and_shows_unmarked_moments(qtbot) -> None:
    timeline = AttentionTimeline()
    shown(qtbot, timeline, (900, 260))
    assert timeline.lane.isHidden()
    timeline.set_duration(32.0)
    view = _view()
    timeline.set_disagreement(view.lane)
    assert timeline.lane.isVisible()
    assert timeline.drawn_lane_marks() == [
        (1.0, percentile_rgb(0.0)),
        (7.0, percentile_rgb(100.0)),
        (23.0, percentile_rgb(700 / 9)),
    ]
    assert timeline.drawn_lane_spans() == [pytest.approx((16.0, 19.2))]
    assert timeline.lane_spans.opts["pen"].color().getRgb()[:3] == UNMARKED_RGB
    # The lane and the plot share the time axis, zoomed together.
    timeline.view_box.setXRange(5.0, 15.0, padding=0.0)
    assert timeline.lane.getPlotItem().getViewBox().viewRange()[0] == pytest.approx([5.0, 15.0])
    timeline.set_disagreement(None)
    assert timeline.lane.isHidden() and timeline.drawn_lane_marks() == []


@pytest.fixture
def window(tmp_path: Path, review_window):
    win, review = review_window()
    return win, review, write_video(tmp_path / "routine.mp4", fps=10.0, frames=320)


def test_adding_a_deduction_updates_the_dock_and_the_lane(qtbot, window) -> None:
    win, review, video = window
    assert win.open_video(video)
    qtbot.waitUntil(lambda: review.marks_panel.video is not None, timeout=10_000)
    info = review.marks_panel.video
    result = hand_result(info, DYNAMIC, [(float(t), 1 / 32) for t in range(32)])
    win.show_outcome(AnalysisOutcome(result, CardFacts()))
    review.marks_panel.set_result(result)
    panel = review.disagreement_panel
    assert panel.table.rowCount() == 3  # no marks: the three attended moments are unmarked
    review.marks.add(7.0, "deduction", "fall", 0.5)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3 and "#" in _column(panel, 0)[0])
    assert _column(panel, 0)[0].endswith("deduction -0.5")
    assert _column(panel, 2)[0] == "100th"
    assert [t for t, _ in win.timeline.drawn_lane_marks()] == [7.0]
    with qtbot.waitSignal(win.player.positionChanged, timeout=5000):
        panel.seekRequested.emit(16.0)
    qtbot.waitUntil(lambda: abs(win.player.current_time_s - 16.0) < 0.11, timeout=5000)
    review.undo_action.trigger()
    qtbot.waitUntil(lambda: win.timeline.drawn_lane_marks() == [])


def test_a_click_on_the_lane_seeks_to_the_deduction_there(qtbot) -> None:
    from PySide6.QtCore import QPointF

    timeline = AttentionTimeline()
    shown(qtbot, timeline, (900, 300))
    qtbot.waitExposed(timeline)
    timeline.set_duration(32.0)
    timeline.set_disagreement(_view().lane)
    qtbot.waitUntil(lambda: timeline.lane.isVisible())
    lane_box = timeline.lane.getPlotItem().getViewBox()
    requests: list[float] = []
    timeline.seekRequested.connect(requests.append)
    for time_s in (7.1, 12.0):  # 0.1 s beside the deduction at 7 s; empty lane at 12 s
        scene = lane_box.mapViewToScene(QPointF(time_s, 0.68))
        pos = timeline.lane.mapFromScene(scene)
        qtbot.mouseClick(timeline.lane.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert requests[0] == pytest.approx(7.0)  # on the triangle: its mark's exact time
    assert requests[1] == pytest.approx(12.0, abs=0.1)
    assert len(requests) == 2


def test_a_model_set_offers_its_targets_and_the_lane_follows_the_choice(qtbot, window) -> None:
    from judgeapp.core.results import TargetScore

    win, review, video = window
    assert win.open_video(video)
    qtbot.waitUntil(lambda: review.marks_panel.video is not None, timeout=10_000)
    result = hand_result(review.marks_panel.video, DYNAMIC, [(float(t), 1 / 32) for t in range(32)])
    result.scores = {
        "total": TargetScore(12.5, 11.0, 14.0, (11.0, 14.0), 25.0),
        "execution": TargetScore(7.0, 6.0, 8.0, (6.0, 8.0), 10.0, dynamic=tuple(DYNAMIC[::-1])),
    }
    win.show_outcome(AnalysisOutcome(result, CardFacts()))
    review.marks_panel.set_result(result)
    review.marks.add(7.0, "deduction", "fall", 0.5)
    panel = review.disagreement_panel
    qtbot.waitUntil(lambda: win.timeline.drawn_lane_marks() != [])
    combo = panel.target_combo
    assert not combo.isHidden()
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "all targets",
        "total",
        "execution",
    ]
    assert win.timeline.drawn_lane_marks() == [(7.0, percentile_rgb(100.0))]  # total's
    combo.setCurrentIndex(2)
    combo.activated.emit(2)
    qtbot.waitUntil(lambda: win.timeline.drawn_lane_marks() == [(7.0, percentile_rgb(700 / 9))])
    assert set(_column(panel, 3)) == {"execution"}
    assert combo.currentText() == "execution"  # kept when the view is redrawn
    review.marks.add(1.0, "deduction", "bent knee", 0.1)
    qtbot.waitUntil(lambda: len(win.timeline.drawn_lane_marks()) == 2)
    assert set(_column(panel, 3)) == {"execution"} and combo.currentText() == "execution"
