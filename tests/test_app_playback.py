"""Playback rules without Qt: the go-to field, the A-B loop and the zoom of the picture."""

from __future__ import annotations

import pytest

from judgeapp.app.playback import (
    LoopRange,
    loop_label,
    loop_playback_index,
    loop_start,
    loop_text,
    parse_goto,
)
from judgeapp.app.zoom import clamp_scale, fit_scale, is_fit, wheel_scale, zoom_center, zoom_text
from judgeapp.core.errors import JudgeappError

FPS, FRAMES, DURATION_S = 25.0, 2375, 95.0  # a 95 s routine at 25 fps


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("250", 250),
        (" f250 ", 250),
        ("frame 7", 7),
        ("0:10.00", 250),
        ("1:23.40", 2085),
        ("83.4", 2085),
        ("83.4s", 2085),
        ("0:00:10:05", 255),  # SMPTE h:mm:ss:ff
        ("0", 0),
        ("2374", 2374),
    ],
)
def test_goto_accepts_frames_and_times(text: str, frame: int) -> None:
    assert parse_goto(text, FPS, FRAMES, DURATION_S) == frame


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "type a frame number"),
        ("abc", r"'abc' is not a frame number \(250\), a time \(1:23.40\) or seconds"),
        ("2375", r"frame 2375 is past the last frame \(2374\)"),
        ("1:40.00", r"past the end of the video \(1:35.00\)"),
        ("1:75", "below 60"),
        ("-3", "is not a frame number"),
        ("0:00:10:30", "frame 30 is not below the frame rate"),
        ("1:2:3:4:5", "is not a frame number"),
    ],
)
def test_goto_refuses_bad_text_with_one_line(text: str, words: str) -> None:
    with pytest.raises(JudgeappError, match=words) as caught:
        parse_goto(text, FPS, FRAMES, DURATION_S)
    assert "\n" not in str(caught.value)


def test_loop_wraps_forwards_and_backwards_between_its_ends() -> None:
    loop = LoopRange().with_b(20)
    assert not loop.active and loop_label(loop) == "B f20"
    loop = loop.with_a(10)  # either end first: the loop is 10..20
    assert loop.active and loop.span == (10, 20) and loop_label(loop) == "⟲ f10–20"
    assert loop_text(loop, 25.0) == "A-B loop 0:00.4–0:00.8"
    due = [loop_playback_index(loop, 18, t / 25.0, 25.0, 1.0) for t in range(6)]
    assert due == [18, 19, 20, 10, 11, 12]
    back = [loop_playback_index(loop, 11, t / 25.0, 25.0, -1.0) for t in range(4)]
    assert back == [11, 10, 20, 19]
    fast = [loop_playback_index(loop, 10, t / 25.0, 25.0, 2.0) for t in range(7)]
    assert fast == [10, 12, 14, 16, 18, 20, 11]
    assert loop_start(loop, 15, 1.0) == 15  # inside: from here
    assert loop_start(loop, 100, 1.0) == 10 and loop_start(loop, 100, -1.0) == 20
    assert not LoopRange(5, 5).active


def test_zoom_keeps_the_point_under_the_cursor_and_never_goes_below_fit() -> None:
    fit = fit_scale(960, 540, 1920, 1080)
    assert fit == 0.5
    assert wheel_scale(fit, -120, fit) == fit  # zooming out stops at fit
    assert wheel_scale(fit, 120, fit) == pytest.approx(0.625)
    assert wheel_scale(fit, 120 * 100, fit) == 8.0  # at most 8 screen px per video px
    assert clamp_scale(0.1, fit) == fit and is_fit(fit, fit) and not is_fit(0.7, fit)
    # The video point (800, 300) under the cursor at (100, 50) of a 960x540 view at scale 2:
    cx, cy = zoom_center((800.0, 300.0), (100.0, 50.0), (480.0, 270.0), 2.0)
    assert (800 - cx) * 2 + 480 == pytest.approx(100) and (300 - cy) * 2 + 270 == pytest.approx(50)
    assert zoom_text(1.6, False) == "160%" and zoom_text(0.5, True) == "Fit"
