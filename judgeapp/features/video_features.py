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
    # Every person found in the 1 fps frames (at most a few per frame), each embedded, so the
    # athlete can be chosen (or changed by the user) without running the networks again.
    # `static` above holds the rows of the largest box in each frame (the paper's rule).
    people: PeopleFound | None = None

    def arrays(self) -> dict[str, np.ndarray]:
        """All arrays by name, for saving."""
        arrays = {
            "dynamic": self.dynamic,
            "segment_start_s": self.segment_start_s,
            "segment_end_s": self.segment_end_s,
            "static": self.static,
            "static_time_s": self.static_time_s,
            "static_frame": self.static_frame,
            "static_box": self.static_box,
        }
        if self.people is not None:
            arrays.update(self.people.arrays())
        return arrays


@dataclass
class PeopleFound:
    """The people the finder saw, for choosing and following the athlete.

    Candidates (1 fps frames, the static stream's instances):
      cand_static [K, Ds] float32 features, cand_time_s [K], cand_frame [K] int,
      cand_box [K, 4] pixels, cand_score [K].
    Poses (5 fps frames; empty for a finder without landmarks):
      pose_time_s [P], pose_frame [P] int, pose_box [P, 4], pose_score [P],
      pose_rotation [P] int degrees, pose_landmarks [P, 33, 3] (x, y pixels, visibility).
    """

    cand_static: np.ndarray
    cand_time_s: np.ndarray
    cand_frame: np.ndarray
    cand_box: np.ndarray
    cand_score: np.ndarray
    pose_time_s: np.ndarray
    pose_frame: np.ndarray
    pose_box: np.ndarray
    pose_score: np.ndarray
    pose_rotation: np.ndarray
    pose_landmarks: np.ndarray

    NAMES = (
        "cand_static", "cand_time_s", "cand_frame", "cand_box", "cand_score",
        "pose_time_s", "pose_frame", "pose_box", "pose_score", "pose_rotation", "pose_landmarks",
    )  # fmt: skip

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.NAMES}

    @classmethod
    def from_arrays(cls, data) -> PeopleFound | None:
        """From saved arrays (a mapping); None when they were not saved."""
        if any(name not in data for name in cls.NAMES):
            return None
        return cls(**{name: np.asarray(data[name]) for name in cls.NAMES})
