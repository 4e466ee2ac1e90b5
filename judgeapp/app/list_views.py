"""What the library and batch tables show, cell by cell: plain text, no Qt.

The windows put these strings in their tables as they are; keeping them here lets tests check
every column without a display, and keeps the widgets free of formatting decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from judgeapp.core.marks import PanelScore, format_time
from judgeapp.core.results import AnalysisResult
from judgeapp.store import AnalysisRow

NOT_CALIBRATED = "not calibrated"
FLAG_COLOUR = "#be5a00"  # how tables mark a score that is not calibrated: dark orange

# The library window: (header, sort key of LibraryService.analyses or None: does not sort)
LIBRARY_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Video", "name"),
    ("Duration", None),
    ("Model", "model"),
    ("Routine", None),
    ("Predicted", "score"),
    ("Panel", "panel"),
    ("Difference", "difference"),
    ("Marks", "marks"),
    ("Analysed", "date"),
)
LIBRARY_NUMBER_COLUMNS = (4, 5, 6, 7)  # right-aligned
LIBRARY_FLAGGED_COLUMNS = (2, 4)  # model and score: coloured when not calibrated

# The batch window's tables: (header, ranking sort key or None)
QUEUE_COLUMNS = ("Video", "Status", "Progress", "Error")
RANKING_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("#", None),
    ("Video", "name"),
    ("Predicted", "predicted"),
    ("Calibrated", None),
    ("Panel", "panel"),
    ("Difference", "difference"),
    ("Δ total", "difference:total"),
    ("Δ difficulty", "difference:difficulty"),
    ("Δ execution", "difference:execution"),
)
RANKING_NUMBER_COLUMNS = (0, 2, 4, 5, 6, 7, 8)  # right-aligned
RANKING_CALIBRATED_COLUMN = 3
RANKING_TARGET_COLUMNS = {6: "total", 7: "difficulty", 8: "execution"}  # Δ per target


def number(value: float | None, signed: bool = False) -> str:
    """A score for a table: two decimals ("+" in front when `signed`), "" when unknown."""
    if value is None:
        return ""
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def analysed_at(created: str) -> str:
    """An ISO 8601 UTC stamp as "2025-11-27 17:45" (minutes are enough in a list)."""
    text = created.replace("T", " ").rstrip("Z")
    return text[:16] if len(text) >= 16 else text


def library_cells(row: AnalysisRow) -> list[str]:
    """What the library table shows for one analysis (LIBRARY_COLUMNS)."""
    return [
        row.video_name,
        format_time(row.duration_s),
        row.model_name + ("" if row.calibrated else f" ({NOT_CALIBRATED})"),
        row.routine,
        f"{row.score:.2f} / {row.score_max:g}",
        number(row.panel_total),
        number(row.difference, signed=True),
        str(row.marks),
        analysed_at(row.created),
    ]


def library_tooltip(row: AnalysisRow) -> str:
    """The row's hover text: where the video is, and what "not calibrated" means."""
    text = row.video_path
    if not row.calibrated:
        text += "\n" + UNCALIBRATED_MEANING
    return text


UNCALIBRATED_MEANING = (
    "Not calibrated: made with random backbone weights or an untrained head, so the score "
    "says nothing about the routine; do not compare it with the panel's or rank by it."
)


@dataclass(frozen=True)
class Calibration:
    """How the batch ranking flags one score: the cell text, the hover text, and whether to
    draw attention to it."""

    text: str
    tooltip: str
    flagged: bool


def calibration(result: AnalysisResult | None) -> Calibration:
    """The Calibrated cell of the ranking for a video's result (empty before it is scored)."""
    if result is None:
        return Calibration("", "", False)
    if result.model.calibrated:
        return Calibration("yes", f"Scored by {result.model.name}, a trained head.", False)
    reasons = [w for w in result.warnings if w.strip()]
    tooltip = UNCALIBRATED_MEANING + ("\n" + "\n".join(reasons) if reasons else "")
    return Calibration("no", tooltip, True)


def ranking_status(done: int, uncalibrated: int) -> str:
    """A line under the ranking when some scores are not calibrated ("" when none is)."""
    if uncalibrated == 0:
        return ""
    if uncalibrated == done:
        return (
            f"None of the {done} scores is calibrated (random weights or an untrained head): "
            "the ranking does not rank routines."
        )
    verb = "is" if uncalibrated == 1 else "are"
    return (
        f"{uncalibrated} of {done} scores {verb} not calibrated (marked “no”): "
        f"{'it does' if uncalibrated == 1 else 'they do'} not compare with the others."
    )


def short_error(error: str, path: str) -> str:
    """An error for a row that already names the video: without the leading "PATH: "."""
    prefix = f"{path}: "
    return error[len(prefix) :] if error.startswith(prefix) else error


def column_widths(
    available_px: int, name_px: int, wanted_px: list[int], least_px: list[int]
) -> list[int]:
    """Widths of the columns beside a table's name column, so that the name shows whole.

    available_px: the table's width; name_px: what the longest name needs; wanted_px: what
    each other column's contents need; least_px: below what each may not go (its header).
    Columns get what they want when everything fits. Otherwise the widest are narrowed first,
    all to one common width (their text then elides; the tooltip has it whole), never below
    their least width; the name column takes what is left.
    """
    least = [min(lo, want) for lo, want in zip(least_px, wanted_px, strict=True)]
    budget = available_px - name_px
    if sum(wanted_px) <= budget:
        return list(wanted_px)
    if sum(least) >= budget:
        return least
    # The largest common cap L with sum(clamp(want, least, L)) <= budget (found by bisection
    # on whole pixels: the sum grows with L).
    pairs = list(zip(least, wanted_px, strict=True))
    low, high = 0, max(wanted_px)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(lo, min(want, cap)) for lo, want in pairs) <= budget:
            low = cap
        else:
            high = cap - 1
    return [max(lo, min(want, low)) for lo, want in pairs]


@dataclass(frozen=True)
class TargetDifference:
    """Predicted minus panel for one target, with the prediction's interval moved the same way.

    low / high: the model set's interval minus the panel's value (None for one head, which has
    no interval); difference: the members' mean minus the panel's value.
    """

    target: str
    predicted: float
    panel: float
    difference: float
    low: float | None
    high: float | None

    @property
    def text(self) -> str:
        """The cell: "+1.20 [-0.30, +2.10]" (the interval only where the model has one)."""
        if self.low is None or self.high is None:
            return f"{self.difference:+.2f}"
        return f"{self.difference:+.2f} [{self.low:+.2f}, {self.high:+.2f}]"

    @property
    def tooltip(self) -> str:
        interval = (
            ""
            if self.low is None or self.high is None
            else f"; the interval {self.low + self.panel:.2f}..{self.high + self.panel:.2f}"
            f" gives {self.low:+.2f}..{self.high:+.2f}"
        )
        return (
            f"{self.target}: predicted {self.predicted:.2f} - panel {self.panel:.2f} = "
            f"{self.difference:+.2f}{interval}"
        )


def target_difference(
    result: AnalysisResult | None, panel: PanelScore | None, target: str
) -> TargetDifference | None:
    """Predicted minus panel for `target` where both exist (a model set's targets, or a single
    head's own target); None otherwise."""
    if result is None or panel is None:
        return None
    value = panel.value(target)
    if value is None:
        return None
    score = result.scores.get(target)
    if score is not None:
        return TargetDifference(
            target, score.value, value, score.value - value, score.low - value, score.high - value
        )
    if not result.scores and result.model.target == target:
        return TargetDifference(target, result.score, value, result.score - value, None, None)
    return None
