"""The disagreement dock: judges' deductions against the model's attention, as a sortable list.

Shows an app.disagreement_view.DisagreementView as it is: a summary line and one row per
deduction mark (its attention percentile, coloured) and per attended moment no judge marked.
Clicking a header sorts (app.disagreement_view.sort_rows); clicking a row seeks the player to
its moment. No computation here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.disagreement_view import (
    COLUMN_TIPS,
    COLUMNS,
    PERCENTILE_COLUMN,
    DisagreementRow,
    DisagreementView,
    sort_rows,
)

_RIGHT = (1, 2, 4)  # time, percentile and static percentile: right-aligned
_TARGET_COLUMN = 3


class DisagreementPanel(QWidget):
    """A summary and the sortable list; `seekRequested(seconds)` when a row is clicked."""

    seekRequested = Signal(float)
    targetChosen = Signal(object)  # str | None: the target to show (None: all)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = DisagreementView((), None, "")
        self.rows: list[DisagreementRow] = []
        self.sort_key: str | None = None
        self.descending = False
        self.summary = QLabel("")
        self.summary.setObjectName("disagreementSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([title for title, _ in COLUMNS])
        for column, tip in COLUMN_TIPS.items():
            self.table.horizontalHeaderItem(column).setToolTip(tip)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # a long note elides; its tooltip has it whole
        # Never a sideways scroll bar: the panel is wide enough for every column but the note
        # (_fit_width), which takes the rest.
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)  # the note takes the rest; it elides, its tooltip not
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._header_clicked)
        self.table.cellClicked.connect(self._row_clicked)
        self.target_combo = QComboBox(self)
        self.target_combo.setToolTip(
            "The model set's target whose attention the list and the timeline's lane show"
        )
        self.target_combo.activated.connect(self._target_activated)
        self.target_label = QLabel("Target:", self)
        choice = QHBoxLayout()
        choice.addWidget(self.target_label)
        choice.addWidget(self.target_combo)
        choice.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(choice)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def set_view(self, view: DisagreementView) -> None:
        """Show a new view, keeping the user's sort."""
        self.view = view
        self.summary.setText(view.summary)
        self._show_targets(view)
        self._show_rows()

    def _show_targets(self, view: DisagreementView) -> None:
        """The target choice: only for a model set judged on several targets."""
        several = len(view.targets) > 1
        self.target_combo.setVisible(several)
        self.target_label.setVisible(several)
        self.table.setColumnHidden(_TARGET_COLUMN, not several)  # one target: nothing to tell
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        self.target_combo.addItem("all targets", None)
        for target in view.targets:
            self.target_combo.addItem(target, target)
        self.target_combo.setCurrentIndex(max(0, self.target_combo.findData(view.target)))
        self.target_combo.blockSignals(False)

    def _target_activated(self, index: int) -> None:
        self.targetChosen.emit(self.target_combo.itemData(index))

    def sort_by(self, column: int, descending: bool) -> None:
        """Sort by a column (as a header click does)."""
        self.sort_key = COLUMNS[column][1]
        self.descending = descending
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(column, order)
        self._show_rows()

    def _header_clicked(self, column: int) -> None:
        same = self.sort_key == COLUMNS[column][1]
        self.sort_by(column, descending=not self.descending if same else False)

    def _show_rows(self) -> None:
        rows = list(self.view.rows)
        if self.sort_key is not None:
            rows = sort_rows(rows, self.sort_key, self.descending)
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = (row.moment, row.time, row.percentile_text, row.target, row.static, row.note)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in _RIGHT:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if c in (0, PERCENTILE_COLUMN):
                    item.setForeground(QColor(*row.rgb))
                if c == len(cells) - 1:
                    item.setToolTip(text)
                self.table.setItem(r, c, item)
        self._fit_width()

    def _fit_width(self) -> None:
        """The panel is never narrower than every column but the note at its full width
        (the Static column was cut at 1280x800): the dock then takes that much room."""
        header = self.table.horizontalHeader()
        last = self.table.columnCount() - 1
        columns = sum(
            max(header.sectionSizeHint(c), self.table.sizeHintForColumn(c))
            for c in range(last)
            if not self.table.isColumnHidden(c)
        )
        note = self.table.fontMetrics().horizontalAdvance("Note")  # the note elides
        chrome = (
            2 * self.table.frameWidth()
            + self.table.verticalScrollBar().sizeHint().width()
            + self.layout().contentsMargins().left()
            + self.layout().contentsMargins().right()
        )
        self.setMinimumWidth(columns + note + chrome)

    def _row_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.rows):
            self.seekRequested.emit(self.rows[row].time_s)
