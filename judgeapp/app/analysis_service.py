"""The session's analysis service: one analysis process, kept alive, networks built once.

Why a process: with the analysis in a thread of the GUI process, importing PyTorch held Python's
GIL for up to 1.4 s and building the networks for up to 130 ms at a time, freezing the window
(docs/gui.md). Why one for the whole session: spawning it, importing PyTorch and building the
networks cost seconds that a second video, a re-analysis or the batch window should not pay again;
the child keeps an `analysis.BackbonePool`.

The child starts on the first request (or on `prepare`), runs at a lower priority and takes one
request at a time; requests, progress, cancels and results travel over a pipe as plain data (the
result's JSON form). The caller passes the content hash it computed (the file is not hashed
twice) and, optionally, its frame cache: the child JPEG-encodes every frame its decoding pass
reads, as FrameCache does, and sends the entries, so opening and analysing a video decodes it
once. A child that dies is replaced by a fresh one on the next request; one that does not stop
within CANCEL_GRACE_S of a cancel is terminated. `shutdown` ends it with the session.

No Qt here: `analyse` blocks; the GUI calls it from a JobRunner job (app/jobs.py).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from judgeapp.app.analysis_run import AnalysisOutcome, NoModel, run_analysis
from judgeapp.app.requests import RANDOM_HEAD, AnalysisRequest
from judgeapp.app.score_view import CardFacts
from judgeapp.app.stage_words import CONVERT_STAGE, PREPARE_STAGE, START_STAGE
from judgeapp.core import errors
from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.core.results import AnalysisResult
from judgeapp.video.frame_cache import FrameCache

# "spawn": a fresh interpreter (fork is unsafe with threads, Qt and CUDA).
_CONTEXT = multiprocessing.get_context("spawn")
CHILD_NICE = 10
CANCEL_GRACE_S = 20.0  # a cancelled child gets this long to stop on its own
# Quitting: an idle child ends within about 0.2 s of being asked (_end_now); a busy one (building
# networks, analysing) would not end before its request does, so after this it is terminated
# (its files are written atomically: a temporary left behind is swept by the next write).
QUIT_GRACE_S = 1.0
QUIT_CANCEL_GRACE_S = 0.3  # quitting mid-analysis: a cancel check this soon, else terminated
_POLL_S = 0.05
_FRAMES_PER_MESSAGE = 8
_DECODE_REPORT_EVERY = 8  # frames between "decode" progress messages
# Progress of the child's own work (starting, building networks) carries this job id: the
# request the caller waits for waits for that work too, so its progress is the caller's.
_CHILD_JOB = 0

FrameProgress = Callable[[Progress], None]


def demo_request(device: str = "auto") -> AnalysisRequest:
    """A demo analysis that needs nothing installed and no network: random backbones, an
    untrained head and OpenCV's HOG people detector. Its score is marked not calibrated."""
    return AnalysisRequest(device=device, model=RANDOM_HEAD, pretrained=False, detector="hog")


@dataclass(frozen=True)
class _CacheShape:
    """What the child needs to encode entries exactly as the GUI's FrameCache would."""

    expected_frames: int
    width: int
    height: int
    budget_bytes: int
    quality: int
    max_side_px: int

    @classmethod
    def of(cls, cache: FrameCache) -> _CacheShape:
        return cls(
            cache.expected_frames,
            cache.width,
            cache.height,
            cache.budget_bytes,
            cache.quality,
            cache.max_side_px,
        )


class AnalysisService:
    """One analysis child process for a session; see the module docstring. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one request at a time
        self._quitting = threading.Event()  # begin_shutdown: cancels get QUIT_CANCEL_GRACE_S
        self._child: Any = None
        self._conn: Any = None
        self._next_id = 0
        self.spawned = 0  # child processes started so far (tests, benchmarks)

    # ------------------------------------------------------------------------------- public

    @property
    def alive(self) -> bool:
        return self._child is not None and self._child.is_alive()

    def prepare(self, request: AnalysisRequest, progress: ProgressCallback = no_progress) -> None:
        """Start the child and let it build the request's networks now (returns at once).
        `progress` hears the "start" stage when a new child process is started; the child's
        own progress (started, networks built) reaches the next `analyse`'s `progress`."""
        with self._lock:
            if not self.alive:
                progress(Progress(START_STAGE, 0, 1))
            self._ensure_child()
            self._send(("prepare", asdict(request)))

    def analyse(
        self,
        video_path: str | Path,
        request: AnalysisRequest,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        sha256: str | None = None,
        frames: FrameCache | None = None,
        frames_progress: FrameProgress | None = None,
    ) -> AnalysisOutcome | NoModel:
        """Analyse one video in the child (blocking). Raises what the analysis raised
        (JudgeappError subclasses, Cancelled). `frames`: a frame cache to fill from the
        analysis's decoding pass (marked complete when the pass read the whole file)."""
        cancel = cancel or CancelToken()
        with self._lock:
            cancel.raise_if_cancelled()
            if not self.alive:
                progress(Progress(START_STAGE, 0, 1))
            self._ensure_child()
            self._next_id += 1
            job = self._next_id
            shape = asdict(_CacheShape.of(frames)) if frames is not None else None
            self._send(("analyse", job, str(video_path), asdict(request), sha256 or "", shape))
            return self._wait(job, progress, cancel, frames, frames_progress or no_progress)

    def begin_shutdown(self) -> None:
        """The session is ending (returns at once): from now a cancelled analysis gets
        QUIT_CANCEL_GRACE_S, not CANCEL_GRACE_S, to stop before its child is terminated, so
        quitting during an analysis does not wait seconds for the child's next cancel check."""
        self._quitting.set()

    def shutdown(self, timeout_s: float = QUIT_GRACE_S) -> None:
        """End the child (asked first, terminated if it does not go in `timeout_s`)."""
        self._quitting.set()
        try:
            with self._lock:
                self._stop_child(timeout_s)
        finally:
            self._quitting.clear()

    # ------------------------------------------------------------------------------ the child

    def _ensure_child(self) -> None:
        if self.alive:
            return
        self._stop_child(0.0)
        parent_end, child_end = _CONTEXT.Pipe()
        child = _CONTEXT.Process(
            target=_child_main, args=(child_end,), name="judgeapp-analysis", daemon=True
        )
        child.start()
        child_end.close()
        self._child, self._conn = child, parent_end
        self.spawned += 1

    def _stop_child(self, timeout_s: float) -> None:
        child, conn = self._child, self._conn
        self._child = self._conn = None
        if child is None:
            return
        try:
            conn.send(("quit",))
        except (BrokenPipeError, OSError):
            pass
        child.join(timeout_s)
        if child.is_alive():
            child.terminate()
            child.join()
        conn.close()

    def _send(self, message: tuple) -> None:
        try:
            self._conn.send(message)
        except (BrokenPipeError, OSError):
            pass  # the child has gone: the wait notices and says so

    def _wait(
        self,
        job: int,
        progress: ProgressCallback,
        cancel: CancelToken,
        frames: FrameCache | None,
        frames_progress: FrameProgress,
    ) -> AnalysisOutcome | NoModel:
        conn, child = self._conn, self._child
        cancelled_at: float | None = None
        while True:
            if cancel.cancelled and cancelled_at is None:
                cancelled_at = time.monotonic()
                self._send(("cancel", job))
            grace = QUIT_CANCEL_GRACE_S if self._quitting.is_set() else CANCEL_GRACE_S
            if cancelled_at is not None and time.monotonic() - cancelled_at > grace:
                self._stop_child(0.0)  # it would not stop: the next request gets a fresh one
                raise Cancelled("cancelled by the user")
            try:
                ready = conn.poll(_POLL_S)
                message = conn.recv() if ready else None
            except (EOFError, OSError):
                message, ready = None, False
            if message is None:
                if not child.is_alive():
                    code = child.exitcode
                    self._stop_child(0.0)
                    if cancelled_at is not None:
                        raise Cancelled("cancelled by the user")
                    raise JudgeappError(
                        f"the analysis process stopped unexpectedly (exit code {code}); "
                        "the next analysis starts a new one"
                    )
                continue
            kind, mid = message[0], message[1]
            if kind == "progress" and mid == _CHILD_JOB:
                progress(Progress(*message[2:]))  # the child's own work, which this job waits for
                continue
            if mid != job:
                continue  # a late word of an earlier, cancelled request
            if kind == "progress":
                progress(Progress(*message[2:]))
            elif kind == "frames" and frames is not None:
                for index, time_s, data, scale in message[2]:
                    frames.put_encoded(index, time_s, data, scale)
                frames_progress(Progress("cache", frames.decoded_frames, frames.expected_frames))
            elif kind == "frames-done" and frames is not None:
                if message[2]:  # the pass read the whole file
                    frames.complete = True
                    count = frames.decoded_frames
                    frames_progress(Progress("cache", count, count))
            elif kind == "done":
                return AnalysisOutcome(
                    AnalysisResult.from_dict(message[2]), CardFacts(**message[3])
                )
            elif kind == "no-model":
                return NoModel()
            elif kind == "cancelled":
                raise Cancelled("cancelled by the user")
            elif kind == "error":
                raise _rebuild_error(message[2], message[3])


def _rebuild_error(name: str, message: str) -> BaseException:
    """The child's exception as the same JudgeappError subclass (else a JudgeappError)."""
    kind = getattr(errors, name, None)
    if isinstance(kind, type) and issubclass(kind, JudgeappError):
        return kind(message)
    return JudgeappError(message)


# ------------------------------------------------------------------------------ child process


class _FrameSender:
    """In the child: JPEG-encodes decoded frames in a thread of its own and sends the entries.

    A mirror FrameCache with the GUI cache's shape decides each entry's size and whether the
    budget still has room, exactly as the GUI's cache would, without keeping the bytes.
    """

    def __init__(self, send: Callable[[tuple], None], job: int, shape: dict) -> None:
        self._send, self._job = send, job
        self.mirror = FrameCache(**shape)
        self._queue: queue.Queue = queue.Queue(maxsize=16)
        self._batch: list[tuple] = []
        self.frames = 0
        self._thread = threading.Thread(target=self._run, name="judgeapp-frame-encoder")
        self._thread.start()

    def __call__(self, frame) -> None:
        """The analysis's `on_frame` (called in its decoding thread)."""
        self._queue.put(frame)

    def _run(self) -> None:
        while (frame := self._queue.get()) is not None:
            entry = self.mirror.encode(frame.image)
            data, scale = entry if entry is not None else (None, 1.0)
            # Sent even when the budget refuses it: the GUI's cache then refuses it too, and
            # knows it is full, exactly as the mirror does.
            self.mirror.count_encoded(frame.index, frame.time_s, data, scale)
            self._batch.append((frame.index, frame.time_s, data, scale))
            self.frames += 1
            if len(self._batch) >= _FRAMES_PER_MESSAGE:
                self._flush()
        self._flush()

    def _flush(self) -> None:
        if self._batch:
            self._send(("frames", self._job, self._batch))
            self._batch = []

    def finish(self, complete: bool) -> None:
        """Send what is left, then whether the pass read the whole file."""
        self._queue.put(None)
        self._thread.join()
        self._send(("frames-done", self._job, complete and self.frames > 0))


def _child_main(connection) -> None:
    """The child: serve requests until told to quit or the parent has gone."""
    from judgeapp.video.opencv_threads import opencv_in_calling_threads

    opencv_in_calling_threads()  # before the listening and analysis threads start
    if hasattr(os, "nice"):
        try:
            os.nice(CHILD_NICE)
        except OSError:
            pass
    send_lock = threading.Lock()
    requests: queue.Queue = queue.Queue()
    current: dict[int, CancelToken] = {}
    # Jobs cancelled before they started (a cancel sent while the child still builds networks
    # or serves the request before): their token is cancelled the moment they start.
    cancelled_early: set[int] = set()
    jobs_lock = threading.Lock()

    def send(message: tuple) -> None:
        with send_lock:
            try:
                connection.send(message)
            except (BrokenPipeError, OSError):
                pass

    def listen() -> None:
        """Requests go to the queue; a cancel reaches the running job's token at once."""
        try:
            while True:
                message = connection.recv()
                if message[0] == "cancel":
                    with jobs_lock:
                        token = current.get(message[1])
                        if token is None:
                            cancelled_early.add(message[1])
                    if token is not None:
                        token.cancel()
                elif message[0] == "quit":
                    break
                else:
                    requests.put(message)
        except (EOFError, OSError):
            pass
        with jobs_lock:
            tokens = list(current.values())
        for token in tokens:
            token.cancel()
        requests.put(None)

    from judgeapp.analysis.backbone_pool import BackbonePool  # PyTorch: here, not in the GUI

    pool = BackbonePool()
    send(("progress", _CHILD_JOB, START_STAGE, 1, 1))  # PyTorch imported: the child is up
    threading.Thread(target=listen, name="judgeapp-listener", daemon=True).start()
    prepared: set[AnalysisRequest] = set()
    while (message := requests.get()) is not None:
        if message[0] == "prepare":
            request = AnalysisRequest(**message[1])
            if request not in prepared:
                _prepare(pool, request, send)
                prepared.add(request)
            continue
        _, job, path, request, sha256, shape = message
        token = CancelToken()
        with jobs_lock:
            current[job] = token
            if job in cancelled_early:
                cancelled_early.discard(job)
                token.cancel()
        try:
            _serve(send, pool, job, path, AnalysisRequest(**request), sha256, shape, token)
        finally:
            current.pop(job, None)
    connection.close()
    _end_now()


def _end_now() -> None:
    """End the child without Python's own ending: unloading PyTorch and OpenVINO took 1.2-1.4 s
    (benchmarks/quit_time.py), and quitting the app waited for it. Nothing is lost: the child's
    files (the feature cache, converted networks) are written, atomically, during the analysis,
    and every thread it started has ended with its request."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    os._exit(0)


def _first_conversion(engine: str) -> bool:
    """True when the networks will be converted for OpenVINO (nothing converted on this machine
    yet): the words then say that this takes about a minute, once."""
    if engine != "openvino":
        return False
    from judgeapp.features.engines import model_cache_dir

    try:
        return not any(model_cache_dir().glob("*/model.xml"))
    except OSError:
        return True


def _prepare(pool, request: AnalysisRequest, send: Callable[[tuple], None]) -> None:
    """Build the request's networks ahead of its first video (errors wait for the analysis),
    saying so: ("progress", _CHILD_JOB, stage, done, 2), backbones then the athlete finder."""
    from judgeapp.analysis.backbone_pool import engine_choice
    from judgeapp.analysis.options import DEFAULT_PROFILE
    from judgeapp.app.analysis_run import options_for
    from judgeapp.features.profiles import get_profile

    options = options_for(request)
    try:
        choice = engine_choice(options)
        stage = CONVERT_STAGE if _first_conversion(choice.engine) else PREPARE_STAGE
        send(("progress", _CHILD_JOB, stage, 0, 2))
        profile = get_profile(options.profile or DEFAULT_PROFILE)
        pool.backbones(profile, options, choice)
        send(("progress", _CHILD_JOB, stage, 1, 2))
        pool.detector(options)
        send(("progress", _CHILD_JOB, stage, 2, 2))
    except Exception:  # noqa: BLE001 - the real request reports it with its own message
        pass


class _DecodeWatch:
    """In the child: the analysis's `on_frame`. Counts the frames its decoding pass reads and
    says so ("decode" progress) until the analysis's first stage of its own speaks; passes
    each frame on to the frame sender, if any."""

    def __init__(self, send, job: int, total: int, sender: _FrameSender | None) -> None:
        self._send, self._job, self._total, self._sender = send, job, total, sender
        self.frames = 0
        self.stages_heard = False

    def progress(self, p: Progress) -> None:
        self.stages_heard = True
        self._send(("progress", self._job, p.stage, p.done, p.total))

    def __call__(self, frame) -> None:
        self.frames += 1
        if not self.stages_heard and self.frames % _DECODE_REPORT_EVERY == 0:
            total = max(self._total, self.frames) if self._total else 0
            self._send(("progress", self._job, "decode", self.frames, total))
        if self._sender is not None:
            self._sender(frame)


def _serve(send, pool, job, path, request, sha256, shape, token) -> None:
    sender = _FrameSender(send, job, shape) if shape is not None else None
    watch = _DecodeWatch(send, job, shape["expected_frames"] if shape else 0, sender)
    complete = False
    try:
        outcome = run_analysis(
            path,
            request,
            progress=watch.progress,
            cancel=token,
            pool=pool,
            sha256=sha256 or None,
            # Without a frame cache to fill, the pass keeps converting only the frames it
            # samples (a sink makes it convert every frame): no decode words then, the
            # analysis's own stages follow within a second or two.
            on_frame=watch if sender is not None else None,
        )
        complete = True
    except Cancelled:
        outcome = None
        send_outcome: tuple = ("cancelled", job)
    except JudgeappError as exc:
        outcome = None
        send_outcome = ("error", job, type(exc).__name__, str(exc))
    except BaseException as exc:  # one line for the GUI, never a traceback
        outcome = None
        send_outcome = ("error", job, "JudgeappError", f"unexpected {type(exc).__name__}: {exc}")
    if sender is not None:
        sender.finish(complete)
    if isinstance(outcome, NoModel):
        send(("no-model", job))
    elif outcome is not None:
        send(("done", job, outcome.result.to_dict(), asdict(outcome.facts)))
    else:
        send(send_outcome)
