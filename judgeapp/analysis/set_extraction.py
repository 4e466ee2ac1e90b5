"""Extracting a folder of videos into a feature set in the authors' layout, resumably.

Each finished video leaves `dynamic_feat/NAME.npy`, `static_feat/NAME.npy` (each written
atomically) and then its entry in `manifest.json` (rewritten atomically after every video). A
video counts as finished only once its manifest entry exists, so a run killed at any moment
leaves complete files only, and the next run skips exactly the finished videos. A video that
fails is recorded with its error and retried by the next run.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from judgeapp.analysis import AnalysisOptions
from judgeapp.analysis.athlete import select_athlete
from judgeapp.analysis.backbone_pool import BackbonePool, engine_choice, feature_cache_key
from judgeapp.analysis.extraction import extract_video_features
from judgeapp.analysis.options import DEFAULT_PROFILE
from judgeapp.core.errors import Cancelled, JudgeappError, WeightsError
from judgeapp.core.files import atomic_path, write_text_atomic
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback
from judgeapp.features.cache import FeatureCache
from judgeapp.features.feature_folder import (
    DYNAMIC_DIR,
    MANIFEST,
    STATIC_DIR,
    feature_paths,
    manifest_profile,
    manifest_recipe,
)
from judgeapp.features.profiles import get_profile
from judgeapp.features.swin import CLIP_FPS, CLIP_FRAMES
from judgeapp.features.video_features import VideoFeatures
from judgeapp.video import DYNAMIC_FPS, SEGMENT_FRAMES, STATIC_FPS, probe

MANIFEST_SCHEMA = "judgeapp.features/1"
VERSIONED_PACKAGES = (
    "judgeapp",
    "torch",
    "torchvision",
    "numpy",
    "opencv-python",
    "ultralytics",
    "openvino",
)


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages the features depend on."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def sampling_description(profile) -> dict:
    """How the profile's streams sample a video (DESIGN.md), recorded in the manifest."""
    if not profile.has_static:
        return {
            "rule": "every frame at 25 fps (nearest decoded frame to k / 25 s)",
            "dynamic_fps": CLIP_FPS,
            "segment_frames": CLIP_FRAMES,
            "trim": "frames that do not fill a clip dropped evenly at both ends",
            "static": "none: this profile has no static stream",
        }
    return {
        "rule": profile.sampling,
        "dynamic_fps": DYNAMIC_FPS,
        "segment_frames": SEGMENT_FRAMES,
        "static_fps": STATIC_FPS,
        "static_person": "largest detected person box; frames without a person dropped "
        "(whole frames when no frame has one)",
    }


_FLAT_LIST = re.compile(r"\[\s+([^\[\]{}\"]*?)\s+\]")


def manifest_json(manifest: dict) -> str:
    """The manifest as indented JSON with lists of numbers kept on one line each."""
    text = json.dumps(manifest, indent=1)
    return _FLAT_LIST.sub(lambda m: "[" + " ".join(m.group(1).split()) + "]", text) + "\n"


def video_entry(video: Path, sha256: str, features: VideoFeatures, seconds: float) -> dict:
    """One video's manifest entry: counts, where each instance sits in time, boxes."""
    return {
        "file": video.name,
        "sha256": sha256,
        "segments": int(len(features.dynamic)),
        "static_frames": int(len(features.static)),
        "segment_start_s": [round(float(t), 4) for t in features.segment_start_s],
        "segment_end_s": [round(float(t), 4) for t in features.segment_end_s],
        "static_time_s": [round(float(t), 4) for t in features.static_time_s],
        "static_frame": [int(f) for f in features.static_frame],
        "static_box": [[round(float(v), 2) for v in box] for box in features.static_box],
        "detector": features.detector,
        "static_whole_frames": bool(features.static_whole_frames),
        "warnings": list(features.warnings),
        "seconds": round(seconds, 2),
    }


@dataclass
class ExtractSummary:
    """What a run did: names extracted now, skipped as already done, and failures with why."""

    extracted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


VideoCallback = Callable[[str, str], None]  # (name, "start" | "done" | "skipped" | "failed")


class BatchExtractor:
    """The detector and both backbones, built once (on first use) for a whole batch of videos.

    Same recipe and feature cache as `analysis.extract_features`, without rebuilding the
    networks for every video.
    """

    def __init__(self, options: AnalysisOptions, pool: BackbonePool | None = None) -> None:
        self.options = options
        self.profile = get_profile(options.profile or DEFAULT_PROFILE)
        self.choice = engine_choice(options)
        self.device = self.choice.device
        self.cache = FeatureCache()
        self.pool = pool or BackbonePool()

    def extract(
        self, video: Path, progress: ProgressCallback, cancel: CancelToken | None
    ) -> tuple[str, VideoFeatures]:
        """The video's content hash and features."""
        info = probe(video)
        detector = self.pool.detector(self.options)
        key = feature_cache_key(info, self.profile, self.options, detector, self.choice)
        if self.options.use_cache and (cached := self.cache.load(key)) is not None:
            return info.sha256, self._athlete(cached, info)
        dynamic, static = self.pool.backbones(self.profile, self.options, self.choice)
        features = extract_video_features(
            video,
            info,
            self.profile.name,
            dynamic,
            static,
            detector,
            progress=progress,
            cancel=cancel,
            segments_per_batch=self.options.segments_per_batch,
            frames_per_batch=self.options.frames_per_batch,
        )
        if self.options.use_cache and (note := self.cache.save_or_warn(key, features)):
            features.warnings.append(note)
        return info.sha256, self._athlete(features, info)

    def _athlete(self, features: VideoFeatures, info) -> VideoFeatures:
        """The static stream of the athlete under the options' rule (as an analysis has it)."""
        selection = select_athlete(features, info.width, info.height, self.options.athlete)
        selection.features.warnings.extend(selection.warnings)
        return selection.features


class FeatureSetWriter:
    """The manifest of one feature folder and the atomic writes that keep it consistent."""

    def __init__(self, root: Path, profile: str, pretrained: bool) -> None:
        self.root = root
        self.has_static = get_profile(profile).has_static
        path = root / MANIFEST
        if path.is_file():
            try:
                self.manifest = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise JudgeappError(f"{path}: unreadable manifest ({exc})") from None
            self._check_same_recipe(path, profile, pretrained)
        else:
            self.manifest = {
                "schema": MANIFEST_SCHEMA,
                "profile": profile,
                "recipe": get_profile(profile).recipe,
                "pretrained": pretrained,
                "profile_description": get_profile(profile).description,
                "sampling": sampling_description(get_profile(profile)),
                "videos": {},
                "failed": {},
            }
        self.manifest["versions"] = package_versions()
        self.manifest.setdefault("failed", {})
        self._remove_partial_files()

    def _check_same_recipe(self, path: Path, profile: str, pretrained: bool) -> None:
        old_profile = self.manifest.get("profile")
        old_pretrained = self.manifest.get("pretrained")
        old_recipe = manifest_recipe(self.manifest)
        recipe = get_profile(profile).recipe
        if old_profile == profile and old_recipe != recipe:
            raise JudgeappError(
                f"{path}: this folder holds '{profile}' features of recipe version {old_recipe}; "
                f"this judgeapp computes version {recipe} (docs/training.md says what changed), "
                "and adding to the folder would mix the two: choose another --out folder"
            )
        if old_profile != profile or old_pretrained != pretrained:
            weights = {True: "pretrained", False: "random (--pretrained none)"}
            raise JudgeappError(
                f"{path}: this folder holds '{old_profile}' features with "
                f"{weights.get(old_pretrained, old_pretrained)} backbones; "
                f"extracting '{profile}' with {weights[pretrained]} backbones into it would mix "
                "recipes: choose another --out folder"
            )

    def _remove_partial_files(self) -> None:
        """Temporary files of an interrupted run (atomic_path names them `.NAME.npy.*.npy`)."""
        for sub in (DYNAMIC_DIR, STATIC_DIR):
            folder = self.root / sub
            if folder.is_dir():
                for stale in folder.glob(".*.npy"):
                    stale.unlink(missing_ok=True)
        for stale in self.root.glob(f".{MANIFEST}.*"):
            stale.unlink(missing_ok=True)

    def is_done(self, name: str) -> bool:
        """Listed in the manifest, with both feature files present."""
        if name not in self.manifest["videos"]:
            return False
        return all(p.is_file() for p in self._paths(name))

    def _paths(self, name: str) -> tuple:
        """The feature files of `name`: both streams', or the dynamic one alone."""
        paths = feature_paths(self.root, name)
        return paths if self.has_static else paths[:1]

    def add(self, name: str, features: VideoFeatures, entry: dict, save: bool = True) -> None:
        """Write the feature files (both streams', or the dynamic one of a dynamic-only
        profile), then the manifest that lists them.

        save=False leaves the manifest to a later `save()` (a cluster job saves it every few
        seconds): until then the video is not finished, and a rerun extracts it again.
        """
        arrays = (features.dynamic, features.static)
        for path, array in zip(self._paths(name), arrays, strict=False):
            with atomic_path(path, suffix=".npy") as tmp:
                with open(tmp, "wb") as fh:
                    np.save(fh, np.ascontiguousarray(array, dtype=np.float32), allow_pickle=False)
        self.manifest["videos"][name] = entry
        self.manifest["failed"].pop(name, None)
        if save:
            self.save()

    def fail(self, name: str, video: Path, message: str, save: bool = True) -> None:
        self.manifest["failed"][name] = {"file": video.name, "error": message}
        if save:
            self.save()

    def save(self) -> None:
        self.manifest["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        write_text_atomic(self.root / MANIFEST, manifest_json(self.manifest))


def check_unique_names(videos: list[Path]) -> None:
    """Feature files are named by the video's stem, so two videos may not share one."""
    seen: dict[str, Path] = {}
    for video in videos:
        if video.stem in seen:
            raise JudgeappError(
                f"{video}: same name as {seen[video.stem]}; feature files are named by the "
                "file name without extension, so rename one"
            )
        seen[video.stem] = video


@dataclass
class VideoOutcome:
    """One video's extraction: its hash, features and time, or why it failed."""

    video: Path
    sha256: str = ""
    features: VideoFeatures | None = None
    seconds: float = 0.0
    error: str | None = None


def extract_one(
    extractor: BatchExtractor,
    video: Path,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> VideoOutcome:
    """Extract one video; a problem with the video becomes `error`, not an exception.

    Raises core.Cancelled and WeightsError, which are not the video's fault and stop a batch.
    """
    started = time.perf_counter()
    try:
        sha256, features = extractor.extract(video, progress or _ignore, cancel)
    except (Cancelled, WeightsError):
        raise
    except (JudgeappError, OSError) as exc:
        message = str(exc) if isinstance(exc, JudgeappError) else f"{video}: {exc}"
        return VideoOutcome(video, error=message)
    return VideoOutcome(video, sha256, features, time.perf_counter() - started)


def record_outcome(
    writer: FeatureSetWriter, summary: ExtractSummary, outcome: VideoOutcome, save: bool = True
) -> None:
    """Write a finished video's files and manifest entry, or record its failure."""
    video = outcome.video
    name = video.stem
    if outcome.error is not None or outcome.features is None:
        message = outcome.error or f"{video}: no features"
        summary.failed[name] = message
        writer.fail(name, video, message, save=save)
        return
    entry = video_entry(video, outcome.sha256, outcome.features, outcome.seconds)
    writer.add(name, outcome.features, entry, save=save)
    summary.extracted.append(name)


def open_feature_set(
    videos: list[Path], out: str | Path, options: AnalysisOptions
) -> tuple[AnalysisOptions, FeatureSetWriter]:
    """The options with their profile settled, and the writer of `out`.

    Without a profile in `options`, a folder with a manifest keeps its own profile.
    """
    out = Path(out)
    check_unique_names(videos)
    profile = options.profile or manifest_profile(out) or DEFAULT_PROFILE
    options = AnalysisOptions(**{**options.__dict__, "profile": profile})
    return options, FeatureSetWriter(out, profile, options.pretrained)


def extract_feature_set(
    videos: list[Path],
    out: str | Path,
    options: AnalysisOptions,
    on_video: VideoCallback | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> ExtractSummary:
    """Extract every video not already finished in `out`; failures are recorded, not fatal.

    Without a profile in `options`, a folder with a manifest keeps its own profile.
    `progress` receives each video's own extraction progress. Raises core.Cancelled when
    `cancel` is set (the video in progress is dropped; finished ones stay).
    """
    options, writer = open_feature_set(videos, out, options)
    extractor = BatchExtractor(options)
    summary = ExtractSummary()
    notify = on_video or (lambda _name, _state: None)
    for video in videos:
        name = video.stem
        if writer.is_done(name):
            summary.skipped.append(name)
            notify(name, "skipped")
            continue
        notify(name, "start")
        outcome = extract_one(extractor, video, progress, cancel)
        record_outcome(writer, summary, outcome)
        notify(name, "failed" if outcome.error is not None else "done")
    if not videos:
        writer.save()
    return summary


def _ignore(_: Progress) -> None:
    pass
