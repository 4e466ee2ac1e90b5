"""Undo and Redo menu actions (Ctrl+Z, Ctrl+Shift+Z) bound to the judges' edit history."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from judgeapp.app.marks_service import UndoHistory
from judgeapp.core.errors import JudgeappError


def undo_actions(
    history: UndoHistory, parent: QObject, on_error: Callable[[str], None] = lambda _m: None
) -> tuple[QAction, QAction]:
    """Two actions that follow `history` (a MarksService, or the undo stack it wraps): enabled
    only when there is something to undo/redo, named after the step ("Undo Add deduction at
    0:12.0"). A failing step (the library cannot be written) is reported through `on_error` and
    stays in the history."""
    undo = QAction("Undo", parent)
    undo.setShortcuts([QKeySequence("Ctrl+Z")])
    undo.setToolTip("Undo the last change to marks or the panel score (Ctrl+Z)")
    redo = QAction("Redo", parent)
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    redo.setToolTip("Redo what was undone (Ctrl+Shift+Z)")

    def update() -> None:
        undo.setEnabled(history.can_undo)
        redo.setEnabled(history.can_redo)
        undo.setText(f"Undo {history.undo_label}" if history.can_undo else "Undo")
        redo.setText(f"Redo {history.redo_label}" if history.can_redo else "Redo")

    def run(step: Callable[[], bool]) -> None:
        try:
            step()
        except JudgeappError as exc:
            on_error(str(exc))

    undo.triggered.connect(lambda: run(history.undo))
    redo.triggered.connect(lambda: run(history.redo))
    history.on_change(update)
    undo.destroyed.connect(lambda *_: history.remove_listener(update))
    update()
    return undo, redo
