"""The networks of an analysis recipe, built once and kept for many videos.

Building a backbone costs seconds (loading weights, and for OpenVINO reading or converting the
model), so `judgeapp score` on a folder, `judgeapp extract` and the GUI's analysis service keep one
`BackbonePool` and ask it for the networks of each video: a recipe already built is reused.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch

from judgeapp.analysis.device import resolve_device
from judgeapp.analysis.options import DEFAULT_PROFILE, AnalysisOptions
from judgeapp.core.errors import WeightsError
from judgeapp.core.results import VideoInfo
from judgeapp.detect import PersonDetector, make_detector
from judgeapp.features.backbones import DynamicBackbone, StaticBackbone
from judgeapp.features.cache import CacheKey
from judgeapp.features.engines import EngineChoice, apply_engine, choose_engine, detect_platform
from judgeapp.features.profiles import Profile, get_profile
from judgeapp.weights import load_state_dict, resolve
from judgeapp.weights.registry import FINDER_FILES

# Random backbones are seeded so that `--pretrained none` results are reproducible.
RANDOM_SEED = 0


def engine_choice(options: AnalysisOptions) -> EngineChoice:
    """The engine, precision and device the options ask for on this machine."""
    return choose_engine(options.engine, options.precision, options.device, detect_platform())


def feature_cache_key(
    info: VideoInfo,
    profile: Profile,
    options: AnalysisOptions,
    detector: PersonDetector,
    choice: EngineChoice,
) -> CacheKey:
    """The feature cache entry of one video under this recipe, engine and precision."""
    return CacheKey.of(
        info.sha256,
        profile,
        options.pretrained,
        detector.name,
        engine=choice.engine,
        precision=choice.precision,
    )


def build_backbones(
    profile: Profile, options: AnalysisOptions, choice: EngineChoice
) -> tuple[DynamicBackbone, StaticBackbone]:
    """Both backbones of a profile, pretrained or seeded random, running through `choice`."""
    if options.pretrained:
        dynamic_sd = load_state_dict(profile.dynamic_weights, allow_download=options.allow_download)
        static_sd = (
            load_state_dict(profile.static_weights, allow_download=options.allow_download)
            if profile.static_weights
            else None
        )
    else:
        dynamic_sd = static_sd = None
    half = choice.precision == "fp16"
    torch.manual_seed(RANDOM_SEED)
    dynamic = profile.build_dynamic(dynamic_sd, device=choice.device, half=half)
    torch.manual_seed(RANDOM_SEED + 1)
    static = profile.build_static(static_sd, device=choice.device, half=half)
    return apply_engine(dynamic, choice), (
        apply_engine(static, choice) if static is not None else None
    )


def _pose_files(options: AnalysisOptions) -> tuple[tuple[Path, Path] | None, str]:
    """The verified pose model files, or None and why not (one line; "" when simply absent)."""
    try:
        allow = options.allow_download
        paths = tuple(resolve(name, allow_download=allow) for name in FINDER_FILES["pose"])
    except WeightsError as exc:
        if options.detector == "pose":
            raise
        message = str(exc)
        return None, "" if ": not found" in message else message
    return (paths[0], paths[1]), ""


def build_detector(options: AnalysisOptions, device: str) -> PersonDetector:
    """The best person finder installed (pose model, else YOLO, else OpenCV's HOG) or the one
    asked for; none for a profile without a static stream (nothing would use the boxes).

    A finder that `auto` skipped because its files failed their check is named in the
    detector's `fallback_note`, which the result's warnings carry.
    """
    if not get_profile(options.profile or DEFAULT_PROFILE).has_static:
        return make_detector("none")
    if options.detector in ("hog", "none"):
        return make_detector(options.detector)
    pose_files, pose_problem = (None, "")
    if options.detector in ("auto", "pose"):
        pose_files, pose_problem = _pose_files(options)
    weights = None
    if options.detector in ("auto", "yolo") and pose_files is None:
        try:
            weights = resolve("yolo", allow_download=options.allow_download)
        except Exception:
            if options.detector == "yolo":
                raise
    detector = make_detector(
        options.detector, yolo_weights=weights, device=device, pose_files=pose_files
    )
    if pose_problem:
        detector.fallback_note = (
            f"the pose model was not used ({pose_problem}); the athlete was found with "
            f"the {detector.name} finder instead"
        )
    return detector


@dataclass(frozen=True)
class _Recipe:
    profile: str
    pretrained: bool
    choice: EngineChoice


class BackbonePool:
    """Backbones and detectors built on first use and kept; `builds` counts what was built."""

    def __init__(self) -> None:
        self._backbones: dict[_Recipe, tuple[DynamicBackbone, StaticBackbone]] = {}
        self._detectors: dict[tuple[str, str], PersonDetector] = {}
        self.builds: Counter[str] = Counter()

    def backbones(
        self, profile: Profile, options: AnalysisOptions, choice: EngineChoice | None = None
    ) -> tuple[DynamicBackbone, StaticBackbone]:
        """Both backbones of `profile` for these options (built the first time only)."""
        choice = choice or engine_choice(options)
        recipe = _Recipe(profile.name, options.pretrained, choice)
        if recipe not in self._backbones:
            self._backbones[recipe] = build_backbones(profile, options, choice)
            self.builds["backbones"] += 1
        return self._backbones[recipe]

    def detector(self, options: AnalysisOptions) -> PersonDetector:
        """The person detector these options ask for (built the first time only)."""
        device = resolve_device(options.device)
        has_static = get_profile(options.profile or DEFAULT_PROFILE).has_static
        key = (options.detector if has_static else "none", device)
        if key not in self._detectors:
            self._detectors[key] = build_detector(options, device)
            self.builds["detector"] += 1
        return self._detectors[key]
