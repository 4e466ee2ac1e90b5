"""Light or dark, as the system is: Fusion style with a matching palette and the style sheet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from judgeapp.ui.resources import resource


def system_prefers_dark(app: QGuiApplication) -> bool:
    """The system's colour scheme (Qt 6.5+), else a guess from the default window colour."""
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return app.style().standardPalette().color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = QPalette.ColorRole
    colors = {
        roles.Window: QColor(37, 39, 43),
        roles.WindowText: QColor(222, 224, 228),
        roles.Base: QColor(27, 29, 32),
        roles.AlternateBase: QColor(45, 47, 52),
        roles.ToolTipBase: QColor(50, 52, 58),
        roles.ToolTipText: QColor(230, 230, 230),
        roles.Text: QColor(222, 224, 228),
        roles.Button: QColor(50, 53, 58),
        roles.ButtonText: QColor(222, 224, 228),
        roles.BrightText: QColor(255, 90, 90),
        roles.Link: QColor(90, 170, 255),
        roles.Highlight: QColor(56, 120, 200),
        roles.HighlightedText: QColor(255, 255, 255),
        roles.PlaceholderText: QColor(140, 142, 148),
    }
    for role, color in colors.items():
        palette.setColor(role, color)
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor(120, 122, 128))
    return palette


def apply_theme(app: QApplication, dark: bool | None = None) -> bool:
    """Style the application; `dark` None follows the system. Returns whether it is dark."""
    dark = system_prefers_dark(app) if dark is None else dark
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    sheet = resource("style.qss")
    app.setStyleSheet(sheet.read_text(encoding="utf-8") if sheet else "")
    return dark


def follow_system(app: QApplication) -> None:
    """Apply the theme now and again whenever the system switches between light and dark."""
    apply_theme(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app))
