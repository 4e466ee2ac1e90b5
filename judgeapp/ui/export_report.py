"""File > Export: a report or the annotated video, written as a job with progress and cancel.

The progress is not modal: a small bar with a Cancel button in the main window's
status bar (a tool window beside other parents), so the user keeps reviewing, stepping and
marking while an annotated video is written; the writing runs in a worker thread.

The save dialog opens in the folder of the last export (remembered across sessions by
app.report_service.ExportFolders, kept in the application's QSettings), or in the video's folder
before the first one. After an export a small notice offers "Show File", which opens the
folder holding the file in the desktop's file manager.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QToolButton,
    QWidget,
)

from judgeapp.app.jobs import JobFn
from judgeapp.app.library_service import LibraryService
from judgeapp.app.report_service import DIALOG_FILTERS, DictValues, ExportFolders, write_export
from judgeapp.core.marks import Mark, PanelScore
from judgeapp.core.progress import Progress
from judgeapp.core.results import AnalysisResult
from judgeapp.ui.workers import gui_job_runner


def with_suffix_for(name: str, chosen_filter: str) -> Path:
    """The file name with the chosen format's suffix when the user typed none (or another)."""
    path = Path(name)
    suffix = DIALOG_FILTERS.get(chosen_filter)
    if suffix and path.suffix.lower() not in DIALOG_FILTERS.values():
        path = path.with_name(path.name + suffix)
    return path


class QSettingsValues:
    """app.report_service.Values kept in a QSettings (on disk, across sessions)."""

    def __init__(self, qsettings: QSettings) -> None:
        self.qsettings = qsettings

    def get(self, key: str) -> str | None:
        value = self.qsettings.value(key)
        return None if value is None else str(value)

    def set(self, key: str, value: str) -> None:
        self.qsettings.setValue(key, value)
        self.qsettings.sync()


def folder_url(path: str | Path) -> QUrl:
    """The URL "Show File" opens: the folder that holds `path`."""
    return QUrl.fromLocalFile(str(Path(path).resolve().parent))


def show_in_folder(path: str | Path) -> bool:
    """Open the folder holding `path` in the desktop's file manager."""
    return QDesktopServices.openUrl(folder_url(path))


class ExportedNotice(QMessageBox):
    """ "Wrote FILE", with a Show File button; not modal, so work goes on behind it."""

    def __init__(self, path: str | Path, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle("Export")
        self.setIcon(QMessageBox.Icon.Information)
        self.setText(f"Wrote {self.path.name}")
        self.setInformativeText(str(self.path.parent))
        self.show_file_button = self.addButton("Show File", QMessageBox.ButtonRole.ActionRole)
        self.show_file_button.setToolTip("Open the folder holding the file")
        self.addButton(QMessageBox.StandardButton.Close)
        self.setDefaultButton(self.show_file_button)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.buttonClicked.connect(self._clicked)

    def _clicked(self, button) -> None:
        if button is self.show_file_button:
            show_in_folder(self.path)


def ask_save_path(
    parent: QWidget,
    title: str,
    folders: ExportFolders,
    video_path: str | Path | None,
    file_name: str,
    filters: str,
) -> tuple[Path | None, str]:
    """A save dialog opening where the last export went (else beside the video); returns
    (the path chosen or None, the filter chosen). The folder is remembered once written."""
    start = folders.suggested_path(video_path, file_name)
    name, chosen = QFileDialog.getSaveFileName(parent, title, str(start), filters)
    return (Path(name) if name else None), chosen


class ExportProgress(QWidget):
    """ "Writing NAME" with a progress bar and Cancel; not modal, it blocks nothing."""

    cancelRequested = Signal()

    def __init__(self, name: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("exportProgress")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(f"Writing {name}…")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(True)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip(f"Stop writing {name}; nothing is written")
        self.cancel_button.clicked.connect(self.cancelRequested)
        for widget in (self.label, self.bar, self.cancel_button):
            layout.addWidget(widget)

    def set_progress(self, text: str, fraction: float) -> None:
        self.label.setText(text)
        self.bar.setValue(round(1000 * max(0.0, min(1.0, fraction))))


class ReportExporter(QObject):
    """Writes one export at a time; `done(path)` or `failed(message)` at the end.

    `folders` says where the dialog opens; the default remembers the last folder for this
    exporter only (the main window passes one kept in its settings: Review.export)."""

    done = Signal(str)
    failed = Signal(str)

    def __init__(self, parent: QWidget, folders: ExportFolders | None = None) -> None:
        super().__init__(parent)
        self.window = parent
        self.folders = folders or ExportFolders(DictValues())
        self.jobs = gui_job_runner("judgeapp-export")
        self.dialog: ExportProgress | None = None  # the non-modal progress while writing
        self.notice: ExportedNotice | None = None
        self._target: Path | None = None

    @property
    def busy(self) -> bool:
        """True while an export is being written."""
        return self.jobs.busy

    def choose_and_export(
        self,
        result: AnalysisResult,
        library: LibraryService | None,
        video_path: str | Path | None,
    ) -> None:
        """Ask for a file name, then export (marks and panel score from the library)."""
        default = Path(result.video.path).with_suffix(".pdf").name
        where = video_path or result.video.path
        target, chosen = ask_save_path(
            self.window, "Export report", self.folders, where, default, ";;".join(DIALOG_FILTERS)
        )
        if target is None:
            return
        sha = result.video.sha256
        marks = library.marks(sha) if library is not None else []
        panel = library.panel_score(sha) if library is not None else None
        self.export(with_suffix_for(str(target), chosen), result, marks, panel, video_path)

    def export(
        self,
        target: Path,
        result: AnalysisResult,
        marks: list[Mark],
        panel: PanelScore | None,
        video_path: str | Path | None,
    ) -> None:
        """Write `target` as a job, with a non-modal progress (and Cancel) in the status bar."""
        self.write_as_job(
            target,
            lambda progress, cancel: write_export(
                target, result, marks, panel, video_path, progress, cancel
            ),
        )

    def write_as_job(self, target: Path, write: JobFn) -> None:
        """Run `write(progress, cancel)` (it writes `target` and returns its path) as the
        export job: progress and Cancel in the status bar, a notice or `failed` at the end."""
        if self.jobs.busy:
            self.failed.emit("an export is already running")
            return
        target = self._target = Path(target)
        self.dialog = self._show_progress(target.name)
        self.jobs.start(
            write,
            name="judgeapp-export",
            on_done=self._succeeded,
            on_failed=self._failed,
            on_cancelled=self._cancelled,
            on_progress=self._progress,
        )

    def _show_progress(self, name: str) -> ExportProgress:
        """The progress in the main window's status bar (a small tool window elsewhere)."""
        if isinstance(self.window, QMainWindow):
            progress = ExportProgress(name, None)
            self.window.statusBar().addPermanentWidget(progress)
        else:
            progress = ExportProgress(name, self.window)
            progress.setWindowFlag(Qt.WindowType.Tool)
            progress.setWindowTitle("Export")
        progress.cancelRequested.connect(self.cancel)
        progress.show()
        return progress

    def cancel(self) -> None:
        if self.dialog is not None:
            self.dialog.set_progress("Cancelling…", 0.0)
            self.dialog.cancel_button.setEnabled(False)
        self.jobs.cancel()

    def wait(self) -> None:
        """Stop the running export and wait for its thread (closing the main window)."""
        self.jobs.shutdown()
        self._close_dialog()

    def _progress(self, progress: Progress) -> None:
        if self.dialog is not None and self._target is not None:
            self.dialog.set_progress(
                f"Writing {self._target.name}: {progress.stage}", progress.fraction
            )

    def _succeeded(self, path: Path) -> None:
        self._close_dialog()
        self.folders.remember(path)
        self.notice = ExportedNotice(path, self.window)
        self.notice.show()
        self.done.emit(str(path))

    def _failed(self, message: str) -> None:
        self._close_dialog()
        self.failed.emit(message)

    def _cancelled(self) -> None:
        self._close_dialog()
        self.failed.emit(f"{self._target}: export cancelled; nothing was written")

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            if isinstance(self.window, QMainWindow):
                self.window.statusBar().removeWidget(self.dialog)
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
