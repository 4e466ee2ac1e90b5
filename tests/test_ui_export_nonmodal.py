"""Writing the annotated video does not stop the review (issue 20, item 6): its progress sits in
the status bar, nothing modal opens, the player steps frame by frame while the video is written,
and Cancel there leaves no file."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from report_helpers import make_result
from video_helpers import write_video

from judgeapp.app.analysis_run import AnalysisOutcome
from judgeapp.app.score_view import CardFacts


@pytest.fixture
def setup(qtbot, tmp_path, review_window):
    window, review = review_window()
    # 24 s at 25 fps, 640x480: long enough to be still writing while the test steps the player.
    video = write_video(tmp_path / "routine.mp4", fps=25.0, frames=600, width=640, height=480)
    assert window.open_video(video)
    qtbot.waitUntil(lambda: review.marks_panel.video is not None, timeout=20_000)
    info = review.marks_panel.video
    window.session.analysisFinished.emit(AnalysisOutcome(make_result(info), CardFacts()))
    return window, review, video


def test_the_player_steps_while_the_annotated_video_is_written_and_cancel_leaves_no_file(
    qtbot, setup, tmp_path
) -> None:
    window, review, video = setup
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    exporter = review.exporter
    exporter.export(out_dir / "annotated.mp4", window.outcome.result, [], None, video)
    progress = exporter.dialog
    assert progress is not None
    qtbot.waitUntil(lambda: progress.bar.value() > 0, timeout=60_000)  # frames are going in
    assert exporter.busy
    assert QApplication.activeModalWidget() is None  # nothing modal: the window takes input
    assert progress.isVisible() and progress.parent() is window.statusBar()
    # The player answers while the export writes: each step shows the next frame.
    with qtbot.waitSignal(window.player.positionChanged, timeout=10_000):
        window.player.seek(10)
    for step, expected in ((1, 11), (1, 12), (1, 13), (-1, 12)):
        with qtbot.waitSignal(window.player.positionChanged, timeout=10_000) as shown:
            window.player.step(step)
        assert shown.args[0] == expected == window.player.current_index
    assert exporter.busy, "the export ended before the player was stepped: make the clip longer"
    with qtbot.waitSignal(exporter.failed, timeout=30_000) as failed:
        progress.cancel_button.click()
    assert "cancelled; nothing was written" in failed.args[0]
    qtbot.waitUntil(lambda: not exporter.busy)
    assert list(out_dir.iterdir()) == []
    assert exporter.dialog is None and not progress.isVisible()
    qtbot.waitUntil(lambda: window.statusBar().findChild(type(progress)) is None)
