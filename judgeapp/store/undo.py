"""Undo and redo of judges' edits, as commands that act on the library (no Qt).

Every command writes through the library, so each step of an undo or a redo is as durable as
the edit itself. The GUI binds `UndoStack.undo`/`redo` to Ctrl+Z / Ctrl+Shift+Z and listens to
`on_change` to refresh its views.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Protocol

from judgeapp.core.drawing import Drawing
from judgeapp.core.marks import Mark, PanelScore, format_time
from judgeapp.store.library import ComparisonRecord, Library


class Command(Protocol):
    """One undoable edit: `redo` applies it (also the first time), `undo` reverts it."""

    label: str

    def redo(self, library: Library) -> None: ...

    def undo(self, library: Library) -> None: ...


class AddMark:
    """Add a new mark; undo deletes it, redo restores it with the same id."""

    def __init__(
        self,
        video_sha256: str,
        time_s: float,
        kind: str,
        text: str,
        deduction: float | None = None,
        drawing: Drawing = (),
    ) -> None:
        self._fields = (video_sha256, time_s, kind, text, deduction, drawing)
        self.mark: Mark | None = None
        self.label = f"Add {kind} at {format_time(time_s)}"

    def redo(self, library: Library) -> None:
        if self.mark is None:
            self.mark = library.add_mark(*self._fields)
        else:
            self.mark = library.restore_mark(self.mark)

    def undo(self, library: Library) -> None:
        assert self.mark is not None
        library.delete_mark(self.mark.id)


class _ReplaceMark:
    """Replace a mark's fields with new ones; undo puts the old ones back."""

    def __init__(self, before: Mark, after: Mark, label: str) -> None:
        self.before = before
        self.after = after
        self.label = label

    def redo(self, library: Library) -> None:
        self.after = library.update_mark(self.after)

    def undo(self, library: Library) -> None:
        self.before = library.update_mark(self.before)


class EditMark(_ReplaceMark):
    """Change a mark's kind, text or deduction."""

    def __init__(self, before: Mark, kind: str, text: str, deduction: float | None) -> None:
        after = dataclasses.replace(before, kind=kind, text=text, deduction=deduction)
        super().__init__(before, after, f"Edit mark at {format_time(before.time_s)}")


class MoveMark(_ReplaceMark):
    """Move a mark to another moment of the video."""

    def __init__(self, before: Mark, time_s: float) -> None:
        after = dataclasses.replace(before, time_s=time_s)
        label = f"Move mark {format_time(before.time_s)} -> {format_time(time_s)}"
        super().__init__(before, after, label)


class DeleteMark:
    """Delete a mark; undo restores it with its id and dates."""

    def __init__(self, mark: Mark) -> None:
        self.mark = mark
        self.label = f"Delete {mark.kind} at {format_time(mark.time_s)}"

    def redo(self, library: Library) -> None:
        self.mark = library.delete_mark(self.mark.id)

    def undo(self, library: Library) -> None:
        self.mark = library.restore_mark(self.mark)


class SetPanelScore:
    """Enter, change or clear (None) the panel's score of a video."""

    def __init__(self, library: Library, video_sha256: str, panel: PanelScore | None) -> None:
        self.video_sha256 = video_sha256
        self.before = library.get_panel_score(video_sha256)
        self.after = panel
        self.label = "Clear panel score" if panel is None else "Set panel score"

    def redo(self, library: Library) -> None:
        library.set_panel_score(self.video_sha256, self.after)

    def undo(self, library: Library) -> None:
        library.set_panel_score(self.video_sha256, self.before)


class SaveComparison:
    """Save a comparison: a new one (id None) is inserted, undo deletes it and redo restores
    it with the same id; a saved one is updated, undo puts the stored fields back."""

    def __init__(self, record: ComparisonRecord, before: ComparisonRecord | None = None) -> None:
        self.record = record
        self.before = before
        self.label = f"Save comparison {record.name!r}"

    def redo(self, library: Library) -> None:
        if self.before is None and self.record.id is not None:
            self.record = library.restore_comparison(self.record)  # redo after undo
        else:
            self.record = library.save_comparison(self.record)

    def undo(self, library: Library) -> None:
        if self.before is None:
            assert self.record.id is not None
            library.delete_comparison(self.record.id)
        else:
            self.before = library.save_comparison(self.before)


class EditComparison:
    """Change a saved comparison's sync points or overlay; undo puts the old values back.
    Consecutive edits of the same group (`what`: "sync", "overlay") of one comparison merge
    into one step, so dragging a slider is one undo."""

    def __init__(self, before: ComparisonRecord, after: ComparisonRecord, what: str) -> None:
        self.before = before
        self.after = after
        self.what = what
        self.label = f"Change comparison {what}"

    def redo(self, library: Library) -> None:
        self.after = library.save_comparison(self.after)

    def undo(self, library: Library) -> None:
        self.before = library.save_comparison(self.before)

    def merge(self, other: object) -> bool:
        """Take `other`'s new values when it edits the same group of the same comparison."""
        if not (
            isinstance(other, EditComparison)
            and other.what == self.what
            and other.after.id == self.after.id
        ):
            return False
        self.after = other.after
        return True


class DeleteComparison:
    """Delete a saved comparison; undo restores it with its id and dates."""

    def __init__(self, record: ComparisonRecord) -> None:
        self.record = record
        self.label = f"Delete comparison {record.name!r}"

    def redo(self, library: Library) -> None:
        assert self.record.id is not None
        self.record = library.delete_comparison(self.record.id)

    def undo(self, library: Library) -> None:
        self.record = library.restore_comparison(self.record)


class UndoStack:
    """A linear history of commands over one library.

    `push` runs a command and forgets anything that had been undone; a command that fails
    (raises) is not recorded. `limit` bounds how many steps are kept.
    """

    def __init__(self, library: Library, limit: int = 500) -> None:
        self.library = library
        self.limit = limit
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener()` after every push, undo, redo and clear."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[], None]) -> None:
        """Stop calling `listener` (a closed view)."""
        self._listeners = [f for f in self._listeners if f != listener]

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    def push(self, command: Command) -> Command:
        command.redo(self.library)
        self._done.append(command)
        del self._done[: max(0, len(self._done) - self.limit)]
        self._undone.clear()
        self._changed()
        return command

    def push_merged(self, command: Command) -> Command:
        """Like `push`, but a command that the last one can absorb (its `merge(command)`
        returns True) is applied and folded into that step instead of adding one."""
        last = self._done[-1] if self._done and not self._undone else None
        merge = getattr(last, "merge", None)
        if merge is None:
            return self.push(command)
        command.redo(self.library)
        if not merge(command):
            self._done.append(command)
            del self._done[: max(0, len(self._done) - self.limit)]
        self._changed()
        return command

    def undo(self) -> bool:
        """Revert the last command; False when there is nothing to undo."""
        if not self._done:
            return False
        command = self._done[-1]
        command.undo(self.library)
        self._undone.append(self._done.pop())
        self._changed()
        return True

    def redo(self) -> bool:
        """Re-apply the last undone command; False when there is nothing to redo."""
        if not self._undone:
            return False
        command = self._undone[-1]
        command.redo(self.library)
        self._done.append(self._undone.pop())
        self._changed()
        return True

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
        self._changed()

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_label(self) -> str:
        return self._done[-1].label if self._done else ""

    @property
    def redo_label(self) -> str:
        return self._undone[-1].label if self._undone else ""
