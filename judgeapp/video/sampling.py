"""Which decoded frames the two streams sample, from real timestamps (pure functions).

The dynamic stream samples 5 frames per second, cut into 16-frame segments; the static stream
1 frame per second. Two rules say which frame stands for each sample:
- `nearest` (the `torchvision` profile): sample k is the decoded frame nearest to k / rate, so
  constant, fractional (29.97) and variable frame rates all land within half a frame of it;
- `interval_end` (the `paper` profile, as the ACTION-NET authors' scripts): sample k is the last
  frame of the interval [k / rate, (k + 1) / rate). At 25 fps that is frames 4, 9, 14, ... at
  5 fps and 24, 49, ... at 1 fps, exactly their `cnt % stride == 0` rule; at other rates it keeps
  the same positions in time (their integer stride would give 6 fps on a 24 fps video).
  It also keeps the two quirks of their frame buffer (`authors_step_s`, `authors_blank_samples`):
  a stride stretched by whole frames on short videos, and one more segment ending in a blank
  frame when their zero-filled buffer has a whole number of segments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DYNAMIC_FPS = 5.0
STATIC_FPS = 1.0
SEGMENT_FRAMES = 16

NEAREST = "nearest"
INTERVAL_END = "interval_end"
SAMPLING_RULES = (NEAREST, INTERVAL_END)

# A frame this close before an interval's end counts as lying on it: it opens the next interval.
# Absorbs the millisecond rounding of container timestamps (at 24 fps the nearest frame is
# still 8 ms from a 0.2 s boundary); at most a quarter frame for very high frame rates.
_BOUNDARY_S = 1e-3


@dataclass(frozen=True)
class SamplingPlan:
    """Sample times of both streams for a video of a given duration, and the rule that picks
    a frame for each: the target time itself (`nearest`) or the interval starting there
    (`interval_end`)."""

    dynamic_times_s: tuple[float, ...]
    static_times_s: tuple[float, ...]
    rule: str = NEAREST
    # The pose model's samples (5 fps over the whole video, not trimmed to whole segments);
    # empty when no pose model runs.
    pose_times_s: tuple[float, ...] = ()
    # Each stream's interval (`interval_end`: the last frame of each one is the sample).
    dynamic_step_s: float = 1.0 / DYNAMIC_FPS
    static_step_s: float = 1.0 / STATIC_FPS
    # Blank frames (all zero after normalisation) that end the last segment, after the last
    # dynamic sample: 0, or 1 where the authors' buffer has one (`authors_blank_samples`).
    blank_samples: int = 0

    @property
    def segments(self) -> int:
        return (len(self.dynamic_times_s) + self.blank_samples) // SEGMENT_FRAMES


def target_times(
    duration_s: float, rate_hz: float, whole_segments: bool = False, rule: str = NEAREST
) -> list[float]:
    """Sample times k / rate of a video of `duration_s`; trimmed to whole 16-frame segments if
    asked.

    `nearest` keeps every time inside [0, duration); `interval_end` only intervals that end by
    the video's end (the authors keep floor(frames / stride) samples). The dynamic stream keeps
    floor(duration * rate) samples either way, so its segment count is floor(duration * 5 / 16).
    """
    if rule not in SAMPLING_RULES:
        raise ValueError(f"unknown sampling rule {rule!r}; choose one of {SAMPLING_RULES}")
    if not duration_s > 0:
        return []
    if whole_segments or rule == INTERVAL_END:
        count = math.floor(duration_s * rate_hz + 1e-9)
        if whole_segments:
            count -= count % SEGMENT_FRAMES
    else:
        count = math.ceil(duration_s * rate_hz - 1e-9)
    return [k / rate_hz for k in range(count)]


def authors_step_s(duration_s: float, rate_hz: float, fps: float) -> float:
    """The interval between samples in the authors' scripts, in seconds.

    Their stride is int(N / int(N * rate / fps)) frames for N frames: q = the whole intervals
    of 1 / rate in the video, and the stride is the whole number of frames that fits q times,
    i.e. 1 / rate plus floor(spare frames / q) frames. At 25 fps and 1 fps that is 25 frames,
    stretched on short videos (N = 158: 26 frames, samples 25, 51, ...); at 5 fps it is 5
    frames for any video with a segment. Exactly their stride at whole frame rates.
    """
    whole = math.floor(duration_s * rate_hz + 1e-9)
    if whole < 1 or not fps > 0:
        return 1.0 / rate_hz
    spare_frames = math.floor((duration_s - whole / rate_hz) * fps + 1e-3)
    return 1.0 / rate_hz + (spare_frames // whole) / fps


def authors_blank_samples(duration_s: float, step_s: float) -> int:
    """Blank samples that end the authors' last segment (0 or 1).

    Their buffer of zero-filled (normalised) frames has ceil(N / stride) slots and they fill
    floor(N / stride); they cut it into floor(slots / 16) segments. When N is not a whole
    number of strides and the slots are a whole number of segments, the last segment ends
    with the one blank slot (N = 2237 at 25 fps: 448 slots, 28 segments, not 27).
    """
    slots = math.ceil(duration_s / step_s - 1e-6)
    filled = math.floor(duration_s / step_s + 1e-6)
    return 1 if slots > filled and slots % SEGMENT_FRAMES == 0 else 0


def _steps(count: int, rate_hz: float, step_s: float) -> tuple[float, ...]:
    """`count` sample times `step_s` apart: k / rate exactly when the step is not stretched."""
    if step_s == 1.0 / rate_hz:
        return tuple(k / rate_hz for k in range(count))
    return tuple(k * step_s for k in range(count))


def plan_sampling(
    duration_s: float, rule: str = NEAREST, pose: bool = False, fps: float | None = None
) -> SamplingPlan:
    """Both streams' samples for a video of `duration_s` under `rule`, and the pose model's
    (5 fps to the video's end) when `pose`.

    Under `interval_end` with the video's `fps` given, the steps and the blank tail are the
    authors' (`authors_step_s`, `authors_blank_samples`)."""
    pose_times = tuple(target_times(duration_s, DYNAMIC_FPS, False, rule)) if pose else ()
    if rule != INTERVAL_END or not fps or not duration_s > 0:
        return SamplingPlan(
            dynamic_times_s=tuple(target_times(duration_s, DYNAMIC_FPS, True, rule)),
            static_times_s=tuple(target_times(duration_s, STATIC_FPS, False, rule)),
            rule=rule,
            pose_times_s=pose_times,
        )
    dynamic_step = authors_step_s(duration_s, DYNAMIC_FPS, fps)
    static_step = authors_step_s(duration_s, STATIC_FPS, fps)
    dynamic = math.floor(duration_s / dynamic_step + 1e-6)
    blank = authors_blank_samples(duration_s, dynamic_step)
    dynamic -= (dynamic + blank) % SEGMENT_FRAMES
    static = math.floor(duration_s / static_step + 1e-6)
    return SamplingPlan(
        dynamic_times_s=_steps(dynamic, DYNAMIC_FPS, dynamic_step),
        static_times_s=_steps(static, STATIC_FPS, static_step),
        rule=rule,
        pose_times_s=pose_times,
        dynamic_step_s=dynamic_step,
        static_step_s=static_step,
        blank_samples=blank,
    )


class _Selector:
    """What both selectors share: the next pending sample, the previous frame's time, and
    the end of the stream (`finish`: the last frame takes every sample still pending)."""

    def __init__(self, count: int) -> None:
        self._count = count
        self._next = 0
        self._prev_time_s: float | None = None

    @property
    def done(self) -> bool:
        return self._next >= self._count

    def finish(self) -> list[int]:
        """Samples still pending when the video ends: the last frame is theirs."""
        if self._prev_time_s is None:
            return []
        rest = list(range(self._next, self._count))
        self._next = self._count
        return rest


class NearestFrameSelector(_Selector):
    """Streams decoded frame times and says which targets each frame is nearest to.

    Feed frames in decoding order with `push(time_s)`; it returns the target indices that the
    *previous* or the current frame wins, as (target_index, use_previous) pairs. `finish()`
    assigns what remains to the last frame. `wants(time_s)` says, before a frame is pushed,
    whether it can win a target (so that only those frames are converted to RGB).
    """

    def __init__(self, targets_s: tuple[float, ...] | list[float], fps: float) -> None:
        super().__init__(len(targets_s))
        self._targets = list(targets_s)
        # A frame can win a target only if it lies within one frame interval of it.
        self._window_s = 1.0 / fps + 1e-6

    def wants(self, time_s: float) -> bool:
        k, targets = self._next, self._targets
        for j in (k, k + 1):
            if j < len(targets) and abs(targets[j] - time_s) <= self._window_s:
                return True
        return False

    def push(self, time_s: float) -> list[tuple[int, bool]]:
        chosen: list[tuple[int, bool]] = []
        while self._next < len(self._targets) and self._targets[self._next] <= time_s:
            target = self._targets[self._next]
            use_prev = self._prev_time_s is not None and abs(target - self._prev_time_s) < abs(
                time_s - target
            )
            chosen.append((self._next, use_prev))
            self._next += 1
        self._prev_time_s = time_s
        return chosen


class IntervalEndSelector(_Selector):
    """Streams decoded frame times; sample k is the last frame before (k + 1) / rate.

    Same interface as NearestFrameSelector. `starts_s` are the intervals' starts k / rate, each
    `step_s` = 1 / rate long. A frame that arrives at or after an interval's end closes
    it, so the previous frame wins it (use_previous = True); an interval with no frame of its
    own (a gap in a variable-rate file) takes the last frame before it.
    """

    def __init__(
        self, starts_s: tuple[float, ...] | list[float], step_s: float, fps: float
    ) -> None:
        super().__init__(len(starts_s))
        tolerance_s = min(_BOUNDARY_S, 0.25 / fps)
        self._ends = [s + step_s - tolerance_s for s in starts_s]
        self._frame_s = 1.0 / fps + 1e-6

    def wants(self, time_s: float) -> bool:
        """Is this frame within one frame interval before the end of the interval it lies in?"""
        k = self._next
        while k < len(self._ends) and time_s >= self._ends[k]:
            k += 1  # intervals this frame closes
        return k < len(self._ends) and self._ends[k] - time_s <= self._frame_s

    def push(self, time_s: float) -> list[tuple[int, bool]]:
        chosen: list[tuple[int, bool]] = []
        while self._next < len(self._ends) and time_s >= self._ends[self._next]:
            chosen.append((self._next, self._prev_time_s is not None))
            self._next += 1
        self._prev_time_s = time_s
        return chosen


def make_selector(
    rule: str, times_s: tuple[float, ...] | list[float], rate_hz: float, fps: float
) -> NearestFrameSelector | IntervalEndSelector:
    """The streaming frame selector of `rule` over one stream's sample times (`rate_hz` apart)
    in a video of nominal `fps`."""
    if rule == INTERVAL_END:
        return IntervalEndSelector(times_s, 1.0 / rate_hz, fps)
    return NearestFrameSelector(times_s, fps)
