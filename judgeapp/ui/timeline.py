"""The attention timeline: where the model looked, on the video's time axis (pyqtgraph).

Draws a TimelineModel (app.attention_view) as it is: the dynamic weights as one step per
segment, the static weights as one point per athlete frame, the uniform weight 1/N of each
stream, the top segments shaded, and a playhead. The playhead follows the player through
`set_playhead`, which emits nothing; only the user's drag or click emits `seekRequested`, so the
two never loop. Other layers (judges' marks) can be added with `add_layer`; they sit below the
playhead, which is solid and in the foreground colour (marks are dashed in their kind's colour),
so a mark at the playhead never hides it. The player's A-B loop is shaded with `set_loop`.

Where the model scored only part of the video (the centred window it was trained on), the parts
outside it are shaded grey with "not scored" on them and a tooltip saying why
(app/score_view.scored_window). A zoomed view follows the playhead: when the player moves it
out of sight (playing on, N, a go-to) the view pages to keep it visible (app/zoom.follow_range).

Below the plot, on the same time axis, the disagreement lane (`set_disagreement`) shows each
judge's deduction as a triangle coloured by the model's attention percentile there, and the
attended moments no judge marked as orange spans; clicking one seeks there.

Under it the angle lane (`set_angle_choices`, `set_angle_lane`) draws one joint angle of the
athlete (an AngleLane of app/pose_view.py) on the same time axis: a gap where the angle was not
measured, its amplitude peaks as small triangles, a dashed reference line (180° unless edited)
and the playhead; a chooser picks the angle, clicking the lane seeks.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.attention_view import TimelineModel, polyline_steps
from judgeapp.app.disagreement_view import UNMARKED_RGB, LaneModel, lane_legend_html
from judgeapp.app.marks_view import mark_rgb
from judgeapp.app.player_view import format_clock
from judgeapp.app.pose_view import DEFAULT_REFERENCE_DEG, AngleLane
from judgeapp.app.score_view import ScoredWindow, scored_window
from judgeapp.app.zoom import follow_range
from judgeapp.core.marks import MARK_KINDS

DYNAMIC_COLOR = QColor(74, 163, 255)
STATIC_COLOR = QColor(255, 159, 64)
SHADE_COLOR = QColor(74, 163, 255, 48)
LOOP_COLOR = QColor(160, 90, 220, 40)
UNSCORED_COLOR = QColor(128, 128, 128, 90)
UNSCORED_TEXT = QColor(110, 110, 110)
PLAYHEAD_COLOR = QColor(150, 150, 150)  # pyqtgraph's foreground, until apply_colors
PLAYHEAD_Z = 30  # above the marks (mark_lines.MARK_Z) and every curve
ANGLE_COLOR = QColor(0, 176, 96)
REFERENCE_COLOR = QColor(214, 64, 64)
ANGLE_LANE_HEIGHT = 84
AXIS_TITLE = "weight"
LEGEND_TIP = (
    "Segments: the weight of each 3.2 s piece of movement (the dynamic stream). Athlete frames: "
    "the weight of the athlete's picture once a second (the static stream). Uniform 1/N: the "
    "weight every moment would have if all counted the same. Top segments: the most attended. "
    "Not scored: outside the part of the video the model scores."
)
AXIS_TIP = (
    "Attention weight: how much each moment counted in the score (each stream's weights add "
    "up to 1)"
)


def _legend_html(playhead: QColor = PLAYHEAD_COLOR, unscored: bool = False) -> str:
    """One line naming what each colour is (kept off the plot so it never hides data)."""
    dyn, sta, shade = DYNAMIC_COLOR.name(), STATIC_COLOR.name(), SHADE_COLOR.name()
    grey = UNSCORED_COLOR.name()
    not_scored = (
        f"&nbsp;&nbsp;<span style='background:{grey}'>&nbsp;&nbsp;&nbsp;&nbsp;</span> not scored"
        if unscored
        else ""
    )
    head = playhead.name()
    marks = "".join(
        f"<span style='color:{QColor(*mark_rgb(kind)).name()}'>┆</span>" for kind in MARK_KINDS
    )
    return (
        f"&nbsp;<span style='color:{dyn}'>━━</span> segments &nbsp;&nbsp;"
        f"<span style='color:{sta}'>●</span> athlete frames &nbsp;&nbsp;"
        f"<span style='color:{dyn}'>╌╌</span><span style='color:{sta}'>╌╌</span> "
        f"uniform 1/N &nbsp;&nbsp;"
        f"<span style='background:{shade}; color:{dyn}'>&nbsp;&nbsp;&nbsp;&nbsp;</span> "
        f"top segments{not_scored} &nbsp;&nbsp;<span style='color:{head}'>┃</span> playhead "
        f"&nbsp;&nbsp;{marks} marks"
    )


class AttentionTimeline(QWidget):
    """Attention weights over time, with a playhead synced to the player."""

    seekRequested = Signal(float)  # seconds
    angleChosen = Signal(str)  # the angle lane's angle (core.posture name)
    referenceChanged = Signal(float)  # the angle lane's reference line, degrees

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(self)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setLabel("bottom", "time", units="s")
        # A short title: the axis is as tall as the plot (about 80 px in a 1280x800 window),
        # and "attention weight" written up it was cut to "attention weigh".
        self.plot.setLabel("left", AXIS_TITLE)
        self.plot.getAxis("left").setWidth(56)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.getAxis("left").setToolTip(AXIS_TIP)
        self.plot.setMinimumHeight(120)
        self.plot_item = self.plot.getPlotItem()
        self.view_box = self.plot_item.getViewBox()

        self._shades: list[pg.LinearRegionItem] = []
        self._unscored: list[pg.LinearRegionItem] = []
        self._unscored_labels: list[pg.TextItem] = []
        self.scored: ScoredWindow | None = None
        self._playhead_color = PLAYHEAD_COLOR
        self.steps = pg.PlotDataItem(pen=pg.mkPen(DYNAMIC_COLOR, width=2), connect="finite")
        self.points = pg.ScatterPlotItem(size=7, pen=pg.mkPen(None), brush=pg.mkBrush(STATIC_COLOR))
        self.uniform_dynamic = pg.InfiniteLine(
            angle=0, pen=pg.mkPen(DYNAMIC_COLOR, width=1, style=Qt.PenStyle.DashLine)
        )
        self.uniform_static = pg.InfiniteLine(
            angle=0, pen=pg.mkPen(STATIC_COLOR, width=1, style=Qt.PenStyle.DashLine)
        )
        self.playhead = pg.InfiniteLine(
            pos=0.0,
            angle=90,
            movable=True,
            pen=pg.mkPen(PLAYHEAD_COLOR, width=2),
            hoverPen=pg.mkPen(PLAYHEAD_COLOR, width=4),
        )
        self.playhead.setZValue(PLAYHEAD_Z)
        self.loop_region = pg.LinearRegionItem(
            (0.0, 0.0), movable=False, brush=pg.mkBrush(LOOP_COLOR), pen=pg.mkPen(None)
        )
        self.loop_region.setZValue(-5)
        self.loop_region.hide()
        for item in (self.steps, self.points, self.uniform_dynamic, self.uniform_static):
            self.plot_item.addItem(item)
        self.plot_item.addItem(self.playhead, ignoreBounds=True)
        self.plot_item.addItem(self.loop_region, ignoreBounds=True)
        self.uniform_dynamic.hide()
        self.uniform_static.hide()
        self.legend = QLabel(_legend_html(), self)
        self.legend.setObjectName("timelineLegend")
        self.legend.setWordWrap(True)  # a narrow window wraps it instead of growing
        self.legend.setToolTip(LEGEND_TIP)
        self.legend.hide()

        self.playhead.sigDragged.connect(self._playhead_dragged)
        self.view_box.sigRangeChanged.connect(lambda *_: self._place_unscored_labels())
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)
        self._build_lane()
        layout.addWidget(self.lane_legend)
        layout.addWidget(self.lane)
        self._build_angle_lane()
        layout.addWidget(self.angle_bar)
        layout.addWidget(self.angle_plot)

        self.model: TimelineModel | None = None
        self.duration_s = 0.0
        self.set_duration(0.0)

    # --- content -------------------------------------------------------------------------------
    def set_duration(self, duration_s: float) -> None:
        """The video's length: the time axis spans it (before any analysis too)."""
        self.duration_s = max(duration_s, 0.0)
        span = max(self.duration_s, 1.0)
        self.view_box.setLimits(xMin=0.0, xMax=span, minXRange=min(0.5, span), maxXRange=span)
        self.playhead.setBounds((0.0, span))
        self.reset_view()

    def set_model(self, model: TimelineModel | None) -> None:
        """Draw an analysis (None clears the attention, keeping the playhead)."""
        self.model = model
        for shade in self._shades:
            self.plot_item.removeItem(shade)
        self._shades.clear()
        self._show_unscored(None)
        if model is None:
            self.steps.setData([], [])
            self.points.setData([], [])
            self.uniform_dynamic.hide()
            self.uniform_static.hide()
            self.legend.hide()
            self.reset_view()
            return
        self.set_duration(model.duration_s)
        self.steps.setData(np.asarray(model.step_x, float), np.asarray(model.step_y, float))
        self.points.setData(np.asarray(model.point_x, float), np.asarray(model.point_y, float))
        self._set_uniform(self.uniform_dynamic, model.uniform_dynamic)
        self._set_uniform(self.uniform_static, model.uniform_static)
        for start_s, end_s in model.shaded:
            shade = pg.LinearRegionItem(
                (start_s, end_s),
                movable=False,
                brush=pg.mkBrush(SHADE_COLOR),
                pen=pg.mkPen(None),
            )
            shade.setZValue(-10)
            self.plot_item.addItem(shade, ignoreBounds=True)
            self._shades.append(shade)
        self._show_unscored(scored_window(model.steps, model.duration_s, model.point_y))
        self.legend.show()
        self.reset_view()

    def _show_unscored(self, window: ScoredWindow | None) -> None:
        """Shade the parts of the video the model did not score, "not scored" on each, the
        reason in their tooltip (None: it scored the whole video)."""
        for item in (*self._unscored, *self._unscored_labels):
            self.plot_item.removeItem(item)
        self._unscored.clear()
        self._unscored_labels.clear()
        self.scored = window
        self.legend.setText(_legend_html(self._playhead_color, window is not None))
        if window is None:
            return
        for start_s, end_s in window.unscored:
            region = pg.LinearRegionItem(
                (start_s, end_s),
                movable=False,
                brush=pg.mkBrush(UNSCORED_COLOR),
                pen=pg.mkPen(None),
            )
            region.setZValue(-8)
            region.setToolTip(window.tooltip)
            self.plot_item.addItem(region, ignoreBounds=True)
            self._unscored.append(region)
            label = pg.TextItem(window.label, color=UNSCORED_TEXT, anchor=(0.5, 0.0))
            label.setToolTip(window.tooltip)
            label.setZValue(-7)
            self.plot_item.addItem(label, ignoreBounds=True)
            self._unscored_labels.append(label)
        self._place_unscored_labels()

    def _place_unscored_labels(self) -> None:
        """Each "not scored" sits at the top of its part, in the middle of what is in sight."""
        if not self._unscored_labels or self.scored is None:
            return
        (x0, x1), (_, y1) = self.view_box.viewRange()
        for label, (start_s, end_s) in zip(
            self._unscored_labels, self.scored.unscored, strict=True
        ):
            a, b = max(start_s, x0), min(end_s, x1)
            label.setVisible(b > a)
            label.setPos((a + b) / 2 if b > a else start_s, y1)

    def unscored_spans(self) -> list[tuple[float, float]]:
        """(start_s, end_s) of each part shaded as not scored."""
        return [tuple(float(v) for v in region.getRegion()) for region in self._unscored]

    # --- the disagreement lane ------------------------------------------------------------------
    def _build_lane(self) -> None:
        self.lane = pg.PlotWidget(self)
        self.lane.setObjectName("disagreementLane")
        self.lane.setMenuEnabled(False)
        self.lane.hideButtons()
        self.lane.setMouseEnabled(x=True, y=False)
        self.lane.setFixedHeight(40)
        self.lane.setXLink(self.plot)
        lane_item = self.lane.getPlotItem()
        lane_item.hideAxis("bottom")
        left = lane_item.getAxis("left")
        left.setWidth(56)  # as the plot's, so the two time axes line up
        left.setTicks([[(0.5, "marks")]])
        lane_item.getViewBox().setYRange(0.0, 1.0, padding=0.0)
        self.lane_spans = pg.BarGraphItem(x0=[], x1=[], y0=[], height=[], brush=None)
        self.lane_marks = pg.ScatterPlotItem(
            size=13, symbol="t", hoverable=True, tip=lambda x, y, data: data.tooltip
        )
        lane_item.addItem(self.lane_spans)
        lane_item.addItem(self.lane_marks)
        self._lane_labels: list[pg.TextItem] = []
        self.lane_model: LaneModel | None = None
        self.lane_marks.sigClicked.connect(self._lane_mark_clicked)
        self.lane.scene().sigMouseClicked.connect(self._lane_clicked)
        self.lane.hide()
        self.lane_legend = QLabel("", self)
        self.lane_legend.setObjectName("laneLegend")
        self.lane_legend.setWordWrap(True)
        self.lane_legend.hide()

    def set_disagreement(self, lane: LaneModel | None) -> None:
        """Show the judges' deductions by attention percentile and the unmarked attended
        moments (None, or nothing to show: the lane is hidden)."""
        self.lane_model = lane
        lane_item = self.lane.getPlotItem()
        for label in self._lane_labels:
            lane_item.removeItem(label)
        self._lane_labels.clear()
        if lane is None or (not lane.marks and not lane.spans):
            self.lane_marks.setData([])
            self.lane_spans.setOpts(x0=[], x1=[], y0=[], height=[])
            self.lane.hide()
            self.lane_legend.hide()
            return
        self.lane_marks.setData(
            [
                {
                    "pos": (m.time_s, 0.68),
                    "brush": pg.mkBrush(*m.rgb),
                    "pen": pg.mkPen(40, 40, 40, 160),
                    "data": m,
                }
                for m in lane.marks
            ]
        )
        rgb = UNMARKED_RGB
        self.lane_spans.setOpts(
            x0=[s.start_s for s in lane.spans],
            x1=[s.end_s for s in lane.spans],
            y0=[0.08] * len(lane.spans),
            height=[0.34] * len(lane.spans),
            brush=pg.mkBrush(*rgb, 90),
            pen=pg.mkPen(*rgb, width=1.5),
        )
        for span in lane.spans:
            label = pg.TextItem(span.label, color=rgb, anchor=(0.5, 0.5))
            label.setPos((span.start_s + span.end_s) / 2, 0.25)
            label.setToolTip(span.tooltip)
            lane_item.addItem(label)
            self._lane_labels.append(label)
        self.lane_legend.setText(lane_legend_html(lane))
        self.lane_legend.show()
        self.lane.show()

    def drawn_lane_marks(self) -> list[tuple[float, tuple[int, int, int]]]:
        """(time_s, rgb) of each deduction the lane draws."""
        return [
            (float(p.pos().x()), tuple(p.brush().color().getRgb()[:3]))
            for p in self.lane_marks.points()
        ]

    def drawn_lane_spans(self) -> list[tuple[float, float]]:
        x0, x1 = self.lane_spans.opts.get("x0"), self.lane_spans.opts.get("x1")
        return [] if x0 is None else [(float(a), float(b)) for a, b in zip(x0, x1, strict=True)]

    def _lane_mark_clicked(self, _item, points, event) -> None:
        if len(points):
            event.accept()
            self.seekRequested.emit(float(points[0].pos().x()))

    def _lane_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.isAccepted():
            return
        view_box = self.lane.getPlotItem().getViewBox()
        if not view_box.sceneBoundingRect().contains(event.scenePos()):
            return
        time_s = float(view_box.mapSceneToView(event.scenePos()).x())
        event.accept()
        self.seekRequested.emit(min(max(time_s, 0.0), self.duration_s))

    # --- the angle lane -------------------------------------------------------------------------
    def _build_angle_lane(self) -> None:
        self.angle_bar = QWidget(self)
        self.angle_bar.setObjectName("angleBar")
        self.angle_combo = QComboBox(self.angle_bar)
        self.angle_combo.setObjectName("angleChooser")
        self.angle_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.angle_combo.setToolTip("The athlete's joint angle the lane shows")
        self.angle_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.reference_spin = QDoubleSpinBox(self.angle_bar)
        self.reference_spin.setObjectName("angleReference")
        self.reference_spin.setRange(0.0, 360.0)
        self.reference_spin.setDecimals(0)
        self.reference_spin.setSingleStep(5.0)
        self.reference_spin.setSuffix("°")
        self.reference_spin.setValue(DEFAULT_REFERENCE_DEG)
        self.reference_spin.setToolTip("The dashed reference line (e.g. 180° for a full split)")
        self.angle_info = QLabel("", self.angle_bar)
        self.angle_info.setObjectName("angleInfo")
        self.angle_info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row = QHBoxLayout(self.angle_bar)
        row.setContentsMargins(4, 2, 4, 0)
        row.setSpacing(6)
        row.addWidget(QLabel("Angle:", self.angle_bar))
        row.addWidget(self.angle_combo)
        row.addWidget(QLabel("reference", self.angle_bar))
        row.addWidget(self.reference_spin)
        row.addWidget(self.angle_info, 1)
        self.angle_combo.currentIndexChanged.connect(self._angle_chosen)
        self.reference_spin.valueChanged.connect(self._reference_edited)

        self.angle_plot = pg.PlotWidget(self)
        self.angle_plot.setObjectName("angleLane")
        self.angle_plot.setMenuEnabled(False)
        self.angle_plot.hideButtons()
        self.angle_plot.setMouseEnabled(x=True, y=False)
        self.angle_plot.setFixedHeight(ANGLE_LANE_HEIGHT)
        self.angle_plot.setXLink(self.plot)
        self.angle_plot.showGrid(x=True, y=True, alpha=0.15)
        item = self.angle_plot.getPlotItem()
        item.hideAxis("bottom")
        left = item.getAxis("left")
        left.setWidth(56)  # as the plot's, so the time axes line up
        left.setTicks([[(v, f"{v}°") for v in (0, 90, 180)]])
        self.angle_curve = pg.PlotDataItem(pen=pg.mkPen(ANGLE_COLOR, width=2), connect="finite")
        self.angle_peaks = pg.ScatterPlotItem(
            size=9,
            symbol="t1",
            pen=pg.mkPen(None),
            brush=pg.mkBrush(ANGLE_COLOR),
            hoverable=True,
            tip=lambda x, y, data: data,
        )
        self.angle_reference = pg.InfiniteLine(
            angle=0,
            pos=DEFAULT_REFERENCE_DEG,
            pen=pg.mkPen(REFERENCE_COLOR, width=1.5, style=Qt.PenStyle.DashLine),
        )
        self.angle_playhead = pg.InfiniteLine(angle=90, pos=0.0, pen=pg.mkPen(PLAYHEAD_COLOR))
        self.angle_playhead.setZValue(PLAYHEAD_Z)
        item.addItem(self.angle_curve)
        item.addItem(self.angle_peaks)
        item.addItem(self.angle_reference, ignoreBounds=True)
        item.addItem(self.angle_playhead, ignoreBounds=True)
        self.angle_lane: AngleLane | None = None
        self.angle_plot.scene().sigMouseClicked.connect(self._angle_clicked)
        self.angle_bar.hide()
        self.angle_plot.hide()

    def set_angle_choices(self, choices: list[tuple[str, str]], current: str | None) -> None:
        """The angles the chooser offers ((name, label)), `current` selected (else the first);
        none: the lane is hidden. Emits nothing: the caller draws the lane it wants."""
        blocked = self.angle_combo.blockSignals(True)
        self.angle_combo.clear()
        for name, label in choices:
            self.angle_combo.addItem(label, name)
        index = self.angle_combo.findData(current) if current else -1
        self.angle_combo.setCurrentIndex(max(index, 0) if choices else -1)
        self.angle_combo.blockSignals(blocked)
        if not choices:
            self.set_angle_lane(None)

    def current_angle(self) -> str | None:
        """The angle the chooser shows (None: no angles)."""
        return self.angle_combo.currentData()

    def reference_deg(self) -> float:
        return float(self.reference_spin.value())

    def set_angle_lane(self, lane: AngleLane | None) -> None:
        """Draw one angle of the athlete (None hides the lane)."""
        self.angle_lane = lane
        if lane is None:
            self.angle_curve.setData([], [])
            self.angle_peaks.setData([])
            self.angle_bar.hide()
            self.angle_plot.hide()
            return
        xs = np.asarray(lane.times_s, float)
        ys = np.asarray(lane.degrees, float)
        self.angle_curve.setData(xs, ys)
        self.angle_peaks.setData(
            [
                {"pos": (t, d), "data": f"{lane.label}: peak {d:.0f}° at {format_clock(t)}"}
                for t, d in lane.peaks
            ]
        )
        self.angle_reference.setValue(lane.reference_deg)
        blocked = self.reference_spin.blockSignals(True)
        self.reference_spin.setValue(lane.reference_deg)
        self.reference_spin.blockSignals(blocked)
        finite = ys[np.isfinite(ys)]
        top = max(180.0, lane.reference_deg, float(finite.max()) if finite.size else 0.0)
        self.angle_plot.getPlotItem().getViewBox().setYRange(0.0, top, padding=0.08)
        measured = f"{lane.measured} of {len(ys)} samples measured"
        peaks = f"{len(lane.peaks)} peak{'s' if len(lane.peaks) != 1 else ''} (. and , visit them)"
        self.angle_info.setText(f"{measured}; {peaks}")
        self.angle_bar.show()
        self.angle_plot.show()

    def drawn_angle(self) -> tuple[np.ndarray, np.ndarray]:
        """(times_s, degrees) of the angle curve drawn (NaN: a gap)."""
        xs, ys = self.angle_curve.getData()
        if xs is None:
            return np.zeros(0), np.zeros(0)
        return np.asarray(xs, float), np.asarray(ys, float)

    def drawn_peaks(self) -> list[tuple[float, float]]:
        return [(float(p.pos().x()), float(p.pos().y())) for p in self.angle_peaks.points()]

    def _angle_chosen(self, _index: int) -> None:
        name = self.angle_combo.currentData()
        if name:
            self.angleChosen.emit(name)

    def _reference_edited(self, value: float) -> None:
        self.angle_reference.setValue(value)
        self.referenceChanged.emit(float(value))

    def _angle_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.isAccepted():
            return
        view_box = self.angle_plot.getPlotItem().getViewBox()
        if not view_box.sceneBoundingRect().contains(event.scenePos()):
            return
        time_s = float(view_box.mapSceneToView(event.scenePos()).x())
        event.accept()
        self.seekRequested.emit(min(max(time_s, 0.0), self.duration_s))

    def angle_scene_x_for_time(self, time_s: float) -> float:
        """Scene x coordinate of a time on the angle lane (for tests)."""
        view_box = self.angle_plot.getPlotItem().getViewBox()
        return float(view_box.mapViewToScene(pg.Point(time_s, 0.0)).x())

    @staticmethod
    def _set_uniform(line: pg.InfiniteLine, value: float) -> None:
        line.setVisible(value > 0)
        line.setValue(value)

    def add_layer(self, item: pg.GraphicsObject) -> None:
        """Add another layer (e.g. judges' marks) on the same time axis."""
        self.plot_item.addItem(item, ignoreBounds=True)

    def set_loop(self, span: tuple[float, float] | None) -> None:
        """Shade the player's A-B loop (start_s, end_s); None hides it."""
        if span is None:
            self.loop_region.hide()
        else:
            self.loop_region.setRegion(span)
            self.loop_region.show()
        self.loop_region.setToolTip(
            "" if span is None else "The player's A-B loop ([ and ] set it, \\ clears it)"
        )

    def reset_view(self) -> None:
        """Show the whole video and all weights."""
        y_max = self.model.y_max if self.model is not None else 1.0
        self.view_box.setRange(
            xRange=(0.0, max(self.duration_s, 1.0)), yRange=(0.0, y_max), padding=0.0
        )

    # --- read back (what is drawn) -------------------------------------------------------------
    def drawn_steps(self) -> list[tuple[float, float, float]]:
        """(start_s, end_s, weight) of each step the curve draws."""
        xs, ys = self.steps.getData()
        return [] if xs is None else polyline_steps(xs, ys)

    def drawn_points(self) -> list[tuple[float, float]]:
        """(time_s, weight) of each athlete-frame point."""
        xs, ys = self.points.getData()
        return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]

    def shaded_spans(self) -> list[tuple[float, float]]:
        return [tuple(float(v) for v in shade.getRegion()) for shade in self._shades]

    # --- playhead and seeking ------------------------------------------------------------------
    def set_playhead(self, time_s: float) -> None:
        """Move the playhead to where the player is (emits no seek); a zoomed view pages to
        keep it in sight."""
        if not self.playhead.moving:  # the user is dragging it: do not fight them
            self.playhead.setValue(time_s)
            self.follow(time_s)
        self.angle_playhead.setValue(time_s)

    def follow(self, time_s: float) -> None:
        """Page a zoomed view so that `time_s` is in sight (the zoom is kept)."""
        (x0, x1), _ = self.view_box.viewRange()
        span = follow_range(x0, x1, time_s, self.duration_s)
        if span is not None:
            self.view_box.setXRange(*span, padding=0.0)

    def playhead_time(self) -> float:
        return float(self.playhead.value())

    def _playhead_dragged(self, line: pg.InfiniteLine) -> None:
        self.angle_playhead.setValue(float(line.value()))
        self.seekRequested.emit(float(line.value()))

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.isAccepted():
            return
        if not self.view_box.sceneBoundingRect().contains(event.scenePos()):
            return
        time_s = float(self.view_box.mapSceneToView(event.scenePos()).x())
        time_s = min(max(time_s, 0.0), self.duration_s)
        event.accept()
        self.seekRequested.emit(time_s)

    def scene_x_for_time(self, time_s: float) -> float:
        """Scene x coordinate of a time (for tests and overlays)."""
        return float(self.view_box.mapViewToScene(pg.Point(time_s, 0.0)).x())

    def apply_colors(self, background: QColor, foreground: QColor) -> None:
        """Follow the window's light or dark palette."""
        self.plot.setBackground(background)
        self.lane.setBackground(background)
        self.angle_plot.setBackground(background)
        for plot, name in (
            (self.plot, "left"),
            (self.plot, "bottom"),
            (self.lane, "left"),
            (self.angle_plot, "left"),
        ):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(foreground))
            axis.setTextPen(pg.mkPen(foreground))
        self.set_playhead_color(foreground)

    def set_playhead_color(self, color: QColor) -> None:
        """The playhead takes the foreground colour: no mark kind uses it."""
        self._playhead_color = QColor(color)
        self.playhead.setPen(pg.mkPen(color, width=2))
        self.playhead.setHoverPen(pg.mkPen(color, width=4))
        self.angle_playhead.setPen(pg.mkPen(color, width=1.5))
        self.legend.setText(_legend_html(color, self.scored is not None))
