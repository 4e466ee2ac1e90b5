"""One sequential decoding pass over a video, with real timestamps.

`iter_samples` yields exactly the frames both streams need (5 fps for the dynamic stream, 1 fps
for the static one) while decoding every frame once; frames no stream needs are never converted
to RGB, and no frame is kept after the next one is decoded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from judgeapp.core.errors import VideoError
from judgeapp.core.results import VideoInfo
from judgeapp.video.probe import open_capture, probe
from judgeapp.video.sampling import (
    DYNAMIC_FPS,
    INTERVAL_END,
    SamplingPlan,
    make_selector,
    plan_sampling,
)

# Set to a file path, every sequential decoding pass appends one line "PID PATH" to that file:
# tests count the passes an operation costs, across processes (the GUI and its analysis child).
DECODE_LOG_ENV = "JUDGEAPP_DECODE_LOG"

# A file that decodes to fewer frames than its header promises is truncated or corrupt.
_MIN_DECODED_FRACTION = 0.95
_MISSING_FRAMES_ALLOWED = 2


@dataclass(frozen=True)
class DecodedFrame:
    """One decoded frame: its index in decoding order, its timestamp and RGB pixels."""

    index: int
    time_s: float
    image: np.ndarray


@dataclass(frozen=True)
class SampledFrame:
    """A frame one stream sampled: `sample` is the target's index, `target_s` its ideal time."""

    stream: str  # "dynamic" or "static"
    sample: int
    target_s: float
    frame: DecodedFrame


def _frame_times(cap: cv2.VideoCapture, fps: float) -> Callable[[int], float]:
    """Timestamp of the frame just grabbed: the container's, or index / fps where it has none."""
    last = [-1.0]

    def time_of(index: int) -> float:
        msec = cap.get(cv2.CAP_PROP_POS_MSEC)
        t = msec / 1000.0 if msec > 0 or index == 0 else index / fps
        if t <= last[0]:  # non-monotonic or missing pts: fall back to the nominal clock
            t = max(index / fps, last[0] + 1e-6)
        last[0] = t
        return t

    return time_of


FrameSink = Callable[[DecodedFrame], None]


def _log_pass(path: Path) -> None:
    log = os.environ.get(DECODE_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {path}\n")


def _grab_all(
    path: Path,
    info: VideoInfo,
    wanted: Callable[[int, float], bool],
    on_frame: FrameSink | None = None,
) -> Iterator[DecodedFrame | tuple[int, float]]:
    """Grab every frame; yield a DecodedFrame where `wanted(index, time_s)`, else (index, time).

    `on_frame` receives every frame as RGB (the GUI's frame cache fills from the analysis's own
    pass); what is yielded does not change with it.
    """
    cap = open_capture(path)
    _log_pass(path)
    end_s = 0.0  # when the last decoded frame ends
    try:
        time_of = _frame_times(cap, info.fps)
        index = 0
        while cap.grab():
            time_s = time_of(index)
            end_s = time_s + 1.0 / info.fps
            keep = wanted(index, time_s)
            if keep or on_frame is not None:
                ok, bgr = cap.retrieve()
                if not ok or bgr is None:
                    raise VideoError(f"{path}: frame {index} cannot be decoded (corrupt file)")
                frame = DecodedFrame(index, time_s, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                if on_frame is not None:
                    on_frame(frame)
                yield frame if keep else (index, time_s)
            else:
                yield index, time_s
            index += 1
    finally:
        cap.release()
    _check_decoded(path, info, index, end_s)


def _check_decoded(path: Path, info: VideoInfo, frames: int, end_s: float) -> None:
    """Raise VideoError where the pass decoded clearly more or less video than the plan was
    made for (frame counts and times both: a variable-rate file has fewer frames than
    duration x nominal rate, and a file whose packets hold single fields more packets than
    frames, yet each reaches its end)."""
    expected = info.frames
    slack_s = max(_MISSING_FRAMES_ALLOWED / info.fps, info.duration_s * (1 - _MIN_DECODED_FRACTION))
    if frames - expected > _MISSING_FRAMES_ALLOWED and end_s > info.duration_s + slack_s:
        # The samples were planned for `info.duration_s`: the rest would go unscored.
        raise VideoError(
            f"{path}: holds more video than when it was opened ({end_s:.1f} s, not "
            f"{info.duration_s:.1f} s: still being written?); open it again when it is complete"
        )
    if (
        frames < expected * _MIN_DECODED_FRACTION
        and expected - frames > _MISSING_FRAMES_ALLOWED
        and end_s < info.duration_s - slack_s
    ):
        raise VideoError(
            f"{path}: truncated or corrupt: decoded {frames} of {expected} frames "
            f"(stops at {frames / info.fps:.1f} s of {info.duration_s:.1f} s)"
        )


def iter_frames(path: str | Path, info: VideoInfo | None = None) -> Iterator[DecodedFrame]:
    """Every frame of the video in order, as RGB, in one pass."""
    path = Path(path)
    info = info or probe(path, with_hash=False)
    for item in _grab_all(path, info, lambda _i, _t: True):
        assert isinstance(item, DecodedFrame)
        yield item


def read_frames(path: str | Path, indices: Iterable[int]) -> dict[int, np.ndarray]:
    """The RGB frames at the given indices, in one pass that stops after the last one."""
    path = Path(path)
    wanted = set(indices)
    if not wanted:
        return {}
    info = probe(path, with_hash=False)
    last = max(wanted)
    found: dict[int, np.ndarray] = {}
    for item in _grab_all(path, info, lambda i, _t: i in wanted):
        if isinstance(item, DecodedFrame):
            found[item.index] = item.image
            if item.index >= last:
                break
    return found


def _pick(
    use_prev: bool,
    previous: DecodedFrame | None,
    current: DecodedFrame | None,
    last_retrieved: DecodedFrame | None,
    rule: str,
) -> DecodedFrame | None:
    """The frame a selector chose, or the best retrieved stand-in when it was not retrieved.

    `interval_end` never takes a frame of the next interval; `nearest` takes the other
    neighbour first.
    """
    if use_prev:
        fallback = last_retrieved if rule == INTERVAL_END else current or last_retrieved
        return previous or fallback
    return current or previous or last_retrieved


def iter_samples(
    path: str | Path,
    info: VideoInfo,
    plan: SamplingPlan | None = None,
    on_frame: FrameSink | None = None,
) -> Iterator[SampledFrame]:
    """The frames both streams sample, in time order, from one decoding pass.

    `on_frame` also receives every decoded frame of that pass (see `_grab_all`).

    The plan's rule picks the frame for each sample from real timestamps (the nearest frame, or
    the last of its interval), so the result is right for 25, 24, 29.97, 5 fps and
    variable-rate files alike.
    """
    path = Path(path)
    plan = plan or plan_sampling(info.duration_s)
    streams = {"dynamic": plan.dynamic_times_s, "static": plan.static_times_s}
    rates = {"dynamic": 1.0 / plan.dynamic_step_s, "static": 1.0 / plan.static_step_s}
    rates["pose"] = DYNAMIC_FPS
    if plan.pose_times_s:
        streams["pose"] = plan.pose_times_s
    selectors = {
        name: make_selector(plan.rule, times, rates[name], info.fps)
        for name, times in streams.items()
    }

    def wanted(_index: int, time_s: float) -> bool:
        return any(selector.wants(time_s) for selector in selectors.values())

    previous: DecodedFrame | None = None  # the frame just before this one, if retrieved
    last_retrieved: DecodedFrame | None = None
    for item in _grab_all(path, info, wanted, on_frame):
        current = item if isinstance(item, DecodedFrame) else None
        time_s = item.time_s if current is not None else item[1]
        for name in streams:
            for sample, use_prev in selectors[name].push(time_s):
                chosen = _pick(use_prev, previous, current, last_retrieved, plan.rule)
                if chosen is not None:
                    yield SampledFrame(name, sample, streams[name][sample], chosen)
        previous = current
        last_retrieved = current or last_retrieved
    for name in streams:
        for sample in selectors[name].finish():
            if last_retrieved is not None:
                yield SampledFrame(name, sample, streams[name][sample], last_retrieved)
