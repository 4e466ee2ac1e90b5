"""The pose in the main window, offscreen, on a real clip with a hand-made pose result: the
overlay and its toggle, "follow this person" by a click (zoomed) or the context menu, Follow
Automatically, the angle lane (gaps, reference line, chooser, click), next / previous peak,
the manual angle tool and the notice that the pose model was not used.

No analysis runs here: the session's `start_analysis` is replaced at the boundary and records
the requests. test_ui_pose_analysis.py runs the real pose model.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from test_app_pose_view import (
    ATHLETE_BOX,
    HIDDEN_KNEE_AT,
    LEG_SEPARATION,
    OTHER_BOX,
    PEAKS,
    body,
    pose_result,
)
from ui_helpers import main_window_with, shown

from judgeapp.app.app_settings import AppSettings
from judgeapp.app.requests import AnalysisRequest
from judgeapp.app.score_view import CardFacts
from judgeapp.core.posture import LEFT_HIP, LEFT_KNEE, SKELETON_EDGES
from judgeapp.ui.main_window import AnalysisOutcome, MainWindow
from judgeapp.ui.settings import SettingsStore

SETTINGS = AppSettings(
    AnalysisRequest(device="cpu", model="random", pretrained=False, detector="pose"),
    auto_analyze=False,
)


@pytest.fixture
def window(qtbot, tmp_path, media_dir):
    store = SettingsStore(QSettings(str(tmp_path / "judgeapp.ini"), QSettings.Format.IniFormat))
    store.save(SETTINGS)
    win = MainWindow(store)
    shown(qtbot, win)
    with qtbot.waitSignal(win.session.opened, timeout=30_000):
        win.open_video(media_dir / "squats_portrait_5fps.mp4")
    qtbot.waitUntil(lambda: win.player.current_index == 0, timeout=10_000)
    win.requests = []
    win.session.start_analysis = win.requests.append  # the analysis boundary
    yield win
    win.close()


def show(window, **athlete):
    result = pose_result(window.session.source.info, **athlete)
    window.show_outcome(AnalysisOutcome(result, CardFacts()))
    return result


def go_to(qtbot, window, time_s: float) -> None:
    index = window.session.source.index_at(time_s)
    window.player.seek(index)
    qtbot.waitUntil(lambda: window.player.current_index == index, timeout=5_000)


def test_the_overlay_draws_the_pose_of_the_frame_shown_and_the_toggle_hides_it(qtbot, window):
    show(window)
    view = window.player.view
    go_to(qtbot, window, 1.0)
    overlay = view.pose_overlay()
    assert overlay.time_s == pytest.approx(1.0) and view.pose_visible()
    assert overlay.athlete.box == ATHLETE_BOX and [p.box for p in overlay.others] == [OTHER_BOX]
    assert len(overlay.athlete.lines) == len(SKELETON_EDGES)
    go_to(qtbot, window, HIDDEN_KNEE_AT)  # the left knee not seen: its two lines are not drawn
    assert len(view.pose_overlay().athlete.lines) == len(SKELETON_EDGES) - 2
    assert view._athlete_item.path().elementCount() == 2 * (len(SKELETON_EDGES) - 2)
    go_to(qtbot, window, 6.0)  # no pose sample within 0.15 s
    assert view.pose_overlay() is None and not view.pose_visible()

    go_to(qtbot, window, 1.0)
    action = window.pose.overlay_action
    assert action.shortcut().toString() == "S" and action.isChecked()
    action.trigger()
    assert not view.pose_visible() and not window.player.pose_check.isChecked()
    action.trigger()
    assert view.pose_visible() and window.player.pose_check.isChecked()
    window.player.pose_check.setChecked(False)  # the check box keeps the menu in step
    assert not action.isChecked() and not view.pose_visible()
    rows = {row[0]: row[1] for row in window.shortcut_rows()}
    assert rows["Pose Overlay"] == "S" and rows["Next Angle Peak"] == "."
    assert rows["Previous Angle Peak"] == "," and rows["Measure Angle"] == "A"

    window.show_outcome(AnalysisOutcome(dataclasses.replace(show(window), pose=None), CardFacts()))
    assert view.pose_overlay() is None and not window.player.pose_check.isVisible()


def test_a_click_on_a_person_zoomed_in_asks_to_follow_them(qtbot, window):
    show(window)
    go_to(qtbot, window, 1.05)  # shows the 1.0 s pose sample
    view = window.player.view
    target = QPointF(450.0, 200.0)  # inside the other person's box (frame pixels)
    view.zoom_to(3.0, view.mapFromScene(target).toPointF())
    assert not view.fit
    point = view.mapFromScene(target)
    assert view.viewport().rect().contains(point)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: len(window.requests) == 1, timeout=3_000)
    request = window.requests[0]
    time_s, x, y = request.follow
    assert time_s == pytest.approx(1.0)
    assert (x, y) == (pytest.approx(450.0, abs=1.0), pytest.approx(200.0, abs=1.0))
    assert request.athlete == "track" and request.detector == SETTINGS.request.detector
    assert "Following the person clicked" in window.statusBar().currentMessage()

    # The athlete followed already, or nobody: no analysis.
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(QPointF(200, 300))
    )
    qtbot.wait(600)
    assert len(window.requests) == 1
    # A double-click zooms to fit and follows nobody.
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(target))
    qtbot.wait(600)
    assert len(window.requests) == 1 and view.fit


def test_the_context_menu_follows_and_follow_automatically_undoes(qtbot, window):
    show(window)
    menu = window.pose.build_context_menu(1.0, 450.0, 200.0)
    follow = next(a for a in menu.actions() if a.text() == "Follow This Person")
    assert follow.isEnabled()
    follow.trigger()
    assert window.requests[-1].follow == (1.0, 450.0, 200.0)
    assert not window.pose.follow_auto_action.isEnabled()  # the athlete was chosen automatically

    show(window, chosen_by="user", reason="chosen by the user at 1.0 s", track=2)
    assert window.score_panel.rows()["Athlete"] == "chosen by you at 1.0 s, track 2"
    assert window.pose.follow_auto_action.isEnabled()
    window.pose.follow_auto_action.trigger()
    assert window.requests[-1].follow is None and window.requests[-1].athlete == "track"
    menu.deleteLater()


def test_the_angle_lane_has_gaps_a_reference_line_and_seeks(qtbot, window):
    show(window)
    timeline = window.timeline
    assert timeline.angle_plot.isVisible() and timeline.current_angle() == "leg_separation"
    assert [timeline.angle_combo.itemText(i) for i in range(timeline.angle_combo.count())] == [
        "Leg separation",
        "Left knee",
    ]
    xs, ys = timeline.drawn_angle()
    assert list(np.isnan(ys)) == [d is None for d in LEG_SEPARATION]
    assert timeline.angle_curve.opts["connect"] == "finite"  # a gap is not bridged
    assert timeline.drawn_peaks() == [pytest.approx(p) for p in PEAKS]
    assert timeline.angle_reference.value() == 180.0
    assert timeline.angle_reference.pen.style() == Qt.PenStyle.DashLine

    timeline.reference_spin.setValue(170.0)
    assert timeline.angle_reference.value() == 170.0 and timeline.angle_lane.reference_deg == 170
    timeline.angle_combo.setCurrentIndex(timeline.angle_combo.findData("knee_left"))
    xs, ys = timeline.drawn_angle()
    assert not np.isnan(ys).any() and ys[0] == 170.0 and timeline.angle_lane.label == "Left knee"
    assert timeline.angle_reference.value() == 170.0  # the edited reference stays

    view_box = timeline.angle_plot.getPlotItem().getViewBox()
    y = view_box.sceneBoundingRect().center().y()
    point = timeline.angle_plot.mapFromScene(QPointF(timeline.angle_scene_x_for_time(2.6), y))
    with qtbot.waitSignal(timeline.seekRequested) as seek:
        qtbot.mouseClick(timeline.angle_plot.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert seek.args[0] == pytest.approx(2.6, abs=0.1)

    window.show_outcome(AnalysisOutcome(dataclasses.replace(show(window), pose=None), CardFacts()))
    assert not timeline.angle_plot.isVisible() and timeline.angle_lane is None


def test_next_and_previous_peak_seek_to_the_peaks(qtbot, window):
    show(window)
    index_at = window.session.source.index_at
    go_to(qtbot, window, 0.0)
    window.pose.next_peak_action.trigger()
    assert window.player.target_index == index_at(PEAKS[0][0])
    window.pose.next_peak_action.trigger()
    assert window.player.target_index == index_at(PEAKS[1][0])
    assert "peak 170°" in window.statusBar().currentMessage()
    window.pose.next_peak_action.trigger()
    assert window.player.target_index == index_at(PEAKS[1][0])  # no peak after the last
    assert "no next peak" in window.statusBar().currentMessage()
    window.pose.previous_peak_action.trigger()
    assert window.player.target_index == index_at(PEAKS[0][0])
    assert window.pose.next_peak_action.shortcut().toString() == "."


def test_the_manual_angle_snaps_to_landmarks_and_reads_the_angle(qtbot, window):
    show(window)
    go_to(qtbot, window, 1.0)
    pose = window.pose
    pose.angle_action.trigger()
    assert pose.angle_action.isChecked()
    marks = body(ATHLETE_BOX)
    hip, knee = marks[LEFT_HIP][:2], marks[LEFT_KNEE][:2]
    scale = window.player.view.scale_factor
    window.player.videoClicked.emit(1.0, hip[0] + 4 / scale, hip[1] - 4 / scale)  # snaps
    window.player.videoClicked.emit(1.0, knee[0], knee[1])
    far = (knee[0] + 200.0, knee[1])
    window.player.videoClicked.emit(1.0, *far)
    angle = window.player.view.manual_angle()
    assert angle.points == (hip, knee, far) and angle.snapped[:2] == (True, True)
    expected = math.degrees(
        math.atan2(
            abs((hip[0] - knee[0]) * (far[1] - knee[1]) - (hip[1] - knee[1]) * (far[0] - knee[0])),
            (hip[0] - knee[0]) * (far[0] - knee[0]) + (hip[1] - knee[1]) * (far[1] - knee[1]),
        )
    )
    assert angle.degrees == pytest.approx(expected)
    assert window.statusBar().currentMessage() == f"Angle: {expected:.1f}°"
    assert window.player.view._angle_text.isVisible()
    assert pose.save_angle_action.isEnabled()
    assert window.requests == []  # with the tool on, clicks measure and follow nobody
    pose.angle_action.trigger()
    assert not window.player.view._angle_item.isVisible()


def test_a_notice_says_the_pose_model_was_not_used(qtbot, window):
    result = pose_result(window.session.source.info)
    warning = "the pose model was not used (pose_landmark_full.tflite: wrong hash); HOG instead"
    window.show_outcome(
        AnalysisOutcome(dataclasses.replace(result, warnings=[warning]), CardFacts())
    )
    assert window.pose.banner.isVisible()
    assert window.pose.banner.message().startswith("The pose model was not used")
    show(window)
    assert not window.pose.banner.isVisible()


def test_marks_show_the_angles_and_a_measured_angle_is_saved_with_a_mark(
    qtbot, tmp_path, monkeypatch, media_dir
):
    monkeypatch.setenv("JUDGEAPP_DATA_DIR", str(tmp_path / "data"))
    window, review = main_window_with(qtbot, tmp_path, SETTINGS, review=True)
    try:
        assert window.open_video(media_dir / "squats_portrait_5fps.mp4")
        qtbot.waitUntil(lambda: review.marks_panel.video is not None, timeout=20_000)
        panel = review.marks_panel
        result = pose_result(panel.video)
        window.show_outcome(AnalysisOutcome(result, CardFacts()))
        panel.set_result(result)
        panel.service.add(3.0, "deduction", "leg bent", 0.3)
        time_item = panel.table.item(0, 1)
        assert "Athlete: Leg separation 170°, Left knee 140°" in time_item.toolTip()
        assert panel.table.item(0, 4).toolTip().splitlines() == [
            "leg bent",
            "Athlete: Leg separation 170°, Left knee 140°",
        ]

        go_to(qtbot, window, 1.0)
        window.pose.angle_action.trigger()
        for x, y in ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0)):
            window.player.videoClicked.emit(1.0, x, y)
        window.pose.save_angle_action.trigger()
        notes = [(m.kind, m.text, m.time_s) for m in panel.marks()]
        assert ("comment", "angle 90.0° (measured on the video)", pytest.approx(1.0)) in notes
    finally:
        window.close()
        review.library.close()
