"""What the marks panel and the timeline's mark lines show: pure functions, no Qt.

A mark's number is its library id ("#12"): it never changes when a mark is added earlier in the
video, deleted or moved, so "mark 12" in a judge's notes stays mark 12. Times are shown with
the frame they fall on (frames counted from 0, as in the player and the reports).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from judgeapp.app.pose_view import angles_at, angles_text
from judgeapp.core.drawing import describe
from judgeapp.core.marks import KIND_RGB, Mark, PanelScore, format_time
from judgeapp.core.results import AnalysisResult

OTHER_RGB = (90, 90, 90)


def mark_label(mark: Mark) -> str:
    """The mark's stable number, e.g. "#12"."""
    return f"#{mark.id}"


def mark_rgb(kind: str) -> tuple[int, int, int]:
    return KIND_RGB.get(kind, OTHER_RGB)


def mark_tooltip(mark: Mark, frame: int, angles: str = "") -> str:
    """A mark line's tooltip: number, kind, deduction, time, frame, the note and the athlete's
    angles measured there (`mark_angles`)."""
    deduction = f" -{mark.deduction:g}" if mark.deduction is not None else ""
    head = f"{mark_label(mark)} {mark.kind}{deduction} at {format_time(mark.time_s)}, frame {frame}"
    drawn = [f"drawing: {describe(mark.drawing)}"] if mark.drawing else []
    lines = [head, *([mark.text] if mark.text else []), *drawn, *([angles] if angles else [])]
    return "\n".join(lines)


def mark_angles(result: AnalysisResult | None, time_s: float) -> str:
    """The athlete's angles measured at the pose sample nearest a mark (within 0.3 s), e.g.
    "Athlete: Leg separation 172°, Left knee 165°"; "" where the result measured none."""
    text = angles_text(angles_at(result, time_s))
    return f"Athlete: {text}" if text else ""


@dataclass(frozen=True)
class MarkRow:
    """One row of the marks table, as text."""

    mark_id: int
    number: str
    time: str
    frame: str
    kind: str
    deduction: str
    text: str
    angles: str = ""  # the athlete's angles measured there (mark_angles)


def mark_rows(
    marks: Sequence[Mark],
    frame_at: Callable[[float], int],
    result: AnalysisResult | None = None,
) -> list[MarkRow]:
    """The table's rows, in the order of `marks` (time order); with a result that measured
    the athlete's angles, each row says those nearest its time."""
    return [
        MarkRow(
            mark_id=m.id,
            number=mark_label(m),
            time=format_time(m.time_s),
            frame=str(frame_at(m.time_s)),
            kind=m.kind,
            deduction="" if m.deduction is None else f"{m.deduction:g}",
            text=m.text,
            angles=mark_angles(result, m.time_s),
        )
        for m in marks
    ]


def add_button_text(time_s: float, frame: int) -> str:
    """The entry button names where the mark goes: "Add at 0:12.5 · f312"."""
    return f"Add at {format_time(time_s)} · f{frame}"


def panel_fields(panel: PanelScore | None) -> tuple[str, str, str, str]:
    """Total, difficulty, execution and penalty as the form shows them ("" when unknown)."""
    if panel is None:
        return ("", "", "", "")
    values = (panel.total, panel.difficulty, panel.execution, panel.penalty)
    return tuple("" if v is None else f"{round(v, 3):g}" for v in values)  # type: ignore[return-value]


def comparison_text(result: AnalysisResult | None, panel: PanelScore | None) -> str:
    """The model's score beside the panel's: "Predicted total: 17.00 / 25   panel: 18.50
    difference: -1.50"; empty without a result."""
    if result is None:
        return ""
    model = result.model
    text = f"Predicted {model.target}: {result.score:.2f} / {model.score_max:g}"
    value = panel.value(model.target) if panel else None
    if value is not None:
        text += f"   panel: {value:.2f}   difference: {result.score - value:+.2f}"
    return text


def kind_for_deduction_text(kind: str, text: str) -> str:
    """The entry row's kind once a deduction is typed: a deduction value makes the mark a
    deduction (the kind box shows it at once), so the number is never dropped."""
    return "deduction" if text.strip() else kind


def nearest_mark(marks: Sequence[Mark], time_s: float) -> Mark | None:
    """The mark closest in time to `time_s` (the earlier of two as close); None without marks."""
    return min(marks, key=lambda m: (abs(m.time_s - time_s), m.time_s), default=None)
