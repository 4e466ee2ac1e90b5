"""The player shows exactly the frame asked for, quickly, and obeys its keys (offscreen)."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt
from ui_helpers import judgeapp_python_threads, mse, qimage_to_rgb

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
    qtbot.addWidget(widget)
    widget.resize(960, 600)
    widget.show()
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


def test_seek_to_any_frame_shows_that_frame_fast(qtbot, player, juggle):
    path, info, truth = juggle
    source = FrameSource(path, info)
    fill_cache(source.cache, path, info)
    player.set_source(source)
    qtbot.waitUntil(lambda: player.current_index == 0)
    seconds = []
    for index in random.Random(7).sample(range(len(truth)), 30):
        seconds.append(seek_and_wait(qtbot, player, index))
        shown = qimage_to_rgb(player.current_image())
        error = mse(shown, truth[index])
        for neighbour in (index - 1, index + 1):
            if 0 <= neighbour < len(truth):
                assert error < mse(shown, truth[neighbour]), (index, neighbour)
        assert player.position_label.text().endswith(f"frame {index} / 246")
    assert np.median(seconds) < 0.15, seconds


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
    path, info, _ = juggle
    source = FrameSource(path, info)
    fill_cache(source.cache, path, info)
    player.set_source(source)
    qtbot.waitUntil(lambda: player.current_index == 0)
    player.set_speed(0.25)
    start = time.perf_counter()
    player.play()
    qtbot.wait(1000)
    player.pause()
    due = (time.perf_counter() - start) * 24 * 0.25  # 6 frames a second at 0.25x of 24 fps
    assert due - 3 <= player.current_index <= due + 1


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
