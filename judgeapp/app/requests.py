"""What the user asks an analysis to compute, apart from how the window looks.

GUI preferences (timeline k, recent files, analyse on open) are not part of it: only the fields
that change the number. The library reuses a stored result only when it answers the same request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from judgeapp.core.finders import DETECTOR_KINDS
from judgeapp.core.results import AnalysisResult
from judgeapp.features.recipes import DYNAMIC_ONLY_PROFILES, current_recipe
from judgeapp.weights.head_resolver import RANDOM_HEAD, HeadChoice, resolve_head

if TYPE_CHECKING:  # the analysis package imports PyTorch; a request does not need it
    from judgeapp.analysis.options import AnalysisOptions

__all__ = [
    "ATHLETE_RULES",
    "DEVICE_KINDS",
    "ENGINE_KINDS",
    "PAPER_RULE_REASON",
    "PRECISION_KINDS",
    "RANDOM_HEAD",
    "AnalysisRequest",
    "athlete_rule_of",
    "head_for",
    "same_athlete_choice",
    "stored_result_reusable",
]


DEVICE_KINDS = ("auto", "cpu", "cuda")
ENGINE_KINDS = ("auto", "torch", "openvino")
PRECISION_KINDS = ("", "fp32", "fp16", "bf16")
ATHLETE_RULES = ("track", "largest")  # analysis.athlete.ATHLETE_RULES (a test keeps them equal)
_CHOICES = {
    "device": DEVICE_KINDS,
    "detector": DETECTOR_KINDS,
    "engine": ENGINE_KINDS,
    "precision": PRECISION_KINDS,
    "athlete": ATHLETE_RULES,
}
_EMPTY_IS_DEFAULT = ("model", "profile", "precision")  # "" here is None in AnalysisOptions


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
        for name, allowed in _CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"unknown {name} {getattr(self, name)!r}; choose one of "
                    + ", ".join(repr(a) for a in allowed)
                )
        if self.follow is not None:  # a list after a trip through JSON or a pipe
            object.__setattr__(self, "follow", tuple(float(v) for v in self.follow))

    def to_record(self) -> dict[str, str | bool]:
        """The request as plain values for a settings file (the one-video `follow` left out)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "follow"}

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> AnalysisRequest:
        """A request from values read back from a settings file written by any version: a
        value that is missing, of the wrong type or no longer known gives that field's default."""
        default = cls()
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name == "follow" or f.name not in record:
                continue
            value, standard = record[f.name], getattr(default, f.name)
            if isinstance(standard, bool):
                value = value if isinstance(value, bool) else str(value).lower() == "true"
            else:
                value = "" if value is None else str(value)
            if value in _CHOICES.get(f.name, (value,)):
                values[f.name] = value
        return cls(**values)

    def options(self, **running: object) -> AnalysisOptions:
        """The analysis options this request asks for. `running` adds how it runs (batch
        sizes, the feature cache, downloads), which does not change the number."""
        from judgeapp.analysis.options import AnalysisOptions

        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in _EMPTY_IS_DEFAULT:
            values[name] = values[name] or None
        return AnalysisOptions(**values, **running)


def head_for(request: AnalysisRequest) -> HeadChoice:
    """The head an analysis with `request` scores with (`weights.head_resolver`: the heads
    folder read once, headers only, no PyTorch)."""
    return resolve_head(request.model, request.profile)


def stored_result_reusable(
    result: AnalysisResult, request: AnalysisRequest, head: HeadChoice | None = None
) -> bool:
    """Whether a result kept in the library is what analysing with `request` would give today.

    Only a result that records its provenance, made by the current recipe of its profile, with
    the same backbone weights, by the very head the request scores with (`head`, found with
    `head_for` when not given: a result of another checkpoint, or of the head installed
    before, is never shown for this one) and, where the request names them, the same
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
    expected = (head or head_for(request)).sha256
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
