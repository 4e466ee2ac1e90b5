"""What the user asks an analysis to compute, apart from how the window looks.

GUI preferences (timeline k, recent files, analyse on open) are not part of it: only the fields
that change the number. The library reuses a stored result only when it answers the same request.
"""

from __future__ import annotations

from dataclasses import dataclass

from judgeapp.core.results import AnalysisResult
from judgeapp.features.recipes import current_recipe

RANDOM_HEAD = "random"


@dataclass(frozen=True)
class AnalysisRequest:
    """model: "" = the installed head, "random" = an untrained head, else a checkpoint path.
    profile: "" = the checkpoint's (or the default). pretrained: False = random backbones.
    engine / precision: how the backbones run (features.engines); precision "" = the engine's
    default."""

    device: str = "auto"
    model: str = ""
    profile: str = ""
    pretrained: bool = True
    detector: str = "auto"
    engine: str = "auto"
    precision: str = ""


def stored_result_reusable(result: AnalysisResult, request: AnalysisRequest) -> bool:
    """Whether a result kept in the library is what analysing with `request` would give today.

    Only a result that records its provenance, made by the current recipe of its profile, with
    the same backbone weights, the same kind of head (untrained or a checkpoint) and, where the
    request names them, the same profile, detector, engine and precision. Anything else is analysed
    again: the number shown must not depend on what an earlier session happened to store.
    """
    made = result.provenance
    if made is None or made.recipe != current_recipe(made.profile):
        return False
    if made.pretrained != request.pretrained:
        return False
    if request.profile and made.profile != request.profile:
        return False
    if (request.model == RANDOM_HEAD) != (made.head_sha256 == ""):
        return False
    if result.engine is not None:
        if request.precision and result.engine.precision != request.precision:
            return False
        if request.engine != "auto" and result.engine.name != request.engine:
            return False
    return request.detector in ("auto", made.detector)
