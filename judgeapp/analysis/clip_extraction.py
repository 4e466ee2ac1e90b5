"""From a video to the clip features of a dynamic-only profile (`vst`), streamed clip by clip.

The decoding thread of `extraction` walks the file once and hands over each 25 fps frame the
clip plan keeps (features.swin.plan_clips), already shrunk to 224x224; frames are gathered into
32-frame clips, a few clips at a time go through the backbone, and nothing else is kept: memory
stays flat however long the video is. There is no static stream: the result's static arrays
are empty.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import numpy as np

from judgeapp.analysis.decoding import (
    DynamicFrame,
    StageClock,
    consume,
    decode_into,
    stop_decoding,
)
from judgeapp.core.errors import VideoError
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.core.results import VideoInfo
from judgeapp.features.profiles import Profile
from judgeapp.features.swin import plan_clips
from judgeapp.features.video_features import VideoFeatures
from judgeapp.video import SamplingPlan
from judgeapp.video.sampling import NEAREST

QUEUE_ITEMS = 64


def empty_static() -> dict[str, np.ndarray]:
    """The static stream's arrays of a profile that has none."""
    return {
        "static": np.zeros((0, 0), dtype=np.float32),
        "static_time_s": np.zeros(0, dtype=np.float64),
        "static_frame": np.zeros(0, dtype=np.int64),
        "static_box": np.zeros((0, 4), dtype=np.float64),
    }


def extract_clip_features(
    path: Path,
    info: VideoInfo,
    profile: Profile,
    dynamic_backbone,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    clips_per_batch: int = 4,
    clock=None,
) -> VideoFeatures:
    """The clip features of `path` under a dynamic-only profile (one row per 32-frame clip)."""
    cancel = cancel or CancelToken()
    clock = clock or StageClock()
    plan = plan_clips(info.duration_s)
    if plan.clips == 0:
        raise VideoError(
            f"{path}: too short ({info.duration_s:.2f} s): one {plan.clip_frames}-frame clip at "
            f"{plan.fps:g} fps needs {plan.clip_frames / plan.fps:.2f} s"
        )
    sampling = SamplingPlan(dynamic_times_s=plan.frame_times_s, static_times_s=(), rule=NEAREST)
    rows: list[np.ndarray] = []
    clip: list[np.ndarray] = []
    clips: list[np.ndarray] = []
    done = 0

    def flush() -> None:
        nonlocal done
        if clips:
            rows.append(clock.timed("dynamic", dynamic_backbone.embed, np.stack(clips)))
            done += len(clips)
            progress(Progress("dynamic", done, plan.clips))
            clips.clear()

    frames_q: queue.Queue = queue.Queue(maxsize=QUEUE_ITEMS)
    stop = threading.Event()
    decoder = threading.Thread(
        target=decode_into,
        args=(
            frames_q,
            path,
            info,
            sampling,
            dynamic_backbone.prepare_frame,
            profile.static_frame,
            stop,
            clock,
        ),
        name="judgeapp-decode-clips",
        daemon=True,
    )
    decoder.start()
    try:
        for item in consume(frames_q):
            cancel.raise_if_cancelled()
            if not isinstance(item, DynamicFrame):
                continue
            clip.append(item.image)
            if len(clip) == plan.clip_frames:
                clips.append(np.stack(clip))
                clip.clear()
                if len(clips) >= clips_per_batch:
                    flush()
        cancel.raise_if_cancelled()
        flush()
    finally:
        stop_decoding(decoder, frames_q, stop)
    dynamic = (
        np.concatenate(rows).astype(np.float32) if rows else np.zeros((0, profile.dynamic_dim))
    )
    if len(dynamic) != plan.clips:
        raise VideoError(f"{path}: decoded {len(dynamic)} of {plan.clips} clips (truncated file?)")
    starts = np.asarray([plan.clip_start_s(k) for k in range(plan.clips)], dtype=np.float64)
    ends = np.asarray([plan.clip_end_s(k) for k in range(plan.clips)], dtype=np.float64)
    return VideoFeatures(
        profile=profile.name,
        dynamic=dynamic,
        segment_start_s=starts,
        segment_end_s=ends,
        detector="none",
        engine=getattr(dynamic_backbone, "engine", ""),
        precision=getattr(dynamic_backbone, "precision", ""),
        **empty_static(),
    )
