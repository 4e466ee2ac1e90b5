"""The library window: every analysed video, searchable and sortable; double-click opens one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import format_time
from judgeapp.store import AnalysisRow, Library

# (header, sort key of Library.list_analyses or None when the column does not sort)
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Video", "name"),
    ("Duration", None),
    ("Model", "model"),
    ("Routine", None),
    ("Predicted", "score"),
    ("Panel", "panel"),
    ("Difference", "difference"),
    ("Marks", "marks"),
    ("Analysed", "date"),
)
_ROW_ID = Qt.ItemDataRole.UserRole


def row_cells(row: AnalysisRow) -> list[str]:
    """What the table shows for one analysis."""
    diff = row.difference
    return [
        row.video_name,
        format_time(row.duration_s),
        row.model_name + ("" if row.calibrated else " (not calibrated)"),
        row.routine,
        f"{row.score:.2f} / {row.score_max:g}",
        "" if row.panel_total is None else f"{row.panel_total:.2f}",
        "" if diff is None else f"{diff:+.2f}",
        str(row.marks),
        row.created.replace("T", " ").rstrip("Z"),
    ]


def _ask(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, "judgeapp", question)
    return answer == QMessageBox.StandardButton.Yes


class LibraryWindow(QWidget):
    """Lists `library`'s analyses; emits `openRequested(path, sha256)` to open one."""

    openRequested = Signal(str, str)

    def __init__(
        self,
        library: Library,
        parent: QWidget | None = None,
        confirm: Callable[[QWidget, str], bool] = _ask,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("judgeapp library")
        self.resize(980, 520)
        self.library = library
        self.confirm = confirm
        self.sort = "-date"
        self.rows: list[AnalysisRow] = []

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search video, path, model or routine")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh)
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
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._header_clicked)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.open_row(row))

        self.open_button = QPushButton("Open")
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        self.delete_button = QPushButton("Delete analysis")
        self.delete_button.clicked.connect(self.delete_selected)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.status = QLabel("")
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        for button in (self.refresh_button, self.delete_button, self.open_button):
            bottom.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.refresh()

    def set_sort(self, sort: str) -> None:
        """Sort by a Library sort key ("-score": highest first)."""
        self.sort = sort
        key = sort.lstrip("-")
        for col, (_, col_key) in enumerate(COLUMNS):
            if col_key == key:
                order = (
                    Qt.SortOrder.DescendingOrder
                    if sort.startswith("-")
                    else (Qt.SortOrder.AscendingOrder)
                )
                self.table.horizontalHeader().setSortIndicator(col, order)
        self.refresh()

    def _header_clicked(self, column: int) -> None:
        key = COLUMNS[column][1]
        if key is None:
            self.set_sort(self.sort)  # keep the indicator where it was
            return
        current = self.sort.lstrip("-")
        descending = not self.sort.startswith("-") if current == key else key != "name"
        self.set_sort(("-" if descending else "") + key)

    def refresh(self) -> None:
        try:
            self.rows = self.library.list_analyses(
                self.search.text(), self.sort, latest_only=not self.all_analyses.isChecked()
            )
        except JudgeappError as exc:
            self.status.setText(str(exc))
            return
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, text in enumerate(row_cells(row)):
                item = QTableWidgetItem(text)
                item.setData(_ROW_ID, row.id)
                if c == 0:
                    item.setToolTip(row.video_path)
                if 4 <= c <= 7:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        count = len(self.rows)
        self.status.setText(f"{count} analys{'is' if count == 1 else 'es'}")

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
