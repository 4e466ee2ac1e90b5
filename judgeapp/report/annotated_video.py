"""The annotated video: the original frames with the athlete box, the athlete's skeleton (the
pose nearest in time, within 0.15 s; other people thin and grey), a running attention bar and
the judges' marks at their times.

An MP4 browsers and phones play: H.264 (yuv420p, its index at the front) with the source's sound
(report.h264_writer), each frame at the source frame's time so the sound stays in sync. Written
to a temporary file beside the target and renamed only when every frame is in and the file's
index reads back complete; cancelling or failing leaves nothing behind (a full disk keeps the
old file).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from judgeapp.core.drawing import DRAWING_RGB, SHOW_S, Drawing
from judgeapp.core.errors import VideoError
from judgeapp.core.files import atomic_path
from judgeapp.core.marks import KIND_RGB, Mark, format_time
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.core.results import AnalysisResult, FrameWeight
from judgeapp.report.fonts import image_font
from judgeapp.report.h264_writer import H264Writer
from judgeapp.report.output import check_folder
from judgeapp.report.skeleton import PoseTimeline, draw_skeleton
from judgeapp.report.timeline_figure import DYNAMIC_RGB, STATIC_RGB
from judgeapp.video import iter_frames

MARK_SHOW_S = SHOW_S  # how long a mark's text and drawing stay on screen after its time
_BOX_REACH_S = 0.75  # a box is shown this close to a static sample
_BOX_RGB = STATIC_RGB
_PROGRESS_EVERY = 10


@dataclass(frozen=True)
class _Layout:
    """Pixel sizes that follow the frame size."""

    width: int
    height: int

    @property
    def unit(self) -> float:
        return max(self.height, self.width * 9 / 16) / 720

    @property
    def bar_h(self) -> int:
        return max(12, round(44 * self.unit))

    @property
    def bar_y(self) -> int:
        return self.height - self.bar_h - max(4, round(14 * self.unit))

    @property
    def bar_x(self) -> tuple[int, int]:
        margin = max(4, round(16 * self.unit))
        return margin, self.width - margin

    @property
    def font_px(self) -> int:
        return max(10, round(24 * self.unit))


def box_at(static: Sequence[FrameWeight], time_s: float) -> tuple[np.ndarray, float] | None:
    """The athlete box and its static weight at `time_s`, interpolated between neighbouring
    1 fps samples; None farther than 0.75 s from any sample (no person seen there)."""
    if not static:
        return None
    times = [f.time_s for f in static]
    i = bisect.bisect_left(times, time_s)
    before = static[i - 1] if i > 0 else None
    after = static[i] if i < len(static) else None
    near = [f for f in (before, after) if f is not None and abs(f.time_s - time_s) <= _BOX_REACH_S]
    if not near:
        return None
    if before is not None and after is not None and len(near) == 2:
        span = after.time_s - before.time_s
        a = 0.0 if span <= 0 else (time_s - before.time_s) / span
        box = (1 - a) * np.asarray(before.box) + a * np.asarray(after.box)
        weight = (1 - a) * before.weight + a * after.weight
        return box, weight
    nearest = min(near, key=lambda f: abs(f.time_s - time_s))
    return np.asarray(nearest.box, dtype=float), nearest.weight


def _text_patch(text: str, rgb: tuple[int, int, int], font_px: int, max_w: int) -> np.ndarray:
    """White text on a coloured, slightly transparent label, as RGBA (drawn once, reused).

    One line: line breaks and tabs in a mark's text (pasted text keeps them) become spaces.
    """
    text = " ".join(text.split()) or " "
    font = image_font(font_px)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    while len(text) > 4 and probe.textlength(text, font=font) > max_w - font_px:
        text = text[:-2].rstrip() + "…" if not text.endswith("…") else text[:-2] + "…"
    pad = font_px // 3
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font)
    image = Image.new("RGBA", (right - left + 2 * pad, bottom - top + 2 * pad), (*rgb, 215))
    ImageDraw.Draw(image).text((pad - left, pad - top), text, font=font, fill="white")
    return np.asarray(image)


def _blend(frame: np.ndarray, patch: np.ndarray, x: int, y: int) -> None:
    """Paint an RGBA patch onto an RGB frame in place (clipped at the edges)."""
    h, w = frame.shape[:2]
    ph, pw = patch.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + pw), min(h, y + ph)
    if x0 >= x1 or y0 >= y1:
        return
    sub = patch[y0 - y : y1 - y, x0 - x : x1 - x]
    alpha = sub[..., 3:4].astype(np.float32) / 255.0
    region = frame[y0:y1, x0:x1].astype(np.float32)
    frame[y0:y1, x0:x1] = (region * (1 - alpha) + sub[..., :3] * alpha).astype(np.uint8)


def attention_strip(result: AnalysisResult, width: int, height: int) -> np.ndarray:
    """The whole video's attention as an RGB strip: dynamic segments as a heat band on top,
    static frames as stems below, each scaled to its own largest weight."""
    strip = np.full((height, width, 3), 30, np.uint8)
    duration_s = max(result.video.duration_s, 1e-6)
    half = height // 2
    if result.dynamic:
        peak = max(s.weight for s in result.dynamic) or 1.0
        for seg in result.dynamic:
            x0 = int(width * seg.start_s / duration_s)
            x1 = max(x0 + 1, int(width * seg.end_s / duration_s))
            level = 0.15 + 0.85 * seg.weight / peak
            strip[1:half, x0 : x1 - 1] = (np.asarray(DYNAMIC_RGB) * level).astype(np.uint8)
    if result.static:
        peak = max(f.weight for f in result.static) or 1.0
        stem_w = max(1, width // 250)
        for frame in result.static:
            x = min(width - stem_w, int(width * frame.time_s / duration_s))
            top = height - 1 - int((height - half - 2) * frame.weight / peak)
            strip[top : height - 1, x : x + stem_w] = STATIC_RGB
    return strip


class _Painter:
    """Draws the overlays on each frame; everything fixed is prepared once."""

    def __init__(self, result: AnalysisResult, marks: Sequence[Mark], layout: _Layout) -> None:
        self.result = result
        self.layout = layout
        self.duration_s = max(result.video.duration_s, 1e-6)
        x0, x1 = layout.bar_x
        self.strip = attention_strip(result, x1 - x0, layout.bar_h)
        self.strip_dim = (self.strip.astype(np.float32) * 0.45).astype(np.uint8)
        self.marks = sorted(marks, key=lambda m: (m.time_s, m.id))
        font_px = layout.font_px
        self.mark_patches = [
            _text_patch(
                f"{n}  {format_time(m.time_s)}  {m.kind}"
                + (f" -{m.deduction:.2f}" if m.deduction is not None else "")
                + (f": {m.text}" if m.text else ""),
                KIND_RGB.get(m.kind, (80, 80, 80)),
                font_px,
                int(layout.width * 0.62),
            )
            for n, m in enumerate(self.marks, start=1)
        ]
        self.label_cache: dict[str, np.ndarray] = {}
        self.poses = PoseTimeline.of(result)

    def _label(self, text: str, rgb: tuple[int, int, int]) -> np.ndarray:
        if text not in self.label_cache:
            self.label_cache[text] = _text_patch(
                text, rgb, round(self.layout.font_px * 0.8), self.layout.width
            )
        return self.label_cache[text]

    def paint(self, frame: np.ndarray, time_s: float) -> np.ndarray:
        lay = self.layout
        unit = lay.unit
        # Other people thin and grey, under the athlete's box and skeleton.
        for person in self.poses.others_at(time_s):
            draw_skeleton(frame, person.landmarks, max(1, round(1.5 * unit)), grey=True)
        # Athlete box with its static weight: where the athlete's pose was seen within 0.15 s
        # (5 per second), the box of that pose, drawn with its skeleton; else the static
        # stream's box (1 per second), interpolated.
        athlete = self.poses.athlete_at(time_s)
        found = box_at(self.result.static, time_s)
        thickness = max(2, round(3 * unit))
        box = None
        if athlete is not None:
            box = np.asarray(athlete.box, dtype=float)
        elif found is not None:
            box = found[0]
        if box is not None:
            x1, y1, x2, y2 = (int(round(v)) for v in box)
            cv2.rectangle(frame, (x1, y1), (x2, y2), _BOX_RGB, thickness, cv2.LINE_AA)
            if found is not None:
                weight = found[1]
                n = len(self.result.static)
                text = f"athlete  static weight {weight:.3f} ({weight * n:.2f}x)"
            else:
                text = "athlete"
            label = self._label(text, _BOX_RGB)
            label_y = y1 - label.shape[0] if y1 >= label.shape[0] else y1 + thickness
            label_x = max(0, min(x1, lay.width - label.shape[1]))  # whole, where it fits
            _blend(frame, label, label_x, label_y)
        if athlete is not None:
            draw_skeleton(frame, athlete.landmarks, thickness)
        # Running attention bar: the part already played in full colour, a playhead line.
        bx0, bx1 = lay.bar_x
        strip_w = bx1 - bx0
        played = int(strip_w * min(time_s / self.duration_s, 1.0))
        y = lay.bar_y
        frame[y : y + lay.bar_h, bx0:bx1] = self.strip_dim
        frame[y : y + lay.bar_h, bx0 : bx0 + played] = self.strip[:, :played]
        for mark in self.marks:
            mx = bx0 + int(strip_w * min(mark.time_s / self.duration_s, 1.0))
            rgb = KIND_RGB.get(mark.kind, (80, 80, 80))
            tip = max(4, round(8 * unit))
            pts = np.array([[mx - tip, y - 2 * tip], [mx + tip, y - 2 * tip], [mx, y - 1]])
            cv2.fillPoly(frame, [pts], rgb, cv2.LINE_AA)
        cv2.line(
            frame,
            (bx0 + played, y - 2),
            (bx0 + played, y + lay.bar_h + 1),
            (255, 255, 255),
            max(1, round(2 * unit)),
        )
        # Above the bar: the attention now (right) and the marks on screen for a few seconds
        # after their time (left, the newest nearest the bar).
        above_y = y - max(6, round(22 * unit))
        segment = self._segment_weight(time_s)
        if segment is not None:
            n = len(self.result.dynamic)
            label = self._label(
                f"attention now: segment {segment:.3f} ({segment * n:.2f}x)", DYNAMIC_RGB
            )
            _blend(frame, label, bx1 - label.shape[1], above_y - label.shape[0])
        shown = [
            patch
            for mark, patch in zip(self.marks, self.mark_patches, strict=True)
            if mark.time_s <= time_s < mark.time_s + MARK_SHOW_S
        ]
        for patch in reversed(shown):
            above_y -= patch.shape[0]
            _blend(frame, patch, bx0, above_y)
            above_y -= max(2, round(6 * unit))
        for mark in self.marks:
            if mark.drawing and mark.time_s <= time_s < mark.time_s + MARK_SHOW_S:
                self._draw(frame, mark.drawing)
        return frame

    def _draw(self, frame: np.ndarray, drawing: Drawing) -> None:
        """A judge's shapes (video pixels), as the player shows them."""
        thickness = max(2, round(3 * self.layout.unit))
        for shape in drawing:
            (x0, y0), (x1, y1) = (
                (round(x), round(y)) for x, y in (shape.points[0], shape.points[-1])
            )
            if shape.kind == "line":
                cv2.line(frame, (x0, y0), (x1, y1), DRAWING_RGB, thickness, cv2.LINE_AA)
            elif shape.kind == "arrow":
                length = max(1.0, float(np.hypot(x1 - x0, y1 - y0)))
                tip = min(0.5, 12 * self.layout.unit / length)
                cv2.arrowedLine(
                    frame, (x0, y0), (x1, y1), DRAWING_RGB, thickness, cv2.LINE_AA, tipLength=tip
                )
            elif shape.kind == "circle":
                radius = round(shape.radius_px)
                cv2.circle(frame, (x0, y0), radius, DRAWING_RGB, thickness, cv2.LINE_AA)
            else:
                _blend(frame, self._label(shape.text, DRAWING_RGB), x0, y0)

    def _segment_weight(self, time_s: float) -> float | None:
        for seg in self.result.dynamic:
            if seg.start_s <= time_s < seg.end_s:
                return seg.weight
        return None


def write_annotated_video(
    result: AnalysisResult,
    video: str | Path,
    target: str | Path,
    marks: Sequence[Mark] = (),
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Write the annotated copy of `video` to `target` (.mp4: H.264 with the source's sound,
    report.h264_writer); return the number of frames written. Raises JudgeappError (nothing
    written) on failure, Cancelled when `cancel` is set."""
    video = Path(video)
    target = Path(target)
    info = result.video
    if not video.is_file():
        raise VideoError(
            f"{video}: the analysed video is not available; it is needed to draw the "
            "annotated video"
        )
    check_folder(target)
    layout = _Layout(info.width, info.height)
    painter = _Painter(result, marks, layout)
    total = max(info.frames, 1)
    written = 0
    with atomic_path(target, suffix=".mp4") as tmp:  # permissions: as core.files.final_mode
        size = (info.width, info.height)
        writer = H264Writer.open(tmp, info.fps, size, audio_from=video, name=target)
        try:
            progress(Progress("annotated video", 0, total))
            for decoded in iter_frames(video):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                frame = decoded.image
                if frame.shape[:2] != (info.height, info.width):
                    frame = cv2.resize(frame, (info.width, info.height))
                frame = painter.paint(np.ascontiguousarray(frame), decoded.time_s)
                writer.write(frame, decoded.time_s)
                written += 1
                if written % _PROGRESS_EVERY == 0:
                    progress(Progress("annotated video", min(written, total), total))
        except BaseException:
            writer.abort()
            raise
        writer.close()  # reads the file's index back: every frame must have reached it
    progress(Progress("annotated video", total, total))
    return written
