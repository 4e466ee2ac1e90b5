"""The picture area of the player: one decoded frame, zoom and pan, the athlete box, the pose.

The wheel zooms around the cursor, dragging pans a zoomed picture, a double-click goes back to
fit (the zoom rules are in app/zoom.py). "Fit" follows the window's size; any other zoom keeps
its scale when the window is resized.

The pose overlay draws a PoseOverlay (app/pose_view.py) as it is: the athlete's skeleton and
box in green, the others thin and grey. A click that is not a drag nor half of a double-click
is reported as `clicked(x, y)` in frame pixels (the scene is in video pixels, so zoom and pan
are already undone), a right-click as `contextRequested(x, y, global position)`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPixmap, QTransform
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from judgeapp.app.frame_tools import Orientation, shape_from_drag
from judgeapp.app.pose_view import ManualAngle, PersonOverlay, PoseOverlay
from judgeapp.app.zoom import clamp_scale, fit_scale, is_fit, wheel_scale, zoom_center
from judgeapp.ui.drawing_layer import DrawingLayer

BOX_COLOR = QColor(255, 196, 0)
ATHLETE_POSE_COLOR = QColor(0, 230, 118)
OTHER_POSE_COLOR = QColor(200, 200, 200, 190)
ANGLE_TOOL_COLOR = QColor(255, 64, 160)
JOINT_RADIUS_PX = 3.0  # screen pixels
CLICK_SLOP_PX = 4  # a press and release this close is a click, not a drag


def _pen(color: QColor, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(color, width, style)
    pen.setCosmetic(True)  # as wide at any zoom
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


class FrameView(QGraphicsView):
    """Shows frames in video pixel coordinates, so 1:1 means one video pixel per screen pixel.

    A frame stored at reduced size is scaled up to the video's size in the scene; the box
    overlay uses the analysis's pixel coordinates as they are.
    """

    zoomChanged = Signal(float, bool)  # scale (screen px per video px), fit
    clicked = Signal(float, float)  # a left click at (x, y) in video pixels
    contextRequested = Signal(float, float, QPoint)  # a right click: video x, y, global pos
    shapeDrawn = Signal(str, float, float, float, float)  # kind, from x, y, to x, y (video px)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor(12, 12, 12))
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the player takes the focus (its keys)
        self._pixmap = QGraphicsPixmapItem()
        self._pixmap.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._pixmap)
        self._box = QGraphicsRectItem()
        pen = QPen(BOX_COLOR, 3)
        pen.setCosmetic(True)
        self._box.setPen(pen)
        self._box.setZValue(1)
        self._box.hide()
        self.scene().addItem(self._box)
        self._build_pose_items()
        self.drawing = DrawingLayer(self.scene())  # the marks' shapes due now, and the sketch
        self._sketch = DrawingLayer(self.scene())  # the shape being dragged out
        self._draw_kind: str | None = None
        self._draw_from: QPointF | None = None
        self._hint = QGraphicsSimpleTextItem("Open a video: File ▸ Open…, or drop a file here")
        self._hint.setBrush(QColor(170, 170, 170))
        self.scene().addItem(self._hint)
        self._video_size = (0, 0)
        self._fit = True
        self._scale = 1.0
        self._orientation = Orientation()
        self._image: QImage | None = None
        self._press: QPoint | None = None
        self._click_at: QPointF | None = None
        self._click_timer = QTimer(self)
        self._click_timer.setSingleShot(True)
        self._click_timer.timeout.connect(self._emit_click)

    def _build_pose_items(self) -> None:
        def path_item(pen: QPen, z: float, brush: QColor | None = None) -> QGraphicsPathItem:
            item = QGraphicsPathItem()
            item.setPen(pen)
            if brush is not None:
                item.setBrush(brush)
            item.setZValue(z)
            item.hide()
            self.scene().addItem(item)
            return item

        self._others_item = path_item(_pen(OTHER_POSE_COLOR, 1.5), 2)
        self._athlete_box_item = path_item(_pen(ATHLETE_POSE_COLOR, 1.5, Qt.PenStyle.DashLine), 3)
        self._athlete_item = path_item(_pen(ATHLETE_POSE_COLOR, 3), 4)
        self._joints_item = path_item(_pen(QColor(20, 20, 20), 1), 5, ATHLETE_POSE_COLOR)
        self._angle_item = path_item(_pen(ANGLE_TOOL_COLOR, 2.5), 6, ANGLE_TOOL_COLOR)
        self._angle_text = QGraphicsSimpleTextItem()
        self._angle_text.setBrush(ANGLE_TOOL_COLOR)
        self._angle_text.setFlag(
            QGraphicsSimpleTextItem.GraphicsItemFlag.ItemIgnoresTransformations
        )
        self._angle_text.setZValue(7)
        self._angle_text.hide()
        self.scene().addItem(self._angle_text)
        self._pose: PoseOverlay | None = None
        self._angle = ManualAngle()

    # --- content -------------------------------------------------------------------------------
    def set_video_size(self, width: int, height: int) -> None:
        self._video_size = (width, height)
        self.scene().setSceneRect(QRectF(0, 0, width, height))
        self._hint.hide()
        self.zoom_fit()

    def clear(self) -> None:
        self._pixmap.setPixmap(QPixmap())
        self._box.hide()
        self.set_pose(None)
        self.set_manual_angle(ManualAngle())
        self._image = None
        self._video_size = (0, 0)
        self._hint.show()
        self.scene().setSceneRect(self._hint.boundingRect())
        self._fit = True
        self._scale = 1.0
        self.resetTransform()
        self.setDragMode(QGraphicsView.DragMode.NoDrag)

    def show_image(self, image: QImage) -> None:
        """Show a frame (any size: it is scaled to the video's size)."""
        self._image = image
        self._pixmap.setPixmap(QPixmap.fromImage(image))
        width = self._video_size[0]
        self._pixmap.setScale(width / image.width() if width and image.width() else 1.0)

    def current_image(self) -> QImage | None:
        """The image on screen as decoded (before any scaling), or None."""
        return self._image

    def set_box(self, box: tuple[float, float, float, float] | None) -> None:
        if box is None:
            self._box.hide()
            return
        x1, y1, x2, y2 = box
        self._box.setRect(QRectF(x1, y1, x2 - x1, y2 - y1))
        self._box.show()

    def box_visible(self) -> bool:
        return self._box.isVisible()

    # --- pose overlay and the manual angle -----------------------------------------------------
    def set_pose(self, overlay: PoseOverlay | None) -> None:
        """Draw everyone of one pose sample (None: nothing); the same overlay again is free."""
        if overlay is self._pose:
            return
        self._pose = overlay
        items = (self._others_item, self._athlete_box_item, self._athlete_item, self._joints_item)
        if overlay is None:
            for item in items:
                item.hide()
            return
        others = QPainterPath()
        for person in overlay.others:
            _add_person(others, person)
        self._others_item.setPath(others)
        athlete = overlay.athlete
        box, lines = QPainterPath(), QPainterPath()
        if athlete is not None:
            x1, y1, x2, y2 = athlete.box
            box.addRect(QRectF(x1, y1, x2 - x1, y2 - y1))
            _add_lines(lines, athlete)
        self._athlete_box_item.setPath(box)
        self._athlete_item.setPath(lines)
        self._draw_joints()
        for item in items:
            item.show()

    def pose_overlay(self) -> PoseOverlay | None:
        """The pose sample drawn now (None: none)."""
        return self._pose

    def pose_visible(self) -> bool:
        return self._pose is not None and self._athlete_item.isVisible()

    def _draw_joints(self) -> None:
        """The athlete's joints as dots of a fixed screen size (redrawn when zooming)."""
        path = QPainterPath()
        athlete = self._pose.athlete if self._pose is not None else None
        radius = JOINT_RADIUS_PX / max(self._scale, 1e-6)
        for x, y in athlete.joints if athlete is not None else ():
            path.addEllipse(QPointF(x, y), radius, radius)
        self._joints_item.setPath(path)

    def set_manual_angle(self, angle: ManualAngle) -> None:
        """Draw the manual angle tool's points, its two arms and its reading."""
        self._angle = angle
        path = QPainterPath()
        radius = (JOINT_RADIUS_PX + 1) / max(self._scale, 1e-6)
        points = [QPointF(x, y) for x, y in angle.points]
        for point in points:
            path.addEllipse(point, radius, radius)
        if len(points) >= 2:
            path.moveTo(points[0])
            path.lineTo(points[1])
        if len(points) == 3:
            path.moveTo(points[1])
            path.lineTo(points[2])
        self._angle_item.setPath(path)
        self._angle_item.setVisible(bool(points))
        if angle.complete and angle.degrees is not None:
            self._angle_text.setText(f"{angle.degrees:.1f}°")
            self._angle_text.setPos(points[1] + QPointF(8 / max(self._scale, 1e-6), 0))
            font = self._angle_text.font()
            font.setPointSizeF(14)
            font.setBold(True)
            self._angle_text.setFont(font)
            self._angle_text.show()
        else:
            self._angle_text.hide()

    def manual_angle(self) -> ManualAngle:
        return self._angle

    # --- zoom ----------------------------------------------------------------------------------
    @property
    def fit(self) -> bool:
        return self._fit

    @property
    def scale_factor(self) -> float:
        """Screen pixels per video pixel now."""
        return self._scale

    def fit_scale(self) -> float:
        viewport = self.viewport().size()
        shown = self._orientation.shown_size(*self._video_size)
        return fit_scale(viewport.width(), viewport.height(), *shown)

    @property
    def orientation(self) -> Orientation:
        return self._orientation

    def set_orientation(self, orientation: Orientation) -> None:
        """Turn the picture (and everything drawn over it); clicks still report video pixels."""
        self._orientation = orientation
        self.zoom_fit()

    def _view_transform(self, scale: float) -> QTransform:
        """Scene (video pixels) to view: scaled, turned clockwise, then mirrored on screen."""
        transform = QTransform.fromScale(scale, scale)
        transform *= QTransform().rotate(90.0 * self._orientation.quarter_turns)
        if self._orientation.mirrored:
            transform *= QTransform.fromScale(-1.0, 1.0)
        return transform

    def render_shown(self) -> QImage | None:
        """The frame with what is drawn over it, at the video's size and turned as shown."""
        width, height = self._video_size
        if not width or self._image is None:
            return None
        scene_image = QImage(width, height, QImage.Format.Format_RGB32)
        scene_image.fill(QColor(0, 0, 0))
        painter = QPainter(scene_image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.scene().render(painter, QRectF(0, 0, width, height), QRectF(0, 0, width, height))
        painter.end()
        return scene_image.transformed(self._view_transform(1.0))

    def zoom_fit(self) -> None:
        """Show the whole frame (and keep showing it when the window is resized)."""
        self._fit = True
        self._apply_scale(self.fit_scale())
        self.centerOn(self.sceneRect().center())

    def zoom_one_to_one(self) -> None:
        """One video pixel per screen pixel, around the centre of the view."""
        self.zoom_to(1.0)

    def zoom_to(self, scale: float, anchor_px: QPointF | None = None) -> None:
        """Zoom to `scale` (at least fit), keeping the video point at `anchor_px` of the
        viewport still (default: the centre)."""
        if not self._video_size[0]:
            return
        fit = self.fit_scale()
        center_px = QPointF(self.viewport().width() / 2, self.viewport().height() / 2)
        anchor_px = center_px if anchor_px is None else anchor_px
        scene_point = self.mapToScene(anchor_px.toPoint())
        scale = scale if abs(scale - 1.0) < 1e-9 else clamp_scale(scale, fit)
        self._fit = is_fit(scale, fit) and abs(scale - 1.0) > 1e-9
        self._apply_scale(fit if self._fit else scale)
        if not self._orientation.identity:  # keep the anchored video point still, any turn
            moved = scene_point - self.mapToScene(anchor_px.toPoint())
            self.centerOn(self.mapToScene(center_px.toPoint()) + moved)
            return
        cx, cy = zoom_center(
            (scene_point.x(), scene_point.y()),
            (anchor_px.x(), anchor_px.y()),
            (center_px.x(), center_px.y()),
            self._scale,
        )
        self.centerOn(QPointF(cx, cy))

    def _apply_scale(self, scale: float) -> None:
        if not self._video_size[0]:
            return
        self._scale = scale
        self.setTransform(self._view_transform(scale))
        zoomed = not self._fit and scale > self.fit_scale() * (1 + 1e-6)
        pans = zoomed and self._draw_kind is None
        self.setDragMode(
            QGraphicsView.DragMode.ScrollHandDrag if pans else QGraphicsView.DragMode.NoDrag
        )
        self._draw_joints()
        if self._angle.points:
            self.set_manual_angle(self._angle)
        self.zoomChanged.emit(self._scale, self._fit)

    # --- mouse and resizing --------------------------------------------------------------------
    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt override
        """The wheel zooms around the cursor."""
        delta = event.angleDelta().y()
        if not self._video_size[0] or delta == 0:
            event.ignore()
            return
        self.zoom_to(wheel_scale(self._scale, delta, self.fit_scale()), event.position())
        event.accept()

    # --- drawing ------------------------------------------------------------------------------
    @property
    def draw_kind(self) -> str | None:
        return self._draw_kind

    def set_draw_kind(self, kind: str | None) -> None:
        """While a shape kind is set, a left drag draws it (`shapeDrawn`) instead of panning."""
        self._draw_kind = kind
        self._draw_from = None
        self._sketch.show(())
        self.viewport().setCursor(
            Qt.CursorShape.CrossCursor if kind else Qt.CursorShape.ArrowCursor
        )
        if kind:
            self.setDragMode(QGraphicsView.DragMode.NoDrag)
        else:
            self._apply_scale(self._scale)  # the drag mode the zoom asks for

    def _drag_shape(self, event) -> bool:
        """Handle a mouse event of a drawing drag; False when no shape is being drawn."""
        if self._draw_kind is None or not self._video_size[0]:
            return False
        point = self.mapToScene(event.position().toPoint())
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            if event.button() != Qt.MouseButton.LeftButton:
                return False
            self._draw_from = point
        elif self._draw_from is None:
            return False
        start = (self._draw_from.x(), self._draw_from.y())
        end = (point.x(), point.y())
        if kind == QEvent.Type.MouseButtonRelease:
            self._draw_from = None
            self._sketch.show(())
            self.shapeDrawn.emit(self._draw_kind, *start, *end)
        elif self._draw_kind != "text":
            shape = shape_from_drag(self._draw_kind, start, end)
            self._sketch.show(() if shape is None else (shape,))
        event.accept()
        return True

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self._drag_shape(event):
            super().mouseMoveEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._drag_shape(event):
            return
        left = event.button() == Qt.MouseButton.LeftButton
        self._press = event.position().toPoint() if left else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        """A left press and release in one place is a click (reported once no double-click
        follows); a drag pans."""
        if self._drag_shape(event):
            return
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        position = event.position().toPoint()
        if not self._video_size[0] or (position - press).manhattanLength() > CLICK_SLOP_PX:
            return
        self._click_at = self.mapToScene(position)
        self._click_timer.start(QApplication.doubleClickInterval())

    def _emit_click(self) -> None:
        point, self._click_at = self._click_at, None
        if point is not None and self._video_size[0]:
            self.clicked.emit(float(point.x()), float(point.y()))

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self._video_size[0]:
            super().contextMenuEvent(event)
            return
        point = self.mapToScene(event.pos())
        self.contextRequested.emit(float(point.x()), float(point.y()), event.globalPos())
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt override
        """A double-click shows the whole frame again."""
        if event.button() == Qt.MouseButton.LeftButton and self._video_size[0]:
            self._click_timer.stop()  # its first click was no click of its own
            self._click_at = None
            self.zoom_fit()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._fit:
            self.zoom_fit()


def _add_lines(path: QPainterPath, person: PersonOverlay) -> None:
    for x1, y1, x2, y2 in person.lines:
        path.moveTo(x1, y1)
        path.lineTo(x2, y2)


def _add_person(path: QPainterPath, person: PersonOverlay) -> None:
    """A person who is not the athlete: box and skeleton in one thin path."""
    x1, y1, x2, y2 = person.box
    path.addRect(QRectF(x1, y1, x2 - x1, y2 - y1))
    _add_lines(path, person)
