"""A message across the top of the window: an error, the calibration warning, the missing model.

Never modal: the window stays usable while a banner shows, and a banner can carry buttons for
what to do about it. Compact: one line (title, the text cut to fit, the buttons, Details and
close), so two banners at 1280x800 leave the video its room; Details shows the whole text in at
most DETAILS_LINES lines that scroll (a long message never squeezes the video), and the tooltip
has it too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
)

from judgeapp.app.score_view import Banner

DETAILS_LINES = 4  # the most lines an opened banner takes; a longer text scrolls


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
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # The text sits in a frameless scroll area: one line, or at most DETAILS_LINES lines
        # with Details open (the rest scrolls).
        self.scroll = QScrollArea(self)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.scroll.setWidget(self.text)
        self.scroll.setStyleSheet(
            "QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }"
        )
        self.scroll.viewport().installEventFilter(self)  # re-cut the text when its room changes
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
        layout.addWidget(self.scroll, 1)
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
        """The whole text when Details is on (at most DETAILS_LINES lines high, scrolling),
        else what fits on the line, cut with "…"."""
        line = self.text.fontMetrics().lineSpacing()
        if self.details.isChecked():
            self.text.setText(self._full_text)
            width = max(self.scroll.viewport().width(), 40)
            scrollbar = self.scroll.verticalScrollBar().sizeHint().width()
            needed = self.text.heightForWidth(width - scrollbar)
            height = min(max(needed, line), DETAILS_LINES * line)
            self.scroll.setFixedHeight(height + 2)
            return
        self.scroll.setFixedHeight(line + 2)
        width = max(self.scroll.viewport().width(), 40)
        metrics = self.text.fontMetrics()
        shown = metrics.elidedText(self._full_text, Qt.TextElideMode.ElideRight, width)
        self.text.setText(shown)
        self.details.setVisible(shown != self._full_text)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            if event.size().width() != event.oldSize().width():
                self._fit_text()
        return False
