"""The pose features end to end: the real pose model (BlazePose files of the installation) on a
real clip in the main window, random backbones and an untrained head. Skipped, saying why,
where the pose model's files are not installed.
"""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest
from ui_helpers import main_window_with
from weights_helpers import blazepose_dir  # noqa: F401 - a fixture

from judgeapp.app.app_settings import AppSettings
from judgeapp.app.pose_view import FollowRequest
from judgeapp.app.requests import AnalysisRequest

ANALYSIS_TIMEOUT_MS = 280_000


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, blazepose_dir):  # noqa: F811 - the fixture
    monkeypatch.delenv("JUDGEAPP_NO_SITE_WEIGHTS", raising=False)  # use the installed files
    settings = AppSettings(
        AnalysisRequest(device="cpu", model="random", pretrained=False, detector="pose")
    )
    win, _ = main_window_with(qtbot, tmp_path, settings)
    yield win
    win.close()
    assert multiprocessing.active_children() == []


def wait_analysis(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.session.analysing, timeout=10_000)
    qtbot.waitUntil(lambda: not window.session.analysing, timeout=ANALYSIS_TIMEOUT_MS)
    assert window.outcome is not None, window.error_banner.message()


def test_a_real_analysis_draws_the_pose_and_a_follow_is_analysed_again(qtbot, window, media_dir):
    with qtbot.waitSignal(window.session.opened, timeout=30_000):
        window.open_video(media_dir / "squats_portrait_5fps.mp4")
    wait_analysis(qtbot, window)
    result = window.outcome.result
    assert result.provenance.detector == "pose" and result.pose is not None
    assert result.athlete.rule == "track" and result.athlete.chosen_by == "auto"
    rows = window.score_panel.rows()
    assert rows["Athlete finder"] == "pose model (BlazePose)"
    assert rows["Athlete"].startswith("followed automatically (")
    assert not window.pose.banner.isVisible()

    # The overlay: the athlete's skeleton at the frame on screen.
    index = window.session.source.index_at(2.0)
    window.player.seek(index)
    qtbot.waitUntil(lambda: window.player.current_index == index, timeout=5_000)
    overlay = window.player.view.pose_overlay()
    assert overlay is not None and abs(overlay.time_s - 2.0) <= 0.15
    assert overlay.athlete.track == result.athlete.track and len(overlay.athlete.lines) >= 10
    # The angle lane: the athlete's leg separation over time, one value per pose sample.
    timeline = window.timeline
    assert timeline.angle_plot.isVisible() and timeline.current_angle() == "leg_separation"
    xs, ys = timeline.drawn_angle()
    assert list(xs) == pytest.approx(list(result.pose.angle_time_s))
    measured = result.pose.angles["leg_separation"].degrees
    assert list(np.isnan(ys)) == [d is None for d in measured]
    # Squats bend the knees: the knee lane has amplitude peaks, and "." goes to the first one.
    timeline.angle_combo.setCurrentIndex(timeline.angle_combo.findData("knee_left"))
    window.player.seek(0)
    qtbot.waitUntil(lambda: window.player.current_index == 0, timeout=5_000)
    assert timeline.drawn_peaks()
    window.pose.next_peak_action.trigger()
    first_peak = timeline.drawn_peaks()[0][0]
    assert window.player.target_index == window.session.source.index_at(first_peak)

    # Follow the person at a point of the athlete's box: analysed again, chosen by the user.
    x1, y1, x2, y2 = overlay.athlete.box
    window.pose.follow(FollowRequest(overlay.time_s, (x1 + x2) / 2, (y1 + y2) / 2))
    wait_analysis(qtbot, window)
    chosen = window.outcome.result
    assert chosen.athlete.chosen_by == "user" and chosen.athlete.track == result.athlete.track
    assert window.score_panel.rows()["Athlete"] == (
        f"chosen by you at {overlay.time_s:.1f} s, track {result.athlete.track}"
    )
    assert chosen.timings_s["dynamic"] == 0  # read from the feature cache: no network run
    # The analysis's "cache" stage (features read back) is no frame count of the frame cache.
    assert window.cache_label.text() == "Frame cache: ready"
    assert window.pose.follow_auto_action.isEnabled()
    window.pose.follow_auto_action.trigger()
    wait_analysis(qtbot, window)
    assert window.outcome.result.athlete.chosen_by == "auto"
    assert not window.pose.follow_auto_action.isEnabled()
