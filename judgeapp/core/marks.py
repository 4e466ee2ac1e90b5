"""Judges' marks and the panel's score: what a person records next to the model's result.

Plain dataclasses with validation, shared by the library (store), the reports and the GUI.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from judgeapp.core.drawing import Drawing, Shape, check_drawing, describe, drawing_from_list
from judgeapp.core.errors import JudgeappError

MARK_KINDS = ("deduction", "highlight", "comment")
# The colour of each kind of mark, in the GUI as in the exports.
KIND_RGB = {"deduction": (200, 40, 40), "highlight": (30, 140, 60), "comment": (90, 90, 90)}
# Two scores closer than this are the same (panel scores are given to 3 decimals at most).
SCORE_TOLERANCE = 0.0005
# The latest time (seconds) a result, a mark or a clock may hold: about 32 years, far beyond any
# video judgeapp analyses (video/probe.py refuses more than 24 hours), and small enough that a
# time in frames, tenths or milliseconds is an exact, finite number (1.8e307 s overflowed).
MAX_TIME_S = 1e9


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds, e.g. 2025-11-27T17:45:03Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Mark:
    """One judge's note at one moment of one video.

    `deduction` (score units) is only meaningful for kind "deduction"; `id` is 0 until the
    library has saved the mark. `created` and `updated` are ISO 8601 UTC strings. `drawing`:
    the shapes drawn on the frame, shown with the mark (core/drawing.py).
    """

    id: int
    video_sha256: str
    time_s: float
    kind: str
    text: str
    deduction: float | None = None
    created: str = ""
    updated: str = ""
    drawing: Drawing = ()

    def __post_init__(self) -> None:
        check_mark_fields(self.time_s, self.kind, self.text, self.deduction)
        drawing = self.drawing
        if not all(isinstance(shape, Shape) for shape in drawing):  # read from JSON
            drawing = drawing_from_list(list(drawing))
        object.__setattr__(self, "drawing", check_drawing(drawing))


def mark_text_with_drawing(mark: Mark) -> str:
    """The mark's text, and what is drawn with it, for the reports' tables:
    'bent knee [drawing: 2 shapes: arrow, circle]'."""
    if not mark.drawing:
        return mark.text
    drawn = f"[drawing: {describe(mark.drawing)}]"
    return f"{mark.text} {drawn}" if mark.text else drawn


def check_mark_fields(time_s: float, kind: str, text: str, deduction: float | None) -> None:
    """Raise JudgeappError if a mark's user-supplied fields are not acceptable."""
    if kind not in MARK_KINDS:
        raise JudgeappError(f"mark kind {kind!r} is not one of {', '.join(MARK_KINDS)}")
    if (
        not isinstance(time_s, (int, float))
        or not math.isfinite(time_s)
        or not 0 <= time_s <= MAX_TIME_S
    ):
        raise JudgeappError(
            f"mark time {time_s!r} must be a finite number of seconds, 0 to {MAX_TIME_S:g}"
        )
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

    @property
    def penalty(self) -> float | None:
        """The penalty the panel took off: difficulty + execution - total, when both parts
        are known (total = D + E - penalty)."""
        if self.difficulty is None or self.execution is None:
            return None
        return max(0.0, self.difficulty + self.execution - self.total)


def panel_score(
    total: float | None,
    difficulty: float | None = None,
    execution: float | None = None,
    penalty: float | None = None,
) -> PanelScore:
    """The panel's score from what a judge typed: the total, or D + E - penalty when the total
    is left empty. Raises JudgeappError (one line) when the parts do not add up."""
    for name, value in (("difficulty", difficulty), ("execution", execution), ("penalty", penalty)):
        if value is not None and (not math.isfinite(value) or value < 0):
            raise JudgeappError(f"panel {name} {value:g} must be a number >= 0")
    if total is None:
        if difficulty is None or execution is None:
            raise JudgeappError(
                "enter the panel's total score, or its difficulty and execution "
                "(and penalty) to add them up"
            )
        total = difficulty + execution - (penalty or 0.0)
        if total < -SCORE_TOLERANCE:
            raise JudgeappError(
                f"the penalty {penalty:g} is more than difficulty + execution "
                f"({difficulty:g} + {execution:g})"
            )
        total = round(max(total, 0.0), 3)
    panel = PanelScore(total, difficulty, execution)
    if difficulty is not None and execution is not None:
        parts = difficulty + execution
        if total > parts + SCORE_TOLERANCE:
            raise JudgeappError(
                f"the total {total:g} is more than difficulty + execution "
                f"({difficulty:g} + {execution:g} = {parts:g}); total = D + E - penalty"
            )
        if penalty is not None and abs(parts - penalty - total) > SCORE_TOLERANCE:
            raise JudgeappError(
                f"the total {total:g} is not difficulty + execution - penalty "
                f"({difficulty:g} + {execution:g} - {penalty:g} = {parts - penalty:g})"
            )
    elif penalty is not None:
        raise JudgeappError(
            "a penalty needs both difficulty and execution (total = D + E - penalty)"
        )
    return panel


def check_panel_range(panel: PanelScore, score_max: dict[str, float]) -> None:
    """Raise JudgeappError when a part of the panel's score is outside its scale.

    `score_max` gives the known top of each scale ("total", "difficulty", "execution"); a part
    whose scale is not known is not checked (skating totals go far beyond gymnastics').
    """
    for name in ("total", "difficulty", "execution"):
        value, top = panel.value(name), score_max.get(name)
        if value is not None and top is not None and value > top + SCORE_TOLERANCE:
            raise JudgeappError(
                f"the panel {name} {value:g} is outside the score range 0-{top:g}"
                " of this model; check the number"
            )


def format_time(time_s: float) -> str:
    """Seconds as m:ss.s (e.g. 83.25 -> "1:23.2"), the way judges read a clock. A time no
    result holds (beyond MAX_TIME_S, not finite) is written as seconds, never raised on."""
    if not (math.isfinite(time_s) and time_s <= MAX_TIME_S):
        return f"{time_s:g} s"
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
    if seconds > MAX_TIME_S:
        raise JudgeappError(f"{text!r} is later than any video ({MAX_TIME_S:g} s)")
    return seconds
