"""Review in the main window (offscreen): marks follow the video, undo/redo from the Edit menu,
results kept in the library and shown at once when the video is opened again, export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from report_helpers import make_result
from video_helpers import write_video

from judgeapp.app.analysis_run import AnalysisOutcome
from judgeapp.app.app_settings import AppSettings
from judgeapp.app.requests import AnalysisRequest
from judgeapp.app.score_view import CardFacts
from judgeapp.core.files import sha256_file
from judgeapp.core.results import Provenance
from judgeapp.features.recipes import current_recipe
from judgeapp.store import Library
from judgeapp.ui.main_window import MainWindow
from judgeapp.ui.review import Review
from judgeapp.video import probe


@pytest.fixture
def setup(tmp_path, review_window):
    window, review = review_window()
    video = write_video(tmp_path / "routine.mp4", fps=10.0, frames=60)
    return window, review, video


def _open(qtbot, window: MainWindow, review: Review, video: Path) -> None:
    assert window.open_video(video)
    qtbot.waitUntil(lambda: review.marks_panel.video is not None, timeout=10_000)


def test_menus_and_the_marks_dock_are_added(setup) -> None:
    window, review, _ = setup
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Edit") == titles.index("&File") + 1
    file_items = [a.text() for a in window.menus["file"].actions()]
    assert file_items.index("&Export Report…") < file_items.index("&Quit")
    assert "&Library…" in file_items and "&Batch Scoring…" in file_items
    assert [a.text() for a in window.menus["edit"].actions()][:2] == ["Undo", "Redo"]
    assert review.undo_action.shortcut().toString() == "Ctrl+Z"
    assert review.redo_action.shortcuts()[0].toString() == "Ctrl+Shift+Z"
    assert not review.export_action.isEnabled()


def test_marks_are_keyed_by_content_and_undo_covers_them(qtbot, setup) -> None:
    window, review, video = setup
    _open(qtbot, window, review, video)
    assert review.marks_panel.video.sha256 == sha256_file(video)
    window.player.seek_time(2.0)
    qtbot.waitUntil(lambda: review.marks_panel.time_s == pytest.approx(2.0, abs=0.11))
    review.marks_panel.text_edit.setText("late take-off")
    review.marks_panel.add_mark_now()
    assert [m.text for m in review.library.marks_for(review.marks_panel.video.sha256)] == [
        "late take-off"
    ]
    assert review.mark_lines.lines  # drawn on the timeline
    review.undo_action.trigger()
    assert review.marks_panel.marks() == [] and not review.mark_lines.lines
    review.redo_action.trigger()
    assert [m.text for m in review.marks_panel.marks()] == ["late take-off"]


def test_the_review_hears_the_hash_and_the_playhead_from_the_window_state(qtbot, setup) -> None:
    window, review, video = setup
    _open(qtbot, window, review, video)  # the marks are keyed once the state knows the hash
    assert review.marks_panel.video.sha256 == window.state.sha256 == sha256_file(video)
    window.state.set_position(3.5)  # whoever moves the playhead, the marks panel follows
    assert review.marks_panel.time_s == 3.5


def test_a_result_is_saved_and_shown_at_once_when_the_video_opens_again(qtbot, setup) -> None:
    window, review, video = setup
    _open(qtbot, window, review, video)
    made = make_result(review.marks_panel.video, score=16.0)
    # Made as the settings ask (random backbones, untrained head): the library may reuse it.
    recipe = current_recipe(made.model.profile)
    result = replace(made, provenance=Provenance(made.model.profile, recipe, False, "hog", ""))
    window.session.analysisFinished.emit(AnalysisOutcome(result, CardFacts()))  # as the worker
    assert review.export_action.isEnabled()
    assert "Predicted total: 16.00" in review.marks_panel.comparison.text()
    with Library.open() as other:
        assert other.latest_analysis(result.video.sha256) == result

    window.error_banner.hide()
    with qtbot.waitSignal(window.session.opened, timeout=10_000):
        window.open_video(video)  # again: no analysis needed, the result is there at once
    assert window.outcome is not None and window.outcome.result == result
    assert not window.session.analysing
    assert window.score_panel.score.text() == "16.00"


def test_export_from_the_window_includes_marks(qtbot, setup, tmp_path) -> None:
    window, review, video = setup
    _open(qtbot, window, review, video)
    review.marks_panel.text_edit.setText("<script>alert(1)</script>")
    review.marks_panel.add_mark_now()
    info = review.marks_panel.video
    window.session.analysisFinished.emit(AnalysisOutcome(make_result(info), CardFacts()))
    out = tmp_path / "report.html"
    lib = review.library
    with qtbot.waitSignal(review.exporter.done, timeout=20_000):
        review.exporter.export(
            out, window.outcome.result, lib.marks_for(info.sha256), None, review.path
        )
    page = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Crops from the open video: 4 top, and the 2 frames left of its 6 for the bottom.
    assert page.count("data:image/jpeg") == 6


def test_library_window_opens_a_video(qtbot, setup) -> None:
    window, review, video = setup
    _open(qtbot, window, review, video)
    info = probe(video)
    window.session.analysisFinished.emit(AnalysisOutcome(make_result(info), CardFacts()))
    review.show_library()  # the window reads the library in a job: wait for it
    qtbot.waitUntil(lambda: review.library_window.table.rowCount() == 1, timeout=10_000)
    window.open_video(video.parent / "missing.mp4")  # fails with a message, window stays usable
    review.library_window.open_row(0)
    assert window.windowTitle().startswith("routine.mp4")
    review.library_window.close()


def test_batch_scoring_from_the_window_runs_in_a_child_process(qtbot, setup, monkeypatch) -> None:
    window, review, video = setup

    def not_here(*_args, **_kwargs):
        raise AssertionError("the batch analysed inside the GUI process")

    # A spawned child imports its own judgeapp: this patch reaches only the GUI process.
    monkeypatch.setattr("judgeapp.analysis.analyze", not_here)
    review.show_batch()
    batch = review.batch_window
    batch.add_videos([video])
    batch.start()
    qtbot.waitUntil(lambda: not batch.is_running(), timeout=120_000)
    item = batch.queue.items[0]
    assert item.status == "done", item.error
    assert item.result.video.sha256 == sha256_file(video)
    assert item.result.model.calibrated is False  # random backbones, untrained head
    with Library.open() as other:
        assert other.latest_analysis(item.result.video.sha256) == item.result
    # The session's one analysis process did it, and is kept for the next analysis.
    assert window.session.service.spawned == 1 and window.session.service.alive

    # No model installed and none chosen: each video fails with the one-line reason.
    window.settings = AppSettings(AnalysisRequest(model="", pretrained=False), auto_analyze=False)
    (video.parent / "again.mp4").write_bytes(video.read_bytes())
    batch.add_videos([video.parent / "again.mp4"])
    batch.start()
    qtbot.waitUntil(lambda: not batch.is_running(), timeout=120_000)
    assert batch.queue.items[1].status == "failed"
    assert "no trained head is installed" in batch.queue.items[1].error
    batch.close()
