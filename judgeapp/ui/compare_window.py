"""Two routines side by side: two players, one transport, both attention timelines on
a common time axis, the two scores and where the attention differs.

The widgets only draw and forward: the time mapping, linked stepping, sync points and relinking
are app.compare's (`CompareTransport`), the differences and score rows too. Each side is the
ordinary Player (its own keys are taken off it, so that the window's transport keys are not
ambiguous; its own controls work while the sides are unlinked).

Comparison > Save Comparison (Ctrl+S) keeps the two videos, their sync points and the overlay in
the library (app.compare_store); once saved, every change of the sync points or the overlay is
saved too, as a step that Ctrl+Z / Ctrl+Shift+Z undo and redo.

Export writes the comparison shown (both videos, sync points, overlay; the angle chosen, else
the first one measured) as a side-by-side video, a PDF or an HTML page with app.compare_export,
the writer the command line uses, as a background job with progress and Cancel
(ui.export_report's ReportExporter).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.compare import (
    DYNAMIC_RGB,
    GOTO_COMMON_HELP,
    STATIC_RGB,
    AngleOnAxis,
    CommonLoop,
    CompareTransport,
    Comparison,
    Difference,
    NotesLibrary,
    OverlaySettings,
    SideNotes,
    SideVideo,
    angle_on_axis,
    angle_scale,
    axis_ticks,
    comparison_angle_choices,
    differences,
    marks_on_axis,
    notes_of,
    overlay_placement,
    score_rows,
    signed_time,
)
from judgeapp.app.compare_export import (
    DIALOG_FILTERS,
    CompareInputs,
    default_file_name,
    write_comparison,
)
from judgeapp.app.compare_store import (
    ComparisonRecord,
    ComparisonStore,
    OpenedComparison,
    hashes_job,
    with_record,
)
from judgeapp.app.report_service import ExportFolders
from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import KIND_RGB, format_time
from judgeapp.core.results import AnalysisResult, VideoInfo
from judgeapp.ui.export_report import QSettingsValues, ReportExporter, ask_save_path
from judgeapp.ui.player import Player, goto_field
from judgeapp.ui.workers import gui_job_runner
from judgeapp.video import probe
from judgeapp.video.frame_cache import FrameSource, fill_cache

_TICK_MS = 15
_SPEEDS = (0.25, 0.5, 1.0, 2.0)
_SYNC = QColor(230, 170, 0)
_PLAYHEAD = QColor(220, 40, 40)
_DIFF = QColor(160, 60, 200, 55)
_OUTSIDE = QColor(0, 0, 0, 30)
_LOOP = QColor(0, 150, 175, 40)
_LOOP_END = QColor(0, 130, 160)
_ANGLE = QColor(20, 130, 70)
_VIDEO_FILTER = "Videos or analyses (*.mp4 *.mov *.m4v *.mkv *.avi *.webm *.json);;All files (*)"


class CommonTimeline(QWidget):
    """Both sides' attention on the common time axis (0 = the sync points): one lane per side
    with its dynamic segments as bars, its static frames as stems and its judges' marks as
    flags in their kind's colour, the stretches where the attention differs shaded, the A-B
    loop, the sync line and the playhead. A click or drag seeks."""

    seekRequested = Signal(float)  # common time
    LEFT = 28
    LANE_H = 46
    ANGLE_H = 30  # each side's angle lane, shown while an angle is chosen

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.comparison: Comparison | None = None
        self.results: list[AnalysisResult | None] = [None, None]
        self.differences: list[Difference] = []
        self.notes: list[SideNotes] = [SideNotes(), SideNotes()]
        self.loop = CommonLoop()
        self.t = 0.0
        self.angles: list[AngleOnAxis | None] = [None, None]
        self.angle_range = (0.0, 180.0)
        self.angle_label = ""  # the chosen angle's name; "" while none is chosen
        self.setMinimumHeight(2 * self.LANE_H + 30)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(
            "Attention and judges' marks of A and B on the common time; click to go there"
        )

    def set_data(
        self,
        comparison: Comparison | None,
        results: list[AnalysisResult | None],
        diffs: list[Difference],
        notes: list[SideNotes] | None = None,
    ) -> None:
        self.comparison, self.results, self.differences = comparison, list(results), diffs
        self.notes = list(notes) if notes is not None else [SideNotes(), SideNotes()]
        self.update()

    def set_time(self, t: float) -> None:
        self.t = t
        self.update()

    def set_angles(
        self, label: str, angles: list[AngleOnAxis | None], scale: tuple[float, float]
    ) -> None:
        """Show each side's angle `label` in a lane of its own under the attention lanes
        ("" hides the angle lanes)."""
        self.angle_label, self.angles, self.angle_range = label, list(angles), scale
        extra = 2 * self.ANGLE_H if label else 0
        self.setMinimumHeight(2 * self.LANE_H + 30 + extra)
        self.update()

    def lanes_height(self) -> int:
        """The attention lanes and, while an angle is chosen, the angle lanes."""
        return 2 * self.LANE_H + (2 * self.ANGLE_H if self.angle_label else 0)

    def set_loop(self, loop: CommonLoop) -> None:
        self.loop = loop
        self.update()

    def x_of(self, t: float) -> float:
        c = self.comparison
        width = self.width() - self.LEFT - 8
        if c is None or c.duration_s <= 0:
            return float(self.LEFT)
        return self.LEFT + width * (t - c.start_s) / c.duration_s

    def time_at(self, x: float) -> float:
        c = self.comparison
        width = max(self.width() - self.LEFT - 8, 1)
        return c.clamp(c.start_s + (x - self.LEFT) / width * c.duration_s)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.comparison is not None and event.button() == Qt.MouseButton.LeftButton:
            self.seekRequested.emit(self.time_at(event.position().x()))

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.comparison is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self.seekRequested.emit(self.time_at(event.position().x()))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        c = self.comparison
        if c is None:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Open two videos")
            return
        right = self.width() - 8
        top = 4
        for d in self.differences:
            x0, x1 = self.x_of(d.start_s), self.x_of(d.end_s)
            painter.fillRect(QRectF(x0, top, x1 - x0, 2 * self.LANE_H), _DIFF)
        self._draw_loop_span(painter, top, self.lanes_height())
        for k, which in enumerate("ab"):
            y = top + k * self.LANE_H
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(0, y, self.LEFT - 4, self.LANE_H), Qt.AlignCenter, "AB"[k])
            painter.setPen(QPen(QColor(170, 170, 170)))
            painter.drawRect(QRectF(self.LEFT, y + 2, right - self.LEFT, self.LANE_H - 4))
            sync = c.sync_of(which)
            covered0 = self.x_of(-sync)
            covered1 = self.x_of(c.side(which).end_s - sync)
            painter.fillRect(
                QRectF(self.LEFT, y + 2, covered0 - self.LEFT, self.LANE_H - 4), _OUTSIDE
            )
            painter.fillRect(QRectF(covered1, y + 2, right - covered1, self.LANE_H - 4), _OUTSIDE)
            self._draw_result(painter, self.results[k], sync, y + 2, self.LANE_H - 4)
            self._draw_marks(painter, which, y + 2, self.LANE_H - 4)
        if self.angle_label:
            for k in range(2):
                y = top + 2 * self.LANE_H + k * self.ANGLE_H
                self._draw_angle(painter, k, y + 1, self.ANGLE_H - 2, right)
        axis_y = top + self.lanes_height()
        self._draw_loop_ends(painter, top, self.lanes_height())
        painter.setPen(self.palette().text().color())
        for t, label in axis_ticks(c.start_s, c.end_s):
            x = self.x_of(t)
            painter.drawLine(int(x), axis_y, int(x), axis_y + 4)
            painter.drawText(QRectF(x - 30, axis_y + 4, 60, 16), Qt.AlignCenter, label)
        x = self.x_of(0.0)
        painter.setPen(QPen(_SYNC, 2))
        painter.drawLine(int(x), top, int(x), axis_y)
        x = self.x_of(self.t)
        painter.setPen(QPen(_PLAYHEAD, 2))
        painter.drawLine(int(x), top, int(x), axis_y + 2)

    def _draw_angle(self, painter: QPainter, k: int, y: float, h: float, right: float) -> None:
        """Side k's angle as a curve in its lane (gaps where not measured), both sides on
        one degree scale, its range written at the left."""
        painter.setPen(QPen(QColor(170, 170, 170)))
        painter.drawRect(QRectF(self.LEFT, y, right - self.LEFT, h))
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(0, y, self.LEFT - 2, h), Qt.AlignCenter, "AB"[k] + "°")
        trace = self.angles[k]
        if trace is None:
            painter.setPen(QColor(120, 120, 120))
            painter.drawText(
                QRectF(self.LEFT + 6, y, 400, h),
                Qt.AlignVCenter,
                f"{self.angle_label}: not measured on {'AB'[k]}",
            )
            return
        low, high = self.angle_range
        span = max(high - low, 1e-6)
        painter.setPen(QPen(_ANGLE, 1.5))
        for run in trace.runs:
            points = [(self.x_of(t), y + h - 2 - (h - 4) * (d - low) / span) for t, d in run]
            for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
                painter.drawLine(int(x0), int(y0), int(x1), int(y1))
            if len(points) == 1:
                painter.drawPoint(int(points[0][0]), int(points[0][1]))
        painter.setPen(QColor(110, 110, 110))
        scale_box = QRectF(right - 303, y + 1, 300, h - 2)  # at the right, off most curves
        top_right = Qt.AlignTop | Qt.AlignRight
        painter.drawText(scale_box, top_right, f"{trace.label} {high:.0f}°")
        painter.drawText(scale_box, Qt.AlignBottom | Qt.AlignRight, f"{low:.0f}°")

    def _draw_marks(self, painter: QPainter, which: str, y: float, h: float) -> None:
        """Side `which`'s marks: a thin line across its lane and a flag at the top."""
        k = "ab".index(which)
        for t, mark in marks_on_axis(self.comparison, which, self.notes[k].marks):
            colour = QColor(*KIND_RGB.get(mark.kind, KIND_RGB["comment"]))
            x = self.x_of(t)
            painter.setPen(QPen(colour, 1))
            painter.drawLine(int(x), int(y), int(x), int(y + h))
            painter.fillRect(QRectF(x, y, 7, 6), colour)

    def _draw_loop_span(self, painter: QPainter, top: float, height: float) -> None:
        """The A-B loop's span, shaded under the lanes."""
        if self.loop.active:
            first, last = self.loop.span
            x0, x1 = self.x_of(first), self.x_of(last)
            painter.fillRect(QRectF(x0, top, x1 - x0, height), _LOOP)

    def _draw_loop_ends(self, painter: QPainter, top: float, height: float) -> None:
        """Each loop end that is set: a green line over the lanes, its letter in a tab."""
        for name, end in (("A", self.loop.a), ("B", self.loop.b)):
            if end is None:
                continue
            x = self.x_of(end)
            painter.setPen(QPen(_LOOP_END, 2))
            painter.drawLine(int(x), int(top), int(x), int(top + height))
            tab = QRectF(x - 6, top, 12, 13)
            painter.fillRect(tab, _LOOP_END)
            painter.setPen(QColor(255, 255, 255))
            painter.drawText(tab, Qt.AlignCenter, name)

    def _draw_result(
        self, painter: QPainter, result: AnalysisResult | None, sync: float, y: float, h: float
    ) -> None:
        if result is None:
            painter.setPen(QColor(120, 120, 120))
            painter.drawText(QRectF(self.LEFT + 6, y, 300, h), Qt.AlignVCenter, "not analysed")
            return
        half = h / 2
        if result.dynamic:
            peak = max(s.weight for s in result.dynamic) or 1.0
            for seg in result.dynamic:
                x0, x1 = self.x_of(seg.start_s - sync), self.x_of(seg.end_s - sync)
                bar = (half - 2) * seg.weight / peak
                painter.fillRect(
                    QRectF(x0 + 0.5, y + half - bar, max(1.0, x1 - x0 - 1), bar),
                    QColor(*DYNAMIC_RGB),
                )
        if result.static:
            peak = max(f.weight for f in result.static) or 1.0
            painter.setPen(QPen(QColor(*STATIC_RGB), 2))
            for frame in result.static:
                x = self.x_of(frame.time_s - sync)
                stem = (half - 3) * frame.weight / peak
                painter.drawLine(int(x), int(y + h - 1), int(x), int(y + h - 1 - stem))


class OverlayView(QWidget):
    """B's frame blended over A's, aligned at the sync point by the linked transport; where B
    goes over A is app.compare's `overlay_placement`."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.image_a: QImage | None = None
        self.image_b: QImage | None = None
        self.settings = OverlaySettings(enabled=True)
        self.setMinimumSize(200, 150)

    def set_images(self, image_a: QImage | None, image_b: QImage | None) -> None:
        self.image_a, self.image_b = image_a, image_b
        self.update()

    def set_settings(self, settings: OverlaySettings) -> None:
        self.settings = settings
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(12, 12, 12))
        a, b = self.image_a, self.image_b
        if a is None or a.isNull():
            return
        scale = min(self.width() / a.width(), self.height() / a.height())
        x0 = (self.width() - a.width() * scale) / 2
        y0 = (self.height() - a.height() * scale) / 2
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        target = QRectF(x0, y0, a.width() * scale, a.height() * scale)
        painter.drawImage(target, a)
        if b is not None and not b.isNull():
            x, y, w, h = overlay_placement(
                (a.width(), a.height()), (b.width(), b.height()), self.settings
            )
            painter.setClipRect(target)
            painter.setOpacity(self.settings.opacity)
            painter.drawImage(QRectF(x0 + x * scale, y0 + y * scale, w * scale, h * scale), b)


class _Side:
    """One side's widgets and data."""

    def __init__(self, window: CompareWindow, which: str) -> None:
        self.which = which
        self.path: Path | None = None
        self.result: AnalysisResult | None = None
        self.info: VideoInfo | None = None
        self.player = Player(window)
        for action in list(self.player.actions()):  # the window's transport has the keys
            self.player.removeAction(action)
        p = self.player
        # Two players side by side fit 1280 pixels: each keeps frame steps, play and its
        # position; speed, go-to and the A-B loop are the window's (or left for later).
        for widget in (p.speed_combo, p.back_second, p.next_second, p.goto_edit, p.one_button):
            widget.hide()
        for widget in (p.loop_a_button, p.loop_b_button):
            widget.hide()
        self.title = QLabel(f"{which.upper()}: no video", window)
        self.title.setObjectName(f"compareTitle{which.upper()}")
        self.title.setStyleSheet("font-weight: bold;")
        self.open_button = QPushButton("Open…", window)
        self.open_button.setToolTip("Open a video or an analysis JSON for this side")
        self.sync_button = QPushButton("Set sync here", window)
        self.sync_button.setToolTip(
            "This side's sync point becomes the frame it shows (the common time's 0)"
        )
        self.sync_label = QLabel("sync —", window)
        self.notes = SideNotes()  # the judges' marks and panel score from the library
        self.filler = gui_job_runner(f"judgeapp-compare-frames-{which}")

    def own_controls(self) -> list[QWidget]:
        p = self.player
        return [p.slider, p.back_frame, p.play_button, p.next_frame]


class CompareWindow(QMainWindow):
    """Two routines side by side; see the module's description."""

    def __init__(self, parent=None, library: NotesLibrary | None = None) -> None:
        """`library`: where each side's judges' marks and panel score are read (None: none)."""
        super().__init__(parent)
        self.library = library
        self.store = ComparisonStore.of(library)  # saved comparisons; None without a library
        self.saved: ComparisonRecord | None = None  # the saved comparison shown, if any
        self._saved_id: int | None = None  # its id, kept while an undo has removed it
        self._applying = False  # a saved state is being shown: not an edit of the user's
        self._hasher = gui_job_runner("judgeapp-compare-save")  # reads unknown videos' hashes
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowTitle("Compare routines — judgeapp")
        self.transport: CompareTransport | None = None
        self.differences: list[Difference] = []
        self._moving = False  # the window is moving the players: their echoes are not the user's
        self.sides = {w: _Side(self, w) for w in "ab"}
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.exporter = ReportExporter(self)  # one export at a time, with progress and Cancel
        self.exporter.failed.connect(lambda message: self.statusBar().showMessage(message, 15_000))
        self.exporter.done.connect(
            lambda path: self.statusBar().showMessage(f"wrote {path}", 10_000)
        )
        self._build()
        self._build_actions()
        self._refresh()

    # --- layout -----------------------------------------------------------------------------
    def _tool(self, icon: QStyle.StandardPixmap, tip: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(self.style().standardIcon(icon))
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def _build(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        players = QGridLayout()
        for column, side in enumerate(self.sides.values()):
            head = QHBoxLayout()
            head.addWidget(side.title, 1)
            head.addWidget(side.open_button)
            players.addLayout(head, 0, column)
            players.addWidget(side.player, 1, column)
            sync_row = QHBoxLayout()
            sync_row.addWidget(side.sync_button)
            sync_row.addWidget(side.sync_label, 1)
            players.addLayout(sync_row, 2, column)
            side.open_button.clicked.connect(lambda _c=False, w=side.which: self.open_dialog(w))
            side.sync_button.clicked.connect(lambda _c=False, w=side.which: self.set_sync_here(w))
            side.player.positionChanged.connect(lambda _i, t, w=side.which: self._side_moved(w, t))
        self.overlay_view = OverlayView(self)
        self.overlay_view.setToolTip("B blended over A, aligned at the sync points")
        self.overlay_view.hide()
        players.addWidget(self.overlay_view, 1, 0, 1, 2)
        players.setRowStretch(1, 1)
        layout.addLayout(players, 1)

        sp = QStyle.StandardPixmap
        self.back_button = self._tool(
            sp.SP_MediaSkipBackward, "Back one step (Left)", lambda: self.step(-1)
        )
        self.play_button = self._tool(
            sp.SP_MediaPlay, "Play / pause both (Space)", self.toggle_play
        )
        self.next_button = self._tool(
            sp.SP_MediaSkipForward,
            "Forward one step (Right): the next frame of either side",
            lambda: self.step(1),
        )
        self.speed_combo = QComboBox(self)
        self.speed_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for speed in _SPEEDS:
            self.speed_combo.addItem(f"{speed:g}×", speed)
        self.speed_combo.setCurrentIndex(_SPEEDS.index(1.0))
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.setToolTip("Common time (0 = the sync points)")
        self.slider.valueChanged.connect(self._slider_moved)
        self.time_label = QLabel("—", self)
        self.time_label.setObjectName("compareTime")
        self.time_label.setMinimumWidth(
            self.time_label.fontMetrics().horizontalAdvance("+0:00.00 of 0:00.00") + 8
        )
        self.link_button = QPushButton("Linked", self)
        self.link_button.setCheckable(True)
        self.link_button.setChecked(True)
        self.link_button.setToolTip(
            "Linked: one transport drives both. Unlink to move one side on its own; linking "
            "again makes the frames shown one moment"
        )
        self.link_button.toggled.connect(self.set_linked)
        self.goto_edit = goto_field(
            self,
            "compareGoto",
            f"Go to {GOTO_COMMON_HELP} (Ctrl+G); Enter goes there",
            widest="A 00:00.0",
            pad_px=14,
            go_to=self.go_to,
        )
        self.loop_a_button = self._text_tool("A", "Loop start A here, common time ([)", "a")
        self.loop_b_button = self._text_tool("B", "Loop end B here, common time (])", "b")
        self.loop_clear_button = self._text_tool("⟲", "Clear the A-B loop (\\)", None)
        self.loop_clear_button.setObjectName("compareLoopClear")
        transport = QHBoxLayout()
        for widget in (self.back_button, self.play_button, self.next_button, self.speed_combo):
            transport.addWidget(widget)
        transport.addWidget(self.slider, 1)
        transport.addWidget(self.time_label)
        for widget in (
            self.goto_edit,
            self.loop_a_button,
            self.loop_b_button,
            self.loop_clear_button,
        ):
            transport.addWidget(widget)
        transport.addWidget(self.link_button)
        self.overlay_button = QPushButton("Overlay", self)
        self.overlay_button.setCheckable(True)
        self.overlay_button.setToolTip("Show B blended over A, aligned at the sync points")
        self.overlay_button.toggled.connect(lambda on: self.set_overlay(enabled=on))
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.opacity_slider.setRange(0, 100)
        self.opacity_slider.setValue(50)
        self.opacity_slider.setFixedWidth(90)
        self.opacity_slider.setToolTip("B's opacity over A")
        self.opacity_slider.valueChanged.connect(lambda v: self.set_overlay(opacity=v / 100))
        self.offset_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.offset_slider.setRange(-50, 50)
        self.offset_slider.setValue(0)
        self.offset_slider.setFixedWidth(90)
        self.offset_slider.setToolTip("B's horizontal offset, to line the athletes up")
        self.offset_slider.valueChanged.connect(lambda v: self.set_overlay(offset_x=v / 100))
        self.scale_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.scale_slider.setRange(50, 200)
        self.scale_slider.setValue(100)
        self.scale_slider.setFixedWidth(90)
        self.scale_slider.setToolTip("B's size over A (50-200 %, 100 %: as tall as A)")
        self.scale_slider.valueChanged.connect(lambda v: self.set_overlay(scale=v / 100))
        for widget in (
            self.overlay_button,
            self.opacity_slider,
            self.offset_slider,
            self.scale_slider,
        ):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        transport.addWidget(self.overlay_button)
        transport.addWidget(QLabel("opacity", self))
        transport.addWidget(self.opacity_slider)
        transport.addWidget(QLabel("shift", self))
        transport.addWidget(self.offset_slider)
        transport.addWidget(QLabel("size", self))
        transport.addWidget(self.scale_slider)
        layout.addLayout(transport)

        self.timeline = CommonTimeline(self)
        self.timeline.seekRequested.connect(self.seek)
        self.scores_label = QLabel("", self)
        self.scores_label.setObjectName("compareScores")
        self.scores_label.setTextFormat(Qt.TextFormat.RichText)
        self.diff_list = QListWidget(self)
        self.diff_list.setToolTip("Where the attention differs most; click to go there")
        self.diff_list.itemClicked.connect(self._difference_clicked)
        self.diff_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        info = QWidget(self)
        info_layout = QVBoxLayout(info)
        info_layout.setContentsMargins(0, 0, 0, 0)
        info_layout.addWidget(self.scores_label)
        angle_row = QHBoxLayout()
        angle_row.addWidget(QLabel("Angle lanes:", self))
        self.angle_combo = QComboBox(self)
        self.angle_combo.setToolTip(
            "A joint angle of each athlete under the attention lanes (where pose results exist)"
        )
        self.angle_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.angle_combo.currentIndexChanged.connect(lambda _i: self._show_angles())
        angle_row.addWidget(self.angle_combo, 1)
        info_layout.addLayout(angle_row)
        info_layout.addWidget(QLabel("Where the attention differs most:", self))
        info_layout.addWidget(self.diff_list, 1)
        bottom = QSplitter(Qt.Orientation.Horizontal, self)
        bottom.addWidget(self.timeline)
        bottom.addWidget(info)
        bottom.setStretchFactor(0, 3)
        bottom.setStretchFactor(1, 2)
        bottom.setSizes([780, 480])
        bottom.setMaximumHeight(170)
        self.bottom = bottom
        layout.addWidget(bottom)
        self.setCentralWidget(central)

    def _text_tool(self, text: str, tip: str, end: str | None) -> QToolButton:
        """A small loop button: set end `end` ("a" or "b") here, or clear the loop (None)."""
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(
            lambda _c=False: self.set_loop_end(end) if end else self.clear_loop()
        )
        return button

    def _build_actions(self) -> None:
        def action(keys: str, slot) -> QAction:
            a = QAction(self)
            a.setShortcut(QKeySequence(keys))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        self.actions_by_name = {
            "play": action("Space", self.toggle_play),
            "back": action("Left", lambda: self.step(-1)),
            "next": action("Right", lambda: self.step(1)),
            "reverse": action("J", lambda: self.play(-self._speed())),
            "stop": action("K", self.pause),
            "forward": action("L", lambda: self.play(self._speed())),
            "start": action("Home", lambda: self.seek(self._start())),
            "end": action("End", lambda: self.seek(self._end())),
            "goto": action("Ctrl+G", self.focus_goto),
            "loop_a": action("[", lambda: self.set_loop_end("a")),
            "loop_b": action("]", lambda: self.set_loop_end("b")),
            "loop_clear": action("\\", self.clear_loop),
            "save": action("Ctrl+S", self.save_comparison),
            "undo": action("Ctrl+Z", self.undo),
            "redo": action("Ctrl+Shift+Z", self.redo),
        }
        menu = self.menuBar().addMenu("&Comparison")
        for name, text in (
            ("save", "&Save Comparison"),
            ("undo", "&Undo"),
            ("redo", "&Redo"),
        ):
            self.actions_by_name[name].setText(text)
            menu.addAction(self.actions_by_name[name])
        self.export_menu = self.menuBar().addMenu("&Export")
        self.export_actions: dict[str, QAction] = {}
        for suffix, text, tip in (
            (".mp4", "Side-by-Side &Video (MP4)…", "Both videos from the sync points, timelines"),
            (".pdf", "Comparison &PDF…", "Scores, differences, timelines and the sync frames"),
            (".html", "Comparison &Page (HTML)…", "Scores, differences and timelines"),
        ):
            a = self.export_menu.addAction(text)
            a.setToolTip(tip)
            a.triggered.connect(lambda _c=False, x=suffix: self.choose_export(x))
            self.export_actions[suffix] = a
        self._show_history()

    # --- export ---------------------------------------------------------------------------
    def export_inputs(self) -> CompareInputs:
        """The comparison shown and both analyses; JudgeappError while a side is missing."""
        a, b = self.sides["a"], self.sides["b"]
        if self.transport is None or a.path is None or b.path is None:
            raise JudgeappError("Export: open a video on both sides first")
        for side in (a, b):
            if side.result is None:
                raise JudgeappError(
                    f"{side.path}: not analysed; open its analysis (JSON) to export the comparison"
                )
        return CompareInputs(self.transport.comparison, a.path, a.result, b.path, b.result)

    def choose_export(self, suffix: str) -> None:
        """Ask where to write the comparison (.mp4, .pdf or .html), then write it."""
        try:
            inputs = self.export_inputs()
        except JudgeappError as exc:
            self.statusBar().showMessage(str(exc), 15_000)
            return
        chosen = next(f for f in DIALOG_FILTERS if suffix in f)
        target, _ = ask_save_path(
            self,
            "Export comparison",
            self.exporter.folders,
            inputs.video_a,
            default_file_name(inputs.video_a, inputs.video_b, suffix),
            chosen,
        )
        if target is not None:
            allowed = (".html", ".htm") if suffix == ".html" else (suffix,)
            if target.suffix.lower() not in allowed:  # no suffix typed, or another format's
                target = target.with_name(target.name + suffix)
            self.export_to(target, inputs)

    def export_to(self, target: str | Path, inputs: CompareInputs | None = None) -> None:
        """Write the comparison to `target` (its suffix picks the format) in the background;
        the status bar says "wrote …" or the one line of what went wrong."""
        try:
            inputs = inputs or self.export_inputs()
        except JudgeappError as exc:
            self.statusBar().showMessage(str(exc), 15_000)
            return
        target = Path(target)
        angle = self.angle_combo.currentData() or None  # none chosen: the first one measured
        self.exporter.write_as_job(
            target,
            lambda progress, cancel: write_comparison(target, inputs, angle, progress, cancel),
        )

    # --- sides ----------------------------------------------------------------------------
    def open_dialog(self, which: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, f"Open side {which.upper()}", "", _VIDEO_FILTER)
        if path:
            try:
                self.open_path(which, path)
            except JudgeappError as exc:
                self.statusBar().showMessage(str(exc), 10_000)

    def open_path(self, which: str, path: str | Path) -> None:
        """A video (shown without attention) or an analysis JSON (its video where it says)."""
        path = Path(path)
        if path.suffix.lower() == ".json":
            result = AnalysisResult.load(path)
            self.set_side(which, Path(result.video.path), result)
        else:
            self.set_side(which, path, None)

    def set_side(self, which: str, video: str | Path, result: AnalysisResult | None = None) -> None:
        """Show `video` on side `which` with its analysis (None: not analysed)."""
        side = self.sides[which]
        video = Path(video)
        info = probe(video, with_hash=False)
        if self.saved is not None and str(video) != getattr(self.saved, f"video_{which}_path"):
            self._forget_saved()  # another video: no longer the saved comparison
        side.path, side.result, side.info = video, result, info
        source = FrameSource(video, info)
        side.filler.retire()
        side.player.set_source(source)
        side.filler.start(
            lambda progress, cancel: fill_cache(source.cache, video, info, progress, cancel),
            background=True,
        )
        side.player.set_static_frames(result.static if result else ())
        try:
            side.notes = notes_of(self.library, video, result)
        except JudgeappError as exc:  # a library that cannot be read: the video still opens
            side.notes = SideNotes()
            self.statusBar().showMessage(str(exc), 10_000)
        score = (
            f" — {result.score:.2f} / {result.model.score_max:g}"
            + ("" if result.model.calibrated else " (not calibrated)")
            if result
            else " — not analysed"
        )
        if side.notes.panel is not None:
            score += f" · panel {side.notes.panel.total:.2f}"
        side.title.setText(f"{which.upper()}: {video.name}{score}")
        side.title.setToolTip(str(video))
        self._rebuild()

    def _rebuild(self) -> None:
        a, b = self.sides["a"], self.sides["b"]
        if a.info is None or b.info is None:
            self.transport = None
        else:
            old = self.transport.comparison if self.transport else None
            sync_a = (
                min(old.sync_a_s, a.info.duration_s) if old and old.a.path == str(a.path) else 0.0
            )
            sync_b = (
                min(old.sync_b_s, b.info.duration_s) if old and old.b.path == str(b.path) else 0.0
            )
            comparison = Comparison(SideVideo.of(a.info), SideVideo.of(b.info), sync_a, sync_b)
            self.transport = CompareTransport(comparison)
        with_signals = self.overlay_button.blockSignals(True)
        self.overlay_button.setChecked(False)
        self.overlay_button.blockSignals(with_signals)
        self.overlay_view.hide()
        for side in self.sides.values():
            side.player.show()
        self._refresh()
        self._show()

    # --- transport ------------------------------------------------------------------------
    def _speed(self) -> float:
        return float(self.speed_combo.currentData())

    def _start(self) -> float:
        return self.transport.comparison.start_s if self.transport else 0.0

    def _end(self) -> float:
        return self.transport.comparison.end_s if self.transport else 0.0

    def seek(self, t: float) -> None:
        """Both sides to common time `t` (unlinked: each to its own sync + t)."""
        if self.transport is None:
            return
        self.transport.seek(t)
        self._show()

    def step(self, frames: int) -> None:
        """Linked: to the next (previous) moment either side changes frame."""
        if self.transport is None:
            return
        self.pause()
        if self.transport.linked:
            self.transport.step(frames)
        else:
            for w in "ab":
                self.transport.step_side(w, frames)
        self._show()

    def play(self, velocity: float | None = None) -> None:
        if self.transport is None or not self.transport.linked:
            return
        self.transport.play(self._speed() if velocity is None else velocity)
        self._clock.start()
        self._timer.start()
        self._show_play_state()

    def pause(self) -> None:
        if self.transport is not None:
            self.transport.pause()
        self._timer.stop()
        self._show_play_state()

    def toggle_play(self) -> None:
        if self.transport is not None and self.transport.velocity != 0.0:
            self.pause()
        else:
            self.play()

    def _tick(self) -> None:
        if self.transport is None:
            self._timer.stop()
            return
        elapsed = self._clock.restart() / 1000.0
        self.transport.tick(elapsed)
        if self.transport.velocity == 0.0:
            self.pause()
        self._show()

    def focus_goto(self) -> None:
        self.goto_edit.setFocus()
        self.goto_edit.selectAll()

    def go_to(self, text: str) -> None:
        """Both sides to a typed time (app.compare's parse_common_time); a bad one is a
        message in the status bar, nothing moves."""
        if self.transport is None:
            return
        try:
            self.transport.go_to(text)
        except JudgeappError as exc:
            self.statusBar().showMessage(str(exc), 10_000)
            return
        self.statusBar().clearMessage()
        self.goto_edit.clear()
        self.goto_edit.clearFocus()
        self._show()

    def set_loop_end(self, end: str) -> None:
        """The loop's end A or B at the common time shown now (linked only)."""
        if self.transport is None or not self.transport.linked:
            return
        self.transport.set_loop_end(end)
        self._show_loop()

    def clear_loop(self) -> None:
        if self.transport is not None:
            self.transport.clear_loop()
        self._show_loop()

    def _show_loop(self) -> None:
        loop = self.transport.loop if self.transport else CommonLoop()
        self.timeline.set_loop(loop)
        self.loop_clear_button.setEnabled(loop.a is not None or loop.b is not None)
        self.loop_clear_button.setToolTip(
            f"Clear the {loop.text()} (\\)" if loop.text() else "Clear the A-B loop (\\)"
        )

    def set_linked(self, linked: bool) -> None:
        if self.transport is None:
            return
        self.pause()
        self.transport.set_linked(linked)
        if linked:
            self._record_edit("sync")  # relinking may move a sync point
        self._refresh()
        self._show()

    def set_sync_here(self, which: str) -> None:
        if self.transport is None:
            return
        self.pause()
        self.transport.set_sync_here(which)
        self._record_edit("sync")
        self._refresh()
        self._show()

    def set_overlay(self, **changes: object) -> None:
        """Overlay on or off, B's opacity, offset or scale (app.compare's OverlaySettings)."""
        if self.transport is None:
            return
        self.transport.set_overlay(**changes)
        # One undo step per control: a drag of one slider merges, another control is a new step.
        self._record_edit("overlay " + " ".join(sorted(changes)).replace("offset_x", "shift"))
        self._show_overlay_settings()

    def _show_overlay_settings(self) -> None:
        """The overlay view, button and sliders as the comparison's settings say."""
        overlay = self.transport.comparison.overlay
        for widget, value in (
            (self.overlay_button, overlay.enabled),
            (self.opacity_slider, round(overlay.opacity * 100)),
            (self.offset_slider, round(overlay.offset_x * 100)),
            (self.scale_slider, round(overlay.scale * 100)),
        ):
            blocked = widget.blockSignals(True)
            if isinstance(widget, QPushButton):
                widget.setChecked(bool(value))
            else:
                widget.setValue(int(value))
            widget.blockSignals(blocked)
        self.overlay_view.set_settings(overlay)
        self.overlay_view.setVisible(overlay.enabled)
        for side in self.sides.values():
            side.player.setVisible(not overlay.enabled)
        self._show_overlay()

    # --- saving in the library, undo and redo -------------------------------------------------
    def save_comparison(self) -> None:
        """Save the comparison in the library (over the saved one, if this is one)."""
        if self.transport is None or self.store is None:
            why = "open two videos first" if self.store else "no library to save it in"
            self.statusBar().showMessage(f"Cannot save the comparison: {why}", 10_000)
            return
        a, b = self.sides["a"], self.sides["b"]
        infos, to_read = self.store.with_hashes((a.info, b.info), (a.result, b.result))
        if not to_read:
            self._save(infos)
            return
        self.statusBar().showMessage("Reading the videos' content to save the comparison…")

        def hashed(hashes: dict[Path, str]) -> None:
            filled = [replace(i, sha256=i.sha256 or hashes.get(Path(i.path), "")) for i in infos]
            self._save((filled[0], filled[1]))

        self._hasher.start(
            hashes_job(to_read),
            on_done=hashed,
            on_failed=lambda message: self.statusBar().showMessage(message, 10_000),
        )

    def _save(self, infos: tuple[VideoInfo, VideoInfo]) -> None:
        """Save with both videos' hashes known (the sides still the ones hashed)."""
        a, b = self.sides["a"], self.sides["b"]
        shown = [str(side.path) for side in (a, b)]
        if self.transport is None or [str(Path(i.path)) for i in infos] != shown:
            return  # a side was opened anew meanwhile: that comparison is not this one
        try:
            self.saved = self.store.save(
                self.transport.comparison, infos, (a.result, b.result), self.saved
            )
        except JudgeappError as exc:
            self.statusBar().showMessage(str(exc), 10_000)
            return
        self._saved_id = self.saved.id
        self.statusBar().showMessage(f"Saved the comparison {self.saved.name!r} in the library")
        self._show_history()

    def _record_edit(self, what: str) -> None:
        """A change of the sync points ("sync") or the overlay ("overlay") of a saved
        comparison is saved as an undoable step."""
        if self._applying or self.saved is None or self.store is None or self.transport is None:
            return
        try:
            self.saved = self.store.edit(self.saved, self.transport.comparison, what)
        except JudgeappError as exc:
            self.statusBar().showMessage(str(exc), 10_000)
        self._show_history()

    def undo(self) -> None:
        self._history(undo=True)

    def redo(self) -> None:
        self._history(undo=False)

    def _history(self, undo: bool) -> None:
        if self.store is None:
            return
        self.pause()
        try:
            done = self.store.undo() if undo else self.store.redo()
        except JudgeappError as exc:
            self.statusBar().showMessage(str(exc), 10_000)
            return
        if not done:
            return
        record = self.store.get(self._saved_id) if self._saved_id is not None else None
        self.saved = record
        if record is not None:
            self.apply_record(record)
        else:
            self.statusBar().showMessage("The comparison is no longer saved (Redo saves it)")
        self._show_history()

    def _show_history(self) -> None:
        stack = self.store.undo_stack if self.store else None
        for name, can, label in (
            ("undo", stack is not None and stack.can_undo, stack.undo_label if stack else ""),
            ("redo", stack is not None and stack.can_redo, stack.redo_label if stack else ""),
        ):
            action = self.actions_by_name[name]
            action.setEnabled(can)
            action.setText(f"&{name.capitalize()} {label}".rstrip())
        title = f" — {self.saved.name}" if self.saved else ""
        self.setWindowTitle(f"Compare routines{title} — judgeapp")

    def _forget_saved(self) -> None:
        self.saved = None
        self._saved_id = None
        if self.store is not None:
            self.store.undo_stack.clear()
        self._show_history()

    def apply_record(self, record: ComparisonRecord) -> None:
        """Show a saved state: its sync points and overlay (not recorded as a new edit)."""
        if self.transport is None:
            return
        self._applying = True
        try:
            t = self.transport
            t.comparison = with_record(t.comparison, record)
            t.clear_loop()
            if t.linked:
                t.seek(t.t)
            else:
                t.own = {w: t.comparison.sync_of(w) for w in "ab"}
            self._show_overlay_settings()
            self._refresh()
            self._show()
        finally:
            self._applying = False

    def show_saved(self, opened: OpenedComparison) -> None:
        """Open a saved comparison: its two videos (with their stored results), its sync
        points and overlay; the common time at the sync points."""
        self._forget_saved()
        self.set_side("a", opened.path_a, opened.result_a)
        self.set_side("b", opened.path_b, opened.result_b)
        self.saved = opened.record
        self._saved_id = opened.record.id
        self.apply_record(opened.record)
        self.seek(0.0)
        self._show_history()

    def _show_overlay(self) -> None:
        if self.overlay_view.isVisible():
            a, b = (self.sides[w].player.current_image() for w in "ab")
            self.overlay_view.set_images(a, b)

    def _side_moved(self, which: str, time_s: float) -> None:
        """A side's own controls moved it (unlinked only; linked moves are the window's)."""
        self._show_overlay()
        if self.transport is None or self.transport.linked or self._moving:
            return
        side = self.transport.comparison.side(which)
        if side.index_at(self.transport.own[which]) != side.index_at(time_s):
            self.transport.seek_side(which, time_s)
            self._show_labels()

    def _slider_moved(self, value: int) -> None:
        if self.transport is not None and not self._moving:
            self.seek(value / 1000.0)

    def _difference_clicked(self, item: QListWidgetItem) -> None:
        d = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(d, Difference):
            self.seek(d.start_s)

    # --- drawing --------------------------------------------------------------------------
    def _refresh(self) -> None:
        """Everything that changes with the comparison (not with the time)."""
        t = self.transport
        on = t is not None
        for w in (
            self.back_button,
            self.play_button,
            self.next_button,
            self.slider,
            self.link_button,
            self.overlay_button,
            self.opacity_slider,
            self.offset_slider,
            self.scale_slider,
            self.goto_edit,
        ):
            w.setEnabled(on)
        for w in (self.loop_a_button, self.loop_b_button):
            w.setEnabled(on and t.linked)
        self._show_loop()
        for which, side in self.sides.items():
            side.sync_button.setEnabled(on)
            for control in side.own_controls():
                control.setEnabled(side.info is not None and (not on or not t.linked))
            side.sync_label.setText(
                f"sync {format_time(t.comparison.sync_of(which))}" if on else "sync —"
            )
        self.link_button.setText("Linked" if not on or t.linked else "Unlinked")
        ra, rb = self.sides["a"].result, self.sides["b"].result
        if on:
            c = t.comparison
            self._moving = True
            self.slider.setRange(round(c.start_s * 1000), round(c.end_s * 1000))
            self._moving = False
            self.differences = differences(c, ra, rb) if ra and rb else []
        else:
            self.differences = []
        notes = [self.sides[w].notes for w in "ab"]
        self.timeline.set_data(t.comparison if on else None, [ra, rb], self.differences, notes)
        self._fill_angle_choices(ra, rb)
        self.diff_list.clear()
        for k, d in enumerate(self.differences, start=1):
            leans = "B" if d.gap > 0 else "A"
            item = QListWidgetItem(
                f"{k}. {signed_time(d.start_s)} to {signed_time(d.end_s)}: A {d.share_a:.0%}, "
                f"B {d.share_b:.0%} (more on {leans})"
            )
            item.setData(Qt.ItemDataRole.UserRole, d)
            self.diff_list.addItem(item)
        if ra and rb and not self.differences:
            self.diff_list.addItem("The attention does not differ noticeably.")
        rows = []
        if ra and rb:
            for row in score_rows(ra, rb, notes[0].panel, notes[1].panel):
                a = "—" if row.a is None else f"{row.a[0]:.2f}"
                b = "—" if row.b is None else f"{row.b[0]:.2f}"
                delta = "" if row.delta is None else f" (B − A {row.delta:+.2f})"
                panel = ""
                if row.panel_a is not None or row.panel_b is not None:
                    pa = "—" if row.panel_a is None else f"{row.panel_a:.2f}"
                    pb = "—" if row.panel_b is None else f"{row.panel_b:.2f}"
                    panel = f"; panel A {pa} · B {pb}"
                rows.append(f"<b>{row.target}</b>: A {a} · B {b} / {row.score_max:g}{delta}{panel}")
        if any(r is not None and not r.model.calibrated for r in (ra, rb)):
            rows.append(
                "<i>Not calibrated: a demo score (random video networks or an untrained "
                "scoring model), not a judgement of either routine.</i>"
            )
        self.scores_label.setText("<br>".join(rows) or "Scores: open two analysed videos")

    def _fill_angle_choices(self, ra: AnalysisResult | None, rb: AnalysisResult | None) -> None:
        """The angles either side measured (the chosen one kept where it still is one)."""
        chosen = self.angle_combo.currentData() or ""
        blocked = self.angle_combo.blockSignals(True)
        self.angle_combo.clear()
        self.angle_combo.addItem("none", "")
        for name, label in comparison_angle_choices(ra, rb):
            self.angle_combo.addItem(label, name)
        index = self.angle_combo.findData(chosen)
        self.angle_combo.setCurrentIndex(max(index, 0))
        self.angle_combo.setEnabled(self.angle_combo.count() > 1)
        self.angle_combo.blockSignals(blocked)
        self._show_angles()

    def set_angle(self, name: str) -> None:
        """Show angle `name` of both sides in the angle lanes ("" hides them)."""
        self.angle_combo.setCurrentIndex(max(self.angle_combo.findData(name), 0))
        self._show_angles()

    def _show_angles(self) -> None:
        name = self.angle_combo.currentData() or ""
        t = self.transport
        if not name or t is None:
            self.timeline.set_angles("", [None, None], (0.0, 180.0))
            self.bottom.setMaximumHeight(170)
            return
        traces = [angle_on_axis(t.comparison, w, self.sides[w].result, name) for w in "ab"]
        self.timeline.set_angles(self.angle_combo.currentText(), traces, angle_scale(traces))
        self.bottom.setMaximumHeight(170 + 2 * CommonTimeline.ANGLE_H)

    def _show(self) -> None:
        """Ask each player for its frame and move the common read-outs."""
        t = self.transport
        if t is None:
            return
        self._moving = True
        try:
            for which, index in zip("ab", t.frames(), strict=True):
                player = self.sides[which].player
                if player.target_index != index:
                    player.seek(index)
            self.slider.setValue(round(t.t * 1000))
        finally:
            self._moving = False
        self.timeline.set_time(t.t)
        self._show_labels()

    def _show_labels(self) -> None:
        t = self.transport
        if t is None:
            return
        if t.linked:
            self.time_label.setText(f"{signed_time(t.t)} of {format_time(t.comparison.end_s)}")
        else:
            a, b = t.own_time("a"), t.own_time("b")
            self.time_label.setText(f"A {format_time(a)} · B {format_time(b)}")

    def _show_play_state(self) -> None:
        playing = self.transport is not None and self.transport.velocity != 0.0
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(icon))

    # --- closing --------------------------------------------------------------------------
    def shutdown(self) -> None:
        self._timer.stop()
        self.exporter.wait()
        self._hasher.shutdown()
        for side in self.sides.values():
            side.filler.shutdown()
            side.player.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """The main window closing closes this one first (its frame loaders stop)."""
        if watched is self.parent() and event.type() == QEvent.Type.Close:
            self.close()
        return False


def open_saved_comparison(library, comparison_id: int, parent=None) -> CompareWindow:
    """A comparison window showing a saved comparison (library: the app's LibraryService).
    JudgeappError (one line naming the missing file) when a video cannot be found; no window
    is made then."""
    store = ComparisonStore.of(library)
    if store is None:
        raise JudgeappError("no library to open the comparison from")
    opened = store.open(comparison_id)
    window = CompareWindow(parent, library)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    if parent is not None:
        parent.installEventFilter(window)
    window.resize(1280, 800)
    window.show_saved(opened)
    window.show()
    return window


def open_compare_window(main) -> CompareWindow:
    """The main window's "Compare Two Routines…": a comparison window with the open video (and
    its result) as side A; side B is opened from its "Open…" button."""
    services = (getattr(e, "service", None) for e in getattr(main, "extensions", ()))
    window = CompareWindow(main, next((s for s in services if s is not None), None))
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    store = getattr(main, "store", None)
    if store is not None:  # exports open where the main window's last export went
        window.exporter.folders = ExportFolders(QSettingsValues(store.qsettings))
    main.installEventFilter(window)
    window.resize(1280, 800)
    source = getattr(main.session, "source", None)
    outcome = getattr(main, "outcome", None)
    if source is not None:
        result = outcome.result if outcome is not None else None
        try:
            window.set_side("a", source.path, result)
        except JudgeappError as exc:
            window.statusBar().showMessage(str(exc), 10_000)
    window.show()
    return window
