"""The frames the static stream weighted most and least, cut out around the athlete."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from judgeapp.core.errors import JudgeappError
from judgeapp.core.files import sha256_file
from judgeapp.core.results import AnalysisResult, FrameWeight
from judgeapp.video import read_frames

CROP_HEIGHT_PX = 360
_MARGIN = 0.12  # of the box size, on every side


@dataclass(frozen=True)
class Crop:
    """One frame's cut-out: `label` T1.. (highest weights) or B1.. (lowest); JPEG or None."""

    label: str
    time_s: float
    weight: float
    frame: int
    jpeg: bytes | None


def extreme_frames(
    static: Sequence[FrameWeight], k: int = 4
) -> tuple[list[FrameWeight], list[FrameWeight]]:
    """The k highest-weighted frames (highest first) and the k lowest (lowest first).

    With fewer than 2k frames the two lists do not overlap: the lowest get what is left.
    """
    ranked = sorted(static, key=lambda f: (-f.weight, f.time_s))
    top = ranked[: min(k, len(ranked))]
    rest = ranked[len(top) :]
    bottom = list(reversed(rest))[: min(k, len(rest))]
    return top, bottom


def frame_index(frame: FrameWeight, fps: float, frames: int) -> int:
    """The decoded-frame index of a static sample (recorded, or from its time)."""
    index = frame.frame if frame.frame >= 0 else round(frame.time_s * fps)
    return int(min(max(index, 0), max(frames - 1, 0)))


def crop_rect(
    shape: tuple[int, ...], box: tuple[float, float, float, float]
) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) in pixels of the box with a margin, inside a frame of
    `shape` (rows, columns, ...); the whole frame for a degenerate box."""
    h, w = shape[:2]
    x1, y1, x2, y2 = box
    mx, my = _MARGIN * (x2 - x1), _MARGIN * (y2 - y1)
    left, right = int(max(0, x1 - mx)), int(min(w, x2 + mx))
    top, bottom = int(max(0, y1 - my)), int(min(h, y2 + my))
    if right - left < 2 or bottom - top < 2:  # a degenerate box: show the whole frame
        left, top, right, bottom = 0, 0, w, h
    return left, top, right, bottom


def crop_box(
    image: np.ndarray, box: tuple[float, float, float, float], height_px: int = CROP_HEIGHT_PX
) -> Image.Image:
    """The box (with a margin) cut from an RGB frame and scaled to `height_px` high."""
    left, top, right, bottom = crop_rect(image.shape, box)
    cut = Image.fromarray(np.ascontiguousarray(image[top:bottom, left:right]))
    scale = height_px / cut.height
    return cut.resize((max(1, round(cut.width * scale)), height_px), Image.Resampling.LANCZOS)


def jpeg_bytes(image: Image.Image, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def video_for_result(
    result: AnalysisResult, video_path: str | Path | None = None, check_hash: bool = True
) -> Path | None:
    """The video file to read pictures from, or None where it is gone or is another video.

    `video_path` overrides the path the result recorded (a moved file). The content hash must
    match the result's, so a different file with the same name is never used; `check_hash=False`
    skips that when the caller has just hashed the file.
    """
    path = Path(video_path) if video_path is not None else Path(result.video.path)
    if not path.is_file():
        return None
    if result.video.sha256 and check_hash:
        try:
            if sha256_file(path) != result.video.sha256:
                return None
        except OSError:
            return None
    return path


@dataclass(frozen=True)
class Pictures:
    """What one pass over the video gave the report: the crops, notes on what could not be
    shown, every decoded frame by index (for other pictures: the posture thumbnails) and, where
    no frame could be read, why."""

    top: list[Crop]
    bottom: list[Crop]
    notes: list[str]
    images: dict[int, np.ndarray]
    problem: str = ""


def load_pictures(
    result: AnalysisResult, video: Path | None, k: int = 4, also: Sequence[int] = ()
) -> Pictures:
    """The top and bottom crops and the frames `also` lists, decoded in one pass that stops
    after the last frame needed."""
    top, bottom = extreme_frames(result.static, k)
    info = result.video
    notes: list[str] = []
    images: dict[int, np.ndarray] = {}
    problem = ""
    if video is None:
        problem = (
            f"the video {info.path} is not available (moved, deleted or changed since the "
            "analysis)."
        )
    if not top and not bottom:
        notes.append("No frame with a person: there are no crops to show.")
    elif video is None:
        notes.append(f"Crops not shown: {problem}")
    wanted = [frame_index(f, info.fps, info.frames) for f in top + bottom] + list(also)
    if video is not None and wanted:
        try:
            images = read_frames(video, wanted)
        except JudgeappError as exc:
            problem = f"{exc}."
            if top or bottom:
                notes.append(f"Crops not shown: {exc}")
    crops: list[list[Crop]] = [[], []]
    for side, (prefix, frames) in enumerate((("T", top), ("B", bottom))):
        for rank, frame in enumerate(frames, start=1):
            index = frame_index(frame, info.fps, info.frames)
            picture = images.get(index)
            jpeg = None if picture is None else jpeg_bytes(crop_box(picture, frame.box))
            crops[side].append(Crop(f"{prefix}{rank}", frame.time_s, frame.weight, index, jpeg))
    if images and any(c.jpeg is None for c in crops[0] + crops[1]):
        notes.append("Some crops could not be decoded from the video.")
    return Pictures(crops[0], crops[1], notes, images, problem)
