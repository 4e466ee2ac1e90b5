"""Tables whose name column shows whole: the other columns give way first.

A video name is what a judge looks for in the library and batch tables; dates, model names and
errors can be elided (their tooltips hold them whole). `fit_columns_to_name(table, column)`
makes the name column stretch and sizes the others to their contents, narrowing the widest of
them (app.list_views.column_widths) whenever the name would otherwise be cut. It refits after
every change of the table's contents or width.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QTableWidget

from judgeapp.app.list_views import column_widths

_PADDING_PX = 12  # room around a cell's text (frame, margins) beyond its advance


class NameFirstColumns(QObject):
    """Keeps one table's columns fitted; see the module docstring."""

    def __init__(self, table: QTableWidget, name_column: int) -> None:
        super().__init__(table)
        self.table = table
        self.name_column = name_column
        self._pending = False
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        for col in range(table.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(name_column, QHeaderView.ResizeMode.Stretch)
        table.viewport().installEventFilter(self)
        model = table.model()
        for change in (model.rowsInserted, model.rowsRemoved, model.dataChanged):
            change.connect(self.schedule)
        model.modelReset.connect(self.schedule)

    def schedule(self, *_args) -> None:
        """Refit once the current burst of changes is over (a table fills cell by cell)."""
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self.fit)  # dropped if the table is gone by then

    def fit(self) -> None:
        """Size every column now."""
        self._pending = False
        table, header = self.table, self.table.horizontalHeader()
        others = [c for c in range(table.columnCount()) if c != self.name_column]
        wanted = [max(table.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in others]
        least = [header.sectionSizeHint(c) for c in others]
        widths = column_widths(table.viewport().width(), self.name_width(), wanted, least)
        for col, width in zip(others, widths, strict=True):
            if header.sectionSize(col) != width:
                header.resizeSection(col, width)

    def name_width(self) -> int:
        """What the longest name in the name column needs, with its cell's padding."""
        table = self.table
        metrics = table.fontMetrics()
        widest = table.horizontalHeader().sectionSizeHint(self.name_column)
        for row in range(table.rowCount()):
            item = table.item(row, self.name_column)
            if item is not None:
                widest = max(widest, metrics.horizontalAdvance(item.text()) + _PADDING_PX)
        return widest

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:  # only the table's viewport is watched
            self.schedule()
        return False


def fit_columns_to_name(table: QTableWidget, name_column: int) -> NameFirstColumns:
    """Fit `table`'s columns so that `name_column` shows whole; returns the fitter (a child
    of the table, which keeps it alive)."""
    return NameFirstColumns(table, name_column)
