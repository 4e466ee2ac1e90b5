"""Choosing the person detector, and the warning a result carries when a weaker one ran.

`auto` takes the best finder whose files are installed: the pose model (BlazePose through
OpenVINO), then YOLO, then OpenCV's built-in HOG. The caller resolves and verifies the files
(judgeapp.weights) and says why a better finder could not be used (`fallback`), so the result
can tell the user which finder ran and why.
"""

from __future__ import annotations

from pathlib import Path

from judgeapp.core.errors import WeightsError
from judgeapp.core.finders import DETECTOR_KINDS
from judgeapp.detect.detector import PersonDetector
from judgeapp.detect.hog import HogDetector
from judgeapp.detect.whole_frame import WholeFrameDetector

# True whether HOG was chosen, or taken because the pose model is missing or failed its check
# (that case has its own `fallback_note` beside this one).
HOG_WARNING = (
    "person detection used OpenCV's HOG people detector, which misses large or unusual "
    "poses; the pose model finds and follows the athlete better (install it with "
    "`judgeapp models download blazepose_detector blazepose_landmark_full`)"
)


def make_detector(
    kind: str = "auto",
    yolo_weights: Path | None = None,
    device: str = "cpu",
    pose_files: tuple[Path, Path] | None = None,
) -> PersonDetector:
    """`auto`: the pose model when `pose_files` (detector, landmark model) are given, else YOLO
    when `yolo_weights` names an existing file, else HOG; `pose` and `yolo` need their files;
    `none`: no detection, whole frames.

    The files must be registry-verified (see judgeapp.detect.yolo and judgeapp.detect.pose).
    """
    if kind not in DETECTOR_KINDS:
        choices = ", ".join(DETECTOR_KINDS)
        raise ValueError(f"unknown detector kind {kind!r}; choose one of {choices}")
    if kind == "hog":
        return HogDetector()
    if kind == "none":
        return WholeFrameDetector()
    if kind == "pose" and pose_files is None:
        raise WeightsError("the pose model needs its two model files, and none were given")
    if kind in ("pose", "auto") and pose_files is not None:
        from judgeapp.detect.pose import BlazePose  # imports OpenVINO: only when needed

        return BlazePose(*pose_files)
    if kind == "yolo" and yolo_weights is None:
        raise WeightsError("YOLO person detection needs a weights file, and none was given")
    if kind == "yolo" or (yolo_weights is not None and Path(yolo_weights).is_file()):
        from judgeapp.detect.yolo import YoloDetector  # imports torch: only when needed

        return YoloDetector(Path(yolo_weights), device=device)
    return HogDetector()


def detector_warning(detector: PersonDetector) -> str | None:
    """The warning for the analysis result when the weak HOG fallback found the people."""
    return HOG_WARNING if detector.weak else None
