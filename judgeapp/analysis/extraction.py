"""From a video to the features of both streams, in one decoding pass, stages overlapped.

Four stages run at once, each in its own thread, linked by bounded queues:

    decode --> (dynamic frames, batched into clips) --> dynamic network
           `-> (1 fps frames) --> person detection --> (athlete crops) --> static network

This thread only routes: it takes the decoded samples, batches them and hands the batches on.
Decoding (FFmpeg), detection (OpenCV) and the networks (PyTorch, OpenVINO) release the GIL, so
an analysis takes about as long as its slowest stage rather than the sum of all of them. The
queue bounds keep memory flat however long the video is. `StageClock` counts each stage's own
busy time (in its thread).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from judgeapp.core.errors import Cancelled, VideoError
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.core.results import VideoInfo
from judgeapp.detect import PersonDetector, detector_warning, largest_box
from judgeapp.features.profiles import get_profile
from judgeapp.features.video_features import VideoFeatures
from judgeapp.video import SEGMENT_FRAMES, SamplingPlan, iter_samples, plan_sampling
from judgeapp.video.decode import FrameSink

_QUEUE_ITEMS = 16
_BATCHES_WAITING = 2  # batches queued ahead of each network / the detector
_DONE = object()


@dataclass
class StageClock:
    """Seconds spent in each stage of one extraction (decoding counted in its own thread)."""

    seconds: dict[str, float] = field(
        default_factory=lambda: {"decode": 0.0, "detect": 0.0, "dynamic": 0.0, "static": 0.0}
    )

    def timed(self, stage: str, fn: Callable, *args):
        start = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.seconds[stage] += time.perf_counter() - start

    @contextlib.contextmanager
    def paused(self, stage: str) -> Iterator[None]:
        """Inside `timed(stage, ...)`: time spent here (waiting for the next stage) is not the
        stage's own work, so it is taken off again."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] -= time.perf_counter() - start


@dataclass(frozen=True)
class _DynamicFrame:
    sample: int
    image: np.ndarray  # already prepared for the dynamic backbone


@dataclass(frozen=True)
class _StaticFrame:
    time_s: float
    index: int
    image: np.ndarray  # full resolution RGB, needed for detection and cropping


def _decode_into(
    out: queue.Queue,
    path: Path,
    info: VideoInfo,
    plan: SamplingPlan,
    prepare_frame: Callable[[np.ndarray], np.ndarray],
    static_frame: Callable[[np.ndarray], np.ndarray],
    stop: threading.Event,
    clock: StageClock,
    on_frame: FrameSink | None = None,
) -> None:
    """Producer: decode once, put prepared dynamic frames and full static frames (after the
    profile's `static_frame` step) on `out`."""

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    try:
        samples = iter_samples(path, info, plan, on_frame)
        while True:
            start = time.perf_counter()
            sampled = next(samples, None)
            if sampled is None:
                clock.seconds["decode"] += time.perf_counter() - start
                break
            if sampled.stream == "dynamic":
                item: object = _DynamicFrame(sampled.sample, prepare_frame(sampled.frame.image))
            else:
                image = static_frame(sampled.frame.image)
                item = _StaticFrame(sampled.frame.time_s, sampled.frame.index, image)
            clock.seconds["decode"] += time.perf_counter() - start
            if not put(item):
                return
        put(_DONE)
    except BaseException as exc:  # handed to the consumer, which re-raises it
        put(exc)


def _consume(out: queue.Queue) -> Iterator[object]:
    """Items from the decoding thread until it is done; its exception is raised here."""
    while True:
        item = out.get()
        if item is _DONE:
            return
        if isinstance(item, BaseException):
            raise item
        yield item


class _Stage:
    """A worker thread that runs `work` on each submitted batch, in order.

    Its queue holds `_BATCHES_WAITING` batches, so a slow stage holds back the ones feeding it
    instead of letting work pile up. The first exception stops every stage (`stop`) and is
    raised in the routing thread by `submit` or `close`.
    """

    def __init__(
        self,
        name: str,
        work: Callable[[object], int],
        clock: StageClock,
        stop: threading.Event,
        lock: contextlib.AbstractContextManager | None = None,
    ) -> None:
        self.name = name
        self.units = 0  # what `work` reports done (segments, frames), for progress
        self.error: BaseException | None = None
        self._work = work
        self._clock = clock
        self._stop = stop
        self._lock = lock or contextlib.nullcontext()
        self._queue: queue.Queue = queue.Queue(maxsize=_BATCHES_WAITING)
        self._thread = threading.Thread(target=self._loop, name=f"judgeapp-{name}", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while (item := self._queue.get()) is not _DONE:
            if self._stop.is_set():
                continue  # drain without working
            try:
                with self._lock:
                    self.units += self._clock.timed(self.name, self._work, item)
            except BaseException as exc:
                self.error = exc
                self._stop.set()

    def _put(self, item: object) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def submit(self, item: object) -> None:
        """Queue a batch (waits while the stage is `_BATCHES_WAITING` behind)."""
        self.raise_error()
        self._put(item)
        self.raise_error()

    def close(self) -> None:
        """Wait until every queued batch is done; raise the stage's exception, if any."""
        self._put(_DONE)
        self._thread.join()
        self.raise_error()

    def abort(self) -> None:
        """Stop without finishing the queued batches (cancel, or another stage failed)."""
        self._stop.set()
        self._put(_DONE)
        self._thread.join()

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error


def crop_box(image: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The pixels inside `box` (x1, y1, x2, y2), at least one pixel wide and high."""
    x1, y1, x2, y2 = (int(round(v)) for v in box)
    return image[max(y1, 0) : max(y2, y1 + 1), max(x1, 0) : max(x2, x1 + 1)]


def extract_video_features(
    path: str | Path,
    info: VideoInfo,
    profile_name: str,
    dynamic_backbone,
    static_backbone,
    detector: PersonDetector,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    segments_per_batch: int = 4,
    frames_per_batch: int = 8,
    clock: StageClock | None = None,
    overlap_networks: bool | None = None,
    on_frame: FrameSink | None = None,
) -> VideoFeatures:
    """Decode `path` once and return the features of both streams.

    overlap_networks: run the two networks at the same time (None: when both run through
    OpenVINO, whose thread pools share the cores well; PyTorch's would fight over them, so they
    take turns and overlap with decoding and detection only).
    on_frame: receives every decoded frame of the pass, in the decoding thread (the GUI fills
    its frame cache from it, so the video is decoded once); not called for clip profiles.

    Raises VideoError for a video too short for one segment or that fails mid-way, and
    Cancelled when `cancel` is set (checked between samples).
    """
    path = Path(path)
    cancel = cancel or CancelToken()
    clock = clock or StageClock()
    profile = get_profile(profile_name)
    if not profile.has_static:  # `vst`: 32-frame clips at 25 fps, no static stream
        from judgeapp.analysis.clip_extraction import extract_clip_features

        return extract_clip_features(
            path, info, profile, dynamic_backbone, progress, cancel, segments_per_batch, clock
        )
    plan = plan_sampling(info.duration_s, profile.sampling)
    if plan.segments == 0:
        raise VideoError(
            f"{path}: too short ({info.duration_s:.1f} s): one 16-frame segment at 5 fps "
            "needs at least 3.2 s"
        )
    if overlap_networks is None:
        overlap_networks = all(
            getattr(b, "engine", "torch") == "openvino" for b in (dynamic_backbone, static_backbone)
        )
    seg_times = np.asarray(plan.dynamic_times_s, dtype=np.float64)
    total_units = plan.segments + len(plan.static_times_s)

    dyn_rows: list[np.ndarray] = []
    static_rows: list[np.ndarray] = []
    static_time_s: list[float] = []
    static_frame: list[int] = []
    static_box: list[tuple[float, float, float, float]] = []
    crops: list[np.ndarray] = []  # filled by the detection stage, drained into the static one
    # Whole frames, already shrunk, in case no frame at all shows a person.
    whole: list[tuple[float, int, np.ndarray]] = []

    def embed_clips(batch: np.ndarray) -> int:
        dyn_rows.append(dynamic_backbone.embed(batch))
        return len(batch)

    def embed_crops(batch: np.ndarray) -> int:
        static_rows.append(static_backbone.embed(batch))
        return 0

    def detect(frames: list[_StaticFrame]) -> int:
        boxes = detector.detect([f.image for f in frames])
        for frame, frame_boxes in zip(frames, boxes, strict=True):
            whole.append((frame.time_s, frame.index, static_backbone.prepare_crop(frame.image)))
            best = largest_box(frame_boxes)
            if best is None:
                continue
            box = (best.x1, best.y1, best.x2, best.y2)
            crops.append(static_backbone.prepare_crop(crop_box(frame.image, box)))
            static_time_s.append(frame.time_s)
            static_frame.append(frame.index)
            static_box.append(box)
            if len(crops) >= frames_per_batch:
                with clock.paused("detect"):  # waiting for the static network
                    static_stage.submit(np.stack(crops))
                crops.clear()
        return len(frames)

    # Two events: a failing stage stops the other stages (not the decoder, whose frames the
    # routing loop keeps taking until it notices); the end of the routing stops the decoder.
    stop = threading.Event()
    stages_stop = threading.Event()
    lock = None if overlap_networks else threading.Lock()
    dynamic_stage = _Stage("dynamic", embed_clips, clock, stages_stop, lock)
    static_stage = _Stage("static", embed_crops, clock, stages_stop, lock)
    detect_stage = _Stage("detect", detect, clock, stages_stop)
    stages = (dynamic_stage, detect_stage, static_stage)
    reported = [0, 0]  # dynamic segments, detected frames

    def report() -> None:
        now = [dynamic_stage.units, detect_stage.units]
        if now[1] != reported[1]:  # each stage that moved is reported, the total rising
            progress(Progress("detect", reported[0] + now[1], total_units))
        if now[0] != reported[0]:
            progress(Progress("dynamic", sum(now), total_units))
        reported[:] = now

    frames_q: queue.Queue = queue.Queue(maxsize=_QUEUE_ITEMS)
    decoder = threading.Thread(
        target=_decode_into,
        args=(
            frames_q,
            path,
            info,
            plan,
            dynamic_backbone.prepare_frame,
            profile.static_frame,
            stop,
            clock,
            on_frame,
        ),
        name="judgeapp-decode",
        daemon=True,
    )
    decoder.start()
    clip: list[np.ndarray] = []
    clips: list[np.ndarray] = []
    pending_static: list[_StaticFrame] = []
    finished = False
    try:
        for item in _consume(frames_q):
            cancel.raise_if_cancelled()
            if isinstance(item, _DynamicFrame):
                clip.append(item.image)
                if len(clip) == SEGMENT_FRAMES:
                    clips.append(np.stack(clip))
                    clip.clear()
                    if len(clips) >= segments_per_batch:
                        dynamic_stage.submit(np.stack(clips))
                        clips.clear()
            else:
                pending_static.append(item)
                if len(pending_static) >= frames_per_batch:
                    detect_stage.submit(list(pending_static))
                    pending_static.clear()
            report()
        cancel.raise_if_cancelled()
        if clips:
            dynamic_stage.submit(np.stack(clips))
        if pending_static:
            detect_stage.submit(list(pending_static))
        detect_stage.close()
        if crops:
            static_stage.submit(np.stack(crops))
            crops.clear()
        static_stage.close()
        dynamic_stage.close()
        report()
        finished = True
    finally:
        stop.set()
        while decoder.is_alive():
            try:
                frames_q.get(timeout=0.05)
            except queue.Empty:
                pass
        decoder.join()
        if not finished:
            for stage in stages:
                stage.abort()

    warnings: list[str] = []
    if (note := detector_warning(detector)) is not None:
        warnings.append(note)
    whole_frames = not static_rows
    if whole_frames:
        warnings.append(
            "no person was detected in any 1 fps frame: the static stream used whole frames"
        )
        for time_s, index, image in whole:
            crops.append(image)
            static_time_s.append(time_s)
            static_frame.append(index)
            static_box.append((0.0, 0.0, float(info.width), float(info.height)))
        for i in range(0, len(crops), frames_per_batch):
            clock.timed("static", embed_crops, np.stack(crops[i : i + frames_per_batch]))
    if not static_rows:
        raise VideoError(f"{path}: no frame could be sampled for the static stream")

    dynamic = np.concatenate(dyn_rows).astype(np.float32)
    if len(dynamic) != plan.segments:
        raise VideoError(
            f"{path}: decoded {len(dynamic)} of {plan.segments} segments (truncated file?)"
        )
    starts = seg_times[::SEGMENT_FRAMES][: plan.segments]
    return VideoFeatures(
        profile=profile_name,
        dynamic=dynamic,
        segment_start_s=starts,
        segment_end_s=starts + SEGMENT_FRAMES / 5.0,
        static=np.concatenate(static_rows).astype(np.float32),
        static_time_s=np.asarray(static_time_s, dtype=np.float64),
        static_frame=np.asarray(static_frame, dtype=np.int64),
        static_box=np.asarray(static_box, dtype=np.float64).reshape(-1, 4),
        detector=detector.name,
        static_whole_frames=whole_frames,
        warnings=warnings,
        engine=getattr(dynamic_backbone, "engine", ""),
        precision=getattr(dynamic_backbone, "precision", ""),
    )


__all__ = ["Cancelled", "StageClock", "extract_video_features"]
