"""The score panel's targets for a model set (schema /2): D, E and total with intervals, what
each interval was worth, the panel's scores beside them, and the consistency line. No Qt.

The words and numbers come from report/scores.py, so the window and the reports agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from judgeapp.core.marks import PanelScore
from judgeapp.core.results import AnalysisResult
from judgeapp.report.scores import TargetRow, consistency, target_rows

INTERVAL_TIP = (
    "The interval spans the scores of the set's members (the same model trained with different "
    "seeds). It shows how much training luck moves the score; it does not cover a judge's own "
    "spread or videos unlike the training set. The coverage line says how often it held the "
    "panel's score on validation videos."
)
CONSISTENCY_TIP = (
    "The total is D + E - penalty. The line is flagged when predicted D + E falls outside the "
    "total's interval; the model predicts no penalty, so a panel's penalty shows as a positive "
    "gap."
)


@dataclass(frozen=True)
class TargetsView:
    """The targets block: one row per predicted target, then the consistency line ("" when
    not all of D, E and total are predicted; `inconsistent` when it is flagged), short for the
    panel, in full (as the reports say it) for its tooltip."""

    rows: tuple[TargetRow, ...]
    consistency: str = ""
    inconsistent: bool = False
    consistency_full: str = ""


def targets_view(result: AnalysisResult, panel: PanelScore | None = None) -> TargetsView | None:
    """The block for a /2 result; None for one head (/1), which shows as before."""
    if not result.scores:
        return None
    check = consistency(result.scores)
    penalty = None if panel is None else panel.penalty
    return TargetsView(
        rows=tuple(target_rows(result, panel)),
        consistency="" if check is None else check.short_text(),
        inconsistent=check is not None and check.flagged,
        consistency_full="" if check is None else check.text(penalty),
    )
