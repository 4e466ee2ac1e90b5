"""Person detectors (YOLO, HOG, or none: whole frames) behind one interface; the largest box.

`YoloDetector` lives in `judgeapp.detect.yolo` and is imported only when used: it pulls in torch
and ultralytics.
"""

from judgeapp.detect.boxes import Box, iou, largest_box, non_max_suppression
from judgeapp.detect.detector import PersonDetector
from judgeapp.detect.factory import DETECTOR_KINDS, HOG_WARNING, detector_warning, make_detector
from judgeapp.detect.hog import HogDetector
from judgeapp.detect.whole_frame import WholeFrameDetector

__all__ = [
    "DETECTOR_KINDS",
    "HOG_WARNING",
    "Box",
    "HogDetector",
    "PersonDetector",
    "WholeFrameDetector",
    "detector_warning",
    "iou",
    "largest_box",
    "make_detector",
    "non_max_suppression",
]
