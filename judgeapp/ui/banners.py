"""A message across the top of the window: an error, the calibration warning, the missing model.

Never modal: the window stays usable while a banner shows, and a banner can carry buttons for
what to do about it. Compact: one line (title, the text cut to fit, the buttons, Details and
close), so two banners at 1280x800 leave the video its room; Details shows the whole text, and
the tooltip has it too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolButton

from judgeapp.app.view_models import Banner


class MessageBanner(QFrame):
    """Title, text and action buttons on one line; styled by kind (see resources/style.qss)."""

    def __init__(self, kind: str, parent=None) -> None:
        super().__init__(parent)
        self.kind = kind
        self._full_text = ""
        self.setObjectName(f"banner-{kind}")
        self.setProperty("bannerKind", kind)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.title = QLabel(self)
        self.title.setObjectName("bannerTitle")
        self.text = QLabel(self)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.text.installEventFilter(self)  # re-cut the text when its room changes
        self.details = QToolButton(self)
        self.details.setText("Details")
        self.details.setCheckable(True)
        self.details.setAutoRaise(True)
        self.details.setToolTip("Show the whole message")
        self.details.toggled.connect(self._show_details)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hide this message")
        self.close_button.clicked.connect(self.hide)
        self._buttons = QHBoxLayout()
        self._buttons.setContentsMargins(0, 0, 0, 0)
        self._buttons.setSpacing(4)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 2, 2)
        layout.setSpacing(8)
        layout.addWidget(self.title, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.text, 1)
        layout.addLayout(self._buttons)
        layout.addWidget(self.details, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_message(
        self, banner: Banner, actions: list[tuple[str, Callable[[], None]]] | None = None
    ) -> None:
        self.title.setText(banner.title)
        self._full_text = banner.text
        self.setToolTip(banner.text)
        while self._buttons.count():
            item = self._buttons.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for label, slot in actions or []:
            button = QPushButton(label, self)
            button.clicked.connect(slot)
            self._buttons.addWidget(button)
        self.details.setChecked(False)
        self._fit_text()
        self.show()

    def message(self) -> str:
        """The whole text of the message (empty when hidden)."""
        return "" if self.isHidden() else self._full_text

    def _show_details(self, on: bool) -> None:
        self.text.setWordWrap(on)
        self._fit_text()

    def _fit_text(self) -> None:
        """The whole text when Details is on, else what fits on the line, cut with "…"."""
        if self.details.isChecked():
            self.text.setText(self._full_text)
            return
        width = max(self.text.width(), 40)
        metrics = self.text.fontMetrics()
        shown = metrics.elidedText(self._full_text, Qt.TextElideMode.ElideRight, width)
        self.text.setText(shown)
        self.details.setVisible(shown != self._full_text)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self.text and event.type() == QEvent.Type.Resize:
            self._fit_text()
        return False
