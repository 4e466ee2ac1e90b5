"""The comparison window's angle lanes: the chosen angle of each side drawn under the attention
lanes at its common times (A with pose results, B without: "not measured")."""

from __future__ import annotations

import numpy as np
from report_helpers import make_result
from test_app_pose_view import pose_result
from ui_helpers import qimage_to_rgb, shown

from judgeapp.ui.compare_window import CommonTimeline, CompareWindow
from judgeapp.video import probe

GREEN = np.array([20, 130, 70])


def test_angle_lanes_follow_the_sync_points(qtbot, media_dir) -> None:
    juggle, squats = media_dir / "juggle_720p24.mp4", media_dir / "squats_portrait_5fps.mp4"
    window = CompareWindow()
    shown(qtbot, window)
    try:
        window.set_side("a", juggle, pose_result(probe(juggle, with_hash=False)))
        window.set_side("b", squats, make_result(probe(squats, with_hash=False)))
        assert window.angle_combo.isEnabled() and window.angle_combo.count() >= 3
        timeline = window.timeline
        assert timeline.angle_label == ""
        window.set_angle("leg_separation")
        assert timeline.angle_label and timeline.minimumHeight() > 2 * CommonTimeline.LANE_H + 30
        trace_a, trace_b = timeline.angles
        assert trace_b is None and trace_a is not None
        window.sides["a"].sync_button.click()  # sync unchanged (0): the lanes stay
        qtbot.waitUntil(lambda: timeline.height() >= timeline.minimumHeight(), timeout=5_000)

        def green_columns(lane: int) -> set[int]:
            picture = qimage_to_rgb(timeline.grab().toImage()).astype(int)
            y0 = 4 + 2 * CommonTimeline.LANE_H + lane * CommonTimeline.ANGLE_H
            band = picture[y0 + 2 : y0 + CommonTimeline.ANGLE_H - 2, CommonTimeline.LEFT + 1 :]
            near = np.abs(band - GREEN).sum(axis=2) < 60
            return {int(x) + CommonTimeline.LEFT + 1 for x in np.nonzero(near.any(axis=0))[0]}

        first_t, last_t = trace_a.runs[0][0][0], trace_a.runs[-1][-1][0]
        columns = green_columns(0)
        assert columns and not green_columns(1)  # B has no pose results
        assert min(columns) >= timeline.x_of(first_t) - 2
        assert max(columns) <= timeline.x_of(last_t) + 2
        # B's sync point later: the common axis starts earlier, A's curve moves right.
        window.transport.comparison = window.transport.comparison.with_sync("b", 3.0)
        window._refresh()
        moved = window.timeline.angles[0]
        assert moved.runs[0][0][0] == first_t  # A's own sync point did not move
        assert min(green_columns(0)) > min(columns) + 20
        window.set_angle("")
        assert timeline.angle_label == ""
    finally:
        window.shutdown()
