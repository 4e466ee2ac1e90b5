"""Same video, same settings, same result: bit for bit, in every process and GUI session.

Fresh `judgeapp score` processes (each with its own empty feature cache), a run that reads the
feature cache, and the GUI's analysis child (after a first attempt that failed) must give the
same analysis JSON apart from timings; the library's stored result is shown again only when it
is what an analysis with the current settings gives today.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from judgeapp.app.analysis_service import AnalysisService
from judgeapp.app.requests import AnalysisRequest, stored_result_reusable
from judgeapp.core.errors import JudgeappError
from judgeapp.core.files import sha256_file
from judgeapp.core.results import AnalysisResult, Provenance
from judgeapp.features.recipes import current_recipe
from judgeapp.video import probe
from judgeapp.video.frame_cache import FrameCache

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
VIDEO = "juggle_720p24.mp4"
ARGS = ["--profile", "paper", "--pretrained", "none", "--model", "random"]
ARGS += ["--device", "cpu", "--detector", "hog"]


def _score(video: Path, cache: Path, out: Path) -> dict:
    env = {**os.environ, "JUDGEAPP_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "judgeapp", "score", str(video), *ARGS, "--json", str(out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text())


def _without_timings(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "timings_s"}


@pytest.fixture(scope="module")
def cli_results(media_dir, tmp_path_factory) -> list[dict]:
    root = tmp_path_factory.mktemp("same-score")
    video = media_dir / VIDEO
    first = _score(video, root / "cache-a", root / "a.json")
    second = _score(video, root / "cache-b", root / "b.json")
    cached = _score(video, root / "cache-a", root / "c.json")  # features from the cache
    return [first, second, cached]


def _boxes_apart(a: dict, b: dict) -> list[str]:
    """The static frames whose athlete boxes differ between two results (names the frame)."""
    boxes_a = {s["frame"]: s["box"] for s in a["static"]}
    boxes_b = {s["frame"]: s["box"] for s in b["static"]}
    return [
        f"frame {f}: {boxes_a.get(f)} != {boxes_b.get(f)}"
        for f in sorted(set(boxes_a) | set(boxes_b))
        if boxes_a.get(f) != boxes_b.get(f)
    ]


def test_fresh_processes_and_the_cache_give_identical_json(cli_results) -> None:
    first, second, cached = cli_results
    assert not _boxes_apart(first, second), "two fresh processes found different athletes"
    assert not _boxes_apart(first, cached), "the cached run found different athletes"
    assert _without_timings(first) == _without_timings(second) == _without_timings(cached)
    assert first["timings_s"]["dynamic"] > 0 and cached["timings_s"]["dynamic"] == 0
    assert first["provenance"] == {
        "profile": "paper",
        "recipe": current_recipe("paper"),
        "pretrained": False,
        "detector": "hog",
        "head_sha256": "",
    }


def test_paper_static_frames_are_the_last_of_each_second(cli_results) -> None:
    # juggle is 24 fps: the last frame of each second is 23, 47, 71, ...
    frames = [s["frame"] for s in cli_results[0]["static"]]
    assert frames and all((f + 1) % 24 == 0 for f in frames)


def test_gui_session_after_a_failed_attempt_gives_the_same_json(
    cli_results, media_dir, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "gui-cache"))
    video = media_dir / VIDEO
    failing = AnalysisRequest(model="random", profile="paper", pretrained=True, detector="hog")
    service = AnalysisService()
    try:
        with pytest.raises(JudgeappError):  # no pretrained weights on this machine
            service.analyse(video, failing)
        request = dataclasses.replace(failing, pretrained=False, device="cpu")
        # As the GUI asks: with the hash it computed and its frame cache to fill.
        info = probe(video, with_hash=False)
        cache = FrameCache(info.frames, info.width, info.height)
        outcome = service.analyse(video, request, sha256=sha256_file(video), frames=cache)
    finally:
        service.shutdown()
    assert _without_timings(outcome.result.to_dict()) == _without_timings(cli_results[0])
    assert cache.complete and cache.cached_frames == info.frames
    assert service.spawned == 1  # the failed attempt left the process usable


def test_a_stored_result_is_reused_only_for_the_same_settings_and_recipe(cli_results) -> None:
    stored = AnalysisResult.from_dict(cli_results[0])
    settings = AnalysisRequest(model="random", profile="paper", pretrained=False, detector="hog")
    assert stored_result_reusable(stored, settings)
    assert stored_result_reusable(stored, dataclasses.replace(settings, detector="auto"))
    assert not stored_result_reusable(stored, dataclasses.replace(settings, pretrained=True))
    assert not stored_result_reusable(stored, dataclasses.replace(settings, model=""))
    assert not stored_result_reusable(stored, dataclasses.replace(settings, profile="torchvision"))
    assert not stored_result_reusable(stored, dataclasses.replace(settings, detector="none"))
    assert not stored_result_reusable(stored, dataclasses.replace(settings, precision="bf16"))
    made_by = stored.engine.name
    other = "torch" if made_by == "openvino" else "openvino"
    assert stored_result_reusable(stored, dataclasses.replace(settings, engine=made_by))
    assert not stored_result_reusable(stored, dataclasses.replace(settings, engine=other))
    older = dataclasses.replace(stored.provenance, recipe=current_recipe("paper") - 1)
    assert not stored_result_reusable(dataclasses.replace(stored, provenance=older), settings)
    unknown = dataclasses.replace(stored, provenance=None)  # stored before provenance existed
    assert not stored_result_reusable(unknown, settings)
    assert isinstance(stored.provenance, Provenance)
