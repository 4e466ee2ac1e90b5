"""Sampling both streams from real timestamps: right times, right frames, right counts."""

from __future__ import annotations

import math

import pytest
from video_helpers import read_index, write_video

from judgeapp.video import iter_samples, plan_sampling, probe
from judgeapp.video.sampling import NearestFrameSelector, target_times


@pytest.mark.parametrize("fps", [25.0, 29.97, 5.0, 24.0])
def test_samples_land_within_half_a_frame(tmp_path, fps):
    frames = int(round(fps * 8.3))
    path = write_video(tmp_path / f"v{fps}.mp4", fps, frames)
    info = probe(path)
    assert abs(info.fps - fps) < 0.01
    samples = list(iter_samples(path, info))
    plan = plan_sampling(info.duration_s)
    dynamic = [s for s in samples if s.stream == "dynamic"]
    static = [s for s in samples if s.stream == "static"]
    assert [s.sample for s in dynamic] == list(range(len(plan.dynamic_times_s)))
    assert [s.sample for s in static] == list(range(len(plan.static_times_s)))
    assert len(dynamic) == 16 * math.floor(info.duration_s * 5 / 16)
    for s in samples:
        # the timestamp is within half a frame of the target ...
        assert abs(s.frame.time_s - s.target_s) <= 0.5 / fps + 1e-6
        # ... and the pixels are those of the frame at that time (not a neighbour)
        assert read_index(s.frame.image) == s.frame.index
        assert abs(s.frame.index / fps - s.target_s) <= 0.5 / fps + 1e-6


def test_static_times_one_second_apart(tmp_path):
    path = write_video(tmp_path / "v.mp4", 25.0, 25 * 7 + 3)
    info = probe(path)
    times = [s.frame.time_s for s in iter_samples(path, info) if s.stream == "static"]
    assert len(times) == 8
    assert all(abs(b - a - 1.0) < 0.05 for a, b in zip(times, times[1:], strict=False))


def test_segment_count_is_floor_duration_times_5_over_16():
    for duration_s in [3.1, 3.2, 9.5, 10.29, 95.0, 139.4]:
        plan = plan_sampling(duration_s)
        assert plan.segments == math.floor(duration_s * 5 / 16)


def test_nearest_selector_on_variable_frame_times():
    # frames at irregular times (a variable-rate file); each target takes the nearest frame
    times = [0.0, 0.05, 0.31, 0.38, 0.61, 0.99, 1.02, 1.4]
    targets = target_times(1.5, 5.0)
    selector = NearestFrameSelector(targets)
    chosen: dict[int, float] = {}
    for i, t in enumerate(times):
        for k, use_prev in selector.push(t):
            chosen[k] = times[i - 1] if use_prev else t
    for k in selector.finish():
        chosen[k] = times[-1]
    for k, target in enumerate(targets):
        best = min(times, key=lambda t: abs(t - target))
        assert chosen[k] == best, (k, target)
