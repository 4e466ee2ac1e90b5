"""The SQLite library of analyses and judges' annotations, and undo/redo of the edits."""

from judgeapp.store.library import (
    LIBRARY_FILE,
    SORT_KEYS,
    AnalysisRow,
    ComparisonRecord,
    Library,
    default_library_path,
)
from judgeapp.store.undo import (
    AddMark,
    Command,
    DeleteComparison,
    DeleteMark,
    EditComparison,
    EditMark,
    MoveMark,
    SaveComparison,
    SetPanelScore,
    UndoStack,
)

__all__ = [
    "LIBRARY_FILE",
    "SORT_KEYS",
    "AddMark",
    "AnalysisRow",
    "Command",
    "ComparisonRecord",
    "DeleteComparison",
    "DeleteMark",
    "EditComparison",
    "EditMark",
    "Library",
    "MoveMark",
    "SaveComparison",
    "SetPanelScore",
    "UndoStack",
    "default_library_path",
]
