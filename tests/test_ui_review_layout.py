"""The review window at 1280x800 (offscreen): nothing a judge reads is clipped (issue 14: 10).

The window shows a hand-made result of a small written video (no analysis runs).
"""

from __future__ import annotations

import pytest
from ui_helpers import hand_result
from video_helpers import write_video

from judgeapp.app.score_view import CardFacts
from judgeapp.ui.main_window import AnalysisOutcome  # (wherever it is defined)

SIZE = (1280, 800)


@pytest.fixture
def shown(qtbot, tmp_path, review_window):
    window, review = review_window(SIZE)
    qtbot.waitExposed(window)
    video = write_video(tmp_path / "routine.mp4", fps=25.0, frames=250, width=640, height=360)
    assert window.open_video(video)
    qtbot.waitUntil(lambda: review.marks_panel.video is not None, timeout=10_000)
    info = review.marks_panel.video
    dynamic = [0.05, 0.2, 0.1, 0.3, 0.15, 0.2]
    static = [(float(t), 0.1) for t in range(10)]
    result = hand_result(info, dynamic, static, calibrated=True)
    window.show_outcome(AnalysisOutcome(result, CardFacts()))
    review.marks_panel.set_result(result)
    return window, review


def _inside(widget, area) -> bool:
    """Whether `widget` lies wholly inside `area` (both shown), in `area`'s coordinates."""
    top_left = widget.mapTo(area, widget.rect().topLeft())
    bottom_right = widget.mapTo(area, widget.rect().bottomRight())
    return area.rect().contains(top_left) and area.rect().contains(bottom_right)


def test_the_window_fits_1280_wide(shown) -> None:
    window, _ = shown
    assert window.minimumSizeHint().width() <= SIZE[0]
    assert window.width() == SIZE[0]


def _laid_out(grid) -> bool:
    """Whether each thumbnail of `grid` sits in the cell its place gives at the grid's present
    number of columns (a layout that has not run yet leaves them where the last one put them)."""
    for i, button in enumerate(grid.buttons):
        row, column = divmod(i, grid.columns)
        if not button.isVisible() or not grid.grid.cellRect(row, column).contains(
            button.geometry()
        ):
            return False
    return True


def test_segment_thumbnails_and_their_labels_are_not_clipped(qtbot, shown) -> None:
    window, _ = shown
    window.crops_dock.show()
    window.crops_dock.raise_()
    window.crops.tabs.setCurrentIndex(1)  # Segments
    scroll = window.crops.scrolls["segment"]
    grids = [g for key, g in window.crops.grids.items() if key.startswith("segment")]
    buttons = [b for g in grids for b in g.buttons]
    assert buttons
    # The grids take their columns from the tab's width when it shows; Qt lays them out at its
    # next turn: wait for that, however long it takes.
    qtbot.waitUntil(lambda: scroll.isVisible() and all(_laid_out(g) for g in grids))
    for button in buttons:
        assert button.width() >= button.sizeHint().width(), button.text()  # whole caption
        assert _inside(button, scroll.viewport()), button.text()  # no sideways scrolling


def test_the_note_field_and_the_go_to_field_are_not_clipped(qtbot, shown) -> None:
    window, review = shown
    review.marks_dock.show()
    review.marks_dock.raise_()
    panel = review.marks_panel
    qtbot.waitUntil(lambda: panel.text_edit.isVisible())
    note = panel.text_edit
    typed = "bent knee in the pivot, ankle low"
    assert note.width() >= note.fontMetrics().horizontalAdvance(typed) + 12
    assert note.width() >= note.fontMetrics().horizontalAdvance(note.placeholderText()) + 12
    assert _inside(note, panel)
    goto = window.player.goto_edit
    assert goto.width() >= goto.fontMetrics().horizontalAdvance("00:00.00")
    for button in (panel.add_button, panel.move_here_button, panel.goto_button):
        assert button.width() >= button.sizeHint().width(), button.text()
