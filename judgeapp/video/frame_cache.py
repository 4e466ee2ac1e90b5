"""Frame-accurate random access to a video: a compressed decoded-frame cache and direct reads.

Judges jump anywhere and step frame by frame. A file with few keyframes (juggle_720p24.mp4 has
one) makes every seek decode from the start, so one sequential pass stores every decoded frame as
JPEG in memory; showing frame i is then one JPEG decode. Frames are numbered exactly as
`iter_frames` numbers them, so the cache holds the same frame a sequential decode gives.

Why JPEG: lossless codecs are too slow or too big for real footage (PNG of a 720p frame of grass
takes ~250 ms to encode and 1.7 MB; raw RGB is 2.7 MB), while JPEG at quality 90 encodes and
decodes in a few milliseconds at ~1/8 of the raw size. Its error (~34 dB PSNR on grass) is well
below the difference between neighbouring frames, so the frame shown is always recognisably the
requested one; when pixels must be exact (zoom 1:1 on a reduced entry), `DirectReader` decodes
the original.

Memory stays bounded: the cache has a byte budget; when the projected size of the whole video
exceeds it, later frames are stored at a reduced size, and once the budget is spent nothing more
is stored (those frames are read directly). Until a frame is cached, `FrameSource` falls back to
`DirectReader` (an FFmpeg seek, or reading on when the frame is just ahead).

No Qt here: the GUI runs `fill_cache` and `FrameSource.frame` in its own worker threads.
"""

from __future__ import annotations

import bisect
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from judgeapp.core.errors import VideoError
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.core.results import VideoInfo
from judgeapp.video.decode import iter_frames
from judgeapp.video.probe import open_capture

DEFAULT_BUDGET_BYTES = 384 * 1024 * 1024
DEFAULT_JPEG_QUALITY = 90
MAX_SIDE_PX = 1920  # larger frames are stored at this size; the view scales them to the video's
MIN_SIDE_PX = 320  # never shrink entries below this (longest side)
_PROJECTION_MIN_FRAMES = 4  # frames stored before the projected total is trusted
_BUDGET_HEADROOM = 0.9  # aim below the budget, because the estimate is noisy


@dataclass(frozen=True)
class VideoFrame:
    """One frame to show: its index, timestamp, RGB pixels, and how it was obtained.

    `exact` is True when the pixels are the decoder's own (a direct read), False for a cache
    entry (JPEG, possibly at reduced size).
    """

    index: int
    time_s: float
    image: np.ndarray
    exact: bool


def _encode_jpeg(rgb: np.ndarray, quality: int) -> bytes:
    ok, buf = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise VideoError("a decoded frame could not be compressed (JPEG encoder failed)")
    return buf.tobytes()


def _decode_jpeg(data: bytes) -> np.ndarray:
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


class FrameCache:
    """Decoded frames of one video, JPEG-compressed in memory under a byte budget.

    Thread-safe: one thread fills it (`put`) while others read (`get`).
    """

    def __init__(
        self,
        expected_frames: int,
        width: int,
        height: int,
        budget_bytes: int = DEFAULT_BUDGET_BYTES,
        quality: int = DEFAULT_JPEG_QUALITY,
        max_side_px: int = MAX_SIDE_PX,
    ) -> None:
        self.expected_frames = max(1, int(expected_frames))
        self.width = int(width)
        self.height = int(height)
        self.budget_bytes = int(budget_bytes)
        self.quality = int(quality)
        self.max_side_px = int(max_side_px)
        longest = max(self.width, self.height, 1)
        self._scale = min(1.0, max_side_px / longest)
        self._min_scale = min(1.0, MIN_SIDE_PX / longest)
        self._lock = threading.Lock()
        self._jpeg: dict[int, bytes] = {}
        self._times: dict[int, float] = {}
        self._bytes = 0
        self._stored = 0  # entries admitted (kept here, or by the cache this one mirrors)
        self._full_size_bytes = 0.0
        self._full = False
        self.complete = False  # set by fill_cache when the whole file has been read
        self.decoded_frames = 0  # frames the filling pass has decoded so far

    # --- filling -------------------------------------------------------------------------------
    def put(self, index: int, time_s: float, rgb: np.ndarray) -> bool:
        """Store a decoded frame; False (and nothing stored) once the budget is spent."""
        entry = self.encode(rgb)
        if entry is None:
            return self.put_encoded(index, time_s, None)
        return self.put_encoded(index, time_s, *entry)

    def encode(self, rgb: np.ndarray) -> tuple[bytes, float] | None:
        """The JPEG entry of a frame at the current size (data, scale); None when full.

        Stores nothing: `put_encoded` does, here or in a cache of another process (the GUI's
        frame cache fills from the frames its analysis process decodes).
        """
        with self._lock:
            if self._full:
                return None
            scale = self._scale
        image = rgb
        if scale < 1.0:
            size = (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale)))
            image = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        return _encode_jpeg(image, self.quality), scale

    def put_encoded(
        self, index: int, time_s: float, data: bytes | None, scale: float = 1.0
    ) -> bool:
        """Store an entry from `encode` (None: only the frame's timestamp is known); False
        when nothing was stored. The budget and size adapt exactly as `put` does."""
        return self._admit(index, time_s, data, scale, keep=True)

    def count_encoded(
        self, index: int, time_s: float, data: bytes | None, scale: float = 1.0
    ) -> bool:
        """Account for an entry as `put_encoded` would, without keeping its bytes: a mirror
        that decides sizes for a cache in another process. True when that cache will store it."""
        return self._admit(index, time_s, data, scale, keep=False)

    def _admit(
        self, index: int, time_s: float, data: bytes | None, scale: float, keep: bool
    ) -> bool:
        with self._lock:
            self._times[index] = float(time_s)
            self.decoded_frames = max(self.decoded_frames, index + 1)
            if data is None or self._full:
                return False
            if self._bytes + len(data) > self.budget_bytes:
                self._full = True
                return False
            if keep:
                self._jpeg[index] = data
            self._stored += 1
            self._bytes += len(data)
            self._full_size_bytes += len(data) / scale**2
            self._adapt_scale()
        return True

    def _adapt_scale(self) -> None:
        """Shrink later entries when the whole video, at the current rate, would not fit.

        JPEG size grows roughly with the pixel count, so each entry's size divided by its scale
        squared estimates what a full-size entry costs.
        """
        stored = self._stored
        remaining = self.expected_frames - stored
        if stored < _PROJECTION_MIN_FRAMES or remaining <= 0:
            return
        full_size_bytes = self._full_size_bytes / stored
        projected = self._bytes + remaining * full_size_bytes * self._scale**2
        target = self.budget_bytes * _BUDGET_HEADROOM
        if projected > target:
            room = max(target - self._bytes, 0.0)
            fitting = math.sqrt(room / (remaining * full_size_bytes))
            self._scale = max(self._min_scale, min(self._scale, fitting))

    # --- reading -------------------------------------------------------------------------------
    def get(self, index: int) -> np.ndarray | None:
        """The RGB frame at `index` (possibly at reduced size), or None when not cached."""
        with self._lock:
            data = self._jpeg.get(index)
        return None if data is None else _decode_jpeg(data)

    def __contains__(self, index: int) -> bool:
        with self._lock:
            return index in self._jpeg

    def time_of(self, index: int) -> float | None:
        """The container timestamp of a frame the filling pass has decoded, else None."""
        with self._lock:
            return self._times.get(index)

    def times_known(self) -> list[float]:
        """Timestamps of frames 0..k-1, for the longest prefix the filling pass has decoded."""
        with self._lock:
            out: list[float] = []
            while len(out) in self._times:
                out.append(self._times[len(out)])
            return out

    @property
    def cached_frames(self) -> int:
        with self._lock:
            return len(self._jpeg)

    @property
    def bytes_used(self) -> int:
        with self._lock:
            return self._bytes

    @property
    def full(self) -> bool:
        """True once the budget was spent and frames were left out."""
        with self._lock:
            return self._full

    @property
    def scale(self) -> float:
        """The size factor new entries are stored at (1.0 = the video's own size)."""
        with self._lock:
            return self._scale


def fill_cache(
    cache: FrameCache,
    path: str | Path,
    info: VideoInfo | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    report_every: int = 8,
) -> None:
    """Decode `path` once, in order, and store every frame in `cache`.

    Raises Cancelled when `cancel` is set (checked between frames) and VideoError when the file
    fails mid-way; what was stored before stays usable either way.
    """
    cancel = cancel or CancelToken()
    total = info.frames if info is not None else cache.expected_frames
    count = 0
    for frame in iter_frames(path, info):
        cancel.raise_if_cancelled()
        cache.put(frame.index, frame.time_s, frame.image)
        count = frame.index + 1
        if count % report_every == 0:
            progress(Progress("cache", count, max(total, count)))
    cache.complete = True
    progress(Progress("cache", count, count))


class DirectReader:
    """Exact frames straight from the file, for frames the cache does not hold (yet).

    Reads on from the current position when the target is at most `read_ahead_frames` ahead
    (sequential decoding, as exact as `iter_frames`), else seeks with FFmpeg. Not thread-safe:
    use it from one thread.
    """

    def __init__(self, path: str | Path, info: VideoInfo, read_ahead_frames: int = 48) -> None:
        self.path = Path(path)
        self.info = info
        self.read_ahead_frames = read_ahead_frames
        self._cap: cv2.VideoCapture | None = None
        self._next = 0  # index of the frame the next read() returns

    def _capture(self) -> cv2.VideoCapture:
        if self._cap is None:
            self._cap = open_capture(self.path)
            self._next = 0
        return self._cap

    def read(self, index: int) -> tuple[float, np.ndarray]:
        """(timestamp, RGB image) of frame `index`; VideoError if it cannot be decoded."""
        cap = self._capture()
        if not (self._next <= index <= self._next + self.read_ahead_frames):
            cap.set(cv2.CAP_PROP_POS_FRAMES, index)
            self._next = index
        while self._next < index:
            if not cap.grab():
                self._reset()
                raise VideoError(f"{self.path}: frame {index} cannot be decoded (past the end?)")
            self._next += 1
        ok, bgr = cap.read()
        if not ok or bgr is None:
            self._reset()
            raise VideoError(f"{self.path}: frame {index} cannot be decoded (past the end?)")
        self._next = index + 1
        msec = cap.get(cv2.CAP_PROP_POS_MSEC)
        time_s = msec / 1000.0 if msec > 0 or index == 0 else index / self.info.fps
        return time_s, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def _reset(self) -> None:
        self.close()

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class FrameSource:
    """Frames of one video by index: from the cache when there, else read directly (exact).

    `frame` may block (a direct read decodes from a keyframe): call it off the GUI thread, from
    one thread at a time.
    """

    def __init__(self, path: str | Path, info: VideoInfo, cache: FrameCache | None = None):
        self.path = Path(path)
        self.info = info
        self.cache = cache or FrameCache(info.frames, info.width, info.height)
        self._reader = DirectReader(self.path, info)
        self._lock = threading.Lock()
        self._closed = False

    @property
    def frame_count(self) -> int:
        """Frames in the video: the decoded count once the cache pass is done, else the header's."""
        if self.cache.complete and self.cache.decoded_frames > 0:
            return self.cache.decoded_frames
        return max(1, self.info.frames)

    def clamp(self, index: int) -> int:
        return int(min(max(index, 0), self.frame_count - 1))

    def frame(self, index: int, exact: bool = False) -> VideoFrame:
        """Frame `index` (clamped to the video); `exact` skips reduced-size cache entries."""
        index = self.clamp(index)
        image = self.cache.get(index)
        if image is not None and not (exact and image.shape[1] < self.info.width):
            return VideoFrame(index, self.time_of(index), image, exact=False)
        with self._lock:
            try:
                time_s, image = self._reader.read(index)
            finally:
                if self._closed:  # closed while this read was running: release the file now
                    self._reader.close()
        return VideoFrame(index, time_s, image, exact=True)

    def time_of(self, index: int) -> float:
        """The frame's container timestamp when known, else index / fps."""
        known = self.cache.time_of(index)
        return known if known is not None else index / self.info.fps

    def index_at(self, time_s: float) -> int:
        """The frame on screen at `time_s`: the last one whose timestamp is <= time_s."""
        return frame_at_time(self.cache.times_known(), time_s, self.info.fps, self.frame_count)

    def close(self) -> None:
        """Release the file; never waits for a read in progress (that read releases it)."""
        self._closed = True
        if self._lock.acquire(blocking=False):
            try:
                self._reader.close()
            finally:
                self._lock.release()


def frame_at_time(known_times_s: list[float], time_s: float, fps: float, frames: int) -> int:
    """Index of the frame showing at `time_s`, from known timestamps, else from the frame rate.

    `known_times_s` holds the timestamps of frames 0..k-1 (k may be 0); beyond them frames are
    assumed to follow at `fps`.
    """
    tolerance_s = 1e-6
    if known_times_s and time_s <= known_times_s[-1] + tolerance_s:
        index = bisect.bisect_right(known_times_s, time_s + tolerance_s) - 1
    else:
        offset_s = known_times_s[-1] if known_times_s else 0.0
        first = len(known_times_s) - 1 if known_times_s else 0
        index = first + math.floor((time_s - offset_s) * fps + tolerance_s)
    return int(min(max(index, 0), max(frames - 1, 0)))
