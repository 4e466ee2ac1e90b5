"""One open video and the background work on it: probe, hash, frame cache, analysis, thumbnails.

A QObject without widgets. Every job runs through an app.jobs JobRunner (one per kind of work),
whose outcomes arrive on the GUI thread and are turned into the signals below; a job retired
because a new one started, or because the video closed, never delivers. The analysis goes to the
session's one AnalysisService (a child process kept for the session): it takes the hash computed
here (ContentHash: computed once, shared by the library lookup and the analysis) and fills the
frame cache from its own decoding pass, so opening and analysing a video decodes it once. When no
analysis reads the file (a stored result, auto-analysis off, a feature-cache hit, a cancel), the
cache is filled here instead.

The current video, its hash and its result live in the window's ReviewState; the session sets
the video and the hash there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from judgeapp.app.analysis_run import NoModel
from judgeapp.app.analysis_service import AnalysisService
from judgeapp.app.app_settings import AppSettings
from judgeapp.app.attention_view import Thumb
from judgeapp.app.content_hash import ContentHash
from judgeapp.app.requests import AnalysisRequest
from judgeapp.app.review_state import ReviewState
from judgeapp.app.stage_words import first_stage
from judgeapp.app.thumbnails import load_thumbnails, worker_reader
from judgeapp.core.progress import Progress
from judgeapp.core.results import VideoInfo
from judgeapp.ui.workers import gui_job_runner, rgb_to_qimage
from judgeapp.video import probe
from judgeapp.video.frame_cache import DEFAULT_BUDGET_BYTES, FrameCache, FrameSource, fill_cache

FRAMES_STAGE = "frame-cache"  # the analysis's decoded frames reaching the GUI's frame cache


class VideoSession(QObject):
    """The video being reviewed and its jobs. At most one analysis runs for it at a time."""

    opened = Signal(object)  # FrameSource of the video now open
    openFailed = Signal(str, str)  # path, one readable line
    cacheProgress = Signal(object)  # core.Progress
    cacheFinished = Signal(bool)  # True: every frame decoded
    analysisStarted = Signal()
    analysisProgress = Signal(object)  # core.Progress
    analysisFinished = Signal(object)  # analysis_run.AnalysisOutcome
    analysisNeedsModel = Signal()  # no head installed: nothing was analysed
    analysisFailed = Signal(str)
    analysisCancelled = Signal()
    thumbnailsReady = Signal(object)  # dict[Thumb, QImage]
    problem = Signal(str)  # a non-fatal problem worth a message

    def __init__(
        self,
        parent=None,
        cache_budget_bytes: int | None = None,
        state: ReviewState | None = None,
        service: AnalysisService | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.state = state or ReviewState()
        self.service = service or AnalysisService()
        self.source: FrameSource | None = None
        self.content_hash: ContentHash | None = None
        self.cache_budget_bytes = cache_budget_bytes or DEFAULT_BUDGET_BYTES
        self._opener = gui_job_runner("judgeapp-open")
        self._hasher = gui_job_runner("judgeapp-hash")
        self._filler = gui_job_runner("judgeapp-frame-cache")
        self._analysis = gui_job_runner("judgeapp-analysis")
        self._thumbs = gui_job_runner("judgeapp-thumbnails")
        self._runners = (self._opener, self._hasher, self._filler, self._analysis, self._thumbs)
        self._analysis_fills = False  # the running analysis fills the frame cache
        # The user's wait: from the request (start_analysis) to the result, on `clock`.
        self.clock = clock
        self.requested_at: float | None = None
        self.waited_s: float | None = None  # of the last analysis that ended

    # --- the video -----------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self.state.path

    @property
    def info(self) -> VideoInfo | None:
        return self.state.info

    def open(self, path: str | Path) -> None:
        """Open `path`: probe it in the background, then `opened` or `openFailed` follows.

        The current video stays open until the new one is known to be a video; of several
        opens in a row, the last one wins.
        """
        path = Path(path)
        self._opener.start(
            lambda _progress, _cancel: probe(path, with_hash=False),
            on_done=lambda info: self._probed(path, info),
            on_failed=lambda message: self.openFailed.emit(str(path), message),
        )

    def _probed(self, path: Path, info: VideoInfo) -> None:
        self.close()
        cache = FrameCache(
            info.frames, info.width, info.height, budget_bytes=self.cache_budget_bytes
        )
        self.source = FrameSource(path, info, cache)
        self.content_hash = ContentHash(path)
        self.state.set_video(path, info)
        content_hash = self.content_hash
        self._hasher.start(
            lambda _progress, _cancel: content_hash.get(),
            on_done=self._hash_known,
            on_failed=lambda m: self.problem.emit(f"Cannot read the video: {m}"),
        )
        self.opened.emit(self.source)

    def _hash_known(self, sha256: str) -> None:
        self.state.set_hash(sha256)  # the state's "hash" event tells whoever needs it

    def close(self) -> None:
        """Retire all work on the current video (without waiting) and forget it."""
        for runner in self._runners:
            if runner is not self._opener:
                runner.retire()
        self._analysis_fills = False
        if self.source is not None:
            self.source.close()
        self.source = None
        self.content_hash = None
        if self.state.info is not None:
            self.state.set_video(None, None)

    # --- frame cache ---------------------------------------------------------------------------
    def fill_frames(self) -> None:
        """Fill the frame cache here, unless it is complete or being filled already."""
        source = self.source
        if source is None or source.cache.complete or self._filler.busy or self._analysis_fills:
            return
        cache, path, info = source.cache, source.path, source.info
        self._filler.start(
            lambda progress, cancel: fill_cache(cache, path, info, progress, cancel),
            on_progress=self.cacheProgress.emit,
            on_done=lambda _none: self.cacheFinished.emit(True),
            on_failed=self._cache_failed,
            background=True,
        )

    def _cache_failed(self, message: str) -> None:
        self.cacheFinished.emit(False)
        self.problem.emit(f"Reading the frames stopped early: {message}")

    # --- analysis ------------------------------------------------------------------------------
    @property
    def analysing(self) -> bool:
        return self._analysis.busy

    def start_analysis(self, settings: AppSettings | AnalysisRequest) -> None:
        """Analyse the open video in the session's analysis process (a running analysis of it
        is retired first). The frame cache fills from the analysis's decoding pass unless it
        is complete or filling already."""
        if self.source is None or self.content_hash is None:
            return
        request = settings.request if isinstance(settings, AppSettings) else settings
        self.requested_at, self.waited_s = self.clock(), None
        stage = first_stage(self.service.alive)
        path, content_hash, cache = self.source.path, self.content_hash, self.source.cache
        frames = None if cache.complete or self._filler.busy else cache
        service = self.service

        def job(progress, cancel):
            service.prepare(request, progress)  # it builds its networks while the file is hashed
            sha256 = content_hash.get()
            return service.analyse(
                path,
                request,
                progress,
                cancel,
                sha256=sha256,
                frames=frames,
                # The frame cache's progress, apart from the analysis's own "cache" stage
                # (features read from the feature cache), which is no frame count.
                frames_progress=lambda p: progress(Progress(FRAMES_STAGE, p.done, p.total)),
            )

        self._analysis.start(
            job,
            on_progress=self._analysis_progress,
            on_done=self._analysed,
            on_failed=self._analysis_failed,
            on_cancelled=self._analysis_cancelled,
            background=True,
        )
        self._analysis_fills = frames is not None
        self.analysisStarted.emit()
        # A named stage from the moment of the request, before any word from the analysis.
        self.analysisProgress.emit(Progress(stage, 0, 0))

    @property
    def waiting_s(self) -> float | None:
        """Seconds since the running analysis was asked for (None when none runs)."""
        if self.requested_at is None or not self._analysis.busy:
            return None
        return self.clock() - self.requested_at

    def _analysis_progress(self, progress: Progress) -> None:
        if progress.stage == FRAMES_STAGE:
            self.cacheProgress.emit(Progress("cache", progress.done, progress.total))
        else:
            self.analysisProgress.emit(progress)

    def _analysis_ended(self) -> None:
        """The analysis no longer fills the cache: report it complete, or fill the rest here.
        The user's wait ends here, as its result (or word of why not) is about to show."""
        if self.requested_at is not None:
            self.waited_s = self.clock() - self.requested_at
        filled, self._analysis_fills = self._analysis_fills, False
        if self.source is None:
            return
        if self.source.cache.complete:
            if filled:
                self.cacheFinished.emit(True)
        else:
            self.fill_frames()

    def _analysed(self, outcome) -> None:
        self._analysis_ended()
        if isinstance(outcome, NoModel):
            self.analysisNeedsModel.emit()
        else:
            self.analysisFinished.emit(outcome)

    def _analysis_failed(self, message: str) -> None:
        self._analysis_ended()
        self.analysisFailed.emit(message)

    def _analysis_cancelled(self) -> None:
        self._analysis_ended()
        self.analysisCancelled.emit()

    def cancel_analysis(self) -> None:
        """Ask the running analysis to stop; `analysisCancelled` follows when it has."""
        self._analysis.cancel()

    # --- thumbnails ----------------------------------------------------------------------------
    def load_thumbnails(self, thumbs: Sequence[Thumb]) -> None:
        """Decode the pictures of these thumbnails in the background."""
        if self.source is None or not thumbs:
            return
        source = worker_reader(self.source)

        def job(progress, cancel):
            try:
                pictures = load_thumbnails(source, thumbs, progress=progress, cancel=cancel)
            finally:
                source.close()
            return {thumb: rgb_to_qimage(image) for thumb, image in pictures.items()}

        self._thumbs.start(
            job,
            on_done=self.thumbnailsReady.emit,
            on_failed=lambda message: self.problem.emit(f"Thumbnails: {message}"),
            background=True,
        )

    # --- shutting down -------------------------------------------------------------------------
    def shutdown(self, timeout_s: float = 60.0) -> bool:
        """Retire everything, wait for every job thread and end the analysis process; False
        if a thread would not end."""
        self.service.begin_shutdown()  # a running analysis is not waited for past 0.3 s
        self._opener.retire()
        self.close()
        ok = all([runner.shutdown(timeout_s) for runner in self._runners])
        self.service.shutdown()
        return ok
