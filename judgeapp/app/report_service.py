"""Exports for the application: where the save dialogs open, and writing the files.

`ExportFolders` remembers the folder of the last export across sessions, through any small
key-value store (`Values`: the GUI passes its QSettings, tests a dict), so every export dialog
(report, annotated video, batch ranking) opens where the user saved last; before the first
export it opens in the video's folder, never in whatever the working directory happens to be.

`write_export` and `write_text` are the report package's writers, for widgets that may not
import it. No Qt here.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from pathlib import Path
from typing import Protocol

from judgeapp.core.marks import Mark, PanelScore
from judgeapp.core.progress import CancelToken, ProgressCallback, no_progress
from judgeapp.core.results import AnalysisResult
from judgeapp.report import DIALOG_FILTERS as DIALOG_FILTERS  # for the export dialog (ui/)
from judgeapp.report import write_report
from judgeapp.report.output import write_report_text

LAST_EXPORT_KEY = "export/last_folder"


class Values(Protocol):
    """Where ExportFolders keeps its one value (a string; None when never set)."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...


class DictValues:
    """Values in a plain dict (tests, scripts; nothing persists beyond the dict)."""

    def __init__(self, data: MutableMapping[str, str] | None = None) -> None:
        self.data = data if data is not None else {}

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def set(self, key: str, value: str) -> None:
        self.data[key] = value


class ExportFolders:
    """The folder export dialogs open in: the last one used, else the video's folder."""

    def __init__(self, values: Values) -> None:
        self.values = values

    def last(self) -> Path | None:
        """The folder of the last export, if it still exists."""
        text = self.values.get(LAST_EXPORT_KEY)
        if not text:
            return None
        folder = Path(text)
        return folder if folder.is_dir() else None

    def start_folder(self, video_path: str | Path | None) -> Path:
        """Where to open a save dialog: the last export's folder, else the video's folder,
        else the user's home (never the working directory)."""
        last = self.last()
        if last is not None:
            return last
        if video_path:
            folder = Path(video_path).expanduser().parent
            if folder.is_dir():
                return folder.resolve()
        return Path.home()

    def suggested_path(self, video_path: str | Path | None, file_name: str) -> Path:
        """The full path a save dialog proposes: `file_name` in `start_folder`."""
        return self.start_folder(video_path) / file_name

    def remember(self, exported: str | Path) -> None:
        """An export was written to `exported`: later dialogs open in its folder."""
        self.values.set(LAST_EXPORT_KEY, str(Path(exported).expanduser().resolve().parent))


def write_export(
    target: str | Path,
    result: AnalysisResult,
    marks: Sequence[Mark],
    panel: PanelScore | None,
    video_path: str | Path | None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Path:
    """Write a report or the annotated video (the format follows the suffix); see
    report.write_report. Returns the file written."""
    write_report(
        target,
        result,
        list(marks),
        panel,
        video_path=video_path,
        progress=progress,
        cancel=cancel,
    )
    return Path(target)


def write_text(target: str | Path, text: str) -> Path:
    """Write a text export (a CSV) atomically: a failure leaves no half-written file."""
    write_report_text(target, text)
    return Path(target)
