"""What one analysis for the GUI runs, in the analysis process: options, the analysis, card facts.

Qt-free and imported by the analysis child (app/analysis_service.py); PyTorch is imported only
inside the functions, so importing this module stays cheap for the GUI.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from judgeapp.app.requests import AnalysisRequest, head_for
from judgeapp.app.score_view import CardFacts
from judgeapp.core.progress import CancelToken, ProgressCallback
from judgeapp.core.results import AnalysisResult

if TYPE_CHECKING:
    from judgeapp.analysis import AnalysisOptions
    from judgeapp.analysis.backbone_pool import BackbonePool
    from judgeapp.video.decode import FrameSink

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
    """The request relies on an installed head and none is installed: nothing was analysed."""


def options_for(request: AnalysisRequest) -> AnalysisOptions:
    """The analysis options a request asks for, in the app's batch sizes (small batches keep
    the first results coming and the GUI's frame cache filling; the number is the same)."""
    return request.options(segments_per_batch=SEGMENTS_PER_BATCH, frames_per_batch=FRAMES_PER_BATCH)


def run_analysis(
    video_path: str | Path,
    request: AnalysisRequest,
    progress: ProgressCallback,
    cancel: CancelToken,
    pool: BackbonePool | None = None,
    sha256: str | None = None,
    on_frame: FrameSink | None = None,
) -> AnalysisOutcome | NoModel:
    """Analyse one video as the request says (blocking; imports PyTorch).

    `pool` keeps the networks between analyses, `sha256` is the hash the caller computed,
    `on_frame` receives every decoded frame (analysis.analyze).
    """
    from judgeapp.analysis import analyze

    head = head_for(request)  # the heads folder, read once: the analysis scores with this file
    if head.missing:
        return NoModel()
    options = options_for(request)
    if head.path is not None:
        options = replace(options, model=str(head.path))
    result = analyze(
        video_path,
        options,
        progress=progress,
        cancel=cancel,
        pool=pool,
        sha256=sha256,
        on_frame=on_frame,
    )
    return AnalysisOutcome(result, CardFacts.of_head(head))
