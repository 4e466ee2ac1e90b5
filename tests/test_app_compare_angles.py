"""Angle lanes on the comparison's common time axis (core tier): each side's joint angle at
its common times, the gaps where it was not measured, the shared degree scale, the choices."""

from __future__ import annotations

import dataclasses

import pytest
from report_helpers import fake_video_info, make_result
from test_app_pose_view import KNEE, LEG_SEPARATION, STEP_S, pose_result

from judgeapp.app.compare import (
    angle_on_axis,
    angle_scale,
    comparison_angle_choices,
    comparison_of,
)


@pytest.fixture
def pair():
    a = pose_result(fake_video_info("a.mp4", duration_s=4.0))
    b = make_result(fake_video_info("b.mp4", duration_s=6.0))  # no pose results
    return a, b


def test_the_angle_lies_at_its_common_times_with_its_gaps(pair) -> None:
    a, b = pair
    comparison = comparison_of(a, b, sync_a_s=1.0, sync_b_s=0.0)
    trace = angle_on_axis(comparison, "a", a, "leg_separation")
    assert trace is not None and trace.label
    # 20 samples at 5 fps with two unmeasured ones at 1.8 and 2.0 s: two runs.
    assert [len(run) for run in trace.runs] == [9, 10]
    first, second = trace.runs
    assert first[0] == (pytest.approx(-1.0), 60.0)  # own 0.0 s is common -1.0 s
    assert first[-1] == (pytest.approx(9 * STEP_S - 1.0 - STEP_S), 100.0)
    assert second[0] == (pytest.approx(11 * STEP_S - 1.0), 90.0)
    assert trace.degrees == [d for d in LEG_SEPARATION if d is not None]
    # Moving A's sync point moves its curve on the common axis, not its values.
    later = angle_on_axis(comparison.with_sync("a", 2.0), "a", a, "leg_separation")
    assert [t for t, _ in later.runs[0]] == pytest.approx([t - 1.0 for t, _ in first])
    assert angle_on_axis(comparison, "a", a, "knee_left").degrees == KNEE


def test_a_side_without_the_angle_has_no_lane_and_the_scale_is_shared(pair) -> None:
    a, b = pair
    comparison = comparison_of(a, b)
    assert angle_on_axis(comparison, "b", b, "leg_separation") is None  # no pose results
    assert angle_on_axis(comparison, "a", a, "elbow_left") is None  # never measured
    trace = angle_on_axis(comparison, "a", a, "leg_separation")
    assert angle_scale([trace, None]) == (60.0, 170.0)
    knee = angle_on_axis(comparison, "a", a, "knee_left")
    assert angle_scale([trace, knee]) == (60.0, 170.0)
    flat = dataclasses.replace(trace, runs=(((0.0, 91.0), (0.2, 92.0)),))
    assert angle_scale([flat]) == (90.0, 110.0)  # at least 20 degrees
    assert angle_scale([None, None]) == (0.0, 180.0)


def test_the_choices_are_either_sides_measured_angles(pair) -> None:
    a, b = pair
    names = [name for name, _ in comparison_angle_choices(a, b)]
    assert "leg_separation" in names and "knee_left" in names and "elbow_left" not in names
    assert comparison_angle_choices(b, a) == comparison_angle_choices(a, b)
    assert comparison_angle_choices(b, None) == []
