"""Playback rules a judge drives, without Qt: the go-to field and the A-B loop.

The go-to field accepts a frame number ("250"), a clock time ("1:23.40", "0:05", "1:02:03.5"),
seconds ("83.4", "83.4s") or a SMPTE timecode with frames ("0:01:23:10"). The A-B loop plays
the frames between two marks over and over, forwards or backwards.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from judgeapp.app.player_view import format_clock
from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import format_time
from judgeapp.video.frame_cache import frame_at_time

_FRAME = re.compile(r"^(?:f|frame)?\s*(\d+)$", re.IGNORECASE)
_SECONDS = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)\s*s?$", re.IGNORECASE)
_CLOCK = re.compile(r"^\d+(?::\d+){1,3}(?:\.\d*)?$")
GOTO_HELP = "a frame number (250), a time (1:23.40) or seconds (83.4s)"


def parse_goto(text: str, fps: float, frames: int, duration_s: float) -> int:
    """The frame index a judge asked for; JudgeappError (one line) for anything else.

    Frames count from 0 as in the player's read-out; a time gives the frame on screen then.
    """
    raw = text.strip()
    last = max(frames - 1, 0)
    if not raw:
        raise JudgeappError(f"type {GOTO_HELP}")
    match = _FRAME.match(raw)
    if match:
        index = int(match.group(1))
        if index > last:
            raise JudgeappError(f"frame {index} is past the last frame ({last})")
        return index
    time_s = _parse_time(raw, fps)
    if time_s > duration_s + 1e-6:
        raise JudgeappError(f"{raw} is past the end of the video ({format_clock(duration_s)})")
    return frame_at_time([], time_s, fps, frames)


def _parse_time(raw: str, fps: float) -> float:
    bad = JudgeappError(f"{raw!r} is not {GOTO_HELP}")
    match = _SECONDS.match(raw)
    if match:
        return float(match.group(1))
    if not _CLOCK.match(raw):
        raise bad
    parts = raw.split(":")
    frame_part = 0
    if len(parts) == 4:  # h:mm:ss:ff (SMPTE): the last part counts frames
        if "." in parts[-1]:
            raise bad
        frame_part = int(parts.pop())
        if frame_part >= max(math.ceil(fps), 1):
            raise JudgeappError(f"{raw!r}: frame {frame_part} is not below the frame rate")
    values = [float(p) for p in parts]
    if any(v >= 60 for v in values[1:]):
        raise JudgeappError(f"{raw!r}: minutes and seconds must be below 60")
    seconds = 0.0
    for value in values:
        seconds = seconds * 60 + value
    return seconds + (frame_part / fps if fps > 0 else 0.0)


@dataclass(frozen=True)
class LoopRange:
    """The two ends of an A-B loop, as frame indices (None: not set).

    The loop plays between the lower and the higher end, whichever was set first.
    """

    a: int | None = None
    b: int | None = None

    @property
    def active(self) -> bool:
        return self.a is not None and self.b is not None and self.a != self.b

    @property
    def span(self) -> tuple[int, int]:
        """(first, last) frame of the loop; only meaningful when `active`."""
        assert self.a is not None and self.b is not None
        return (min(self.a, self.b), max(self.a, self.b))

    def with_a(self, index: int) -> LoopRange:
        return LoopRange(index, self.b)

    def with_b(self, index: int) -> LoopRange:
        return LoopRange(self.a, index)

    def contains(self, index: int) -> bool:
        first, last = self.span
        return first <= index <= last


def loop_start(loop: LoopRange, index: int, velocity: float) -> int:
    """Where looped playback starts: here inside the loop, else at the end it plays from."""
    if loop.contains(index):
        return index
    first, last = loop.span
    return first if velocity > 0 else last


def loop_playback_index(
    loop: LoopRange, start_index: int, elapsed_s: float, fps: float, velocity: float
) -> int:
    """The frame due `elapsed_s` after looped playback started at `start_index` (in the loop):
    past one end it goes on from the other, frame after frame."""
    first, last = loop.span
    steps = math.floor(elapsed_s * fps * velocity + 1e-9)
    return first + (start_index - first + steps) % (last - first + 1)


def loop_label(loop: LoopRange) -> str:
    """The loop's short read-out in frames: "⟲ f120–168", "A f120" while one end is set."""
    if loop.active:
        first, last = loop.span
        return f"⟲ f{first}–{last}"
    if loop.a is not None:
        return f"A f{loop.a}"
    if loop.b is not None:
        return f"B f{loop.b}"
    return ""


def loop_text(loop: LoopRange, fps: float) -> str:
    """The loop in words, e.g. "A-B loop 0:01.0–0:03.0", or "A 0:01.0" while one end is set."""
    if loop.active:
        first, last = loop.span
        return f"A-B loop {format_time(first / fps)}–{format_time(last / fps)}"
    if loop.a is not None or loop.b is not None:
        end = loop.a if loop.a is not None else loop.b
        name = "A" if loop.a is not None else "B"
        return f"{name} {format_time(end / fps)}"
    return ""
