"""The player shows exactly the frame asked for, quickly, and obeys its keys (offscreen)."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication
from ui_helpers import judgeapp_python_threads, mse, qimage_to_rgb, shown

from judgeapp.ui.player import Player
from judgeapp.ui.workers import live_threads
from judgeapp.video import iter_frames, probe
from judgeapp.video.frame_cache import FrameSource, fill_cache


@pytest.fixture(scope="module")
def juggle(media_dir):
    path = media_dir / "juggle_720p24.mp4"
    info = probe(path, with_hash=False)
    return path, info, [f.image for f in iter_frames(path)]


@pytest.fixture
def player(qtbot):
    widget = Player()
    shown(qtbot, widget, (960, 600))
    yield widget
    widget.shutdown()
    assert live_threads() == [] and judgeapp_python_threads() == []


def seek_and_wait(qtbot, player: Player, index: int) -> float:
    """Seek; return the seconds until that frame was on screen."""
    start = time.perf_counter()
    with qtbot.waitSignal(player.positionChanged, timeout=10_000):
        player.seek(index)
    while player.current_index != index:  # a frame asked for earlier may have arrived first
        qtbot.waitSignal(player.positionChanged, timeout=10_000).wait()
    return time.perf_counter() - start


def test_seek_to_any_frame_shows_that_frame(qtbot, player, juggle):
    """How fast: benchmarks/seek.py ("player"); wall-clock limits do not belong in tests."""
    path, info, truth = juggle
    source = FrameSource(path, info)
    fill_cache(source.cache, path, info)
    player.set_source(source)
    qtbot.waitUntil(lambda: player.current_index == 0)
    for index in random.Random(7).sample(range(len(truth)), 30):
        seek_and_wait(qtbot, player, index)
        shown = qimage_to_rgb(player.current_image())
        error = mse(shown, truth[index])
        for neighbour in (index - 1, index + 1):
            if 0 <= neighbour < len(truth):
                assert error < mse(shown, truth[neighbour]), (index, neighbour)
        assert player.position_label.text().endswith(f"frame {index} / 246")


def test_uncached_frames_come_from_an_exact_direct_read(qtbot, player, juggle):
    path, info, truth = juggle
    player.set_source(FrameSource(path, info))  # nothing cached: every seek decodes directly
    for index in (200, 3, 120):
        seek_and_wait(qtbot, player, index)
        assert np.array_equal(qimage_to_rgb(player.current_image()), truth[index])


def test_keys_step_frames_and_seconds_and_shuttle(qtbot, player, juggle):
    path, info, _ = juggle
    source = FrameSource(path, info)
    fill_cache(source.cache, path, info)
    player.set_source(source)
    qtbot.waitUntil(lambda: player.current_index == 0)
    player.setFocus()
    qtbot.keyClick(player, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: player.current_index == 1)
    qtbot.keyClick(player, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: player.current_index == 25)  # one second at 24 fps
    qtbot.keyClick(player, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: player.current_index == 24)
    qtbot.keyClick(player, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: player.current_index == 0)
    qtbot.keyClick(player, Qt.Key.Key_L)
    assert player.velocity == 1.0
    qtbot.keyClick(player, Qt.Key.Key_L)
    assert player.velocity == 1.5 and player.speed_combo.currentText() == "1.5×"
    qtbot.waitUntil(lambda: player.current_index > 10, timeout=5_000)
    qtbot.keyClick(player, Qt.Key.Key_K)
    assert not player.playing
    qtbot.keyClick(player, Qt.Key.Key_J)
    assert player.velocity == -1.0
    qtbot.keyClick(player, Qt.Key.Key_Space)
    assert not player.playing
    qtbot.keyClick(player, Qt.Key.Key_Space)
    assert player.playing
    player.pause()


def test_playback_at_quarter_speed_advances_slowly(qtbot, player, juggle):
    """At 0.25x of 24 fps frame k is due k/6 s after play: it never shows earlier than that,
    however fast or slow the machine is (a slow one only shows it later, or skips frames)."""
    path, info, _ = juggle
    source = FrameSource(path, info)
    fill_cache(source.cache, path, info)
    player.set_source(source)
    qtbot.waitUntil(lambda: player.current_index == 0)
    player.set_speed(0.25)
    shown: list[tuple[int, float]] = []
    player.positionChanged.connect(lambda index, _t: shown.append((index, time.perf_counter())))
    start = time.perf_counter()  # before play(): the player's clock starts later than this
    player.play()
    assert player.playing and player.velocity == 0.25
    qtbot.waitUntil(lambda: player.current_index >= 4, timeout=20_000)
    player.pause()
    assert not player.playing
    indices = [index for index, _ in shown]
    assert indices == sorted(indices) and indices[-1] >= 4, indices
    for index, at in shown:
        assert at - start >= index / 6 - 0.002, (index, at - start)  # not ahead of 0.25x


def test_zoom_and_box_overlay(qtbot, player, juggle):
    path, info, _ = juggle
    player.set_source(FrameSource(path, info))
    qtbot.waitUntil(lambda: player.current_index == 0)
    from judgeapp.core.results import FrameWeight

    player.set_static_frames([FrameWeight(0.0, 1.0, (100.0, 50.0, 300.0, 600.0), 0)])
    assert player.view.box_visible()
    player.box_check.setChecked(False)
    assert not player.view.box_visible()
    player.zoom_one_to_one()
    assert player.view.transform().m11() == pytest.approx(1.0)
    player.zoom_fit()
    assert player.view.transform().m11() < 1.0  # 1280 px wide video in a 960 px widget


def _cached_player(qtbot, player: Player, juggle, cached: bool = True) -> None:
    path, info, _ = juggle
    source = FrameSource(path, info)
    if cached:
        fill_cache(source.cache, path, info)
    player.set_source(source)
    qtbot.waitUntil(lambda: player.current_index == 0)


def test_go_to_field_takes_frames_and_times_and_explains_bad_text(qtbot, player, juggle):
    _cached_player(qtbot, player, juggle, cached=False)
    player.goto_edit.setFocus()
    qtbot.keyClicks(player.goto_edit, "120")
    qtbot.keyClick(player.goto_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: player.current_index == 120)
    assert player.goto_edit.text() == "" and not player.message.isVisibleTo(player)
    qtbot.keyClicks(player.goto_edit, "0:05.00")  # 5 s at 24 fps
    qtbot.keyClick(player.goto_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: player.current_index == 120)
    assert player.go_to("0:03.50")
    qtbot.waitUntil(lambda: player.current_index == 84)
    assert not player.go_to("twelve")
    assert player.message.isVisibleTo(player)
    assert "'twelve' is not a frame number" in player.message.text()
    assert not player.go_to("300")
    assert "past the last frame (246)" in player.message.text()
    assert player.target_index == 84  # a bad text goes nowhere


def test_a_b_loop_plays_between_its_ends(qtbot, player, juggle):
    _cached_player(qtbot, player, juggle)
    loops = []
    player.loopChanged.connect(loops.append)
    seek_and_wait(qtbot, player, 100)
    player.set_loop_a()
    seek_and_wait(qtbot, player, 112)
    player.set_loop_b()
    assert player.loop.span == (100, 112) and player.loop_button.isVisibleTo(player)
    assert loops[-1] == pytest.approx((100 / 24, 112 / 24), abs=0.05)
    seek_and_wait(qtbot, player, 30)  # outside: playing starts at A
    shown = []
    player.positionChanged.connect(lambda index, _t: shown.append(index))
    player.set_speed(2.0)
    player.play()

    def wraps() -> int:
        inside = [i for i in shown if i != 30]
        return sum(b < a for a, b in zip(inside, inside[1:], strict=False))

    qtbot.waitUntil(lambda: wraps() >= 2, timeout=20_000)  # twice round the 13-frame loop
    assert player.playing  # a loop plays until paused
    player.pause()
    shown = [i for i in shown if i != 30]
    assert shown and all(100 <= i <= 112 for i in shown), shown
    player.clear_loop()
    assert loops[-1] is None and not player.loop_button.isVisibleTo(player)


def _wheel(widget, pos: QPointF, delta: int) -> None:
    event = QWheelEvent(
        pos,
        QPointF(widget.mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def _mouse(widget, kind, pos: QPointF, buttons) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(
        kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)


def test_wheel_zooms_around_the_cursor_drag_pans_double_click_fits(qtbot, player, juggle):
    _cached_player(qtbot, player, juggle, cached=False)
    view = player.view
    viewport = view.viewport()
    fit = view.scale_factor
    cursor = QPointF(200, 150)
    under = view.mapToScene(cursor.toPoint())
    _wheel(viewport, cursor, 240)  # two notches in
    assert view.scale_factor == pytest.approx(fit * 1.25**2) and not view.fit
    after = view.mapToScene(cursor.toPoint())
    assert abs(after.x() - under.x()) < 2 and abs(after.y() - under.y()) < 2  # still under it
    assert player.fit_button.text() == f"{view.scale_factor * 100:.0f}%"
    center = view.mapToScene(viewport.rect().center())
    held = Qt.MouseButton.LeftButton
    _mouse(viewport, QEvent.Type.MouseButtonPress, QPointF(400, 300), held)
    _mouse(viewport, QEvent.Type.MouseMove, QPointF(340, 260), held)
    _mouse(viewport, QEvent.Type.MouseButtonRelease, QPointF(340, 260), Qt.MouseButton.NoButton)
    moved = view.mapToScene(viewport.rect().center())
    scale = view.scale_factor
    assert moved.x() - center.x() == pytest.approx(60 / scale, abs=2)  # dragged left: pans right
    assert moved.y() - center.y() == pytest.approx(40 / scale, abs=2)
    _wheel(viewport, cursor, -2400)  # far out: stops at fit
    assert view.fit and view.scale_factor == pytest.approx(fit)
    _wheel(viewport, cursor, 120)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=QPoint(300, 200))
    assert view.fit and player.fit_button.isChecked() and player.fit_button.text() == "Fit"


def test_zero_shows_the_whole_frame_when_the_player_has_the_keys(qtbot, player, juggle):
    _cached_player(qtbot, player, juggle, cached=False)
    window_zero = []  # the main window's 0 (Show Whole Timeline)
    action = QAction("whole timeline", player)
    action.setShortcut(QKeySequence("0"))
    action.triggered.connect(lambda: window_zero.append(True))
    player.addAction(action)
    player.zoom_one_to_one()
    assert player.one_button.isChecked() and not player.fit_button.isChecked()
    player.setFocus()
    qtbot.keyClick(player, Qt.Key.Key_0)
    assert player.view.fit and player.fit_button.isChecked() and window_zero == []
    qtbot.keyClick(player, Qt.Key.Key_0)  # not zoomed: 0 is the window's again
    assert window_zero == [True]
