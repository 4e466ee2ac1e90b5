"""The attention timeline of issue 20 (offscreen): the unscored parts of a long video shaded where
the eye is, with the reason (item 3); a zoomed view following the playhead (item 4); the axis
title whole at every size (item 9)."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from report_helpers import make_result
from ui_helpers import main_window_with, shown
from video_helpers import write_video

from judgeapp.app.analysis_run import AnalysisOutcome
from judgeapp.app.app_settings import AppSettings
from judgeapp.app.attention_view import timeline_model
from judgeapp.app.requests import AnalysisRequest
from judgeapp.app.score_view import CardFacts
from judgeapp.core.results import SegmentWeight
from judgeapp.ui.timeline import AttentionTimeline
from judgeapp.video import probe


def _windowed(result, first: int, last: int):
    """The result a head with a centred window gives: weight only on segments first..last."""
    inside = sum(s.weight for s in result.dynamic[first : last + 1])
    return dataclasses.replace(
        result,
        dynamic=[
            SegmentWeight(s.start_s, s.end_s, s.weight / inside if first <= k <= last else 0.0)
            for k, s in enumerate(result.dynamic)
        ],
    )


@pytest.fixture
def room_like():
    """A 139.4 s video scored from 25.6 to 108.8 s, as room_people_139s.mp4 is."""
    from report_helpers import fake_video_info

    return _windowed(make_result(fake_video_info("room.mp4", duration_s=139.4)), 8, 33)


@pytest.fixture
def timeline(qtbot):
    widget = AttentionTimeline()
    shown(qtbot, widget, (880, 150))
    qtbot.waitExposed(widget)
    return widget


def _in_sight(timeline: AttentionTimeline, time_s: float) -> bool:
    (x0, x1), _ = timeline.view_box.viewRange()
    return x0 <= time_s <= x1


def test_the_unscored_parts_are_shaded_and_say_why(timeline, room_like):
    timeline.set_model(timeline_model(room_like))
    spans = timeline.unscored_spans()
    assert [pytest.approx(s) for s in spans] == [(0.0, 25.6), (108.8, 139.4)]
    for region in timeline._unscored:
        assert "25.6-108.8 s" in region.toolTip() and "no weight" in region.toolTip()
    labels = timeline._unscored_labels
    assert [label.toPlainText() for label in labels] == ["not scored", "not scored"]
    assert all(label.isVisible() for label in labels)
    assert "not scored" in timeline.legend.text()
    timeline.view_box.setXRange(40.0, 90.0, padding=0.0)  # both parts out of sight
    assert not any(label.isVisible() for label in labels)
    timeline.set_model(timeline_model(make_result(room_like.video)))  # scored whole
    assert timeline.unscored_spans() == [] and "not scored" not in timeline.legend.text()


def test_a_zoomed_view_follows_the_playhead(timeline, room_like):
    timeline.set_model(timeline_model(room_like))
    timeline.view_box.setXRange(48.0, 72.0, padding=0.0)
    timeline.set_playhead(60.0)
    assert timeline.view_box.viewRange()[0] == pytest.approx([48.0, 72.0])  # in sight: stays
    for time_s in (72.1, 80.0, 104.5, 139.0, 30.0, 2.0):  # played past the edge, N, P, Home
        timeline.set_playhead(time_s)
        (x0, x1), _ = timeline.view_box.viewRange()
        assert x0 <= time_s <= x1, (time_s, x0, x1)
        assert x1 - x0 == pytest.approx(24.0)  # the zoom is kept
    timeline.reset_view()
    timeline.set_playhead(100.0)
    assert timeline.view_box.viewRange()[0] == pytest.approx([0.0, 139.4])


def test_the_axis_title_is_whole_at_every_size(qtbot, timeline):
    """Down to the plot's smallest height (what a 1280x800 window gives it beside the angle
    lane: an axis about 80 px tall, where "attention weight" read "attention weigh")."""
    axis = timeline.plot.getAxis("left")
    smallest = timeline.plot.minimumHeight()
    for height in (smallest, 200, 600):
        timeline.plot.setFixedHeight(height)
        timeline.resize(880, height + 60)
        qtbot.waitUntil(lambda h=height: timeline.plot.height() == h)
        qtbot.wait(20)
        title = axis.label.toPlainText()
        width = QFontMetrics(axis.label.font()).horizontalAdvance(title)
        assert 0 < width <= axis.height() - 8, (title, width, axis.height())  # was cut
        assert "attention" in axis.toolTip().lower()


@pytest.fixture
def window(qtbot, tmp_path):
    quiet = AppSettings(AnalysisRequest(model="random", pretrained=False), auto_analyze=False)
    win, _ = main_window_with(qtbot, tmp_path, quiet, ini="w.ini")
    yield win
    win.close()


def _open_long_video(qtbot, window, tmp_path):
    """A 140 s video open in the window with a result scored from 25.6 to 108.8 s."""
    video = write_video(tmp_path / "long.mp4", fps=5.0, frames=700)
    with qtbot.waitSignal(window.session.opened, timeout=30_000):
        window.open_video(video)
    info = replace(probe(video), sha256="0" * 64)
    window.show_outcome(AnalysisOutcome(_windowed(make_result(info), 8, 33), CardFacts()))
    return info


def test_in_the_window_n_and_playing_past_the_edge_keep_the_playhead_in_sight(
    qtbot, window, tmp_path
):
    info = _open_long_video(qtbot, window, tmp_path)
    timeline = window.timeline
    assert [pytest.approx(s) for s in timeline.unscored_spans()] == [
        (0.0, 25.6),
        (108.8, info.duration_s),
    ]
    window.player.seek_time(10.0)
    qtbot.waitUntil(lambda: abs(window.player.current_time_s - 10.0) < 0.3)
    target = next(h for h in window.highlights if h.time_s > 40.0)
    window.player.seek_time(target.time_s - 5.0)
    qtbot.waitUntil(lambda: abs(window.player.current_time_s - (target.time_s - 5.0)) < 0.3)
    assert next(h for h in window.highlights if h.time_s > target.time_s - 4.9) == target
    start = target.time_s - 28.0  # zoomed to 24 s that end before the next highlight
    timeline.view_box.setXRange(start, start + 24.0, padding=0.0)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: abs(timeline.playhead_time() - target.time_s) < 0.3)
    assert _in_sight(timeline, timeline.playhead_time())  # was: the view stayed put
    (x0, x1), _ = timeline.view_box.viewRange()
    assert x1 - x0 == pytest.approx(24.0)
    window.player.seek_time(min(x1 + 2.0, info.duration_s - 1))  # as playing on past the edge
    qtbot.waitUntil(lambda: timeline.playhead_time() > x1)
    assert _in_sight(timeline, timeline.playhead_time())
