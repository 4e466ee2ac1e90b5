"""Helpers for the GUI tests: hand-made results, waiting for the player, thread checks."""

from __future__ import annotations

import threading

import numpy as np

from judgeapp.core.results import AnalysisResult, FrameWeight, ModelInfo, SegmentWeight, VideoInfo


def hand_result(
    info: VideoInfo, dynamic: list[float], static: list[tuple[float, float]], calibrated=False
) -> AnalysisResult:
    """A result for `info`: consecutive 3.2 s segments with these weights, and static frames
    (time_s, weight) with a box in the middle of the picture."""
    box = (0.4 * info.width, 0.1 * info.height, 0.6 * info.width, 0.9 * info.height)
    return AnalysisResult(
        video=info,
        model=ModelInfo("test-head", "ball", "total", 25.0, "torchvision", calibrated),
        score=12.5,
        dynamic=[SegmentWeight(3.2 * i, 3.2 * (i + 1), w) for i, w in enumerate(dynamic)],
        static=[
            FrameWeight(t, w, box, min(info.frames - 1, round(t * info.fps))) for t, w in static
        ],
        warnings=[] if calibrated else ["the head is untrained (--model random): not calibrated"],
    )


def qimage_to_rgb(image) -> np.ndarray:
    """A QImage (RGB888) as an HxWx3 array."""
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    return data.reshape(height, stride)[:, : 3 * width].reshape(height, width, 3).copy()


def mse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean((a.astype(np.float32) - b.astype(np.float32)) ** 2))


def judgeapp_python_threads() -> list[str]:
    """Names of Python threads judgeapp started that are still alive."""
    return [t.name for t in threading.enumerate() if t.name.startswith("judgeapp")]


def main_window_with(
    qtbot, folder, settings, size=(1280, 800), ini: str = "judgeapp.ini", review: bool = False
):
    """(window, review): a MainWindow whose settings (`settings`, saved first) live in
    `folder / ini`, with the review extension (marks, library, exports) when `review` (else
    None), shown at `size` (None: not shown). Qt is imported here only: the core tier imports
    this module."""
    from PySide6.QtCore import QSettings

    from judgeapp.ui.main_window import MainWindow
    from judgeapp.ui.review import Review
    from judgeapp.ui.settings import SettingsStore

    store = SettingsStore(QSettings(str(folder / ini), QSettings.Format.IniFormat))
    store.save(settings)
    window = MainWindow(store)
    qtbot.addWidget(window)
    extension = None
    if review:
        extension = Review(window)
        window.add_extension(extension)
    if size is not None:
        window.resize(*size)
        window.show()
    return window, extension


def shown(qtbot, widget, size: tuple[int, int] = (1280, 800)):
    """`widget`, closed with the test (qtbot), resized to `size` and shown; returned."""
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    return widget


def marks_panel_for(qtbot, library, video_name: str):
    """(panel, host, undo, redo, info): a MarksPanel on `library` with its undo stack and
    actions, in a host widget (not shown), a made-up 30 s video `video_name` open."""
    from PySide6.QtWidgets import QWidget
    from report_helpers import fake_video_info

    from judgeapp.store import UndoStack
    from judgeapp.ui.marks_panel import MarksPanel
    from judgeapp.ui.undo_actions import undo_actions

    stack = UndoStack(library)
    host = QWidget()
    qtbot.addWidget(host)
    panel = MarksPanel(library, stack, host)
    undo, redo = undo_actions(stack, host)
    info = fake_video_info(video_name, duration_s=30.0)
    panel.set_video(info)
    return panel, host, undo, redo, info
