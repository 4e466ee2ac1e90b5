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
from judgeapp.features.recipes import DYNAMIC_ONLY_PROFILES, current_recipe

RANDOM_HEAD = "random"


@dataclass(frozen=True)
class AnalysisRequest:
    """model: "" = the installed head, "random" = an untrained head, else a checkpoint path.
    profile: "" = the checkpoint's (or the default). pretrained: False = random backbones.
    engine / precision: how the backbones run (features.engines); precision "" = the engine's
    default.
    athlete: "track" (one person followed through the video) or "largest" (the paper's rule:
    the largest person in each frame). follow: (time_s, x, y) in frame pixels, the user's
    "follow this person" click; None = the automatic choice. A follow is not a setting: it is
    asked for one video, by one click.
    """

    device: str = "auto"
    model: str = ""
    profile: str = ""
    pretrained: bool = True
    detector: str = "auto"
    engine: str = "auto"
    precision: str = ""
    athlete: str = "track"
    follow: tuple[float, float, float] | None = None

    def __post_init__(self) -> None:
        if self.follow is not None:  # a list after a trip through JSON or a pipe
            object.__setattr__(self, "follow", tuple(float(v) for v in self.follow))


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
    if not same_athlete_choice(result, request):
        return False
    if made.profile in DYNAMIC_ONLY_PROFILES:  # no static stream: nobody is looked for
        return True
    if request.detector == "auto":
        # The finder auto takes today: a result of the built-in finder is not shown once the
        # pose model is installed.
        from judgeapp.weights.status import auto_finder

        return made.detector == auto_finder()
    return request.detector == made.detector


# The reason select_athlete gives when the paper's rule was asked for and people could have been
# followed (a "largest" result with another reason is a fallback: nobody could be followed).
PAPER_RULE_REASON = "the paper's rule"


def athlete_rule_of(result: AnalysisResult) -> str | None:
    """The athlete rule a result answers: "track" (a person followed), "largest" (the paper's
    rule where a person could have been followed), or None where either rule gives this
    result (no athlete recorded: whole frames, a clip profile, an older result; or the largest
    person because nobody could be followed: a finder without the pose model, no track)."""
    athlete = result.athlete
    if athlete is None:
        return None
    if athlete.rule == "track":
        return "track"
    return "largest" if athlete.reason.startswith(PAPER_RULE_REASON) else None


def same_athlete_choice(result: AnalysisResult, request: AnalysisRequest) -> bool:
    """Whether the result's athlete is the one `request` asks for: the same rule (where the
    rule made a difference), chosen automatically. A request with a follow point takes only a
    result that followed the person clicked at that very point (results record it); a result
    whose athlete the user chose is not reused for the automatic choice."""
    if request.follow is not None:
        return result.athlete is not None and result.athlete.follow == request.follow
    if result.athlete is not None and result.athlete.chosen_by != "auto":
        return False
    rule = athlete_rule_of(result)
    return rule is None or rule == request.athlete
