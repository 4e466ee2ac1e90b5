"""No person detection: every frame's box is the whole frame.

The "without detection" ablation (the static stream sees whole frames, as in a plain
frame-level model), and videos where the athlete fills the picture anyway. Not a speed-up:
every 1 fps frame then goes through the static backbone (docs/performance.md).
"""

from __future__ import annotations

import numpy as np

from judgeapp.detect.boxes import Box
from judgeapp.detect.detector import check_frame


class WholeFrameDetector:
    """Returns one box per frame covering all of it (score 1), so nothing is cropped."""

    name = "none"
    weak = False

    def detect(self, frames: list[np.ndarray]) -> list[list[Box]]:
        boxes = []
        for frame in frames:
            height, width = check_frame(frame)
            boxes.append([Box(0.0, 0.0, float(width), float(height), 1.0)])
        return boxes
