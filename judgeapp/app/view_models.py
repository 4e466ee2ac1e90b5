"""What the widgets show, computed from an analysis result: pure functions, no Qt.

The widgets only draw these values, so every rule (step curves, rankings, highlights, banners,
shuttle speeds, the Models window's rows) is tested here without a display.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from judgeapp.app.pose_view import ATHLETE_ROW_TIP, athlete_text
from judgeapp.app.requests import AnalysisRequest
from judgeapp.app.score_view import TargetsView, targets_view, trained_on_text
from judgeapp.core.finders import finder
from judgeapp.core.marks import PanelScore
from judgeapp.core.progress import Progress
from judgeapp.core.results import (
    HEAD_ON_RANDOM_FEATURES,
    RANDOM_BACKBONES,
    RECIPE_MISMATCH,
    UNTRAINED_HEAD,
    AnalysisResult,
    FrameWeight,
    ModelInfo,
    SegmentWeight,
)
from judgeapp.detect.factory import HOG_WARNING
from judgeapp.report.scores import main_target, targets_text
from judgeapp.weights.head_resolver import HeadChoice, resolve_head
from judgeapp.weights.heads import InstalledHead, head_problem
from judgeapp.weights.status import MISSING, FileStatus

SPEEDS = (1 / 16, 1 / 8, 0.25, 0.5, 1.0, 1.5, 2.0)  # slow motion down to 1/16
DEFAULT_K = 4
MAX_K = 12
MAX_RECENT = 10
BOX_TOLERANCE_S = 0.5  # a static frame's box is shown this close to its time


# --- clock ---------------------------------------------------------------------------------------
def format_clock(time_s: float) -> str:
    """Seconds as m:ss.ss (e.g. 83.256 -> "1:23.26"); hours as h:mm:ss.ss."""
    hundredths = round(max(0.0, time_s) * 100)
    seconds, cents = divmod(hundredths, 100)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}.{cents:02d}"
    return f"{minutes}:{seconds:02d}.{cents:02d}"


def format_position(time_s: float, duration_s: float, index: int, frames: int) -> str:
    """The player's read-out: "0:03.46 / 0:10.29   frame 83 / 246".

    Frames are counted from 0, as the analysis JSON and the reports count them; the second
    number is the last frame's index.
    """
    return (
        f"{format_clock(time_s)} / {format_clock(duration_s)}   "
        f"frame {index} / {max(frames - 1, 0)}"
    )


# --- timeline ------------------------------------------------------------------------------------
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


# --- crops and segments --------------------------------------------------------------------------
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


# --- highlights ----------------------------------------------------------------------------------
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


# --- player --------------------------------------------------------------------------------------
def box_at(
    static: Sequence[FrameWeight], time_s: float, tolerance_s: float = BOX_TOLERANCE_S
) -> tuple[float, float, float, float] | None:
    """The athlete box of the static frame nearest to `time_s`, if within `tolerance_s`."""
    best = min(static, key=lambda f: abs(f.time_s - time_s), default=None)
    if best is None or abs(best.time_s - time_s) > tolerance_s:
        return None
    return best.box


def shuttle(velocity: float, key: str) -> float:
    """J/K/L: K stops; L plays forward, faster on each press; J the same backwards.

    Velocity is signed speed (0 = paused); each press moves one step through SPEEDS (1x first).
    """
    if key == "K":
        return 0.0
    sign = 1.0 if key == "L" else -1.0
    if velocity * sign <= 0:
        return sign * 1.0
    speed = abs(velocity)
    faster = [s for s in SPEEDS if s > speed + 1e-9]
    return sign * (faster[0] if faster else SPEEDS[-1])


def speed_label(speed: float) -> str:
    """'1/16×' for slow motion below half speed, else '0.5×', '1×', '1.5×'."""
    if 0 < speed < 0.5:
        return f"1/{round(1 / speed)}×"
    return f"{speed:g}×"


def playback_index(
    start_index: int, elapsed_s: float, fps: float, velocity: float, frames: int
) -> int:
    """The frame due `elapsed_s` after playback started at `start_index` (clamped)."""
    index = start_index + math.floor(elapsed_s * fps * velocity + 1e-9)
    return int(min(max(index, 0), max(frames - 1, 0)))


# --- score panel ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Banner:
    """A message across the window: kind "warning" (not calibrated), "no-model" or "error"."""

    kind: str
    title: str
    text: str


NO_MODEL_BANNER = Banner(
    kind="no-model",
    title="No scoring model installed yet",
    text=(
        "judgeapp needs a trained scoring model to give a real score. Install one from a "
        "model pack (Analysis ▸ Models…) or choose a model file (Analysis ▸ Choose Model…). "
        "Meanwhile you can watch and mark the video, or try a demo analysis: it works offline "
        "with nothing installed, but its number is not a real judgement."
    ),
)


@dataclass(frozen=True)
class CardFacts:
    """Model card fields the score panel lists beyond the result's own ModelInfo."""

    trained_on: str = ""
    test_spearman: float | None = None
    trained: bool | None = None

    @classmethod
    def of_head(cls, head: HeadChoice) -> CardFacts:
        """The facts of the head a request scores with: its card's (a fresh analysis, or a
        stored result made by that very head); trained False for the untrained head; none
        when no head is installed or its header cannot be read."""
        if head.untrained:
            return cls(trained=False)
        card = head.card
        if card is None:
            return cls()
        return cls(card.trained_on, card.test_spearman, card.trained)


@dataclass(frozen=True)
class ScoreView:
    """The score panel's content."""

    score_text: str
    range_text: str
    rows: tuple[tuple[str, str], ...]
    banner: Banner | None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    # A model set's D, E and total with intervals and the panel's beside them (None: one head).
    targets: TargetsView | None = None


# What each calibration reason means to a coach, and which menu does something about it.
CALIBRATION_WORDS = {
    RANDOM_BACKBONES: "the video networks have random weights instead of their trained ones",
    UNTRAINED_HEAD: "the scoring model is untrained (it has never seen a scored routine)",
    RECIPE_MISMATCH: (
        "the scoring model learned from videos prepared by an older version of judgeapp"
    ),
    HEAD_ON_RANDOM_FEATURES: "the scoring model learned from networks with random weights",
}


# Analysis warnings written for the command line, as the window says them (which menu does it).
GUI_WARNINGS = {
    HOG_WARNING: (
        "The athlete was found with the built-in finder (OpenCV HOG), which misses large or "
        "unusual poses; the pose model installs from Analysis ▸ Models…"
    ),
}


def calibration_banner(model: ModelInfo, warnings: Sequence[str] = ()) -> Banner | None:
    """The "not calibrated" message, from the result's structured reasons.

    Results written before reasons were recorded still say that the score is not calibrated,
    without guessing why from the warning text.
    """
    if model.calibrated:
        return None
    why = [CALIBRATION_WORDS.get(r.code, r.text) for r in model.uncalibrated]
    if not why:  # a result from before reasons were recorded
        why = ["random video networks or an untrained scoring model"]
    return Banner(
        kind="warning",
        title="Not calibrated",
        text=(
            f"A demo score: {'; '.join(why)}. "
            "The number shows how the tool works, not how good the routine is. "
            "For a real score install trained models (Analysis ▸ Models…) or choose a trained "
            "model file (Analysis ▸ Choose Model…)."
        ),
    )


# What each score panel row means, for a coach (the rows' tooltips).
SCORE_ROW_TIPS = {
    "Model": "The scoring model that gave this number (Analysis ▸ Models… lists them)",
    "Routine": "The apparatus the scoring model learned to judge",
    "Target": (
        "Which score it predicts: total, difficulty or execution (a model set predicts several, "
        "each with several members)"
    ),
    "Profile": (
        "How the video was looked at (which video networks); a scoring model only understands "
        "the kind it learned from"
    ),
    "Computed with": (
        "Which engine ran the video networks, in which number precision (fp32 is the reference; "
        "bf16 and fp16 are faster and differ slightly). Analysis ▸ Settings… chooses it"
    ),
    "Athlete finder": "How the athlete was found in each one-second picture",
    "Athlete": ATHLETE_ROW_TIP,
    "Trained on": "The scored routines the scoring model learned from",
    "Test Spearman": (
        "How well its ranking of unseen routines agreed with the judges' (1 = the same order, "
        "0 = no relation)"
    ),
}


ENGINE_NAMES = {"torch": "PyTorch", "openvino": "OpenVINO"}


def engine_text(result: AnalysisResult) -> str:
    """Which engine and precision computed the features, e.g. "OpenVINO, fp32" ("—": a result
    from before engines were recorded, or read from the feature cache of such a run)."""
    if result.engine is None or not result.engine.name:
        return "—"
    name = ENGINE_NAMES.get(result.engine.name, result.engine.name)
    return f"{name}, {result.engine.precision}" if result.engine.precision else name


def finder_text(result: AnalysisResult) -> str:
    """The person detector the result records ("—" when it records none)."""
    made = result.provenance
    if made is None or not made.detector:
        return "—"
    return finder(made.detector).name


def score_view(
    result: AnalysisResult, facts: CardFacts | None = None, panel: PanelScore | None = None
) -> ScoreView:
    """The score panel's content; `panel`: the judges' score of the video, shown beside a
    model set's targets (a one-head result shows as before)."""
    model = result.model
    reason_texts = {r.text for r in model.uncalibrated}
    facts = facts or CardFacts()
    spearman = "—" if facts.test_spearman is None else f"{facts.test_spearman:.3f}"
    rows = (
        ("Model", model.name),
        ("Routine", model.routine),
        ("Target", targets_text(result.scores) if result.scores else f"{model.target} score"),
        ("Profile", model.profile),
        ("Computed with", engine_text(result)),
        ("Athlete finder", finder_text(result)),
        *((("Athlete", athlete),) if (athlete := athlete_text(result)) is not None else ()),
        ("Trained on", trained_on_text(result, facts.trained_on, facts.trained)),
        ("Test Spearman", spearman),
    )
    return ScoreView(
        score_text=f"{result.score:.2f}",
        range_text=f"of {model.score_max:g} ({main_target(result)})",
        rows=rows,
        banner=calibration_banner(model),
        warnings=tuple(GUI_WARNINGS.get(w, w) for w in result.warnings if w not in reason_texts),
        targets=targets_view(result, panel),
    )


# --- settings ------------------------------------------------------------------------------------
# The engines and precisions of features.engines (kept here so that the window does not import
# torch to list them; a test keeps the two equal). Precision "" = the engine's default.
@dataclass(frozen=True)
class AppSettings:
    """What the user chose, persisted between sessions: the analysis request (the fields that
    change the number) and the window's preferences (timeline k, recent files, analyse on open).
    """

    request: AnalysisRequest = field(default_factory=AnalysisRequest)
    k: int = DEFAULT_K
    recent: tuple[str, ...] = ()
    auto_analyze: bool = True

    def __post_init__(self) -> None:
        if self.request.follow is not None:  # a follow is asked for one video, never kept
            object.__setattr__(self, "request", replace(self.request, follow=None))
        object.__setattr__(self, "k", int(min(max(self.k, 1), MAX_K)))

    def with_request(self, **changes: object) -> AppSettings:
        """These settings with the request's fields `changes` changed."""
        return replace(self, request=replace(self.request, **changes))


def push_recent(recent: Sequence[str], path: str, limit: int = MAX_RECENT) -> tuple[str, ...]:
    """`path` first, then the others without it, at most `limit`."""
    return tuple([path, *[p for p in recent if p != path]][:limit])


# Every stage a user waits for, in the order they come: the analysis process starting (a fresh
# Python importing PyTorch), its networks being built (converted for OpenVINO the first time),
# then the analysis's own stages. Each has words; `stage_text` adds the count and the seconds.
START_STAGE = "start"  # the analysis process is starting
QUEUED_STAGE = "queued"  # the analysis process runs: the request is on its way to it
PREPARE_STAGE = "prepare"  # building the networks (already converted, or PyTorch)
CONVERT_STAGE = "convert"  # building the networks, converting them for the CPU engine first
STAGE_NAMES = {
    START_STAGE: "starting the analysis process",
    QUEUED_STAGE: "handing the video to the analysis process",
    PREPARE_STAGE: "preparing the networks",
    CONVERT_STAGE: (
        "preparing the networks (first time on this machine: converting for the CPU engine, "
        "about a minute)"
    ),
    "cache": "reading cached features",
    "decode": "decoding the video",
    "detect": "finding the athlete",
    "pose": "following the athlete's pose",
    "dynamic": "segments (video network)",
    "static": "athlete crops (image network)",
    "head": "scoring",
}


# Stages whose count is too coarse for a bar (a network is one step of a minute): the bar is busy.
BUSY_STAGES = frozenset({START_STAGE, QUEUED_STAGE, PREPARE_STAGE, CONVERT_STAGE})


def bar_fill(stage: str, done: int, total: int) -> tuple[int, int] | None:
    """The progress bar's (value, maximum), or None for a busy bar (no count worth a bar)."""
    if stage in BUSY_STAGES or total <= 0:
        return None
    return min(done, total), total


def first_stage(process_running: bool) -> str:
    """The stage to show the moment an analysis is asked for, before any word from it."""
    return QUEUED_STAGE if process_running else START_STAGE


def wait_text(seconds: float) -> str:
    """A wait in words: "8.2 s", "2 min 34 s"."""
    if seconds < 60:
        return f"{max(seconds, 0.0):.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def stage_text(stage: str, done: int, total: int, waited_s: float | None = None) -> str:
    """The progress words, e.g. "Analysing: finding the athlete (12 / 40)", with how long the
    user has waited so far when `waited_s` is given ("… · 35 s")."""
    name = STAGE_NAMES.get(stage, stage)
    count = f" ({done} / {total})" if total > 1 else ""
    waited = f" · {round(waited_s)} s" if waited_s is not None else ""
    return f"Analysing: {name}{count}{waited}"


def done_text(waited_s: float, finder: str = "—") -> str:
    """The status line when a result shows: the time the user waited for it (from asking to
    seeing it, not the analysis's own total)."""
    found = f"; athlete finder: {finder}" if finder != "—" else ""
    return f"Analysis done in {wait_text(waited_s)}{found}"


# --- models window -------------------------------------------------------------------------------
MODEL_COLUMNS = ("File", "Used for", "Size", "Status", "Folder")


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def short_path(path: Path, home: Path | None = None) -> str:
    """`path` with the home folder written as ~ (the Models window's Folder column)."""
    home = Path.home() if home is None else home
    try:
        return str(Path("~") / path.relative_to(home))
    except ValueError:
        return str(path)


def model_file_cells(status: FileStatus) -> list[str]:
    """One row of the Models window: name, what it is for, size, state, the folder it is in
    (or belongs in; the tooltip gives the whole path)."""
    entry = status.entry
    return [
        entry.name,
        "; ".join(entry.used_by),
        "?" if status.size_bytes is None else _megabytes(status.size_bytes),
        status.text,
        short_path(status.path.parent),
    ]


def model_file_tooltip(status: FileStatus) -> str:
    """The details of one row: what the file is, where it comes from, what is wrong with it."""
    entry = status.entry
    where = "belongs at" if status.state == MISSING else "found at"
    lines = [
        entry.description,
        f"file: {entry.filename}, {where} {status.path}",
        f"source: {entry.url}",
        f"expected SHA-256: {entry.expected_hash_text()}",
        f"licence: {entry.license}",
    ]
    if status.problem:
        lines.append(f"problem: {status.problem}")
    return "\n".join(lines)


HEAD_COLUMNS = ("Head", "Routine", "Target", "Profile", "Trained on", "Test Spearman", "Use")
CHOSEN = "chosen"
NEWEST = "newest (default)"
CANNOT_SCORE = "cannot score"


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()
    except (OSError, RuntimeError):
        return str(a) == str(b)


def head_uses(heads: Sequence[InstalledHead], model: str, profile: str) -> list[str]:
    """The Use column: "chosen" for the head the settings' `model` names; when `model` is ""
    (the installed head), "newest (default)" for the one an analysis picks
    (`weights.head_resolver.resolve_head` over these `heads`, newest first, for the settings'
    `profile`, "" = any); "cannot score" for a head that never could (copied in by hand with
    other feature sizes: its tooltip says why), unless the settings name it."""
    if model == "":
        default = resolve_head(model, profile, heads).path
        uses = [NEWEST if h.path == default else "" for h in heads]
    elif model == "random":
        uses = ["" for _ in heads]
    else:
        uses = [CHOSEN if _same_file(h.path, model) else "" for h in heads]
    return [
        CANNOT_SCORE if not use and head_problem(h.card) else use
        for h, use in zip(heads, uses, strict=True)
    ]


def head_cells(head: InstalledHead, use: str = "") -> list[str]:
    """One row of the Models window's Trained heads table."""
    card = head.card
    if card.trained:
        trained_on = " ".join(card.trained_on.split()) or "—"
    else:
        trained_on = "untrained"
    spearman = "—" if card.test_spearman is None else f"{card.test_spearman:.3f}"
    return [card.name, card.routine, card.target, card.profile, trained_on, spearman, use]


def head_tooltip(head: InstalledHead) -> str:
    """The details of a head's row: file, training, score range, when it was made."""
    card = head.card

    def score(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    backbones = {True: "pretrained", False: "random", None: "unknown"}[card.backbones_pretrained]
    return "\n".join(
        [
            f"file: {head.path}",
            f"{card.routine}, {card.target} score of {card.score_max:g}, "
            f"'{card.profile}' features ({backbones} backbones)",
            f"trained on: {card.trained_on or ('nothing' if not card.trained else '—')}",
            f"validation Spearman {score(card.val_spearman)}, "
            f"test Spearman {score(card.test_spearman)}",
            f"created {card.created}",
            *([f"cannot score videos: {problem}"] if (problem := head_problem(card)) else []),
        ]
    )


def pack_installed_text(paths: Sequence[Path], weights_folder: Path, heads_folder: Path) -> str:
    """What the Models window says after a model pack was installed."""
    heads = [p for p in paths if p.parent == heads_folder]
    files = [p for p in paths if p.parent != heads_folder]
    parts = []
    if files:
        word = "file" if len(files) == 1 else "files"
        names = ", ".join(p.name for p in files)
        parts.append(f"{len(files)} {word} ({names}) in {short_path(weights_folder)}")
    if heads:
        word = "trained head" if len(heads) == 1 else "trained heads"
        names = ", ".join(p.name for p in heads)
        parts.append(f"{len(heads)} {word} ({names}) in {short_path(heads_folder)}")
    return f"Model pack installed: {'; '.join(parts) or 'nothing new'}."


def models_progress_text(progress: Progress) -> str:
    """The Models window's progress words: bytes for a download, files for a check."""
    stage = progress.stage[:1].upper() + progress.stage[1:]
    if progress.stage.startswith("download"):
        total = f" / {_megabytes(progress.total)}" if progress.total > 0 else ""
        return f"{stage}: {_megabytes(progress.done)}{total}"
    count = f" ({progress.done + 1} / {progress.total})" if progress.total > 1 else ""
    return f"{stage}{count}"


# --- keyboard shortcuts --------------------------------------------------------------------------
def action_label(text: str) -> str:
    """A menu entry's text as a person reads it: no mnemonic "&", no trailing "…"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def shortcut_rows(
    entries: Sequence[tuple[str, str, Sequence[str]]],
) -> list[tuple[str, str, str]]:
    """(action, keys, menu) rows for the shortcuts table from (menu, action text, key strings),
    the actions without keys left out, each action once."""
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for menu, text, keys in entries:
        keys = [k for k in keys if k]
        label = action_label(text)
        if not keys or (label, menu) in seen:
            continue
        seen.add((label, menu))
        rows.append((label, " or ".join(keys), action_label(menu)))
    return rows


def tooltip_with_keys(text: str, keys: Sequence[str]) -> str:
    """A tooltip that names the keys: "Analyse (Ctrl+R)"."""
    keys = [k for k in keys if k]
    label = action_label(text)
    return f"{label} ({' or '.join(keys)})" if keys else label
