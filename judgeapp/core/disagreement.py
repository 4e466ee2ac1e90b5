"""Where the judges and the model part ways: judges' deductions against the model's attention.

Pure functions on an AnalysisResult and the judges' marks, shared by the GUI (app/) and the
reports (report/). The definitions, which docs/review.md repeats:

- **Stream.** The dynamic stream (one weight per 16-frame segment at 5 fps): its segments
  tile the whole routine, so every moment falls in exactly one of them. The static stream
  (one weight per 1 fps athlete frame) is given beside it for the nearest athlete frame within
  `tolerance_s`, or None where no person was seen there.
- **Percentile** of a weight among the routine's weights w_1..w_N: the share of the other
  instances that the model weighted less, ties counting half:
  `100 * (#{w_j < w} + (#{w_j == w} - 1) / 2) / (N - 1)`; 100 is the routine's most attended
  instance, 0 its least, 50 the median (N = 1: 50).
- **A mark's segment**: the segment whose [start_s, end_s) holds the mark's time (the last
  segment holds its end too); a mark past the segments (the tail of a video shorter than a
  segment) takes the nearest segment if it is within `tolerance_s`, else it is not placed.
- **Unmarked moments**: among the routine's `top_k` most attended segments (ranks 1..top_k,
  only those above the uniform weight 1/N), the ones that no deduction mark falls in or within
  `tolerance_s` of (inside [start_s - tolerance_s, end_s + tolerance_s]).
- **Targets.** With a model set (`result.scores` holding per-target attention), every target
  with recorded attention is judged on its own attention; a target without it uses the result's
  attention if it is the main target (total, or the only one). One head: its own target.

Only deduction marks are judged: highlights and comments are not a judge's verdict on a fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from judgeapp.core.marks import Mark
from judgeapp.core.results import AnalysisResult

DEFAULT_TOLERANCE_S = 1.0
DEFAULT_TOP_K = 5

# Colour of a percentile, in the GUI as in the reports: blue where the model barely looked, grey
# at the median, red where it looked most (a red deduction: model and judge agree it matters).
_LOW_RGB, _MID_RGB, _HIGH_RGB = (33, 102, 172), (150, 150, 150), (200, 30, 30)
UNMARKED_RGB = (230, 120, 0)  # an attended moment no judge marked: orange, as a warning


@dataclass(frozen=True)
class TargetAttention:
    """One target's attention over the routine: one weight per dynamic segment and per
    static frame of the result (the static tuple may be empty)."""

    target: str
    dynamic: tuple[float, ...]
    static: tuple[float, ...]


@dataclass(frozen=True)
class MarkAttention:
    """The model's attention at one deduction mark, for one target.

    segment: index of the mark's dynamic segment; weight / percentile: that segment's weight
    and its percentile among the routine's segments; static_weight / static_percentile: the
    nearest athlete frame's (within the tolerance), None where there is none.
    """

    mark: Mark
    target: str
    segment: int
    weight: float
    percentile: float
    static_weight: float | None
    static_percentile: float | None


@dataclass(frozen=True)
class UnmarkedMoment:
    """A highly attended segment no deduction mark is near, for one target.

    rank: 1 for the routine's most attended segment of this target, 2 for the next, ...
    """

    target: str
    segment: int
    start_s: float
    end_s: float
    weight: float
    percentile: float
    rank: int

    @property
    def time_s(self) -> float:
        """Where to look: the segment's start."""
        return self.start_s


@dataclass(frozen=True)
class Disagreement:
    """Judges' deductions against the model's attention, for every target judged.

    marks: sorted by percentile, least attended first (the strongest disagreement first), then
    by time and target; unmarked: by target order, then rank; unplaced: deduction marks that
    fall in no segment (past the segments by more than the tolerance), in time order.
    """

    targets: tuple[str, ...]
    marks: tuple[MarkAttention, ...]
    unmarked: tuple[UnmarkedMoment, ...]
    unplaced: tuple[Mark, ...]
    tolerance_s: float

    @property
    def empty(self) -> bool:
        return not self.marks and not self.unmarked


def percentile_rgb(percentile: float) -> tuple[int, int, int]:
    """The colour of an attention percentile (0..100): blue, through grey, to red."""
    p = min(max(percentile, 0.0), 100.0) / 50.0
    low, high = (_LOW_RGB, _MID_RGB) if p <= 1.0 else (_MID_RGB, _HIGH_RGB)
    t = p if p <= 1.0 else p - 1.0
    return tuple(round(a + (b - a) * t) for a, b in zip(low, high, strict=True))  # type: ignore[return-value]


def percentile_text(percentile: float | None) -> str:
    """A percentile as lists show it: "97th" ("-" when unknown)."""
    if percentile is None:
        return "-"
    value = round(percentile)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def deduction_label(mark: Mark, number: int | None = None) -> str:
    """A deduction mark in a list: "#12 deduction -0.3" (12: `number`, by default its id;
    the reports number marks in time order)."""
    value = "" if mark.deduction is None else f" -{mark.deduction:g}"
    return f"#{mark.id if number is None else number} deduction{value}"


def unmarked_label(moment: UnmarkedMoment) -> str:
    """An unmarked moment in a list and on the lane: "A2 unmarked" (A = attended, 2 = rank)."""
    return f"A{moment.rank} unmarked"


def percentiles(weights: Sequence[float]) -> list[float]:
    """Each weight's percentile among `weights` (see the module's definition): 0..100."""
    n = len(weights)
    if n == 1:
        return [50.0]
    ordered = sorted(weights)
    out = []
    for w in weights:
        below = _count_below(ordered, w)
        equal = _count_below(ordered, w, inclusive=True) - below
        out.append(100.0 * (below + (equal - 1) / 2) / (n - 1))
    return out


def _count_below(ordered: Sequence[float], value: float, inclusive: bool = False) -> int:
    """How many of the sorted `ordered` are < value (<= value when `inclusive`)."""
    low, high = 0, len(ordered)
    while low < high:
        mid = (low + high) // 2
        if ordered[mid] < value or (inclusive and ordered[mid] == value):
            low = mid + 1
        else:
            high = mid
    return low


def target_attentions(result: AnalysisResult) -> list[TargetAttention]:
    """The attention each judged target has (module docstring: Targets), in the order of
    result.scores (or the one head's target)."""
    own = TargetAttention(
        result.model.target,
        tuple(s.weight for s in result.dynamic),
        tuple(f.weight for f in result.static),
    )
    if not result.scores:
        return [own] if own.dynamic else []
    main = "total" if "total" in result.scores else next(iter(result.scores))
    out = []
    for name, score in result.scores.items():
        if score.dynamic:
            out.append(TargetAttention(name, tuple(score.dynamic), tuple(score.static)))
        elif name == main and own.dynamic:
            out.append(TargetAttention(name, own.dynamic, own.static))
    return out


def segment_at(result: AnalysisResult, time_s: float, tolerance_s: float) -> int | None:
    """The index of the dynamic segment holding `time_s` (module docstring), or None."""
    segments = result.dynamic
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg.start_s <= time_s < seg.end_s or (last and time_s == seg.end_s):
            return i
    best, best_gap = None, tolerance_s
    for i, seg in enumerate(segments):
        gap = seg.start_s - time_s if time_s < seg.start_s else time_s - seg.end_s
        if gap <= best_gap:
            best, best_gap = i, gap
    return best


def static_at(result: AnalysisResult, time_s: float, tolerance_s: float) -> int | None:
    """The index of the athlete frame nearest `time_s` within `tolerance_s`, or None."""
    best, best_gap = None, tolerance_s
    for i, frame in enumerate(result.static):
        gap = abs(frame.time_s - time_s)
        if gap <= best_gap:
            best, best_gap = i, gap
    return best


def judge_disagreement(
    result: AnalysisResult,
    marks: Sequence[Mark],
    top_k: int = DEFAULT_TOP_K,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> Disagreement:
    """The model's attention at each deduction mark and the attended moments nobody marked."""
    deductions = sorted((m for m in marks if m.kind == "deduction"), key=lambda m: (m.time_s, m.id))
    attentions = target_attentions(result)
    placed = {m.id: segment_at(result, m.time_s, tolerance_s) for m in deductions}
    nearest_frame = {m.id: static_at(result, m.time_s, tolerance_s) for m in deductions}
    rows: list[MarkAttention] = []
    unmarked: list[UnmarkedMoment] = []
    for att in attentions:
        dyn_pct = percentiles(att.dynamic)
        sta_pct = percentiles(att.static) if att.static else []
        for mark in deductions:
            seg = placed[mark.id]
            if seg is None:
                continue
            frame = nearest_frame[mark.id] if att.static else None
            rows.append(
                MarkAttention(
                    mark=mark,
                    target=att.target,
                    segment=seg,
                    weight=att.dynamic[seg],
                    percentile=dyn_pct[seg],
                    static_weight=None if frame is None else att.static[frame],
                    static_percentile=None if frame is None else sta_pct[frame],
                )
            )
        unmarked += _unmarked(result, att, dyn_pct, deductions, top_k, tolerance_s)
    order = {att.target: i for i, att in enumerate(attentions)}
    rows.sort(key=lambda r: (r.percentile, r.mark.time_s, r.mark.id, order[r.target]))
    return Disagreement(
        targets=tuple(att.target for att in attentions),
        marks=tuple(rows),
        unmarked=tuple(unmarked),
        unplaced=tuple(m for m in deductions if placed[m.id] is None),
        tolerance_s=tolerance_s,
    )


def _unmarked(
    result: AnalysisResult,
    att: TargetAttention,
    dyn_pct: list[float],
    deductions: Sequence[Mark],
    top_k: int,
    tolerance_s: float,
) -> list[UnmarkedMoment]:
    """Of the target's top_k most attended segments (above uniform), those no deduction is near."""
    uniform = 1.0 / len(att.dynamic)
    ranked = sorted(range(len(att.dynamic)), key=lambda i: (-att.dynamic[i], i))
    out = []
    for rank, i in enumerate(ranked[:top_k], start=1):
        seg = result.dynamic[i]
        if att.dynamic[i] <= uniform:
            break
        near = any(
            seg.start_s - tolerance_s <= m.time_s <= seg.end_s + tolerance_s for m in deductions
        )
        if not near:
            out.append(
                UnmarkedMoment(
                    att.target, i, seg.start_s, seg.end_s, att.dynamic[i], dyn_pct[i], rank
                )
            )
    return out
