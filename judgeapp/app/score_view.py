"""The score panel's targets for a model set (schema /2): D, E and total with intervals, what
each interval was worth, the panel's scores beside them, and the consistency line; the part of
the video the model scored (the timeline shades the rest); what the model was trained on. No Qt.

The words and numbers come from report/scores.py, so the window and the reports agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from judgeapp.app.pose_view import ATHLETE_ROW_TIP, athlete_text
from judgeapp.core.finders import finder
from judgeapp.core.marks import PanelScore
from judgeapp.core.results import (
    HEAD_ON_RANDOM_FEATURES,
    RANDOM_BACKBONES,
    RECIPE_MISMATCH,
    UNTRAINED_HEAD,
    AnalysisResult,
    ModelInfo,
)
from judgeapp.detect.factory import HOG_WARNING
from judgeapp.report.scores import TargetRow, consistency, main_target, target_rows, targets_text
from judgeapp.weights.head_resolver import HeadChoice

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
