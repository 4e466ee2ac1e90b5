"""The predicted score with the model card that produced it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from judgeapp.app.view_models import SCORE_ROW_TIPS, ScoreView


class ScorePanel(QWidget):
    """Score in the routine's units, model card rows, and any warnings of the analysis."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.score = QLabel("—", self)
        self.score.setObjectName("scoreValue")
        self.score.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.range = QLabel("", self)
        self.range.setObjectName("scoreRange")
        self.status = QLabel("No analysis yet.", self)
        self.status.setObjectName("scoreStatus")
        self.status.setWordWrap(True)
        self.calibration = QLabel("", self)
        self.calibration.setObjectName("calibrationTag")
        self.calibration.setWordWrap(True)
        self.calibration.hide()
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 4, 0, 0)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.warnings = QLabel("", self)
        self.warnings.setObjectName("scoreWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        layout.addWidget(self.score)
        layout.addWidget(self.range)
        layout.addWidget(self.calibration)
        layout.addWidget(self.status)
        layout.addLayout(self.form)
        layout.addWidget(self.warnings)
        layout.addStretch(1)

    def clear(self, status: str = "No analysis yet.") -> None:
        self.score.setText("—")
        self.range.setText("")
        self.calibration.hide()
        self.status.setText(status)
        self.status.show()
        self.warnings.hide()
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
        for name, value in view.rows:
            label = QLabel(value, self)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            title = QLabel(f"{name}:", self)
            tip = SCORE_ROW_TIPS.get(name, "")
            title.setToolTip(tip)
            label.setToolTip(tip)
            self.form.addRow(title, label)
        if view.warnings:
            self.warnings.setText("\n".join(f"• {w}" for w in view.warnings))
            self.warnings.show()

    def rows(self) -> dict[str, str]:
        """The model card rows on show (name -> value)."""
        out = {}
        for row in range(self.form.rowCount()):
            label = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget().text()
            value = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget().text()
            out[label.rstrip(":")] = value
        return out
