"""The main window's room at 1280x720, 1280x800 and 1920x1080 (offscreen; issue 20 item 9): an
opened banner leaves the video its room, the marks table shows five rows, the Disagreement
view's Static column is whole, a large screen gives the timeline and the crops more room.

The window shows a hand-made result of a small written video (no analysis runs).
"""

from __future__ import annotations

import pytest
from ui_helpers import hand_result
from video_helpers import write_video

from judgeapp.app.score_view import Banner, CardFacts
from judgeapp.ui.main_window import AnalysisOutcome

STATIC_COLUMN = 4  # Moment, Time, Percentile, Target, Static, Note


@pytest.fixture
def shown(qtbot, tmp_path, review_window):
    """(window, review, show(size)): the window with a result and seven deduction marks."""
    window, review = review_window(size=None)

    def show(size: tuple[int, int]) -> None:
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(100)  # the docks settle

    show((1280, 800))
    video = write_video(tmp_path / "routine.mp4", fps=25.0, frames=250, width=640, height=360)
    assert window.open_video(video)
    qtbot.waitUntil(lambda: review.marks_panel.video is not None, timeout=10_000)
    info = review.marks_panel.video
    result = hand_result(info, [0.05, 0.2, 0.1, 0.3, 0.15, 0.2], [(t, 0.1) for t in range(10)])
    window.show_outcome(AnalysisOutcome(result, CardFacts()))
    review.marks_panel.set_result(result)
    for i, t in enumerate((0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5)):
        review.marks.add(t, "deduction", f"deduction {i}", 0.1)
    return window, review, show


def test_an_opened_banner_leaves_the_video_its_room(qtbot, shown) -> None:
    window, _, show = shown
    show((1280, 800))
    banner = window.calibration_banner
    banner.show_message(Banner("warning", "Not calibrated", "A long explanation. " * 120))
    banner.details.setChecked(True)
    qtbot.wait(100)
    line = banner.text.fontMetrics().lineSpacing()
    assert banner.height() <= 6 * line + 20  # at most four lines of text, the rest scrolls
    assert banner.scroll.verticalScrollBar().maximum() > 0  # the rest is there to scroll to
    assert window.player.view.height() >= 0.5 * window.height()


def test_the_marks_table_shows_five_rows_at_1280x720(qtbot, shown) -> None:
    window, review, show = shown
    show((1280, 720))
    review.marks_dock.show()
    review.marks_dock.raise_()
    qtbot.wait(100)
    table = review.marks_panel.table
    assert table.rowCount() == 7
    assert table.viewport().height() >= 5 * table.rowHeight(0)


def test_the_static_column_is_whole_at_1280x800(qtbot, shown) -> None:
    window, review, show = shown
    show((1280, 800))
    review.disagreement_dock.show()
    review.disagreement_dock.raise_()
    qtbot.wait(100)
    table = review.disagreement_panel.table
    assert table.rowCount() >= 7  # the marks, and attended moments without one
    header = table.horizontalHeader()
    width = header.sectionSize(STATIC_COLUMN)
    assert width >= header.sectionSizeHint(STATIC_COLUMN)
    assert width >= table.sizeHintForColumn(STATIC_COLUMN)
    right_edge = table.columnViewportPosition(STATIC_COLUMN) + width
    assert right_edge <= table.viewport().width()  # not cut by the view's edge


def test_a_large_window_gives_the_timeline_and_the_crops_more_room(qtbot, shown) -> None:
    window, _, show = shown
    window.crops_dock.show()
    window.crops_dock.raise_()
    show((1280, 800))
    qtbot.waitUntil(lambda: bool(window.crops.buttons()), timeout=10_000)
    small = (window.timeline_dock.height(), window.crops.buttons()[0].iconSize().height())
    show((1920, 1080))
    qtbot.wait(100)
    large = (window.timeline_dock.height(), window.crops.buttons()[0].iconSize().height())
    assert large[0] >= small[0] * 1.2  # the timeline grows with the window
    assert large[1] > small[1]  # and so do the crops
    show((1280, 800))
    qtbot.wait(100)
    assert abs(window.timeline_dock.height() - small[0]) <= 4  # and back
