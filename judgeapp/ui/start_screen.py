"""What the window shows before a video is open: open one, try a demo, or pick a recent file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

DEMO_TEXT = (
    "No trained model needed: the demo runs offline with untrained networks, so its score only "
    "shows how judgeapp works, not how good the routine is."
)


class StartScreen(QWidget):
    """Open Video, Try a Demo Analysis, and the recent files (a click opens one)."""

    openRequested = Signal()
    demoRequested = Signal()
    recentChosen = Signal(str)  # a path

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("startScreen")
        title = QLabel("Score a routine from its video", self)
        title.setObjectName("startTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        hint = QLabel(
            "Open a video (or drop one on the window). judgeapp scores it and shows which "
            "moments the score relied on.",
            self,
        )
        hint.setWordWrap(True)
        self.open_button = QPushButton("Open Video…", self)
        self.open_button.setToolTip("Open a routine video (Ctrl+O)")
        self.open_button.clicked.connect(self.openRequested.emit)
        self.demo_button = QPushButton("Try a Demo Analysis", self)
        self.demo_button.setObjectName("demoButton")
        self.demo_button.setToolTip(DEMO_TEXT)
        self.demo_button.setDefault(True)
        self.demo_button.clicked.connect(self.demoRequested.emit)
        demo_note = QLabel(DEMO_TEXT, self)
        demo_note.setWordWrap(True)
        demo_note.setObjectName("demoNote")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        self.recent_label = QLabel("Recent videos", self)
        self.recent_list = QListWidget(self)
        self.recent_list.setObjectName("recentList")
        self.recent_list.itemActivated.connect(self._chosen)
        self.recent_list.itemClicked.connect(self._chosen)
        column = QVBoxLayout()
        column.setSpacing(10)
        column.addStretch(1)
        column.addWidget(title)
        column.addWidget(hint)
        column.addLayout(buttons)
        column.addWidget(demo_note)
        column.addSpacing(12)
        column.addWidget(self.recent_label)
        column.addWidget(self.recent_list)
        column.addStretch(1)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(1)
        outer.addLayout(column, 4)
        outer.addStretch(1)
        self.set_recent(())

    def set_recent(self, paths: Sequence[str]) -> None:
        """List these files, newest first: the name, and the folder in its tooltip."""
        self.recent_list.clear()
        for path in paths:
            item = QListWidgetItem(f"{Path(path).name}    —    {Path(path).parent}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.recent_list.addItem(item)
        has = bool(paths)
        self.recent_label.setText("Recent videos" if has else "Recent videos: none yet")
        self.recent_list.setVisible(has)
        row_px = self.recent_list.sizeHintForRow(0) if has else 0
        self.recent_list.setFixedHeight(row_px * min(len(paths), 10) + 8)

    def recent_paths(self) -> list[str]:
        return [
            self.recent_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.recent_list.count())
        ]

    def _chosen(self, item: QListWidgetItem) -> None:
        self.recentChosen.emit(item.data(Qt.ItemDataRole.UserRole))
