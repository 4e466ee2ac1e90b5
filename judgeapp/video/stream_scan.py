"""What a video stream really holds, read from its packets rather than its header.

A header can be wrong in ways that make a scorer skip part of a video with no error: two
MPEG-TS recordings joined (the header counts the first), a recording still being written, a
variable-rate file whose count is duration x nominal rate, a browser's WebM with no duration.
The packets are the truth: one per frame for the codecs a camera writes. Reading them costs
about what hashing the file does (demuxing, no decoding), plus one keyframe decoded per
`SIZE_CHECK_EVERY_S` of video to see whether the picture size changes mid-stream, which
OpenCV's decoder cannot follow (every frame after the change comes out as the last one before).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

MIN_FPS, MAX_FPS = 0.5, 1000.0  # frame rates a camera or a time-lapse may really have
SIZE_CHECK_EVERY_S = 2.0  # a size change lasting less than this between two checks may pass


@dataclass(frozen=True)
class SizeChange:
    """The picture size has changed by `time_s`: the first keyframe checked that shows it
    (keyframes are checked at least every SIZE_CHECK_EVERY_S, and after every restart)."""

    time_s: float
    before: tuple[int, int]
    after: tuple[int, int]


@dataclass(frozen=True)
class StreamScan:
    """The video stream as its packets tell it.

    frames: packets holding a picture; duration_s: from the timestamps when they run in
    order, else frames / fps (a stream that restarts its clock); restarts: how many times
    the decoding clock went back; size_change: the first change of picture size, if any.
    """

    frames: int
    duration_s: float
    fps: float
    restarts: int
    size_change: SizeChange | None


def scan_stream(path: str | Path, nominal_fps: float | None = None) -> StreamScan | None:
    """Count the frames of the first video stream and check its picture size; None when
    PyAV cannot read the file (the caller keeps the header's word)."""
    try:
        import av  # PyAV: FFmpeg's demuxer, imported only here
    except (ImportError, MemoryError, OSError):
        return None
    unreadable = (av.FFmpegError, MemoryError, OSError, ValueError)
    try:
        container = av.open(str(path))
    except unreadable:
        return None
    try:
        if not container.streams.video:
            return None
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"  # only keyframes are ever decoded
        fps = _rate(nominal_fps, stream)
        if fps is None:
            return None
        base = float(stream.time_base) if stream.time_base else 0.0
        frames = restarts = 0
        last_dts: int | None = None
        low_pts = high_pts = None
        last_s = 1.0 / fps  # how long the last frame shows
        next_check = 0  # the frame count at which the next keyframe is decoded
        sizes: list[tuple[float, int, int]] = []
        fed: list[float] = []  # when each keyframe sent to the decoder shows

        def seen(decoded: list) -> None:
            for frame in decoded:  # in the order their keyframes were fed
                sizes.append((fed.pop(0) if fed else math.inf, frame.width, frame.height))

        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            frames += 1
            if packet.dts is not None:
                if last_dts is not None and packet.dts < last_dts:
                    restarts += 1
                    next_check = 0  # a new recording begins: its first keyframe is checked
                last_dts = packet.dts
            if packet.pts is not None:
                low_pts = packet.pts if low_pts is None else min(low_pts, packet.pts)
                if high_pts is None or packet.pts > high_pts:
                    high_pts = packet.pts
                    last_s = packet.duration * base if packet.duration else 1.0 / fps
            if packet.is_keyframe and frames >= next_check:
                # After a restart the stream's clock no longer tells the time: count frames.
                at_s = packet.pts * base if packet.pts is not None and not restarts else None
                fed.append(at_s if at_s is not None else (frames - 1) / fps)
                seen(_decode(packet))
                next_check = frames + max(1, round(SIZE_CHECK_EVERY_S * fps))
        seen(_decode(None, stream))
    except unreadable:
        return None
    finally:
        container.close()
    if frames == 0:
        return None
    return StreamScan(
        frames=frames,
        duration_s=_duration_s(frames, fps, restarts, low_pts, high_pts, base, last_s),
        fps=fps,
        restarts=restarts,
        size_change=_first_change(sizes),
    )


def _rate(nominal_fps: float | None, stream) -> float | None:
    """The header's frame rate where it is plausible, else the one FFmpeg guesses; None when
    neither is (the caller then judges the header on its own)."""
    if nominal_fps is not None and _plausible(nominal_fps):
        return float(nominal_fps)
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate and _plausible(float(rate)):
            return float(rate)
    return None


def _plausible(fps: float) -> bool:
    return math.isfinite(fps) and MIN_FPS <= fps <= MAX_FPS


def _decode(packet, stream=None) -> list:
    """The frames a packet completes (a decoder may hand a keyframe back one packet late);
    `packet` None flushes `stream`'s decoder."""
    try:
        if packet is None:
            return list(stream.codec_context.decode(None))
        return list(packet.decode())
    except Exception:  # noqa: BLE001 - a keyframe that fails to decode tells no size
        return []


def _duration_s(
    frames: int,
    fps: float,
    restarts: int,
    low: int | None,
    high: int | None,
    base: float,
    last_s: float,
) -> float:
    """frames / fps for a constant-rate stream, the timestamps' span (to the end of the last
    frame) for a variable one."""
    counted_s = frames / fps
    if restarts or low is None or high is None or base <= 0:
        return counted_s
    span_s = (high - low) * base + last_s
    return counted_s if abs(span_s - counted_s) < 1.5 / fps else span_s


def _first_change(sizes: list[tuple[float, int, int]]) -> SizeChange | None:
    """The first keyframe whose picture size differs from the first one's."""
    if not sizes:
        return None
    first = (sizes[0][1], sizes[0][2])
    for at_s, width, height in sizes[1:]:
        if (width, height) != first:
            return SizeChange(at_s, first, (width, height))
    return None
