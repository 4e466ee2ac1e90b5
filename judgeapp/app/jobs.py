"""One runner for every background job: analysis, export, batch, downloads, library loads.

A `JobRunner` owns at most one current job. Starting a new one retires the current one
(cancelled; its outcome is never delivered), so a late result cannot show on the wrong video
or window. Outcomes and progress reach the owner through `deliver`, a function that runs a callable
on the owner's thread: the GUI passes one that queues onto the Qt main thread (ui/workers.py),
tests and scripts pass `call_now`. No Qt here.

A job is a plain function `fn(progress, cancel)`; it reports with `progress(Progress)` and checks
`cancel` (a CancelToken) between steps. Every job thread registers while it runs, so tests and
shutdown code can check that none is left (`live_job_threads`).
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback

Deliver = Callable[[Callable[[], None]], None]
JobFn = Callable[[ProgressCallback, CancelToken], Any]

BACKGROUND_NICE = 10
_LIVE: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
_LIVE_LOCK = threading.Lock()


def call_now(fn: Callable[[], None]) -> None:
    """A `deliver` that runs the callable at once, on the job's own thread (tests, scripts)."""
    fn()


def live_job_threads() -> list[threading.Thread]:
    """The job threads that are running now, from every runner."""
    with _LIVE_LOCK:
        return [t for t in _LIVE if t.is_alive()]


def error_text(exc: BaseException) -> str:
    """One readable line for any failure (expected ones carry their own message)."""
    if isinstance(exc, JudgeappError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "out of memory"
    return f"unexpected {type(exc).__name__}: {exc}"


def lower_this_thread_priority() -> None:
    """Let the interactive thread win the CPU over background work (call from the job thread).

    On Linux the thread's nice value is raised; threads it starts (decoders, PyTorch's pool)
    inherit it. Elsewhere nothing changes.
    """
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
        except OSError:
            pass  # not permitted here: run at normal priority


@dataclass(eq=False)
class Job:
    """One started job. `done` is set when its thread has finished (delivered or not)."""

    name: str
    token: CancelToken = field(default_factory=CancelToken)
    done: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def cancel(self) -> None:
        self.token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled


@dataclass(frozen=True)
class Handlers:
    """What to call, on the owner's thread, when a job reports or ends."""

    on_done: Callable[[Any], None] | None = None
    on_failed: Callable[[str], None] | None = None
    on_cancelled: Callable[[], None] | None = None
    on_progress: Callable[[Progress], None] | None = None


class JobRunner:
    """Runs one job at a time for its owner; see the module docstring."""

    def __init__(self, deliver: Deliver = call_now, name: str = "judgeapp-job") -> None:
        self._deliver = deliver
        self._name = name
        self._current: Job | None = None
        self._all: list[Job] = []  # current and retired jobs whose threads may still run

    @property
    def current(self) -> Job | None:
        """The job whose outcome will be delivered (None when idle)."""
        return self._current

    @property
    def busy(self) -> bool:
        return self._current is not None

    def start(
        self,
        fn: JobFn,
        *,
        name: str = "",
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        background: bool = False,
    ) -> Job:
        """Retire the current job (cancelled, never delivered) and start `fn` in a new thread.

        `background` lowers the job thread's priority (long jobs: analysis, frame cache).
        """
        self.retire()
        handlers = Handlers(on_done, on_failed, on_cancelled, on_progress)
        job = Job(name or self._name)
        thread = threading.Thread(
            target=self._run, args=(job, fn, handlers, background), name=job.name, daemon=True
        )
        job.thread = thread
        self._current = job
        self._all = [j for j in self._all if not j.done.is_set()] + [job]
        with _LIVE_LOCK:
            _LIVE.add(thread)
        thread.start()
        return job

    def cancel(self) -> None:
        """Ask the current job to stop; its `on_cancelled` follows once it has."""
        if self._current is not None:
            self._current.cancel()

    def retire(self) -> None:
        """Cancel the current job and drop it: nothing more of it is delivered."""
        job, self._current = self._current, None
        if job is not None:
            job.cancel()

    def shutdown(self, timeout_s: float = 60.0) -> bool:
        """Retire every job and wait for their threads; False if one is still running."""
        self.retire()
        for job in self._all:
            job.cancel()
        ok = all(job.done.wait(timeout_s) for job in self._all)
        for job in self._all:
            if job.thread is not None:
                job.thread.join(5.0)  # done is set: the thread is only returning
        self._all = [j for j in self._all if not j.done.is_set()]
        return ok

    # ----------------------------------------------------------------------------- job thread

    def _run(self, job: Job, fn: JobFn, handlers: Handlers, background: bool) -> None:
        if background:
            lower_this_thread_priority()

        def progress(report: Progress) -> None:
            if handlers.on_progress is not None and not job.cancelled:
                self._deliver(lambda: self._is_current(job) and handlers.on_progress(report))

        try:
            value = fn(progress, job.token)
        except Cancelled:
            outcome: tuple[str, Any] = ("cancelled", None)
        except BaseException as exc:  # a job never takes the application down
            if job.cancelled:
                outcome = ("cancelled", None)
            else:
                if not isinstance(exc, JudgeappError | MemoryError):
                    traceback.print_exc()
                outcome = ("failed", error_text(exc))
        else:
            outcome = ("cancelled", None) if job.cancelled else ("done", value)
        try:
            self._deliver(lambda: self._finish(job, handlers, *outcome))
        finally:
            job.done.set()

    def _is_current(self, job: Job) -> bool:
        return self._current is job

    def _finish(self, job: Job, handlers: Handlers, kind: str, value: Any) -> None:
        """On the owner's thread: deliver the outcome if the job was not retired meanwhile."""
        if self._current is not job:
            return
        self._current = None
        if kind == "done" and handlers.on_done is not None:
            handlers.on_done(value)
        elif kind == "failed" and handlers.on_failed is not None:
            handlers.on_failed(value)
        elif kind == "cancelled" and handlers.on_cancelled is not None:
            handlers.on_cancelled()
