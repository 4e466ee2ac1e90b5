"""The one small interface every person detector offers."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from judgeapp.detect.boxes import Box


@runtime_checkable
class PersonDetector(Protocol):
    """Finds people in batches of RGB uint8 frames (H x W x 3).

    `detect` returns one list of boxes per frame, in that frame's pixel coordinates and inside it.
    `weak` is True for a fallback detector whose misses the result should warn about.
    """

    name: str
    weak: bool

    def detect(self, frames: list[np.ndarray]) -> list[list[Box]]: ...


def check_frame(frame: np.ndarray) -> tuple[int, int]:
    """Raise ValueError unless `frame` is an RGB uint8 image; return its (height, width)."""
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8:
        raise ValueError("a frame must be a uint8 numpy array")
    if frame.ndim != 3 or frame.shape[2] != 3 or frame.shape[0] == 0 or frame.shape[1] == 0:
        raise ValueError(f"a frame must be H x W x 3 RGB, got shape {frame.shape}")
    return int(frame.shape[0]), int(frame.shape[1])
