"""Issue 20, item 1: every stage a user waits for has words and progress, from the analysis
process starting to the score; the wait reported is the user's (app.stage_words), and the real
analysis process says each stage (starting, preparing the networks, decoding, then the
analysis's own stages) through the service's progress callback."""

from __future__ import annotations

import multiprocessing

import pytest

from judgeapp.app.analysis_service import AnalysisService, demo_request
from judgeapp.app.stage_words import (
    CONVERT_STAGE,
    PREPARE_STAGE,
    QUEUED_STAGE,
    STAGE_NAMES,
    START_STAGE,
    bar_fill,
    done_text,
    first_stage,
    stage_text,
    wait_text,
)
from judgeapp.video import probe
from judgeapp.video.frame_cache import FrameCache

WAITED_FOR = ("start", "prepare", "convert", "decode", "detect", "dynamic", "static", "head")


@pytest.mark.parametrize("stage", WAITED_FOR)
def test_each_stage_has_words_and_a_count(stage):
    words = STAGE_NAMES[stage]
    assert words and words != stage
    assert stage_text(stage, 3, 12) == f"Analysing: {words} (3 / 12)"
    assert stage_text(stage, 3, 12, waited_s=41.6) == f"Analysing: {words} (3 / 12) · 42 s"


def test_the_first_time_conversion_says_it_takes_about_a_minute():
    assert "converting for the CPU engine" in STAGE_NAMES[CONVERT_STAGE]
    assert "about a minute" in STAGE_NAMES[CONVERT_STAGE]
    assert STAGE_NAMES[PREPARE_STAGE] == "preparing the networks"


def test_the_first_stage_is_named_before_the_analysis_says_anything():
    assert first_stage(process_running=False) == START_STAGE
    assert first_stage(process_running=True) == QUEUED_STAGE


def test_the_wait_is_said_in_seconds_then_minutes():
    assert wait_text(8.24) == "8.2 s"
    assert wait_text(154.2) == "2 min 34 s"
    assert done_text(154.0) == "Analysis done in 2 min 34 s"
    assert done_text(9.0, "pose") == "Analysis done in 9.0 s; athlete finder: pose"


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_analysis_process_names_every_stage_from_its_start(media_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    video = media_dir / "squats_portrait_5fps.mp4"
    info = probe(video, with_hash=False)
    cache = FrameCache(info.frames, info.width, info.height)
    heard = []
    service = AnalysisService()
    try:
        request = demo_request("cpu")
        service.prepare(request, heard.append)  # as the GUI's session does
        service.analyse(video, request, heard.append, sha256="cd" * 32, frames=cache)
    finally:
        service.shutdown()
    assert multiprocessing.active_children() == []
    stages = [p.stage for p in heard]
    assert stages[0] == START_STAGE  # said at once, before the child answers
    start = [p for p in heard if p.stage == START_STAGE]
    assert (start[-1].done, start[-1].total) == (1, 1)  # the child said it was up
    networks = [p for p in heard if p.stage in (PREPARE_STAGE, CONVERT_STAGE)]
    assert [(p.done, p.total) for p in networks] == [(0, 2), (1, 2), (2, 2)]
    decode = [p for p in heard if p.stage == "decode"]
    assert decode and all(0 < p.done <= p.total for p in decode)
    for stage in ("detect", "dynamic", "head"):
        assert stage in stages, stages
    order = [stages.index(s) for s in (START_STAGE, networks[0].stage, "decode", "head")]
    assert order == sorted(order)
    assert all(p.stage in STAGE_NAMES for p in heard)


def test_the_bar_is_busy_while_a_stage_has_no_count_worth_a_bar():
    for stage in (START_STAGE, QUEUED_STAGE, PREPARE_STAGE, CONVERT_STAGE):
        assert bar_fill(stage, 0, 2) is None
    assert bar_fill("decode", 0, 0) is None
    assert bar_fill("detect", 3, 12) == (3, 12)
    assert bar_fill("decode", 300, 247) == (247, 247)
