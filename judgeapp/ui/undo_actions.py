"""Undo and Redo menu actions (Ctrl+Z, Ctrl+Shift+Z) bound to the judges' undo stack."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from judgeapp.core.errors import JudgeappError
from judgeapp.store import UndoStack


def undo_actions(
    stack: UndoStack, parent: QObject, on_error: Callable[[str], None] = lambda _m: None
) -> tuple[QAction, QAction]:
    """Two actions that follow the stack: enabled only when there is something to undo/redo,
    named after the step ("Undo Add deduction at 0:12.0"). A failing step (the library cannot
    be written) is reported through `on_error` and stays on the stack."""
    undo = QAction("Undo", parent)
    undo.setShortcuts([QKeySequence("Ctrl+Z")])
    redo = QAction("Redo", parent)
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])

    def update() -> None:
        undo.setEnabled(stack.can_undo)
        redo.setEnabled(stack.can_redo)
        undo.setText(f"Undo {stack.undo_label}" if stack.can_undo else "Undo")
        redo.setText(f"Redo {stack.redo_label}" if stack.can_redo else "Redo")

    def run(step: Callable[[], bool]) -> None:
        try:
            step()
        except JudgeappError as exc:
            on_error(str(exc))

    undo.triggered.connect(lambda: run(stack.undo))
    redo.triggered.connect(lambda: run(stack.redo))
    stack.on_change(update)
    undo.destroyed.connect(lambda *_: stack.remove_listener(update))
    update()
    return undo, redo
