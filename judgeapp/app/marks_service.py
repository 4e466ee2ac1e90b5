"""The judges' marks and the panel's score of the current video, without Qt.

`MarksService` sits on the library and its undo stack: every edit is an undoable command that
writes to SQLite before listeners hear of it, so what a view shows after a change is what is on
disk. It checks what a judge typed (times, kinds, deductions, a panel score inside the model's
score range and consistent with D + E - penalty) and refuses with one line (JudgeappError):
nothing typed is dropped without a word (a deduction value for a comment is refused, not lost).
The marks panel, the timeline's mark lines and the Undo/Redo actions are drawn from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from judgeapp.app.marks_view import mark_label
from judgeapp.core.drawing import Drawing
from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import (
    MARK_KINDS,
    Mark,
    PanelScore,
    check_mark_fields,
    check_panel_range,
    panel_score,
    parse_time,
)
from judgeapp.core.results import AnalysisResult, VideoInfo
from judgeapp.store import (
    AddMark,
    DeleteMark,
    EditMark,
    Library,
    MoveMark,
    SetPanelScore,
    UndoStack,
)
from judgeapp.video.frame_cache import frame_at_time

_FRAME_TEXT = re.compile(r"^(?:f|frame)\s*(\d+)$", re.IGNORECASE)


class UndoHistory(Protocol):
    """What the Undo/Redo actions need: an UndoStack or a MarksService."""

    @property
    def can_undo(self) -> bool: ...

    @property
    def can_redo(self) -> bool: ...

    @property
    def undo_label(self) -> str: ...

    @property
    def redo_label(self) -> str: ...

    def undo(self) -> bool: ...

    def redo(self) -> bool: ...

    def on_change(self, listener: Callable[[], None]) -> None: ...

    def remove_listener(self, listener: Callable[[], None]) -> None: ...


def check_kind(kind: str) -> str:
    """A mark kind as chosen or typed ("Comment " too); JudgeappError for any other word."""
    kind = kind.strip().lower()
    if kind not in MARK_KINDS:
        raise JudgeappError(f"mark kind {kind!r} is not one of {', '.join(MARK_KINDS)}")
    return kind


def check_deduction_kind(kind: str, deduction: float | None) -> None:
    """Only a deduction carries a deduction value: a value typed for another kind is refused
    with one line, so that a number a judge typed is never dropped without a word."""
    if deduction is not None and kind != "deduction":
        raise JudgeappError(
            f"a {kind} carries no deduction: choose the kind deduction to keep "
            f"{deduction:g}, or clear the deduction"
        )


def kind_change_note(mark: Mark, kind: str) -> str:
    """What changing `mark` to `kind` did to its deduction value ("" when nothing)."""
    if mark.deduction is None or kind == "deduction":
        return ""
    return (
        f"{mark_label(mark)} is now a {kind}: its deduction {mark.deduction:g} was removed "
        "(Ctrl+Z puts it back)"
    )


def parse_number(text: str, what: str) -> float | None:
    """A number a judge typed ("0,3" too); None for an empty field; JudgeappError otherwise."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise JudgeappError(f"{what} {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise JudgeappError(f"{what} {text!r} is not a number")
    return value


class MarksService:
    """Marks and panel score of one video at a time, on `library`, undoable through `undo`.

    Listeners (`on_change`) are called after every edit, undo, redo and change of video.
    """

    def __init__(self, library: Library, undo: UndoStack | None = None) -> None:
        self.library = library
        self.undo_stack = undo if undo is not None else UndoStack(library)
        self.video: VideoInfo | None = None
        self.result: AnalysisResult | None = None
        self._listeners: list[Callable[[], None]] = []
        self.undo_stack.on_change(self._changed)

    # --- listeners ------------------------------------------------------------------------------
    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[], None]) -> None:
        self._listeners = [f for f in self._listeners if f != listener]

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def close(self) -> None:
        """Stop listening to the undo stack (the views are gone)."""
        self.undo_stack.remove_listener(self._changed)
        self._listeners.clear()

    # --- the current video ----------------------------------------------------------------------
    def set_video(self, info: VideoInfo | None) -> None:
        """Edit the marks of this video (recorded in the library first); None: no video.

        A video without its content hash cannot hold marks (they are keyed by content)."""
        self.video = None
        self.result = None
        try:
            if info is not None and info.sha256:
                self.library.remember_video(info)
                self.video = info
        finally:
            self._changed()

    def set_result(self, result: AnalysisResult | None) -> None:
        """The model's result: its score range bounds the panel's score."""
        self.result = result
        self._changed()

    def marks(self) -> list[Mark]:
        """The video's marks in time order (none without a video)."""
        return [] if self.video is None else self.library.marks_for(self.video.sha256)

    def panel(self) -> PanelScore | None:
        return None if self.video is None else self.library.get_panel_score(self.video.sha256)

    def mark(self, mark_id: int) -> Mark:
        mark = next((m for m in self.marks() if m.id == mark_id), None)
        if mark is None:
            raise JudgeappError(f"mark {mark_id} is not a mark of this video (deleted?)")
        return mark

    def frame_at(self, time_s: float) -> int:
        """The frame on screen at `time_s` (frames counted from 0, as in the reports)."""
        if self.video is None or self.video.fps <= 0:
            return 0
        return frame_at_time([], time_s, self.video.fps, max(self.video.frames, 1))

    def snap_to_frame(self, time_s: float) -> float:
        """The start of the frame on screen at `time_s` (a dragged mark lands on a frame)."""
        if self.video is None or self.video.fps <= 0:
            return time_s
        return self.frame_at(time_s) / self.video.fps

    def time_of_typed(self, text: str) -> float:
        """A mark time a judge typed: m:ss.s, seconds, or a frame as "f120" / "frame 120"."""
        raw = text.strip()
        match = _FRAME_TEXT.match(raw)
        if match is None:
            return parse_time(raw)
        video = self._video()
        frame = int(match.group(1))
        if frame >= max(video.frames, 1) or video.fps <= 0:
            raise JudgeappError(f"frame {frame} is past the last frame ({video.frames - 1})")
        return frame / video.fps

    def score_max(self) -> dict[str, float]:
        """The known top of each score scale: the model's target's, when a result is shown."""
        if self.result is None:
            return {}
        return {self.result.model.target: float(self.result.model.score_max)}

    # --- edits ----------------------------------------------------------------------------------
    def _video(self) -> VideoInfo:
        if self.video is None:
            raise JudgeappError("open a video (and wait for it to be read) to add marks")
        return self.video

    def _clamp(self, time_s: float) -> float:
        duration = self._video().duration_s
        return min(max(0.0, time_s), duration) if duration > 0 else max(0.0, time_s)

    def add(
        self,
        time_s: float,
        kind: str,
        text: str,
        deduction: float | None = None,
        drawing: Drawing = (),
    ) -> Mark:
        """Add a mark at `time_s` (with the shapes drawn on its frame); the library holds it
        on return. A deduction value with another kind is refused, never dropped
        (`check_deduction_kind`)."""
        video = self._video()
        check_deduction_kind(kind, deduction)
        check_mark_fields(time_s, kind, text, deduction)
        command = AddMark(video.sha256, self._clamp(time_s), kind, text, deduction, drawing)
        self.undo_stack.push(command)
        assert command.mark is not None
        return command.mark

    def edit(
        self, mark_id: int, kind: str, text: str, deduction: float | None = None
    ) -> Mark | None:
        """Change a mark's kind, text or deduction; None when nothing changed. A deduction
        value with another kind is refused, never dropped (`set_kind` changes the kind of a
        deduction and says what became of its value)."""
        mark = self.mark(mark_id)
        kind = check_kind(kind)
        check_deduction_kind(kind, deduction)
        if (kind, text, deduction) == (mark.kind, mark.text, mark.deduction):
            return None
        check_mark_fields(mark.time_s, kind, text, deduction)
        command = EditMark(mark, kind, text, deduction)
        self.undo_stack.push(command)
        return command.after

    def set_kind(self, mark_id: int, kind: str) -> str:
        """Make a mark another kind (chosen from MARK_KINDS). A deduction made a highlight or
        a comment loses its value, undoably: returns the line that says so ("" otherwise)."""
        mark = self.mark(mark_id)
        kind = check_kind(kind)
        deduction = mark.deduction if kind == "deduction" else None
        self.edit(mark_id, kind, mark.text, deduction)
        return kind_change_note(mark, kind)

    def set_deduction(self, mark_id: int, deduction: float | None) -> Mark | None:
        """Set a mark's deduction; a value makes the mark a deduction."""
        mark = self.mark(mark_id)
        kind = "deduction" if deduction is not None else mark.kind
        return self.edit(mark_id, kind, mark.text, deduction)

    def move(self, mark_id: int, time_s: float) -> Mark | None:
        """Move a mark to `time_s` (clamped to the video); None when it is already there."""
        mark = self.mark(mark_id)
        check_mark_fields(time_s, mark.kind, mark.text, mark.deduction)
        time_s = self._clamp(time_s)
        if abs(mark.time_s - time_s) <= 1e-9:
            return None
        command = MoveMark(mark, time_s)
        self.undo_stack.push(command)
        return command.after

    def delete(self, mark_id: int) -> None:
        self.undo_stack.push(DeleteMark(self.mark(mark_id)))

    def set_panel(
        self,
        total: float | None,
        difficulty: float | None = None,
        execution: float | None = None,
        penalty: float | None = None,
    ) -> PanelScore | None:
        """Save the panel's score (total, or D + E - penalty); refused when it is outside the
        model's score range or the parts do not add up. Returns what is stored."""
        video = self._video()
        panel = panel_score(total, difficulty, execution, penalty)
        check_panel_range(panel, self.score_max())
        if panel != self.panel():
            self.undo_stack.push(SetPanelScore(self.library, video.sha256, panel))
        return panel

    def clear_panel(self) -> None:
        video = self._video()
        if self.panel() is not None:
            self.undo_stack.push(SetPanelScore(self.library, video.sha256, None))

    # --- history (UndoHistory) ------------------------------------------------------------------
    def undo(self) -> bool:
        return self.undo_stack.undo()

    def redo(self) -> bool:
        return self.undo_stack.redo()

    @property
    def can_undo(self) -> bool:
        return self.undo_stack.can_undo

    @property
    def can_redo(self) -> bool:
        return self.undo_stack.can_redo

    @property
    def undo_label(self) -> str:
        return self.undo_stack.undo_label

    @property
    def redo_label(self) -> str:
        return self.undo_stack.redo_label
