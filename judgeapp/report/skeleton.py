"""The athlete's body as the pose model saw it: finding their pose at a moment and drawing the
skeleton onto a picture (the report's thumbnails and the annotated video share this).

Only landmarks the model saw (visibility >= core.posture.DEFAULT_MIN_VISIBILITY) are drawn: a
line whose end was not seen is left out, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import cv2
import numpy as np

from judgeapp.core.athlete import PoseInfo, PosePerson, athlete_of, nearest_index
from judgeapp.core.posture import (
    ANGLES,
    DEFAULT_MIN_VISIBILITY,
    LEFT_ANKLE,
    LEFT_ELBOW,
    LEFT_FOOT_INDEX,
    LEFT_HEEL,
    LEFT_HIP,
    LEFT_INDEX,
    LEFT_KNEE,
    LEFT_SHOULDER,
    LEFT_WRIST,
    SKELETON_EDGES,
)
from judgeapp.core.results import AnalysisResult

# The pose nearest in time is drawn when it is this close (the pose model samples at 5 fps).
POSE_REACH_S = 0.15

LEFT_RGB = (0, 190, 255)  # the body's left side
RIGHT_RGB = (255, 60, 170)  # its right side
TORSO_RGB = (120, 220, 60)  # across the body: shoulders, hips
OTHER_RGB = (170, 170, 170)  # people other than the athlete
HIGHLIGHT_RGB = (255, 120, 0)  # the lines an angle is measured on

_LEFT_POINTS = {
    LEFT_SHOULDER,
    LEFT_ELBOW,
    LEFT_WRIST,
    LEFT_INDEX,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_ANKLE,
    LEFT_HEEL,
    LEFT_FOOT_INDEX,
}


def edge_rgb(a: int, b: int) -> tuple[int, int, int]:
    """The colour of a skeleton line: left limbs, right limbs, or the torso across both."""
    left = (a in _LEFT_POINTS) + (b in _LEFT_POINTS)
    if left == 2:
        return LEFT_RGB
    if left == 0:
        return RIGHT_RGB
    return TORSO_RGB


def athlete_poses(result: AnalysisResult) -> list[PosePerson]:
    """The athlete's poses in time order: the followed track's, or (largest-box rule, no track)
    the largest person of each pose frame."""
    pose = result.pose
    if pose is None:
        return []
    track = result.athlete.track if result.athlete is not None else None
    samples: dict[float, list[PosePerson]] = {}
    for person in pose.people:
        samples.setdefault(person.time_s, []).append(person)
    chosen = (athlete_of(samples[t], track) for t in sorted(samples))
    return [person for person in chosen if person is not None]


class PoseTimeline:
    """Poses indexed by time, for "the pose nearest this moment" lookups in every frame of a
    video (the annotated video): the athlete's, and everyone else's grouped by pose frame."""

    def __init__(self, athlete: Sequence[PosePerson], others: Sequence[PosePerson]) -> None:
        self.athlete = tuple(sorted(athlete, key=lambda p: p.time_s))
        self._athlete_times = [p.time_s for p in self.athlete]
        groups: dict[float, list[PosePerson]] = {}
        for person in others:
            groups.setdefault(person.time_s, []).append(person)
        self._other_times = sorted(groups)
        self._others = [groups[t] for t in self._other_times]

    @classmethod
    def of(cls, result: AnalysisResult) -> PoseTimeline:
        athlete = athlete_poses(result)
        chosen = {id(p) for p in athlete}
        pose: PoseInfo | None = result.pose
        others = [] if pose is None else [p for p in pose.people if id(p) not in chosen]
        return cls(athlete, others)

    def athlete_at(self, time_s: float, reach_s: float = POSE_REACH_S) -> PosePerson | None:
        """The athlete's pose nearest `time_s`, if within `reach_s`."""
        i = nearest_index(self._athlete_times, time_s, reach_s)
        return None if i is None else self.athlete[i]

    def others_at(self, time_s: float, reach_s: float = POSE_REACH_S) -> list[PosePerson]:
        """The other people of the pose frame nearest `time_s` (within `reach_s`)."""
        i = nearest_index(self._other_times, time_s, reach_s)
        return [] if i is None else list(self._others[i])


def nearest_pose(
    poses: Sequence[PosePerson], time_s: float, reach_s: float = POSE_REACH_S
) -> PosePerson | None:
    """The pose of `poses` (in time order) nearest `time_s`, if within `reach_s`."""
    i = nearest_index([p.time_s for p in poses], time_s, reach_s)
    return None if i is None else poses[i]


def _seen(point: Sequence[float]) -> bool:
    x, y, visibility = point
    return visibility >= DEFAULT_MIN_VISIBILITY and np.isfinite(x) and np.isfinite(y)


def draw_skeleton(
    image: np.ndarray,
    landmarks: Sequence[Sequence[float]],
    thickness: int,
    scale: float = 1.0,
    offset: tuple[float, float] = (0.0, 0.0),
    grey: bool = False,
) -> None:
    """Draw a body's seen lines and joints onto an RGB image in place.

    Landmarks are in frame pixels; they are drawn at (x - offset_x) * scale, (y - offset_y) *
    scale (a crop that was scaled). `grey`: a thin line in one colour (someone else)."""
    points = [
        (round((x - offset[0]) * scale), round((y - offset[1]) * scale))
        if _seen((x, y, v))
        else None
        for x, y, v in landmarks
    ]
    outline = max(1, thickness + 2)
    for a, b in SKELETON_EDGES:
        pa, pb = points[a], points[b]
        if pa is None or pb is None:
            continue
        if not grey:
            cv2.line(image, pa, pb, (20, 20, 20), outline, cv2.LINE_AA)
        cv2.line(image, pa, pb, OTHER_RGB if grey else edge_rgb(a, b), thickness, cv2.LINE_AA)
    if grey:
        return
    radius = max(2, round(thickness * 0.9))
    for index in {i for edge in SKELETON_EDGES for i in edge}:
        point = points[index]
        if point is not None:
            cv2.circle(image, point, radius, (20, 20, 20), -1, cv2.LINE_AA)
            cv2.circle(image, point, max(1, radius - 1), (255, 255, 255), -1, cv2.LINE_AA)


def angle_lines(name: str) -> list[tuple[int, ...]]:
    """The landmark pairs an angle is measured between (a pair of pairs for "vertical": hip
    and shoulder midpoints)."""
    spec = next((s for s in ANGLES if s.name == name), None)
    if spec is None:
        return []
    p = spec.landmarks
    if spec.kind == "joint":
        return [(p[0], p[1]), (p[1], p[2])]
    if spec.kind == "between":
        return [(p[0], p[1]), (p[2], p[3])]
    return [(p[0], p[1], p[2], p[3])]


def draw_angle(
    image: np.ndarray,
    landmarks: Sequence[Sequence[float]],
    name: str,
    thickness: int,
    scale: float = 1.0,
    offset: tuple[float, float] = (0.0, 0.0),
) -> None:
    """Draw the lines angle `name` is measured on, over a skeleton, where they were seen."""

    def at(x: float, y: float) -> tuple[int, int]:
        return round((x - offset[0]) * scale), round((y - offset[1]) * scale)

    for line in angle_lines(name):
        used = [landmarks[i] for i in line]
        if not all(_seen(p) for p in used):
            continue
        if len(line) == 2:
            ends = [at(p[0], p[1]) for p in used]
            cv2.line(image, ends[0], ends[1], HIGHLIGHT_RGB, thickness, cv2.LINE_AA)
            if name.startswith(("hip", "knee", "elbow")):
                cv2.circle(image, ends[0], thickness + 1, HIGHLIGHT_RGB, -1, cv2.LINE_AA)
            continue
        # Trunk: hip midpoint to shoulder midpoint, beside a vertical of the same length.
        hip = ((used[0][0] + used[1][0]) / 2, (used[0][1] + used[1][1]) / 2)
        shoulder = ((used[2][0] + used[3][0]) / 2, (used[2][1] + used[3][1]) / 2)
        length = float(np.hypot(shoulder[0] - hip[0], shoulder[1] - hip[1]))
        base = at(*hip)
        cv2.line(image, base, at(*shoulder), HIGHLIGHT_RGB, thickness, cv2.LINE_AA)
        top = at(hip[0], hip[1] - length)
        _dashed(image, base, top, HIGHLIGHT_RGB, max(1, thickness // 2))
        cv2.circle(image, base, thickness + 1, HIGHLIGHT_RGB, -1, cv2.LINE_AA)


def _dashed(
    image: np.ndarray,
    start: tuple[int, int],
    end: tuple[int, int],
    rgb: tuple[int, int, int],
    thickness: int,
    dash_px: int = 8,
) -> None:
    length = float(np.hypot(end[0] - start[0], end[1] - start[1]))
    steps = max(1, int(length // dash_px))
    for k in range(0, steps, 2):
        a = k / steps
        b = min(1.0, (k + 1) / steps)
        p = (round(start[0] + a * (end[0] - start[0])), round(start[1] + a * (end[1] - start[1])))
        q = (round(start[0] + b * (end[0] - start[0])), round(start[1] + b * (end[1] - start[1])))
        cv2.line(image, p, q, rgb, thickness, cv2.LINE_AA)


def seen_points(landmarks: Iterable[Sequence[float]]) -> list[tuple[float, float]]:
    """The (x, y) of the landmarks the model saw."""
    return [(float(p[0]), float(p[1])) for p in landmarks if _seen(p)]
