"""The judges' panel: marks at moments of the video, and the panel's score next to the model's.

Every edit goes through the undo stack, which writes to the library before the view changes:
what the table shows is always what is on disk.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QDoubleValidator, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import MARK_KINDS, Mark, PanelScore, format_time, parse_time
from judgeapp.core.results import AnalysisResult, VideoInfo
from judgeapp.report.timeline import KIND_RGB
from judgeapp.store import (
    AddMark,
    DeleteMark,
    EditMark,
    Library,
    MoveMark,
    SetPanelScore,
    UndoStack,
)

COL_TIME, COL_KIND, COL_DEDUCTION, COL_TEXT = range(4)
_MARK_ID = Qt.ItemDataRole.UserRole


def _optional_float(text: str, what: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise JudgeappError(f"{what} {text!r} is not a number") from None


class MarksPanel(QWidget):
    """Marks table with an entry row, and the panel-score form. Qt only; no computation."""

    seekRequested = Signal(float)  # seconds
    marksChanged = Signal(object)  # list[Mark], time order
    panelChanged = Signal(object)  # PanelScore | None

    def __init__(self, library: Library, undo: UndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.undo = undo
        self.video: VideoInfo | None = None
        self.result: AnalysisResult | None = None
        self.time_s = 0.0
        self._marks: list[Mark] = []
        self._refreshing = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._build_panel_box())
        layout.addWidget(self._build_marks_box(), 1)
        self.message = QLabel("")
        self.message.setObjectName("marksMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        layout.addWidget(self.message)

        undo.on_change(self.refresh)
        self.destroyed.connect(lambda *_: undo.remove_listener(self.refresh))
        self._set_enabled(False)

    # ------------------------------------------------------------------------------- layout

    def _build_panel_box(self) -> QGroupBox:
        box = QGroupBox("Panel score")
        grid = QGridLayout(box)
        self.total_edit, self.difficulty_edit, self.execution_edit = (
            QLineEdit(),
            QLineEdit(),
            QLineEdit(),
        )
        for column, (label, edit) in enumerate(
            (
                ("Total", self.total_edit),
                ("Difficulty", self.difficulty_edit),
                ("Execution", self.execution_edit),
            )
        ):
            validator = QDoubleValidator(0.0, 1000.0, 3, edit)
            validator.setNotation(QDoubleValidator.Notation.StandardNotation)
            edit.setValidator(validator)
            edit.setPlaceholderText("-")
            edit.returnPressed.connect(self.save_panel)
            grid.addWidget(QLabel(label), 0, column)
            grid.addWidget(edit, 1, column)
        self.save_panel_button = QPushButton("Save")
        self.save_panel_button.clicked.connect(self.save_panel)
        self.clear_panel_button = QPushButton("Clear")
        self.clear_panel_button.clicked.connect(self.clear_panel)
        grid.addWidget(self.save_panel_button, 1, 3)
        grid.addWidget(self.clear_panel_button, 1, 4)
        self.comparison = QLabel("")
        self.comparison.setObjectName("panelComparison")
        grid.addWidget(self.comparison, 2, 0, 1, 5)
        return box

    def _build_marks_box(self) -> QGroupBox:
        box = QGroupBox("Marks")
        column = QVBoxLayout(box)
        entry = QHBoxLayout()
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(list(MARK_KINDS))
        self.kind_combo.currentTextChanged.connect(self._kind_changed)
        self.deduction_edit = QLineEdit()
        self.deduction_edit.setPlaceholderText("deduction")
        self.deduction_edit.setValidator(QDoubleValidator(0.0, 100.0, 3, self.deduction_edit))
        self.deduction_edit.setMaximumWidth(90)
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText("Note at the current moment (Enter adds it)")
        self.text_edit.returnPressed.connect(self.add_mark_now)
        self.add_button = QPushButton("Add at 0:00.0")
        self.add_button.clicked.connect(self.add_mark_now)
        entry.addWidget(self.kind_combo)
        entry.addWidget(self.deduction_edit)
        entry.addWidget(self.text_edit, 1)
        entry.addWidget(self.add_button)
        column.addLayout(entry)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Time", "Kind", "Deduction", "Text"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        for col in (COL_TIME, COL_KIND, COL_DEDUCTION):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._item_edited)
        self.table.cellClicked.connect(self._row_clicked)
        column.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.delete_button = QPushButton("Delete mark")
        self.delete_button.clicked.connect(self.delete_selected)
        self.move_here_button = QPushButton("Move to current time")
        self.move_here_button.clicked.connect(self.move_selected_here)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.move_here_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)
        self._kind_changed(self.kind_combo.currentText())
        return box

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.total_edit,
            self.difficulty_edit,
            self.execution_edit,
            self.save_panel_button,
            self.clear_panel_button,
            self.kind_combo,
            self.text_edit,
            self.add_button,
            self.table,
            self.delete_button,
            self.move_here_button,
        ):
            widget.setEnabled(enabled)
        self.deduction_edit.setEnabled(enabled and self.kind_combo.currentText() == "deduction")

    # -------------------------------------------------------------------------- inputs

    def set_video(self, info: VideoInfo | None) -> None:
        """Show the marks of this video (recorded in the library first); None clears."""
        self.video = None
        self.result = None
        self.message.clear()
        if info is not None and info.sha256:
            try:
                self.library.remember_video(info)
                self.video = info
            except JudgeappError as exc:
                self._error(exc)
        self._set_enabled(self.video is not None)
        self.refresh()

    def set_result(self, result: AnalysisResult | None) -> None:
        """The model's result, for the predicted score beside the panel's."""
        self.result = result
        self._show_comparison(self._panel())

    def set_time(self, time_s: float) -> None:
        """The player's current time: where new marks go."""
        self.time_s = max(0.0, float(time_s))
        self.add_button.setText(f"Add at {format_time(self.time_s)}")

    def marks(self) -> list[Mark]:
        return list(self._marks)

    # ------------------------------------------------------------------------- commands

    def _run(self, command) -> bool:
        try:
            self.undo.push(command)
        except JudgeappError as exc:
            self._error(exc)
            return False
        self.message.clear()
        return True

    def add_mark_now(self) -> Mark | None:
        """Add a mark at the current time from the entry row; the library has it on return."""
        if self.video is None:
            return None
        kind = self.kind_combo.currentText()
        try:
            deduction = (
                _optional_float(self.deduction_edit.text(), "deduction")
                if kind == "deduction"
                else None
            )
        except JudgeappError as exc:
            self._error(exc)
            return None
        command = AddMark(self.video.sha256, self.time_s, kind, self.text_edit.text(), deduction)
        if not self._run(command):
            return None
        self.text_edit.clear()
        self.deduction_edit.clear()
        self._select(command.mark.id)
        return command.mark

    def edit_mark(self, mark_id: int, kind: str, text: str, deduction: float | None) -> None:
        mark = self._by_id(mark_id)
        if mark is not None:
            self._run(EditMark(mark, kind, text, deduction if kind == "deduction" else None))

    def move_mark(self, mark_id: int, time_s: float) -> None:
        mark = self._by_id(mark_id)
        if mark is not None and abs(mark.time_s - time_s) > 1e-9:
            duration = self.video.duration_s if self.video else time_s
            self._run(MoveMark(mark, min(max(0.0, time_s), duration)))

    def delete_mark(self, mark_id: int) -> None:
        mark = self._by_id(mark_id)
        if mark is not None:
            self._run(DeleteMark(mark))

    def delete_selected(self) -> None:
        mark_id = self.selected_id()
        if mark_id is not None:
            self.delete_mark(mark_id)

    def move_selected_here(self) -> None:
        mark_id = self.selected_id()
        if mark_id is not None:
            self.move_mark(mark_id, self.time_s)

    def save_panel(self) -> None:
        if self.video is None:
            return
        try:
            total = _optional_float(self.total_edit.text(), "total")
            if total is None:
                raise JudgeappError(
                    "enter the panel's total score (difficulty and execution are optional)"
                )
            panel = PanelScore(
                total,
                _optional_float(self.difficulty_edit.text(), "difficulty"),
                _optional_float(self.execution_edit.text(), "execution"),
            )
        except JudgeappError as exc:
            self._error(exc)
            return
        if panel != self._panel():
            self._run(SetPanelScore(self.library, self.video.sha256, panel))

    def clear_panel(self) -> None:
        if self.video is not None and self._panel() is not None:
            self._run(SetPanelScore(self.library, self.video.sha256, None))

    # --------------------------------------------------------------------------- views

    def refresh(self) -> None:
        """Re-read marks and panel score from the library and show them."""
        if self.video is None:
            self._marks = []
            panel = None
        else:
            try:
                self._marks = self.library.marks_for(self.video.sha256)
                panel = self.library.get_panel_score(self.video.sha256)
            except JudgeappError as exc:
                self._error(exc)
                return
        selected = self.selected_id()
        self._fill_table()
        if selected is not None:
            self._select(selected)
        self._show_panel(panel)
        self.marksChanged.emit(list(self._marks))
        self.panelChanged.emit(panel)

    def _fill_table(self) -> None:
        self._refreshing = True
        try:
            self.table.setRowCount(len(self._marks))
            for row, mark in enumerate(self._marks):
                cells = {
                    COL_TIME: format_time(mark.time_s),
                    COL_KIND: mark.kind,
                    COL_DEDUCTION: "" if mark.deduction is None else f"{mark.deduction:g}",
                    COL_TEXT: mark.text,
                }
                for col, text in cells.items():
                    item = QTableWidgetItem(text)
                    item.setData(_MARK_ID, mark.id)
                    if col == COL_KIND:
                        item.setForeground(QColor(*KIND_RGB.get(mark.kind, (90, 90, 90))))
                        item.setToolTip("Type deduction, highlight or comment")
                    if col == COL_TIME:
                        item.setToolTip("m:ss.s or seconds; click to go there")
                    self.table.setItem(row, col, item)
        finally:
            self._refreshing = False

    def _show_panel(self, panel: PanelScore | None) -> None:
        for edit, value in (
            (self.total_edit, panel.total if panel else None),
            (self.difficulty_edit, panel.difficulty if panel else None),
            (self.execution_edit, panel.execution if panel else None),
        ):
            edit.setText("" if value is None else f"{value:g}")
        self._show_comparison(panel)

    def _show_comparison(self, panel: PanelScore | None) -> None:
        if self.result is None:
            self.comparison.setText("")
            return
        model = self.result.model
        text = f"Predicted {model.target}: {self.result.score:.2f} / {model.score_max:g}"
        value = panel.value(model.target) if panel else None
        if value is not None:
            text += f"   panel: {value:.2f}   difference: {self.result.score - value:+.2f}"
        self.comparison.setText(text)

    def _error(self, exc: Exception) -> None:
        self.message.setText(str(exc))

    # -------------------------------------------------------------------------- events

    def _kind_changed(self, kind: str) -> None:
        self.deduction_edit.setEnabled(self.video is not None and kind == "deduction")

    def _row_clicked(self, row: int, _column: int) -> None:
        mark = self._by_id(self.table.item(row, COL_TIME).data(_MARK_ID))
        if mark is not None:
            self.seekRequested.emit(mark.time_s)

    def _item_edited(self, item: QTableWidgetItem) -> None:
        if self._refreshing:
            return
        mark = self._by_id(item.data(_MARK_ID))
        if mark is None:
            return
        text = item.text()
        try:
            if item.column() == COL_TIME:
                self.move_mark(mark.id, parse_time(text))
            elif item.column() == COL_KIND:
                kind = text.strip().lower()
                self.edit_mark(mark.id, kind, mark.text, mark.deduction)
            elif item.column() == COL_DEDUCTION:
                deduction = _optional_float(text, "deduction")
                kind = "deduction" if deduction is not None else mark.kind
                self.edit_mark(mark.id, kind, mark.text, deduction)
            else:
                self.edit_mark(mark.id, mark.kind, text, mark.deduction)
        except JudgeappError as exc:
            self._error(exc)
        # Show what the library holds (a refused edit reverts the cell).
        self.refresh()

    # ------------------------------------------------------------------------- helpers

    def _by_id(self, mark_id: int | None) -> Mark | None:
        return next((m for m in self._marks if m.id == mark_id), None)

    def _panel(self) -> PanelScore | None:
        if self.video is None:
            return None
        return self.library.get_panel_score(self.video.sha256)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), COL_TIME)
        return None if item is None else item.data(_MARK_ID)

    def _select(self, mark_id: int) -> None:
        for row, mark in enumerate(self._marks):
            if mark.id == mark_id:
                self.table.selectRow(row)
                return
