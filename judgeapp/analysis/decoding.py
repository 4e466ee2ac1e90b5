"""The decoding thread of an extraction and the frames it hands on (its own module, so the
segment and the clip extractions both use it without importing each other).

`decode_into` decodes a video once and puts each sample on a queue, prepared for its stream;
`consume` reads them back in the routing thread and re-raises the decoder's exception there.
`StageClock` counts each stage's own busy time.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from judgeapp.core.results import VideoInfo
from judgeapp.video import SamplingPlan, iter_samples
from judgeapp.video.decode import FrameSink

DONE = object()  # the decoder's last item


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
class DynamicFrame:
    sample: int
    image: np.ndarray  # already prepared for the dynamic backbone


@dataclass(frozen=True)
class StaticFrame:
    time_s: float
    index: int
    image: np.ndarray  # full resolution RGB, needed for detection and cropping


@dataclass(frozen=True)
class PoseFrame:
    time_s: float
    index: int
    image: np.ndarray  # RGB, shrunk to at most POSE_LONG_SIDE_PX
    scale: float  # original pixels per pixel of `image`


POSE_LONG_SIDE_PX = 1280  # the pose model's crops are 256 px: more detail buys nothing


def shrink_for_pose(image: np.ndarray) -> tuple[np.ndarray, float]:
    """`image` with its long side at most POSE_LONG_SIDE_PX, and the factor back."""
    long_side = max(image.shape[:2])
    if long_side <= POSE_LONG_SIDE_PX:
        return image, 1.0
    factor = POSE_LONG_SIDE_PX / long_side
    size = (round(image.shape[1] * factor), round(image.shape[0] * factor))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), 1.0 / factor


def decode_into(
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
    """Producer: decode once, put prepared dynamic frames, full static frames (after the
    profile's `static_frame` step) and, where the plan has pose samples, frames shrunk for the
    pose model on `out`."""

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
            if sampled.stream == "pose":
                shrunk, scale = shrink_for_pose(sampled.frame.image)
                item: object = PoseFrame(sampled.frame.time_s, sampled.frame.index, shrunk, scale)
            elif sampled.stream == "dynamic":
                item = DynamicFrame(sampled.sample, prepare_frame(sampled.frame.image))
            else:
                image = static_frame(sampled.frame.image)
                item = StaticFrame(sampled.frame.time_s, sampled.frame.index, image)
            clock.seconds["decode"] += time.perf_counter() - start
            if not put(item):
                return
        put(DONE)
    except BaseException as exc:  # handed to the consumer, which re-raises it
        put(exc)


def consume(out: queue.Queue) -> Iterator[object]:
    """Items from the decoding thread until it is done; its exception is raised here."""
    while True:
        item = out.get()
        if item is DONE:
            return
        if isinstance(item, BaseException):
            raise item
        yield item


def stop_decoding(decoder: threading.Thread, out: queue.Queue, stop: threading.Event) -> None:
    """Ask the decoding thread to stop, take what it still puts on `out` (so that it is not left
    waiting on a full queue) and wait for it to end."""
    stop.set()
    while decoder.is_alive():
        try:
            out.get(timeout=0.05)
        except queue.Empty:
            pass
    decoder.join()
