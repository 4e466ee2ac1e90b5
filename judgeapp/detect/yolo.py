"""Ultralytics YOLO on the COCO person class: the accurate detector, used when its weights exist.

Safety: an ultralytics `.pt` file is a pickle, and unpickling can run any code the file names.
judgeapp therefore loads only YOLO weights whose SHA-256 matched the weights registry
(`judgeapp.weights`) and, on top of that, has ultralytics load them in its restricted mode
(`ULTRALYTICS_SAFE_LOAD`: `torch.load(weights_only=True)` that rebuilds known model classes only).

Offline: ultralytics reaches for the network by itself (update checks, analytics, error reports,
downloading weights it cannot find, pip-installing modules a checkpoint names). `import_ultralytics`
switches all of that off before the first import, and `YoloDetector` checks the weights file
itself, so a missing file is our one-line error and never a download attempt.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from judgeapp.core.errors import WeightsError
from judgeapp.core.paths import cache_dir
from judgeapp.detect.boxes import Box
from judgeapp.detect.detector import check_frame

PERSON_CLASS = 0  # COCO class 0

# Read by ultralytics once, when it is first imported.
_FORCED_ENV = {
    "YOLO_OFFLINE": "1",  # is_online() is False: no update check, analytics or error reports
    "YOLO_AUTOINSTALL": "0",  # never pip-install what a checkpoint asks for
    "ULTRALYTICS_SAFE_LOAD": "1",  # weights_only loading against ultralytics' class allow-list
}
_DEFAULT_ENV = {
    "YOLO_VERBOSE": "0",  # our progress reporting, not ultralytics' log lines
}


def import_ultralytics() -> Any:
    """Import ultralytics offline and in safe-loading mode; return its `YOLO` class.

    Importing ultralytics also changes process-wide settings (OpenCV threads, numpy print options,
    OMP_NUM_THREADS); those are put back as they were.
    """
    if "ultralytics" not in sys.modules:
        os.environ.update(_FORCED_ENV)
        for key, value in _DEFAULT_ENV.items():
            os.environ.setdefault(key, value)
        os.environ.setdefault("YOLO_CONFIG_DIR", str(cache_dir() / "ultralytics"))
        cv2_threads = cv2.getNumThreads()
        numpy_print = np.get_printoptions()
        omp_threads = os.environ.get("OMP_NUM_THREADS")
        import torch

        torch.get_num_threads()  # size torch's threads before ultralytics sets OMP_NUM_THREADS=1
        import ultralytics  # noqa: F401

        cv2.setNumThreads(cv2_threads)
        np.set_printoptions(**numpy_print)
        if omp_threads is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = omp_threads
    from ultralytics import YOLO
    from ultralytics.utils import ONLINE, SAFE_LOAD

    if ONLINE or not SAFE_LOAD:
        raise RuntimeError(
            "ultralytics was imported before judgeapp could switch it offline and to safe loading; "
            "import it through judgeapp.detect.yolo.import_ultralytics"
        )
    return YOLO


class YoloDetector:
    """People from an ultralytics YOLO detection model with COCO classes, in batches.

    `weights_path` must be a registry-verified `.pt` file (see the module notes: it is a pickle).
    """

    name = "yolo"
    weak = False

    def __init__(
        self,
        weights_path: Path,
        device: str = "cpu",
        conf_threshold: float = 0.25,
        image_size_px: int = 640,
        batch_size: int = 16,
    ) -> None:
        path = Path(weights_path)
        if not path.is_file():
            raise WeightsError(f"{path}: YOLO weights file not found")
        if path.suffix.lower() != ".pt":
            raise WeightsError(f"{path}: YOLO weights must be an ultralytics .pt file")
        yolo_class = import_ultralytics()
        try:
            model = yolo_class(str(path.resolve()), task="detect")
        except Exception as exc:  # ultralytics raises many types for a bad file
            reason = _first_line(exc)
            raise WeightsError(f"{path}: not a loadable YOLO checkpoint ({reason})") from exc
        if model.task != "detect":
            raise WeightsError(f"{path}: a YOLO '{model.task}' model, not a detection model")
        person = model.names.get(PERSON_CLASS)
        if person != "person":
            raise WeightsError(
                f"{path}: class {PERSON_CLASS} of this YOLO model is {person!r}, not 'person' "
                "(COCO weights are needed)"
            )
        self.weights_path = path
        self.device = device
        self.conf_threshold = conf_threshold
        self.image_size_px = image_size_px
        self.batch_size = batch_size
        self._model = model

    def detect(self, frames: list[np.ndarray]) -> list[list[Box]]:
        sizes = [check_frame(frame) for frame in frames]
        boxes: list[list[Box]] = []
        for start in range(0, len(frames), self.batch_size):
            batch = frames[start : start + self.batch_size]
            # ultralytics takes numpy images as BGR
            bgr = [np.ascontiguousarray(frame[:, :, ::-1]) for frame in batch]
            results = self._model.predict(
                bgr,
                conf=self.conf_threshold,
                classes=[PERSON_CLASS],
                imgsz=self.image_size_px,
                device=self.device,
                half=self.device.startswith("cuda"),
                verbose=False,
                save=False,
            )
            for result, (height, width) in zip(results, sizes[start:], strict=False):
                boxes.append(_person_boxes(result, width, height))
        return boxes


def _person_boxes(result: Any, width: int, height: int) -> list[Box]:
    """The person boxes of one ultralytics result, clipped to the frame, best score first."""
    xyxy = result.boxes.xyxy.float().cpu().numpy()
    scores = result.boxes.conf.float().cpu().numpy()
    classes = result.boxes.cls.cpu().numpy().astype(int)
    boxes = [
        Box(*map(float, corners), score=float(score)).clipped(width, height)
        for corners, score, cls in zip(xyxy, scores, classes, strict=True)
        if cls == PERSON_CLASS
    ]
    return sorted((box for box in boxes if box.area > 0), key=lambda box: -box.score)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
