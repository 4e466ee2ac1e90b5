"""Choosing the person detector, and the warning a result carries when it is the weak one."""

from __future__ import annotations

from pathlib import Path

from judgeapp.core.errors import WeightsError
from judgeapp.detect.detector import PersonDetector
from judgeapp.detect.hog import HogDetector
from judgeapp.detect.whole_frame import WholeFrameDetector

DETECTOR_KINDS = ("auto", "yolo", "hog", "none")

HOG_WARNING = (
    "person detection used OpenCV's HOG people detector (no YOLO weights installed): it misses "
    "large or unusual poses; install the YOLO weights with `judgeapp models download yolo`"
)


def make_detector(
    kind: str = "auto", yolo_weights: Path | None = None, device: str = "cpu"
) -> PersonDetector:
    """`auto`: YOLO when `yolo_weights` names an existing file, else HOG; `yolo` needs the file;
    `none`: no detection, whole frames.

    The weights must be a registry-verified file (see judgeapp.detect.yolo on why).
    """
    if kind not in DETECTOR_KINDS:
        choices = ", ".join(DETECTOR_KINDS)
        raise ValueError(f"unknown detector kind {kind!r}; choose one of {choices}")
    if kind == "hog":
        return HogDetector()
    if kind == "none":
        return WholeFrameDetector()
    if kind == "yolo" and yolo_weights is None:
        raise WeightsError("YOLO person detection needs a weights file, and none was given")
    if kind == "yolo" or (yolo_weights is not None and Path(yolo_weights).is_file()):
        from judgeapp.detect.yolo import YoloDetector  # imports torch: only when needed

        return YoloDetector(Path(yolo_weights), device=device)
    return HogDetector()


def detector_warning(detector: PersonDetector) -> str | None:
    """The warning for the analysis result when the weak HOG fallback found the people."""
    return HOG_WARNING if detector.weak else None
