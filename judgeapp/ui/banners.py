"""A message across the top of the window: an error, the calibration warning, the missing model.

Never modal: the window stays usable while a banner shows, and a banner can carry buttons for
what to do about it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout

from judgeapp.app.view_models import Banner


class MessageBanner(QFrame):
    """Title, text and action buttons; styled by kind (see resources/style.qss)."""

    def __init__(self, kind: str, parent=None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"banner-{kind}")
        self.setProperty("bannerKind", kind)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(self)
        self.title.setObjectName("bannerTitle")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._buttons = QHBoxLayout()
        self._buttons.setContentsMargins(0, 0, 0, 0)
        self._buttons.addStretch(1)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Hide this message")
        close.clicked.connect(self.hide)
        words = QVBoxLayout()
        words.setContentsMargins(0, 0, 0, 0)
        words.setSpacing(2)
        words.addWidget(self.title)
        words.addWidget(self.text)
        words.addLayout(self._buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addLayout(words, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(
        self, banner: Banner, actions: list[tuple[str, Callable[[], None]]] | None = None
    ) -> None:
        self.title.setText(banner.title)
        self.text.setText(banner.text)
        while self._buttons.count() > 1:
            item = self._buttons.takeAt(1)
            if item.widget() is not None:
                item.widget().deleteLater()
        for label, slot in actions or []:
            button = QPushButton(label, self)
            button.clicked.connect(slot)
            self._buttons.addWidget(button)
        self.show()

    def message(self) -> str:
        """The text shown (empty when hidden)."""
        return "" if self.isHidden() else self.text.text()
