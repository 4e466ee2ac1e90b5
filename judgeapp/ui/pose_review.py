"""The athlete's body in the main window: pose overlay, "follow this person", the angle lane,
amplitude peaks, the manual angle tool and the pose model's notice.

It listens to the window's ReviewState: a result shown (an analysis, the library) gives the
player its PoseFrames (app/pose_view.py, built once per result, so playing only looks them up)
and the timeline its angle lane. What it adds to the window:

- View ▸ Pose Overlay (S), in step with the player's "Pose" check box;
- a click on a person's box in the video, or right-click ▸ Follow This Person, analyses again
  following that person (the request's `follow`: the pose sample's time and the point in frame
  pixels); Analysis ▸ Follow Automatically goes back to the automatic choice;
- Playback ▸ Next / Previous Angle Peak (. and ,) for the angle the lane shows;
- View ▸ Measure Angle (A): three clicks on the video, snapping to a landmark within 12 screen
  pixels; the reading on the picture and in the status bar, "Save Angle With a Mark" (the Marks
  dock's note);
- a notice when the result says the pose model was not used;
- the pose of the exact frame on screen when the player is paused or stepped onto a frame the
  analysis did not measure (app/pose_on_demand.py), computed as a background job and drawn
  when it arrives, if that frame is still on screen.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QPoint
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from judgeapp.app.player_view import format_clock
from judgeapp.app.pose_on_demand import FramePoser, needs_pose
from judgeapp.app.pose_view import (
    DEFAULT_REFERENCE_DEG,
    SNAP_RADIUS_PX,
    FollowRequest,
    ManualAngle,
    PoseFrames,
    PoseOverlay,
    angle_choices,
    angle_lane,
    chosen_by_user,
    follow_at,
    peak_after,
    peak_before,
    pose_not_used_warning,
    snap_point,
)
from judgeapp.app.score_view import Banner
from judgeapp.core.results import AnalysisResult
from judgeapp.ui.banners import MessageBanner
from judgeapp.ui.review import review_of, shutdown_on_close
from judgeapp.ui.workers import gui_job_runner

PREFERRED_ANGLE = "leg_separation"


class PoseReview(QObject):
    """Pose features of one main window (`window.pose`)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.player = window.player
        self.timeline = window.timeline
        self.frames: PoseFrames | None = None
        self.result: AnalysisResult | None = None
        self.last_follow: FollowRequest | None = None  # the click that started an analysis
        self.angle = ManualAngle()
        self.angle_name: str | None = None
        self.reference_deg = DEFAULT_REFERENCE_DEG
        self.banner = MessageBanner("warning", window)
        self.banner.setObjectName("banner-pose")
        window.add_banner(self.banner)
        self._build_actions()
        self.player.videoClicked.connect(self.video_clicked)
        self.player.videoContextMenu.connect(self.context_menu)
        self.timeline.angleChosen.connect(self._angle_chosen)
        self.timeline.referenceChanged.connect(self._reference_changed)
        window.state.subscribe(self._state_changed)
        # The pose of the paused frame: one job at a time, a newer frame retires the older.
        self.poser = FramePoser()
        self.frame_jobs = gui_job_runner("judgeapp-frame-pose")
        self.frame_pose: PoseOverlay | None = None  # the last one drawn
        self.player.positionChanged.connect(self._frame_shown)
        self.player.playingChanged.connect(lambda _playing: self._frame_shown())
        self.player.pose_check.toggled.connect(lambda _on: self._frame_shown())
        shutdown_on_close(window, self.frame_jobs.shutdown)  # closing ends the job first
        self._update_actions()

    # --- the pose of the frame on screen -------------------------------------------------------
    def _frame_shown(self, *_args) -> None:
        """A frame shown, playback paused or the overlay turned on: where the player rests on
        a frame the analysis did not measure, ask for its pose in the background."""
        player, source = self.player, self.player.source
        index = player.current_index
        wanted = player.pose_check.isChecked() and source is not None
        if not wanted or not needs_pose(self.frames, index, player.playing):
            self.frame_jobs.retire()
            return
        path, info, frames, poser = source.path, source.info, self.frames, self.poser
        self.frame_jobs.start(
            lambda _progress, _cancel: poser.overlay(path, info, index, frames),
            on_done=lambda overlay: self._draw_frame_pose(index, frames, overlay),
            on_failed=lambda message: self.window.statusBar().showMessage(
                f"The pose of this frame could not be measured: {message}", 5_000
            ),
            background=True,
        )

    def _draw_frame_pose(self, index: int, frames, overlay: PoseOverlay | None) -> None:
        """The job's pose, drawn if the player still rests on its frame of the same result."""
        player = self.player
        if overlay is None or frames is not self.frames or player.current_index != index:
            return
        if player.playing or not player.pose_check.isChecked():
            return
        self.frame_pose = overlay
        player.view.set_pose(overlay)

    # --- actions -------------------------------------------------------------------------------
    def _action(self, text: str, slot, keys: str = "", checkable: bool = False) -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        return action

    def _build_actions(self) -> None:
        menus = self.window.menus
        self.overlay_action = self._action(
            "&Pose Overlay", self.player.pose_check.setChecked, "S", checkable=True
        )
        self.overlay_action.setChecked(self.player.pose_check.isChecked())
        self.player.pose_check.toggled.connect(self.overlay_action.setChecked)
        self.overlay_action.setStatusTip(
            "The athlete's skeleton and box (green) and the other people (grey) over the video"
        )
        self.angle_action = self._action("Measure &Angle", self.set_angle_tool, "A", True)
        self.angle_action.setStatusTip(
            "Click three points on the video (the joint second); they snap to the landmarks"
        )
        self.save_angle_action = self._action("Save Angle With a &Mark", self.save_angle_mark)
        view = menus["view"]
        first_dock = next((a for a in view.actions() if a.isSeparator()), None)
        view.insertAction(first_dock, self.overlay_action)
        view.insertAction(first_dock, self.angle_action)
        view.insertAction(first_dock, self.save_angle_action)

        self.next_peak_action = self._action("Next Angle &Peak", self.next_peak, ".")
        self.previous_peak_action = self._action("Previous Angle P&eak", self.previous_peak, ",")
        playback = menus["playback"]
        playback.addSeparator()
        playback.addAction(self.next_peak_action)
        playback.addAction(self.previous_peak_action)

        self.follow_auto_action = self._action("Follow &Automatically", self.follow_automatically)
        self.follow_auto_action.setStatusTip(
            "Analyse again with the athlete chosen automatically (undoes Follow This Person)"
        )
        analysis = menus["analysis"]
        settings = next((a for a in analysis.actions() if a.text() == "&Settings…"), None)
        analysis.insertAction(settings, self.follow_auto_action)
        analysis.insertSeparator(settings)

    def _update_actions(self) -> None:
        has_angles = bool(angle_choices(self.result))
        self.next_peak_action.setEnabled(has_angles)
        self.previous_peak_action.setEnabled(has_angles)
        self.follow_auto_action.setEnabled(
            chosen_by_user(self.result) and self.window.session.source is not None
        )
        self.save_angle_action.setEnabled(self.angle.degrees is not None)

    # --- the result ----------------------------------------------------------------------------
    def _state_changed(self, event: str, value) -> None:
        if event == "result":
            self.show_result(value.result if value is not None else None)
        elif event == "video":
            self.set_angle_tool(False)

    def show_result(self, result: AnalysisResult | None) -> None:
        """Overlay, angle lane and notice of a result (None: the views are cleared)."""
        self.result = result
        self.frames = PoseFrames.of_result(result)
        self.player.set_pose_frames(self.frames)
        choices = angle_choices(result)
        names = [name for name, _ in choices]
        current = self.angle_name if self.angle_name in names else None
        if current is None and names:
            current = PREFERRED_ANGLE if PREFERRED_ANGLE in names else names[0]
        self.timeline.set_angle_choices(choices, current)
        self.angle_name = current or self.angle_name
        self._draw_lane()
        notice = pose_not_used_warning(result) if result is not None else None
        if notice:
            self.banner.show_message(
                Banner("warning", "Pose model not used", notice[:1].upper() + notice[1:]),
                [("Models…", self.window.show_models)],
            )
        else:
            self.banner.hide()
        self._update_actions()

    def _draw_lane(self) -> None:
        lane = None
        if self.result is not None and self.timeline.current_angle():
            lane = angle_lane(self.result, self.timeline.current_angle(), self.reference_deg)
        self.timeline.set_angle_lane(lane)

    def _angle_chosen(self, name: str) -> None:
        self.angle_name = name
        self._draw_lane()

    def _reference_changed(self, value: float) -> None:
        self.reference_deg = value
        self._draw_lane()

    # --- follow this person --------------------------------------------------------------------
    def video_clicked(self, time_s: float, x: float, y: float) -> None:
        """A click on the video: a point of the angle tool, or follow the person clicked."""
        if self.angle_action.isChecked():
            self.add_angle_point(time_s, x, y)
            return
        if self.frames is None or not self.player.pose_check.isChecked():
            return  # no boxes drawn: nothing to click on
        request = follow_at(self.frames, time_s, x, y)
        if request is None:
            person = self.frames.person_at(time_s, x, y)
            if person is not None:
                self.window.statusBar().showMessage("This is the athlete followed now", 5_000)
            return
        self.follow(request)

    def follow(self, request: FollowRequest) -> None:
        """Analyse the open video again following the person at the request's point."""
        if self.window.session.source is None:
            return
        self.last_follow = request
        analysis = replace(self.window.settings.request, athlete="track", follow=request.follow)
        self.window.analyze(request=analysis)
        self.window.statusBar().showMessage(
            f"Following the person clicked at {format_clock(request.time_s)}: analysing again "
            "(Analysis ▸ Follow Automatically undoes it)",
            10_000,
        )

    def follow_automatically(self) -> None:
        """Analyse again with the automatic choice of the athlete."""
        if self.window.session.source is None:
            return
        self.last_follow = None
        self.window.analyze()
        self.window.statusBar().showMessage("Following the athlete chosen automatically", 10_000)

    def context_menu(self, time_s: float, x: float, y: float, at: QPoint) -> None:
        """Right-click on the video: follow this person, follow automatically, measure."""
        menu = self.build_context_menu(time_s, x, y)
        menu.exec(at)
        menu.deleteLater()

    def build_context_menu(self, time_s: float, x: float, y: float) -> QMenu:
        menu = QMenu(self.window)
        request = follow_at(self.frames, time_s, x, y, anywhere=True)
        result_shown = self.result is not None and not self.window.session.analysing
        follow = menu.addAction("Follow This Person")
        follow.setEnabled(request is not None and result_shown)
        if request is not None:
            follow.triggered.connect(lambda _=False, r=request: self.follow(r))
        else:
            follow.setText("Follow This Person (already the athlete)")
        menu.addAction(self.follow_auto_action)
        menu.addSeparator()
        menu.addAction(self.overlay_action)
        menu.addAction(self.angle_action)
        return menu

    # --- amplitude peaks -----------------------------------------------------------------------
    def next_peak(self) -> None:
        self._go_to_peak(peak_after, "next")

    def previous_peak(self) -> None:
        self._go_to_peak(peak_before, "previous")

    def _go_to_peak(self, find, which: str) -> None:
        name = self.timeline.current_angle()
        if self.result is None or not name:
            self.window.statusBar().showMessage("No angles measured in this result", 3_000)
            return
        source = self.player.source
        index = self.player.target_index
        now = source.time_of(index) if source is not None and index >= 0 else 0.0
        peak = find(self.result, name, now)
        label = self.timeline.angle_combo.currentText()
        if peak is None:
            self.window.statusBar().showMessage(f"{label}: no {which} peak", 3_000)
            return
        time_s, degrees = peak
        self.player.pause()
        self.player.seek_time(time_s)
        self.window.statusBar().showMessage(
            f"{label}: peak {degrees:.0f}° at {format_clock(time_s)}", 5_000
        )

    # --- the manual angle tool -----------------------------------------------------------------
    def set_angle_tool(self, on: bool) -> None:
        """Start (or stop) measuring an angle on the video."""
        if self.angle_action.isChecked() != on:
            self.angle_action.setChecked(on)  # comes back here through `toggled`
            return
        self.angle = ManualAngle()
        self.player.view.set_manual_angle(self.angle)
        if on:
            self.window.statusBar().showMessage(self.angle.text(), 10_000)
        self._update_actions()

    def add_angle_point(self, time_s: float, x: float, y: float) -> None:
        radius = SNAP_RADIUS_PX / max(self.player.view.scale_factor, 1e-6)
        point, snapped = snap_point(self.frames, time_s, x, y, radius)
        self.angle = self.angle.add(point, snapped)
        self.player.view.set_manual_angle(self.angle)
        self.window.statusBar().showMessage(self.angle.text(), 15_000)
        self._update_actions()

    def save_angle_mark(self) -> None:
        """Add a mark at the frame on screen whose note is the angle measured."""
        degrees = self.angle.degrees
        review = review_of(self.window)
        if degrees is None or review is None or not review.can_mark():
            self.window.statusBar().showMessage(
                "Measure an angle first, with the Marks dock open on this video", 5_000
            )
            return
        note = f"angle {degrees:.1f}° (measured on the video)"
        if review.add_comment_mark(note) is not None:
            self.window.statusBar().showMessage(f"Mark saved: {note}", 5_000)
