"""What the timeline and the crops panel show of the attention: step curves, the top
segments, the most and least attended thumbnails, highlights. Pure functions, no Qt."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from judgeapp.app.app_settings import DEFAULT_K
from judgeapp.app.player_view import format_clock
from judgeapp.core.results import (
    AnalysisResult,
    FrameWeight,
    SegmentWeight,
)


@dataclass(frozen=True)
class TimelineModel:
    """Everything the attention timeline draws, in seconds and attention weights.

    step_x/step_y: the dynamic weights as a polyline of horizontal steps, two points per segment
    (NaN between segments that do not touch, so no line joins them). point_x/point_y: the static
    weights at their frames. uniform_*: 1/N of each stream (0 when it has no instances).
    shaded: (start_s, end_s) of the top segments.
    """

    duration_s: float
    step_x: tuple[float, ...]
    step_y: tuple[float, ...]
    point_x: tuple[float, ...]
    point_y: tuple[float, ...]
    uniform_dynamic: float
    uniform_static: float
    shaded: tuple[tuple[float, float], ...]
    y_max: float

    @property
    def steps(self) -> list[tuple[float, float, float]]:
        """The (start_s, end_s, weight) of each step, read back from the polyline."""
        return polyline_steps(self.step_x, self.step_y)


def polyline_steps(xs: Sequence[float], ys: Sequence[float]) -> list[tuple[float, float, float]]:
    """The steps of a `step_polyline`: each pair of points between NaN breaks."""
    out = []
    i = 0
    while i + 1 < len(xs):
        if math.isnan(xs[i]):
            i += 1
            continue
        out.append((float(xs[i]), float(xs[i + 1]), float(ys[i])))
        i += 2
    return out


def step_polyline(
    segments: Sequence[SegmentWeight],
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Two points per segment (start and end at its weight); NaN breaks across gaps."""
    xs: list[float] = []
    ys: list[float] = []
    previous_end: float | None = None
    for seg in segments:
        if previous_end is not None and abs(seg.start_s - previous_end) > 1e-6:
            xs.append(math.nan)
            ys.append(math.nan)
        xs += [seg.start_s, seg.end_s]
        ys += [seg.weight, seg.weight]
        previous_end = seg.end_s
    return tuple(xs), tuple(ys)


def top_segments(segments: Sequence[SegmentWeight], k: int) -> list[SegmentWeight]:
    """The k highest-weighted segments, highest first (ties: earlier first)."""
    return sorted(segments, key=lambda s: (-s.weight, s.start_s))[: max(0, k)]


def top_count(instances: int, k: int) -> int:
    """How many instances count as "top": k, but at most a quarter of them (at least one).

    A short clip with 3 segments then shades and visits 1, not all 3.
    """
    return 0 if instances <= 0 else max(1, min(k, instances // 4))


def timeline_model(result: AnalysisResult, k: int = DEFAULT_K) -> TimelineModel:
    step_x, step_y = step_polyline(result.dynamic)
    weights = [s.weight for s in result.dynamic] + [f.weight for f in result.static]
    uniform_dynamic = 1.0 / len(result.dynamic) if result.dynamic else 0.0
    uniform_static = 1.0 / len(result.static) if result.static else 0.0
    y_max = max([*weights, uniform_dynamic, uniform_static, 1e-6]) * 1.12
    return TimelineModel(
        duration_s=result.video.duration_s,
        step_x=step_x,
        step_y=step_y,
        point_x=tuple(f.time_s for f in result.static),
        point_y=tuple(f.weight for f in result.static),
        uniform_dynamic=uniform_dynamic,
        uniform_static=uniform_static,
        shaded=tuple(
            sorted(
                (s.start_s, s.end_s)
                for s in top_segments(result.dynamic, top_count(len(result.dynamic), k))
            )
        ),
        y_max=y_max,
    )


@dataclass(frozen=True)
class Thumb:
    """One thumbnail: what it shows and where clicking it goes.

    kind: "athlete" (a static frame; `box` is the crop) or "segment" (its keyframe, the whole
    frame). seek_s: the time the player jumps to; key_s: the time of the picture;
    frame: the decoded-frame index of the picture when known (-1: from key_s).
    """

    kind: str
    label: str
    caption: str
    weight: float
    seek_s: float
    key_s: float
    frame: int = -1
    box: tuple[float, float, float, float] | None = None


def _extremes(items: Sequence, k: int, weight: Callable, time: Callable) -> tuple[list, list]:
    """k highest (highest first) and k lowest (lowest first), never the same item twice."""
    ranked = sorted(items, key=lambda item: (-weight(item), time(item)))
    top = ranked[: max(0, min(k, len(ranked)))]
    rest = ranked[len(top) :]
    bottom = list(reversed(rest))[: max(0, min(k, len(rest)))]
    return top, bottom


def athlete_thumbs(static: Sequence[FrameWeight], k: int) -> tuple[list[Thumb], list[Thumb]]:
    """Thumbnails of the k most and k least attended athlete crops."""

    def thumb(f: FrameWeight, label: str) -> Thumb:
        return Thumb(
            kind="athlete",
            label=label,
            caption=f"{format_clock(f.time_s)}  w={f.weight:.3f}",
            weight=f.weight,
            seek_s=f.time_s,
            key_s=f.time_s,
            frame=f.frame,
            box=f.box,
        )

    top, bottom = _extremes(static, k, lambda f: f.weight, lambda f: f.time_s)
    return (
        [thumb(f, f"T{i + 1}") for i, f in enumerate(top)],
        [thumb(f, f"B{i + 1}") for i, f in enumerate(bottom)],
    )


def segment_thumbs(dynamic: Sequence[SegmentWeight], k: int) -> tuple[list[Thumb], list[Thumb]]:
    """Thumbnails of the k highest and k lowest weighted segments.

    The picture is the segment's middle frame (what the segment shows); clicking seeks to its
    start, so playing from there plays the segment the model weighted.
    """

    def thumb(s: SegmentWeight, label: str) -> Thumb:
        return Thumb(
            kind="segment",
            label=label,
            caption=f"{format_clock(s.start_s)}–{format_clock(s.end_s)}  w={s.weight:.3f}",
            weight=s.weight,
            seek_s=s.start_s,
            key_s=(s.start_s + s.end_s) / 2,
        )

    top, bottom = _extremes(dynamic, k, lambda s: s.weight, lambda s: s.start_s)
    return (
        [thumb(s, f"S{i + 1}") for i, s in enumerate(top)],
        [thumb(s, f"L{i + 1}") for i, s in enumerate(bottom)],
    )


@dataclass(frozen=True)
class Highlight:
    """A top-weighted moment N/P jump to: a segment start or an athlete frame."""

    frame: int
    time_s: float
    label: str


def build_highlights(
    result: AnalysisResult, k: int, index_at: Callable[[float], int]
) -> list[Highlight]:
    """The top segments (at their start) and top athlete frames, in time order.

    "Top" is k of each stream, at most a quarter of its instances (`top_count`).
    index_at maps a time to the frame on screen then; athlete frames use their recorded index.
    Two highlights on the same frame are shown once.
    """
    moments: dict[int, Highlight] = {}
    for rank, seg in enumerate(top_segments(result.dynamic, top_count(len(result.dynamic), k))):
        frame = index_at(seg.start_s)
        label = f"segment {format_clock(seg.start_s)}–{format_clock(seg.end_s)} (#{rank + 1})"
        moments.setdefault(frame, Highlight(frame, seg.start_s, label))
    frames_k = top_count(len(result.static), k)
    top_frames = sorted(result.static, key=lambda f: (-f.weight, f.time_s))[:frames_k]
    for rank, f in enumerate(top_frames):
        frame = f.frame if f.frame >= 0 else index_at(f.time_s)
        moments.setdefault(frame, Highlight(frame, f.time_s, f"athlete frame (#{rank + 1})"))
    return [moments[frame] for frame in sorted(moments)]


def next_highlight(highlights: Sequence[Highlight], current_frame: int) -> Highlight | None:
    """The first highlight after the current frame, or None past the last."""
    return next((h for h in highlights if h.frame > current_frame), None)


def previous_highlight(highlights: Sequence[Highlight], current_frame: int) -> Highlight | None:
    """The last highlight before the current frame, or None before the first."""
    return next((h for h in reversed(highlights) if h.frame < current_frame), None)
