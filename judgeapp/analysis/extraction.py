"""From a video to the features of both streams, in one decoding pass.

A decoding thread walks the file once and hands the sampled frames over a bounded queue (the
dynamic stream's frames already shrunk to the network's input size); this thread batches them
through the person detector and the two backbones. Decoding (FFmpeg, OpenCV) and the networks
(PyTorch) release the GIL, so the two overlap; the queue bound keeps memory flat however long
the video is.
"""

from __future__ import annotations

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

_QUEUE_ITEMS = 16
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
        samples = iter_samples(path, info, plan)
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
) -> VideoFeatures:
    """Decode `path` once and return the features of both streams.

    Raises VideoError for a video too short for one segment or that fails mid-way, and
    Cancelled when `cancel` is set (checked between batches).
    """
    path = Path(path)
    cancel = cancel or CancelToken()
    clock = clock or StageClock()
    profile = get_profile(profile_name)
    plan = plan_sampling(info.duration_s, profile.sampling)
    if plan.segments == 0:
        raise VideoError(
            f"{path}: too short ({info.duration_s:.1f} s): one 16-frame segment at 5 fps "
            "needs at least 3.2 s"
        )
    seg_times = np.asarray(plan.dynamic_times_s, dtype=np.float64)
    total_units = plan.segments + len(plan.static_times_s)
    done_units = 0

    dyn_rows: list[np.ndarray] = []
    clip: list[np.ndarray] = []
    clips: list[np.ndarray] = []
    pending_static: list[_StaticFrame] = []
    crops: list[np.ndarray] = []
    static_rows: list[np.ndarray] = []
    static_time_s: list[float] = []
    static_frame: list[int] = []
    static_box: list[tuple[float, float, float, float]] = []
    # Whole frames, already shrunk, in case no frame at all shows a person.
    whole: list[tuple[float, int, np.ndarray]] = []

    def report(stage: str, units: int) -> None:
        nonlocal done_units
        done_units += units
        progress(Progress(stage, done_units, total_units))

    def flush_clips() -> None:
        if clips:
            batch = np.stack(clips)
            dyn_rows.append(clock.timed("dynamic", dynamic_backbone.embed, batch))
            report("dynamic", len(clips))
            clips.clear()

    def flush_crops() -> None:
        if crops:
            static_rows.append(clock.timed("static", static_backbone.embed, np.stack(crops)))
            crops.clear()

    def flush_static() -> None:
        if not pending_static:
            return
        images = [f.image for f in pending_static]
        boxes = clock.timed("detect", detector.detect, images)
        for frame, frame_boxes in zip(pending_static, boxes, strict=True):
            height, width = frame.image.shape[:2]
            whole.append((frame.time_s, frame.index, static_backbone.prepare_crop(frame.image)))
            best = largest_box(frame_boxes)
            if best is None:
                continue
            box = (best.x1, best.y1, best.x2, best.y2)
            crops.append(
                clock.timed("static", static_backbone.prepare_crop, crop_box(frame.image, box))
            )
            static_time_s.append(frame.time_s)
            static_frame.append(frame.index)
            static_box.append(box)
        report("detect", len(pending_static))
        pending_static.clear()
        if len(crops) >= frames_per_batch:
            flush_crops()

    frames_q: queue.Queue = queue.Queue(maxsize=_QUEUE_ITEMS)
    stop = threading.Event()
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
        ),
        name="judgeapp-decode",
        daemon=True,
    )
    decoder.start()
    try:
        for item in _consume(frames_q):
            cancel.raise_if_cancelled()
            if isinstance(item, _DynamicFrame):
                clip.append(item.image)
                if len(clip) == SEGMENT_FRAMES:
                    clips.append(np.stack(clip))
                    clip.clear()
                    if len(clips) >= segments_per_batch:
                        flush_clips()
            else:
                pending_static.append(item)
                if len(pending_static) >= frames_per_batch:
                    flush_static()
        cancel.raise_if_cancelled()
        flush_clips()
        flush_static()
        flush_crops()
    finally:
        stop.set()
        while decoder.is_alive():
            try:
                frames_q.get(timeout=0.05)
            except queue.Empty:
                pass
        decoder.join()

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
            if len(crops) >= frames_per_batch:
                flush_crops()
        flush_crops()
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
    )


__all__ = ["Cancelled", "StageClock", "extract_video_features"]
