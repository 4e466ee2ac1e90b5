"""The batch window: a queue of videos analysed one after another, and their ranking.

Each video runs in a worker thread (TaskThread) that calls the given analyse function; the main
window's passes the work on to a child process (engine_process), as for its own analyses. A
failing video is reported in its row and the queue goes on. Finished results are saved in the
library, so the main window and the library window show them at once, with the panel scores
judges entered.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from judgeapp.core.errors import JudgeappError
from judgeapp.core.progress import CancelToken, ProgressCallback
from judgeapp.core.results import AnalysisResult
from judgeapp.report.output import write_report_text
from judgeapp.store import Library
from judgeapp.ui.batch_model import DONE, QUEUED, RUNNING, BatchQueue
from judgeapp.ui.workers import TaskThread
from judgeapp.video import VIDEO_SUFFIXES, videos_in

# analyze(path, progress, cancel) -> AnalysisResult
AnalyzeFn = Callable[[Path, ProgressCallback, CancelToken], AnalysisResult]

QUEUE_COLUMNS = ("Video", "Status", "Progress", "Error")
RANKING_COLUMNS = (
    ("#", None),
    ("Video", "name"),
    ("Predicted", "predicted"),
    ("Panel", "panel"),
    ("Difference", "difference"),
)


def _num(value: float | None, signed: bool = False) -> str:
    if value is None:
        return ""
    return f"{value:+.2f}" if signed else f"{value:.2f}"


class BatchWindow(QWidget):
    """Queue, per-video progress, sortable ranking and CSV export."""

    def __init__(
        self, library: Library, analyze_fn: AnalyzeFn, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("judgeapp batch scoring")
        self.resize(900, 620)
        self.library = library
        self.analyze_fn = analyze_fn
        self.queue = BatchQueue()
        self.worker: TaskThread | None = None
        self._retired: TaskThread | None = None
        self._next_scheduled = False
        self.running_index: int | None = None
        self.stopping = False
        self.sort = ("predicted", True)

        self.add_files_button = QPushButton("Add videos…")
        self.add_files_button.clicked.connect(self._choose_files)
        self.add_folder_button = QPushButton("Add folder…")
        self.add_folder_button.clicked.connect(self._choose_folder)
        self.start_button = QPushButton("Start")
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self._choose_csv)
        buttons = QHBoxLayout()
        for button in (
            self.add_files_button,
            self.add_folder_button,
            self.start_button,
            self.cancel_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)

        self.queue_table = QTableWidget(0, len(QUEUE_COLUMNS))
        self.queue_table.setHorizontalHeaderLabels(list(QUEUE_COLUMNS))
        self.ranking_table = QTableWidget(0, len(RANKING_COLUMNS))
        self.ranking_table.setHorizontalHeaderLabels([c[0] for c in RANKING_COLUMNS])
        for table in (self.queue_table, self.ranking_table):
            table.verticalHeader().setVisible(False)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.ranking_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        ranking_header = self.ranking_table.horizontalHeader()
        ranking_header.setSortIndicatorShown(True)
        ranking_header.sectionClicked.connect(self._ranking_header_clicked)

        self.overall = QProgressBar()
        self.overall.setRange(0, 1000)
        self.status = QLabel("Add videos or a folder, then Start.")
        self.status.setWordWrap(True)

        splitter = QSplitter(Qt.Orientation.Vertical)
        for title, table in (("Queue", self.queue_table), ("Ranking", self.ranking_table)):
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(QLabel(f"<b>{title}</b>"))
            column.addWidget(table)
            splitter.addWidget(box)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.overall)
        layout.addWidget(self.status)
        self._update_views()

    # ------------------------------------------------------------------------ queue

    def add_videos(self, paths: list[Path]) -> int:
        """Queue files (a folder stands for the videos in it); return how many were added."""
        files: list[Path] = []
        for path in map(Path, paths):
            files.extend(videos_in(path) if path.is_dir() else [path])
        added = self.queue.add(files)
        self._update_views()
        return len(added)

    def start(self) -> None:
        """Run the queued videos one after another."""
        if self.worker is not None:
            return
        self.stopping = False
        self._next()

    def cancel(self) -> None:
        """Stop the running video and leave the rest queued as cancelled."""
        self.stopping = True
        if self.worker is not None:
            self.worker.cancel()
        else:
            self.queue.cancel_pending()
            self._update_views()

    def is_running(self) -> bool:
        """True while a video runs or the next one is about to start."""
        return self.worker is not None or self._next_scheduled

    def _next(self) -> None:
        self._retired = None
        self._next_scheduled = False
        if self.worker is not None:
            return
        if self.stopping:
            # A cancel can arrive after the running video finished but before the next starts.
            self.queue.cancel_pending()
        index = None if self.stopping else self.queue.next_queued()
        if index is None:
            self.running_index = None
            self._update_views()
            counts = self.queue.counts
            self.status.setText(
                f"Finished: {counts[DONE]} scored, {counts['failed']} failed"
                + (f", {counts['cancelled']} cancelled" if counts["cancelled"] else "")
                + "."
            )
            return
        self.running_index = index
        self.queue.start(index)
        path = self.queue.items[index].path
        self.worker = TaskThread(
            lambda progress, cancel: self.analyze_fn(path, progress, cancel),
            f"judgeapp-batch-{index}",
        )
        # Bound methods of this window (a QObject of the GUI thread): the worker's signals are
        # queued to the GUI thread; the running video is self.running_index.
        self.worker.progressed.connect(self._progress)
        self.worker.succeeded.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._cancelled)
        self.worker.finished.connect(self._worker_done)
        self.status.setText(f"Scoring {path.name}…")
        self.worker.start()
        self._update_views()

    def _progress(self, progress) -> None:
        index = self.running_index
        if index is None:
            return
        self.queue.progress(index, progress)
        self._update_queue_row(index)
        self.overall.setValue(round(1000 * self.queue.overall_fraction))

    def _finished(self, result: AnalysisResult) -> None:
        index = self.running_index
        if index is None:
            return
        panel = None
        try:
            self.library.save_analysis(result)
            panel = self.library.get_panel_score(result.video.sha256)
        except JudgeappError as exc:
            self.status.setText(str(exc))
        self.queue.finish(index, result, panel)

    def _failed(self, message: str) -> None:
        if self.running_index is not None:
            self.queue.fail(self.running_index, message)

    def _cancelled(self) -> None:
        self.queue.cancel_pending()

    def _worker_done(self) -> None:
        # Keep the finished thread object until the next video starts: it is not deleted
        # inside its own signal's handler.
        self._retired, self.worker = self.worker, None
        if self._retired is not None:
            self._retired.wait()
        self._update_views()
        self._next_scheduled = True
        QTimer.singleShot(0, self._next)

    # ------------------------------------------------------------------------ views

    def _ranking_header_clicked(self, column: int) -> None:
        key = RANKING_COLUMNS[column][1]
        if key is None:
            return
        current, descending = self.sort
        self.sort = (key, not descending if key == current else key != "name")
        self._update_views()

    def _update_views(self) -> None:
        self.queue_table.setRowCount(len(self.queue.items))
        for index in range(len(self.queue.items)):
            self._update_queue_row(index)
        key, descending = self.sort
        ranked = self.queue.ranking(key, descending)
        self.ranking_table.setRowCount(len(ranked))
        rank = 0
        for row, item in enumerate(ranked):
            rank += item.status == DONE
            cells = [
                str(rank) if item.status == DONE else "",
                item.name,
                _num(item.predicted),
                _num(item.panel_value),
                _num(item.difference, signed=True),
            ]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if col != 1:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.ranking_table.setItem(row, col, cell)
        column = next(i for i, c in enumerate(RANKING_COLUMNS) if c[1] == key)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.ranking_table.horizontalHeader().setSortIndicator(column, order)
        running = self.worker is not None
        self.start_button.setEnabled(not running and self.queue.next_queued() is not None)
        self.cancel_button.setEnabled(running or self.queue.next_queued() is not None)
        self.export_button.setEnabled(bool(self.queue.items))
        self.overall.setValue(round(1000 * self.queue.overall_fraction))

    def _update_queue_row(self, index: int) -> None:
        item = self.queue.items[index]
        status = item.status if item.status != RUNNING else f"running: {item.stage}"
        for col, text in ((0, item.name), (1, status), (3, item.error)):
            cell = QTableWidgetItem(text)
            if col == 0:
                cell.setToolTip(str(item.path))
            if col == 3 and text:
                cell.setToolTip(text)
            self.queue_table.setItem(index, col, cell)
        bar = self.queue_table.cellWidget(index, 2)
        if not isinstance(bar, QProgressBar):
            bar = QProgressBar()
            bar.setRange(0, 100)
            self.queue_table.setCellWidget(index, 2, bar)
        bar.setValue(100 if item.status == DONE else round(100 * item.fraction))
        bar.setEnabled(item.status in (QUEUED, RUNNING, DONE))

    # ----------------------------------------------------------------------- export

    def export_csv(self, path: Path) -> None:
        """Write the ranking (every video, failures included) as CSV, atomically."""
        key, descending = self.sort
        write_report_text(path, self.queue.to_csv(key, descending))
        self.status.setText(f"Wrote {path}")

    def _choose_csv(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export ranking", "ranking.csv", "CSV (*.csv)")
        if name:
            try:
                self.export_csv(Path(name))
            except JudgeappError as exc:
                self.status.setText(str(exc))

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Add videos", "", "Videos (" + " ".join(f"*{s}" for s in VIDEO_SUFFIXES) + ")"
        )
        if names:
            self.add_videos([Path(n) for n in names])

    def _choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Add the videos of a folder")
        if name:
            self.add_videos([Path(name)])

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt name
        """Closing stops the batch and waits for the worker: no thread outlives the window."""
        self.stopping = True
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()
        super().closeEvent(event)
