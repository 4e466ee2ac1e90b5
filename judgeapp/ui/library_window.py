"""The library window: every analysed video, searchable and sortable; double-click opens one.

The list comes from app.library_service, loaded as a job of one JobRunner (app.jobs), so the
GUI thread never waits on the database. Typing in the search field reads the list once the
user pauses; a new load retires the one in progress, so only the newest list is shown.
Closing the window retires the load and waits for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.compare_store import ComparisonStore
from judgeapp.app.library_service import AnalysisRow, LibraryService
from judgeapp.app.library_training import LibraryTrainingService
from judgeapp.app.list_views import (
    FLAG_COLOUR,
    LIBRARY_COLUMNS,
    LIBRARY_FLAGGED_COLUMNS,
    LIBRARY_NUMBER_COLUMNS,
    library_cells,
    library_tooltip,
)
from judgeapp.app.score_import import ScoreImportService
from judgeapp.core.errors import JudgeappError
from judgeapp.ui.table_layout import fit_columns_to_name
from judgeapp.ui.workers import gui_job_runner

COLUMNS = LIBRARY_COLUMNS
_ROW_ID = Qt.ItemDataRole.UserRole
SEARCH_PAUSE_MS = 150  # typing: the list is read once the user pauses this long
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _ask(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, "judgeapp", question)
    return answer == QMessageBox.StandardButton.Yes


class LibraryWindow(QWidget):
    """Lists the library's analyses; emits `openRequested(path, sha256)` to open one.

    `refreshed` is emitted each time a new list is shown (or its loading failed)."""

    openRequested = Signal(str, str)
    refreshed = Signal()

    def __init__(
        self,
        library: LibraryService,
        parent: QWidget | None = None,
        confirm: Callable[[QWidget, str], bool] = _ask,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("judgeapp library")
        self.resize(1100, 560)
        self.library = library
        self.confirm = confirm
        self.sort = "-date"
        self.rows: list[AnalysisRow] = []
        self.jobs = gui_job_runner("judgeapp-library")

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search video, path, model or routine")
        self.search.setClearButtonEnabled(True)
        self._search_pause = QTimer(self)
        self._search_pause.setSingleShot(True)
        self._search_pause.setInterval(SEARCH_PAUSE_MS)
        self._search_pause.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._search_pause.start)
        self.all_analyses = QCheckBox("Every analysis (not only the newest per video)")
        self.all_analyses.toggled.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.all_analyses)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([c[0] for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.columns = fit_columns_to_name(self.table, name_column=0)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._header_clicked)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.open_row(row))

        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open the selected video in the main window (double-click)")
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        self.delete_button = QPushButton("Delete analysis")
        self.delete_button.setToolTip("Remove the selected result; marks and panel score stay")
        self.delete_button.clicked.connect(self.delete_selected)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.scores = ScoreImportService(library.library)
        self.training = LibraryTrainingService(library.path)
        self.offer_jobs = gui_job_runner("judgeapp-library-offers")
        self.import_button = QPushButton("Import Scores…")
        self.import_button.setToolTip(
            "Panel scores for many videos from a CSV or label file: preview, then import"
        )
        self.import_button.clicked.connect(self.open_score_import)
        self.undo_import_button = QPushButton("Undo Import")
        self.undo_import_button.setEnabled(False)
        self.undo_import_button.clicked.connect(self.undo_import)
        self.train_button = QPushButton("Train on Library…")
        self.train_button.setToolTip("Train and cross-validate a model on the scored videos")
        self.train_button.clicked.connect(self.open_train_dialog)
        self.offer = QLabel("")
        self.offer.setWordWrap(True)
        self.offer.setVisible(False)
        self.status = QLabel("")
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        for button in (
            self.import_button,
            self.undo_import_button,
            self.train_button,
            self.refresh_button,
            self.delete_button,
            self.open_button,
        ):
            bottom.addWidget(button)
        self.dialog = None
        comparisons_row = self._build_comparisons()

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(comparisons_row)
        layout.addWidget(self.offer)
        layout.addLayout(bottom)
        self._show_sort_indicator()
        self.refresh()
        self.check_offers()

    # ------------------------------------------------------------------------ loading

    def is_loading(self) -> bool:
        """True while a list is being read from the library, or is about to be (typing)."""
        return self.jobs.busy or self._search_pause.isActive()

    def set_sort(self, sort: str) -> None:
        """Sort by a library sort key ("-score": highest first)."""
        self.sort = sort
        self._show_sort_indicator()
        self.refresh()

    def _show_sort_indicator(self) -> None:
        key = self.sort.lstrip("-")
        for col, (_, col_key) in enumerate(COLUMNS):
            if col_key == key:
                descending = self.sort.startswith("-")
                order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
                self.table.horizontalHeader().setSortIndicator(col, order)

    def _header_clicked(self, column: int) -> None:
        key = COLUMNS[column][1]
        if key is None:
            self.set_sort(self.sort)  # keep the indicator where it was
            return
        current = self.sort.lstrip("-")
        descending = not self.sort.startswith("-") if current == key else key != "name"
        self.set_sort(("-" if descending else "") + key)

    def refresh(self) -> None:
        """Read the list again (in a job; the one in progress is retired)."""
        self._search_pause.stop()
        self.refresh_comparisons()
        search, sort = self.search.text(), self.sort
        latest_only = not self.all_analyses.isChecked()
        self.jobs.start(
            lambda _progress, _cancel: self.library.analyses(search, sort, latest_only),
            name="judgeapp-library-list",
            on_done=self._show_rows,
            on_failed=self._load_failed,
        )

    def _load_failed(self, message: str) -> None:
        self.status.setText(message)
        self.refreshed.emit()

    def _show_rows(self, rows: list[AnalysisRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            tooltip = library_tooltip(row)
            for c, text in enumerate(library_cells(row)):
                item = QTableWidgetItem(text)
                item.setData(_ROW_ID, row.id)
                item.setToolTip(tooltip)
                if c in LIBRARY_NUMBER_COLUMNS:
                    item.setTextAlignment(_RIGHT)
                if not row.calibrated and c in LIBRARY_FLAGGED_COLUMNS:
                    item.setForeground(QColor(FLAG_COLOUR))
                self.table.setItem(r, c, item)
        count = len(rows)
        self.status.setText(f"{count} analys{'is' if count == 1 else 'es'}")
        self.refreshed.emit()

    # ------------------------------------------------------------------------ actions

    def open_row(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        chosen = self.rows[row]
        if not Path(chosen.video_path).is_file():
            self.status.setText(
                f"{chosen.video_path}: the video is no longer there; open it from its new "
                "place (File > Open): its marks and result follow its content"
            )
            return
        self.openRequested.emit(chosen.video_path, chosen.video_sha256)

    def delete_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        chosen = self.rows[row]
        question = (
            f"Delete the analysis of {chosen.video_name} from {chosen.created}? "
            "Marks and the panel score are kept."
        )
        if not self.confirm(self, question):
            return
        try:
            self.library.delete_analysis(chosen.id)
        except JudgeappError as exc:
            self.status.setText(str(exc))
            return
        self.refresh()

    # ------------------------------------------------------------- scores and training

    def open_score_import(self) -> None:
        """The import preview dialog (nothing is written before its Import)."""
        from judgeapp.ui.score_import_dialog import ScoreImportDialog

        self.dialog = ScoreImportDialog(self.scores, self)
        self.dialog.imported.connect(self._scores_imported)
        self.dialog.open()

    def _scores_imported(self, count: int) -> None:
        self.undo_import_button.setEnabled(self.scores.undo_stack.can_undo)
        self.status.setText(f"Imported {count} panel scores (Undo Import reverts them)")
        self.refresh()

    def undo_import(self) -> None:
        try:
            self.scores.undo_stack.undo()
        except JudgeappError as exc:
            self.status.setText(str(exc))
            return
        self.undo_import_button.setEnabled(self.scores.undo_stack.can_undo)
        self.status.setText("Score import undone: the videos' panel scores are as they were")
        self.refresh()

    def open_train_dialog(self) -> None:
        from judgeapp.ui.train_dialog import TrainDialog

        self.dialog = TrainDialog(self.training, self)
        self.dialog.finished.connect(lambda _r: self.check_offers())
        self.dialog.open()

    def check_offers(self) -> None:
        """Say when a routine has gained enough scored videos to retrain (in a job)."""
        self.offer_jobs.start(
            lambda _p, _c: self.training.overview()[1],
            name="judgeapp-library-offers",
            on_done=self._show_offers,
            on_failed=lambda _m: self.offer.setVisible(False),
        )

    def _show_offers(self, offers) -> None:
        self.offer.setText(
            " ".join(o.text() + "." for o in offers) + " Train on Library… retrains it; the "
            "older model stays installed."
        )
        self.offer.setVisible(bool(offers))

    # ------------------------------------------------------------------ saved comparisons

    def _build_comparisons(self) -> QHBoxLayout:
        """The saved comparisons (File > Compare Two Routines, then Save Comparison): a short
        list with Open and Delete."""
        self.comparisons = ComparisonStore.of(self.library)
        self.compare_window = None
        self.comparison_list = QListWidget()
        self.comparison_list.setMaximumHeight(90)
        self.comparison_list.itemDoubleClicked.connect(lambda _i: self.open_comparison())
        self.open_comparison_button = QPushButton("Open Comparison")
        self.open_comparison_button.clicked.connect(self.open_comparison)
        self.delete_comparison_button = QPushButton("Delete Comparison")
        self.delete_comparison_button.clicked.connect(self.delete_comparison)
        buttons = QVBoxLayout()
        buttons.addWidget(QLabel("Saved comparisons:"))
        buttons.addWidget(self.open_comparison_button)
        buttons.addWidget(self.delete_comparison_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addLayout(buttons)
        row.addWidget(self.comparison_list, 1)
        return row

    def refresh_comparisons(self) -> None:
        """List the saved comparisons, the most recently changed first."""
        self.comparison_list.clear()
        if self.comparisons is None:
            return
        try:
            records = self.comparisons.list()
        except JudgeappError as exc:
            self.status.setText(str(exc))
            records = []
        for record in records:
            item = QListWidgetItem(
                f"{record.name} — sync A {record.sync_a_s:.2f} s, B {record.sync_b_s:.2f} s"
                f" (saved {record.updated.replace('T', ' ')[:16]})"
            )
            item.setData(_ROW_ID, record.id)
            self.comparison_list.addItem(item)
        for button in (self.open_comparison_button, self.delete_comparison_button):
            button.setEnabled(bool(records))

    def _chosen_comparison(self) -> int | None:
        item = self.comparison_list.currentItem()
        return None if item is None else int(item.data(_ROW_ID))

    def open_comparison(self) -> None:
        """Open the selected comparison in a comparison window; a missing video is one line."""
        from judgeapp.ui.compare_window import open_saved_comparison

        chosen = self._chosen_comparison()
        if chosen is None:
            return
        try:
            self.compare_window = open_saved_comparison(
                self.library, chosen, self.parentWidget() or self
            )
        except JudgeappError as exc:
            self.status.setText(str(exc))

    def delete_comparison(self) -> None:
        chosen = self._chosen_comparison()
        if chosen is None or self.comparisons is None:
            return
        name = self.comparison_list.currentItem().text().split(" — ")[0]
        if not self.confirm(self, f"Delete the saved comparison {name}? The videos stay."):
            return
        try:
            self.comparisons.delete(chosen)
        except JudgeappError as exc:
            self.status.setText(str(exc))
        self.refresh_comparisons()

    def shutdown(self) -> None:
        """Retire the load in progress and wait for its thread."""
        self._search_pause.stop()
        self.jobs.shutdown()
        self.offer_jobs.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt name
        """Closing waits for the list being loaded: no thread outlives the window."""
        self.shutdown()
        super().closeEvent(event)
