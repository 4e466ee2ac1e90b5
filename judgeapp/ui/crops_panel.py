"""Thumbnails of the most and least attended athlete crops and segments; a click seeks there."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from judgeapp.app.view_models import Thumb

COLUMNS = 4
ICON_SIZE = QSize(84, 96)


class ThumbButton(QToolButton):
    """One thumbnail: picture above, label, time and weight below."""

    def __init__(self, thumb: Thumb, parent=None) -> None:
        super().__init__(parent)
        self.thumb = thumb
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.setIconSize(ICON_SIZE)
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        time_text, weight_text = thumb.caption.rsplit("  ", 1)
        self.setText(f"{thumb.label}  {time_text}\n{weight_text}")
        self.setToolTip(f"{thumb.label}: {thumb.caption} — click to go there")

    def set_image(self, image: QImage) -> None:
        self.setIcon(QIcon(QPixmap.fromImage(image)))

    def has_image(self) -> bool:
        return not self.icon().isNull()


class ThumbGrid(QWidget):
    """A titled grid of thumbnails ("Most attended", "Least attended")."""

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel(title, self)
        self.title.setObjectName("thumbTitle")
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addLayout(self.grid)
        self.buttons: list[ThumbButton] = []

    def set_thumbs(self, thumbs: Sequence[Thumb], on_click) -> None:
        for button in self.buttons:
            self.grid.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for i, thumb in enumerate(thumbs):
            button = ThumbButton(thumb, self)
            button.clicked.connect(lambda _=False, t=thumb: on_click(t))
            self.grid.addWidget(button, i // COLUMNS, i % COLUMNS, Qt.AlignmentFlag.AlignLeft)
            self.buttons.append(button)
        self.setVisible(bool(thumbs))


class CropsPanel(QWidget):
    """Two tabs: athlete crops (static stream) and segment keyframes (dynamic stream)."""

    thumbClicked = Signal(object)  # Thumb

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget(self)
        self.grids: dict[str, ThumbGrid] = {}
        for tab_name, key in (("Athlete crops", "athlete"), ("Segments", "segment")):
            page = QWidget()
            column = QVBoxLayout(page)
            column.setContentsMargins(4, 2, 4, 2)
            for side, title in (("top", "Most attended"), ("bottom", "Least attended")):
                grid = ThumbGrid(title, page)
                grid.hide()
                self.grids[f"{key}-{side}"] = grid
                column.addWidget(grid)
            column.addStretch(1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(page)
            self.tabs.addTab(scroll, tab_name)
        self.empty = QLabel("Crops appear here after the analysis.", self)
        self.empty.setObjectName("emptyHint")
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.tabs, 1)
        self.tabs.hide()

    def clear(self, hint: str = "Crops appear here after the analysis.") -> None:
        for grid in self.grids.values():
            grid.set_thumbs([], self.thumbClicked.emit)
        self.empty.setText(hint)
        self.empty.show()
        self.tabs.hide()

    def set_thumbs(
        self,
        athlete: tuple[Sequence[Thumb], Sequence[Thumb]],
        segments: tuple[Sequence[Thumb], Sequence[Thumb]],
    ) -> None:
        for key, (top, bottom) in (("athlete", athlete), ("segment", segments)):
            self.grids[f"{key}-top"].set_thumbs(top, self.thumbClicked.emit)
            self.grids[f"{key}-bottom"].set_thumbs(bottom, self.thumbClicked.emit)
        has_any = any(athlete) or any(segments)
        self.empty.setVisible(not has_any)
        self.empty.setText("No athlete was detected in any frame." if not has_any else "")
        self.tabs.setVisible(has_any)

    def set_images(self, images: dict[Thumb, QImage]) -> None:
        for button in self.buttons():
            image = images.get(button.thumb)
            if image is not None:
                button.set_image(image)

    def buttons(self) -> list[ThumbButton]:
        return [b for grid in self.grids.values() for b in grid.buttons]
