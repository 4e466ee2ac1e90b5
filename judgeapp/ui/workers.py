"""Running long work off the GUI thread: a QThread per job, results and progress as signals.

`TaskThread` runs a plain function `fn(progress, cancel)` (the analysis, the frame-cache pass,
thumbnails) and reports through signals, so the function itself knows nothing of Qt.
`FrameLoader` is a long-lived thread that decodes the frame the player asked for last; requests
that arrive while it is busy replace each other, so a fast scrub never queues stale frames.

Every thread registers itself while it runs; `live_threads()` lets tests and shutdown code check
that none is left.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QImage

from judgeapp.app.jobs import Deliver, JobRunner
from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.progress import CancelToken, Progress
from judgeapp.video.frame_cache import FrameSource, VideoFrame

BACKGROUND_NICE = 10
_LIVE: weakref.WeakSet[QThread] = weakref.WeakSet()
_LIVE_LOCK = threading.Lock()


def live_threads() -> list[QThread]:
    """The judgeapp worker threads that are running now."""
    with _LIVE_LOCK:
        return [t for t in _LIVE if t.isRunning()]


def _register(thread: QThread) -> None:
    with _LIVE_LOCK:
        _LIVE.add(thread)


def error_text(exc: BaseException) -> str:
    """One readable line for any failure (expected ones carry their own message)."""
    if isinstance(exc, JudgeappError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "out of memory"
    return f"unexpected {type(exc).__name__}: {exc}"


def lower_this_thread_priority(thread: QThread) -> None:
    """Let the GUI thread win the CPU over background work (call from the running thread).

    Qt's thread priorities do nothing for Linux's normal scheduler, so there the thread's nice
    value is raised instead; threads it starts (decoders, PyTorch's pool) inherit it.
    """
    thread.setPriority(QThread.Priority.LowPriority)
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
        except OSError:
            pass  # not permitted here: run at normal priority


def rgb_to_qimage(image: np.ndarray) -> QImage:
    """An RGB uint8 array as a QImage that owns its pixels (safe to hand to another thread)."""
    image = np.ascontiguousarray(image)
    height, width = image.shape[:2]
    return QImage(image.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class TaskThread(QThread):
    """Runs `fn(progress, cancel)` once; emits progressed, then succeeded, failed or cancelled.

    `background` runs it at a lower priority than the GUI (long jobs: analysis, frame cache).
    """

    progressed = Signal(object)  # core.Progress
    succeeded = Signal(object)  # whatever fn returned
    failed = Signal(str)  # one readable line
    cancelled = Signal()

    def __init__(
        self,
        fn: Callable[[Callable[[Progress], None], CancelToken], Any],
        name: str,
        parent=None,
        background: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._fn = fn
        self._background = background
        self.token = CancelToken()

    def start(self, *args) -> None:  # noqa: D102 - same as QThread.start
        _register(self)
        super().start(*args)

    def cancel(self) -> None:
        """Ask the job to stop at its next check; the thread then emits `cancelled`."""
        self.token.cancel()

    def run(self) -> None:
        if self._background:
            lower_this_thread_priority(self)
        try:
            value = self._fn(self.progressed.emit, self.token)
        except Cancelled:
            self.cancelled.emit()
        except BaseException as exc:  # a worker never takes the application down
            if self.token.cancelled:
                self.cancelled.emit()
                return
            if not isinstance(exc, JudgeappError):
                traceback.print_exc()
            self.failed.emit(error_text(exc))
        else:
            if self.token.cancelled:
                self.cancelled.emit()
            else:
                self.succeeded.emit(value)


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
