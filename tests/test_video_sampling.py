"""Sampling both streams from real timestamps: right times, right frames, right counts."""

from __future__ import annotations

import math

import pytest
from video_helpers import read_index, write_video

from judgeapp.video import iter_samples, plan_sampling, probe
from judgeapp.video.sampling import (
    INTERVAL_END,
    IntervalEndSelector,
    NearestFrameSelector,
    target_times,
)


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
    selector = NearestFrameSelector(targets, fps=25.0)
    chosen: dict[int, float] = {}
    for i, t in enumerate(times):
        for k, use_prev in selector.push(t):
            chosen[k] = times[i - 1] if use_prev else t
    for k in selector.finish():
        chosen[k] = times[-1]
    for k, target in enumerate(targets):
        best = min(times, key=lambda t: abs(t - target))
        assert chosen[k] == best, (k, target)


def _authors_indices(frames: int, fps: float, rate: float) -> list[int]:
    """0-based frame indices the authors' scripts keep: `cnt % stride == 0` with 1-based cnt and
    stride = int(frames / int(frames * rate / fps)) (extract_dynamic_feat.py, read_video)."""
    stride = int(frames / int(frames * rate / int(fps)))
    return [cnt - 1 for cnt in range(1, frames + 1) if cnt % stride == 0]


def _sampled(path, rule: str) -> tuple[list[int], list[int]]:
    info = probe(path)
    plan = plan_sampling(info.duration_s, rule)
    samples = list(iter_samples(path, info, plan))
    for s in samples:
        assert read_index(s.frame.image) == s.frame.index  # the pixels are that frame's
    dynamic = [s.frame.index for s in samples if s.stream == "dynamic"]
    static = [s.frame.index for s in samples if s.stream == "static"]
    return dynamic, static


def test_interval_end_takes_the_authors_frames_at_25_fps(tmp_path):
    frames = 25 * 9 + 7  # 9.28 s: an incomplete last second, as real videos have
    path = write_video(tmp_path / "v25.mp4", 25.0, frames)
    dynamic, static = _sampled(path, INTERVAL_END)
    authors_dynamic = _authors_indices(frames, 25.0, 5.0)
    assert authors_dynamic[:4] == [4, 9, 14, 19]
    # they keep floor(samples / 16) whole segments from the start, as we do
    assert dynamic == authors_dynamic[: 16 * (len(authors_dynamic) // 16)]
    assert (
        static == _authors_indices(frames, 25.0, 1.0) == [24, 49, 74, 99, 124, 149, 174, 199, 224]
    )


@pytest.mark.parametrize("fps", [24.0, 29.97, 10.0, 5.0])
def test_interval_end_takes_the_last_frame_of_each_interval_in_time(tmp_path, fps):
    frames = int(round(fps * 7.7))
    path = write_video(tmp_path / f"v{fps}.mp4", fps, frames)
    dynamic, static = _sampled(path, INTERVAL_END)

    def last_frames(rate: float) -> list[int]:
        # frame i lies at i / fps; interval k is [k / rate, (k + 1) / rate)
        count = math.floor(frames / fps * rate + 1e-9)
        return [
            max(i for i in range(frames) if i / fps < (k + 1) / rate - 1e-9) for k in range(count)
        ]

    expected_dynamic = last_frames(5.0)
    assert dynamic == expected_dynamic[: 16 * (len(expected_dynamic) // 16)]
    assert static == last_frames(1.0)
    if fps == 24.0:  # the authors' stride would give 6 fps here; we keep 0.2 s positions
        assert dynamic[:5] == [4, 9, 14, 19, 23]


def test_interval_end_selector_fills_a_gap_with_the_frame_before_it():
    # a variable-rate file with no frame in [0.4, 0.6)
    times = [0.0, 0.1, 0.19, 0.25, 0.39, 0.65, 0.79, 0.9]
    selector = IntervalEndSelector([0.0, 0.2, 0.4, 0.6, 0.8], step_s=0.2, fps=10.0)
    chosen: dict[int, float] = {}
    for i, t in enumerate(times):
        for k, use_prev in selector.push(t):
            chosen[k] = times[i - 1] if use_prev else t
    for k in selector.finish():
        chosen[k] = times[-1]
    assert chosen == {0: 0.19, 1: 0.39, 2: 0.39, 3: 0.79, 4: 0.9}
