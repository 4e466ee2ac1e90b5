"""Judges' marks and the panel's score: what a person records next to the model's result.

Plain dataclasses with validation, shared by the library (store), the reports and the GUI.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from judgeapp.core.errors import JudgeappError

MARK_KINDS = ("deduction", "highlight", "comment")


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds, e.g. 2025-11-27T17:45:03Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Mark:
    """One judge's note at one moment of one video.

    `deduction` (score units) is only meaningful for kind "deduction"; `id` is 0 until the
    library has saved the mark. `created` and `updated` are ISO 8601 UTC strings.
    """

    id: int
    video_sha256: str
    time_s: float
    kind: str
    text: str
    deduction: float | None = None
    created: str = ""
    updated: str = ""

    def __post_init__(self) -> None:
        check_mark_fields(self.time_s, self.kind, self.text, self.deduction)


def check_mark_fields(time_s: float, kind: str, text: str, deduction: float | None) -> None:
    """Raise JudgeappError if a mark's user-supplied fields are not acceptable."""
    if kind not in MARK_KINDS:
        raise JudgeappError(f"mark kind {kind!r} is not one of {', '.join(MARK_KINDS)}")
    if not isinstance(time_s, (int, float)) or not math.isfinite(time_s) or time_s < 0:
        raise JudgeappError(f"mark time {time_s!r} must be a finite number of seconds >= 0")
    if not isinstance(text, str):
        raise JudgeappError("mark text must be a string")
    if deduction is not None and (
        not isinstance(deduction, (int, float)) or not math.isfinite(deduction) or deduction < 0
    ):
        raise JudgeappError(f"mark deduction {deduction!r} must be a number >= 0")


@dataclass(frozen=True)
class PanelScore:
    """The score the judging panel gave: the total, and its parts when they are known."""

    total: float
    difficulty: float | None = None
    execution: float | None = None

    def __post_init__(self) -> None:
        for name in ("total", "difficulty", "execution"):
            value = getattr(self, name)
            if value is None and name != "total":
                continue
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise JudgeappError(f"panel {name} score {value!r} must be a number >= 0")

    def value(self, target: str) -> float | None:
        """The panel's score for a model target ("total", "difficulty" or "execution")."""
        return {
            "total": self.total,
            "difficulty": self.difficulty,
            "execution": self.execution,
        }.get(target)


def format_time(time_s: float) -> str:
    """Seconds as m:ss.s (e.g. 83.25 -> "1:23.2"), the way judges read a clock."""
    tenths = round(max(0.0, time_s) * 10)
    minutes, seconds = divmod(tenths / 10, 60.0)
    return f"{int(minutes)}:{seconds:04.1f}"


def parse_time(text: str) -> float:
    """Seconds from "m:ss.s", "h:mm:ss.s" or plain seconds ("83.4"); JudgeappError otherwise."""
    parts = text.strip().split(":")
    try:
        if not parts[-1] or len(parts) > 3:
            raise ValueError
        values = [float(p) for p in parts]
    except ValueError:
        raise JudgeappError(f"{text!r} is not a time (use m:ss.s or seconds)") from None
    if any(v < 0 or not math.isfinite(v) for v in values) or any(v >= 60 for v in values[1:]):
        raise JudgeappError(f"{text!r} is not a time (use m:ss.s or seconds)")
    seconds = 0.0
    for value in values:
        seconds = seconds * 60 + value
    return seconds
