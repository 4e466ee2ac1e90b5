"""Starting the desktop app: the QApplication, the theme, the main window.

PyTorch is never imported here: analyses run in the analysis process (app/analysis_service),
so the window opens at once.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from judgeapp.ui.main_window import MainWindow, open_later
from judgeapp.ui.resources import resource
from judgeapp.ui.theme import follow_system


def _report_unexpected(window: MainWindow):
    """An exception escaping a slot becomes a message in the window, not a crash."""

    def hook(kind, value, tb) -> None:
        traceback.print_exception(kind, value, tb)
        window.show_error("Something went wrong", f"unexpected {kind.__name__}: {value}")

    return hook


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), named so QSettings finds the user's settings."""
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName("judgeapp")
    app.setApplicationName("judgeapp")
    app.setApplicationDisplayName("judgeapp")
    app.setDesktopFileName("judgeapp")
    icon = resource("icon.svg") or resource("icon.png")
    if icon:
        app.setWindowIcon(QIcon(str(icon)))
    return app


def scratch_window(folder: Path, pretrained: bool, size: tuple[int, int]) -> MainWindow:
    """A shown main window whose settings live in `folder` (screenshots, benchmarks).

    Without pretrained weights it analyses with random backbones, an untrained head and HOG.
    """
    from PySide6.QtCore import QSettings

    from judgeapp.app.app_settings import AppSettings
    from judgeapp.app.requests import AnalysisRequest
    from judgeapp.ui.settings import SettingsStore

    store = SettingsStore(QSettings(str(folder / "judgeapp.ini"), QSettings.Format.IniFormat))
    store.save(
        AppSettings(
            AnalysisRequest(
                device="cpu",
                model="" if pretrained else "random",
                pretrained=pretrained,
                detector="auto" if pretrained else "hog",
            )
        )
    )
    window = MainWindow(store)
    window.resize(*size)
    window.show()
    return window


def run(video: str | None = None) -> int:
    """Show the main window (opening `video` if given) and run until it closes."""
    app = application()
    follow_system(app)
    window = MainWindow()
    from judgeapp.ui.frame_tools import FrameTools
    from judgeapp.ui.review import Review  # judges' marks, the library, exports, batch

    window.add_extension(Review(window))
    FrameTools(window)  # save / copy the frame, mirror and rotate, the stopwatch
    previous_hook = sys.excepthook
    sys.excepthook = _report_unexpected(window)
    try:
        window.show()
        if video:
            open_later(window, video)
        return app.exec()
    finally:
        sys.excepthook = previous_hook
