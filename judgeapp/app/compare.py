"""Two routines side by side, without Qt: the comparison, its common time axis, linked stepping
and where the two routines' attention differs.

The common time axis has its origin at the sync points: at common time `t` side A shows its
video at `sync_a_s + t` and side B at `sync_b_s + t`, each on its own frame (the last frame whose
timestamp is <= that time, from the side's own frame times or frame rate), so videos with
different frame rates stay aligned in time. Before a side's first frame it shows its first frame,
after its end its last one (`SidePosition.inside` says which).

A linked step moves the common time to the next (or previous) moment where either side changes
frame: the side with more frames per second advances one frame each step, the other when its own
next frame is due.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from judgeapp.app.pose_view import angle_choices, angle_lane
from judgeapp.core.errors import JudgeappError
from judgeapp.core.marks import Mark, PanelScore, format_time, parse_time
from judgeapp.core.results import AnalysisResult, VideoInfo
from judgeapp.video.frame_cache import frame_at_time

if TYPE_CHECKING:  # the video writer loads PyAV: imported when a video is written
    from judgeapp.report.compare_video import OverlayDraw

_EPS_S = 1e-4  # shorter than any frame interval a real video has (10 000 fps)


@dataclass(frozen=True)
class SideVideo:
    """One side's video as the time mapping needs it: its frame rate, frame count, duration and,
    where known, its frames' timestamps (frames 0..k-1; later frames follow at `fps`)."""

    path: str
    fps: float
    frames: int
    duration_s: float
    frame_times_s: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if not (self.fps > 0 and math.isfinite(self.fps)) or self.frames < 1:
            raise JudgeappError(f"{self.path}: no frames to compare ({self.frames} at {self.fps})")

    @classmethod
    def of(cls, info: VideoInfo, frame_times_s: Sequence[float] = ()) -> SideVideo:
        return cls(info.path, info.fps, info.frames, info.duration_s, tuple(frame_times_s))

    def time_of(self, index: int) -> float:
        """The timestamp of frame `index` in the video's own time."""
        if 0 <= index < len(self.frame_times_s):
            return self.frame_times_s[index]
        if self.frame_times_s:
            last = len(self.frame_times_s) - 1
            return self.frame_times_s[last] + (index - last) / self.fps
        return index / self.fps

    def index_at(self, time_s: float) -> int:
        """The frame on screen at `time_s` (own time), clamped to the video."""
        return frame_at_time(list(self.frame_times_s), time_s, self.fps, self.frames)

    @property
    def end_s(self) -> float:
        """When the last frame stops showing (own time)."""
        return max(self.duration_s, self.time_of(self.frames - 1) + 1.0 / self.fps)


@dataclass(frozen=True)
class OverlaySettings:
    """The second video blended over the first: opacity of B, and its horizontal offset (a
    fraction of the width) and scale to line the athletes up."""

    enabled: bool = False
    opacity: float = 0.5
    offset_x: float = 0.0
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.opacity <= 1.0:
            raise JudgeappError(f"overlay opacity {self.opacity} is not between 0 and 1")
        if not self.scale > 0:
            raise JudgeappError(f"overlay scale {self.scale} is not positive")


@dataclass(frozen=True)
class SidePosition:
    """Where one side is at a common time: its own time, the frame shown, and whether the time
    falls inside the video (False: before its start or after its end, a held frame)."""

    time_s: float
    index: int
    inside: bool


@dataclass(frozen=True)
class Comparison:
    """Two videos, their sync points (seconds, each in its own video's time) and the overlay."""

    a: SideVideo
    b: SideVideo
    sync_a_s: float = 0.0
    sync_b_s: float = 0.0
    overlay: OverlaySettings = field(default_factory=OverlaySettings)

    def __post_init__(self) -> None:
        for name, side, sync in (("A", self.a, self.sync_a_s), ("B", self.b, self.sync_b_s)):
            if not math.isfinite(sync) or sync < 0 or sync > side.end_s:
                raise JudgeappError(
                    f"sync point {sync:g} s of side {name} is outside its video "
                    f"(0 to {side.end_s:.3f} s)"
                )

    # -- the two sides -------------------------------------------------------------------
    def side(self, which: str) -> SideVideo:
        return {"a": self.a, "b": self.b}[which]

    def sync_of(self, which: str) -> float:
        return {"a": self.sync_a_s, "b": self.sync_b_s}[which]

    def with_sync(self, which: str, time_s: float) -> Comparison:
        """This comparison with side `which`'s sync point moved to `time_s` (its own time)."""
        side = self.side(which)
        time_s = min(max(time_s, 0.0), side.end_s)
        return replace(self, **{f"sync_{which}_s": time_s})

    def relinked(self, time_a_s: float, time_b_s: float) -> Comparison:
        """Linked again after the sides moved on their own: A keeps its sync point, B's moves
        so that the two times now shown are the same common time."""
        sync_b = time_b_s - (time_a_s - self.sync_a_s)
        if sync_b < 0 or sync_b > self.b.end_s:
            # B's sync would fall outside B: move A's instead.
            sync_a = time_a_s - time_b_s
            return replace(self, sync_a_s=min(max(sync_a, 0.0), self.a.end_s), sync_b_s=0.0)
        return replace(self, sync_b_s=sync_b)

    # -- the time mapping ----------------------------------------------------------------
    @property
    def start_s(self) -> float:
        """The common axis's first time: the earlier video start (negative when a side has
        video before its sync point)."""
        return -max(self.sync_a_s, self.sync_b_s)

    @property
    def end_s(self) -> float:
        """The common axis's last time: the later video end."""
        return max(self.a.end_s - self.sync_a_s, self.b.end_s - self.sync_b_s)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def after_sync_s(self) -> float:
        """How long the common axis runs from the sync points until both videos have ended."""
        return self.end_s

    def clamp(self, t: float) -> float:
        return min(max(t, self.start_s), self.end_s)

    def position(self, which: str, t: float) -> SidePosition:
        """Side `which` at common time `t`."""
        side = self.side(which)
        own = self.sync_of(which) + t
        inside = side.time_of(0) - 1e-6 <= own < side.end_s - 1e-9
        return SidePosition(own, side.index_at(own), inside)

    def positions(self, t: float) -> tuple[SidePosition, SidePosition]:
        return self.position("a", t), self.position("b", t)

    def common_time(self, which: str, own_time_s: float) -> float:
        """The common time at which side `which` shows its own time `own_time_s`."""
        return own_time_s - self.sync_of(which)

    def common_time_of_frame(self, which: str, index: int) -> float:
        return self.common_time(which, self.side(which).time_of(index))

    # -- linked stepping -----------------------------------------------------------------
    def _frame_start(self, which: str, t: float) -> float | None:
        """The common time at which side `which`'s frame shown at `t` began (None before the
        side's first frame)."""
        side, sync = self.side(which), self.sync_of(which)
        own = sync + t
        if own < side.time_of(0) - 1e-6:
            return None
        return side.time_of(side.index_at(own)) - sync

    def _next_frame(self, which: str, t: float) -> float | None:
        side, sync = self.side(which), self.sync_of(which)
        own = sync + t
        if own < side.time_of(0) - 1e-6:
            return side.time_of(0) - sync
        index = side.index_at(own)
        if index + 1 >= side.frames:
            return None
        return side.time_of(index + 1) - sync

    def step(self, t: float, frames: int = 1) -> float:
        """The common time `frames` steps from `t` (negative: backwards), where a step is the
        next moment either side changes frame; stops at the axis's ends."""
        for _ in range(abs(frames)):
            t = self._step_once(t, forward=frames > 0)
        return t

    def _step_once(self, t: float, forward: bool) -> float:
        if forward:
            nexts = [n for n in (self._next_frame(w, t) for w in "ab") if n is not None]
            nexts = [n for n in nexts if n > t + 1e-9]
            return min(nexts) if nexts else t
        # Backwards: to the start of the frame pair before the one shown at t.
        starts = [s for s in (self._frame_start(w, t) for w in "ab") if s is not None]
        shown_from = max([*starts, self.start_s])
        if shown_from <= self.start_s + 1e-9:
            return self.start_s
        before = shown_from - _EPS_S
        earlier = [s for s in (self._frame_start(w, before) for w in "ab") if s is not None]
        return max([*earlier, self.start_s])

    def export_times(self, fps: float | None = None) -> list[float]:
        """The common times of a side-by-side video from the sync points to the later end, at
        `fps` (default: the higher of the two frame rates, so neither side skips a frame)."""
        fps = fps or max(self.a.fps, self.b.fps)
        count = max(1, math.floor(self.after_sync_s * fps + 1e-6))
        return [k / fps for k in range(count)]


# -- differences ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    """One target's scores on both sides (None where a side has no score for it)."""

    target: str
    a: tuple[float, float, float] | None  # value, low, high
    b: tuple[float, float, float] | None
    score_max: float
    panel_a: float | None = None  # the judging panel's score of each side, where entered
    panel_b: float | None = None

    @property
    def delta(self) -> float | None:
        """B minus A."""
        if self.a is None or self.b is None:
            return None
        return self.b[0] - self.a[0]


def _scores_of(result: AnalysisResult) -> dict[str, tuple[float, float, float, float]]:
    if result.scores:
        return {
            target: (s.value, s.low, s.high, s.score_max) for target, s in result.scores.items()
        }
    target = result.model.target or "total"
    return {target: (result.score, result.score, result.score, result.model.score_max)}


def score_rows(
    a: AnalysisResult,
    b: AnalysisResult,
    panel_a: PanelScore | None = None,
    panel_b: PanelScore | None = None,
) -> list[ScoreRow]:
    """The two results' scores side by side, per target (total first), with each side's
    panel score for that target where the judges entered one."""
    sa, sb = _scores_of(a), _scores_of(b)
    order = ("total", "difficulty", "execution")
    targets = sorted(set(sa) | set(sb), key=lambda k: (order.index(k) if k in order else 9, k))
    rows = []
    for target in targets:
        score_max = (sa.get(target) or sb.get(target))[3]
        rows.append(
            ScoreRow(
                target,
                sa[target][:3] if target in sa else None,
                sb[target][:3] if target in sb else None,
                score_max,
                panel_a.value(target) if panel_a else None,
                panel_b.value(target) if panel_b else None,
            )
        )
    return rows


# -- the judges' notes of each side ----------------------------------------------------------


class NotesLibrary(Protocol):
    """What the comparison reads from the library (app.library_service.LibraryService)."""

    def find_video(self, path: str | Path) -> VideoInfo | None: ...

    def marks(self, sha256: str) -> list[Mark]: ...

    def panel_score(self, sha256: str) -> PanelScore | None: ...


@dataclass(frozen=True)
class SideNotes:
    """What the judges recorded for one side's video: its marks and the panel's score."""

    marks: tuple[Mark, ...] = ()
    panel: PanelScore | None = None


def notes_of(
    library: NotesLibrary | None, video: str | Path, result: AnalysisResult | None
) -> SideNotes:
    """The marks and panel score the library holds for `video`: found by its result's content
    hash, or as the stored video the file most likely is (name, size and date: no hashing);
    nothing without a library or a stored video."""
    if library is None:
        return SideNotes()
    sha = result.video.sha256 if result is not None else ""
    if not sha:
        stored = library.find_video(video)
        sha = stored.sha256 if stored is not None else ""
    if not sha:
        return SideNotes()
    return SideNotes(tuple(library.marks(sha)), library.panel_score(sha))


def marks_on_axis(
    comparison: Comparison, which: str, marks: Sequence[Mark]
) -> list[tuple[float, Mark]]:
    """Side `which`'s marks at their common times (own time minus the side's sync point), in
    time order; a mark off the common axis is left out."""
    sync = comparison.sync_of(which)
    placed = [(mark.time_s - sync, mark) for mark in marks]
    inside = [
        (t, m) for t, m in placed if comparison.start_s - 1e-9 <= t <= comparison.end_s + 1e-9
    ]
    return sorted(inside, key=lambda item: item[0])


@dataclass(frozen=True)
class Difference:
    """A stretch of the common time where the two routines' attention differs: each side's share
    of its attention (over the stretch both videos cover) falling in the stretch."""

    start_s: float  # common time
    end_s: float
    share_a: float
    share_b: float

    @property
    def gap(self) -> float:
        """B's share minus A's (positive: the model looked more at B's routine here)."""
        return self.share_b - self.share_a

    @property
    def mid_s(self) -> float:
        return (self.start_s + self.end_s) / 2


def attention_shares(result: AnalysisResult, sync_s: float, edges: Sequence[float]) -> list[float]:
    """The result's attention falling in each bin between consecutive common-time `edges`,
    the dynamic and static streams averaged (each spread or placed in time, normalised to the
    bins' span; a stream with no weight there is left out)."""
    bins = len(edges) - 1
    streams: list[list[float]] = []
    dynamic = [0.0] * bins
    for seg in result.dynamic:
        start, end = seg.start_s - sync_s, seg.end_s - sync_s
        length = end - start
        if length <= 0:
            continue
        for k in range(bins):
            overlap = min(end, edges[k + 1]) - max(start, edges[k])
            if overlap > 0:
                dynamic[k] += seg.weight * overlap / length
    static = [0.0] * bins
    for frame in result.static:
        t = frame.time_s - sync_s
        for k in range(bins):
            if edges[k] <= t < edges[k + 1] or (k == bins - 1 and t == edges[-1]):
                static[k] += frame.weight
                break
    for stream in (dynamic, static):
        total = sum(stream)
        if total > 0:
            streams.append([v / total for v in stream])
    if not streams:
        return [0.0] * bins
    return [sum(s[k] for s in streams) / len(streams) for k in range(bins)]


def differences(
    comparison: Comparison,
    result_a: AnalysisResult,
    result_b: AnalysisResult,
    bin_s: float = 1.0,
    limit: int = 5,
    min_gap: float = 0.02,
) -> list[Difference]:
    """Where the attention differs most, largest first: the stretch both videos cover (from
    the later start to the earlier end, common time) is cut into `bin_s` bins, each side's
    attention share per bin compared, and neighbouring bins leaning the same way merged.
    At most `limit` stretches, each with a gap of at least `min_gap`."""
    start = max(-comparison.sync_a_s, -comparison.sync_b_s)
    end = min(comparison.a.end_s - comparison.sync_a_s, comparison.b.end_s - comparison.sync_b_s)
    if end - start < 1e-6:
        return []
    count = max(1, math.ceil((end - start) / bin_s - 1e-9))
    edges = [start + k * (end - start) / count for k in range(count + 1)]
    share_a = attention_shares(result_a, comparison.sync_a_s, edges)
    share_b = attention_shares(result_b, comparison.sync_b_s, edges)
    gaps = [b - a for a, b in zip(share_a, share_b, strict=True)]
    stretches: list[Difference] = []
    k = 0
    while k < count:
        if abs(gaps[k]) < min_gap:
            k += 1
            continue
        j = k
        while j + 1 < count and abs(gaps[j + 1]) >= min_gap and (gaps[j + 1] > 0) == (gaps[k] > 0):
            j += 1
        stretches.append(
            Difference(edges[k], edges[j + 1], sum(share_a[k : j + 1]), sum(share_b[k : j + 1]))
        )
        k = j + 1
    stretches.sort(key=lambda d: (-abs(d.gap), d.start_s))
    return stretches[:limit]


@dataclass(frozen=True)
class CommonLoop:
    """An A-B loop on the common time axis: its two ends in common seconds (None: not set).
    It plays between the lower and the higher end, whichever was set first."""

    a: float | None = None
    b: float | None = None

    @property
    def active(self) -> bool:
        return self.a is not None and self.b is not None and abs(self.a - self.b) > _EPS_S

    @property
    def span(self) -> tuple[float, float]:
        """(first, last) common time of the loop; only meaningful when `active`."""
        assert self.a is not None and self.b is not None
        return (min(self.a, self.b), max(self.a, self.b))

    def wrap(self, t: float) -> float:
        """`t` brought back into the loop: past one end it goes on from the other."""
        first, last = self.span
        return first + (t - first) % (last - first)

    def text(self) -> str:
        """The loop in words: "A-B loop +0:01.0 to +0:03.0", "A +0:01.0" while one end is set."""
        if self.active:
            first, last = self.span
            return f"A-B loop {signed_time(first)} to {signed_time(last)}"
        for name, end in (("A", self.a), ("B", self.b)):
            if end is not None:
                return f"{name} {signed_time(end)}"
        return ""


def signed_time(t: float) -> str:
    """A common time as read-outs show it: "+0:01.5" after the sync points, "−0:02.0" before."""
    return ("−" if t < -1e-9 else "+") + format_time(abs(t))


GOTO_COMMON_HELP = (
    "a common time (0:12.5, 12.5, −0:03 before the sync points) or a side's own time (A 0:40)"
)


def parse_common_time(text: str, comparison: Comparison) -> float:
    """The common time a user typed: "1:02.5" or "62.5" (after the sync points), "-0:03" or
    "−3" (before them), or "A 0:40" / "B 12" (that side's own time, mapped to the common
    axis). JudgeappError (one line) for anything else or a time off the axis."""
    raw = text.strip()
    if not raw:
        raise JudgeappError(f"type {GOTO_COMMON_HELP}")
    side = raw[0].lower() if raw[0] in "aAbB" and raw[1:2] in (" ", ":", "") else None
    body = raw[1:].lstrip(" :") if side else raw
    negative = body[:1] in ("-", "−")
    if negative:
        body = body[1:].strip()
    if side and negative:
        raise JudgeappError(f"{raw!r}: a side's own time is not negative")
    try:
        seconds = parse_time(body)
    except JudgeappError:
        raise JudgeappError(f"{raw!r} is not {GOTO_COMMON_HELP}") from None
    if side:
        own_end = comparison.side(side).end_s
        if seconds > own_end + 1e-6:
            raise JudgeappError(
                f"{raw!r} is past the end of {side.upper()} ({format_time(own_end)})"
            )
        return comparison.common_time(side, seconds)
    t = -seconds if negative else seconds
    if not comparison.start_s - 1e-6 <= t <= comparison.end_s + 1e-6:
        raise JudgeappError(
            f"{raw!r} is off the common timeline ({signed_time(comparison.start_s)} to "
            f"{signed_time(comparison.end_s)})"
        )
    return t


def comparison_of(
    result_a: AnalysisResult, result_b: AnalysisResult, sync_a_s: float = 0.0, sync_b_s: float = 0.0
) -> Comparison:
    """The comparison of two analysed videos (frame times from their frame rates)."""
    return Comparison(
        SideVideo.of(result_a.video), SideVideo.of(result_b.video), sync_a_s, sync_b_s
    )


class CompareTransport:
    """The comparison window's position and transport, without Qt: the common time, linked or
    not, each side's own time while unlinked, playback ticks. Each call returns nothing; read
    `frames()` for the frame each side should show."""

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.t = 0.0
        self.linked = True
        self.own = {"a": comparison.sync_a_s, "b": comparison.sync_b_s}
        self.velocity = 0.0  # common seconds per second; 0 = paused
        self.loop = CommonLoop()

    def own_time(self, which: str) -> float:
        if self.linked:
            return self.comparison.position(which, self.t).time_s
        return self.own[which]

    def frames(self) -> tuple[int, int]:
        """The frame each side shows now."""
        return (
            self.comparison.a.index_at(self.own_time("a")),
            self.comparison.b.index_at(self.own_time("b")),
        )

    def seek(self, t: float) -> None:
        """Linked: both sides to common time `t`; unlinked: each side to its sync + t."""
        self.t = self.comparison.clamp(t)
        if not self.linked:
            self.own = {w: self.comparison.position(w, self.t).time_s for w in "ab"}

    def step(self, frames: int) -> None:
        """Linked frame step (see Comparison.step); pauses."""
        self.velocity = 0.0
        self.seek(self.comparison.step(self.t, frames))

    def seek_side(self, which: str, own_time_s: float) -> None:
        """Unlinked: move one side on its own (its own time)."""
        side = self.comparison.side(which)
        self.own[which] = min(max(own_time_s, 0.0), side.end_s)

    def step_side(self, which: str, frames: int) -> None:
        """Unlinked: one side steps its own frames."""
        side = self.comparison.side(which)
        index = min(max(side.index_at(self.own[which]) + frames, 0), side.frames - 1)
        self.own[which] = side.time_of(index)

    def set_linked(self, linked: bool) -> None:
        """Unlink (each side keeps its frame and moves on its own) or relink (the frames shown
        now become one moment: B's sync point moves, Comparison.relinked)."""
        if linked == self.linked:
            return
        if linked:
            self.comparison = self.comparison.relinked(self.own["a"], self.own["b"])
            self.linked = True
            self.loop = CommonLoop()
            self.t = self.comparison.clamp(self.own["a"] - self.comparison.sync_a_s)
        else:
            self.own = {w: self.own_time(w) for w in "ab"}
            self.linked = False
            self.velocity = 0.0

    def set_sync_here(self, which: str) -> None:
        """Side `which`'s sync point becomes the time it shows. Linked, the common time goes
        to 0, so the other side shows its own sync point. The A-B loop is cleared: its common
        times no longer name the same moments."""
        here = self.own_time(which)
        self.comparison = self.comparison.with_sync(which, here)
        self.loop = CommonLoop()
        if self.linked:
            self.t = 0.0
        else:
            self.own[which] = here

    def play(self, speed: float = 1.0) -> None:
        """Play at `speed` (negative: backwards); inside the A-B loop when there is one (from
        its start, or its end backwards, when the time is outside it)."""
        self.velocity = speed
        if self.loop.active:
            first, last = self.loop.span
            if not first <= self.t <= last:
                self.t = first if speed > 0 else last
            return
        if self.t >= self.comparison.end_s - 1e-9 and speed > 0:
            self.t = 0.0 if self.comparison.start_s < 0 else self.comparison.start_s

    def set_loop_end(self, end: str, t: float | None = None) -> None:
        """Set the loop's end "a" or "b" at common time `t` (None: the time shown now)."""
        here = self.comparison.clamp(self.t if t is None else t)
        self.loop = replace(self.loop, **{end: here})

    def clear_loop(self) -> None:
        self.loop = CommonLoop()

    def go_to(self, text: str) -> None:
        """Seek to a time typed by the user (`parse_common_time`); JudgeappError, one line,
        for text that is no time or a time off the common axis."""
        self.seek(parse_common_time(text, self.comparison))

    def pause(self) -> None:
        self.velocity = 0.0

    def set_overlay(self, **changes: object) -> None:
        """Change the overlay settings (enabled, opacity, offset_x, scale)."""
        overlay = replace(self.comparison.overlay, **changes)
        self.comparison = replace(self.comparison, overlay=overlay)

    def tick(self, elapsed_s: float) -> None:
        """Playback: the common time moves by elapsed x velocity; stops at either end, or
        goes round the A-B loop until paused."""
        if self.velocity == 0.0:
            return
        t = self.t + elapsed_s * self.velocity
        if self.loop.active:
            self.seek(self.loop.wrap(t))
            return
        if t >= self.comparison.end_s or t <= self.comparison.start_s:
            self.velocity = 0.0
        self.seek(t)


# -- the common timeline's drawing data ------------------------------------------------------

DYNAMIC_RGB = (59, 111, 182)  # the report timeline's colours (report.timeline_figure)
STATIC_RGB = (224, 123, 26)
_STEPS_S = (0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)


def axis_ticks(start_s: float, end_s: float, max_ticks: int = 10) -> list[tuple[float, str]]:
    """(common time, label) of the ticks under the common timeline: a round step giving at
    most `max_ticks`, labelled m:ss (m:ss.s for half seconds), negative before the sync."""
    span = max(end_s - start_s, 1e-6)
    step = next((s for s in _STEPS_S if span / s <= max_ticks), _STEPS_S[-1])
    ticks = []
    k = math.ceil(start_s / step - 1e-9)
    while k * step <= end_s + 1e-9:
        t = k * step
        sign = "−" if t < -1e-9 else ""
        if step < 1:
            label = sign + format_time(abs(t))
        else:
            minutes, seconds = divmod(round(abs(t)), 60)
            label = f"{sign}{minutes}:{seconds:02d}"
        ticks.append((t, label))
        k += 1
    return ticks


# -- angle lanes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AngleOnAxis:
    """One side's joint angle on the common time axis: the measured stretches, each a run of
    (common time, degrees); the gaps between runs are where the angle was not measured."""

    name: str
    label: str
    runs: tuple[tuple[tuple[float, float], ...], ...]

    @property
    def degrees(self) -> list[float]:
        return [d for run in self.runs for _, d in run]


def comparison_angle_choices(
    result_a: AnalysisResult | None, result_b: AnalysisResult | None
) -> list[tuple[str, str]]:
    """(name, label) of every angle either side measured (A's order, then B's others)."""
    choices = angle_choices(result_a)
    return choices + [c for c in angle_choices(result_b) if c not in choices]


def angle_on_axis(
    comparison: Comparison, which: str, result: AnalysisResult | None, name: str
) -> AngleOnAxis | None:
    """Side `which`'s angle `name` at common times (own time minus its sync point); None where
    that side has no pose results or never measured the angle."""
    lane = angle_lane(result, name)
    if lane is None or lane.measured == 0:
        return None
    sync = comparison.sync_of(which)
    runs: list[tuple[tuple[float, float], ...]] = []
    run: list[tuple[float, float]] = []
    for time_s, degrees in zip(lane.times_s, lane.degrees, strict=True):
        if math.isnan(degrees):
            if run:
                runs.append(tuple(run))
            run = []
        else:
            run.append((time_s - sync, degrees))
    if run:
        runs.append(tuple(run))
    return AngleOnAxis(name, lane.label, tuple(runs))


def angle_scale(traces: Sequence[AngleOnAxis | None]) -> tuple[float, float]:
    """The degrees both sides' angle lanes share (so the two curves compare): the measured
    range widened to whole tens, at least 20 degrees; 0-180 without any measure."""
    values = [d for trace in traces if trace is not None for d in trace.degrees]
    if not values:
        return (0.0, 180.0)
    low = math.floor(min(values) / 10) * 10
    high = max(math.ceil(max(values) / 10) * 10, low + 20)
    return (float(low), float(high))


# -- overlay and saving ----------------------------------------------------------------------


def overlay_placement(
    size_a: tuple[int, int], size_b: tuple[int, int], overlay: OverlaySettings
) -> tuple[float, float, float, float]:
    """Where B's frame goes over A's, in A's pixels (x, y, width, height): B scaled to A's
    height times `overlay.scale`, centred, then moved by `offset_x` times A's width."""
    (wa, ha), (wb, hb) = size_a, size_b
    scale = ha / max(hb, 1) * overlay.scale
    width, height = wb * scale, hb * scale
    return ((wa - width) / 2 + overlay.offset_x * wa, (ha - height) / 2, width, height)


def overlay_draw(
    comparison: Comparison, size_a: tuple[int, int], size_b: tuple[int, int]
) -> OverlayDraw | None:
    """What the exported video blends (report.compare_video): B's opacity and its place over
    A's frame of `size_a` (width, height); None while the overlay is off."""
    overlay = comparison.overlay
    if not overlay.enabled:
        return None
    from judgeapp.report.compare_video import OverlayDraw

    return OverlayDraw(overlay.opacity, overlay_placement(size_a, size_b, overlay))


COMPARISON_SCHEMA = "judgeapp.comparison/1"


def comparison_to_dict(comparison: Comparison) -> dict:
    """The comparison as JSON data: the two videos, their sync points, the overlay."""

    def side(s: SideVideo) -> dict:
        return {"path": s.path, "fps": s.fps, "frames": s.frames, "duration_s": s.duration_s}

    o = comparison.overlay
    return {
        "schema": COMPARISON_SCHEMA,
        "a": side(comparison.a),
        "b": side(comparison.b),
        "sync_a_s": comparison.sync_a_s,
        "sync_b_s": comparison.sync_b_s,
        "overlay": {
            "enabled": o.enabled,
            "opacity": o.opacity,
            "offset_x": o.offset_x,
            "scale": o.scale,
        },
    }


def comparison_from_dict(data: object) -> Comparison:
    """A comparison read back (JudgeappError, one line, for anything malformed)."""
    try:
        if not isinstance(data, dict) or data.get("schema") != COMPARISON_SCHEMA:
            raise ValueError(f"not a {COMPARISON_SCHEMA} comparison")

        def side(d: dict) -> SideVideo:
            return SideVideo(
                str(d["path"]), float(d["fps"]), int(d["frames"]), float(d["duration_s"])
            )

        o = data.get("overlay") or {}
        overlay = OverlaySettings(
            bool(o.get("enabled", False)),
            float(o.get("opacity", 0.5)),
            float(o.get("offset_x", 0.0)),
            float(o.get("scale", 1.0)),
        )
        return Comparison(
            side(data["a"]),
            side(data["b"]),
            float(data["sync_a_s"]),
            float(data["sync_b_s"]),
            overlay,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise JudgeappError(f"a saved comparison cannot be read: {exc}") from None
