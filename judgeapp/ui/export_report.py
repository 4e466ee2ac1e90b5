"""File > Export: a report or the annotated video, written in a worker with progress/cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from judgeapp.core.marks import PanelScore
from judgeapp.core.results import AnalysisResult
from judgeapp.report import write_report
from judgeapp.store import Library
from judgeapp.ui.workers import TaskThread

FILTERS = {
    "PDF report (*.pdf)": ".pdf",
    "HTML report, one file (*.html)": ".html",
    "Annotated video (*.mp4)": ".mp4",
    "CSV of the weights and marks (*.csv)": ".csv",
    "JSON of the analysis and marks (*.json)": ".json",
}


def with_suffix_for(name: str, chosen_filter: str) -> Path:
    """The file name with the chosen format's suffix when the user typed none (or another)."""
    path = Path(name)
    suffix = FILTERS.get(chosen_filter)
    if suffix and path.suffix.lower() not in FILTERS.values():
        path = path.with_name(path.name + suffix)
    return path


class ReportExporter(QObject):
    """Writes one export at a time; `done(path)` or `failed(message)` at the end."""

    done = Signal(str)
    failed = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.window = parent
        self.worker: TaskThread | None = None
        self.dialog: QProgressDialog | None = None
        self._target: Path | None = None
        self._retired: TaskThread | None = None

    def choose_and_export(
        self, result: AnalysisResult, library: Library | None, video_path: str | Path | None
    ) -> None:
        """Ask for a file name, then export (marks and panel score from the library)."""
        default = Path(result.video.path).with_suffix(".pdf").name
        name, chosen = QFileDialog.getSaveFileName(
            self.window, "Export report", default, ";;".join(FILTERS)
        )
        if not name:
            return
        sha = result.video.sha256
        marks = library.marks_for(sha) if library is not None else []
        panel = library.get_panel_score(sha) if library is not None else None
        self.export(with_suffix_for(name, chosen), result, marks, panel, video_path)

    def export(
        self,
        target: Path,
        result: AnalysisResult,
        marks: list,
        panel: PanelScore | None,
        video_path: str | Path | None,
    ) -> None:
        if self.worker is not None:
            self.failed.emit("an export is already running")
            return
        self._target = Path(target)

        def job(progress, cancel):
            return write_report(
                target,
                result,
                marks,
                panel,
                video_path=video_path,
                progress=progress,
                cancel=cancel,
            )

        self.dialog = QProgressDialog(
            f"Writing {self._target.name}…", "Cancel", 0, 1000, self.window
        )
        self.dialog.setWindowTitle("Export")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.worker = TaskThread(job, "judgeapp-export")
        self.dialog.canceled.connect(self.worker.cancel)
        self.worker.progressed.connect(self._progress)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._cancelled)
        self.worker.finished.connect(self._finished)
        self.worker.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def wait(self) -> None:
        """Block until the running export ends (closing the main window)."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()

    def _progress(self, progress) -> None:
        if self.dialog is not None:
            self.dialog.setLabelText(f"Writing {self._target.name}: {progress.stage}")
            self.dialog.setValue(round(1000 * progress.fraction))

    def _succeeded(self, _value) -> None:
        self.done.emit(str(self._target))

    def _failed(self, message: str) -> None:
        self.failed.emit(message)

    def _cancelled(self) -> None:
        self.failed.emit(f"{self._target}: export cancelled; nothing was written")

    def _finished(self) -> None:
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.deleteLater()
            self.dialog = None
        if self.worker is not None:
            self.worker.wait()
        self._retired, self.worker = self.worker, None
