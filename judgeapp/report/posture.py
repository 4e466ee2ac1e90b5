"""The reports' athlete and posture section: who was followed, and the joint angles a judge
reads (leg separation, hips, knees, elbows, trunk) with their peak amplitudes.

Gathered once here for the PDF and the HTML report (posture_section.py lays it out):
- a line saying which finder found the athlete, how the athlete was chosen, how many people
  were tracked;
- per angle: how often it was measured, its range and its amplitude peaks
  (core.posture.amplitude_peaks), and a plain note where the joint was not visible most of the
  time;
- an angle-over-time plot (Pillow, in the attention timeline's style; gaps where an angle was
  not measured; a 180° line where straight is the aim: leg separation and knees);
- a thumbnail of the athlete at each angle's highest peak with the skeleton drawn and the
  measured lines highlighted (frames decoded in the crops' one pass, content.build_report).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from judgeapp.core.athlete import AngleTrace, PosePerson
from judgeapp.core.finders import finder
from judgeapp.core.marks import format_time
from judgeapp.core.posture import ANGLE_NAMES, ANGLES, amplitude_peaks
from judgeapp.core.results import AnalysisResult
from judgeapp.report.crops import crop_rect, jpeg_bytes
from judgeapp.report.fonts import image_font
from judgeapp.report.skeleton import (
    athlete_poses,
    draw_angle,
    draw_skeleton,
    nearest_pose,
    seen_points,
)
from judgeapp.report.timeline_figure import dashed_hline, png_bytes, tick_label, tick_step_s

TITLE = "Athlete and posture"
# An angle measured in less than this share of the athlete's pose frames is "not visible most
# of the time": the report says so.
MOSTLY_UNSEEN = 0.5
MAX_PEAKS_LISTED = 4
MAX_THUMBS = 8
THUMB_HEIGHT_PX = 300
# Consecutive samples farther apart than this are not joined in the plot (5 fps: 0.2 s apart).
_JOIN_S = 0.45

LABELS = {spec.name: spec.label for spec in ANGLES}
# Angles where 180° (straight) is what a judge looks for.
STRAIGHT_AIM = ("leg_separation", "knee_left", "knee_right")

# The plot's lanes: a title and the angles drawn in it (left side first).
LANES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Leg separation", ("leg_separation",)),
    ("Hips", ("hip_left", "hip_right")),
    ("Knees", ("knee_left", "knee_right")),
    ("Elbows", ("elbow_left", "elbow_right")),
    ("Trunk", ("trunk_inclination",)),
)
PLOT_LEFT_RGB = (0, 120, 200)
PLOT_RIGHT_RGB = (205, 40, 125)
PLOT_ONE_RGB = (60, 60, 60)
_GRID_RGB = (225, 225, 225)
_TEXT_RGB = (40, 40, 40)
_GREY_RGB = (110, 110, 110)
_UNSEEN_RGB = (176, 48, 32)


def series_rgb(name: str) -> tuple[int, int, int]:
    if name.endswith("_left"):
        return PLOT_LEFT_RGB
    if name.endswith("_right"):
        return PLOT_RIGHT_RGB
    return PLOT_ONE_RGB


@dataclass(frozen=True)
class AnglePeaks:
    """One angle over the routine: its peaks (time_s, degrees) in time order, how many of the
    athlete's pose frames measured it, and its range."""

    name: str
    label: str
    peaks: tuple[tuple[float, float], ...]
    measured: int
    samples: int
    low: float | None
    high: float | None
    high_time_s: float | None = None

    @property
    def seen_fraction(self) -> float:
        return self.measured / self.samples if self.samples else 0.0

    @property
    def mostly_unseen(self) -> bool:
        return self.seen_fraction < MOSTLY_UNSEEN

    @property
    def highest(self) -> tuple[float, float] | None:
        """The highest peak (the earlier on a tie)."""
        if not self.peaks:
            return None
        return min(self.peaks, key=lambda p: (-p[1], p[0]))

    def seen_text(self) -> str:
        return f"{self.seen_fraction:.0%} ({self.measured} of {self.samples})"

    def range_text(self) -> str:
        if self.low is None or self.high is None:
            return "-"
        return f"{self.low:.0f}°-{self.high:.0f}°"

    def peaks_text(self, limit: int = MAX_PEAKS_LISTED) -> str:
        """The highest peaks first: "172° at 0:01.2, 165° at 0:02.8 (5 peaks)"."""
        if not self.peaks:
            if not self.measured or self.high is None or self.high_time_s is None:
                return "never measured"
            return f"no peak (highest measured {self.high:.0f}° at {format_time(self.high_time_s)})"
        ranked = sorted(self.peaks, key=lambda p: (-p[1], p[0]))
        text = ", ".join(f"{d:.0f}° at {format_time(t)}" for t, d in ranked[:limit])
        if len(ranked) > limit:
            text += f" ({len(ranked)} peaks)"
        return text

    def note(self) -> str:
        """A plain sentence where the joint was not visible most of the time; "" otherwise."""
        if not self.mostly_unseen:
            return ""
        if not self.measured:
            return f"{self.label}: never visible, so not measured."
        return (
            f"{self.label}: not visible most of the time (measured in {self.measured} of "
            f"{self.samples} pose frames, {self.seen_fraction:.0%}); its peaks may be missing."
        )


@dataclass(frozen=True)
class PostureThumb:
    """The athlete at an angle's highest peak: captions ("Left knee 176°"), time, frame, JPEG
    (None where the frame could not be read)."""

    captions: tuple[str, ...]
    time_s: float
    frame: int
    jpeg: bytes | None


@dataclass(frozen=True)
class PostureSection:
    """Everything the section shows; `angles` empty where no joint angle was measured."""

    athlete_line: str
    pose_line: str
    angles: tuple[AnglePeaks, ...]
    plot_png: bytes | None
    thumbs: tuple[PostureThumb, ...]
    notes: tuple[str, ...]

    def unseen_notes(self) -> list[str]:
        return [a.note() for a in self.angles if a.note()]


def has_posture(result: AnalysisResult) -> bool:
    """Whether the result says anything about the athlete or their pose (schema /3)."""
    return result.pose is not None or result.athlete is not None


def athlete_line(result: AnalysisResult) -> str:
    """Which finder found the athlete, how the athlete was chosen, how many people were
    tracked: one sentence."""
    detector = result.provenance.detector if result.provenance is not None else ""
    found_by = finder(detector).phrase if detector else "an unrecorded finder"
    text = f"People found by {found_by}."
    info = result.athlete
    if info is None:
        return text + " The athlete was the largest person in each frame (the paper's rule)."
    if info.rule == "largest" or info.track is None:
        how = "the largest person in each frame (the paper's rule"
        how += f": {info.reason})" if info.reason and "paper" not in info.reason else ")"
    elif info.chosen_by == "user":
        how = f"person {info.track}, chosen by the user"
        if info.reason:
            how += f" ({info.reason})"
    else:
        how = f"person {info.track}, followed automatically"
        if info.reason:
            how += f" ({info.reason})"
    count = len(info.tracks)
    people = f"{count} person tracked" if count == 1 else f"{count} people tracked"
    return f"{text} The athlete: {how}. {people} in the video."


def angle_peaks(result: AnalysisResult) -> list[AnglePeaks]:
    """Each angle the result measured (in core.posture.ANGLES order, then any other), with its
    amplitude peaks."""
    pose = result.pose
    if pose is None or not pose.angle_time_s:
        return []
    times = np.asarray(pose.angle_time_s, dtype=np.float64)
    names = [n for n in ANGLE_NAMES if n in pose.angles]
    names += sorted(n for n in pose.angles if n not in ANGLE_NAMES)
    out = []
    for name in names:
        trace = pose.angles[name]
        values = np.array([np.nan if d is None else d for d in trace.degrees], dtype=np.float64)
        finite = np.isfinite(values)
        measured = values[finite]
        top = int(np.argmax(np.where(finite, values, -np.inf))) if len(measured) else None
        peaks = amplitude_peaks(times, values) if len(values) == len(times) else []
        out.append(
            AnglePeaks(
                name=name,
                label=LABELS.get(name, name),
                peaks=tuple(peaks),
                measured=len(measured),
                samples=len(values),
                low=float(measured.min()) if len(measured) else None,
                high=float(measured.max()) if len(measured) else None,
                high_time_s=None if top is None else float(times[top]),
            )
        )
    return out


def pose_line(result: AnalysisResult, athlete: list[PosePerson]) -> str:
    pose = result.pose
    if pose is None:
        return "The pose model did not run: no joint angles."
    times = pose.angle_time_s
    if not times:
        return (
            "The pose model did not find the athlete's body in its frames (5 per second): no "
            "joint angles."
        )
    return (
        f"Joint angles from the pose model's landmarks of the athlete in {len(times)} frames "
        f"(5 per second) from {format_time(times[0])} to {format_time(times[-1])}, smoothed "
        "over 0.5 s; an angle is measured only where every landmark it uses was seen."
    )


@dataclass(frozen=True)
class ThumbPlan:
    """A thumbnail to make: the pose shown, the angles highlighted and their captions."""

    person: PosePerson
    frame: int
    names: tuple[str, ...]
    captions: tuple[str, ...]


def thumb_plans(
    result: AnalysisResult, angles: list[AnglePeaks], athlete: list[PosePerson]
) -> list[ThumbPlan]:
    """One thumbnail per angle's highest peak (angles in order), one per frame: angles peaking
    in the same frame share it. At most MAX_THUMBS."""
    plans: list[ThumbPlan] = []
    info = result.video
    for entry in angles:
        peak = entry.highest
        if peak is None:
            continue
        person = nearest_pose(athlete, peak[0])
        if person is None:
            continue
        frame = person.frame if person.frame >= 0 else round(person.time_s * info.fps)
        frame = int(min(max(frame, 0), max(info.frames - 1, 0)))
        caption = f"{entry.label} {peak[1]:.0f}°"
        same = next((i for i, p in enumerate(plans) if p.frame == frame), None)
        if same is not None:
            plan = plans[same]
            plans[same] = ThumbPlan(
                plan.person, frame, (*plan.names, entry.name), (*plan.captions, caption)
            )
        elif len(plans) < MAX_THUMBS:
            plans.append(ThumbPlan(person, frame, (entry.name,), (caption,)))
    return plans


def posture_frames(result: AnalysisResult) -> list[int]:
    """The frame indices the section's thumbnails need (decode only these)."""
    if not has_posture(result):
        return []
    return [p.frame for p in thumb_plans(result, angle_peaks(result), athlete_poses(result))]


def thumbnail(image: np.ndarray, plan: ThumbPlan, height_px: int = THUMB_HEIGHT_PX) -> bytes:
    """The athlete cut from an RGB frame around their pose box and seen landmarks, scaled to
    `height_px`, with the skeleton drawn and the peaking angles' lines highlighted; JPEG."""
    person = plan.person
    left, top, right, bottom = crop_rect(image.shape, _pose_extent(person))
    cut = np.ascontiguousarray(image[top:bottom, left:right])
    scale = height_px / cut.shape[0]
    size = (max(1, round(cut.shape[1] * scale)), height_px)
    picture = np.asarray(Image.fromarray(cut).resize(size, Image.Resampling.LANCZOS)).copy()
    thickness = max(2, round(height_px / 110))
    draw_skeleton(picture, person.landmarks, thickness, scale, (left, top))
    for name in plan.names:
        draw_angle(picture, person.landmarks, name, thickness + 1, scale, (left, top))
    return jpeg_bytes(Image.fromarray(picture))


def _pose_extent(person: PosePerson) -> tuple[float, float, float, float]:
    """The person's box grown to hold every landmark it saw."""
    x1, y1, x2, y2 = person.box
    for x, y in seen_points(person.landmarks):
        x1, y1, x2, y2 = min(x1, x), min(y1, y), max(x2, x), max(y2, y)
    return x1, y1, x2, y2


def build_posture(
    result: AnalysisResult,
    images: Mapping[int, np.ndarray],
    missing_reason: str = "",
) -> PostureSection | None:
    """The section for `result`, or None where it records neither athlete nor pose.

    images: decoded frames by index (content.build_report's one pass); `missing_reason` says
    why the thumbnails could not be read where they are absent (the video moved, ...)."""
    if not has_posture(result):
        return None
    athlete = athlete_poses(result)
    angles = angle_peaks(result)
    thumbs = []
    for plan in thumb_plans(result, angles, athlete):
        image = images.get(plan.frame)
        jpeg = None if image is None else thumbnail(image, plan)
        thumbs.append(PostureThumb(plan.captions, plan.person.time_s, plan.frame, jpeg))
    notes = []
    if thumbs and all(t.jpeg is None for t in thumbs):
        notes.append(
            "Posture thumbnails not shown: " + (missing_reason or "the video is not available.")
        )
    elif any(t.jpeg is None for t in thumbs):
        notes.append("Some posture thumbnails could not be decoded from the video.")
    plot = draw_angle_plot(result, angles) if angles else None
    return PostureSection(
        athlete_line=athlete_line(result),
        pose_line=pose_line(result, athlete),
        angles=tuple(angles),
        plot_png=None if plot is None else png_bytes(plot),
        thumbs=tuple(thumbs),
        notes=tuple(notes),
    )


# ------------------------------------------------------------------------------------- plot


def _runs(times: np.ndarray, values: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of each run of measured values whose samples follow closely in time."""
    runs = []
    start = None
    for i, value in enumerate(values):
        joined = start is not None and times[i] - times[i - 1] <= _JOIN_S
        if not np.isfinite(value):
            if start is not None:
                runs.append((start, i))
            start = None
        elif start is None:
            start = i
        elif not joined:
            runs.append((start, i))
            start = i
    if start is not None:
        runs.append((start, len(values)))
    return runs


def draw_angle_plot(
    result: AnalysisResult, angles: list[AnglePeaks], width_px: int = 1600
) -> Image.Image:
    """One lane per joint group over the video's time axis (0..180°): left side and right side
    in two colours, gaps where an angle was not measured, amplitude peaks as dots (the highest
    labelled), a dashed 180° line for leg separation and knees."""
    pose = result.pose
    assert pose is not None
    scale = width_px / 1600
    font = image_font(round(24 * scale))
    small = image_font(round(20 * scale))
    tiny = image_font(round(17 * scale))
    left, right = round(250 * scale), round(30 * scale)
    lane_h, gap = round(104 * scale), round(16 * scale)
    top_pad, axis_h = round(52 * scale), round(40 * scale)
    by_name = {a.name: a for a in angles}
    lanes = [(title, tuple(n for n in names if n in pose.angles)) for title, names in LANES]
    extra = [a.name for a in angles if not any(a.name in names for _, names in LANES)]
    lanes += [(LABELS.get(n, n), (n,)) for n in extra]
    lanes = [(title, names) for title, names in lanes if names]
    height_px = top_pad + len(lanes) * (lane_h + gap) + axis_h
    image = Image.new("RGB", (width_px, height_px), "white")
    draw = ImageDraw.Draw(image)
    duration_s = max(result.video.duration_s, 1e-6)
    plot_w = width_px - left - right
    top_deg = 195.0
    times = np.asarray(pose.angle_time_s, dtype=np.float64)

    def x_of(time_s: float) -> float:
        return left + plot_w * min(max(time_s / duration_s, 0.0), 1.0)

    axis_y = top_pad + len(lanes) * (lane_h + gap) - gap // 2
    step = tick_step_s(duration_s)
    for k in range(math.floor(duration_s / step + 1e-9) + 1):
        x = x_of(k * step)
        draw.line([(x, top_pad), (x, axis_y)], fill=_GRID_RGB, width=max(1, round(scale)))
        draw.line([(x, axis_y), (x, axis_y + 8 * scale)], fill=_TEXT_RGB, width=2)
        draw.text(
            (x, axis_y + 10 * scale),
            tick_label(k * step, step),
            font=small,
            fill=_TEXT_RGB,
            anchor="mt",
        )
    draw.line([(left, axis_y), (left + plot_w, axis_y)], fill=_TEXT_RGB, width=2)

    for lane_index, (title, names) in enumerate(lanes):
        y0 = top_pad + lane_index * (lane_h + gap)

        def y_of(degrees: float, y0: int = y0) -> float:
            return y0 + lane_h * (1.0 - min(max(degrees, 0.0), top_deg) / top_deg)

        for level in (90.0, 180.0):
            draw.line([(left, y_of(level)), (left + plot_w, y_of(level))], fill=_GRID_RGB)
        if any(n in STRAIGHT_AIM for n in names):
            dashed_hline(
                draw, left, left + plot_w, y_of(180.0), (90, 90, 90), max(1, round(2 * scale))
            )
        draw.rectangle([left, y0, left + plot_w, y0 + lane_h], outline=(190, 190, 190), width=1)
        for level in (0, 90, 180):
            draw.text(
                (left - 8 * scale, y_of(level)), f"{level}°", font=tiny, fill=_GREY_RGB, anchor="rm"
            )
        draw.text(
            (left - 62 * scale, y0 + lane_h / 2 - 2), title, font=font, fill=_TEXT_RGB, anchor="rs"
        )
        # "seen 100% / 38%": how often each of the lane's angles was measured, red where most
        # of the time it was not.
        x_sub = left - 62 * scale
        seen = [by_name[n] for n in names if n in by_name]
        for k, entry in enumerate(reversed(seen)):
            text = f"{entry.seen_fraction:.0%}"
            rgb = _UNSEEN_RGB if entry.mostly_unseen else _GREY_RGB
            draw.text((x_sub, y0 + lane_h / 2 + 4), text, font=tiny, fill=rgb, anchor="ra")
            x_sub -= draw.textlength(text, font=tiny)
            prefix = " / " if k < len(seen) - 1 else "seen "
            draw.text((x_sub, y0 + lane_h / 2 + 4), prefix, font=tiny, fill=_GREY_RGB, anchor="ra")
            x_sub -= draw.textlength(prefix, font=tiny)
        labels: list[tuple[float, float, float, float]] = []
        for name in names:
            trace: AngleTrace = pose.angles[name]
            values = np.array([np.nan if d is None else d for d in trace.degrees], dtype=np.float64)
            if len(values) != len(times):
                continue
            rgb = series_rgb(name)
            width = max(1, round(3 * scale))
            for start, stop in _runs(times, values):
                points = [(x_of(times[i]), y_of(values[i])) for i in range(start, stop)]
                if len(points) == 1:
                    x, y = points[0]
                    draw.ellipse([x - width, y - width, x + width, y + width], fill=rgb)
                else:
                    draw.line(points, fill=rgb, width=width, joint="curve")
            entry = by_name.get(name)
            if entry is None:
                continue
            radius = max(2.0, 5 * scale)
            for time_s, degrees in entry.peaks:
                x, y = x_of(time_s), y_of(degrees)
                draw.ellipse(
                    [x - radius, y - radius, x + radius, y + radius],
                    fill="white",
                    outline=rgb,
                    width=max(1, round(2 * scale)),
                )
            if entry.highest is not None:
                time_s, degrees = entry.highest
                x, y = x_of(time_s), y_of(degrees)
                text = f"{degrees:.0f}°"
                # Above the dot where there is room and no other label, else below it, else
                # beside it.
                choices = [
                    ((x, y - radius - 2), "mb"),
                    ((x, y + radius + 2), "mt"),
                    ((x + radius + 3, y), "lm"),
                    ((x - radius - 3, y), "rm"),
                ]
                fits = [
                    (at, anchor, draw.textbbox(at, text, font=small, anchor=anchor))
                    for at, anchor in choices
                ]
                fits = [f for f in fits if f[2][1] >= y0 and f[2][3] <= y0 + lane_h] or fits
                at, anchor, box = next(
                    (f for f in fits if not any(_overlap(f[2], other) for other in labels)),
                    fits[0],
                )
                labels.append(box)
                draw.text(at, text, font=small, fill=rgb, anchor=anchor)

    # Legend along the top.
    x = left
    legend = [("left side", PLOT_LEFT_RGB), ("right side", PLOT_RIGHT_RGB)]
    legend.append(("legs / trunk", PLOT_ONE_RGB))
    for text, rgb in legend:
        draw.line([(x, 24 * scale), (x + 26 * scale, 24 * scale)], fill=rgb, width=round(4 * scale))
        draw.text((x + 32 * scale, 24 * scale), text, font=small, fill=_TEXT_RGB, anchor="lm")
        x += 32 * scale + draw.textlength(text, font=small) + 30 * scale
    radius = 5 * scale
    draw.ellipse(
        [x, 24 * scale - radius, x + 2 * radius, 24 * scale + radius],
        outline=_TEXT_RGB,
        width=max(1, round(2 * scale)),
    )
    draw.text(
        (x + 2 * radius + 6 * scale, 24 * scale), "peak", font=small, fill=_TEXT_RGB, anchor="lm"
    )
    draw.text(
        (left + plot_w, 24 * scale),
        "- - - 180° (straight)",
        font=small,
        fill=(90, 90, 90),
        anchor="rm",
    )
    return image


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
