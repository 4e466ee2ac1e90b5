"""Joint angles from BlazePose landmarks: exact values on constructed bodies, missing where not
seen, smoothing that does not bridge gaps, amplitude peaks and the manual angle tool."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judgeapp.core import posture as p
from judgeapp.core.posture import (
    ANGLE_NAMES,
    ANGLES,
    SKELETON_EDGES,
    AngleReading,
    amplitude_peaks,
    angle_at_point,
    angle_series,
    joint_angles,
    next_peak,
    previous_peak,
    smooth_landmarks,
)


def body(**points: tuple[float, float]) -> np.ndarray:
    """A standing person facing the camera (every landmark seen), with some points moved."""
    standing = {
        p.NOSE: (100.0, 20.0),
        p.LEFT_SHOULDER: (110.0, 50.0),
        p.RIGHT_SHOULDER: (90.0, 50.0),
        p.LEFT_ELBOW: (115.0, 75.0),
        p.RIGHT_ELBOW: (85.0, 75.0),
        p.LEFT_WRIST: (120.0, 100.0),
        p.RIGHT_WRIST: (80.0, 100.0),
        p.LEFT_HIP: (110.0, 100.0),
        p.RIGHT_HIP: (90.0, 100.0),
        p.LEFT_KNEE: (110.0, 150.0),
        p.RIGHT_KNEE: (90.0, 150.0),
        p.LEFT_ANKLE: (110.0, 200.0),
        p.RIGHT_ANKLE: (90.0, 200.0),
    }
    landmarks = np.zeros((33, 3))
    landmarks[:, :2] = (100.0, 100.0)
    landmarks[:, 2] = 1.0
    for index, xy in standing.items():
        landmarks[index, :2] = xy
    for name, xy in points.items():
        landmarks[getattr(p, name.upper()), :2] = xy
    return landmarks


def degrees_of(landmarks: np.ndarray) -> dict[str, float | None]:
    return {name: reading.degrees for name, reading in joint_angles(landmarks).items()}


def test_angles_are_named_in_a_fixed_order_with_labels():
    assert ANGLE_NAMES == (
        "leg_separation",
        "hip_left",
        "hip_right",
        "knee_left",
        "knee_right",
        "elbow_left",
        "elbow_right",
        "trunk_inclination",
    )
    assert all(spec.label and spec.unit == "°" for spec in ANGLES)
    assert tuple(joint_angles(body())) == ANGLE_NAMES
    assert all(0 <= a < 33 and 0 <= b < 33 and a != b for a, b in SKELETON_EDGES)
    assert not {a for edge in SKELETON_EDGES for a in edge} & set(range(11))  # no face


def test_standing_body():
    assert degrees_of(body()) == {
        "leg_separation": 0.0,
        "hip_left": 180.0,
        "hip_right": 180.0,
        "knee_left": 180.0,
        "knee_right": 180.0,
        "elbow_left": 180.0,
        "elbow_right": 180.0,
        "trunk_inclination": 0.0,
    }
    assert joint_angles(body())["knee_left"] == AngleReading(180.0, 1.0)


def test_split_with_thighs_at_180_degrees():
    split = body(
        left_knee=(160.0, 100.0),
        left_ankle=(210.0, 100.0),
        right_knee=(40.0, 100.0),
        right_ankle=(-10.0, 100.0),
    )
    angles = degrees_of(split)
    assert angles["leg_separation"] == pytest.approx(180.0, abs=1e-12)
    assert angles["knee_left"] == angles["knee_right"] == pytest.approx(180.0, abs=1e-12)
    # Shoulder straight above the hip, knee straight to the side: a right angle at the hip.
    assert angles["hip_left"] == angles["hip_right"] == pytest.approx(90.0, abs=1e-12)
    assert angles["trunk_inclination"] == 0.0


def test_knee_bent_at_a_right_angle():
    angles = degrees_of(body(left_ankle=(160.0, 150.0)))
    assert angles["knee_left"] == pytest.approx(90.0, abs=1e-12)
    assert angles["knee_right"] == 180.0
    assert angles["leg_separation"] == 0.0  # the thighs did not move


def test_leg_separation_of_thighs_at_60_degrees():
    left_knee = (
        110.0 + 50.0 * math.sin(math.radians(30)),
        100.0 + 50.0 * math.cos(math.radians(30)),
    )
    right_knee = (
        90.0 - 50.0 * math.sin(math.radians(30)),
        100.0 + 50.0 * math.cos(math.radians(30)),
    )
    angles = degrees_of(body(left_knee=left_knee, right_knee=right_knee))
    assert angles["leg_separation"] == pytest.approx(60.0, abs=1e-9)


def test_handstand_and_horizontal_trunk():
    handstand = body(
        left_shoulder=(110.0, 150.0),
        right_shoulder=(90.0, 150.0),
        left_knee=(110.0, 50.0),
        right_knee=(90.0, 50.0),
        left_ankle=(110.0, 0.0),
        right_ankle=(90.0, 0.0),
    )
    angles = degrees_of(handstand)
    assert angles["trunk_inclination"] == 180.0
    assert angles["hip_left"] == angles["knee_left"] == 180.0

    lying = body(left_shoulder=(160.0, 95.0), right_shoulder=(160.0, 105.0))
    assert degrees_of(lying)["trunk_inclination"] == pytest.approx(90.0, abs=1e-12)
    leaning = body(left_shoulder=(160.0, 50.0), right_shoulder=(140.0, 50.0))  # 50 right, 50 up
    assert degrees_of(leaning)["trunk_inclination"] == pytest.approx(45.0, abs=1e-12)


def test_a_hidden_knee_leaves_its_angles_missing_but_not_the_others():
    landmarks = body()
    landmarks[p.LEFT_KNEE, 2] = 0.2
    landmarks[p.LEFT_ELBOW, 2] = 0.7
    readings = joint_angles(landmarks)
    for name in ("knee_left", "hip_left", "leg_separation"):
        assert readings[name] == AngleReading(None, 0.2)
    assert readings["knee_right"] == AngleReading(180.0, 1.0)
    assert readings["elbow_left"] == AngleReading(180.0, 0.7)
    assert readings["elbow_right"] == AngleReading(180.0, 1.0)
    # A lower bar keeps the knee's angles, with their low visibility.
    assert joint_angles(landmarks, min_visibility=0.1)["knee_left"] == AngleReading(180.0, 0.2)


def test_nan_landmarks_are_missing_not_zero():
    landmarks = body()
    landmarks[p.RIGHT_WRIST] = np.nan
    readings = joint_angles(landmarks)
    assert readings["elbow_right"] == AngleReading(None, 0.0)
    assert readings["elbow_left"].degrees == 180.0
    landmarks = body()
    landmarks[p.RIGHT_ANKLE, 0] = np.nan  # visible, but no position
    assert joint_angles(landmarks)["knee_right"].degrees is None


def test_a_vector_without_length_has_no_angle():
    readings = joint_angles(body(left_knee=(110.0, 100.0)))  # knee on the hip
    assert readings["knee_left"].degrees is None
    assert readings["hip_left"].degrees is None
    assert readings["leg_separation"].degrees is None
    assert readings["knee_right"].degrees == 180.0
    same_hips = body(
        left_shoulder=(100.0, 100.0),
        right_shoulder=(100.0, 100.0),
        left_hip=(100.0, 100.0),
        right_hip=(100.0, 100.0),
    )
    assert joint_angles(same_hips)["trunk_inclination"].degrees is None


def test_landmarks_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match=r"\[33, 3\]"):
        joint_angles(np.zeros((17, 3)))
    with pytest.raises(ValueError, match=r"\[T, 33, 3\]"):
        angle_series(np.zeros((33, 3)), [0.0])


_offset = st.floats(-15.0, 15.0, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    offsets=st.lists(st.tuples(_offset, _offset), min_size=33, max_size=33),
    turn_deg=st.floats(-360.0, 360.0),
    scale=st.floats(0.2, 5.0),
    shift=st.tuples(st.floats(-1000.0, 1000.0), st.floats(-1000.0, 1000.0)),
)
def test_rotating_and_scaling_a_body_keeps_its_joint_angles(offsets, turn_deg, scale, shift):
    # Any pose near a standing body three times the size of body(): every vector an angle uses
    # stays over 30 px long, so every angle exists.
    landmarks = body()
    landmarks[:, :2] = 3 * landmarks[:, :2] + np.array(offsets)
    turn = math.radians(turn_deg)
    rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    moved = landmarks.copy()
    moved[:, :2] = scale * landmarks[:, :2] @ rotation.T + shift
    before, after = joint_angles(landmarks), joint_angles(moved)
    for name in ANGLE_NAMES:
        assert before[name].degrees is not None and after[name].degrees is not None
        if name == "trunk_inclination":  # measured against the image's vertical
            continue
        assert after[name].degrees == pytest.approx(before[name].degrees, abs=1e-6)


def series_of(frames: list[np.ndarray], fps: float = 5.0):
    return np.stack(frames), np.arange(len(frames)) / fps


def test_smoothing_removes_a_one_frame_jump_of_the_model():
    frames = [body() for _ in range(7)]
    frames[3][p.LEFT_ANKLE, :2] = (140.0, 190.0)  # one glitch
    landmarks, times = series_of(frames)
    raw = joint_angles(frames[3])["knee_left"].degrees
    assert raw < 160
    series = angle_series(landmarks, times)
    np.testing.assert_array_equal(series.degrees["knee_left"], np.full(7, 180.0))
    np.testing.assert_array_equal(series.times_s, times)
    np.testing.assert_array_equal(series.visibility["knee_left"], np.ones(7))


def test_smoothing_does_not_bridge_a_hidden_frame_or_a_gap_in_time():
    # The knee bends once (frame 4), just before the person is lost (frame 5). Smoothed across
    # the missing frame, the straight knees on both sides would erase the bend.
    straight = [body() for _ in range(4)]
    bent = body(left_ankle=(160.0, 150.0))
    hidden = body()
    hidden[:, 2] = 0.1
    landmarks, times = series_of(straight + [bent, hidden] + straight)
    series = angle_series(landmarks, times, window_s=1.0)
    expected = [180.0] * 4 + [90.0, np.nan] + [180.0] * 4
    np.testing.assert_allclose(series.degrees["knee_left"], expected, atol=1e-9)
    assert series.visibility["knee_left"][5] == pytest.approx(0.1)
    np.testing.assert_array_equal(series.degrees["knee_right"][[4, 6]], [180.0, 180.0])

    # No hidden frame, but 2 s without a sample after the bend: a window of 5 s still stops.
    landmarks = np.stack(straight + [bent] + straight)
    times = np.concatenate([np.arange(5) * 0.2, 2.8 + np.arange(4) * 0.2])
    series = angle_series(landmarks, times, window_s=5.0)
    np.testing.assert_allclose(series.degrees["knee_left"], [180.0] * 4 + [90.0] + [180.0] * 4)
    bridged = angle_series(landmarks, times, window_s=5.0, max_gap_s=3.0)
    assert bridged.degrees["knee_left"][4] == 180.0


def test_smoothing_window_is_in_seconds():
    frames = [body() for _ in range(5)]
    frames[2][p.LEFT_ANKLE, :2] = (140.0, 190.0)
    landmarks = np.stack(frames)
    at_1_fps = angle_series(landmarks, np.arange(5.0))  # neighbours 1 s away: not smoothed
    assert at_1_fps.degrees["knee_left"][2] < 160
    smoothed = smooth_landmarks(landmarks, np.arange(5) * 0.2)
    np.testing.assert_array_equal(smoothed[2, p.LEFT_ANKLE], [110.0, 200.0, 1.0])
    np.testing.assert_array_equal(smoothed[[0, 1, 3, 4]], landmarks[[0, 1, 3, 4]])


def test_smoothing_keeps_a_steady_movement():
    # The knee bends 10 degrees per frame: a median of 3 keeps every inner value.
    frames = []
    for step in range(8):
        bend = math.radians(10.0 * step)
        frames.append(body(left_ankle=(110.0 + 50 * math.sin(bend), 150.0 + 50 * math.cos(bend))))
    landmarks, times = series_of(frames)
    series = angle_series(landmarks, times)
    np.testing.assert_allclose(series.degrees["knee_left"], 180.0 - 10.0 * np.arange(8), atol=1e-9)


def test_peaks_at_the_right_times_without_bridging_nan_gaps():
    times = np.arange(20) * 0.2
    nan = np.nan
    degrees = np.array(
        [0, 10, 50, 10, 0, nan, nan, 0, 20, 80, 20, 0, 5, 8, 5, 0, 40, 0, 30, 60], dtype=float
    )
    # 8 stands only 8 above the lowest points around it; 60 ends the series: not peaks.
    assert amplitude_peaks(times, degrees) == [
        (pytest.approx(0.4), 50.0),
        (pytest.approx(1.8), 80.0),
        (pytest.approx(3.2), 40.0),
    ]
    # The highest value before a gap is not a peak: what came next is unknown.
    assert amplitude_peaks(np.arange(7) * 0.2, np.array([0, 20, 40, 60, nan, 0, 0])) == []
    # Bridged, 50 would lead up to the 100 across the gap; here it stands 30 above its stretch.
    assert amplitude_peaks(np.arange(6) * 0.2, np.array([0, 50, 20, nan, 100, 0])) == [
        (pytest.approx(0.2), 50.0)
    ]


def test_peak_prominence_separation_and_flat_tops():
    times = np.arange(5) * 0.2
    close = np.array([0.0, 50.0, 20.0, 45.0, 0.0])
    assert amplitude_peaks(times, close, min_separation_s=0.3) == [
        (pytest.approx(0.2), 50.0),
        (pytest.approx(0.6), 45.0),
    ]
    assert amplitude_peaks(times, close) == [(pytest.approx(0.2), 50.0)]  # 0.4 s apart
    assert amplitude_peaks(times, close, min_prominence_deg=30) == [(pytest.approx(0.2), 50.0)]
    flat = np.array([0.0, 70.0, 70.0, 70.0, 0.0])
    assert amplitude_peaks(times, flat) == [(pytest.approx(0.4), 70.0)]
    assert amplitude_peaks([], []) == []


def test_next_and_previous_peak():
    times = np.arange(30) * 0.2
    degrees = 90.0 + 60.0 * np.sin(2 * np.pi * (times - 0.1) / 2.0)  # maxima at 0.6, 2.6, 4.6
    assert [round(t, 6) for t, _ in amplitude_peaks(times, degrees)] == [0.6, 2.6, 4.6]
    assert next_peak(times, degrees, after_s=0.0) == (pytest.approx(0.6), pytest.approx(150.0))
    assert next_peak(times, degrees, after_s=0.6)[0] == pytest.approx(2.6)  # from a peak: on
    assert next_peak(times, degrees, after_s=4.6) is None
    assert previous_peak(times, degrees, before_s=4.6)[0] == pytest.approx(2.6)
    assert previous_peak(times, degrees, before_s=3.0)[0] == pytest.approx(2.6)
    assert previous_peak(times, degrees, before_s=0.6) is None
    hidden = degrees.copy()
    hidden[12:15] = np.nan  # 2.4 to 2.8 s not seen: the peak at 2.6 is gone, not moved
    assert [round(t, 6) for t, _ in amplitude_peaks(times, hidden)] == [0.6, 4.6]
    assert next_peak(times, hidden, after_s=0.6)[0] == pytest.approx(4.6)


def test_angle_at_point_on_known_triangles():
    assert angle_at_point((1, 0), (0, 0), (0, 1)) == 90.0
    assert angle_at_point((1, 0), (0, 0), (-3, 0)) == 180.0
    assert angle_at_point((2, 0), (0, 0), (5, 0)) == 0.0
    assert angle_at_point((1, 0), (0, 0), (1, math.sqrt(3))) == pytest.approx(60.0, abs=1e-12)
    # A 3-4-5 triangle: the angle opposite the side 3 is atan(3/4).
    assert angle_at_point((0, 3), (4, 0), (0, 0)) == pytest.approx(
        math.degrees(math.atan2(3, 4)), abs=1e-12
    )
    assert math.isnan(angle_at_point((0, 0), (0, 0), (1, 1)))
    with pytest.raises(ValueError):
        angle_at_point((0, 0, 0), (1, 1), (2, 2))
