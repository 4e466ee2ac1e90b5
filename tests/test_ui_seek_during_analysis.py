"""Issue 20, item 1: seeking while the first analysis runs never waits for it. The analysis is a
fake held by an event after its decoding pass has put the first frames into the frame cache; a
seek past them must show the exact frame (decoded directly) while the analysis is still held."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from ui_helpers import main_window_with, qimage_to_rgb

from judgeapp.app.analysis_run import NoModel
from judgeapp.app.app_settings import AppSettings
from judgeapp.app.requests import AnalysisRequest
from judgeapp.core.progress import Progress
from judgeapp.video.decode import iter_frames
from judgeapp.video.frame_cache import DirectReader

CACHED = 24  # frames the held analysis has passed to the cache
TARGET = 200  # far past them, in a file with one keyframe


class HeldAnalysis:
    """An AnalysisService stand-in whose decoding pass stops after CACHED frames until `go`."""

    def __init__(self) -> None:
        self.alive = True
        self.go = threading.Event()
        self.holding = threading.Event()

    def prepare(self, request, progress=lambda p: None) -> None:
        pass

    def analyse(self, path, request, progress, cancel, frames=None, **_kwargs):
        for frame in iter_frames(path):
            if frame.index >= CACHED:
                break
            frames.put(frame.index, frame.time_s, frame.image)
        progress(Progress("decode", CACHED, frames.expected_frames))
        self.holding.set()
        self.go.wait(120)
        return NoModel()

    def begin_shutdown(self) -> None:
        self.go.set()

    def shutdown(self, timeout_s: float = 1.0) -> None:
        self.go.set()


@pytest.fixture
def juggle(media_dir) -> Path:
    return media_dir / "juggle_720p24.mp4"


@pytest.fixture
def window(qtbot, tmp_path):
    request = AnalysisRequest(device="cpu", model="random", pretrained=False)
    win, _ = main_window_with(qtbot, tmp_path, AppSettings(request, auto_analyze=True))
    yield win
    win.session.service.go.set()
    win.close()


def test_a_seek_past_the_cached_frames_shows_the_exact_frame_while_the_analysis_is_held(
    qtbot, window, juggle
):
    service = HeldAnalysis()
    window.session.service = service
    window.open_video(juggle)  # analysed on opening: the analysis fills the frame cache
    qtbot.waitUntil(lambda: window.session.source is not None, timeout=20_000)
    source = window.session.source
    qtbot.waitUntil(service.holding.is_set, timeout=60_000)
    assert TARGET not in source.cache and CACHED - 1 in source.cache

    window.player.seek(TARGET)
    qtbot.waitUntil(lambda: window.player.current_index == TARGET, timeout=60_000)
    assert not service.go.is_set() and window.session.analysing  # still held: not waited for
    reader = DirectReader(juggle, source.info)
    try:
        _, truth = reader.read(TARGET)
    finally:
        reader.close()
    assert np.array_equal(qimage_to_rgb(window.player.current_image()), truth)

    window.player.seek(CACHED - 1)  # a cached one still comes from the cache
    qtbot.waitUntil(lambda: window.player.current_index == CACHED - 1, timeout=60_000)
    assert not service.go.is_set()
    service.go.set()
    qtbot.waitUntil(lambda: not window.session.analysing, timeout=60_000)
