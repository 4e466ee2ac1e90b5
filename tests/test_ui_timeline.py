"""The attention timeline on its own: what it draws, clicks, wheel zoom, no feedback loop."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication
from ui_helpers import hand_result, shown

from judgeapp.app.attention_view import timeline_model
from judgeapp.core.results import VideoInfo
from judgeapp.ui.timeline import AttentionTimeline

INFO = VideoInfo("/v/r.mp4", "", 30.0, 25.0, 750, 640, 360)


@pytest.fixture
def timeline(qtbot):
    widget = AttentionTimeline()
    shown(qtbot, widget, (900, 220))
    qtbot.waitExposed(widget)
    result = hand_result(
        INFO,
        dynamic=[0.1, 0.3, 0.1, 0.05, 0.2, 0.05, 0.1, 0.1],
        static=[(float(t), 1 / 30) for t in range(30)],
    )
    widget.set_model(timeline_model(result, k=2))
    return widget


def scene_point(timeline: AttentionTimeline, time_s: float) -> QPoint:
    y = timeline.view_box.sceneBoundingRect().center().y()
    return timeline.plot.mapFromScene(QPointF(timeline.scene_x_for_time(time_s), y))


def test_draws_one_step_per_segment_one_point_per_frame_and_top_shading(timeline):
    assert len(timeline.drawn_steps()) == 8
    assert timeline.drawn_steps()[4] == pytest.approx((12.8, 16.0, 0.2))
    assert len(timeline.drawn_points()) == 30
    assert timeline.shaded_spans() == [pytest.approx((3.2, 6.4)), pytest.approx((12.8, 16.0))]
    assert timeline.uniform_dynamic.value() == pytest.approx(1 / 8)
    assert timeline.uniform_static.value() == pytest.approx(1 / 30)


def test_click_asks_for_a_seek_and_set_playhead_does_not(qtbot, timeline):
    requests = []
    timeline.seekRequested.connect(requests.append)
    timeline.set_playhead(12.0)
    assert requests == [] and timeline.playhead_time() == 12.0
    qtbot.mouseClick(
        timeline.plot.viewport(), Qt.MouseButton.LeftButton, pos=scene_point(timeline, 20.0)
    )
    assert len(requests) == 1 and requests[0] == pytest.approx(20.0, abs=0.1)


def test_wheel_zooms_the_time_axis_only(qtbot, timeline):
    (x0, x1), (y0, y1) = timeline.view_box.viewRange()
    assert (x0, x1) == pytest.approx((0.0, 30.0))
    pos = QPointF(scene_point(timeline, 15.0))
    event = QWheelEvent(
        pos,
        QPointF(timeline.plot.viewport().mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(timeline.plot.viewport(), event)
    (z0, z1), (w0, w1) = timeline.view_box.viewRange()
    assert z1 - z0 < 30.0 and z0 >= 0.0 and z1 <= 30.0 + 1e-6  # zoomed in, within the video
    assert (w0, w1) == pytest.approx((y0, y1))  # weights axis untouched
    timeline.reset_view()
    assert timeline.view_box.viewRange()[0] == pytest.approx([0.0, 30.0])


def test_layers_can_be_added_and_clearing_keeps_the_playhead(timeline):
    mark = pg.InfiniteLine(pos=4.0, angle=90)
    timeline.add_layer(mark)
    assert mark in timeline.plot_item.items
    timeline.set_model(None)
    assert timeline.drawn_steps() == [] and timeline.drawn_points() == []
    assert timeline.playhead in timeline.plot_item.items


def _pixel(timeline: AttentionTimeline, time_s: float, height_fraction: float):
    """The colour drawn at `time_s`, `height_fraction` of the way down the plot area."""
    image = timeline.plot.grab().toImage()
    rect = timeline.view_box.sceneBoundingRect()
    y = rect.top() + height_fraction * rect.height()
    point = timeline.plot.mapFromScene(QPointF(timeline.scene_x_for_time(time_s), y))
    ratio = image.devicePixelRatio()
    return image.pixelColor(round(point.x() * ratio), round(point.y() * ratio))


def _distance(a, b) -> float:
    return (
        (a.red() - b.red()) ** 2 + (a.green() - b.green()) ** 2 + (a.blue() - b.blue()) ** 2
    ) ** 0.5


def test_a_mark_at_the_playhead_does_not_hide_it(qtbot, timeline, tmp_path):
    """Issue 14.4: the playhead is drawn above the marks and no mark has its colour."""
    from report_helpers import fake_video_info

    from judgeapp.store import Library, UndoStack
    from judgeapp.ui.mark_lines import MarkLines
    from judgeapp.ui.marks_panel import MarksPanel

    timeline.apply_colors(QColor("white"), QColor(20, 20, 20))
    with Library.open(tmp_path / "lib.sqlite3") as library:
        panel = MarksPanel(library, UndoStack(library))
        qtbot.addWidget(panel)
        lines = MarkLines(timeline.plot_item, panel)
        panel.set_video(fake_video_info("r.mp4", duration_s=30.0))
        for time_s, kind in ((10.0, "deduction"), (20.0, "highlight"), (25.0, "comment")):
            panel.set_time(time_s)
            panel.kind_combo.setCurrentText(kind)
            panel.add_mark_now()
        timeline.set_playhead(10.0)
        playhead = timeline.playhead.pen.color()
        for line in lines.lines.values():
            assert _distance(line.pen.color(), playhead) > 120  # told apart at a glance
            assert line.pen.style() == Qt.PenStyle.DashLine  # and by style
            assert line.zValue() < timeline.playhead.zValue()
        deduction = lines.lines[panel.marks()[0].id].pen.color()
        for fraction in (0.3, 0.5, 0.7):  # where the dashes of the mark are, too
            drawn = _pixel(timeline, 10.0, fraction)
            assert _distance(drawn, playhead) < _distance(drawn, deduction), fraction


def test_the_loop_is_shaded(timeline):
    timeline.set_loop((4.0, 9.0))
    assert timeline.loop_region.isVisible()
    assert timeline.loop_region.getRegion() == pytest.approx((4.0, 9.0))
    timeline.set_loop(None)
    assert not timeline.loop_region.isVisible()
