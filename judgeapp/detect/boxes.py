"""Person boxes, their overlap, non-maximum suppression and the largest-box rule."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in pixels of the original frame (x1 <= x2, y1 <= y2) and its score."""

    x1: float
    y1: float
    x2: float
    y2: float
    score: float

    @property
    def width(self) -> float:
        return max(0.0, self.x2 - self.x1)

    @property
    def height(self) -> float:
        return max(0.0, self.y2 - self.y1)

    @property
    def area(self) -> float:
        return self.width * self.height

    @property
    def xyxy(self) -> tuple[float, float, float, float]:
        return (self.x1, self.y1, self.x2, self.y2)

    def clipped(self, width: float, height: float) -> Box:
        """The part of the box inside a `width` x `height` frame (empty boxes keep zero area)."""
        x1 = min(max(self.x1, 0.0), width)
        y1 = min(max(self.y1, 0.0), height)
        x2 = min(max(self.x2, x1), width)
        y2 = min(max(self.y2, y1), height)
        return Box(float(x1), float(y1), float(x2), float(y2), float(self.score))


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (0 when either is empty)."""
    inter_w = min(a.x2, b.x2) - max(a.x1, b.x1)
    inter_h = min(a.y2, b.y2) - max(a.y1, b.y1)
    if inter_w <= 0 or inter_h <= 0:
        return 0.0
    inter = inter_w * inter_h
    union = a.area + b.area - inter
    return inter / union if union > 0 else 0.0


def non_max_suppression(boxes: Sequence[Box], iou_threshold: float) -> list[Box]:
    """Keep the best-scoring boxes, dropping any that overlaps a kept one by more than
    `iou_threshold`; the result is sorted by score, best first."""
    if not boxes:
        return []
    xyxy = np.array([b.xyxy for b in boxes], dtype=np.float64)
    scores = np.array([b.score for b in boxes], dtype=np.float64)
    areas = np.clip(xyxy[:, 2] - xyxy[:, 0], 0, None) * np.clip(xyxy[:, 3] - xyxy[:, 1], 0, None)
    order = np.argsort(-scores, kind="stable")
    kept: list[int] = []
    while order.size:
        best, rest = order[0], order[1:]
        kept.append(int(best))
        x1, y1, x2, y2 = xyxy[best]
        inter_w = np.minimum(x2, xyxy[rest, 2]) - np.maximum(x1, xyxy[rest, 0])
        inter_h = np.minimum(y2, xyxy[rest, 3]) - np.maximum(y1, xyxy[rest, 1])
        inter = np.clip(inter_w, 0, None) * np.clip(inter_h, 0, None)
        union = areas[best] + areas[rest] - inter
        overlap = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        order = rest[overlap <= iou_threshold]
    return [boxes[i] for i in kept]


def largest_box(boxes: Iterable[Box]) -> Box | None:
    """The athlete's box: the largest person in the frame (the audience is smaller and further
    away). Ties go to the higher score; None when there is no box."""
    return max(boxes, key=lambda b: (b.area, b.score), default=None)
