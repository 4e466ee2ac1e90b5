"""The score panel's targets for a model set (schema /2): D, E and total with intervals, what
each interval was worth, the panel's scores beside them, and the consistency line; the part of
the video the model scored (the timeline shades the rest); what the model was trained on. No Qt.

The words and numbers come from report/scores.py, so the window and the reports agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from judgeapp.core.marks import PanelScore
from judgeapp.core.results import UNTRAINED_HEAD, AnalysisResult
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


# --- the part of the video the model scored -------------------------------------------------------
# Shorter unscored ends than this are not shaded (a frame or two of rounding).
MIN_UNSCORED_S = 0.05


@dataclass(frozen=True)
class ScoredWindow:
    """The part of the video the model scored and the parts it did not, on the time axis.

    A head scores the centred window it was trained on (the paper's 26 segments, about 83 s):
    on a longer video every moment outside it has no weight and no say in the score.
    `unscored`: (start_s, end_s) of each part outside it; `label`: the words on the timeline;
    `tooltip`: why, in full.
    """

    start_s: float
    end_s: float
    unscored: tuple[tuple[float, float], ...]
    label: str
    tooltip: str


def scored_window(
    steps: Sequence[tuple[float, float, float]],
    duration_s: float,
    frame_weights: Sequence[float] = (),
) -> ScoredWindow | None:
    """The scored window from the dynamic stream's steps ((start_s, end_s, weight) per segment,
    in time order) and the athlete frames' weights; None when the model scored the whole video.

    The window is the segments with weight: attention is a softmax over the window, so every
    segment in it has a positive weight and every one outside it exactly zero.
    """
    weighted = [(start, end) for start, end, weight in steps if weight > 0]
    if not steps or not weighted or len(weighted) == len(steps):
        return None
    start_s, end_s = weighted[0][0], weighted[-1][1]
    duration_s = max(duration_s, steps[-1][1])
    unscored = tuple(
        (a, b) for a, b in ((0.0, start_s), (end_s, duration_s)) if b - a >= MIN_UNSCORED_S
    )
    if not unscored:
        return None
    outside = sum(1 for w in frame_weights if w <= 0)
    frames_note = ""
    if outside:
        frames_note = f" {outside} of the {len(frame_weights)} athlete frames fall outside it."
    elif frame_weights:
        frames_note = f" All {len(frame_weights)} athlete frames lie inside it."
    scored_s = end_s - start_s
    tooltip = (
        f"Not scored: the model scores the centred {scored_s:.1f} s it was trained on "
        f"({start_s:.1f}-{end_s:.1f} s, {len(weighted)} of {len(steps)} segments); moments "
        f"outside it have no weight and do not change the score.{frames_note}"
    )
    return ScoredWindow(start_s, end_s, unscored, "not scored", tooltip)


LIBRARY_MODEL_PREFIX = "library-"  # app.library_training names its sets library-ROUTINE-...


def installed_library_line(model_name: str) -> str:
    """For a set trained on the library: its card's line ("trained on N videos of this
    library; cross-validated Spearman ..."), read from the installed file's header; "" when
    the model is not such a set or is no longer installed."""
    if not model_name.startswith(LIBRARY_MODEL_PREFIX):
        return ""
    from judgeapp.core.errors import CheckpointError
    from judgeapp.model.header import read_set_card
    from judgeapp.weights.heads import head_files

    for path in head_files():
        if not path.name.startswith(model_name):
            continue
        try:
            card = read_set_card(path)
        except (CheckpointError, OSError, ValueError):
            continue
        if card is not None and card.name == model_name:
            return card.library_line()
    return ""


def trained_on_text(result: AnalysisResult, trained_on: str, trained: bool | None) -> str:
    """The score panel's "Trained on" row: the card's training set when known (for a set
    trained on the library, its cross-validated estimate, also for a result reopened from the
    library); "untrained" for an untrained head, whether the facts come from the checkpoint (a
    fresh analysis) or only from the result (one reopened from the library); else "—"."""
    if trained_on:
        return trained_on
    if line := installed_library_line(result.model.name):
        return line
    untrained = any(r.code == UNTRAINED_HEAD for r in result.model.uncalibrated)
    if trained is False or (trained is None and untrained):
        return "untrained"
    return "—"
