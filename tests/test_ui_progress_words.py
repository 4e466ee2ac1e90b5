"""Issue 20, item 1: from the moment an analysis is asked for, the status bar names the stage the
user waits for (never only "Frame cache: …" over a wordless busy bar), and the time reported
when the result shows is the user's wait, from the request to the result (not the analysis's own
total). The analysis process is a fake here: it says what the real child says (tests of the
real one: test_app_stage_words.py), held by events; the session's clock is a fake one."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QProgressBar
from report_helpers import make_result
from ui_helpers import main_window_with

from judgeapp.app.analysis_run import AnalysisOutcome
from judgeapp.app.app_settings import AppSettings
from judgeapp.app.requests import AnalysisRequest
from judgeapp.app.score_view import CardFacts
from judgeapp.core.progress import Progress
from judgeapp.video import probe

SETTINGS = AppSettings(
    AnalysisRequest(device="cpu", model="random", pretrained=False, detector="hog")
)
OWN_TOTAL_S = 69.1  # what the analysis measured itself (the "done in 69.1 s")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class HeldService:
    """An AnalysisService stand-in: no child yet (`alive` False); each stage waits for `go`."""

    def __init__(self, info) -> None:
        self.info = info
        self.alive = False
        self.go = threading.Event()
        self.said = threading.Event()  # the fake has said its stage and waits for `go`
        self.stages: list[tuple[str, int, int]] = []

    def prepare(self, request, progress=lambda p: None) -> None:
        if not self.alive:
            progress(Progress("start", 0, 1))
        self.alive = True

    def _say(self, progress, stage: str, done: int, total: int) -> None:
        self.go.clear()
        progress(Progress(stage, done, total))
        self.said.set()
        assert self.go.wait(30)
        self.said.clear()

    def analyse(self, path, request, progress, cancel, **_kwargs):
        for stage, done, total in self.stages:
            self._say(progress, stage, done, total)
        result = make_result(self.info)
        timings = {**result.timings_s, "total": OWN_TOTAL_S}
        return AnalysisOutcome(replace(result, timings_s=timings), CardFacts(trained=False))

    def begin_shutdown(self) -> None:
        pass

    def shutdown(self, timeout_s: float = 1.0) -> None:
        self.go.set()


def status_words(window) -> str:
    """What the status bar shows in words: its visible labels and progress bars' text (a busy
    bar shows none) and its message."""
    bar = window.statusBar()
    parts = [w.text() for w in bar.findChildren(QLabel) if w.isVisible() and w.text()]
    parts += [w.text() for w in bar.findChildren(QProgressBar) if w.isVisible() and w.text()]
    return " | ".join([*parts, bar.currentMessage()])


@pytest.fixture
def video(media_dir) -> Path:
    return media_dir / "squats_portrait_5fps.mp4"


@pytest.fixture
def window(qtbot, tmp_path):
    win, _ = main_window_with(qtbot, tmp_path, replace(SETTINGS, auto_analyze=False))
    yield win
    win.session.service.go.set()
    win.close()


def test_each_stage_is_named_from_the_request_and_the_wait_is_timed_from_it(qtbot, window, video):
    info = probe(video, with_hash=False)
    service = HeldService(info)
    clock = FakeClock()
    window.session.service, window.session.clock = service, clock
    service.stages = [
        ("start", 1, 1),
        ("convert", 0, 2),
        ("decode", 8, info.frames),
        ("detect", 3, 12),
        ("head", 1, 1),
    ]
    window.open_video(video)
    qtbot.waitUntil(lambda: window.session.source is not None, timeout=20_000)

    window.analyze()  # the request
    # At once, before any word from the analysis: a named stage, not only the frame cache.
    assert "Analysing: starting the analysis process" in status_words(window)
    seen = [status_words(window)]
    expected = [
        "Analysing: starting the analysis process",
        "Analysing: preparing the networks (first time on this machine: converting for the "
        "CPU engine, about a minute) (0 / 2)",
        f"Analysing: decoding the video (8 / {info.frames})",
        "Analysing: finding the athlete (3 / 12)",
        "Analysing: scoring",
    ]
    for words in expected:
        qtbot.waitUntil(service.said.is_set, timeout=20_000)
        qtbot.waitUntil(lambda w=words: w in status_words(window), timeout=20_000)
        seen.append(status_words(window))
        clock.now += 30.0
        service.go.set()

    clock.now += 4.0
    qtbot.waitUntil(lambda: not window.session.analysing, timeout=20_000)
    # 5 stages x 30 s + 4 s since the request = 2 min 34 s, not the analysis's own 69.1 s.
    assert window.session.waited_s == pytest.approx(154.0)
    message = window.statusBar().currentMessage()
    assert message.startswith("Analysis done in 2 min 34 s"), message
    assert "69.1" not in message
    assert "Analysing" not in status_words(window)


def test_the_seconds_waited_count_on_while_a_stage_lasts(qtbot, window, video):
    info = probe(video, with_hash=False)
    service = HeldService(info)
    clock = FakeClock()
    window.session.service, window.session.clock = service, clock
    service.stages = [("convert", 0, 2)]
    window.open_video(video)
    qtbot.waitUntil(lambda: window.session.source is not None, timeout=20_000)
    window.analyze()
    qtbot.waitUntil(service.said.is_set, timeout=20_000)
    qtbot.waitUntil(lambda: "converting" in status_words(window), timeout=20_000)
    clock.now += 42.0
    qtbot.waitUntil(lambda: "about a minute) (0 / 2) · 42 s" in status_words(window))
    service.go.set()
    qtbot.waitUntil(lambda: not window.session.analysing, timeout=20_000)
