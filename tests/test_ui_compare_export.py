"""Export from the comparison window: MP4, PDF and HTML of the comparison shown (its sync points),
written in the background by the command line's writer; Cancel leaves no file; an unwritable
folder is one line in the status bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_helpers import make_result
from test_app_pose_view import pose_result
from ui_helpers import shown
from video_helpers import first_frames

from judgeapp.ui.compare_window import CompareWindow
from judgeapp.video import probe


@pytest.fixture(scope="module")
def clips(media_dir, tmp_path_factory) -> tuple[Path, Path]:
    """Two short real clips: 1.5 s of juggle (24 fps) and 2 s of squats (5 fps)."""
    folder = tmp_path_factory.mktemp("clips")
    a = first_frames(media_dir / "juggle_720p24.mp4", folder / "juggle_short.mp4", 36)
    b = first_frames(media_dir / "squats_portrait_5fps.mp4", folder / "squats_short.mp4", 10)
    return a, b


@pytest.fixture
def window(qtbot, clips):
    a, b = clips
    window = CompareWindow()
    shown(qtbot, window)
    window.set_side("a", a, pose_result(probe(a, with_hash=False)))
    window.set_side("b", b, make_result(probe(b, with_hash=False), seed=2))
    window.transport.comparison = window.transport.comparison.with_sync("b", 0.4)
    yield window
    window.shutdown()


def _finish(qtbot, window: CompareWindow) -> str:
    qtbot.waitUntil(lambda: not window.exporter.busy, timeout=120_000)
    return window.statusBar().currentMessage()


def test_each_format_is_exported_from_the_window(qtbot, window, tmp_path: Path) -> None:
    assert [a.text() for a in window.export_menu.actions()][0].startswith("Side-by-Side")
    comparison = window.transport.comparison
    out = tmp_path / "both.mp4"
    window.export_to(out)
    assert window.exporter.busy  # written in the background; the window goes on
    assert _finish(qtbot, window) == f"wrote {out}"
    info = probe(out, with_hash=False)
    assert (info.width, info.height) == (1280, 540)
    assert info.frames == len(comparison.export_times(24.0))  # from the sync points
    for suffix in (".pdf", ".html"):
        target = tmp_path / f"both{suffix}"
        window.export_to(target)
        assert _finish(qtbot, window) == f"wrote {target}"
    page = (tmp_path / "both.html").read_text()
    assert "juggle_short.mp4" in page and "squats_short.mp4" in page
    assert "sync at 0:00.4" in page  # B's sync point as the window has it
    assert "with the joint angle" in page  # A has pose results
    assert (tmp_path / "both.pdf").read_bytes().startswith(b"%PDF")


def test_cancel_leaves_no_file_and_a_bad_folder_is_one_line(qtbot, window, tmp_path) -> None:
    out = tmp_path / "both.mp4"
    window.export_to(out)
    window.exporter.cancel()
    message = _finish(qtbot, window)
    assert "cancelled" in message and str(out) in message
    assert list(tmp_path.iterdir()) == []
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    target = blocker / "both.pdf"
    window.export_to(target)
    message = _finish(qtbot, window)
    assert str(target) in message and "cannot write" in message and "\n" not in message
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_export_needs_both_sides_analysed(qtbot, clips, tmp_path) -> None:
    window = CompareWindow()
    qtbot.addWidget(window)
    try:
        window.set_side("a", clips[0], None)
        window.set_side("b", clips[1], make_result(probe(clips[1], with_hash=False)))
        window.export_to(tmp_path / "both.pdf")
        assert not window.exporter.busy
        assert "not analysed" in window.statusBar().currentMessage()
        assert list(tmp_path.iterdir()) == []
    finally:
        window.shutdown()
