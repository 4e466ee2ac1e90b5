"""A judge's drawing over the video: the shapes of the marks due now and the one being drawn.

Shapes are in video pixels (the scene's units), so they zoom, pan, mirror and rotate with the
picture; a text stays upright and as large at any zoom, like the angle tool's reading.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsScene, QGraphicsSimpleTextItem

from judgeapp.core.drawing import DRAWING_RGB, Drawing, Shape

DRAWING_COLOR = QColor(*DRAWING_RGB)
ARROW_HEAD_PX = 18.0  # video pixels, at most a third of the arrow
TEXT_PT = 14
Z_VALUE = 8  # above the pose and the angle tool


def shape_path(path: QPainterPath, shape: Shape) -> None:
    """Add a line, arrow or circle to `path` (a text is an item of its own)."""
    (x0, y0), (x1, y1) = shape.points[0], shape.points[-1]
    if shape.kind == "circle":
        radius = shape.radius_px
        path.addEllipse(QPointF(x0, y0), radius, radius)
        return
    path.moveTo(x0, y0)
    path.lineTo(x1, y1)
    if shape.kind == "arrow":
        length = math.hypot(x1 - x0, y1 - y0)
        if length <= 0:
            return
        head = min(ARROW_HEAD_PX, length / 3)
        angle = math.atan2(y1 - y0, x1 - x0)
        for side in (-1, 1):
            tip_angle = angle + math.pi - side * math.radians(28)
            path.moveTo(x1, y1)
            path.lineTo(x1 + head * math.cos(tip_angle), y1 + head * math.sin(tip_angle))


class DrawingLayer:
    """The drawn shapes in one scene: `show` replaces them all."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self._scene = scene
        pen = QPen(DRAWING_COLOR, 3)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._path_item = QGraphicsPathItem()
        self._path_item.setPen(pen)
        self._path_item.setZValue(Z_VALUE)
        scene.addItem(self._path_item)
        self._texts: list[QGraphicsSimpleTextItem] = []
        self.shapes: Drawing = ()

    def show(self, shapes: Drawing) -> None:
        if shapes == self.shapes:
            return
        self.shapes = tuple(shapes)
        path = QPainterPath()
        for shape in self.shapes:
            if shape.kind != "text":
                shape_path(path, shape)
        self._path_item.setPath(path)
        for item in self._texts:
            self._scene.removeItem(item)
        self._texts = [self._text_item(s) for s in self.shapes if s.kind == "text"]

    def _text_item(self, shape: Shape) -> QGraphicsSimpleTextItem:
        item = QGraphicsSimpleTextItem(shape.text)
        font = QFont()
        font.setPointSize(TEXT_PT)
        font.setBold(True)
        item.setFont(font)
        item.setBrush(QBrush(DRAWING_COLOR))
        outline = QPen(QColor(0, 0, 0, 200), 0.8)
        item.setPen(outline)
        item.setFlag(QGraphicsSimpleTextItem.GraphicsItemFlag.ItemIgnoresTransformations)
        item.setPos(*shape.points[0])
        item.setZValue(Z_VALUE)
        self._scene.addItem(item)
        return item
