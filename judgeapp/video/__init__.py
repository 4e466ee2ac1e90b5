"""Probing and decoding: one pass yields the 5 fps segment frames and the 1 fps frames."""

from judgeapp.video.decode import (
    DecodedFrame,
    SampledFrame,
    iter_frames,
    iter_samples,
    read_frames,
)
from judgeapp.video.files import VIDEO_SUFFIXES, is_video_name, videos_in
from judgeapp.video.probe import open_capture, probe
from judgeapp.video.sampling import (
    DYNAMIC_FPS,
    SEGMENT_FRAMES,
    STATIC_FPS,
    SamplingPlan,
    plan_sampling,
)

__all__ = [
    "DYNAMIC_FPS",
    "SEGMENT_FRAMES",
    "VIDEO_SUFFIXES",
    "STATIC_FPS",
    "DecodedFrame",
    "SampledFrame",
    "SamplingPlan",
    "is_video_name",
    "iter_frames",
    "iter_samples",
    "open_capture",
    "plan_sampling",
    "probe",
    "read_frames",
    "videos_in",
]
