"""Qt threads and the GUI's delivery for app.jobs: the frame loader, `gui_job_runner`.

Background jobs (probing, hashing, the frame cache, analyses, thumbnails, exports, downloads,
library loads) run through app.jobs.JobRunner; `gui_job_runner` gives one whose outcomes and
progress arrive on the Qt main thread. `FrameLoader` is a long-lived thread that decodes the
frame the player asked for last; requests that arrive while it is busy replace each other, so
a fast scrub never queues stale frames.

Every FrameLoader registers itself while it runs; `live_threads()` lets tests and shutdown code
check that none is left (app.jobs.live_job_threads does the same for job threads).
"""

from __future__ import annotations

import threading
import weakref

import numpy as np
from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QImage

from judgeapp.app.jobs import Deliver, JobRunner, error_text
from judgeapp.video.frame_cache import FrameSource, VideoFrame

_LIVE: weakref.WeakSet[QThread] = weakref.WeakSet()
_LIVE_LOCK = threading.Lock()


def live_threads() -> list[QThread]:
    """The judgeapp Qt worker threads that are running now."""
    with _LIVE_LOCK:
        return [t for t in _LIVE if t.isRunning()]


def _register(thread: QThread) -> None:
    with _LIVE_LOCK:
        _LIVE.add(thread)


def rgb_to_qimage(image: np.ndarray) -> QImage:
    """An RGB uint8 array as a QImage that owns its pixels (safe to hand to another thread)."""
    image = np.ascontiguousarray(image)
    height, width = image.shape[:2]
    return QImage(image.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class FrameLoader(QThread):
    """Decodes the last requested frame of a FrameSource; emits it with a ready QImage."""

    frameReady = Signal(object, object)  # VideoFrame, QImage
    failed = Signal(int, str)  # index, one readable line

    def __init__(self, source: FrameSource, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("judgeapp-frame-loader")
        self.source = source
        self._wake = threading.Condition()
        self._pending: tuple[int, bool] | None = None
        self._stopping = False

    def start(self, *args) -> None:  # noqa: D102 - same as QThread.start
        _register(self)
        super().start(*args)

    def request(self, index: int, exact: bool = False) -> None:
        """Ask for frame `index`; replaces any request not started yet."""
        with self._wake:
            self._pending = (index, exact)
            self._wake.notify()

    def stop(self, wait: bool = True) -> None:
        """Finish the frame in hand, drop the rest, and end the thread (`wait`: until it has)."""
        with self._wake:
            self._stopping = True
            self._pending = None
            self._wake.notify()
        if wait:
            self.wait()

    def run(self) -> None:
        while True:
            with self._wake:
                while self._pending is None and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return
                index, exact = self._pending
                self._pending = None
            try:
                frame: VideoFrame = self.source.frame(index, exact=exact)
                image = rgb_to_qimage(frame.image)
            except BaseException as exc:  # reported, never raised into Qt
                self.failed.emit(index, error_text(exc))
                continue
            self.frameReady.emit(frame, image)


class _Deliverer(QObject):
    """Runs callables on the thread it lives in (the GUI thread), queued behind its events."""

    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _run(self, fn) -> None:
        fn()


_DELIVERER: _Deliverer | None = None


def gui_deliver() -> Deliver:
    """The `deliver` of app.jobs for the GUI: outcomes run on the Qt main thread.

    Call it first from the GUI thread (the window constructors do)."""
    global _DELIVERER
    if _DELIVERER is None:
        _DELIVERER = _Deliverer()
    return _DELIVERER.call.emit


def gui_job_runner(name: str) -> JobRunner:
    """A JobRunner whose outcomes and progress arrive on the GUI thread."""
    return JobRunner(gui_deliver(), name)
