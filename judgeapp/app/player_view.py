"""What the player shows and how its keys behave: clock text, speeds, the athlete box at a time."""

from __future__ import annotations

import math
from collections.abc import Sequence

from judgeapp.core.results import FrameWeight

SPEEDS = (1 / 16, 1 / 8, 0.25, 0.5, 1.0, 1.5, 2.0)  # slow motion down to 1/16
BOX_TOLERANCE_S = 0.5  # a static frame's box is shown this close to its time


def format_clock(time_s: float) -> str:
    """Seconds as m:ss.ss (e.g. 83.256 -> "1:23.26"); hours as h:mm:ss.ss."""
    hundredths = round(max(0.0, time_s) * 100)
    seconds, cents = divmod(hundredths, 100)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}.{cents:02d}"
    return f"{minutes}:{seconds:02d}.{cents:02d}"


def format_position(time_s: float, duration_s: float, index: int, frames: int) -> str:
    """The player's read-out: "0:03.46 / 0:10.29   frame 83 / 246".

    Frames are counted from 0, as the analysis JSON and the reports count them; the second
    number is the last frame's index.
    """
    return (
        f"{format_clock(time_s)} / {format_clock(duration_s)}   "
        f"frame {index} / {max(frames - 1, 0)}"
    )


def box_at(
    static: Sequence[FrameWeight], time_s: float, tolerance_s: float = BOX_TOLERANCE_S
) -> tuple[float, float, float, float] | None:
    """The athlete box of the static frame nearest to `time_s`, if within `tolerance_s`."""
    best = min(static, key=lambda f: abs(f.time_s - time_s), default=None)
    if best is None or abs(best.time_s - time_s) > tolerance_s:
        return None
    return best.box


def shuttle(velocity: float, key: str) -> float:
    """J/K/L: K stops; L plays forward, faster on each press; J the same backwards.

    Velocity is signed speed (0 = paused); each press moves one step through SPEEDS (1x first).
    """
    if key == "K":
        return 0.0
    sign = 1.0 if key == "L" else -1.0
    if velocity * sign <= 0:
        return sign * 1.0
    speed = abs(velocity)
    faster = [s for s in SPEEDS if s > speed + 1e-9]
    return sign * (faster[0] if faster else SPEEDS[-1])


def speed_label(speed: float) -> str:
    """'1/16×' for slow motion below half speed, else '0.5×', '1×', '1.5×'."""
    if 0 < speed < 0.5:
        return f"1/{round(1 / speed)}×"
    return f"{speed:g}×"


def playback_index(
    start_index: int, elapsed_s: float, fps: float, velocity: float, frames: int
) -> int:
    """The frame due `elapsed_s` after playback started at `start_index` (clamped)."""
    index = start_index + math.floor(elapsed_s * fps * velocity + 1e-9)
    return int(min(max(index, 0), max(frames - 1, 0)))
