"""A comparison saved from the comparison window (Ctrl+S), its edits undone and redone there
(Ctrl+Z / Ctrl+Shift+Z), and reopened from the library window with the same sync points: both
players on the frames those sync points name, the pictures those frames."""

from __future__ import annotations

import shutil

import pytest
from report_helpers import make_result
from test_ui_compare import on_screen
from ui_helpers import mse, qimage_to_rgb, shown

from judgeapp.app.library_service import LibraryService
from judgeapp.ui.compare_window import CompareWindow
from judgeapp.ui.library_window import LibraryWindow
from judgeapp.video import probe, read_frames


@pytest.fixture
def copies(media_dir, tmp_path):
    """The two clips copied where the test may move and delete them."""
    juggle = tmp_path / "juggle_720p24.mp4"
    squats = tmp_path / "squats_portrait_5fps.mp4"
    shutil.copy(media_dir / juggle.name, juggle)
    shutil.copy(media_dir / squats.name, squats)
    return juggle, squats


@pytest.fixture
def service(tmp_path):
    with LibraryService.open(tmp_path / "lib.sqlite3") as service:
        yield service


def _trigger(window: CompareWindow, name: str) -> None:
    window.actions_by_name[name].trigger()


def test_save_undo_redo_and_reopen_from_the_library(qtbot, copies, service) -> None:
    juggle, squats = copies
    window = CompareWindow(None, service)
    shown(qtbot, window)
    result_a = make_result(probe(juggle, with_hash=True), seed=1, score=14.0)
    service.save_result(result_a, juggle)  # A analysed and stored; B not analysed
    window.set_side("a", juggle, result_a)
    window.set_side("b", squats, None)
    assert window.actions_by_name["save"].shortcut().toString() == "Ctrl+S"
    assert window.actions_by_name["undo"].shortcut().toString() == "Ctrl+Z"
    assert window.actions_by_name["redo"].shortcut().toString() == "Ctrl+Shift+Z"
    window.transport.comparison = window.transport.comparison.with_sync("a", 1.0)
    window.transport.comparison = window.transport.comparison.with_sync("b", 2.0)
    _trigger(window, "save")  # B's content hash is read in a job (nothing knows it yet)
    qtbot.waitUntil(lambda: window.saved is not None, timeout=15_000)
    assert "juggle_720p24.mp4 vs" in window.windowTitle()
    assert (window.saved.sync_a_s, window.saved.sync_b_s) == (1.0, 2.0)

    # Edits of the saved comparison: A's sync point moved (unlinked, stepped, set, relinked),
    # then the overlay's opacity dragged (one undo step).
    window.link_button.setChecked(False)
    player_a = window.sides["a"].player
    player_a.seek(36)
    qtbot.waitUntil(lambda: player_a.current_index == 36, timeout=15_000)
    window.sides["a"].sync_button.click()
    window.link_button.setChecked(True)
    assert service.library.comparison(window.saved.id).sync_a_s == pytest.approx(1.5)
    window.opacity_slider.setValue(40)
    window.opacity_slider.setValue(20)
    assert service.library.comparison(window.saved.id).opacity == pytest.approx(0.2)

    assert window.store.undo_stack.undo_label == "Change comparison overlay opacity"
    _trigger(window, "undo")  # the opacity drag, in one step
    assert window.opacity_slider.value() == 50
    assert window.transport.comparison.overlay.opacity == pytest.approx(0.5)
    _trigger(window, "undo")  # the sync point
    assert window.transport.comparison.sync_a_s == pytest.approx(1.0)
    assert window.sides["a"].sync_label.text() == "sync 0:01.0"
    assert service.library.comparison(window.saved.id).sync_a_s == pytest.approx(1.0)
    _trigger(window, "redo")
    assert window.transport.comparison.sync_a_s == pytest.approx(1.5)
    _trigger(window, "redo")
    assert window.opacity_slider.value() == 20
    saved_id = window.saved.id
    window.close()

    library_window = LibraryWindow(service)
    qtbot.addWidget(library_window)
    try:
        assert library_window.comparison_list.count() == 1
        library_window.comparison_list.setCurrentRow(0)
        library_window.open_comparison()
        reopened = library_window.compare_window
        assert reopened is not None and reopened.saved.id == saved_id
        c = reopened.transport.comparison
        assert (c.sync_a_s, c.sync_b_s) == (pytest.approx(1.5), pytest.approx(2.0))
        assert c.overlay.opacity == pytest.approx(0.2)
        assert reopened.sides["a"].result is not None  # its stored analysis came with it
        # At the common time 0 each side shows its sync point's frame: 1.5 s at 24 fps is
        # frame 36, 2.0 s at 5 fps frame 10; the pictures are those frames.
        reopened.overlay_button.setChecked(False)
        reopened.seek(0.0)
        assert on_screen(qtbot, reopened) == (36, 10)
        for which, video, index in (("a", juggle, 36), ("b", squats, 10)):
            truth = read_frames(video, {index - 1, index, index + 1})
            picture = qimage_to_rgb(reopened.sides[which].player.current_image())
            error = mse(picture, truth[index])
            assert error < mse(picture, truth[index - 1]) and error < mse(picture, truth[index + 1])
        reopened.close()

        # B moved and opened from its new place (the library learns the path): found again.
        moved = squats.parent / "moved" / squats.name
        moved.parent.mkdir()
        squats.rename(moved)
        service.library.remember_video(probe(moved, with_hash=True))
        library_window.open_comparison()
        assert library_window.compare_window.sides["b"].path == moved
        library_window.compare_window.close()
        # Gone: one line in the library window naming the file, no window.
        moved.unlink()
        before = library_window.compare_window
        library_window.open_comparison()
        assert library_window.compare_window is before
        text = library_window.status.text()
        assert "squats_portrait_5fps.mp4: video B of the comparison" in text and "\n" not in text
        # Deleted from the library window.
        library_window.confirm = lambda *_a: True
        library_window.delete_comparison()
        assert library_window.comparison_list.count() == 0
        assert service.library.comparisons() == []
    finally:
        library_window.shutdown()
