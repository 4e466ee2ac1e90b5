"""The analysis service: one child process kept for the session, fed the GUI's hash, filling the
GUI's frame cache from its own decoding pass, restarted when it dies, cancellable, shut down."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from judgeapp.app import analysis_service
from judgeapp.app.analysis_service import AnalysisService, demo_request
from judgeapp.core.errors import Cancelled, JudgeappError
from judgeapp.core.progress import CancelToken
from judgeapp.core.results import RANDOM_BACKBONES, UNTRAINED_HEAD
from judgeapp.video import probe
from judgeapp.video.decode import DECODE_LOG_ENV
from judgeapp.video.frame_cache import FrameCache

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
FAKE_SHA = "ab" * 32  # not the file's: proves the child used the hash it was given


@pytest.fixture
def video(media_dir) -> Path:
    return media_dir / "squats_portrait_5fps.mp4"


@pytest.fixture
def service(tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(DECODE_LOG_ENV, str(tmp_path / "decodes.log"))
    service = AnalysisService()
    yield service
    service.shutdown()
    assert multiprocessing.active_children() == []


def passes(tmp_path: Path) -> list[tuple[int, str]]:
    log = tmp_path / "decodes.log"
    lines = log.read_text().splitlines() if log.exists() else []
    return [(int(pid), path) for pid, path in (line.split(" ", 1) for line in lines)]


def test_one_pass_fills_the_cache_with_the_given_hash_and_the_child_is_kept(
    service, video, tmp_path
):
    info = probe(video, with_hash=False)
    cache = FrameCache(info.frames, info.width, info.height)
    reports = []
    outcome = service.analyse(
        video, demo_request("cpu"), sha256=FAKE_SHA, frames=cache, frames_progress=reports.append
    )
    result = outcome.result
    assert result.video.sha256 == FAKE_SHA
    assert [r.code for r in result.model.uncalibrated] == [RANDOM_BACKBONES, UNTRAINED_HEAD]
    assert cache.complete and cache.cached_frames == info.frames
    assert cache.get(0).shape == (info.height, info.width, 3)
    assert reports and reports[-1].done == info.frames
    decoded = passes(tmp_path)
    assert len(decoded) == 1 and decoded[0][0] != os.getpid()  # once, in the child

    stages = []
    again = service.analyse(
        video, demo_request("cpu"), progress=lambda p: stages.append(p.stage), sha256=FAKE_SHA
    )
    assert "cache" in stages and again.result.score == pytest.approx(result.score)
    assert service.spawned == 1 and service.alive


def test_a_dead_child_is_replaced_and_one_dying_mid_way_says_so(service, video):
    service.prepare(demo_request("cpu"))
    service._child.kill()
    service._child.join()
    assert service.analyse(video, demo_request("cpu")).result.score >= 0
    assert service.spawned == 2

    def kill_on_progress(_progress) -> None:
        if service._child is not None and service._child.is_alive():
            service._child.kill()

    with pytest.raises(JudgeappError, match="stopped unexpectedly"):
        service.analyse(video, demo_request("cpu"), progress=kill_on_progress, sha256=FAKE_SHA)
    assert service.analyse(video, demo_request("cpu")).result.score >= 0
    assert service.spawned == 3


def test_a_cancel_stops_the_analysis_and_keeps_the_child(service, video, tmp_path, monkeypatch):
    """Cancelled as soon as the child's decoding pass sends its first frames (the analysis is
    under way, nearly all of it still to do), the child stops on its own and is kept. It is
    waited for as long as it takes: a child slower than CANCEL_GRACE_S to answer (a busy machine,
    the child's lower priority) would be terminated, and the test would be timing the machine."""
    monkeypatch.setattr(analysis_service, "CANCEL_GRACE_S", 300.0)
    info = probe(video, with_hash=False)
    cache = FrameCache(info.frames, info.width, info.height)
    token = CancelToken()
    stages = []

    def cancel_on_first_frames(_progress) -> None:
        token.cancel()

    with pytest.raises(Cancelled):
        service.analyse(
            video,
            demo_request("cpu"),
            progress=lambda p: stages.append(p.stage),
            cancel=token,
            frames=cache,
            frames_progress=cancel_on_first_frames,
        )
    assert service.alive and service.spawned == 1
    assert "head" not in stages and not cache.complete
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").rglob("*.npz"))


def test_a_cancel_sent_before_the_child_starts_the_job_is_kept(service, video, monkeypatch):
    """The cancel reaches the child while it still builds the networks of `prepare` (the job is
    queued behind it, not started): the job starts cancelled and the child is kept. The cancel
    was dropped, and the child terminated once CANCEL_GRACE_S had passed."""
    monkeypatch.setattr(analysis_service, "CANCEL_GRACE_S", 300.0)
    token = CancelToken()
    send = service._send

    def send_then_cancel(message: tuple) -> None:
        send(message)
        if message[0] == "analyse":
            token.cancel()  # on its way right behind the request

    monkeypatch.setattr(service, "_send", send_then_cancel)
    service.prepare(demo_request("cpu"))
    stages = []
    with pytest.raises(Cancelled):
        service.analyse(
            video, demo_request("cpu"), progress=lambda p: stages.append(p.stage), cancel=token
        )
    assert service.alive and service.spawned == 1
    # The job never began: only the child's own stages (started, networks) were heard.
    assert set(stages) <= {"start", "prepare", "convert"}
