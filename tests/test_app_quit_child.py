"""Quitting after an analysis (issue 20, item 7): the idle analysis process ends by itself,
at once, when asked (it skips Python's own ending, which unloading PyTorch and OpenVINO made
1.2-1.4 s), so it is never terminated and nothing is left running."""

from __future__ import annotations

import multiprocessing

import pytest

from judgeapp.app.analysis_service import QUIT_GRACE_S, AnalysisService, demo_request

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def test_an_idle_analysis_process_ends_itself_within_the_grace(tmp_path, monkeypatch, media_dir):
    monkeypatch.setenv("JUDGEAPP_CACHE_DIR", str(tmp_path / "cache"))
    service = AnalysisService()
    try:
        service.analyse(media_dir / "squats_portrait_5fps.mp4", demo_request("cpu"))
        child = service._child
    finally:
        service.shutdown()
    assert QUIT_GRACE_S <= 1.0
    # Ended itself (exit code 0) inside the grace: the old ending took longer and was
    # terminated (-SIGTERM) at this grace.
    assert child.exitcode == 0
    assert multiprocessing.active_children() == []
