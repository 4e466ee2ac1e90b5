"""The picture area of the player: one decoded frame, zoom to fit or 1:1, the athlete box."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

BOX_COLOR = QColor(255, 196, 0)


class FrameView(QGraphicsView):
    """Shows frames in video pixel coordinates, so 1:1 means one video pixel per screen pixel.

    A frame stored at reduced size is scaled up to the video's size in the scene; the box
    overlay uses the analysis's pixel coordinates as they are.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor(12, 12, 12))
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
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
        self._image: QImage | None = None

    # --- content -------------------------------------------------------------------------------
    def set_video_size(self, width: int, height: int) -> None:
        self._video_size = (width, height)
        self.scene().setSceneRect(QRectF(0, 0, width, height))
        self._hint.hide()
        self._apply_zoom()

    def clear(self) -> None:
        self._pixmap.setPixmap(QPixmap())
        self._box.hide()
        self._image = None
        self._video_size = (0, 0)
        self._hint.show()
        self.scene().setSceneRect(self._hint.boundingRect())
        self.resetTransform()

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

    def zoom_fit(self) -> None:
        self._fit = True
        self._apply_zoom()

    def zoom_one_to_one(self) -> None:
        self._fit = False
        self._apply_zoom()

    def _apply_zoom(self) -> None:
        if not self._video_size[0]:
            return
        if self._fit:
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        else:
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
            self.resetTransform()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._apply_zoom()
