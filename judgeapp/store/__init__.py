"""The SQLite library of analyses and judges' annotations, and undo/redo of the edits."""

from judgeapp.store.library import (
    LIBRARY_FILE,
    SORT_KEYS,
    AnalysisRow,
    Library,
    default_library_path,
)
from judgeapp.store.undo import (
    AddMark,
    Command,
    DeleteMark,
    EditMark,
    MoveMark,
    SetPanelScore,
    UndoStack,
)

__all__ = [
    "LIBRARY_FILE",
    "SORT_KEYS",
    "AddMark",
    "AnalysisRow",
    "Command",
    "DeleteMark",
    "EditMark",
    "Library",
    "MoveMark",
    "SetPanelScore",
    "UndoStack",
    "default_library_path",
]
