"""Joint angles a judge reads off a body: leg separation, hips, knees, elbows and trunk.

Landmarks are BlazePose's 33 points in its standard order, one row each: x and y in pixels
(image y points down) and the model's visibility in 0..1. An angle is measured only where every
landmark it uses is seen (visibility >= `min_visibility`, finite numbers) and its vectors have a
length; otherwise it is None (NaN in a series): a missing angle is never guessed.

Pure numpy, so the analysis, the GUI (overlay, manual angle tool, next/previous amplitude peak)
and the reports share one definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

# BlazePose's landmark order.
LANDMARK_NAMES = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)
NUM_LANDMARKS = len(LANDMARK_NAMES)  # 33

NOSE = 0
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_ELBOW, RIGHT_ELBOW = 13, 14
LEFT_WRIST, RIGHT_WRIST = 15, 16
LEFT_INDEX, RIGHT_INDEX = 19, 20
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
LEFT_HEEL, RIGHT_HEEL = 29, 30
LEFT_FOOT_INDEX, RIGHT_FOOT_INDEX = 31, 32

# The lines that draw a body (no face): torso, arms with the hand's direction, legs with feet.
SKELETON_EDGES: tuple[tuple[int, int], ...] = (
    (LEFT_SHOULDER, RIGHT_SHOULDER),
    (LEFT_SHOULDER, LEFT_HIP),
    (RIGHT_SHOULDER, RIGHT_HIP),
    (LEFT_HIP, RIGHT_HIP),
    (LEFT_SHOULDER, LEFT_ELBOW),
    (LEFT_ELBOW, LEFT_WRIST),
    (LEFT_WRIST, LEFT_INDEX),
    (RIGHT_SHOULDER, RIGHT_ELBOW),
    (RIGHT_ELBOW, RIGHT_WRIST),
    (RIGHT_WRIST, RIGHT_INDEX),
    (LEFT_HIP, LEFT_KNEE),
    (LEFT_KNEE, LEFT_ANKLE),
    (LEFT_ANKLE, LEFT_HEEL),
    (LEFT_HEEL, LEFT_FOOT_INDEX),
    (LEFT_ANKLE, LEFT_FOOT_INDEX),
    (RIGHT_HIP, RIGHT_KNEE),
    (RIGHT_KNEE, RIGHT_ANKLE),
    (RIGHT_ANKLE, RIGHT_HEEL),
    (RIGHT_HEEL, RIGHT_FOOT_INDEX),
    (RIGHT_ANKLE, RIGHT_FOOT_INDEX),
)

DEFAULT_MIN_VISIBILITY = 0.5
# A vector shorter than this (pixels) has no direction: its angle is missing.
_MIN_LENGTH_PX = 1e-6
# Times closer than this (seconds) are the same time.
_TIME_TOLERANCE_S = 1e-9

AngleKind = Literal["joint", "between", "vertical"]


@dataclass(frozen=True)
class AngleSpec:
    """One named angle, how it is measured and how it is labelled.

    kind "joint": the included angle at landmarks[1] between landmarks[0] and landmarks[2]
    (180 = straight). "between": the angle between the vectors landmarks[0] -> landmarks[1] and
    landmarks[2] -> landmarks[3]. "vertical": the angle between the vector from the midpoint of
    landmarks[0:2] to the midpoint of landmarks[2:4] and image up (0 = upright, 180 = inverted).
    """

    name: str
    label: str
    kind: AngleKind
    landmarks: tuple[int, ...]
    unit: str = "°"


ANGLES: tuple[AngleSpec, ...] = (
    AngleSpec(
        "leg_separation",
        "Leg separation",
        "between",
        (LEFT_HIP, LEFT_KNEE, RIGHT_HIP, RIGHT_KNEE),
    ),
    AngleSpec("hip_left", "Left hip", "joint", (LEFT_SHOULDER, LEFT_HIP, LEFT_KNEE)),
    AngleSpec("hip_right", "Right hip", "joint", (RIGHT_SHOULDER, RIGHT_HIP, RIGHT_KNEE)),
    AngleSpec("knee_left", "Left knee", "joint", (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE)),
    AngleSpec("knee_right", "Right knee", "joint", (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE)),
    AngleSpec("elbow_left", "Left elbow", "joint", (LEFT_SHOULDER, LEFT_ELBOW, LEFT_WRIST)),
    AngleSpec("elbow_right", "Right elbow", "joint", (RIGHT_SHOULDER, RIGHT_ELBOW, RIGHT_WRIST)),
    AngleSpec(
        "trunk_inclination",
        "Trunk inclination",
        "vertical",
        (LEFT_HIP, RIGHT_HIP, LEFT_SHOULDER, RIGHT_SHOULDER),
    ),
)
ANGLE_NAMES: tuple[str, ...] = tuple(spec.name for spec in ANGLES)


@dataclass(frozen=True)
class AngleReading:
    """One angle in one frame: degrees, or None where a landmark it needs is not seen (or a
    vector has no length); visibility is the lowest visibility among its landmarks (0 for NaN)."""

    degrees: float | None
    visibility: float


@dataclass(frozen=True, eq=False)
class AngleSeries:
    """Every angle of one person over time: arrays [T] per angle name (degrees NaN where
    missing; visibility as in AngleReading), at `times_s` [T]."""

    times_s: np.ndarray
    degrees: dict[str, np.ndarray]
    visibility: dict[str, np.ndarray]


def _included_degrees(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Angle between 2-D vectors u and v [..., 2] in degrees, 0..180; NaN where either has no
    length or is not finite. atan2 keeps it exact near 0 and 180, where arccos is not."""
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = u[..., 0] * v[..., 0] + u[..., 1] * v[..., 1]
    with np.errstate(invalid="ignore"):
        degrees = np.degrees(np.arctan2(np.abs(cross), dot))
        short = (np.hypot(u[..., 0], u[..., 1]) <= _MIN_LENGTH_PX) | (
            np.hypot(v[..., 0], v[..., 1]) <= _MIN_LENGTH_PX
        )
    return np.where(short | ~np.isfinite(degrees), np.nan, degrees)


def _spec_vectors(spec: AngleSpec, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two vectors whose angle `spec` measures, from points xy [..., 33, 2]."""
    p = spec.landmarks
    if spec.kind == "joint":
        return xy[..., p[0], :] - xy[..., p[1], :], xy[..., p[2], :] - xy[..., p[1], :]
    if spec.kind == "between":
        return xy[..., p[1], :] - xy[..., p[0], :], xy[..., p[3], :] - xy[..., p[2], :]
    lower = (xy[..., p[0], :] + xy[..., p[1], :]) / 2
    upper = (xy[..., p[2], :] + xy[..., p[3], :]) / 2
    image_up = np.broadcast_to(np.array([0.0, -1.0]), lower.shape)
    return upper - lower, image_up


def _seen(landmarks: np.ndarray, min_visibility: float) -> np.ndarray:
    """[..., 33] True where a landmark is seen: visible enough and with finite numbers."""
    visibility = landmarks[..., 2]
    with np.errstate(invalid="ignore"):
        visible = visibility >= min_visibility
    return visible & np.isfinite(landmarks).all(axis=-1)


def _angles(
    landmarks: np.ndarray, points: np.ndarray, min_visibility: float
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every angle as (degrees, visibility) arrays over the leading axes: visibility and what
    is seen come from `landmarks` [..., 33, 3], positions from `points` [..., 33, 2]."""
    seen = _seen(landmarks, min_visibility)
    visibility = np.nan_to_num(landmarks[..., 2], nan=0.0)
    out = {}
    for spec in ANGLES:
        used = list(spec.landmarks)
        u, v = _spec_vectors(spec, points)
        degrees = np.where(seen[..., used].all(axis=-1), _included_degrees(u, v), np.nan)
        out[spec.name] = (degrees, visibility[..., used].min(axis=-1))
    return out


def _as_landmarks(landmarks: np.ndarray, leading: int) -> np.ndarray:
    array = np.asarray(landmarks, dtype=np.float64)
    if array.ndim != leading + 2 or array.shape[-2:] != (NUM_LANDMARKS, 3):
        wanted = "[T, 33, 3]" if leading else "[33, 3]"
        raise ValueError(f"landmarks must have shape {wanted}, not {list(array.shape)}")
    return array


def joint_angles(
    landmarks: np.ndarray, min_visibility: float = DEFAULT_MIN_VISIBILITY
) -> dict[str, AngleReading]:
    """Every angle of ANGLES (in that order) for one person in one frame, from landmarks
    [33, 3]; an angle is None where a landmark it uses is below `min_visibility` or NaN, or
    where one of its vectors has no length."""
    array = _as_landmarks(landmarks, leading=0)
    readings = {}
    for name, (degrees, visibility) in _angles(array, array[:, :2], min_visibility).items():
        value = float(degrees)
        readings[name] = AngleReading(None if np.isnan(value) else value, float(visibility))
    return readings


def _time_axis(times_s: Sequence[float] | np.ndarray, length: int) -> np.ndarray:
    times = np.asarray(times_s, dtype=np.float64)
    if times.shape != (length,):
        raise ValueError(f"times_s must have one time per frame ({length}), not {times.shape}")
    if not np.isfinite(times).all() or np.any(np.diff(times) < 0):
        raise ValueError("times_s must be finite and in increasing order")
    return times


def smooth_landmarks(
    landmarks: np.ndarray,
    times_s: Sequence[float] | np.ndarray,
    min_visibility: float = DEFAULT_MIN_VISIBILITY,
    window_s: float = 0.5,
    max_gap_s: float = 0.3,
) -> np.ndarray:
    """Landmarks [T, 33, 3] with each seen landmark's x and y replaced by their centred moving
    median over time; visibility and unseen landmarks are unchanged.

    The window holds the frames within window_s / 2 on either side, equally many on each side
    (so the ends of a stretch stay as they are), and never reaches past a frame where that
    landmark is unseen or a step in time longer than `max_gap_s`: a gap is not smoothed over.
    A median removes one-frame jumps of the pose model and keeps a steady movement's values.
    """
    array = _as_landmarks(landmarks, leading=1)
    count = array.shape[0]
    times = _time_axis(times_s, count)
    if count == 0:
        return array.copy()
    seen = _seen(array, min_visibility)  # [T, 33]
    frame = np.arange(count)[:, None]
    long_step = np.zeros(count, dtype=bool)
    long_step[1:] = np.diff(times) > max_gap_s + _TIME_TOLERANCE_S
    # A stretch starts at a frame that cannot be joined to the one before it.
    starts = np.ones_like(seen)
    starts[1:] = ~seen[:-1] | ~seen[1:] | long_step[1:, None]
    ends = np.ones_like(seen)
    ends[:-1] = starts[1:]
    stretch_start = np.maximum.accumulate(np.where(starts, frame, 0), axis=0)
    stretch_end = np.minimum.accumulate(np.where(ends, frame, count)[::-1], axis=0)[::-1]
    half_s = window_s / 2 + _TIME_TOLERANCE_S
    first_in_window = np.searchsorted(times, times - half_s, side="left")[:, None]
    last_in_window = np.searchsorted(times, times + half_s, side="right")[:, None] - 1
    before = frame - np.maximum(first_in_window, stretch_start)
    after = np.minimum(last_in_window, stretch_end) - frame
    reach = np.where(seen, np.minimum(before, after), 0)  # frames on each side [T, 33]

    smoothed = array.copy()
    for k in range(1, int(reach.max(initial=0)) + 1):
        rows, cols = np.nonzero(reach == k)
        windows = np.stack([array[rows + offset, cols, :2] for offset in range(-k, k + 1)])
        smoothed[rows, cols, :2] = np.median(windows, axis=0)
    return smoothed


def angle_series(
    landmarks: np.ndarray,
    times_s: Sequence[float] | np.ndarray,
    min_visibility: float = DEFAULT_MIN_VISIBILITY,
    window_s: float = 0.5,
    max_gap_s: float = 0.3,
) -> AngleSeries:
    """Every angle of one person over time from landmarks [T, 33, 3] at `times_s` [T], measured
    on landmarks smoothed by `smooth_landmarks` (same arguments); NaN where missing.

    With the defaults, samples at 5 fps are smoothed over 3 frames and samples at 1 fps not at
    all (a second is too long to assume a body's pose in between)."""
    array = _as_landmarks(landmarks, leading=1)
    times = _time_axis(times_s, array.shape[0])
    points = smooth_landmarks(array, times, min_visibility, window_s, max_gap_s)[..., :2]
    angles = _angles(array, points, min_visibility)
    return AngleSeries(
        times_s=times,
        degrees={name: degrees for name, (degrees, _) in angles.items()},
        visibility={name: visibility for name, (_, visibility) in angles.items()},
    )


def _finite_stretches(values: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of each run of finite values."""
    finite = np.concatenate([[False], np.isfinite(values), [False]])
    edges = np.flatnonzero(np.diff(finite.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _stretch_peaks(values: np.ndarray, min_prominence: float) -> list[int]:
    """Indices of the local maxima of one finite stretch that stand at least `min_prominence`
    above the higher of the lowest points on either side before a higher value (or the
    stretch's end). A value at either end is not a peak: what follows it is unknown. A flat
    top counts once, at its middle."""
    peaks = []
    size = len(values)
    i = 1
    while i < size - 1:
        if values[i] <= values[i - 1]:
            i += 1
            continue
        top_end = i
        while top_end + 1 < size and values[top_end + 1] == values[i]:
            top_end += 1
        if top_end + 1 < size and values[top_end + 1] < values[i]:
            height = values[i]
            left = i - 1
            while left > 0 and values[left - 1] <= height:
                left -= 1
            right = top_end + 1
            while right < size - 1 and values[right + 1] <= height:
                right += 1
            base = max(values[left:i].min(), values[top_end + 1 : right + 1].min())
            if height - base >= min_prominence:
                peaks.append((i + top_end) // 2)
        i = top_end + 1
    return peaks


def amplitude_peaks(
    times_s: Sequence[float] | np.ndarray,
    degrees: Sequence[float] | np.ndarray,
    min_prominence_deg: float = 10.0,
    min_separation_s: float = 0.5,
) -> list[tuple[float, float]]:
    """The local maxima of an angle series as (time_s, degrees), sorted by time.

    NaN gaps are not bridged: each stretch of finite values is searched on its own, and its
    first and last values are never peaks. A peak must rise `min_prominence_deg` above its
    surroundings (its prominence within the stretch); of peaks closer than `min_separation_s`
    the higher is kept (the earlier on a tie).
    """
    values = np.asarray(degrees, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"degrees must be one series, not shape {values.shape}")
    times = _time_axis(times_s, values.shape[0])
    candidates = [
        start + index
        for start, stop in _finite_stretches(values)
        for index in _stretch_peaks(values[start:stop], min_prominence_deg)
    ]
    kept: list[int] = []
    for index in sorted(candidates, key=lambda i: (-values[i], times[i])):
        if all(abs(times[index] - times[other]) >= min_separation_s for other in kept):
            kept.append(index)
    return [(float(times[i]), float(values[i])) for i in sorted(kept)]


def next_peak(
    times_s: Sequence[float] | np.ndarray,
    degrees: Sequence[float] | np.ndarray,
    after_s: float,
    min_prominence_deg: float = 10.0,
    min_separation_s: float = 0.5,
) -> tuple[float, float] | None:
    """The first amplitude peak strictly after `after_s` (the player's "next peak"), or None."""
    peaks = amplitude_peaks(times_s, degrees, min_prominence_deg, min_separation_s)
    return next((p for p in peaks if p[0] > after_s + _TIME_TOLERANCE_S), None)


def previous_peak(
    times_s: Sequence[float] | np.ndarray,
    degrees: Sequence[float] | np.ndarray,
    before_s: float,
    min_prominence_deg: float = 10.0,
    min_separation_s: float = 0.5,
) -> tuple[float, float] | None:
    """The last amplitude peak strictly before `before_s` (the player's "previous peak"), or
    None."""
    peaks = amplitude_peaks(times_s, degrees, min_prominence_deg, min_separation_s)
    return next((p for p in reversed(peaks) if p[0] < before_s - _TIME_TOLERANCE_S), None)


def angle_at_point(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    c: Sequence[float] | np.ndarray,
) -> float:
    """The included angle at b of the 2-D points a, b, c in degrees, 0..180 (the manual angle
    tool); NaN where a or c coincides with b."""
    pa, pb, pc = (np.asarray(p, dtype=np.float64) for p in (a, b, c))
    if not pa.shape == pb.shape == pc.shape == (2,):
        raise ValueError("angle_at_point takes three 2-D points (x, y)")
    return float(_included_degrees(pa - pb, pc - pb))
