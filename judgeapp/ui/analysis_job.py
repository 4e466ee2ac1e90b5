"""What the GUI's analysis worker runs: the analysis plus the model card facts, no Qt.

The analysis and model packages pull in PyTorch, so they are imported when first needed: the
window opens and plays videos without waiting for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from judgeapp.core.errors import CheckpointError
from judgeapp.core.progress import CancelToken, ProgressCallback
from judgeapp.core.results import AnalysisResult
from judgeapp.ui.view_models import AppSettings, CardFacts

if TYPE_CHECKING:
    from judgeapp.analysis import AnalysisOptions

RANDOM_HEAD = "random"
# Small batches keep a cancel quick on a CPU (it is checked between batches).
SEGMENTS_PER_BATCH = 1
FRAMES_PER_BATCH = 4


@dataclass(frozen=True)
class AnalysisOutcome:
    """A finished analysis and what its model card says beyond the result."""

    result: AnalysisResult
    facts: CardFacts


def options_for(settings: AppSettings) -> AnalysisOptions:
    """The analysis the user's settings ask for."""
    from judgeapp.analysis import AnalysisOptions

    return AnalysisOptions(
        profile=settings.profile or None,
        pretrained=settings.pretrained,
        model=settings.model or None,
        device=settings.device,
        detector=settings.detector,
        segments_per_batch=SEGMENTS_PER_BATCH,
        frames_per_batch=FRAMES_PER_BATCH,
    )


def model_available(settings: AppSettings) -> bool:
    """False when the settings rely on an installed head and none is installed."""
    if settings.model:
        return True  # a chosen checkpoint or "random"; a bad path is reported by the analysis
    from judgeapp.analysis.heads import find_installed_head

    return find_installed_head(settings.profile or None) is not None


def card_facts(options: AnalysisOptions) -> CardFacts:
    """Training facts from the checkpoint the analysis used (empty for an untrained head)."""
    from judgeapp.analysis.heads import find_installed_head
    from judgeapp.model import load_checkpoint

    if options.model == RANDOM_HEAD:
        return CardFacts(trained=False)
    path = options.model or find_installed_head(options.profile)
    if path is None:
        return CardFacts()
    try:
        _, card = load_checkpoint(Path(path))
    except CheckpointError:
        return CardFacts()
    return CardFacts(
        trained_on=card.trained_on, test_spearman=card.test_spearman, trained=card.trained
    )


def run_analysis(
    video_path: str | Path,
    options: AnalysisOptions,
    progress: ProgressCallback,
    cancel: CancelToken,
) -> AnalysisOutcome:
    """Analyse one video (blocking; run it in a worker)."""
    from judgeapp.analysis import analyze

    result = analyze(video_path, options, progress=progress, cancel=cancel)
    return AnalysisOutcome(result, card_facts(options))
