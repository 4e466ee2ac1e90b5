"""The Qt desktop app (the only package that imports Qt).

opencv-python points Qt at its own plugin and font folders when cv2 is imported (its bundled
Qt 5 build), which breaks PySide6's platform plugins (xcb). Importing this package imports cv2
first and removes those two variables again, before any QApplication exists.
"""

import os
from pathlib import Path

import cv2


def _undo_opencv_qt_env() -> None:
    cv2_dir = Path(cv2.__file__).resolve().parent
    for name in ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR"):
        value = os.environ.get(name)
        if value and Path(value).resolve().is_relative_to(cv2_dir):
            del os.environ[name]


_undo_opencv_qt_env()
