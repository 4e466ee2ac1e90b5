"""Quitting (issue 20, item 7): the window goes at once, before the work is stopped, and nothing
is left running afterwards (no analysis process, no worker thread). The seconds are in
benchmarks/quit_time.py and docs/gui.md, not here."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from video_helpers import write_video

from judgeapp.app.analysis_service import demo_request
from judgeapp.ui.workers import live_threads


@pytest.fixture
def window(review_window):
    return review_window()[0]


def test_quit_hides_the_window_first_and_leaves_no_process_or_thread(qtbot, window, tmp_path):
    video = write_video(tmp_path / "routine.mp4", fps=10.0, frames=60)
    assert window.open_video(video)
    qtbot.waitUntil(lambda: window.player.frame_count > 0, timeout=20_000)
    window.player.step(3)
    service = window.session.service
    service.prepare(demo_request("cpu"))  # the analysis process, busy building its networks
    child = service._child
    assert child is not None and child.is_alive()
    seen: dict[str, bool] = {}
    stop = window.session.shutdown

    def shutdown_seen(*args, **kwargs):
        seen["visible while the work stops"] = window.isVisible()
        return stop(*args, **kwargs)

    window.session.shutdown = shutdown_seen
    window.close()
    assert seen == {"visible while the work stops": False}  # the old code: still on screen
    assert not child.is_alive()  # still building its networks: terminated after 1 s
    assert multiprocessing.active_children() == []
    assert live_threads() == []
    assert [t.name for t in threading.enumerate() if t.name.startswith("judgeapp")] == []
