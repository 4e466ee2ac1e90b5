"""What the user asks an analysis to compute, apart from how the window looks.

GUI preferences (timeline k, recent files, analyse on open) are not part of it: only the fields
that change the number. The library reuses a stored result only when it answers the same request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from judgeapp.core.files import sha256_file
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


@lru_cache(maxsize=64)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    return sha256_file(path)  # keyed by size and time too: a replaced file is hashed again


def head_sha256_for(request: AnalysisRequest) -> str | None:
    """The SHA-256 of the head file an analysis with `request` would score with: "" for the
    untrained head, None when it cannot be known (no head installed, an unreadable file).

    The installed head is the newest readable one of the request's profile (any profile when
    it names none), read from the heads' headers only, without PyTorch.
    """
    if request.model == RANDOM_HEAD:
        return ""
    if request.model:
        path = Path(request.model)
    else:
        from judgeapp.weights.heads import installed_heads

        heads = installed_heads(request.profile or None)
        if not heads:
            return None
        path = heads[0].path
    try:
        stat = os.stat(path)
        return _file_sha256(str(path), stat.st_size, stat.st_mtime_ns)
    except OSError:
        return None


def stored_result_reusable(
    result: AnalysisResult, request: AnalysisRequest, head_sha256: str | None = None
) -> bool:
    """Whether a result kept in the library is what analysing with `request` would give today.

    Only a result that records its provenance, made by the current recipe of its profile, with
    the same backbone weights, by the very head the request scores with (`head_sha256`, found
    with `head_sha256_for` when not given: a result of another checkpoint, or of the head
    installed before, is never shown for this one) and, where the request names them, the same
    profile, detector, engine and precision. Anything else is analysed again: the number shown
    must not depend on what an earlier session happened to store.
    """
    made = result.provenance
    if made is None or made.recipe != current_recipe(made.profile):
        return False
    if made.pretrained != request.pretrained:
        return False
    if request.profile and made.profile != request.profile:
        return False
    expected = head_sha256 if head_sha256 is not None else head_sha256_for(request)
    if expected is None or made.head_sha256 != expected:
        return False
    if result.engine is not None:
        if request.precision and result.engine.precision != request.precision:
            return False
        if request.engine != "auto" and result.engine.name != request.engine:
            return False
    return request.detector in ("auto", made.detector)
