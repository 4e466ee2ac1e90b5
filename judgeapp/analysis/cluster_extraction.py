"""`judgeapp extract --ray`: the serial extraction of a feature folder, spread over a Ray cluster.

Ray actors (`ExtractWorker`) each hold the serial `BatchExtractor`, so a worker builds the
networks once and keeps them for every video it is given, and runs the very same per-video code
(`extract_one`). Workers return each video's features to the driver, which writes them with
the serial `FeatureSetWriter` (atomic files, the same manifest): the output folder only has to
exist on the driver's machine, while every machine must see the videos at the same path.

Fault tolerance: a worker that dies has its video put back at the head of the queue and a new
worker started; after `retries` deaths on the same video it is reported as failed. A bad video
is reported and the rest go on. Ctrl-C (or `cancel`) kills the workers; what was finished stays.
The manifest is saved every few seconds rather than after each video (its size grows with the
archive), and always at the end: a video counts as finished once its entry is saved.

Ray is the optional extra `judgeapp[cluster]`, imported only here and only when asked for.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from judgeapp.analysis import AnalysisOptions
from judgeapp.analysis.set_extraction import (
    VERSIONED_PACKAGES,
    BatchExtractor,
    ExtractSummary,
    FeatureSetWriter,
    VideoCallback,
    VideoOutcome,
    extract_one,
    open_feature_set,
    package_versions,
    record_outcome,
)
from judgeapp.core.errors import JudgeappError
from judgeapp.core.progress import CancelToken

INSTALL_HINT = "pip install 'judgeapp[cluster]'"
LOCAL = "local"
DEFAULT_RETRIES = 2
POLL_S = 0.5
MIN_SAVE_INTERVAL_S = 2.0


def import_ray():
    """The ray module, or a one-line error saying what to install."""
    try:
        import ray
    except ImportError:
        raise JudgeappError(f"--ray needs Ray, which is not installed: {INSTALL_HINT}") from None
    return ray


@dataclass(frozen=True)
class WorkerInfo:
    """Where one worker runs."""

    node: str
    pid: int
    device: str
    threads: int
    versions: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkerState:
    """One worker as the progress report shows it: what it does now and how much it did."""

    info: WorkerInfo | None  # None while it starts
    video: str | None
    busy_s: float
    done: int


@dataclass(frozen=True)
class ClusterProgress:
    """The whole job: videos to extract in this run, finished (or failed) so far, workers."""

    total: int
    finished: int
    failed: int
    retried: int
    elapsed_s: float
    workers: tuple[WorkerState, ...]

    @property
    def videos_per_min(self) -> float:
        return 60.0 * self.finished / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def videos_per_min_per_worker(self) -> float:
        return self.videos_per_min / max(1, len(self.workers))


ClusterCallback = Callable[[ClusterProgress], None]


@dataclass
class ClusterSummary(ExtractSummary):
    """ExtractSummary plus how often workers died on a video, and the workers that ran."""

    retried: dict[str, int] = field(default_factory=dict)
    workers: list[WorkerInfo] = field(default_factory=list)


@dataclass(frozen=True)
class WorkerPlan:
    """How many actors, on which device, asking Ray for what."""

    count: int
    device: str
    num_cpus: int
    num_gpus: float


def plan_workers(
    resources: dict[str, float],
    device: str,
    cpus_per_worker: int,
    videos: int,
    gpus_per_worker: float = 1.0,
) -> WorkerPlan:
    """One worker per GPU where the cluster has GPUs (unless --device cpu), else one per
    `cpus_per_worker` CPUs; never more workers than videos.

    `gpus_per_worker` below 1 puts several workers on a GPU (0.5: two), so that decoding, which
    runs on the CPU, keeps a fast GPU busy.
    """
    if cpus_per_worker < 1:
        raise JudgeappError(f"--cpus-per-worker {cpus_per_worker}: give 1 or more")
    if not 0 < gpus_per_worker <= 1:
        raise JudgeappError(f"--gpus-per-worker {gpus_per_worker}: give more than 0, at most 1")
    gpus = resources.get("GPU", 0.0)
    cpus = int(resources.get("CPU", 0))
    if device != "cpu" and gpus >= gpus_per_worker:
        count = int(gpus / gpus_per_worker + 1e-9)
        return WorkerPlan(
            max(1, min(count, videos)), "cuda", min(cpus_per_worker, cpus), gpus_per_worker
        )
    if device == "cuda":
        raise JudgeappError("--device cuda: the Ray cluster has no GPUs")
    if cpus < cpus_per_worker:
        raise JudgeappError(
            f"--cpus-per-worker {cpus_per_worker}: the Ray cluster has only {cpus} CPUs"
        )
    return WorkerPlan(max(1, min(cpus // cpus_per_worker, videos)), "cpu", cpus_per_worker, 0)


class JobQueue:
    """Videos waiting for a worker, and bounded retries of those whose worker died."""

    def __init__(self, videos: list[Path], retries: int) -> None:
        self.waiting: deque[Path] = deque(videos)
        self.retries = retries
        self.deaths: dict[str, int] = {}

    def take(self) -> Path | None:
        return self.waiting.popleft() if self.waiting else None

    def worker_died(self, video: Path) -> bool:
        """Count a death on `video`; True when it goes back (first in line) for another try."""
        deaths = self.deaths[video.stem] = self.deaths.get(video.stem, 0) + 1
        if deaths > self.retries:
            return False
        self.waiting.appendleft(video)
        return True


class ExtractWorker:
    """A Ray actor: the serial extractor, its networks built on first use and kept."""

    def __init__(self, options: AnalysisOptions, threads: int) -> None:
        import torch

        with contextlib.suppress(ValueError):  # not the main thread: nothing to do
            # A terminal sends Ctrl-C to all its processes, local workers too: the driver stops
            # the job and kills the workers, so a worker does not die of it mid-video first.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        torch.set_num_threads(threads)
        self.extractor = BatchExtractor(options)
        self.node = socket.gethostname()
        self.threads = threads

    def info(self) -> WorkerInfo:
        versions = package_versions()
        return WorkerInfo(self.node, os.getpid(), self.extractor.device, self.threads, versions)

    def extract(self, video: str) -> VideoOutcome:
        path = Path(video)
        if not path.is_file():
            return VideoOutcome(
                path,
                error=f"{video}: not found on {self.node}; every machine of the cluster must see "
                "the videos at the same path",
            )
        return extract_one(self.extractor, path)


def check_same_versions(worker: WorkerInfo, driver: dict[str, str | None]) -> None:
    """The manifest records the driver's package versions: every worker must have the same."""
    for name in VERSIONED_PACKAGES:
        if worker.versions.get(name) != driver.get(name):
            raise JudgeappError(
                f"Ray worker on {worker.node} has {name} {worker.versions.get(name)}, this "
                f"machine {driver.get(name)}: install the same versions on every machine"
            )


@dataclass(eq=False)
class _Worker:
    handle: Any
    info: WorkerInfo | None = None
    video: Path | None = None
    since: float = 0.0
    done: int = 0


@contextlib.contextmanager
def interrupt_flag() -> Iterator[threading.Event]:
    """Ctrl-C sets a flag that the job's loop checks twice a second.

    Ray's waits can swallow a KeyboardInterrupt raised inside them; a flag set by our own
    handler cannot be lost. Outside the main thread there is no Ctrl-C to handle.
    """
    flag = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: flag.set())
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def check_reachable(address: str | None, timeout_s: float = 10.0) -> None:
    """A HOST:PORT address must answer within seconds: Ray itself retries for many minutes."""
    if not address or address in (LOCAL, "auto") or "://" in address or ":" not in address:
        return
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=timeout_s).close()
    except (OSError, ValueError) as exc:
        raise JudgeappError(
            f"--ray {address}: no Ray cluster answers there ({exc}); start one with "
            "`ray start --head` or check the address"
        ) from None


@contextlib.contextmanager
def ray_session(ray, address: str | None) -> Iterator[None]:
    """Connected to the cluster at `address`, or to a new local one for None / "local".

    An existing connection (ray.init called by the caller) is used as it is and left open.
    """
    check_reachable(address)
    if ray.is_initialized():
        yield
        return
    quiet = {"logging_level": logging.WARNING, "log_to_driver": False}
    try:
        if address in (None, LOCAL):
            ray.init(address=LOCAL, include_dashboard=False, **quiet)
        else:
            ray.init(address=address, **quiet)
    except (ConnectionError, ValueError, RuntimeError, TimeoutError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise JudgeappError(f"--ray {address}: cannot use this Ray cluster ({reason})") from None
    try:
        yield
    finally:
        ray.shutdown()


class _ClusterJob:
    """The driver's loop: hand out videos, collect features, write them, replace dead workers."""

    def __init__(
        self,
        ray,
        writer: FeatureSetWriter,
        summary: ClusterSummary,
        options: AnalysisOptions,
        plan: WorkerPlan,
        queue: JobQueue,
        notify: VideoCallback,
        on_progress: ClusterCallback | None,
    ) -> None:
        self.ray = ray
        self.writer = writer
        self.summary = summary
        self.plan = plan
        self.queue = queue
        self.notify = notify
        self.on_progress = on_progress
        self.total = len(queue.waiting)
        self.actor = ray.remote(ExtractWorker).options(
            num_cpus=plan.num_cpus, num_gpus=plan.num_gpus, max_restarts=0
        )
        self.options = replace(options, device=plan.device)
        self.workers: list[_Worker] = []
        self.calls: dict[Any, _Worker] = {}  # ObjectRef -> the worker that answers it
        self.start_failures = 0
        self.started = time.monotonic()
        self.saved_at = self.started
        self.save_s = 0.0
        self.unsaved = False

    def run(self, cancel: CancelToken | None, interrupted: threading.Event) -> None:
        try:
            for _ in range(self.plan.count):
                self._start_worker()
            while self.queue.waiting or any(w.video for w in self.workers):
                if interrupted.is_set():
                    raise KeyboardInterrupt
                if cancel is not None:
                    cancel.raise_if_cancelled()
                self._dispatch()
                ready, _ = self.ray.wait(list(self.calls), num_returns=1, timeout=POLL_S)
                for ref in ready:
                    self._collect(ref)
                self._save(force=False)
                self._report()
        finally:
            for worker in self.workers:
                self.ray.kill(worker.handle, no_restart=True)
            self._save(force=True)

    def _start_worker(self) -> None:
        worker = _Worker(self.actor.remote(self.options, max(1, self.plan.num_cpus)))
        self.workers.append(worker)
        self.calls[worker.handle.info.remote()] = worker

    def _dispatch(self) -> None:
        for worker in self.workers:
            if worker.info is None or worker.video is not None:
                continue
            video = self.queue.take()
            if video is None:
                return
            worker.video, worker.since = video, time.monotonic()
            self.calls[worker.handle.extract.remote(str(video.absolute()))] = worker
            self.notify(video.stem, "start")

    def _collect(self, ref) -> None:
        worker = self.calls.pop(ref)
        try:
            answer = self.ray.get(ref)
        except self.ray.exceptions.RayActorError as exc:
            self._worker_died(worker, exc)
            return
        except self.ray.exceptions.RayTaskError as exc:
            # Not the video's fault (missing weights) or a bug: stop, as the serial run does.
            raise (exc.cause if isinstance(exc.cause, Exception) else exc) from None
        if worker.video is None:
            check_same_versions(answer, self.writer.manifest["versions"])
            worker.info = answer
            self.summary.workers.append(answer)
            return
        video, worker.video = worker.video, None
        worker.done += 1
        self._record(replace(answer, video=video))

    def _record(self, outcome: VideoOutcome) -> None:
        record_outcome(self.writer, self.summary, outcome, save=False)
        self.unsaved = True
        self.notify(outcome.video.stem, "failed" if outcome.error is not None else "done")

    def _worker_died(self, worker: _Worker, exc: Exception) -> None:
        self.workers.remove(worker)
        where = f"{worker.info.node} pid {worker.info.pid}" if worker.info else "a new worker"
        video = worker.video
        if video is None:
            self.start_failures += 1
            if self.start_failures > self.plan.count + self.queue.retries:
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise JudgeappError(f"Ray workers keep dying as they start ({reason})")
        elif self.queue.worker_died(video):
            self.summary.retried[video.stem] = self.queue.deaths[video.stem]
            self.notify(video.stem, "retry")
        else:
            deaths = self.queue.deaths[video.stem]
            self._record(
                VideoOutcome(
                    video, error=f"{video}: its worker died {deaths} times (last: {where})"
                )
            )
        if self.queue.waiting:
            self._start_worker()

    def _save(self, force: bool) -> None:
        """The manifest, at most every few seconds (and never more than 5% of the time)."""
        now = time.monotonic()
        due = now - self.saved_at >= max(MIN_SAVE_INTERVAL_S, 20 * self.save_s)
        if self.unsaved and (force or due):
            self.writer.save()
            self.saved_at = time.monotonic()
            self.save_s = self.saved_at - now
            self.unsaved = False

    def _report(self) -> None:
        if self.on_progress is None:
            return
        now = time.monotonic()
        states = tuple(
            WorkerState(
                w.info, w.video.stem if w.video else None, now - w.since if w.video else 0.0, w.done
            )
            for w in self.workers
        )
        self.on_progress(
            ClusterProgress(
                total=self.total,
                finished=len(self.summary.extracted) + len(self.summary.failed),
                failed=len(self.summary.failed),
                retried=sum(self.summary.retried.values()),
                elapsed_s=now - self.started,
                workers=states,
            )
        )


def extract_on_cluster(
    videos: list[Path],
    out: str | Path,
    options: AnalysisOptions,
    address: str | None = None,
    cpus_per_worker: int = 1,
    gpus_per_worker: float = 1.0,
    retries: int = DEFAULT_RETRIES,
    on_video: VideoCallback | None = None,
    on_progress: ClusterCallback | None = None,
    cancel: CancelToken | None = None,
) -> ClusterSummary:
    """`extract_feature_set` on a Ray cluster: the same files, the same manifest.

    `address`: a running cluster (HOST:PORT, ray://HOST:PORT, auto) or None / "local" for a new
    one on this machine (an existing `ray.init` connection is used as it is). Workers run with
    `cpus_per_worker` torch threads: features are bit-identical to a serial run with as many.
    On GPUs, each worker asks for `gpus_per_worker` of one (plan_workers).
    `on_video` gets (name, "skipped" | "start" | "done" | "failed" | "retry"); `on_progress`
    a ClusterProgress about twice a second. Raises core.Cancelled when `cancel` is set.
    """
    ray = import_ray()
    options, writer = open_feature_set(videos, out, options)
    summary = ClusterSummary()
    notify = on_video or (lambda _name, _state: None)
    todo = []
    for video in videos:
        if writer.is_done(video.stem):
            summary.skipped.append(video.stem)
            notify(video.stem, "skipped")
        else:
            todo.append(video)
    if not videos:
        writer.save()
    if not todo:
        return summary
    with ray_session(ray, address):
        resources = ray.cluster_resources()
        plan = plan_workers(resources, options.device, cpus_per_worker, len(todo), gpus_per_worker)
        queue = JobQueue(todo, retries)
        job = _ClusterJob(ray, writer, summary, options, plan, queue, notify, on_progress)
        with interrupt_flag() as interrupted:
            job.run(cancel, interrupted)
    return summary
