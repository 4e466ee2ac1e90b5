"""The analysis API: progress reports, cancellation without a partial cache entry."""

from __future__ import annotations

import dataclasses

import pytest

from judgeapp.analysis import AnalysisOptions, analyze
from judgeapp.core import Cancelled, CancelToken
from judgeapp.features.cache import FeatureCache
from judgeapp.features.profiles import PROFILES

OPTIONS = AnalysisOptions(pretrained=False, model="random", detector="hog")


def test_cancel_mid_analysis_leaves_no_cache_entry(media_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    token = CancelToken()
    reports = []

    def progress(p):
        reports.append(p)
        if p.stage == "dynamic":
            token.cancel()

    with pytest.raises(Cancelled):
        analyze(media_dir / "squats_portrait_5fps.mp4", OPTIONS, progress=progress, cancel=token)
    assert reports, "no progress before the cancel"
    root = FeatureCache().root
    assert not root.exists() or not any(root.iterdir())


def test_progress_is_monotonic_and_reaches_the_end(media_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    reports = []
    result = analyze(media_dir / "squats_portrait_5fps.mp4", OPTIONS, progress=reports.append)
    work = [p for p in reports if p.stage in ("decode", "detect", "dynamic", "static")]
    assert [p.done for p in work] == sorted(p.done for p in work)
    assert work[-1].done == work[-1].total == len(result.dynamic) + 13
    assert reports[-1].stage == "head"
    assert {p.stage for p in work} >= {"detect", "dynamic"}
    # the second analysis of the same content comes from the cache, with the same features
    again = analyze(media_dir / "squats_portrait_5fps.mp4", OPTIONS)
    assert again.score == pytest.approx(result.score, abs=1e-6)
    assert [s.weight for s in again.static] == pytest.approx([s.weight for s in result.static])
    assert len(list(FeatureCache().root.glob("*.npz"))) == 1
    # a new version of the profile's recipe never reads the old entry
    profile = PROFILES[result.model.profile]
    monkeypatch.setitem(PROFILES, profile.name, dataclasses.replace(profile, recipe=99))
    stages = []
    newer = analyze(media_dir / "squats_portrait_5fps.mp4", OPTIONS, progress=stages.append)
    assert "cache" not in {p.stage for p in stages} and newer.provenance.recipe == 99
    assert len(list(FeatureCache().root.glob("*.npz"))) == 2


def test_detector_none_scores_whole_frames_under_its_own_cache_entry(
    media_dir, tmp_path, monkeypatch
):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    video = media_dir / "squats_portrait_5fps.mp4"
    whole = analyze(video, AnalysisOptions(pretrained=False, model="random", detector="none"))
    width, height = whole.video.width, whole.video.height
    assert len(whole.static) == 13  # every 1 fps frame, none dropped
    assert {s.box for s in whole.static} == {(0.0, 0.0, float(width), float(height))}
    assert not any("HOG" in w or "no person" in w for w in whole.warnings)
    cropped = analyze(video, OPTIONS)  # HOG finds the athlete: smaller boxes, other features
    assert all(s.box[2] - s.box[0] < width for s in cropped.static)
    assert len(list(FeatureCache().root.glob("*.npz"))) == 2


def test_a_hash_given_by_the_caller_is_used_and_the_file_is_not_hashed_again(
    media_dir, tmp_path, monkeypatch
):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    import importlib

    probe_module = importlib.import_module("judgeapp.video.probe")  # the module, not probe()

    def no_second_hash(path):
        raise AssertionError(f"{path} was hashed again")

    monkeypatch.setattr(probe_module, "sha256_file", no_second_hash)
    frames = []
    given = "cd" * 32
    result = analyze(
        media_dir / "squats_portrait_5fps.mp4",
        OPTIONS,
        sha256=given,
        on_frame=lambda frame: frames.append(frame.index),
    )
    assert result.video.sha256 == given
    assert frames == list(range(result.video.frames))  # every frame of the one pass
    codes = [reason.code for reason in result.model.uncalibrated]
    assert codes == ["random-backbones", "untrained-head"] and not result.model.calibrated
