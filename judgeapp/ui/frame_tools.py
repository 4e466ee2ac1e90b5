"""The player's frame tools: save or copy the frame, mirror and rotate the picture, a stopwatch,
and drawing on the frame (line, arrow, circle, text) to save with a mark.

Installed on a MainWindow like the review extension. A frame without overlays is read again at
the video's full size in a background job (the player's cache may hold it smaller); a frame with
overlays is the picture as shown, at the video's size. Both are turned as the view is, so a
saved frame is what the coach saw. The stopwatch reads the playhead, not a wall clock. A drawing
being made (the sketch) shows until it is saved with a mark or cleared; a mark's drawing shows
while the playhead is within core.drawing.SHOW_S after the mark.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel

from judgeapp.app.frame_tools import (
    Orientation,
    Stopwatch,
    drawings_due,
    frame_file_name,
    save_frame_image,
    shape_from_drag,
)
from judgeapp.app.thumbnails import worker_reader
from judgeapp.core.drawing import MAX_SHAPES, Shape, describe
from judgeapp.core.errors import JudgeappError
from judgeapp.ui.review import review_of, shutdown_on_close
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
        self.sketch: list[Shape] = []  # the drawing being made, not yet saved with a mark
        self._marks_panel = None
        self._jobs = gui_job_runner("judgeapp-frame-export")
        self.stopwatch_label = QLabel("", window)
        self.stopwatch_label.setObjectName("stopwatch")
        self.stopwatch_label.hide()
        window.statusBar().addPermanentWidget(self.stopwatch_label)
        self._build_actions()
        window.session.opened.connect(self._video_opened)
        self.player.positionChanged.connect(self._show_stopwatch)
        self.player.positionChanged.connect(self._show_drawings)
        self.player.view.shapeDrawn.connect(self._shape_drawn)
        shutdown_on_close(window, self.shutdown)
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
        self._build_draw_actions(view, first_dock)
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
            *self.draw_group.actions(),
            self.undo_shape_action,
            self.clear_sketch_action,
            self.save_drawing_action,
        ]

    def _build_draw_actions(self, view, before) -> None:
        draw_menu = view.addMenu("&Draw on the Frame")
        if before is not None:
            view.insertMenu(before, draw_menu)
        self.draw_group = QActionGroup(self)
        self.draw_group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        self.draw_actions: dict[str, QAction] = {}
        for kind, text, keys in (
            ("arrow", "&Arrow", "D"),
            ("line", "&Line", ""),
            ("circle", "&Circle", ""),
            ("text", "&Text", ""),
        ):
            action = self._action(draw_menu, text, lambda _on=False, k=kind: self._draw_chosen(k))
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.setCheckable(True)
            action.setStatusTip(
                "Drag on the video to draw; the drawing is saved with a mark (Save Drawing)"
            )
            self.draw_group.addAction(action)
            self.draw_actions[kind] = action
        draw_menu.addSeparator()
        self.undo_shape_action = self._action(draw_menu, "&Remove Last Shape", self.undo_shape)
        self.clear_sketch_action = self._action(draw_menu, "C&lear Drawing", self.clear_sketch)
        self.save_drawing_action = self._action(
            draw_menu,
            "&Save Drawing With a Mark",
            self.save_drawing_mark,
            "Ctrl+D",
            "A comment mark at the frame on screen, holding the drawing (and the Marks "
            "dock's note, if one is typed)",
        )

    def _update_actions(self) -> None:
        has_video = self.window.session.source is not None
        for action in self.frame_actions:
            action.setEnabled(has_video)

    def _video_opened(self, _source) -> None:
        self._jobs.retire()  # a frame still being read belongs to the last video
        self.set_orientation(Orientation())
        self.clear_stopwatch()
        self.set_draw_kind(None)
        self.clear_sketch()
        self._update_actions()

    # --- drawing -------------------------------------------------------------------------------
    def _draw_chosen(self, kind: str) -> None:
        action = self.draw_actions[kind]
        self.set_draw_kind(kind if action.isChecked() else None)

    def set_draw_kind(self, kind: str | None) -> None:
        """Draw `kind` with the next drags on the video (None: stop drawing)."""
        for name, action in self.draw_actions.items():
            action.setChecked(name == kind)
        self.player.view.set_draw_kind(kind)
        if kind:
            self.window.statusBar().showMessage(
                f"Drawing: drag on the video for a {kind}"
                + (" (click where the text goes)" if kind == "text" else ""),
                5000,
            )

    def ask_text(self) -> str:
        """The words of a text shape (a dialog; tests replace it)."""
        text, ok = QInputDialog.getText(self.window, "Text on the frame", "Text:")
        return text if ok else ""

    def _shape_drawn(self, kind: str, x0: float, y0: float, x1: float, y1: float) -> None:
        text = self.ask_text() if kind == "text" else ""
        try:
            shape = shape_from_drag(kind, (x0, y0), (x1, y1), text)
        except JudgeappError as exc:
            self.window.statusBar().showMessage(f"Not drawn: {exc}", 8000)
            return
        if shape is None:
            return
        if len(self.sketch) >= MAX_SHAPES:
            self.window.statusBar().showMessage(
                f"A drawing holds at most {MAX_SHAPES} shapes: save it with a mark first", 8000
            )
            return
        self.sketch.append(shape)
        self._show_drawings()

    def undo_shape(self) -> None:
        if self.sketch:
            self.sketch.pop()
            self._show_drawings()

    def clear_sketch(self) -> None:
        self.sketch = []
        self._show_drawings()

    def _marks(self) -> list:
        """The open video's marks (from the review's Marks dock), connected once."""
        review = review_of(self.window)
        panel = review.marks_panel if review is not None else None
        if panel is None:
            return []
        if panel is not self._marks_panel:
            self._marks_panel = panel
            panel.marksChanged.connect(lambda _marks: self._show_drawings())
        return panel.service.marks() if panel.video is not None else []

    def _show_drawings(self, *_args) -> None:
        due = drawings_due(self._marks(), self.player.current_time_s)
        self.player.view.drawing.show((*self.sketch, *due))

    def save_drawing_mark(self) -> None:
        """A comment mark at the frame on screen that holds the drawing."""
        review = review_of(self.window)
        if not self.sketch or review is None or not review.can_mark():
            self.window.statusBar().showMessage(
                "Draw something first, with the Marks dock open on this video", 5000
            )
            return
        note = review.marks_panel.text_edit.text().strip() or "drawn on the frame"
        drawing = tuple(self.sketch)
        if review.add_comment_mark(note, drawing=drawing) is None:
            return
        self.sketch = []
        self.set_draw_kind(None)
        self._show_drawings()
        self.window.statusBar().showMessage(f"Mark saved with {describe(drawing)}", 5000)

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
            if image is not None:  # drawn here (the scene is the GUI's), converted in the job
                self._run(lambda _p, _c: save_frame_image(target, _qimage_rgb(image)), target)
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

    def shutdown(self) -> None:
        """Wait for a frame still being saved: a file the user asked for is never cut off."""
        self._jobs.shutdown()


def _full_frame(source: FrameSource, index: int) -> np.ndarray:
    """Frame `index` at the video's full size, read with a reader of its own (job thread)."""
    reader = worker_reader(source)
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
