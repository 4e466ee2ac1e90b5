"""The features of one video for both streams, with where each instance sits in time."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class VideoFeatures:
    """Backbone features of one video under one profile.

    dynamic: [N, Dd] float32, one row per 16-frame segment of 5 fps samples.
    static:  [M, Ds] float32, one row per 1 fps frame that has an athlete box (or per frame
             when no frame had a person; `static_whole_frames` says so).
    """

    profile: str
    dynamic: np.ndarray
    segment_start_s: np.ndarray  # [N]
    segment_end_s: np.ndarray  # [N]
    static: np.ndarray
    static_time_s: np.ndarray  # [M]
    static_frame: np.ndarray  # [M] int, index of the decoded frame
    static_box: np.ndarray  # [M, 4] x1, y1, x2, y2 in pixels
    detector: str = ""
    static_whole_frames: bool = False
    warnings: list[str] = field(default_factory=list)
    engine: str = ""  # which engine computed them ("torch", "openvino"); "" = not recorded
    precision: str = ""  # "fp32", "fp16", "bf16"

    def arrays(self) -> dict[str, np.ndarray]:
        """All arrays by name, for saving."""
        return {
            "dynamic": self.dynamic,
            "segment_start_s": self.segment_start_s,
            "segment_end_s": self.segment_end_s,
            "static": self.static,
            "static_time_s": self.static_time_s,
            "static_frame": self.static_frame,
            "static_box": self.static_box,
        }
