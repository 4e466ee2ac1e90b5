"""The score import dialog: choose a score file, see what matched, what did not and what would
change, then import it all at once (undoable from the library window).

Reading and matching run as a job (app.score_import.ScoreImportService.preview_job): the file
may name videos in a folder that must be hashed. Nothing is written until Import is pressed,
and Import is only possible for a file without problems.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.score_import import ImportPreview, ScoreImportService, preview_table
from judgeapp.core.errors import JudgeappError
from judgeapp.ui.workers import gui_job_runner

COLUMNS = ("Line", "Name in file", "Library video", "Matched by", "Before", "After", "Change")
CHANGE_COLOURS = {"new": "#1b7f3b", "changed": "#a86400", "—": "#b3261e"}


class ScoreImportDialog(QDialog):
    """Preview and import a score file; `imported(count)` after a successful import."""

    imported = Signal(int)

    def __init__(self, service: ScoreImportService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import panel scores")
        self.resize(980, 560)
        self.service = service
        self.preview: ImportPreview | None = None
        self.jobs = gui_job_runner("judgeapp-score-import")

        self.file = QLineEdit()
        self.file.setPlaceholderText("CSV (name, total, difficulty, execution, routine, athlete), "
                                     "label file or exported folder")  # fmt: skip
        choose = QPushButton("Choose File…")
        choose.clicked.connect(self._choose_file)
        self.videos = QLineEdit()
        self.videos.setPlaceholderText("optional: folder of the videos (matched by content)")
        choose_videos = QPushButton("Videos Folder…")
        choose_videos.clicked.connect(self._choose_folder)
        self.preview_button = QPushButton("Preview")
        self.preview_button.clicked.connect(self.start_preview)
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        row1.addWidget(QLabel("Scores:"))
        row1.addWidget(self.file, 1)
        row1.addWidget(choose)
        row2.addWidget(QLabel("Videos:"))
        row2.addWidget(self.videos, 1)
        row2.addWidget(choose_videos)
        row2.addWidget(self.preview_button)

        self.summary = QLabel("Choose a score file: nothing is written before you press Import.")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setMaximumHeight(90)
        self.problems.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.problems.setVisible(False)

        self.import_button = QPushButton("Import")
        self.import_button.setEnabled(False)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.apply)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.import_button)

        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Score file", "", "Scores (*.csv *.txt);;All files (*)"
        )
        if path:
            self.file.setText(path)
            self.start_preview()

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Folder of the videos")
        if path:
            self.videos.setText(path)

    def start_preview(self) -> None:
        """Read and match the file in a job; the table shows the outcome."""
        if not self.file.text().strip():
            return
        self.import_button.setEnabled(False)
        self.summary.setText("Reading and matching…")
        job = self.service.preview_job(self.file.text().strip(), self.videos.text().strip())
        self.jobs.start(job, on_done=self.show_preview, on_failed=self._failed)

    def _failed(self, message: str) -> None:
        self.preview = None
        self.table.setRowCount(0)
        self.summary.setText(message)
        self.problems.setVisible(False)

    def show_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        cells = preview_table(preview)
        self.table.setRowCount(len(cells))
        for r, row in enumerate(cells):
            colour = CHANGE_COLOURS.get(row[-1])
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if colour and c in (3, 6):
                    item.setForeground(QColor(colour))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(
            len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch
        )
        self.summary.setText(preview.summary())
        self.problems.setPlainText(preview.problem_text())
        self.problems.setVisible(bool(preview.problems))
        self.import_button.setEnabled(preview.can_apply and bool(preview.changes))

    def apply(self) -> None:
        if self.preview is None or not self.preview.can_apply:
            return
        try:
            count = self.service.apply(self.preview)
        except JudgeappError as exc:
            self.summary.setText(str(exc))
            return
        self.imported.emit(count)
        self.accept()

    def done(self, result: int) -> None:  # noqa: D102 - QDialog.done: no job outlives the dialog
        self.jobs.shutdown()
        super().done(result)
