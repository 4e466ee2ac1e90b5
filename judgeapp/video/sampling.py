"""Which decoded frames the two streams sample, from real timestamps (pure functions).

The dynamic stream samples 5 frames per second, cut into 16-frame segments; the static stream
1 frame per second. Each target time takes the decoded frame nearest to it, so constant,
fractional (29.97) and variable frame rates all land within half a frame of the target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DYNAMIC_FPS = 5.0
STATIC_FPS = 1.0
SEGMENT_FRAMES = 16


@dataclass(frozen=True)
class SamplingPlan:
    """Target times of both streams for a video of a given duration."""

    dynamic_times_s: tuple[float, ...]
    static_times_s: tuple[float, ...]

    @property
    def segments(self) -> int:
        return len(self.dynamic_times_s) // SEGMENT_FRAMES


def target_times(duration_s: float, rate_hz: float, whole_segments: bool = False) -> list[float]:
    """Times k / rate inside [0, duration); trimmed to whole 16-frame segments if asked.

    The dynamic stream keeps floor(duration * rate) samples, so its segment count is
    floor(duration * 5 / 16) exactly.
    """
    if duration_s <= 0:
        return []
    if whole_segments:
        count = math.floor(duration_s * rate_hz + 1e-9)
        count -= count % SEGMENT_FRAMES
    else:
        count = math.ceil(duration_s * rate_hz - 1e-9)
    return [k / rate_hz for k in range(count)]


def plan_sampling(duration_s: float) -> SamplingPlan:
    return SamplingPlan(
        dynamic_times_s=tuple(target_times(duration_s, DYNAMIC_FPS, whole_segments=True)),
        static_times_s=tuple(target_times(duration_s, STATIC_FPS)),
    )


class NearestFrameSelector:
    """Streams decoded frame times and says which targets each frame is nearest to.

    Feed frames in decoding order with `push(time_s)`; it returns the target indices that the
    *previous* or the current frame wins, as (target_index, use_previous) pairs. `finish()`
    assigns what remains to the last frame.
    """

    def __init__(self, targets_s: tuple[float, ...] | list[float]) -> None:
        self._targets = list(targets_s)
        self._next = 0
        self._prev_time_s: float | None = None

    @property
    def done(self) -> bool:
        return self._next >= len(self._targets)

    def push(self, time_s: float) -> list[tuple[int, bool]]:
        chosen: list[tuple[int, bool]] = []
        while self._next < len(self._targets) and self._targets[self._next] <= time_s:
            target = self._targets[self._next]
            use_prev = (
                self._prev_time_s is not None
                and abs(target - self._prev_time_s) < abs(time_s - target)
            )
            chosen.append((self._next, use_prev))
            self._next += 1
        self._prev_time_s = time_s
        return chosen

    def finish(self) -> list[int]:
        """Targets after the last frame's time: the last frame is nearest to all of them."""
        if self._prev_time_s is None:
            return []
        rest = list(range(self._next, len(self._targets)))
        self._next = len(self._targets)
        return rest
