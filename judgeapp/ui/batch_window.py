"""The batch window: a queue of videos analysed one after another, and their ranking.

Each video runs as a job of one JobRunner (app.jobs) that asks the library for it
(`LibraryService.result_or_analyse`): a result stored for the same content and made the same
way (the request `request_fn` gives) is shown again at once, labelled "from the library";
anything else is analysed by the given analyse function (the main window passes one that uses
its analysis service, as for its own analyses) and saved, so the main window and the library
window show it at once, with the panel scores judges entered. Without `request_fn` every video
is analysed. A failing video is reported in its row and the queue goes on. Scores that are not
calibrated (random weights, untrained head) are flagged in the ranking: they do not rank
routines. Double-clicking a row asks for the video to be opened in the main window
(`openRequested`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.library_service import LibraryAnswer, LibraryService
from judgeapp.app.list_views import FLAG_COLOUR as FLAG_HEX
from judgeapp.app.list_views import (
    QUEUE_COLUMNS,
    RANKING_CALIBRATED_COLUMN,
    RANKING_COLUMNS,
    RANKING_NUMBER_COLUMNS,
    RANKING_TARGET_COLUMNS,
    calibration,
    number,
    ranking_status,
    short_error,
    target_difference,
)
from judgeapp.app.report_service import DictValues, ExportFolders, write_text
from judgeapp.app.requests import AnalysisRequest
from judgeapp.core.errors import JudgeappError
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback
from judgeapp.core.results import AnalysisResult
from judgeapp.ui.batch_model import DONE, QUEUED, RUNNING, BatchItem, BatchQueue
from judgeapp.ui.export_report import ExportedNotice, ask_save_path
from judgeapp.ui.table_layout import fit_columns_to_name
from judgeapp.ui.workers import gui_job_runner
from judgeapp.video import VIDEO_SUFFIXES, videos_in

# analyze(path, progress, cancel) -> AnalysisResult
AnalyzeFn = Callable[[Path, ProgressCallback, CancelToken], AnalysisResult]

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
FLAG_COLOUR = QColor(FLAG_HEX)  # an uncalibrated score: dark orange, readable on white


class BatchWindow(QWidget):
    """Queue, per-video progress, sortable ranking and CSV export.

    library: where results are saved and panel scores come from. analyze_fn: analyses one
    video. folders: where the export dialog opens (default: remembered for this window only).
    request_fn: the request the analyses answer (read when each video starts), so that stored
    results made the same way are reused; None: analyse every video.
    `openRequested(path)`: the user double-clicked a video to open it in the main window.
    `videoFinished(index)`: a video's outcome was recorded (before the next one starts).
    """

    openRequested = Signal(str)
    videoFinished = Signal(int)

    def __init__(
        self,
        library: LibraryService,
        analyze_fn: AnalyzeFn,
        parent: QWidget | None = None,
        folders: ExportFolders | None = None,
        request_fn: Callable[[], AnalysisRequest] | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("judgeapp batch scoring")
        self.resize(1000, 640)
        self.library = library
        self.analyze_fn = analyze_fn
        self.request_fn = request_fn
        self.folders = folders or ExportFolders(DictValues())
        self.queue = BatchQueue()
        self.jobs = gui_job_runner("judgeapp-batch")
        self.ranked: list[BatchItem] = []
        self.notice: ExportedNotice | None = None
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
            table.setToolTip("Double-click a video to open it in the main window")
        self.queue_columns = fit_columns_to_name(self.queue_table, name_column=0)
        self.ranking_columns = fit_columns_to_name(self.ranking_table, name_column=1)
        self.queue_table.cellDoubleClicked.connect(
            lambda row, _col: self._open(self.queue.items, row)
        )
        self.ranking_table.cellDoubleClicked.connect(lambda row, _col: self._open(self.ranked, row))
        ranking_header = self.ranking_table.horizontalHeader()
        ranking_header.setSortIndicatorShown(True)
        ranking_header.sectionClicked.connect(self._ranking_header_clicked)

        self.overall = QProgressBar()
        self.overall.setRange(0, 1000)
        self.status = QLabel("Add videos or a folder, then Start.")
        self.status.setWordWrap(True)
        self.calibration_note = QLabel("")
        self.calibration_note.setWordWrap(True)
        self.calibration_note.setStyleSheet(f"color: {FLAG_COLOUR.name()};")
        self.calibration_note.hide()

        splitter = QSplitter(Qt.Orientation.Vertical)
        for title, table in (("Queue", self.queue_table), ("Ranking", self.ranking_table)):
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(QLabel(f"<b>{title}</b>"))
            column.addWidget(table)
            if table is self.ranking_table:
                column.addWidget(self.calibration_note)
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
        if self.jobs.busy:
            return
        self.stopping = False
        self._next()

    def cancel(self) -> None:
        """Stop the running video and leave the rest queued as cancelled."""
        self.stopping = True
        if self.jobs.busy:
            self.jobs.cancel()
        else:
            self.queue.cancel_pending()
            self._update_views()

    def is_running(self) -> bool:
        """True while a video runs or the next one is about to start."""
        return self.jobs.busy or self._next_scheduled

    def _next(self) -> None:
        self._next_scheduled = False
        if self.jobs.busy:
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
        request = self.request_fn() if self.request_fn is not None else None
        self.jobs.start(
            lambda progress, cancel: self.library.result_or_analyse(
                path,
                request or AnalysisRequest(),
                self.analyze_fn,
                reanalyse=request is None,
                progress=progress,
                cancel=cancel,
            ),
            name=f"judgeapp-batch-{index}",
            on_done=lambda answer: self._ended(index, lambda: self._finished(index, answer)),
            on_failed=lambda message: self._ended(index, lambda: self.queue.fail(index, message)),
            on_cancelled=lambda: self._ended(index, self.queue.cancel_pending),
            on_progress=lambda progress: self._progress(index, progress),
        )
        self.status.setText(f"Scoring {path.name}…")
        self._update_views()

    def _progress(self, index: int, progress: Progress) -> None:
        self.queue.progress(index, progress)
        self._update_queue_row(index)
        self.overall.setValue(round(1000 * self.queue.overall_fraction))

    def _finished(self, index: int, answer: LibraryAnswer) -> None:
        """A video's result is in (already saved, or reused from the library)."""
        panel = None
        if answer.save_error:
            self.status.setText(answer.save_error)
        try:
            panel = self.library.panel_score(answer.result.video.sha256)
        except JudgeappError as exc:
            self.status.setText(str(exc))
        self.queue.finish(index, answer.result, panel, reused=answer.reused)

    def _ended(self, index: int, record) -> None:
        """A video's job ended (on the GUI thread): record its outcome, start the next soon."""
        record()
        self._update_views()
        self.videoFinished.emit(index)
        self._next_scheduled = True
        QTimer.singleShot(0, self._next)

    def _open(self, items: list[BatchItem], row: int) -> None:
        if 0 <= row < len(items):
            self.openRequested.emit(str(items[row].path))

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
        self.ranked = ranked = self.queue.ranking(key, descending)
        self.ranking_table.setRowCount(len(ranked))
        rank = 0
        for row, item in enumerate(ranked):
            rank += item.status == DONE
            flag = calibration(item.result)
            cells = [
                str(rank) if item.status == DONE else "",
                item.name,
                number(item.predicted),
                flag.text,
                number(item.panel_value),
                number(item.difference, signed=True),
            ]
            per_target = {
                col: target_difference(item.result, item.panel, target)
                for col, target in RANKING_TARGET_COLUMNS.items()
            }
            cells += [d.text if d is not None else "" for d in per_target.values()]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(str(item.path) if col == 1 else flag.tooltip)
                if per_target.get(col) is not None:
                    cell.setToolTip(per_target[col].tooltip)
                if col in RANKING_NUMBER_COLUMNS:
                    cell.setTextAlignment(_RIGHT)
                if flag.flagged and col in (2, RANKING_CALIBRATED_COLUMN):
                    cell.setForeground(FLAG_COLOUR)
                    font = cell.font()
                    font.setBold(col == RANKING_CALIBRATED_COLUMN)
                    cell.setFont(font)
                self.ranking_table.setItem(row, col, cell)
        done = [i for i in ranked if i.status == DONE and i.result is not None]
        note = ranking_status(len(done), sum(not i.result.model.calibrated for i in done))
        self.calibration_note.setText(note)
        self.calibration_note.setVisible(bool(note))
        column = next(i for i, c in enumerate(RANKING_COLUMNS) if c[1] == key)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.ranking_table.horizontalHeader().setSortIndicator(column, order)
        running = self.jobs.busy
        self.start_button.setEnabled(not running and self.queue.next_queued() is not None)
        self.cancel_button.setEnabled(running or self.queue.next_queued() is not None)
        self.export_button.setEnabled(bool(self.queue.items))
        self.overall.setValue(round(1000 * self.queue.overall_fraction))

    def _update_queue_row(self, index: int) -> None:
        item = self.queue.items[index]
        status = item.status if item.status != RUNNING else f"running: {item.stage}"
        if item.reused:
            status = "done (from the library)"
        error = short_error(item.error, str(item.path))
        for col, text in ((0, item.name), (1, status), (3, error)):
            cell = QTableWidgetItem(text)
            if col == 0:
                cell.setToolTip(str(item.path))
            if col == 3 and text:
                cell.setToolTip(item.error)
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
        write_text(path, self.queue.to_csv(key, descending))
        self.folders.remember(path)
        self.status.setText(f"Wrote {path}")

    def _choose_csv(self) -> None:
        first = self.queue.items[0].path if self.queue.items else None
        target, _ = ask_save_path(
            self, "Export ranking", self.folders, first, "ranking.csv", "CSV (*.csv)"
        )
        if target is None:
            return
        try:
            self.export_csv(target)
        except JudgeappError as exc:
            self.status.setText(str(exc))
            return
        self.notice = ExportedNotice(target, self)
        self.notice.show()

    def browse_folder(self) -> Path:
        """Where the add dialogs open: the folder of the last video queued, else the home
        folder (never the working directory)."""
        if self.queue.items:
            return self.queue.items[-1].path.expanduser().resolve().parent
        return Path.home()

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self,
            "Add videos",
            str(self.browse_folder()),
            "Videos (" + " ".join(f"*{s}" for s in VIDEO_SUFFIXES) + ")",
        )
        if names:
            self.add_videos([Path(n) for n in names])

    def _choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(
            self, "Add the videos of a folder", str(self.browse_folder())
        )
        if name:
            self.add_videos([Path(name)])

    def shutdown(self) -> None:
        """Stop the batch and wait for the running video's thread; what is still queued is
        marked cancelled (Start runs nothing more until videos are queued again)."""
        self.stopping = True
        if self.jobs.busy:
            self.queue.cancel_pending()
        self.jobs.shutdown()
        self._update_views()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt name
        """Closing stops the batch and waits for the job: no thread outlives the window."""
        self.shutdown()
        super().closeEvent(event)
