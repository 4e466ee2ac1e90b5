"""The picture area of the player: one decoded frame, zoom and pan, the athlete box.

The wheel zooms around the cursor, dragging pans a zoomed picture, a double-click goes back to
fit (the zoom rules are in app/zoom.py). "Fit" follows the window's size; any other zoom keeps
its scale when the window is resized.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from judgeapp.app.zoom import clamp_scale, fit_scale, is_fit, wheel_scale, zoom_center

BOX_COLOR = QColor(255, 196, 0)


class FrameView(QGraphicsView):
    """Shows frames in video pixel coordinates, so 1:1 means one video pixel per screen pixel.

    A frame stored at reduced size is scaled up to the video's size in the scene; the box
    overlay uses the analysis's pixel coordinates as they are.
    """

    zoomChanged = Signal(float, bool)  # scale (screen px per video px), fit

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
        self._hint = QGraphicsSimpleTextItem("Open a video: File ▸ Open…, or drop a file here")
        self._hint.setBrush(QColor(170, 170, 170))
        self.scene().addItem(self._hint)
        self._video_size = (0, 0)
        self._fit = True
        self._scale = 1.0
        self._image: QImage | None = None

    # --- content -------------------------------------------------------------------------------
    def set_video_size(self, width: int, height: int) -> None:
        self._video_size = (width, height)
        self.scene().setSceneRect(QRectF(0, 0, width, height))
        self._hint.hide()
        self.zoom_fit()

    def clear(self) -> None:
        self._pixmap.setPixmap(QPixmap())
        self._box.hide()
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
        return fit_scale(viewport.width(), viewport.height(), *self._video_size)

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
        self.setTransform(QTransform.fromScale(scale, scale))
        zoomed = not self._fit and scale > self.fit_scale() * (1 + 1e-6)
        self.setDragMode(
            QGraphicsView.DragMode.ScrollHandDrag if zoomed else QGraphicsView.DragMode.NoDrag
        )
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

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt override
        """A double-click shows the whole frame again."""
        if event.button() == Qt.MouseButton.LeftButton and self._video_size[0]:
            self.zoom_fit()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._fit:
            self.zoom_fit()
