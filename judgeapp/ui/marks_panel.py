"""The judges' panel: marks at moments of the video, and the panel's score next to the model's.

A view of one MarksService (app/marks_service.py): every edit goes through the service's undo
stack, which writes to the library before this view is refreshed, so what the table shows is
always what is on disk. Selecting a mark only selects it (so "Move to current time" can move it);
a double-click or "Go to" seeks the player there. After Enter saves a mark, or on Esc, the
keyboard goes back to the player, so Space and the arrows control playback again.

Nothing a judge types is dropped without a word: the deduction field is always open, and typing
a number in it makes the entry a deduction (the kind box shows it at once); a deduction left
with another kind chosen is refused with a message, and the fields keep what was typed. A
mark's kind is chosen from a list in its table cell, never typed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
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
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.marks_service import MarksService, parse_number
from judgeapp.app.marks_view import (
    add_button_text,
    comparison_text,
    kind_for_deduction_text,
    mark_rgb,
    mark_rows,
    nearest_mark,
    panel_fields,
)
from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import MARK_KINDS, Mark, PanelScore
from judgeapp.core.results import AnalysisResult, VideoInfo

COLUMNS = ("#", "Time · frame", "Kind", "Ded.", "Text")
COL_NUMBER, COL_TIME, COL_KIND, COL_DEDUCTION, COL_TEXT = range(len(COLUMNS))
_MARK_ID = Qt.ItemDataRole.UserRole
_EDIT_TEXT = Qt.ItemDataRole.UserRole + 1  # what an editor starts from, if not the display
_ERROR_STYLE = "color: #c62828;"
_NOTE_STYLE = "color: #b8860b;"


class _EditTextDelegate(QStyledItemDelegate):
    """Edits a cell from its plain value: the time cell shows "0:04.0 · f96" but is edited
    as "0:04.0" (typing "f120" moves the mark to frame 120)."""

    def setEditorData(self, editor, index) -> None:  # noqa: N802 - Qt override
        text = index.data(_EDIT_TEXT)
        if text is None:
            super().setEditorData(editor, index)
        else:
            editor.setText(text)


class _KindDelegate(QStyledItemDelegate):
    """The kind cell is a choice: a list of the kinds, opened on the cell, not a word to type."""

    _width: int | None = None

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt override
        editor = QComboBox(parent)
        editor.addItems(list(MARK_KINDS))
        editor.setToolTip("The mark's kind")
        # A choice in the list is the edit: it is saved at once.
        editor.activated.connect(lambda _i: self.commitData.emit(editor))
        editor.activated.connect(lambda _i: self.closeEditor.emit(editor))
        QTimer.singleShot(0, editor.showPopup)  # the list opens with the editor: one click
        return editor

    def sizeHint(self, option, index):  # noqa: N802 - Qt override
        """As wide as the list's box, so the editor shows the whole word and its arrow."""
        hint = super().sizeHint(option, index)
        if self._width is None:
            probe = QComboBox()
            probe.addItems(list(MARK_KINDS))
            self._width = probe.sizeHint().width()
        hint.setWidth(max(hint.width(), self._width))
        return hint

    def updateEditorGeometry(self, editor, option, index) -> None:  # noqa: N802 - Qt override
        editor.setGeometry(option.rect)

    def setEditorData(self, editor, index) -> None:  # noqa: N802 - Qt override
        editor.setCurrentText(str(index.data() or ""))

    def setModelData(self, editor, model, index) -> None:  # noqa: N802 - Qt override
        if editor.currentText() != index.data():
            model.setData(index, editor.currentText())


MIN_VISIBLE_MARKS = 5  # rows of the marks table always in view


class MarksPanel(QWidget):
    """Marks table with an entry row, and the panel-score form. Qt only; no computation.

    `MarksPanel(service, parent)`; the older `MarksPanel(library, undo_stack, parent)` builds
    the service itself.
    """

    seekRequested = Signal(float)  # seconds
    marksChanged = Signal(object)  # list[Mark], time order
    panelChanged = Signal(object)  # PanelScore | None
    entryFinished = Signal()  # the keyboard went back (Enter saved a mark, or Esc)

    def __init__(self, service, undo=None, parent: QWidget | None = None) -> None:
        if not isinstance(service, MarksService):  # (library, undo_stack, parent)
            service = MarksService(service, undo)
        elif isinstance(undo, QWidget) and parent is None:  # (service, parent)
            parent = undo
        super().__init__(parent)
        self.service = service
        self.time_s = 0.0
        self._marks: list[Mark] = []
        self._refreshing = False
        self._focus_return: QWidget | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._build_panel_box())
        layout.addWidget(self._build_marks_box(), 1)
        self.message = QLabel("")
        self.message.setObjectName("marksMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_ERROR_STYLE)
        layout.addWidget(self.message)

        service.on_change(self.refresh)
        self.destroyed.connect(lambda *_: service.remove_listener(self.refresh))
        self._set_enabled(False)

    # --- what the service holds ---------------------------------------------------------------
    @property
    def video(self) -> VideoInfo | None:
        return self.service.video

    @property
    def result(self) -> AnalysisResult | None:
        return self.service.result

    @property
    def library(self):
        return self.service.library

    @property
    def undo(self):
        return self.service.undo_stack

    # ------------------------------------------------------------------------------- layout

    def _build_panel_box(self) -> QGroupBox:
        box = QGroupBox("Panel score")
        grid = QGridLayout(box)
        self.total_edit = QLineEdit()
        self.difficulty_edit = QLineEdit()
        self.execution_edit = QLineEdit()
        self.penalty_edit = QLineEdit()
        self.penalty_edit.setToolTip(
            "Total = difficulty + execution - penalty; leave the total empty to add it up"
        )
        for column, (label, edit) in enumerate(
            (
                ("Total", self.total_edit),
                ("Difficulty", self.difficulty_edit),
                ("Execution", self.execution_edit),
                ("Penalty", self.penalty_edit),
            )
        ):
            validator = QDoubleValidator(0.0, 1000.0, 3, edit)
            validator.setNotation(QDoubleValidator.Notation.StandardNotation)
            edit.setValidator(validator)
            edit.setPlaceholderText("-")
            edit.setMinimumWidth(48)
            edit.returnPressed.connect(self._panel_entered)
            edit.installEventFilter(self)
            grid.addWidget(QLabel(label), 0, column)
            grid.addWidget(edit, 1, column)
        buttons = QHBoxLayout()
        self.save_panel_button = QPushButton("Save")
        self.save_panel_button.setToolTip("Save the panel's score (Enter in a field)")
        self.save_panel_button.clicked.connect(self.save_panel)
        self.clear_panel_button = QPushButton("Clear")
        self.clear_panel_button.clicked.connect(self.clear_panel)
        buttons.addWidget(self.save_panel_button)
        buttons.addWidget(self.clear_panel_button)
        buttons.addStretch(1)
        grid.addLayout(buttons, 2, 0, 1, 4)
        self.comparison = QLabel("")
        self.comparison.setObjectName("panelComparison")
        self.comparison.setWordWrap(True)
        grid.addWidget(self.comparison, 3, 0, 1, 4)
        return box

    def _build_marks_box(self) -> QGroupBox:
        box = QGroupBox("Marks")
        column = QVBoxLayout(box)
        entry = QHBoxLayout()
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(list(MARK_KINDS))
        self.kind_combo.setToolTip("The next mark's kind; typing a deduction makes it a deduction")
        self.deduction_edit = QLineEdit()
        self.deduction_edit.setPlaceholderText("deduction")
        self.deduction_edit.setToolTip(
            "Deduction in score points: typing one makes the mark a deduction"
        )
        self.deduction_edit.setValidator(QDoubleValidator(0.0, 100.0, 3, self.deduction_edit))
        self.deduction_edit.textEdited.connect(self._deduction_typed)
        self.deduction_edit.setMaximumWidth(
            self.deduction_edit.fontMetrics().horizontalAdvance("deduction") + 16
        )
        self.deduction_edit.returnPressed.connect(self.add_mark_now)
        self.deduction_edit.installEventFilter(self)
        self.add_button = QPushButton(add_button_text(0.0, 0))
        self.add_button.setToolTip(
            "Add the note as a mark at the player's frame (Ctrl+M, then Enter)"
        )
        self.add_button.clicked.connect(self.add_mark_now)
        entry.addWidget(self.kind_combo)
        entry.addWidget(self.deduction_edit)
        entry.addWidget(self.add_button, 1)
        column.addLayout(entry)
        self.text_edit = QLineEdit()
        self.text_edit.setObjectName("markNote")
        self.text_edit.setPlaceholderText("Note (Enter adds it, Esc leaves)")
        self.text_edit.returnPressed.connect(self.add_mark_now)
        self.text_edit.installEventFilter(self)
        column.addWidget(self.text_edit)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.setToolTip(
            "Double-click a mark to go there; click a selected cell (or F2) to edit it"
        )
        self.table.setItemDelegateForColumn(COL_TIME, _EditTextDelegate(self.table))
        self.table.setItemDelegateForColumn(COL_KIND, _KindDelegate(self.table))
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeaderItem(COL_DEDUCTION).setToolTip("Deduction (score points)")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        for col in (COL_NUMBER, COL_TIME, COL_KIND, COL_DEDUCTION):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._item_edited)
        self.table.cellDoubleClicked.connect(lambda row, _col: self._seek_row(row))
        # Never fewer than MIN_VISIBLE_MARKS rows in view (a 1280x720 window showed two).
        rows = self.table.fontMetrics().lineSpacing() + 6
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setMinimumHeight(header + MIN_VISIBLE_MARKS * rows + 4)
        column.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.goto_button = QPushButton("Go to")
        self.goto_button.setToolTip("Show the selected mark's frame (Enter, or double-click it)")
        self.goto_button.clicked.connect(self.go_to_selected)
        self.move_here_button = QPushButton("Move to current time")
        self.move_here_button.setToolTip("Move the selected mark to the player's frame")
        self.move_here_button.clicked.connect(self.move_selected_here)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected mark (Del; Ctrl+Z undoes)")
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.goto_button, self.move_here_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)
        self.table.installEventFilter(self)  # Enter goes to the selected mark
        return box

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.total_edit,
            self.difficulty_edit,
            self.execution_edit,
            self.penalty_edit,
            self.save_panel_button,
            self.clear_panel_button,
            self.kind_combo,
            self.deduction_edit,
            self.text_edit,
            self.add_button,
            self.table,
            self.goto_button,
            self.delete_button,
            self.move_here_button,
        ):
            widget.setEnabled(enabled)

    # -------------------------------------------------------------------------- inputs

    def set_video(self, info: VideoInfo | None) -> None:
        """Show the marks of this video (recorded in the library first); None clears."""
        self.message.clear()
        try:
            self.service.set_video(info)
        except JudgeappError as exc:
            self._error(exc)
        self._set_enabled(self.video is not None)
        self.set_time(self.time_s)

    def set_result(self, result: AnalysisResult | None) -> None:
        """The model's result: its score beside the panel's, its range bounds the panel's."""
        self.service.set_result(result)

    def set_time(self, time_s: float) -> None:
        """The player's current time: where new marks go."""
        self.time_s = max(0.0, float(time_s))
        self.add_button.setText(add_button_text(self.time_s, self.service.frame_at(self.time_s)))

    def set_focus_return(self, widget: QWidget | None) -> None:
        """Where the keyboard goes after a mark is saved or on Esc (default: the window)."""
        self._focus_return = widget

    def marks(self) -> list[Mark]:
        return list(self._marks)

    # ------------------------------------------------------------------------- commands

    def _run(self, action) -> bool:
        try:
            action()
        except JudgeappError as exc:
            self._error(exc)
            return False
        self.message.clear()
        return True

    def add_mark_now(self) -> Mark | None:
        """Add a mark at the current time from the entry row; the library has it on return.
        The keyboard then goes back to the player."""
        if self.video is None:
            return None
        kind = self.kind_combo.currentText()
        added: list[Mark] = []

        def add() -> None:
            # Refused (with the message, the fields kept) when a deduction is left typed with
            # another kind chosen: the number is never dropped.
            deduction = parse_number(self.deduction_edit.text(), "deduction")
            added.append(self.service.add(self.time_s, kind, self.text_edit.text(), deduction))

        if not self._run(add):
            return None
        self.text_edit.clear()
        self.deduction_edit.clear()
        self._select(added[0].id)
        self.release_focus()
        return added[0]

    def set_kind(self, mark_id: int, kind: str) -> None:
        """Make a mark another kind; a deduction's value going with it is said."""
        notes: list[str] = []
        if self._run(lambda: notes.append(self.service.set_kind(mark_id, kind))) and notes[0]:
            self._note(notes[0])

    def select_nearest(self, time_s: float) -> Mark | None:
        """Select (only select) the mark nearest `time_s`; None without marks."""
        mark = nearest_mark(self._marks, time_s)
        if mark is not None:
            self._select(mark.id)
            self.table.scrollToItem(self.table.item(self.table.currentRow(), COL_NUMBER))
        return mark

    def move_mark(self, mark_id: int, time_s: float) -> None:
        self._run(lambda: self.service.move(mark_id, time_s))

    def delete_mark(self, mark_id: int) -> None:
        self._run(lambda: self.service.delete(mark_id))

    def delete_selected(self) -> None:
        mark_id = self.selected_id()
        if mark_id is not None:
            self.delete_mark(mark_id)

    def move_selected_here(self) -> None:
        mark_id = self.selected_id()
        if mark_id is not None:
            self.move_mark(mark_id, self.time_s)
            self._select(mark_id)

    def go_to_selected(self) -> None:
        mark = self._by_id(self.selected_id())
        if mark is not None:
            self.seekRequested.emit(mark.time_s)

    def save_panel(self) -> bool:
        """Save the form's panel score; a score outside the range or whose parts do not add
        up is refused with a message, and nothing is saved."""
        if self.video is None:
            return False

        def save() -> None:
            self.service.set_panel(
                parse_number(self.total_edit.text(), "total"),
                parse_number(self.difficulty_edit.text(), "difficulty"),
                parse_number(self.execution_edit.text(), "execution"),
                parse_number(self.penalty_edit.text(), "penalty"),
            )

        if not self._run(save):
            return False
        self._show_panel(self.service.panel())  # e.g. the total D + E - penalty added up
        return True

    def clear_panel(self) -> None:
        if self.video is not None:
            self._run(self.service.clear_panel)

    def release_focus(self) -> None:
        """Give the keyboard back (to the player, or the window), so its keys work again."""
        target = self._focus_return if self._focus_return is not None else self.window()
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.entryFinished.emit()

    # --------------------------------------------------------------------------- views

    def refresh(self) -> None:
        """Re-read marks and panel score from the library and show them."""
        try:
            self._marks = self.service.marks()
            panel = self.service.panel()
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
            rows = mark_rows(self._marks, self.service.frame_at, self.result)
            self.table.setRowCount(len(rows))
            for row, cells in enumerate(rows):
                texts = {
                    COL_NUMBER: cells.number,
                    COL_TIME: f"{cells.time} · f{cells.frame}",
                    COL_KIND: cells.kind,
                    COL_DEDUCTION: cells.deduction,
                    COL_TEXT: cells.text,
                }
                for col, text in texts.items():
                    item = QTableWidgetItem(text)
                    item.setData(_MARK_ID, cells.mark_id)
                    if col == COL_NUMBER:
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                        item.setToolTip("The mark's number: it never changes")
                    if col == COL_KIND:
                        item.setForeground(QColor(*mark_rgb(cells.kind)))
                        item.setToolTip(
                            "Click the selected cell (or F2) to choose deduction, highlight or "
                            "comment"
                        )
                    if col == COL_TIME:
                        item.setData(_EDIT_TEXT, cells.time)
                        item.setToolTip(
                            "Time and frame of the mark; type m:ss.s, seconds or f<frame> to "
                            "move it; double-click the row to go there"
                            + (f"\n{cells.angles}" if cells.angles else "")
                        )
                    if col == COL_TEXT:
                        item.setToolTip("\n".join(t for t in (cells.text, cells.angles) if t))
                    self.table.setItem(row, col, item)
        finally:
            self._refreshing = False

    def _show_panel(self, panel: PanelScore | None) -> None:
        edits = (self.total_edit, self.difficulty_edit, self.execution_edit, self.penalty_edit)
        for edit, text in zip(edits, panel_fields(panel), strict=True):
            edit.setText(text)
        self.comparison.setText(comparison_text(self.result, panel))

    def _error(self, exc: Exception) -> None:
        self.message.setStyleSheet(_ERROR_STYLE)
        self.message.setText(str(exc))

    def _note(self, text: str) -> None:
        """A line about what an edit did (not an error)."""
        self.message.setStyleSheet(_NOTE_STYLE)
        self.message.setText(text)

    # -------------------------------------------------------------------------- events

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Esc in an entry field gives the keyboard back to the player; Enter in the table
        (not editing a cell) goes to the selected mark."""
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        if watched is self.table:
            editing = self.table.state() == QAbstractItemView.State.EditingState
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not editing:
                self.go_to_selected()
                return True
            return super().eventFilter(watched, event)
        if event.key() == Qt.Key.Key_Escape:
            self.release_focus()
            return True
        return super().eventFilter(watched, event)

    def _panel_entered(self) -> None:
        if self.save_panel():
            self.release_focus()

    def _deduction_typed(self, text: str) -> None:
        """A deduction typed makes the entry a deduction, shown in the kind box at once."""
        self.kind_combo.setCurrentText(kind_for_deduction_text(self.kind_combo.currentText(), text))

    def _seek_row(self, row: int) -> None:
        item = self.table.item(row, COL_NUMBER)
        mark = self._by_id(item.data(_MARK_ID) if item is not None else None)
        if mark is not None:
            self.seekRequested.emit(mark.time_s)

    def _item_edited(self, item: QTableWidgetItem) -> None:
        if self._refreshing:
            return
        mark = self._by_id(item.data(_MARK_ID))
        if mark is None:
            return
        text = item.text()
        column = item.column()
        notes: list[str] = []

        def apply() -> None:
            if column == COL_TIME:
                self.service.move(mark.id, self._typed_time(text))
            elif column == COL_KIND:
                note = self.service.set_kind(mark.id, text)
                if note:
                    notes.append(note)
            elif column == COL_DEDUCTION:
                self.service.set_deduction(mark.id, parse_number(text, "deduction"))
            elif column == COL_TEXT:
                self.service.edit(mark.id, mark.kind, text, mark.deduction)

        ok = self._run(apply)
        # Show what the library holds (a refused edit reverts the cell).
        self.refresh()
        if ok and notes:
            self._note(notes[0])

    def _typed_time(self, text: str) -> float:
        """A time typed in the time cell: m:ss.s, seconds, or f<frame>."""
        return self.service.time_of_typed(text)

    # ------------------------------------------------------------------------- helpers

    def _by_id(self, mark_id: int | None) -> Mark | None:
        return next((m for m in self._marks if m.id == mark_id), None)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), COL_NUMBER)
        return None if item is None else item.data(_MARK_ID)

    def _select(self, mark_id: int) -> None:
        for row, mark in enumerate(self._marks):
            if mark.id == mark_id:
                self.table.selectRow(row)
                return
