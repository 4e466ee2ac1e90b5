"""What an analysis for the GUI runs: the analysis plus the model card facts, no Qt.

It runs in a child process (engine_process), so PyTorch is imported there, never in the GUI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from judgeapp.app.view_models import AppSettings, CardFacts
from judgeapp.core.errors import CheckpointError
from judgeapp.core.progress import CancelToken, ProgressCallback
from judgeapp.core.results import AnalysisResult

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


@dataclass(frozen=True)
class NoModel:
    """The settings rely on an installed head and none is installed: nothing was analysed."""


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
    settings: AppSettings,
    progress: ProgressCallback,
    cancel: CancelToken,
) -> AnalysisOutcome | NoModel:
    """Analyse one video as the settings say (blocking; imports PyTorch)."""
    from judgeapp.analysis import analyze
    from judgeapp.analysis.heads import find_installed_head

    options = options_for(settings)
    if options.model is None and find_installed_head(options.profile) is None:
        return NoModel()
    result = analyze(video_path, options, progress=progress, cancel=cancel)
    return AnalysisOutcome(result, card_facts(options))
