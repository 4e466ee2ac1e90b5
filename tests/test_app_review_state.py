"""The review state (no Qt): events on every change, none for no change; the content hash is
computed once however many jobs ask; calibration reasons travel in the result JSON."""

from __future__ import annotations

import threading
import time

import pytest
from report_helpers import make_result

from judgeapp.app import content_hash
from judgeapp.app.analysis_run import AnalysisOutcome
from judgeapp.app.app_settings import AppSettings
from judgeapp.app.content_hash import ContentHash
from judgeapp.app.requests import AnalysisRequest
from judgeapp.app.review_state import ReviewState
from judgeapp.app.score_view import CardFacts, calibration_banner, score_view
from judgeapp.core.files import sha256_file
from judgeapp.core.results import (
    RANDOM_BACKBONES,
    UNTRAINED_HEAD,
    AnalysisResult,
    CalibrationReason,
    VideoInfo,
)

INFO = VideoInfo("/videos/routine.mp4", "", 10.0, 25.0, 250, 640, 360)


def test_events_follow_the_changes_and_only_them():
    state = ReviewState(AppSettings(AnalysisRequest(model="random")))
    events = []
    unsubscribe = state.subscribe(lambda event, value: events.append((event, value)))
    state.set_video(INFO.path, INFO)
    state.set_hash("ab" * 32)
    state.set_hash("ab" * 32)  # known already: no event
    outcome = AnalysisOutcome(make_result(state.info), CardFacts())
    state.set_outcome(outcome)
    state.set_position(2.5)
    state.set_position(2.5)
    state.set_settings(AppSettings(AnalysisRequest(model="random")))  # equal: no event
    state.set_settings(AppSettings(AnalysisRequest(model=""), k=3))
    assert [e for e, _ in events] == ["video", "hash", "result", "position", "settings"]
    assert state.sha256 == "ab" * 32 and events[1][1].sha256 == "ab" * 32
    assert state.result is outcome.result and state.request.model == ""
    state.set_video(None, None)  # closing drops the result first
    assert [e for e, _ in events[-2:]] == ["result", "video"] and state.outcome is None
    unsubscribe()
    state.set_position(1.0)
    assert len(events) == 7


def test_the_hash_is_computed_once_for_every_caller(tmp_path, monkeypatch):
    path = tmp_path / "clip.bin"
    path.write_bytes(b"frames" * 100_000)
    callers = 6
    reads = []

    def slow_sha256(p):  # long enough that every caller arrives while the first reads
        reads.append(p)
        time.sleep(0.2)
        return sha256_file(p)

    monkeypatch.setattr(content_hash, "sha256_file", slow_sha256)
    shared = ContentHash(path)
    start = threading.Barrier(callers)
    answers = []

    def caller():
        start.wait()  # all callers ask at once
        answers.append(shared.get())

    threads = [threading.Thread(target=caller) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [sha256_file(path)] * callers
    assert reads == [path] and shared.computed == 1


def _result(calibrated: bool, reasons=()):
    result = make_result(INFO, calibrated=calibrated)
    from dataclasses import replace

    return replace(result, model=replace(result.model, uncalibrated=tuple(reasons)))


def test_calibration_reasons_round_trip_and_are_validated():
    reasons = [
        CalibrationReason(RANDOM_BACKBONES, "backbones have random weights"),
        CalibrationReason(UNTRAINED_HEAD, "the head is untrained"),
    ]
    result = _result(False, reasons)
    doc = result.to_dict()
    assert doc["model"]["uncalibrated"][0] == {"code": RANDOM_BACKBONES, "text": reasons[0].text}
    assert AnalysisResult.from_dict(doc) == result
    old = result.to_dict()
    del old["model"]["uncalibrated"]  # a file written before reasons were recorded
    assert AnalysisResult.from_dict(old).model.uncalibrated == ()
    assert "uncalibrated" not in _result(True).to_dict()["model"]
    bad = result.to_dict()
    bad["model"]["uncalibrated"][0]["code"] = "gremlins"
    with pytest.raises(ValueError, match=r"uncalibrated\[0\]\.code must be one of"):
        AnalysisResult.from_dict(bad)
    contradicting = result.to_dict()
    contradicting["model"]["calibrated"] = True
    with pytest.raises(ValueError, match="calibrated is true"):
        AnalysisResult.from_dict(contradicting)


def test_the_banner_reads_the_codes_not_the_warning_text():
    reasons = [CalibrationReason(RANDOM_BACKBONES, "whatever the text says")]
    result = _result(False, reasons)
    banner = calibration_banner(result.model)
    assert "random weights instead of their trained ones" in banner.text
    assert "whatever the text says" not in banner.text and "untrained" not in banner.text
    assert "Analysis ▸ Models" in banner.text and "--" not in banner.text
    from dataclasses import replace

    from judgeapp.detect.factory import HOG_WARNING

    noted = replace(result, warnings=["whatever the text says", "the centred window", HOG_WARNING])
    shown = score_view(noted).warnings
    assert shown[0] == "the centred window" and len(shown) == 2  # reasons are not repeated
    assert "Analysis ▸ Models" in shown[1] and "judgeapp models" not in shown[1]
