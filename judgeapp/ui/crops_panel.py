"""Thumbnails of the most and least attended athlete crops and segments; a click seeks there.

The grids lay out as many columns as the dock's width holds (never a clipped caption or a
sideways scroll bar); athlete crops are tall pictures, segment keyframes wide ones. A larger dock
(a large screen) shows bigger thumbnails, up to the pictures' own height.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
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

from judgeapp.app.attention_view import Thumb
from judgeapp.app.thumbnails import THUMB_HEIGHT_PX

ICON_SIZES = {"athlete": QSize(64, 96), "segment": QSize(112, 63)}
ICON_SIZE = ICON_SIZES["athlete"]
# A tab this wide and this high shows the thumbnails at ICON_SIZES; a larger one (a large
# screen): bigger ones.
BASE_WIDTH_PX = 420
BASE_HEIGHT_PX = 420


def icon_size(kind: str, scale: float) -> QSize:
    """A thumbnail's icon size at `scale`, never taller than the pictures made for it."""
    base = ICON_SIZES.get(kind, ICON_SIZE)
    scale = max(1.0, min(scale, THUMB_HEIGHT_PX / base.height()))
    return QSize(round(base.width() * scale), round(base.height() * scale))


class ThumbButton(QToolButton):
    """One thumbnail: picture above, label, time and weight below."""

    def __init__(self, thumb: Thumb, parent=None) -> None:
        super().__init__(parent)
        self.thumb = thumb
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.setIconSize(ICON_SIZES.get(thumb.kind, ICON_SIZE))
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        time_text, weight_text = thumb.caption.rsplit("  ", 1)
        self.setText(f"{thumb.label}  {weight_text}\n{time_text}")
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
        self.columns = 1
        self.scale = 1.0

    def set_thumbs(self, thumbs: Sequence[Thumb], on_click) -> None:
        for button in self.buttons:
            self.grid.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for thumb in thumbs:
            button = ThumbButton(thumb, self)
            button.setIconSize(icon_size(thumb.kind, self.scale))
            button.clicked.connect(lambda _=False, t=thumb: on_click(t))
            self.buttons.append(button)
        self._place()
        self.setVisible(bool(thumbs))

    def fit_width(self, width_px: int, height_px: int = 0) -> None:
        """Size the thumbnails for a tab of `width_px` by `height_px` (bigger in a large one),
        then lay them out in as many columns as `width_px` holds (at least one)."""
        room = min(width_px / BASE_WIDTH_PX, height_px / BASE_HEIGHT_PX)
        scale = max(1.0, math.floor(room * 4) / 4)  # in quarter steps: no churn while docks settle
        if scale != self.scale:
            self.scale = scale
            for button in self.buttons:
                button.setIconSize(icon_size(button.thumb.kind, scale))
            self.columns = 0  # lay out again
        widest = max((b.sizeHint().width() for b in self.buttons), default=1)
        columns = max(1, (width_px + self.grid.spacing()) // (widest + self.grid.spacing()))
        if columns != self.columns:
            self.columns = columns
            self._place()

    def _place(self) -> None:
        for button in self.buttons:
            self.grid.removeWidget(button)
        for i, button in enumerate(self.buttons):
            row, column = divmod(i, self.columns)
            self.grid.addWidget(button, row, column, Qt.AlignmentFlag.AlignLeft)


class CropsPanel(QWidget):
    """Two tabs: athlete crops (static stream) and segment keyframes (dynamic stream)."""

    thumbClicked = Signal(object)  # Thumb

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget(self)
        self.grids: dict[str, ThumbGrid] = {}
        self.scrolls: dict[str, QScrollArea] = {}
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
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroll.setWidget(page)
            scroll.viewport().installEventFilter(self)
            self.scrolls[key] = scroll
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
        self._fit_columns()
        has_any = any(athlete) or any(segments)
        self.empty.setVisible(not has_any)
        self.empty.setText("No athlete was detected in any frame." if not has_any else "")
        self.tabs.setVisible(has_any)

    def set_images(self, images: dict[Thumb, QImage]) -> None:
        for button in self.buttons():
            image = images.get(button.thumb)
            if image is not None:
                button.set_image(image)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Each grid takes as many columns as its tab's visible width holds."""
        for key, scroll in self.scrolls.items():
            margins = scroll.widget().layout().contentsMargins()
            width = scroll.viewport().width() - margins.left() - margins.right()
            width -= scroll.verticalScrollBar().sizeHint().width()  # room if it appears
            height = scroll.viewport().height()
            for side in ("top", "bottom"):
                self.grids[f"{key}-{side}"].fit_width(width, height)

    def buttons(self) -> list[ThumbButton]:
        return [b for grid in self.grids.values() for b in grid.buttons]
