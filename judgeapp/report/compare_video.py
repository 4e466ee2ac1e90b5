"""Two routines side by side as one H.264 video: each video in its half on a common
time axis that starts at the sync points, each side's attention timeline drawn under its frame
with the playhead, the sync points and the common time written along the bottom. With an
overlay, the right half shows B blended over A instead of B alone.

The frame plan (which frame of each side at which common time) comes from the caller
(app.compare works it out; this layer knows nothing of it): one `PlanFrame` per output frame,
in time order. Written through report.h264_writer, without sound (two sources, one video).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from judgeapp.core.errors import VideoError
from judgeapp.core.files import atomic_path
from judgeapp.core.marks import format_time
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.core.results import AnalysisResult
from judgeapp.report.annotated_video import attention_strip
from judgeapp.report.fonts import image_font
from judgeapp.report.h264_writer import H264Writer
from judgeapp.report.output import check_folder
from judgeapp.video import iter_frames

HALF_W = 640
FRAME_H = 400
HEADER_H = 40
STRIP_H = 64
FOOTER_H = 36
SIZE = (2 * HALF_W, HEADER_H + FRAME_H + STRIP_H + FOOTER_H)  # 1280 x 540
_BACKGROUND = (24, 24, 24)
_TEXT = (235, 235, 235)
_SYNC_RGB = (240, 200, 40)
_PLAYHEAD_RGB = (255, 255, 255)
_ANGLE_RGB = (60, 220, 110)  # the angle lanes' green, lighter on the dark strip
_PROGRESS_EVERY = 24


@dataclass(frozen=True)
class CompareSide:
    """One side: its label ("A"), the video file, its analysis and its sync point (own time)."""

    label: str
    video: Path
    result: AnalysisResult
    sync_s: float


@dataclass(frozen=True)
class AngleLanes:
    """One joint angle of each side for the common timeline (app.compare's angle_on_axis):
    its label, per side the measured runs of (common time, degrees) or None where that side
    did not measure it, and the degree scale both share."""

    label: str
    runs: tuple[Sequence[Sequence[tuple[float, float]]] | None, ...]
    scale: tuple[float, float]


@dataclass(frozen=True)
class OverlayDraw:
    """B blended over A in the right half: B's opacity (0-1) and where B goes over A, in A's
    pixels (x, y, width, height: app.compare's overlay_placement)."""

    opacity: float
    box: tuple[float, float, float, float]


def blend_over(a: np.ndarray, b: np.ndarray, overlay: OverlayDraw) -> np.ndarray:
    """A's frame with B resized into `overlay.box` and blended at `overlay.opacity` (the part
    of B outside A's frame is cut off, as in the window's overlay)."""
    x, y, width, height = overlay.box
    out = a.astype(np.float32)
    w, h = max(1, round(width)), max(1, round(height))
    left, top = round(x), round(y)
    x0, y0 = max(left, 0), max(top, 0)
    x1, y1 = min(left + w, a.shape[1]), min(top + h, a.shape[0])
    if x1 > x0 and y1 > y0:
        scaled = np.asarray(Image.fromarray(b).resize((w, h), Image.BILINEAR), np.float32)
        part = scaled[y0 - top : y1 - top, x0 - left : x1 - left]
        out[y0:y1, x0:x1] = (1 - overlay.opacity) * out[y0:y1, x0:x1] + overlay.opacity * part
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class PlanFrame:
    """One output frame: the common time and, per side, the frame index shown and whether the
    time is inside that video (False: held first/last frame, drawn dimmed)."""

    time_s: float
    index_a: int
    index_b: int
    inside_a: bool = True
    inside_b: bool = True


def _fit(rgb: np.ndarray, width: int, height: int) -> tuple[np.ndarray, int, int]:
    """The frame scaled to fit width x height, keeping its shape; with its offsets there."""
    h, w = rgb.shape[:2]
    scale = min(width / w, height / h)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    image = Image.fromarray(rgb).resize((new_w, new_h), Image.BILINEAR)
    return np.asarray(image), (width - new_w) // 2, (height - new_h) // 2


class _SideFrames:
    """A side's decoded frames, read forward as the plan asks (indices never go back)."""

    def __init__(self, video: Path) -> None:
        self._frames: Iterator = iter_frames(video)
        self._current: tuple[int, np.ndarray] | None = None

    def get(self, index: int) -> np.ndarray:
        while self._current is None or self._current[0] < index:
            try:
                decoded = next(self._frames)
            except StopIteration:
                break  # fewer frames than counted: the last one is held
            self._current = (decoded.index, decoded.image)
        if self._current is None:
            raise VideoError("no decodable frame")
        return self._current[1]

    def close(self) -> None:
        close = getattr(self._frames, "close", None)
        if close is not None:
            close()


def _strip(side: CompareSide, axis_end_s: float) -> np.ndarray:
    """The side's attention strip over the common axis 0..axis_end_s (from its sync point)."""
    duration_s = max(side.result.video.duration_s, 1e-6)
    axis_end_s = max(axis_end_s, 1e-6)
    full_w = max(1, round(HALF_W * duration_s / axis_end_s))
    whole = attention_strip(side.result, full_w, STRIP_H - 8)
    first = round(full_w * side.sync_s / duration_s)
    part = whole[:, first : first + HALF_W]
    strip = np.full((STRIP_H - 8, HALF_W, 3), 50, np.uint8)
    strip[:, : part.shape[1]] = part
    return strip


def _canvas(
    sides: Sequence[CompareSide],
    scores: Sequence[str],
    axis_end_s: float,
    overlay: OverlayDraw | None = None,
    angles: AngleLanes | None = None,
) -> np.ndarray:
    """Everything that does not move: backgrounds, headers, the two strips (with each side's
    joint angle drawn over its strip when `angles` is given), the sync marks."""
    image = Image.new("RGB", SIZE, _BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = image_font(20)
    small = image_font(15)
    strip_y = HEADER_H + FRAME_H + 4
    for k, side in enumerate(sides):
        x0 = k * HALF_W
        name = side.video.name
        text = f"{side.label}: {name}"
        if overlay is not None and k == 1:
            text = f"{side.label} over {sides[0].label} ({overlay.opacity:.0%}): {name}"
        if len(text) > 40:
            text = text[:39] + "…"
        draw.text((x0 + 10, HEADER_H / 2), text, font=font, fill=_TEXT, anchor="lm")
        draw.text((x0 + HALF_W - 10, HEADER_H / 2), scores[k], font=font, fill=_TEXT, anchor="rm")
        image.paste(Image.fromarray(_strip(side, axis_end_s)), (x0, strip_y))
        if angles is not None:
            _angle_curve(draw, angles, k, x0, strip_y, axis_end_s, small)
        draw.line([(x0, strip_y - 2), (x0, strip_y + STRIP_H - 6)], fill=_SYNC_RGB, width=3)
        draw.text(
            (x0 + 6, strip_y + 2), f"sync {format_time(side.sync_s)}", font=small, fill=_SYNC_RGB
        )
    draw.line([(HALF_W, 0), (HALF_W, SIZE[1] - FOOTER_H)], fill=(90, 90, 90), width=2)
    return np.array(image)


def _angle_curve(draw, angles: AngleLanes, k: int, x0: int, y0: int, axis_end_s: float, font):
    """Side k's joint angle over its strip: a green curve on the shared degree scale (gaps
    where not measured) and its label with the scale's top at the strip's right end."""
    low, high = angles.scale
    span = max(high - low, 1e-6)
    lane_h = STRIP_H - 8
    runs = angles.runs[k]
    label = f"{angles.label} {low:.0f}–{high:.0f}°" if runs else f"{angles.label}: not measured"
    draw.text((x0 + HALF_W - 6, y0 + lane_h - 2), label, font=font, fill=_ANGLE_RGB, anchor="rd")
    for run in runs or ():
        points = [
            (
                x0 + min(HALF_W - 1, max(0.0, HALF_W * t / max(axis_end_s, 1e-6))),
                y0 + 2 + (lane_h - 4) * (1 - (deg - low) / span),
            )
            for t, deg in run
            if 0.0 <= t <= axis_end_s
        ]
        if len(points) > 1:
            draw.line(points, fill=(0, 0, 0), width=5)
            draw.line(points, fill=_ANGLE_RGB, width=3)


def write_compare_video(
    target: str | Path,
    sides: Sequence[CompareSide],
    plan: Sequence[PlanFrame],
    fps: float,
    axis_end_s: float,
    scores: Sequence[str] = ("", ""),
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    overlay: OverlayDraw | None = None,
    angles: AngleLanes | None = None,
) -> int:
    """Write the side-by-side video to `target` (.mp4, H.264); return the frames written.
    `axis_end_s`: the common axis's end (its start is 0, the sync points); `scores`: a short
    text per side for its header; `overlay`: the right half shows B blended over A; `angles`:
    each side's joint angle drawn over its attention strip.
    Raises JudgeappError (nothing written) on failure."""
    target = Path(target)
    if len(sides) != 2:
        raise ValueError("a comparison video has two sides")
    for side in sides:
        if not side.video.is_file():
            raise VideoError(f"{side.video}: the video is not available to draw the comparison")
    check_folder(target)
    base = _canvas(sides, scores, axis_end_s, overlay, angles)
    font = image_font(19)
    strip_y = HEADER_H + FRAME_H + 4
    total = max(len(plan), 1)
    readers = [_SideFrames(side.video) for side in sides]
    written = 0
    try:
        with atomic_path(target, suffix=".mp4") as tmp:
            writer = H264Writer.open(tmp, fps, SIZE, name=target)
            try:
                progress(Progress("comparison video", 0, total))
                for step in plan:
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    frame = base.copy()
                    shown = ((step.index_a, step.inside_a), (step.index_b, step.inside_b))
                    pictures = [
                        reader.get(index) if inside else (reader.get(index) * 0.45).astype(np.uint8)
                        for reader, (index, inside) in zip(readers, shown, strict=True)
                    ]
                    if overlay is not None:
                        pictures[1] = blend_over(pictures[0], pictures[1], overlay)
                    for k, picture in enumerate(pictures):
                        rgb, dx, dy = _fit(picture, HALF_W - 8, FRAME_H)
                        x, y = k * HALF_W + 4 + dx, HEADER_H + dy
                        frame[y : y + rgb.shape[0], x : x + rgb.shape[1]] = rgb
                        px = k * HALF_W + min(
                            HALF_W - 2, round(HALF_W * step.time_s / max(axis_end_s, 1e-6))
                        )
                        frame[strip_y - 2 : strip_y + STRIP_H - 6, px : px + 2] = _PLAYHEAD_RGB
                    _footer(frame, step, sides, font)
                    writer.write(frame, step.time_s)
                    written += 1
                    if written % _PROGRESS_EVERY == 0:
                        progress(Progress("comparison video", written, total))
            except BaseException:
                writer.abort()
                raise
            writer.close()
    finally:
        for reader in readers:
            reader.close()
    progress(Progress("comparison video", total, total))
    return written


def _footer(frame: np.ndarray, step: PlanFrame, sides: Sequence[CompareSide], font) -> None:
    """The common time from the sync points and each side's own time, along the bottom."""
    a, b = sides
    text = (
        f"+{format_time(step.time_s)} from sync   "
        f"{a.label} {format_time(a.sync_s + step.time_s)} (frame {step.index_a})   "
        f"{b.label} {format_time(b.sync_s + step.time_s)} (frame {step.index_b})"
    )
    patch = Image.new("RGB", (SIZE[0], FOOTER_H), _BACKGROUND)
    ImageDraw.Draw(patch).text((12, FOOTER_H / 2), text, font=font, fill=_TEXT, anchor="lm")
    frame[SIZE[1] - FOOTER_H :] = np.asarray(patch)
