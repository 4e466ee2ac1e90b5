"""The player's frame tools: a saved or copied frame is the frame on screen, turned as shown;
mirror and rotate turn the picture and clicks still land on video pixels; the stopwatch reads
the playhead; slow motion down to 1/16."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from video_helpers import read_index, write_video

import judgeapp.ui.frame_tools as frame_tools
from judgeapp.app.frame_tools import Orientation, Stopwatch, save_frame_image
from judgeapp.app.player_view import SPEEDS, speed_label
from judgeapp.core.drawing import SHOW_S, Shape
from judgeapp.core.errors import JudgeappError
from judgeapp.ui.frame_tools import FrameTools, _qimage_rgb
from judgeapp.ui.review import shutdown_on_close

FPS = 20.0


@pytest.fixture
def window(review_window):
    window, review = review_window((1000, 700))
    window.review = review
    window.tools = FrameTools(window)
    window.errors = []
    window.show_error = lambda title, message: window.errors.append(message)
    return window


@pytest.fixture
def opened(qtbot, window, tmp_path):
    video = write_video(tmp_path / "routine.mp4", fps=FPS, frames=100)
    assert window.open_video(video)
    qtbot.waitUntil(lambda: window.player.frame_count > 0, timeout=20_000)
    window.player.seek(37)
    qtbot.waitUntil(lambda: window.player.current_index == 37, timeout=10_000)
    return window


def upright(image: np.ndarray, orientation: Orientation) -> np.ndarray:
    """Undo `orientation` (the inverse written out: un-mirror, then turn back)."""
    image = image[:, ::-1] if orientation.mirrored else image
    return np.rot90(image, k=orientation.quarter_turns)


def saved(qtbot, window, path) -> np.ndarray:
    qtbot.waitUntil(lambda: window.tools.last_saved == path, timeout=10_000)
    return np.asarray(Image.open(path).convert("RGB"))


def test_a_saved_frame_is_the_frame_on_screen_at_full_size_turned_as_shown(qtbot, opened, tmp_path):
    tools = opened.tools
    tools.rotate()
    tools.toggle_mirror()
    orientation = opened.player.view.orientation
    assert orientation == Orientation(mirrored=True, quarter_turns=1)
    path = tmp_path / "frame.png"
    tools.save_frame(False, path)
    image = saved(qtbot, opened, path)
    assert image.shape == (320, 240, 3)  # turned: the 320x240 video stands on its side
    back = upright(image, orientation)
    assert back.shape == (240, 320, 3)
    assert read_index(back) == 37  # the frame on screen, not a neighbour
    assert opened.errors == []


def test_the_view_turns_the_picture_and_a_click_still_lands_on_video_pixels(qtbot, opened):
    view = opened.player.view
    opened.tools.rotate()  # clockwise: the video's top row (the index cells) goes to the right
    shown = _qimage_rgb(view.viewport().grab().toImage())
    picture = view.mapFromScene(view.sceneRect()).boundingRect()
    strip = max(4, picture.width() // 20)
    right = shown[picture.top() : picture.bottom(), picture.right() - strip : picture.right()]
    left = shown[picture.top() : picture.bottom(), picture.left() : picture.left() + strip]
    assert right.mean() > left.mean() + 20  # 37 = 100101b: bright cells on the right edge
    clicks = []
    view.clicked.connect(lambda x, y: clicks.append((x, y)))
    screen_point = view.mapFromScene(10.0, 5.0)  # near the video's top-left corner
    view._click_at = view.mapToScene(screen_point)
    view._emit_click()
    x, y = clicks[0]
    assert abs(x - 10.0) <= 2 and abs(y - 5.0) <= 2
    assert screen_point.x() > view.viewport().width() // 2  # shown on the right half


def test_a_frame_with_overlays_is_rendered_at_the_videos_size_and_turned(qtbot, opened, tmp_path):
    opened.tools.rotate()
    opened.player.view.set_box((20.0, 30.0, 120.0, 200.0))
    image = opened.player.view.render_shown()
    assert (image.width(), image.height()) == (240, 320)
    back = upright(_qimage_rgb(image), opened.player.view.orientation)
    assert read_index(back) == 37
    box_edge = back[30:200, 20]  # the box's left edge, drawn in the box colour (255, 196, 0)
    assert (np.abs(box_edge.astype(int) - (255, 196, 0)).sum(axis=1) < 90).mean() > 0.8
    path = tmp_path / "with-overlays.png"
    opened.tools.save_frame(True, path)
    assert saved(qtbot, opened, path).shape == (320, 240, 3)


def test_copy_frame_puts_the_full_size_frame_on_the_clipboard(qtbot, opened):
    QGuiApplication.clipboard().setImage(QImage())
    opened.tools.copy_frame(False)
    qtbot.waitUntil(lambda: not QGuiApplication.clipboard().image().isNull(), timeout=10_000)
    rgb = _qimage_rgb(QGuiApplication.clipboard().image())
    assert rgb.shape == (240, 320, 3)
    assert read_index(rgb) == 37


def test_saving_where_nothing_can_be_written_says_so_and_leaves_no_file(qtbot, opened, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    opened.tools.save_frame(False, blocker / "frame.png")
    qtbot.waitUntil(lambda: bool(opened.errors), timeout=10_000)
    assert "not-a-folder" in opened.errors[0] and "\n" not in opened.errors[0]
    assert opened.tools.last_saved is None
    with pytest.raises(JudgeappError, match="frame.gif"):
        save_frame_image(tmp_path / "frame.gif", np.zeros((4, 4, 3), np.uint8))
    assert not (tmp_path / "frame.gif").exists()


def test_the_stopwatch_reads_the_time_between_two_frames(qtbot, opened):
    player, tools = opened.player, opened.tools
    player.seek(10)
    qtbot.waitUntil(lambda: player.current_index == 10, timeout=10_000)
    tools.press_stopwatch()
    player.seek(40)
    qtbot.waitUntil(lambda: player.current_index == 40, timeout=10_000)
    assert tools.stopwatch.running
    assert "running 1.50 s (30 frames)" in tools.stopwatch_label.text()
    tools.press_stopwatch()
    player.seek(5)  # moving on after the stop keeps the reading
    qtbot.waitUntil(lambda: player.current_index == 5, timeout=10_000)
    assert tools.stopwatch_label.text() == "Stopwatch 1.50 s (30 frames), 0:00.50 to 0:02.00"
    assert tools.stopwatch_label.isVisible()
    tools.clear_stopwatch()
    assert not tools.stopwatch_label.isVisible()


def test_opening_another_video_sets_the_picture_upright_again(qtbot, opened, tmp_path):
    opened.tools.rotate()
    opened.tools.toggle_mirror()
    opened.tools.press_stopwatch()
    other = write_video(tmp_path / "other.mp4", fps=FPS, frames=20)
    assert opened.open_video(other)
    qtbot.waitUntil(lambda: opened.session.path == other, timeout=10_000)
    assert opened.player.view.orientation.identity
    assert not opened.tools.mirror_action.isChecked()
    assert opened.tools.stopwatch == Stopwatch()


def test_slow_motion_goes_down_to_one_sixteenth(opened):
    combo = opened.player.speed_combo
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels[:3] == ["1/16×", "1/8×", "1/4×"] and "1×" in labels
    opened.player.set_speed(1 / 16)
    opened.player.play()
    assert opened.player.velocity == pytest.approx(1 / 16)
    opened.player.pause()
    assert min(SPEEDS) == 1 / 16 and speed_label(1.5) == "1.5×"


def test_orientation_and_stopwatch_rules():
    image = np.arange(6).reshape(2, 3)
    assert Orientation(quarter_turns=1).apply(image).tolist() == [[3, 0], [4, 1], [5, 2]]
    assert Orientation(mirrored=True).apply(image).tolist() == [[2, 1, 0], [5, 4, 3]]
    assert Orientation().rotated().rotated().rotated().rotated() == Orientation()
    assert Orientation(quarter_turns=3).shown_size(320, 240) == (240, 320)
    assert Orientation(True, 2).text() == "mirrored, rotated 180°"
    watch = Stopwatch().pressed(4.0).pressed(1.5)  # stopped before it started: still 2.5 s
    assert watch.elapsed_s() == 2.5 and watch.text(10.0).startswith("Stopwatch 2.50 s (25 frames)")
    assert watch.pressed(7.0) == Stopwatch(start_s=7.0)  # a third press starts again


def drag(qtbot, view, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A left-button drag on the video from one video pixel to another."""
    a, b = view.mapFromScene(*start), view.mapFromScene(*end)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(view.viewport(), pos=(a + b) / 2)
    qtbot.mouseMove(view.viewport(), pos=b)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=b)


def close(p, q, px: float = 2.0) -> bool:
    return all(abs(u - v) <= px for u, v in zip(np.ravel(p), np.ravel(q), strict=True))


def test_a_drawing_is_saved_with_a_mark_and_shows_when_the_player_reaches_it(qtbot, opened):
    tools, view, player = opened.tools, opened.player.view, opened.player
    qtbot.waitUntil(lambda: opened.review.marks_panel.video is not None, timeout=10_000)
    tools.set_draw_kind("arrow")
    drag(qtbot, view, (40.0, 120.0), (200.0, 120.0))
    tools.ask_text = lambda: "knee"
    tools.set_draw_kind("text")
    drag(qtbot, view, (30.0, 150.0), (30.0, 150.0))  # a click places a text
    tools.set_draw_kind("line")
    drag(qtbot, view, (100.0, 100.0), (100.5, 100.5))  # a slip of the hand draws nothing
    assert [s.kind for s in tools.sketch] == ["arrow", "text"]
    assert close(tools.sketch[0].points, ((40, 120), (200, 120)))
    assert tools.sketch[1].text == "knee" and close(tools.sketch[1].points, ((30, 150),))
    assert view.drawing.shapes == tuple(tools.sketch)  # the sketch shows while it is made

    player.seek(2)  # the mark goes at 0.1 s
    qtbot.waitUntil(lambda: player.current_index == 2, timeout=10_000)
    tools.save_drawing_mark()
    service = opened.review.marks_panel.service
    (mark,) = service.marks()
    assert mark.time_s == pytest.approx(player.current_time_s)
    assert [s.kind for s in mark.drawing] == ["arrow", "text"] and tools.sketch == []
    assert view.draw_kind is None
    shown = _qimage_rgb(view.viewport().grab().toImage())
    on_arrow = view.mapFromScene(120.0, 120.0)
    pixel = shown[on_arrow.y() - 1 : on_arrow.y() + 2, on_arrow.x()].astype(int)
    assert (np.abs(pixel - (255, 64, 160)).sum(axis=1) < 90).any()  # drawn on screen

    later = player.source.index_at(mark.time_s + SHOW_S + 0.3)
    player.seek(later)
    qtbot.waitUntil(lambda: player.current_index == later, timeout=10_000)
    assert view.drawing.shapes == ()  # gone once its seconds are over
    player.seek(42)
    qtbot.waitUntil(lambda: player.current_index == 42, timeout=10_000)
    assert view.drawing.shapes == mark.drawing  # back within them
    service.undo()  # the mark (and its drawing) undone
    qtbot.waitUntil(lambda: view.drawing.shapes == (), timeout=5_000)


def test_drawing_needs_a_shape_and_the_marks_dock(qtbot, opened):
    tools = opened.tools
    tools.save_drawing_mark()
    assert "Draw something first" in opened.statusBar().currentMessage()
    tools.ask_text = lambda: "   "  # an empty text is no shape
    tools.set_draw_kind("text")
    drag(qtbot, opened.player.view, (30.0, 30.0), (30.0, 30.0))
    assert tools.sketch == []
    tools.sketch = [Shape("line", ((1.0, 1.0), (9.0, 9.0)))]
    tools.undo_shape()
    assert tools.sketch == []


def test_a_frame_with_overlays_is_converted_in_the_background_job(
    qtbot, opened, tmp_path, monkeypatch
):
    threads: list[threading.Thread] = []

    def convert(image):
        threads.append(threading.current_thread())
        return _qimage_rgb(image)

    monkeypatch.setattr(frame_tools, "_qimage_rgb", convert)
    path = tmp_path / "overlays-off-gui.png"
    opened.tools.save_frame(True, path)
    assert saved(qtbot, opened, path).shape == (240, 320, 3)
    assert len(threads) == 1 and threads[0] is not threading.main_thread()


def test_the_angle_tool_and_the_drawing_add_marks_through_the_review(qtbot, opened, monkeypatch):
    review = opened.review
    qtbot.waitUntil(review.can_mark, timeout=10_000)
    added = review.add_comment_mark("a note", drawing=(Shape("line", ((1.0, 1.0), (9.0, 9.0))),))
    assert added is not None and added.kind == "comment" and added.text == "a note"
    assert added.time_s == pytest.approx(opened.player.current_time_s)
    service = review.marks_panel.service

    def refused(*_args, **_kwargs):
        raise JudgeappError("the library is read-only")

    monkeypatch.setattr(service, "add", refused)
    assert review.add_comment_mark("another") is None  # says why in the status bar
    assert "not saved: the library is read-only" in opened.statusBar().currentMessage()
    monkeypatch.undo()
    assert [m.text for m in review.marks_panel.service.marks()] == ["a note"]


def test_closing_the_window_waits_for_every_part_that_asked(qtbot, window):
    calls: list[str] = []
    shutdown_on_close(window, lambda: calls.append("first"))
    shutdown_on_close(window, lambda: calls.append("second"))
    window.close()
    assert sorted(calls) == ["first", "second"]
