"""The frame-accurate player: picture, transport controls, keyboard and playback clock.

Frames come from a FrameSource through a FrameLoader thread, so the GUI thread never decodes.
The position is the frame on screen: it changes when a frame arrives, not when it is asked for.
Also: a go-to field (frame number or time, app/playback.py), an A-B loop, and zoom and pan of
the picture. A click on the picture gives the player the keyboard focus, so the transport keys
work again after typing a note. The pose overlay (skeletons and boxes of a result's pose
section, app/pose_view.py) is looked up from precomputed PoseFrames for the frame on screen;
clicks on the picture are reported with the time of that frame (`videoClicked`,
`videoContextMenu`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.playback import (
    GOTO_HELP,
    LoopRange,
    loop_label,
    loop_playback_index,
    loop_start,
    loop_text,
    parse_goto,
)
from judgeapp.app.player_view import (
    SPEEDS,
    box_at,
    format_position,
    playback_index,
    shuttle,
    speed_label,
)
from judgeapp.app.pose_view import PoseFrames
from judgeapp.app.zoom import zoom_text
from judgeapp.core.errors import JudgeappError
from judgeapp.core.results import FrameWeight
from judgeapp.ui.frame_view import FrameView
from judgeapp.ui.workers import FrameLoader
from judgeapp.video.frame_cache import FrameSource, VideoFrame

_TICK_MS = 5


def goto_field(
    parent: QWidget, name: str, tooltip: str, widest: str, pad_px: int, go_to
) -> QLineEdit:
    """The "go to" field of a player: as wide as `widest` typed into it and `pad_px`, Enter
    calls `go_to` with its text."""
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setPlaceholderText("go to")
    edit.setToolTip(tooltip)
    edit.setFixedWidth(edit.fontMetrics().horizontalAdvance(widest) + pad_px)
    edit.returnPressed.connect(lambda: go_to(edit.text()))
    return edit


class Player(QWidget):
    """Shows one video frame-accurately and plays it at 1/16x to 2x, forwards or backwards."""

    positionChanged = Signal(int, float)  # frame index on screen, its time in seconds
    frameFailed = Signal(str)
    loopChanged = Signal(object)  # (start_s, end_s) of the A-B loop, or None
    playingChanged = Signal(bool)  # playback started (True) or paused (False)
    videoClicked = Signal(float, float, float)  # time_s of the frame on screen, x, y (video px)
    videoContextMenu = Signal(float, float, float, QPoint)  # time_s, x, y, global position

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.view = FrameView(self)
        self._source: FrameSource | None = None
        self._loader: FrameLoader | None = None
        self._retired: set[FrameLoader] = set()  # stopping; never waited for on the GUI thread
        self._static: Sequence[FrameWeight] = ()
        self._pose: PoseFrames | None = None
        self._index = -1  # frame on screen
        self._time_s = 0.0
        self._requested = -1
        self._velocity = 0.0  # signed speed; 0 = paused
        self._speed = 1.0  # speed chosen in the combo box
        self._play_start_index = 0
        self._loop = LoopRange()
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # a click on the video takes the keys
        self._build_controls()
        self._build_actions()
        self.view.zoomChanged.connect(self._zoom_changed)
        self.view.clicked.connect(lambda x, y: self._video_clicked(x, y))
        self.view.contextRequested.connect(
            lambda x, y, at: self.videoContextMenu.emit(self._time_s, x, y, at)
        )
        self._set_enabled(False)

    # --- layout --------------------------------------------------------------------------------
    def _tool(self, icon: QStyle.StandardPixmap, tip: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(self.style().standardIcon(icon))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def _build_controls(self) -> None:
        sp = QStyle.StandardPixmap
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.valueChanged.connect(self._slider_moved)
        self.back_second = self._tool(
            sp.SP_MediaSeekBackward, "Back 1 s (Shift+Left)", lambda: self.step_seconds(-1.0)
        )
        self.back_frame = self._tool(
            sp.SP_MediaSkipBackward, "Back 1 frame (Left)", lambda: self.step(-1)
        )
        self.play_button = self._tool(sp.SP_MediaPlay, "Play / pause (Space)", self.toggle_play)
        self.next_frame = self._tool(
            sp.SP_MediaSkipForward, "Forward 1 frame (Right)", lambda: self.step(1)
        )
        self.next_second = self._tool(
            sp.SP_MediaSeekForward, "Forward 1 s (Shift+Right)", lambda: self.step_seconds(1.0)
        )
        self.speed_combo = QComboBox(self)
        self.speed_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed_combo.setToolTip("Playback speed (J/K/L shuttle)")
        for speed in SPEEDS:
            self.speed_combo.addItem(speed_label(speed), speed)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_combo.currentIndexChanged.connect(self._speed_chosen)
        self.position_label = QLabel("—", self)
        self.position_label.setObjectName("positionLabel")
        self.position_label.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
        )
        self.fit_button = QToolButton(self)
        self.fit_button.setText("Fit")
        self.fit_button.setToolTip(
            "Zoom to fit the window (F, or double-click the picture); it reads the zoom. "
            "The wheel over the picture zooms, dragging pans"
        )
        self.one_button = QToolButton(self)
        self.one_button.setText("1:1")
        self.one_button.setToolTip("One video pixel per screen pixel (1)")
        for button in (self.fit_button, self.one_button):
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.fit_button.setChecked(True)
        self.fit_button.clicked.connect(self.zoom_fit)
        self.one_button.clicked.connect(self.zoom_one_to_one)
        self.box_check = QCheckBox("Athlete box", self)
        self.box_check.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.box_check.setChecked(True)
        self.box_check.toggled.connect(lambda _on: self._update_box())
        self.pose_check = QCheckBox("Pose", self)
        self.pose_check.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pose_check.setChecked(True)
        self.pose_check.setToolTip(
            "The athlete's skeleton and box from the pose model (green), the other people thin "
            "and grey (S). Click a person to follow them"
        )
        self.pose_check.toggled.connect(lambda _on: self._update_box())
        self.pose_check.hide()  # shown for a result with pose data

        self.goto_edit = goto_field(
            self,
            "gotoEdit",
            f"Go to {GOTO_HELP}; Enter goes there, Esc gives the keys back",
            widest="00:00.00",
            pad_px=12,
            go_to=self.go_to,
        )
        self.goto_edit.textEdited.connect(lambda _t: self._show_message(""))
        self.goto_edit.installEventFilter(self)
        self.loop_a_button = self._text_tool("A", "Loop start A at this frame ([)", self.set_loop_a)
        self.loop_b_button = self._text_tool("B", "Loop end B at this frame (])", self.set_loop_b)
        self.loop_button = self._text_tool("", "Clear the A-B loop (\\)", self.clear_loop)
        self.loop_button.setObjectName("loopButton")
        self.loop_button.hide()
        self.message = QLabel("", self)
        self.message.setObjectName("playerMessage")
        self.message.setStyleSheet("color: #c62828;")
        self.message.hide()

        self.transport = (
            self.back_second,
            self.back_frame,
            self.play_button,
            self.next_frame,
            self.next_second,
            self.speed_combo,
        )
        controls = QHBoxLayout()
        controls.setContentsMargins(4, 0, 4, 2)
        for widget in self.transport:
            controls.addWidget(widget)
        controls.addSpacing(8)
        controls.addWidget(self.position_label)
        for widget in (
            self.goto_edit,
            self.loop_a_button,
            self.loop_b_button,
            self.loop_button,
            self.box_check,
            self.pose_check,
            self.fit_button,
            self.one_button,
        ):
            controls.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.slider)
        layout.addLayout(controls)
        layout.addWidget(self.message)

    def _text_tool(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def _action(self, text: str, keys: str | Sequence[str], slot) -> QAction:
        action = QAction(text, self)
        keys = [keys] if isinstance(keys, str) else list(keys)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        """Keyboard control; the window lists these in its Playback menu."""
        self.actions_by_name: dict[str, QAction] = {
            "play": self._action("Play / Pause", "Space", self.toggle_play),
            "back_frame": self._action("Back One Frame", "Left", lambda: self.step(-1)),
            "next_frame": self._action("Forward One Frame", "Right", lambda: self.step(1)),
            "back_second": self._action(
                "Back One Second", "Shift+Left", lambda: self.step_seconds(-1.0)
            ),
            "next_second": self._action(
                "Forward One Second", "Shift+Right", lambda: self.step_seconds(1.0)
            ),
            "reverse": self._action("Shuttle Backwards (J)", "J", lambda: self.shuttle("J")),
            "stop": self._action("Shuttle Stop (K)", "K", lambda: self.shuttle("K")),
            "forward": self._action("Shuttle Forwards (L)", "L", lambda: self.shuttle("L")),
            "start": self._action("Go to Start", "Home", lambda: self.seek(0)),
            "end": self._action("Go to End", "End", lambda: self.seek(self.frame_count - 1)),
            "goto": self._action("Go to Frame or Time…", "Ctrl+G", self.focus_goto),
            "loop_a": self._action("Set Loop Start A", "[", self.set_loop_a),
            "loop_b": self._action("Set Loop End B", "]", self.set_loop_b),
            "loop_clear": self._action("Clear A-B Loop", "\\", self.clear_loop),
        }

    def _set_enabled(self, on: bool) -> None:
        for widget in (
            self.slider,
            *self.transport,
            self.goto_edit,
            self.loop_a_button,
            self.loop_b_button,
        ):
            widget.setEnabled(on)
        for action in self.actions_by_name.values():
            action.setEnabled(on)

    # --- source --------------------------------------------------------------------------------
    @property
    def source(self) -> FrameSource | None:
        return self._source

    @property
    def frame_count(self) -> int:
        return self._source.frame_count if self._source else 0

    @property
    def current_index(self) -> int:
        """The frame on screen (-1 before the first one arrives)."""
        return self._index

    @property
    def target_index(self) -> int:
        """The frame asked for last (shown soon), else the one on screen."""
        return self._requested if self._requested >= 0 else self._index

    @property
    def current_time_s(self) -> float:
        return self._time_s

    @property
    def playing(self) -> bool:
        return self._velocity != 0.0

    @property
    def velocity(self) -> float:
        return self._velocity

    def set_source(self, source: FrameSource | None) -> None:
        """Show another video (None: none); stops the previous loader first."""
        self.pause()
        self._stop_loader()
        self._source = source
        self._static = ()
        self._pose = None
        self._index = self._requested = -1
        self._time_s = 0.0
        self.clear_loop()
        self._show_message("")
        if source is None:
            self.view.clear()
            self.position_label.setText("—")
            self._set_enabled(False)
            return
        self.view.set_video_size(source.info.width, source.info.height)
        self._loader = FrameLoader(source, self)
        self._loader.frameReady.connect(self._frame_ready)
        self._loader.failed.connect(self._frame_failed)
        self._loader.start()
        self.refresh_frame_count()
        self._set_enabled(True)
        self.seek(0)

    def refresh_frame_count(self) -> None:
        """Call when the source learns its true frame count (the cache pass has finished)."""
        with_signals = self.slider.blockSignals(True)
        self.slider.setRange(0, max(self.frame_count - 1, 0))
        self.slider.blockSignals(with_signals)

    def set_static_frames(self, static: Sequence[FrameWeight]) -> None:
        """The analysis's athlete frames, whose boxes the overlay draws."""
        self._static = tuple(static)
        self._update_box()

    def set_pose_frames(self, frames: PoseFrames | None) -> None:
        """The result's poses (app.pose_view.PoseFrames, built once), which the overlay draws;
        None: the result has none."""
        self._pose = frames
        self.pose_check.setVisible(frames is not None)
        self._update_box()

    @property
    def pose_frames(self) -> PoseFrames | None:
        return self._pose

    def _video_clicked(self, x: float, y: float) -> None:
        if self._index >= 0:
            self.videoClicked.emit(self._time_s, x, y)

    def shutdown(self) -> None:
        """Stop playback and the loader threads (blocks until they have ended)."""
        self.pause()
        self._stop_loader()
        for loader in list(self._retired):
            loader.wait()
            self._loader_finished(loader)

    def _stop_loader(self) -> None:
        """Retire the loader without waiting: a direct read in hand may take a while."""
        loader, self._loader = self._loader, None
        if loader is None:
            return
        loader.frameReady.disconnect(self._frame_ready)
        loader.failed.disconnect(self._frame_failed)
        self._retired.add(loader)
        loader.finished.connect(lambda: self._loader_finished(loader))
        loader.stop(wait=False)

    def _loader_finished(self, loader: FrameLoader) -> None:
        if loader in self._retired:
            self._retired.discard(loader)
            loader.deleteLater()

    # --- position ------------------------------------------------------------------------------
    def seek(self, index: int) -> None:
        """Show frame `index` (clamped); during playback, play on from there."""
        if self._source is None or self._loader is None:
            return
        index = self._source.clamp(index)
        if self.playing:
            self._restart_clock(index)
        self._request(index)

    def seek_time(self, time_s: float) -> None:
        """Show the frame on screen at `time_s`."""
        if self._source is not None:
            self.seek(self._source.index_at(time_s))

    def step(self, frames: int) -> None:
        """Pause and move by whole frames from the frame asked for last."""
        self.pause()
        base = self._requested if self._requested >= 0 else max(self._index, 0)
        self.seek(base + frames)

    def step_seconds(self, seconds: float) -> None:
        """Pause and move by a time span from the frame asked for last."""
        if self._source is None:
            return
        self.pause()
        base = self._requested if self._requested >= 0 else max(self._index, 0)
        self.seek(self._source.index_at(self._source.time_of(base) + seconds))

    def _request(self, index: int) -> None:
        self._requested = index
        self._loader.request(index, exact=not self.view.fit)

    def _frame_ready(self, frame: VideoFrame, image: QImage) -> None:
        self._index = frame.index
        self._time_s = frame.time_s
        self.view.show_image(image)
        self._update_box()
        self.position_label.setText(
            format_position(
                frame.time_s, self._source.info.duration_s, frame.index, self.frame_count
            )
        )
        if not self.slider.isSliderDown():
            with_signals = self.slider.blockSignals(True)
            self.slider.setValue(frame.index)
            self.slider.blockSignals(with_signals)
        self.positionChanged.emit(frame.index, frame.time_s)

    def _frame_failed(self, index: int, message: str) -> None:
        self.pause()
        self.frameFailed.emit(message)

    def _slider_moved(self, value: int) -> None:
        if value != self._requested:
            self.seek(value)

    def _update_box(self) -> None:
        box = box_at(self._static, self._time_s) if self.box_check.isChecked() else None
        self.view.set_box(box if self._index >= 0 else None)
        shown = self._pose is not None and self.pose_check.isChecked() and self._index >= 0
        self.view.set_pose(self._pose.at(self._time_s) if shown else None)

    def current_image(self) -> QImage | None:
        return self.view.current_image()

    # --- playback ------------------------------------------------------------------------------
    def play(self, velocity: float | None = None) -> None:
        if self._source is None:
            return
        velocity = self._speed if velocity is None else velocity
        if velocity == 0:
            self.pause()
            return
        start = max(self._requested, 0)
        if self._loop.active:
            start = loop_start(self._loop, start, velocity)
        elif velocity > 0 and start >= self.frame_count - 1:
            start = 0  # play again from the start
        self._velocity = velocity
        self._restart_clock(start)
        self._timer.start()
        self._show_play_state()

    def pause(self) -> None:
        self._velocity = 0.0
        self._timer.stop()
        self._show_play_state()

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def shuttle(self, key: str) -> None:
        """J/K/L: backwards, stop, forwards; pressing again goes faster."""
        velocity = shuttle(self._velocity, key)
        if velocity:
            self._select_speed(abs(velocity))
            self.play(velocity)
        else:
            self.pause()

    def set_speed(self, speed: float) -> None:
        """The playback speed (1/16 to 2); keeps the direction while playing."""
        self._select_speed(speed)

    def _select_speed(self, speed: float) -> None:
        self.speed_combo.setCurrentIndex(
            min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - speed))
        )

    def _speed_chosen(self, combo_index: int) -> None:
        self._speed = SPEEDS[combo_index]
        if self.playing:
            direction = 1.0 if self._velocity > 0 else -1.0
            self._velocity = direction * self._speed
            self._restart_clock(max(self._requested, 0))

    def _restart_clock(self, index: int) -> None:
        self._play_start_index = index
        self._clock.start()

    def _tick(self) -> None:
        if self._source is None:
            self.pause()
            return
        elapsed_s = self._clock.elapsed() / 1000.0
        fps = self._source.info.fps
        if self._loop.active:
            due = loop_playback_index(
                self._loop, self._play_start_index, elapsed_s, fps, self._velocity
            )
            if due != self._requested:
                self._request(due)
            return  # a loop plays until paused
        due = playback_index(
            self._play_start_index, elapsed_s, fps, self._velocity, self.frame_count
        )
        if due != self._requested:
            self._request(due)
        at_end = due >= self.frame_count - 1 if self._velocity > 0 else due <= 0
        if at_end:
            self.pause()

    def _show_play_state(self) -> None:
        icon = (
            QStyle.StandardPixmap.SP_MediaPause
            if self.playing
            else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.playingChanged.emit(self.playing)

    # --- go to, A-B loop ------------------------------------------------------------------------
    def focus_goto(self) -> None:
        """Ctrl+G: type a frame number or a time."""
        if self._source is not None:
            self.goto_edit.setFocus()
            self.goto_edit.selectAll()

    def go_to(self, text: str) -> bool:
        """Go to the frame or time in `text`; a bad text shows why and goes nowhere."""
        if self._source is None:
            return False
        info = self._source.info
        try:
            index = parse_goto(text, info.fps, self.frame_count, info.duration_s)
        except JudgeappError as exc:
            self._show_message(f"Go to: {exc}")
            return False
        self._show_message("")
        self.goto_edit.clear()
        self.setFocus()  # the transport keys work again
        self.pause()
        self.seek(index)
        return True

    @property
    def loop(self) -> LoopRange:
        return self._loop

    def set_loop_a(self) -> None:
        """The loop's start A: the frame asked for last."""
        if self._source is not None:
            self._set_loop(self._loop.with_a(max(self.target_index, 0)))

    def set_loop_b(self) -> None:
        """The loop's end B: the frame asked for last."""
        if self._source is not None:
            self._set_loop(self._loop.with_b(max(self.target_index, 0)))

    def clear_loop(self) -> None:
        self._set_loop(LoopRange())

    def _set_loop(self, loop: LoopRange) -> None:
        self._loop = loop
        fps = self._source.info.fps if self._source is not None else 1.0
        text = loop_text(loop, fps)
        self.loop_button.setText(f"{loop_label(loop)} ✕" if text else "")
        self.loop_button.setToolTip(f"{text}: click (or \\) to clear the loop" if text else "")
        self.loop_button.setVisible(bool(text))
        if self.playing and loop.active:
            self._restart_clock(loop_start(loop, max(self._requested, 0), self._velocity))
        if loop.active and self._source is not None:
            first, last = loop.span
            self.loopChanged.emit((self._source.time_of(first), self._source.time_of(last)))
        else:
            self.loopChanged.emit(None)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # --- keyboard focus ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Esc in the go-to field gives the keys back to the player."""
        if (
            watched is self.goto_edit
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Escape
        ):
            self.goto_edit.clear()
            self._show_message("")
            self.setFocus()
            return True
        return super().eventFilter(watched, event)

    def event(self, event: QEvent) -> bool:
        """With the focus here and the picture zoomed, 0 shows the whole frame again (else 0
        stays the window's key)."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and event.key() == Qt.Key.Key_0
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and not self.view.fit
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_0 and not self.view.fit:
            self.zoom_fit()
            event.accept()
            return
        super().keyPressEvent(event)

    # --- zoom ----------------------------------------------------------------------------------
    def zoom_fit(self) -> None:
        self.view.zoom_fit()

    def zoom_one_to_one(self) -> None:
        self.view.zoom_one_to_one()

    def _zoom_changed(self, scale: float, fit: bool) -> None:
        self.fit_button.setChecked(fit)
        self.one_button.setChecked(not fit and abs(scale - 1.0) < 1e-6)
        self.fit_button.setText(zoom_text(scale, fit))
        image = self.view.current_image()
        reduced = image is not None and image.width() < self._source_width()
        if not fit and reduced and self._loader is not None:
            self._request(self.target_index)  # the exact frame replaces a reduced cache entry

    def _source_width(self) -> int:
        return self._source.info.width if self._source is not None else 0
