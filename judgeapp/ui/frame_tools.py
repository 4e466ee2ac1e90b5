"""The player's frame tools: save or copy the frame, mirror and rotate the picture, a stopwatch.

Installed on a MainWindow like the review extension. A frame without overlays is read again at
the video's full size in a background job (the player's cache may hold it smaller); a frame with
overlays is the picture as shown, at the video's size. Both are turned as the view is, so a
saved frame is what the coach saw. The stopwatch reads the playhead, not a wall clock.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel

from judgeapp.app.frame_tools import (
    Orientation,
    Stopwatch,
    frame_file_name,
    save_frame_image,
)
from judgeapp.ui.workers import gui_job_runner, rgb_to_qimage
from judgeapp.video.frame_cache import FrameSource


class FrameTools(QObject):
    """Frame actions in the window's View and Playback menus, and the stopwatch's reading."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.player = window.player
        self.stopwatch = Stopwatch()
        self.last_saved: Path | None = None
        self._jobs = gui_job_runner("judgeapp-frame-export")
        self.stopwatch_label = QLabel("", window)
        self.stopwatch_label.setObjectName("stopwatch")
        self.stopwatch_label.hide()
        window.statusBar().addPermanentWidget(self.stopwatch_label)
        self._build_actions()
        window.session.opened.connect(self._video_opened)
        self.player.positionChanged.connect(self._show_stopwatch)
        window.installEventFilter(self)
        self._update_actions()

    # --- actions -------------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, keys: str = "", tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        view = self.window.menus["view"]
        first_dock = next((a for a in view.actions() if a.isSeparator()), None)
        turn_menu = view.addMenu("Turn the &Picture")
        if first_dock is not None:
            view.insertMenu(first_dock, turn_menu)
        self.mirror_action = self._action(
            turn_menu,
            "&Mirror Left–Right",
            self.toggle_mirror,
            "H",
            "Flip the picture left to right (compare left- and right-handed athletes)",
        )
        self.mirror_action.setCheckable(True)
        self.rotate_action = self._action(
            turn_menu,
            "&Rotate 90° Clockwise",
            self.rotate,
            "R",
            "Turn a sideways phone video upright",
        )
        self.upright_action = self._action(turn_menu, "&Upright, Not Mirrored", self.reset_turn)

        file_menu = self.window.menus["file"]
        quit_action = file_menu.actions()[-1]
        frame_menu = file_menu.addMenu("Save or Copy &Frame")
        file_menu.insertMenu(quit_action, frame_menu)
        file_menu.insertSeparator(quit_action)
        self.save_action = self._action(
            frame_menu,
            "&Save Frame As Image…",
            lambda: self.save_frame(False),
            "Ctrl+Shift+S",
            "The frame on screen at the video's full size, as PNG or JPEG",
        )
        self.save_overlays_action = self._action(
            frame_menu,
            "Save Frame &With Overlays…",
            lambda: self.save_frame(True),
            "",
            "The frame with the athlete box, skeleton and angle drawn as shown",
        )
        self.copy_action = self._action(
            frame_menu,
            "&Copy Frame",
            lambda: self.copy_frame(False),
            "Ctrl+Shift+C",
            "The frame on screen to the clipboard",
        )
        self.copy_overlays_action = self._action(
            frame_menu, "Copy Frame With &Overlays", lambda: self.copy_frame(True)
        )

        playback = self.window.menus["playback"]
        playback.addSeparator()
        self.stopwatch_action = self._action(
            playback,
            "Stop&watch: Start / Stop Here",
            self.press_stopwatch,
            "W",
            "First press starts at the frame on screen, the second stops; the time is in "
            "the status bar",
        )
        self.clear_stopwatch_action = self._action(
            playback, "Clear Stopwatch", self.clear_stopwatch
        )
        self.frame_actions = [
            self.mirror_action,
            self.rotate_action,
            self.upright_action,
            self.save_action,
            self.save_overlays_action,
            self.copy_action,
            self.copy_overlays_action,
            self.stopwatch_action,
            self.clear_stopwatch_action,
        ]

    def _update_actions(self) -> None:
        has_video = self.window.session.source is not None
        for action in self.frame_actions:
            action.setEnabled(has_video)

    def _video_opened(self, _source) -> None:
        self._jobs.retire()  # a frame still being read belongs to the last video
        self.set_orientation(Orientation())
        self.clear_stopwatch()
        self._update_actions()

    # --- turning the picture -------------------------------------------------------------------
    def set_orientation(self, orientation: Orientation) -> None:
        self.player.view.set_orientation(orientation)
        self.mirror_action.setChecked(orientation.mirrored)
        text = orientation.text()
        if text:
            self.window.statusBar().showMessage(f"Picture {text}", 5000)

    def toggle_mirror(self) -> None:
        self.set_orientation(self.player.view.orientation.toggled_mirror())

    def rotate(self) -> None:
        self.set_orientation(self.player.view.orientation.rotated())

    def reset_turn(self) -> None:
        self.set_orientation(Orientation())
        self.window.statusBar().showMessage("Picture upright, not mirrored", 5000)

    # --- stopwatch -----------------------------------------------------------------------------
    def press_stopwatch(self) -> None:
        self.stopwatch = self.stopwatch.pressed(self.player.current_time_s)
        self._show_stopwatch()

    def clear_stopwatch(self) -> None:
        self.stopwatch = Stopwatch()
        self._show_stopwatch()

    def _show_stopwatch(self, *_args) -> None:
        source = self.window.session.source
        fps = source.info.fps if source is not None else 0.0
        text = self.stopwatch.text(fps, now_s=self.player.current_time_s)
        self.stopwatch_label.setText(text)
        self.stopwatch_label.setVisible(bool(text))

    # --- saving and copying the frame ----------------------------------------------------------
    def save_frame(self, overlays: bool, path: str | Path | None = None) -> None:
        """Save the frame on screen; asks where unless `path` is given."""
        source = self.window.session.source
        if source is None:
            return
        index, time_s = self.player.current_index, self.player.current_time_s
        if path is None:
            suggested = source.path.with_name(frame_file_name(source.path, index, time_s, overlays))
            path, _ = QFileDialog.getSaveFileName(
                self.window, "Save Frame", str(suggested), "Images (*.png *.jpg *.jpeg)"
            )
            if not path:
                return
        target = Path(path)
        if overlays:
            image = self.player.view.render_shown()
            if image is not None:
                rgb = _qimage_rgb(image)
                self._run(lambda _p, _c: save_frame_image(target, rgb), target)
            return
        orientation = self.player.view.orientation
        self._run(
            lambda _p, _c: save_frame_image(target, orientation.apply(_full_frame(source, index))),
            target,
        )

    def copy_frame(self, overlays: bool) -> None:
        """Put the frame on screen on the clipboard (turned as shown)."""
        source = self.window.session.source
        if source is None:
            return
        if overlays:
            image = self.player.view.render_shown()
            if image is not None:
                self._copied(image)
            return
        index, orientation = self.player.current_index, self.player.view.orientation
        self._jobs.start(
            lambda _p, _c: orientation.apply(_full_frame(source, index)),
            name="judgeapp-frame-copy",
            on_done=lambda rgb: self._copied(rgb_to_qimage(rgb)),
            on_failed=self._failed,
        )

    def _copied(self, image: QImage) -> None:
        QGuiApplication.clipboard().setImage(image)
        self.window.statusBar().showMessage(
            f"Frame copied ({image.width()}×{image.height()})", 5000
        )

    def _run(self, fn, target: Path) -> None:
        self._jobs.start(
            fn,
            name="judgeapp-frame-save",
            on_done=lambda _p: self._saved(target),
            on_failed=self._failed,
        )

    def _saved(self, target: Path) -> None:
        self.last_saved = target
        self.window.statusBar().showMessage(f"Frame saved: {target}", 8000)

    def _failed(self, message: str) -> None:
        self.window.show_error("Save or copy frame", message)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.shutdown()
        return False

    def shutdown(self) -> None:
        """Wait for a frame still being saved: a file the user asked for is never cut off."""
        self._jobs.shutdown()


def _full_frame(source: FrameSource, index: int) -> np.ndarray:
    """Frame `index` at the video's full size, read with a reader of its own (job thread)."""
    reader = FrameSource(source.path, source.info, source.cache)
    try:
        return reader.frame(index, exact=True).image
    finally:
        reader.close()


def _qimage_rgb(image: QImage) -> np.ndarray:
    """An RGB copy of a QImage as an H x W x 3 array."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), np.uint8, count=stride * height)
    return data.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()
