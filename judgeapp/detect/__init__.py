"""Person detectors (YOLO, HOG) behind one small interface, and the largest-box rule.

`YoloDetector` lives in `judgeapp.detect.yolo` and is imported only when used: it pulls in torch
and ultralytics.
"""

from judgeapp.detect.boxes import Box, iou, largest_box, non_max_suppression
from judgeapp.detect.detector import PersonDetector
from judgeapp.detect.factory import DETECTOR_KINDS, HOG_WARNING, detector_warning, make_detector
from judgeapp.detect.hog import HogDetector

__all__ = [
    "DETECTOR_KINDS",
    "HOG_WARNING",
    "Box",
    "HogDetector",
    "PersonDetector",
    "detector_warning",
    "iou",
    "largest_box",
    "make_detector",
    "non_max_suppression",
]
