"""The predicted score with the model card that produced it; for a model set, D, E and total
with their intervals, the panel's scores beside them and the consistency line."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.score_view import (
    CONSISTENCY_TIP,
    INTERVAL_TIP,
    SCORE_ROW_TIPS,
    ScoreView,
    TargetsView,
)

TARGET_COLUMNS = ("", "Predicted", "Interval", "Panel", "Diff.")
COLUMN_TIPS = (
    "",
    "The members' mean, of the score's range",
    INTERVAL_TIP,
    "The judges' score (Marks dock)",
    "Predicted - panel",
)
_NOTE_STYLE = "color: #808080; font-size: 9pt;"
_OUTSIDE_STYLE = "color: #b8860b; font-weight: bold;"
_FLAG_STYLE = "color: #b03020; font-weight: bold;"


class ScorePanel(QWidget):
    """Score in the routine's units, model card rows, and any warnings of the analysis."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # The contents scroll when the dock is shorter than a model set's rows need: nothing
        # is squeezed or cut off.
        self.body = QWidget(self)
        self.scroll = QScrollArea(self)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.score = QLabel("—", self.body)
        self.score.setObjectName("scoreValue")
        self.score.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.range = QLabel("", self.body)
        self.range.setObjectName("scoreRange")
        self.status = QLabel("No analysis yet.", self.body)
        self.status.setObjectName("scoreStatus")
        self.status.setWordWrap(True)
        self.calibration = QLabel("", self.body)
        self.calibration.setObjectName("calibrationTag")
        self.calibration.setWordWrap(True)
        self.calibration.hide()
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 4, 0, 0)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.targets = QGridLayout()
        self.targets.setContentsMargins(0, 6, 0, 2)
        self.targets.setHorizontalSpacing(8)
        self.targets.setVerticalSpacing(1)
        self.consistency = QLabel("", self.body)
        self.consistency.setObjectName("scoreConsistency")
        self.consistency.setWordWrap(True)
        self.consistency.hide()
        self.warnings = QLabel("", self.body)
        self.warnings.setObjectName("scoreWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.hide()
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        layout.addWidget(self.score)
        layout.addWidget(self.range)
        layout.addWidget(self.calibration)
        layout.addWidget(self.status)
        layout.addLayout(self.targets)
        layout.addWidget(self.consistency)
        layout.addLayout(self.form)
        layout.addWidget(self.warnings)
        layout.addStretch(1)
        self.scroll.setWidget(self.body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

    def clear(self, status: str = "No analysis yet.") -> None:
        self.score.setText("—")
        self.range.setText("")
        self.calibration.hide()
        self.status.setText(status)
        self.status.show()
        self.warnings.hide()
        self.consistency.hide()
        while self.targets.count():
            item = self.targets.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        while self.form.rowCount():
            self.form.removeRow(0)

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()

    def show_score(self, view: ScoreView) -> None:
        self.clear()
        self.status.hide()
        self.score.setText(view.score_text)
        self.range.setText(view.range_text)
        if view.banner is not None:
            self.calibration.setText(f"⚠ {view.banner.title}")
            self.calibration.setToolTip(view.banner.text)
            self.calibration.show()
        if view.targets is not None:
            self._show_targets(view.targets)
        for name, value in view.rows:
            label = QLabel(value, self.body)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            title = QLabel(f"{name}:", self.body)
            tip = SCORE_ROW_TIPS.get(name, "")
            title.setToolTip(tip)
            label.setToolTip(tip)
            self.form.addRow(title, label)
        if view.warnings:
            self.warnings.setText("\n".join(f"• {w}" for w in view.warnings))
            self.warnings.show()

    def _cell(self, text: str, row: int, column: int, style: str = "", tip: str = "") -> None:
        label = QLabel(text, self.body)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if column > 0:
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if style:
            label.setStyleSheet(style)
        label.setToolTip(tip)
        self.targets.addWidget(label, row, column)

    def _show_targets(self, view: TargetsView) -> None:
        """A row per target, a line under it saying what its interval was worth."""
        for column, title in enumerate(TARGET_COLUMNS):
            self._cell(title, 0, column, "font-weight: bold;", COLUMN_TIPS[column])
        row = 1
        for target in view.rows:
            outside = "the panel's score lies outside the interval" if target.outside else ""
            self._cell(target.label, row, 0, "font-weight: bold;")
            self._cell(target.value, row, 1)
            self._cell(target.interval, row, 2, tip=INTERVAL_TIP)
            self._cell(target.panel or "—", row, 3)
            self._cell(target.difference or "—", row, 4, _OUTSIDE_STYLE if outside else "", outside)
            row += 1
            if target.coverage:
                note = QLabel(target.coverage_short, self.body)
                note.setWordWrap(True)
                note.setStyleSheet(_NOTE_STYLE)
                note.setToolTip(f"The {target.coverage}.\n\n{INTERVAL_TIP}")
                self.targets.addWidget(note, row, 0, 1, len(TARGET_COLUMNS))
                row += 1
        if view.consistency:
            self.consistency.setText(("⚠ " if view.inconsistent else "") + view.consistency)
            self.consistency.setToolTip(f"{view.consistency_full}\n\n{CONSISTENCY_TIP}")
            self.consistency.setStyleSheet(_FLAG_STYLE if view.inconsistent else _NOTE_STYLE)
            self.consistency.show()

    def target_cells(self) -> list[list[str]]:
        """The targets grid on show, row by row (header first; coverage lines as one cell)."""
        cells: dict[int, dict[int, str]] = {}
        for index in range(self.targets.count()):
            row, column, _, _ = self.targets.getItemPosition(index)
            widget = self.targets.itemAt(index).widget()
            if widget is not None:
                cells.setdefault(row, {})[column] = widget.text()
        return [[cells[r][c] for c in sorted(cells[r])] for r in sorted(cells)]

    def rows(self) -> dict[str, str]:
        """The model card rows on show (name -> value)."""
        out = {}
        for row in range(self.form.rowCount()):
            label = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().text()
            value = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget().text()
            out[label.rstrip(":")] = value
        return out
