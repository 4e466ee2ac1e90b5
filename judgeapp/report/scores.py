"""A model set's scores (schema judgeapp.analysis/2) in words: targets in order, intervals,
what each interval was worth, the panel's score beside each, and the consistency check.

Shared by the reports (PDF, HTML, CSV, JSON) and the GUI's score view (app/score_view.py), so a
coach reads the same numbers and the same words in both.

Consistency: the total is D + E - penalty, so where difficulty, execution and total are all
predicted, predicted D + E is set beside the predicted total. The gap D + E - total is flagged
when D + E falls outside the total's interval [low, high]; for an interval centred on the
value that is |gap| > half the interval's width. The model predicts no penalty: a penalty the
panel took shows as a positive gap of that size, which is why the line names the panel's
penalty when it is known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from judgeapp.core.marks import PanelScore
from judgeapp.core.results import AnalysisResult, TargetScore

# The order a judge reads them in: difficulty, execution, then the total they add up to.
TARGET_ORDER = ("difficulty", "execution", "total")
# Two scores closer than this are the same (sums of floats read back from JSON).
TOLERANCE = 1e-6
TARGET_LABELS = {"difficulty": "Difficulty (D)", "execution": "Execution (E)", "total": "Total"}


def main_target(result: AnalysisResult) -> str:
    """The target `result.score` is: a set's total (or its only target), else the head's."""
    if not result.scores:
        return result.model.target
    return "total" if "total" in result.scores else next(iter(result.scores))


def ordered_targets(scores: Mapping[str, TargetScore]) -> list[tuple[str, TargetScore]]:
    """The result's targets as (name, score), difficulty first and total last."""
    return [(name, scores[name]) for name in TARGET_ORDER if name in scores]


def targets_text(scores: Mapping[str, TargetScore]) -> str:
    """The model card's Target row for a set: "difficulty (of 12), execution (of 10), total
    (of 25); 3 members each"."""
    targets = ordered_targets(scores)
    names = ", ".join(f"{name} (of {score.score_max:g})" for name, score in targets)
    counts = sorted({len(score.members) for _, score in targets})
    each = (
        f"{counts[0]} members each"
        if len(counts) == 1
        else "members: " + ", ".join(f"{name} {len(score.members)}" for name, score in targets)
    )
    return f"{names}; {each}"


def interval_text(score: TargetScore) -> str:
    """ "17.0 – 18.1": the interval of the members' spread."""
    return f"{score.low:.2f} – {score.high:.2f}"


def coverage_text(score: TargetScore) -> str:
    """What the interval was worth at training, in a sentence; "" when it was not measured."""
    parts = []
    if score.coverage is not None:
        parts.append(
            f"interval held the true score for {score.coverage * 100:.0f} % of validation videos"
        )
    if score.mean_width is not None:
        parts.append(f"mean width {round(score.mean_width, 2):g}")
    return ", ".join(parts)


def _inside(value: float, low: float, high: float) -> bool:
    """`value` within [low, high], the ends included (up to TOLERANCE)."""
    return low - TOLERANCE <= value <= high + TOLERANCE


def coverage_short(score: TargetScore) -> str:
    """The same in a few words, for a narrow panel: "coverage 72 % on validation, mean width
    0.9"; "" when not measured."""
    parts = []
    if score.coverage is not None:
        parts.append(f"coverage {score.coverage * 100:.0f} % on validation")
    if score.mean_width is not None:
        parts.append(f"mean width {round(score.mean_width, 2):g}")
    return ", ".join(parts)


def panel_difference(score: TargetScore, panel_value: float | None) -> float | None:
    """Predicted minus panel, when the panel's score for the target is known."""
    return None if panel_value is None else score.value - panel_value


@dataclass(frozen=True)
class TargetRow:
    """One target as the tables show it (text cells; "" where nothing is known)."""

    name: str
    label: str
    value: str
    interval: str
    members: str
    coverage: str
    coverage_short: str
    panel: str
    difference: str
    outside: bool  # the panel's score lies outside the interval


def target_rows(result: AnalysisResult, panel: PanelScore | None = None) -> list[TargetRow]:
    """A row per predicted target (difficulty, execution, total); empty for a one-head /1."""
    rows = []
    for name, score in ordered_targets(result.scores):
        panel_value = None if panel is None else panel.value(name)
        diff = panel_difference(score, panel_value)
        rows.append(
            TargetRow(
                name=name,
                label=TARGET_LABELS[name],
                value=f"{score.value:.2f} / {score.score_max:g}",
                interval=interval_text(score),
                members=f"{len(score.members)}",
                coverage=coverage_text(score),
                coverage_short=coverage_short(score),
                panel="" if panel_value is None else f"{panel_value:.2f}",
                difference="" if diff is None else f"{diff:+.2f}",
                outside=panel_value is not None and not (score.low <= panel_value <= score.high),
            )
        )
    return rows


@dataclass(frozen=True)
class Consistency:
    """Predicted D + E beside the predicted total; `flagged` when the gap exceeds the total's
    interval (the module docstring says exactly when)."""

    parts_sum: float  # predicted difficulty + execution
    total: float
    low: float
    high: float

    @property
    def gap(self) -> float:
        """D + E - total (a panel's penalty makes this positive)."""
        return self.parts_sum - self.total

    @property
    def flagged(self) -> bool:
        return not _inside(self.parts_sum, self.low, self.high)

    def short_text(self) -> str:
        """The line in a few words, for a narrow panel: "D + E = 17.40 beside total 17.25:
        gap +0.15, within the total's interval"."""
        where = "outside" if self.flagged else "within"
        return (
            f"D + E = {self.parts_sum:.2f} beside total {self.total:.2f}: gap {self.gap:+.2f}, "
            f"{where} the total's interval"
        )

    def text(self, penalty: float | None = None) -> str:
        """ "Predicted D + E = 17.40 beside total 17.25 (gap +0.15): within the total's
        interval 16.85 – 17.75." with the panel's penalty named when it is known."""
        head = (
            f"Predicted D + E = {self.parts_sum:.2f} beside predicted total {self.total:.2f} "
            f"(gap {self.gap:+.2f})"
        )
        where = "outside" if self.flagged else "within"
        line = f"{head}: {where} the total's interval {self.low:.2f} – {self.high:.2f}."
        if self.flagged:
            line = "Inconsistent. " + line + " The heads disagree by more than their spread."
        if penalty is not None:
            line += f" The panel's penalty was {penalty:.2f}."
        return line


def consistency(scores: Mapping[str, TargetScore]) -> Consistency | None:
    """The check, where difficulty, execution and total are all predicted; else None."""
    if not all(name in scores for name in TARGET_ORDER):
        return None
    total = scores["total"]
    return Consistency(
        parts_sum=scores["difficulty"].value + scores["execution"].value,
        total=total.value,
        low=total.low,
        high=total.high,
    )
