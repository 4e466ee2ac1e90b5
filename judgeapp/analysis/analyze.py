"""analyze(video) -> AnalysisResult: the whole scoring path, with progress and cancellation."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from judgeapp.analysis.athlete import Follow, select_athlete
from judgeapp.analysis.backbone_pool import (
    BackbonePool,
    build_backbones,
    build_detector,
    engine_choice,
    feature_cache_key,
)
from judgeapp.analysis.device import resolve_device
from judgeapp.analysis.extraction import StageClock, extract_video_features
from judgeapp.analysis.head_loading import load_head
from judgeapp.analysis.options import DEFAULT_PROFILE, AnalysisOptions
from judgeapp.core.progress import CancelToken, Progress, ProgressCallback, no_progress
from judgeapp.core.results import (
    HEAD_ON_RANDOM_FEATURES,
    RANDOM_BACKBONES,
    RECIPE_MISMATCH,
    UNTRAINED_HEAD,
    AnalysisResult,
    CalibrationReason,
    EngineInfo,
    FrameWeight,
    ModelInfo,
    Provenance,
    SegmentWeight,
    TargetScore,
    VideoInfo,
)
from judgeapp.features.cache import FeatureCache
from judgeapp.features.profiles import Profile, get_profile
from judgeapp.features.recipes import SPECS
from judgeapp.features.video_features import VideoFeatures
from judgeapp.model import ActionNet, ModelCard, card_is_calibrated
from judgeapp.model.card import card_recipe
from judgeapp.model.model_set import ModelSet, score_set_video
from judgeapp.model.predict import VideoScore, score_video
from judgeapp.video import probe
from judgeapp.video.decode import FrameSink
from judgeapp.weights.head_resolver import resolve_head

__all__ = [
    "BackbonePool",
    "analyze",
    "build_backbones",
    "build_detector",
    "extract_features",
    "score_features",
]
DEFAULT_OPTIONS = AnalysisOptions()


def _profile_dims(name: str) -> tuple[int, int]:
    profile = get_profile(name)
    return profile.dynamic_dim, profile.static_dim


def extract_features(
    video_path: str | Path,
    options: AnalysisOptions = DEFAULT_OPTIONS,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    info: VideoInfo | None = None,
    clock: StageClock | None = None,
    pool: BackbonePool | None = None,
    on_frame: FrameSink | None = None,
) -> VideoFeatures:
    """The features of both streams for one video, from the feature cache when present.

    `pool` keeps the networks for the next video (a new one is built per call without it).
    `on_frame` receives every frame the extraction decodes (none when the cache answers).
    """
    profile = get_profile(options.profile or DEFAULT_PROFILE)
    info = info or probe(video_path)
    pool = pool or BackbonePool()
    detector = pool.detector(options)
    choice = engine_choice(options)
    cache = FeatureCache()
    key = feature_cache_key(info, profile, options, detector, choice)
    if options.use_cache and (cached := cache.load(key)) is not None:
        progress(Progress("cache", 1, 1))
        return cached
    dynamic, static = pool.backbones(profile, options, choice)
    features = extract_video_features(
        video_path,
        info,
        profile.name,
        dynamic,
        static,
        detector,
        progress=progress,
        cancel=cancel,
        segments_per_batch=options.segments_per_batch,
        frames_per_batch=options.frames_per_batch,
        clock=clock,
        on_frame=on_frame,
    )
    if cancel is not None:
        cancel.raise_if_cancelled()  # a cancelled run caches nothing, however far it got
    if options.use_cache and (note := cache.save_or_warn(key, features)) is not None:
        features.warnings.append(note)
    return features


def score_features(features: VideoFeatures, head: ActionNet, card: ModelCard) -> VideoScore:
    """Run the head on one video's features: `model.predict.score_video`, the path `evaluate`
    takes too, through the window the head's card records."""
    return score_video(head, card, features.dynamic, features.static)


def score_features_any(
    features: VideoFeatures, head: ActionNet | ModelSet, card: ModelCard
) -> tuple[VideoScore, dict[str, TargetScore]]:
    """`score_features` for a head (no target scores), or every member of a model set on the
    same features (`model.model_set.score_set_video`): the main target's VideoScore and each
    target's score."""
    if isinstance(head, ModelSet):
        return score_set_video(head, features.dynamic, features.static)
    return score_features(features, head, card), {}


def slow_device_note(profile_name: str, device: str) -> str | None:
    """One line saying that `profile_name` on `device` will be slow (None when it will not)."""
    spec = SPECS.get(profile_name)
    if spec is None or not spec.slow_on_cpu or resolve_device(device) != "cpu":
        return None
    return (
        f"the '{profile_name}' profile runs Video Swin-B on the CPU: about 20 s per 1.28 s "
        "clip (minutes per routine); a CUDA GPU makes it usable"
    )


def recipe_warning(card: ModelCard, profile: Profile) -> str | None:
    """A head trained on features of another version of its profile's recipe gets features it
    never saw: its score cannot be trusted (not calibrated)."""
    trained = card_recipe(card)
    if trained is None or trained == profile.recipe:
        return None
    return (
        f"the head was trained on '{profile.name}' features of recipe version {trained}, but "
        f"this judgeapp computes version {profile.recipe}: score not calibrated (re-extract the "
        "training videos and train again, see docs/training.md)"
    )


def calibration_reasons(card: ModelCard, pretrained: bool) -> list[CalibrationReason]:
    """Why scores of this head on these backbones are not calibrated (empty: they are)."""
    reasons = []
    if not pretrained:
        reasons.append(
            CalibrationReason(
                RANDOM_BACKBONES,
                "backbones have random weights (--pretrained none): score not calibrated",
            )
        )
    if not card.trained:
        reasons.append(
            CalibrationReason(
                UNTRAINED_HEAD, "the head is untrained (--model random): score not calibrated"
            )
        )
    elif card.backbones_pretrained is False:
        reasons.append(
            CalibrationReason(
                HEAD_ON_RANDOM_FEATURES,
                "the head was trained on features of random backbones: score not calibrated",
            )
        )
    return reasons


def window_warning(scored: VideoScore, features: VideoFeatures) -> str | None:
    """Say so when the head saw only part of the video (its card's centred window)."""
    segments, frames = len(features.dynamic), len(features.static)
    if scored.window_segments >= segments and scored.window_frames >= frames:
        return None
    start_s = float(features.segment_start_s[scored.dynamic_start])
    end_s = float(features.segment_end_s[scored.dynamic_start + scored.window_segments - 1])
    return (
        f"the model scores the centred window it was trained on: {scored.window_segments} of "
        f"{segments} segments ({start_s:.1f}-{end_s:.1f} s) and {scored.window_frames} of "
        f"{frames} athlete frames; moments outside it have no weight"
    )


def analyze(
    video_path: str | Path,
    options: AnalysisOptions = DEFAULT_OPTIONS,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    pool: BackbonePool | None = None,
    sha256: str | None = None,
    on_frame: FrameSink | None = None,
) -> AnalysisResult:
    """Score one video and say which moments the model relied on.

    Pass one `pool` for many videos so that the networks are built once. `sha256`: the file's
    content hash when the caller already has it (the GUI), so the file is not hashed again.
    `on_frame` receives every decoded frame (see `extract_features`).

    Raises JudgeappError subclasses with one-line messages (bad video, missing weights, wrong
    checkpoint) and core.Cancelled when `cancel` is set; a cancelled run caches nothing.
    """
    started = time.perf_counter()
    cancel = cancel or CancelToken()
    chosen = resolve_head(options.model, options.profile)  # the heads folder, read once
    head, card, profile_name = load_head(
        options.model, options.profile, DEFAULT_PROFILE, _profile_dims, chosen
    )
    info = probe(video_path, with_hash=not sha256)
    if sha256:
        info = replace(info, sha256=sha256)
    clock = StageClock()
    opts = AnalysisOptions(**{**options.__dict__, "profile": profile_name})
    features = extract_features(
        video_path, opts, progress, cancel, info=info, clock=clock, pool=pool, on_frame=on_frame
    )
    cancel.raise_if_cancelled()
    selection = select_athlete(
        features,
        info.width,
        info.height,
        options.athlete,
        Follow(*options.follow) if options.follow is not None else None,
    )
    features = selection.features
    head_start = time.perf_counter()
    scored, target_scores = score_features_any(features, head, card)
    dyn_att, stat_att = scored.dynamic_attention, scored.static_attention
    head_s = time.perf_counter() - head_start
    progress(Progress("head", 1, 1))
    warnings = list(features.warnings) + selection.warnings
    reasons = calibration_reasons(card, options.pretrained)
    if (note := recipe_warning(card, get_profile(profile_name))) is not None:
        reasons.append(CalibrationReason(RECIPE_MISMATCH, note))
    if (note := window_warning(scored, features)) is not None:
        warnings.append(note)
    if (note := slow_device_note(profile_name, options.device)) is not None:
        warnings.append(note)
    warnings += [reason.text for reason in reasons]  # readers of warnings only still see them
    calibrated = not reasons and card_is_calibrated(card, backbones_pretrained=options.pretrained)
    timings = {k: round(v, 4) for k, v in clock.seconds.items()}
    timings["head"] = round(head_s, 4)
    timings["total"] = round(time.perf_counter() - started, 4)
    return AnalysisResult(
        video=info,
        model=ModelInfo(
            name=card.name,
            routine=card.routine,
            target=card.target,
            score_max=float(card.score_max),
            profile=profile_name,
            calibrated=calibrated,
            uncalibrated=tuple(reasons),
        ),
        score=scored.score,
        dynamic=[
            SegmentWeight(float(s), float(e), float(w))
            for s, e, w in zip(
                features.segment_start_s, features.segment_end_s, dyn_att, strict=True
            )
        ],
        static=[
            FrameWeight(float(t), float(w), tuple(float(v) for v in box), int(f))
            for t, w, box, f in zip(
                features.static_time_s,
                stat_att,
                features.static_box,
                features.static_frame,
                strict=True,
            )
        ],
        warnings=warnings,
        timings_s=timings,
        engine=EngineInfo(features.engine, features.precision) if features.engine else None,
        provenance=Provenance(
            profile=profile_name,
            recipe=get_profile(profile_name).recipe,
            pretrained=options.pretrained,
            detector=features.detector,
            head_sha256=chosen.sha256 or "",
        ),
        scores=target_scores,
        athlete=selection.athlete,
        pose=selection.pose,
    )
