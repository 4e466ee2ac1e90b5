"""OpenCV's built-in HOG people detector: the offline fallback when no YOLO weights are installed.

The detector (Dalal & Triggs) slides a 64 x 128 window over an image pyramid. It was trained on
upright pedestrians, so it misses people lying, leaping or seen at odd angles; hence `weak`.

Two scans keep it fast and still find both people of moderate size and an athlete who fills the
whole frame (or runs past its edges):
- the *far* scan resizes the frame to 320 rows and finds people from about 30% of the frame height
  up to about 75%, with a coarse pyramid step;
- the *near* scan resizes it to 160 rows, pads it with replicated borders so that a window can
  hang over the frame's edges, and finds people from about 60% of the frame height upwards, with a
  fine pyramid step (large people in unusual poses score close to the threshold, and a fine step
  gives them more chances).
Raw window hits of both scans are merged by non-maximum suppression.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from judgeapp.detect.boxes import Box, non_max_suppression
from judgeapp.detect.detector import check_frame

WINDOW_W_PX = 64
WINDOW_H_PX = 128
STRIDE_PX = 8  # one HOG cell: the finest step the detector supports
# A window holds the person in about the middle half of its width with 16 px of margin above and
# below. Boxes keep the middle half across and only half of that margin away vertically, so that
# the head of a crouching athlete (found as a shorter person) stays inside.
MARGIN_X = 16 / WINDOW_W_PX
MARGIN_Y = 8 / WINDOW_H_PX


@dataclass(frozen=True)
class HogScan:
    """One pyramid scan: the frame resized to `height_px` rows, padded by `pad_y` / `pad_x` (as
    fractions of `height_px`) with replicated borders, then searched at sizes shrinking by `scale`
    per level."""

    height_px: int
    scale: float
    pad_y: float = 0.0
    pad_x: float = 0.0


FAR_SCAN = HogScan(height_px=320, scale=1.15)
NEAR_SCAN = HogScan(height_px=160, scale=1.05, pad_y=0.2, pad_x=0.1)


class HogDetector:
    """People detection with OpenCV's default HOG + linear SVM model (ships inside OpenCV)."""

    name = "hog"
    weak = True

    def __init__(
        self,
        min_score: float = 0.2,
        nms_iou: float = 0.4,
        scans: tuple[HogScan, ...] = (FAR_SCAN, NEAR_SCAN),
    ) -> None:
        self.min_score = min_score
        self.nms_iou = nms_iou
        self.scans = scans
        self._hog = cv2.HOGDescriptor()
        self._hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())

    def detect(self, frames: list[np.ndarray]) -> list[list[Box]]:
        return [self.detect_one(frame) for frame in frames]

    def detect_one(self, frame: np.ndarray) -> list[Box]:
        """People in one RGB frame, best score first, clipped to the frame."""
        height, width = check_frame(frame)
        candidates = [box for scan in self.scans for box in self._scan(frame, scan)]
        inside = [box.clipped(width, height) for box in candidates]
        return non_max_suppression([box for box in inside if box.area > 0], self.nms_iou)

    def _scan(self, frame: np.ndarray, scan: HogScan) -> list[Box]:
        height, width = frame.shape[:2]
        factor = scan.height_px / height
        size = (max(1, round(width * factor)), scan.height_px)
        interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
        image = cv2.resize(frame, size, interpolation=interpolation)
        pad_y = round(scan.height_px * scan.pad_y)
        pad_x = round(scan.height_px * scan.pad_x)
        if pad_y or pad_x:
            image = cv2.copyMakeBorder(image, pad_y, pad_y, pad_x, pad_x, cv2.BORDER_REPLICATE)
        if image.shape[0] < WINDOW_H_PX or image.shape[1] < WINDOW_W_PX:
            return []
        rects, scores = self._hog.detectMultiScale(
            image,
            hitThreshold=self.min_score,
            winStride=(STRIDE_PX, STRIDE_PX),
            padding=(0, 0),
            scale=scan.scale,
            groupThreshold=0,  # raw window hits: our non-maximum suppression merges them
        )
        boxes = []
        for (x, y, w, h), score in zip(np.asarray(rects), np.ravel(scores), strict=True):
            boxes.append(
                Box(
                    x1=float((x + MARGIN_X * w - pad_x) / factor),
                    y1=float((y + MARGIN_Y * h - pad_y) / factor),
                    x2=float((x + (1 - MARGIN_X) * w - pad_x) / factor),
                    y2=float((y + (1 - MARGIN_Y) * h - pad_y) / factor),
                    score=float(score),
                )
            )
        return boxes
