"""One open video and the background work on it: frame cache, analysis, thumbnails.

A QObject without widgets: it starts and cancels the worker threads and turns their results
into signals the main window routes to the widgets. Results of work that was cancelled or
belongs to a video no longer open are dropped, so a late signal never shows on the wrong video.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from judgeapp.app.view_models import AppSettings, Thumb
from judgeapp.core.results import VideoInfo
from judgeapp.ui.analysis_job import NoModel
from judgeapp.ui.engine_process import analyse_in_child
from judgeapp.ui.thumbnails import load_thumbnails
from judgeapp.ui.workers import TaskThread, rgb_to_qimage
from judgeapp.video import probe
from judgeapp.video.frame_cache import DEFAULT_BUDGET_BYTES, FrameCache, FrameSource, fill_cache


class VideoSession(QObject):
    """The video being reviewed and its workers. At most one analysis runs for it at a time."""

    opened = Signal(object)  # FrameSource of the video now open
    openFailed = Signal(str, str)  # path, one readable line
    cacheProgress = Signal(object)  # core.Progress
    cacheFinished = Signal(bool)  # True: every frame decoded
    analysisStarted = Signal()
    analysisProgress = Signal(object)  # core.Progress
    analysisFinished = Signal(object)  # analysis_job.AnalysisOutcome
    analysisNeedsModel = Signal()  # no head installed: nothing was analysed
    analysisFailed = Signal(str)
    analysisCancelled = Signal()
    thumbnailsReady = Signal(object)  # dict[Thumb, QImage]
    problem = Signal(str)  # a non-fatal problem worth a message

    def __init__(self, parent=None, cache_budget_bytes: int | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.info: VideoInfo | None = None
        self.source: FrameSource | None = None
        self.cache_budget_bytes = cache_budget_bytes or DEFAULT_BUDGET_BYTES
        self._threads: set[TaskThread] = set()
        self._opening: TaskThread | None = None
        self._analysis: TaskThread | None = None
        self._fill: TaskThread | None = None
        self._thumbs: TaskThread | None = None

    # --- the video -----------------------------------------------------------------------------
    @property
    def opening(self) -> bool:
        return self._opening is not None

    def open(self, path: str | Path) -> None:
        """Open `path`: probe it in the background, then `opened` or `openFailed` follows.

        The current video stays open until the new one is known to be a video; of several
        opens in a row, the last one wins.
        """
        path = Path(path)
        self._opening = self._start(
            "judgeapp-open",
            lambda _progress, _cancel: probe(path, with_hash=False),
            on_success=lambda info: self._probed(path, info),
            on_failure=lambda message: self.openFailed.emit(str(path), message),
            current=lambda t: t is self._opening,
        )

    def _probed(self, path: Path, info: VideoInfo) -> None:
        self.close()
        self.path, self.info = path, info
        cache = FrameCache(
            info.frames, info.width, info.height, budget_bytes=self.cache_budget_bytes
        )
        self.source = FrameSource(path, info, cache)
        self._fill = self._start(
            "judgeapp-frame-cache",
            lambda progress, cancel: fill_cache(cache, path, info, progress, cancel),
            on_progress=self.cacheProgress.emit,
            on_success=lambda _none: self.cacheFinished.emit(True),
            on_failure=self._cache_failed,
            background=True,
        )
        self.opened.emit(self.source)

    def _cache_failed(self, message: str) -> None:
        self.cacheFinished.emit(False)
        self.problem.emit(f"Reading the frames stopped early: {message}")

    def close(self) -> None:
        """Cancel all work on the current video (without waiting) and forget it."""
        for thread in list(self._threads):
            if thread is not self._opening:
                thread.cancel()
        self._analysis = self._fill = self._thumbs = None
        if self.source is not None:
            self.source.close()
        self.source = None
        self.path = self.info = None

    # --- analysis ------------------------------------------------------------------------------
    @property
    def analysing(self) -> bool:
        return self._analysis is not None

    def start_analysis(self, settings: AppSettings) -> None:
        """Analyse the open video in the background (cancelling a running analysis first).

        The analysis runs in a child process (engine_process) watched by a worker thread.
        """
        if self.path is None:
            return
        self.cancel_analysis()
        path = self.path
        self._analysis = self._start(
            "judgeapp-analysis",
            lambda progress, cancel: analyse_in_child(path, settings, progress, cancel),
            on_progress=self.analysisProgress.emit,
            on_success=self._analysed,
            on_failure=self.analysisFailed.emit,
            on_cancel=self.analysisCancelled.emit,
            current=lambda t: t is self._analysis,
            background=True,  # the child process inherits the lower priority from its birth
        )
        self.analysisStarted.emit()

    def _analysed(self, outcome) -> None:
        if isinstance(outcome, NoModel):
            self.analysisNeedsModel.emit()
        else:
            self.analysisFinished.emit(outcome)

    def cancel_analysis(self) -> None:
        """Ask the running analysis to stop; `analysisCancelled` follows when it has."""
        if self._analysis is not None:
            self._analysis.cancel()

    # --- thumbnails ----------------------------------------------------------------------------
    def load_thumbnails(self, thumbs: Sequence[Thumb]) -> None:
        """Decode the pictures of these thumbnails in the background."""
        if self.source is None or not thumbs:
            return
        if self._thumbs is not None:
            self._thumbs.cancel()
        # Its own reader (direct reads are not shared across threads), the same cache.
        source = FrameSource(self.source.path, self.source.info, self.source.cache)

        def job(progress, cancel):
            try:
                pictures = load_thumbnails(source, thumbs, progress=progress, cancel=cancel)
            finally:
                source.close()
            return {thumb: rgb_to_qimage(image) for thumb, image in pictures.items()}

        self._thumbs = self._start(
            "judgeapp-thumbnails",
            job,
            on_success=self.thumbnailsReady.emit,
            on_failure=lambda message: self.problem.emit(f"Thumbnails: {message}"),
            current=lambda t: t is self._thumbs,
            background=True,
        )

    # --- threads -------------------------------------------------------------------------------
    def _start(
        self,
        name: str,
        fn: Callable,
        on_progress: Callable[[Any], None] | None = None,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        current: Callable[[TaskThread], bool] | None = None,
        background: bool = False,
    ) -> TaskThread:
        """Start `fn` in a TaskThread; its signals reach the handlers only while it is current."""
        thread = TaskThread(fn, name, self, background=background)
        source = self.source

        def is_current() -> bool:
            if current is not None:
                return current(thread)
            return self.source is source and source is not None and not thread.token.cancelled

        def guard(handler):
            return lambda *args: handler(*args) if handler is not None and is_current() else None

        thread.progressed.connect(guard(on_progress))
        thread.succeeded.connect(guard(on_success))
        thread.failed.connect(guard(on_failure))

        def cancelled() -> None:
            if on_cancel is not None and is_current():
                on_cancel()

        thread.cancelled.connect(cancelled)
        thread.finished.connect(lambda: self._finished(thread))
        self._threads.add(thread)
        thread.start()
        return thread

    def _finished(self, thread: TaskThread) -> None:
        self._threads.discard(thread)
        if thread is self._analysis:
            self._analysis = None
        if thread is self._thumbs:
            self._thumbs = None
        if thread is self._fill:
            self._fill = None
        if thread is self._opening:
            self._opening = None
        thread.deleteLater()

    def running_threads(self) -> list[TaskThread]:
        return [t for t in self._threads if t.isRunning()]

    def shutdown(self, timeout_ms: int = 60_000) -> bool:
        """Cancel everything and wait for every thread to end; False if one would not."""
        self._opening = None
        self.close()
        ok = True
        for thread in list(self._threads):
            ok = thread.wait(timeout_ms) and ok
        return ok
